"""Pairing the English and Chinese records of one conference, exchange by exchange.

The two languages almost always carry the same exchanges in the same order, so the alignment
is a dynamic programme over the two sequences (order kept) whose steps are: a one-to-one
match, an exchange missing from one language (a gap), or one exchange in one language matched
to two consecutive ones in the other (a follow-up merged or split). A match scores what
survives translation:

* the outlet, where both name one (the canonical names of the names table): the same outlet
  counts for, two different ones against (a little: a question credited to Kyodo in one
  language and NHK in the other is still the same question);
* numbers, and dates (month names read as numbers), in both texts;
* terms that survive translation (places, organisations, people: storage/text/terms.toml);
* lengths: the English question's and answer's words against the Chinese ones' characters,
  in proportion to the conference's own ratio;
* question marks: a follow-up joined to the exchange before it brings its own.

The weights were set on the real conferences of ../shared/real-pages: `python
bench/pairing.py` measures them (bench/PAIRING.md): every exchange cut from one language is
reported exactly; about three merged follow-ups in four are recognised as merges, and the
others reported as an exchange missing from the language that merged them.

A gap costs more than a doubtful match gains, so an ordinary day aligns one to one; an
exchange present in one language only leaves its neighbours' matches better than any shift,
and so it is the one left out.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from briefwatch.storage.text import cjk

_MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"))}
# A month by its name, capitalised; "May" only where it is a date (not the verb "may").
_MONTH = re.compile(r"\b(January|February|March|April|June|July|August|September|October|"
                    r"November|December)\b|\d (May)\b|\b(May) \d|"
                    r"\b(?:in|of|since|until|early|late|mid-|last|next|this) (May)\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9\-]*[A-Za-z0-9]|[A-Za-z]")
TERMS = Path(__file__).with_name("terms.toml")
_ASK = re.compile("[?？]")
ASKS = 0.15
GAP = -0.45
# A merged/split step scores as one match less this: it must fit clearly better than leaving
# the extra exchange out (a match and a gap) to be chosen. Lower, and cut exchanges start to
# be taken for merges (bench/PAIRING.md).
SPLIT = 0.7
# … unless the exchange joined is labelled a follow-up of the one before (`Follow-up:`,
# `追问：`): one language writing it apart and the other within its question is common.
SPLIT_FOLLOW_UP = 0.4
# A gap is believed only between matches scoring at least this (a good match scores about
# 1.4, one in a hundred under 0.3: bench/PAIRING.md) …
ANCHOR = 0.0
# … and when no more than this share of either record is left unmatched.
DIFFERENT = 1 / 3


# The most exchanges a record may have to be aligned: the alignment weighs every exchange of
# one record against every one of the other, so that 1,600 took 26 s, and a hostile page of a
# hundred thousand would stall the crawl for hours. The real conferences have at most twenty
# (bench/PAIRING.md).
MAX_ALIGNED = 300


@dataclass
class Pairing:
    matched: list[tuple[int, int]] = field(default_factory=list)  # (en index, zh index)
    missing_in_en: list[int] = field(default_factory=list)  # zh indices
    missing_in_zh: list[int] = field(default_factory=list)  # en indices
    merged: list[dict] = field(default_factory=list)  # {"en": [i], "zh": [j, k]} or reverse
    # Every step in reading order: {"state": "in both"|"missing_in_en"|"missing_in_zh"|
    # "merged", "en": [indices], "zh": [indices]}.
    steps: list[dict] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)  # what each step scored

    # Why the alignment cannot be trusted to say what is missing (None: it can).
    uncertain: str | None = None

    @property
    def divergent(self) -> bool:
        """An exchange is missing from one language, and the alignment is sure of it."""
        return bool(self.missing_in_en or self.missing_in_zh) and not self.uncertain


@dataclass
class _Features:
    outlet: str | None
    numbers: frozenset[str]
    terms: frozenset[int]  # indices into the terms table
    question: float  # size: words (English) or characters (Chinese)
    answer: float
    asks: int  # question marks: a follow-up joined to its question brings its own
    follow_up: bool = False  # labelled a follow-up of the exchange before


@functools.lru_cache(maxsize=1)
def _terms() -> tuple[list[tuple[tuple[str, ...], re.Pattern]], list[tuple[str, ...]]]:
    """Per term of storage/text/terms.toml: its English forms lowercased (empty when one is not
    ASCII, whose case folding `lower` may not share with the pattern) with one pattern of them
    (whole words), and its Chinese forms."""
    table = tomllib.loads(TERMS.read_text(encoding="utf-8"))["terms"]
    english = [(tuple(f.lower() for f in t["en"]) if all(f.isascii() for f in t["en"]) else (),
                re.compile(r"\b(?:" + "|".join(re.escape(f) for f in t["en"]) + r")\b", re.I))
               for t in table]
    return english, [tuple(t["zh"]) for t in table]


def _english(exchange: dict) -> _Features:
    text = exchange["question"] + "\n" + exchange["answer"]
    numbers = {_normal_number(n) for n in _NUMBER.findall(text)}
    for match in _MONTH.finditer(text):
        numbers.add(str(_MONTHS[next(g for g in match.groups() if g).lower()]))
    english, _ = _terms()
    # A form found as a substring first, in C: the pattern (whole words) is searched only then;
    # the 130 patterns searched in every exchange were nine tenths of a pairing's time.
    lower = text.lower()
    terms = frozenset(i for i, (forms, pattern) in enumerate(english)
                      if (not forms or any(f in lower for f in forms)) and pattern.search(text))
    return _Features(exchange.get("outlet"), frozenset(numbers), terms,
                     float(len(exchange["question"].split())),
                     float(len(exchange["answer"].split())), _asks(text),
                     bool(exchange.get("follow_up")))


def _chinese(exchange: dict) -> _Features:
    text = exchange["question"] + "\n" + exchange["answer"]
    numbers = frozenset(_normal_number(n) for n in _NUMBER.findall(text))
    _, chinese = _terms()
    terms = frozenset(i for i, forms in enumerate(chinese) if any(f in text for f in forms))
    return _Features(exchange.get("outlet"), numbers, terms, _zh_size(exchange["question"]),
                     _zh_size(exchange["answer"]), _asks(text), bool(exchange.get("follow_up")))


def _asks(text: str) -> int:
    return len(_ASK.findall(text))


def _zh_size(text: str) -> float:
    return float(len(cjk.LETTER.findall(text)) + len(_LATIN.findall(text)))


def _normal_number(number: str) -> str:
    return number.replace(",", "").lstrip("0") or "0"


def _join(a: _Features, b: _Features) -> _Features:
    return _Features(a.outlet or b.outlet, a.numbers | b.numbers, a.terms | b.terms,
                     a.question + b.question, a.answer + b.answer, a.asks + b.asks)


def _overlap(a: frozenset, b: frozenset) -> float:
    """From -0.25 (nothing shared) to 0.75 (the same), 0 when neither has any."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b) - 0.25


