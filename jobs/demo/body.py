"""A briefing's transcript as markup, in the style of each generation's editor.

The markup is a function of the briefing alone (seeded by its number), so that changes to the
page furniture around it never touch it; `typography` adds the typographic variants a reader
would not call an edit.
"""

from __future__ import annotations

import html
import random
import re

from briefwatch.jobs.demo.briefings import Briefing, question_indices, split_turn
from briefwatch.jobs.demo.generations import Generation


def escape_text(s: str) -> str:
    """Text as the site's editors write it: no-break spaces as `&nbsp;`."""
    return html.escape(s, quote=False).replace("\u00a0", "&nbsp;")


def escape_attr(s: str) -> str:
    """A value for a quoted attribute."""
    return html.escape(s, quote=True)


def _typeset(text: str, lang: str, r: random.Random) -> str:
    """Typographic variants a reader would not call an edit."""
    if lang == "en":
        if r.random() < 0.5:
            text = text.replace("'", "\u2019")
        if r.random() < 0.5:
            text = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text)
        gaps = (" ", " ", "\u00a0", "\u3000", "  \n  ", " \u00a0")
        text = re.sub(r"([.?!]) (?=[A-Z\"\u201c])", lambda m: m.group(1) + r.choice(gaps), text)
    else:
        gaps = ("", "", "\u00a0", "\n  ", " ")
        text = re.sub("([。？！])(?=.)", lambda m: m.group(1) + r.choice(gaps), text)
    spaces = [m.start() for m in re.finditer(r"(?<=\w) (?=\w)", text)]
    if spaces and r.random() < 0.4:
        k = r.choice(spaces)
        text = text[:k] + "   \n\t " + text[k + 1:]
    return text


def _cut(text: str, r: random.Random) -> list[tuple[str, str]]:
    """(chunk, separator) pieces, split the way the old editor split SPANs: mid-word or at a
    space that then sits between two SPANs."""
    pieces, start = [], 0
    points = {r.randrange(1, len(text)) for _ in range(r.randint(0, 3))} if len(text) > 2 else ()
    for k in sorted(points):
        if k <= start:
            continue
        if text[k] == " " and text[k - 1] != " " and text[k + 1:k + 2] not in ("", " "):
            pieces.append((text[start:k], " "))
            start = k + 1
        elif text[k - 1].isalpha() and text[k].isalpha():
            pieces.append((text[start:k], ""))
            start = k
    return [*pieces, (text[start:], "")]


_P_EN = '<P style="FONT-SIZE: 14px; FONT-FAMILY: arial" align=justify>'
_SPAN_EN = '<SPAN style="FONT-SIZE: 14px; FONT-FAMILY: arial">'
_P_ZH = '<P style="FONT-FAMILY: arial; FONT-SIZE: 14px" align=justify>'
_SPAN_ZH = '<SPAN style="FONT-FAMILY: arial; FONT-SIZE: 14px">'


def _paragraph(style: str, lang: str, prefix: str, rest: str, question: bool,
               r: random.Random) -> str:
    bold = ("<B>", "</B>") if question else ("", "")
    if style == "en14":
        pieces = _cut(rest, r)
        if prefix and r.random() < 0.6:
            pieces.insert(0, (prefix, ""))
        elif prefix:
            pieces[0] = (prefix + pieces[0][0], pieces[0][1])
        inner = "".join(f"{bold[0]}{_SPAN_EN}{escape_text(c)}</SPAN>{bold[1]}{sep}"
                        for c, sep in pieces)
        return _P_EN + inner + (" </P>" if r.random() < 0.7 else "</P>")
    if style == "zh14":
        text = prefix + rest
        inner = "".join(f"<B>{_SPAN_ZH}{escape_text(c)}</SPAN></B>{sep}"
                        for c, sep in _cut(text, r))
        return f"{_P_ZH}\u3000\u3000{inner if question else escape_text(text)} </P>"
    lead, attrs = ("", ' style="text-align: justify;"') if lang == "en" else ("\u3000\u3000", "")
    if question and r.random() < 0.3:
        inner = f"<strong>{escape_text(prefix)}</strong><strong>{escape_text(rest)}</strong>"
    else:
        text = escape_text(prefix + rest)
        inner = f"<strong>{text}</strong>" if question else text
    return f"<p{attrs}>{lead}{inner}</p>"


def _image(b: Briefing, k: int) -> str:
    name = f"W0{b.date:%Y%m%d}{b.number}{k}.jpg"
    style = "; ".join(f"BORDER-{s}-WIDTH: 0px" for s in ("LEFT", "RIGHT", "BOTTOM", "TOP"))
    return ((_P_EN if b.lang == "en" else _P_ZH).replace("justify", "center")
            + f'<IMG style="{style}" src="./{name}" OLDSRC="{name}" '
            f'_fcksavedurl="/webpic/{b.date:%Y%m}/{name}"/></P>')


def render_body(b: Briefing, gen: Generation, typography: bool) -> str:
    questions = set(question_indices(b))
    out = []
    for k, p in enumerate(b.paragraphs):
        prefix, rest = split_turn(b, p)
        if typography:
            rest = _typeset(rest, b.lang, random.Random(f"typo:{b.number}:{k}"))
        r = random.Random(f"markup:{b.number}:{k}")
        out.append(_paragraph(gen.style, b.lang, prefix, rest, k in questions, r))
    if gen.style == "en14":
        out = [_image(b, 1), *out, _image(b, 2)]
    elif gen.style == "zh14":
        # The old Chinese editor often left an empty first paragraph: not part of the transcript.
        out = [f"{_P_ZH}\u3000\u3000&nbsp;</P>", _image(b, 1), *out, _image(b, 2)]
    return "\n".join(out)
