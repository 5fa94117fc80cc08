"""The canonical form of a transcript: what decides whether a fetch is a new version.

A reader does not call it an edit when a site swaps straight quotes for curly ones, pads a
sentence with a non-breaking or ideographic space, or re-flows a paragraph. Those differences
vanish here; the stored text keeps them, because it is the evidence.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from briefwatch.storage.text import cjk

# Typographic variants that NFKC leaves alone.
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
})
# Zero-width characters and soft hyphens that some CMS editors scatter through text.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
# Chinese puts no spaces between words or sentences: a space beside a CJK character or CJK
# punctuation is layout, not text.
_CJK = cjk.ANY
# (written to start with the space, so that the search skips from space to space)
_CJK_SPACE = re.compile(f" (?:(?<=[{_CJK}] )|(?=[{_CJK}]))")


def canonical_paragraph(paragraph: str) -> str:
    text = unicodedata.normalize("NFKC", paragraph)
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    return _CJK_SPACE.sub("", _SPACES.sub(" ", text)).strip()


def canonical_text(text: str) -> str:
    """canonical_paragraph of each line, with empty lines dropped; done on the whole text at
    once where no step crosses a line break, which is several times faster."""
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text).translate(_QUOTES)
    # str.split() splits on exactly what \s matches, and drops the ends: _SPACES and strip().
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return _CJK_SPACE.sub("", "\n".join(line for line in lines if line))


def canonical_hash(title: str, text: str) -> str:
    """A retitled transcript is an edit too, so the title is part of the hash."""
    payload = canonical_paragraph(title) + "\n\n" + canonical_text(text)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clean_paragraphs(text: str) -> list[str]:
    """The stored form: one paragraph a line, outer whitespace (incl. U+3000 indents) trimmed."""
    paragraphs = (p.strip() for p in text.replace("\r", "\n").split("\n"))
    return [p for p in paragraphs if p]


def conference_key(published, title: str) -> str | None:
    """What copies of one conference share: its date and its title, letters and digits only.

    A conference re-published under a new URL, or mirrored by an embassy, keeps both.
    """
    if published is None:
        return None
    words = re.sub(r"[\W_]+", " ", canonical_paragraph(title).casefold()).strip()
    return f"{published.isoformat()}|{words}"