def _size(en: float, zh: float, ratio: float) -> float:
    """From 0.15 (the expected proportion) down to -0.35 (off by a factor e or more)."""
    if not en or not zh:
        return 0.0
    return 0.15 - 0.5 * min(abs(math.log((en / zh) / ratio)), 1.0)


def _score(en: _Features, zh: _Features, ratio: float) -> float:
    score = 0.3
    if en.outlet and zh.outlet:
        score += 0.5 if en.outlet == zh.outlet else -0.25
    score += _overlap(en.numbers, zh.numbers) + _overlap(en.terms, zh.terms)
    score += _size(en.question, zh.question, ratio) + _size(en.answer, zh.answer, ratio)
    score += ASKS if en.asks == zh.asks else -ASKS
    return score


def _split(joined: _Features) -> float:
    return SPLIT_FOLLOW_UP if joined.follow_up else SPLIT


def pair_exchanges(english: list[dict], chinese: list[dict]) -> Pairing:
    """Align the exchanges (index ≥ 1) of the English and the Chinese record."""
    en = [e for e in english if e["index"] >= 1]
    zh = [e for e in chinese if e["index"] >= 1]
    if max(len(en), len(zh)) > MAX_ALIGNED:
        return Pairing(uncertain=f"too many exchanges to align ({len(en)} English, {len(zh)} "
                                 f"Chinese; at most {MAX_ALIGNED} are): not a conference's "
                                 f"record")
    fe, fz = [_english(e) for e in en], [_chinese(e) for e in zh]
    total_en = sum(f.question + f.answer for f in fe)
    total_zh = sum(f.question + f.answer for f in fz)
    ratio = (total_en / total_zh) if total_en and total_zh else 0.6
    n, m = len(en), len(zh)
    best = [[-math.inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == -math.inf:
                continue
            moves = []
            if i < n and j < m:
                moves.append((i + 1, j + 1, _score(fe[i], fz[j], ratio), "match"))
            if i < n:
                moves.append((i + 1, j, GAP, "en only"))
            if j < m:
                moves.append((i, j + 1, GAP, "zh only"))
            if i < n and j + 1 < m:
                moves.append((i + 1, j + 2, _score(fe[i], _join(fz[j], fz[j + 1]), ratio)
                              - _split(fz[j + 1]), "zh split"))
            if i + 1 < n and j < m:
                moves.append((i + 2, j + 1, _score(_join(fe[i], fe[i + 1]), fz[j], ratio)
                              - _split(fe[i + 1]), "en split"))
            for ni, nj, gain, kind in moves:
                if here + gain > best[ni][nj]:
                    best[ni][nj] = here + gain
                    step[ni][nj] = (i, j, kind, gain)
    out = Pairing()
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj, kind, gain = step[i][j]
        move = {"en": [e["index"] for e in en[pi:i]], "zh": [z["index"] for z in zh[pj:j]]}
        out.scores.append(gain)
        if kind == "match":
            out.matched.append((en[pi]["index"], zh[pj]["index"]))
            move["state"] = "in both"
        elif kind == "en only":
            out.missing_in_zh.append(en[pi]["index"])
            move["state"] = "missing_in_zh"
        elif kind == "zh only":
            out.missing_in_en.append(zh[pj]["index"])
            move["state"] = "missing_in_en"
        else:
            out.merged.append({"en": move["en"], "zh": move["zh"]})
            move["state"] = "merged"
        out.steps.append(move)
        i, j = pi, pj
    out.matched.reverse()
    out.missing_in_en.reverse()
    out.missing_in_zh.reverse()
    out.merged.reverse()
    out.steps.reverse()
    out.scores.reverse()
    out.uncertain = _doubt(out, n, m)
    return out


def _doubt(out: Pairing, n: int, m: int) -> str | None:
    """Why the gaps of an alignment may not be exchanges missing from one language, or None.

    A gap is believed when the exchanges on either side of it are matched well (they anchor
    it); a conference where a large share of either record meets nothing in the other is not
    one record with a few questions cut, but two records of something else (two sittings, a
    written supplement): a reader must compare them, no alarm can say which exchanges."""
    unmatched_en, unmatched_zh = len(out.missing_in_zh), len(out.missing_in_en)
    if not unmatched_en and not unmatched_zh:
        return None
    if max(unmatched_en, unmatched_zh) >= 2 and (unmatched_en > n * DIFFERENT
                                                  or unmatched_zh > m * DIFFERENT):
        return (f"the records hardly meet: {unmatched_en} of {n} English and {unmatched_zh} of "
                f"{m} Chinese exchanges match nothing in the other language")
    for k, step in enumerate(out.steps):
        if not step["state"].startswith("missing"):
            continue
        anchors = [out.scores[i] for i in (_neighbour(out.steps, k, -1),
                                            _neighbour(out.steps, k, +1)) if i is not None]
        if not anchors or min(anchors) < ANCHOR:
            side = "English" if step["state"] == "missing_in_zh" else "Chinese"
            index = (step["en"] or step["zh"])[0]
            return (f"{side} exchange {index} meets nothing in the other language, and the "
                    "exchanges around it do not match well enough to say it is missing")
    return None


def _neighbour(steps: list[dict], k: int, direction: int) -> int | None:
    """The nearest one-to-one match from step k in a direction, past other gaps."""
    i = k + direction
    while 0 <= i < len(steps):
        if steps[i]["state"] == "in both":
            return i
        if steps[i]["state"] == "merged":
            return None
        i += direction
    return None
