"""What counts as Chinese (and Japanese) text, for every module that treats it apart.

Chinese puts no spaces between words: the canonical form drops layout spaces beside it, diffs
and word counts take each character as a word, search indexes each one alone, and speaker
prefixes (`中央电视台记者：`) are recognised by it. Each use takes the classes it needs from
here, so that they cannot drift apart.
"""

from __future__ import annotations

import re

# Letters: CJK radicals, kana, unified ideographs (and extension A), compatibility ideographs.
LETTERS = "\u2e80-\u2fff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# CJK symbols and punctuation: the ideographic space, 、。《》「」…
PUNCTUATION = "\u3000-\u303f"
# Half-width and full-width forms: full-width letters, digits and punctuation (，：（）).
FULLWIDTH = "\uff00-\uffef"
# Anything of CJK script or layout.
ANY = LETTERS + PUNCTUATION + FULLWIDTH

LETTER = re.compile(f"[{LETTERS}]")
CHARACTER = re.compile(f"[{ANY}]")


def has_cjk(text: str) -> bool:
    return CHARACTER.search(text) is not None
