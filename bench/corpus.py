"""Invented briefings of realistic length, for the benchmarks.

jobs.demo invents briefings of 6 to 16 paragraphs: its en-2024 pages are 5-8 KB, while
the real ministry's pages are 15-60 KB. This module builds jobs.demo.Briefing objects with
many more exchanges (and longer answers) from demosite's own word lists, in the same turn
conventions ("Outlet: question", "Spokesperson: answer", answer paragraphs without a prefix),
so that jobs.demo.write_archive renders them in the real templates. Deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import replace

from briefwatch.jobs import demo as demosite
from briefwatch.jobs.demo import Briefing

# What an en-2024 article page costs besides its paragraphs (head, menus, sidebar, related
# news, footer), and what each <p style="text-align: justify;">…</p> adds: measured on pages
# written by demosite.write_archive.
PAGE_FURNITURE_BYTES = 4_200
PARAGRAPH_MARKUP_BYTES = 42


def _slots(r: random.Random, day: dt.date) -> dict[str, object]:
    d1 = day + dt.timedelta(days=r.randint(2, 9))
    d2 = d1 + dt.timedelta(days=r.randint(1, 4))
    return {"country": r.choice(demosite.COUNTRIES)[0], "topic": r.choice(demosite.TOPICS)[0],
            "city": r.choice(demosite.CITIES)[0],
            "d1": f"{demosite.MONTHS[d1.month - 1]} {d1.day}",
            "d2": f"{demosite.MONTHS[d2.month - 1]} {d2.day}", "n": r.randint(2, 12)}


def title(name: str, day: dt.date) -> str:
    apostrophe = "\u2019" if day >= dt.date(2021, 10, 1) else "'"
    return (f"Foreign Ministry Spokesperson {name}{apostrophe}s Regular Press Conference on "
            f"{demosite.MONTHS[day.month - 1]} {day.day}, {day.year}")


def _answer(r: random.Random, slots: dict, sentences: int) -> str:
    picks = r.sample(demosite.ANSWERS, min(sentences, len(demosite.ANSWERS)))
    return " ".join(p[0].format(**slots) for p in picks)


def long_briefing(day: dt.date, text_bytes: int, seed: int = 0, *, per_paragraph: int = 1,
                  fixed: int = 0) -> Briefing:
    """An English briefing of `day` whose paragraphs add up to about `text_bytes` bytes,
    counting `per_paragraph` bytes more for each paragraph and `fixed` bytes in all."""
    r = random.Random(f"bench:{seed}:{day.isoformat()}")
    name = random.Random(f"bench:{seed}:podium:{day.toordinal() // 19}").choice(
        demosite.SPOKESPERSONS)[0]
    paras = [t[0].format(**_slots(r, day))
             for t in r.sample(demosite.ANNOUNCEMENTS, r.randint(1, 3))]
    size = fixed + sum(len(p.encode()) + per_paragraph for p in paras)
    while True:
        slots = _slots(r, day)
        outlet = r.choice(demosite.OUTLETS)[0]
        question = (r.choice(demosite.Q_CONTEXT)[0].format(**slots) + " "
                    + r.choice(demosite.Q_ASK)[0])
        exchange = [f"{outlet}: {question}"]
        for k in range(2 if r.random() < 0.4 else 1):
            text = _answer(r, slots, r.randint(3, 7))
            exchange.append(text if k else f"{name}: {text}")
        grown = size + sum(len(p.encode()) + per_paragraph for p in exchange)
        if grown > text_bytes and size >= 0.9 * text_bytes:
            break
        paras += exchange
        size = grown
    number = 1_000_000 + (day - dt.date(2000, 1, 1)).days * 2
    return Briefing(number, day, "en", name, title(name, day), tuple(paras))


def page_target(r: random.Random, low_kb: float = 16, high_kb: float = 59,
                median_kb: float = 30) -> int:
    """A page size in bytes: log-normal around `median_kb`, kept within [low_kb, high_kb]
    (a margin inside 15-60 KB: the estimate of the rendered page is off by up to 2 KB)."""
    kb = min(high_kb, max(low_kb, r.lognormvariate(0, 0.4) * median_kb))
    return int(kb * 1024)


def archive_briefings(newest: dt.date, count: int, seed: int = 0) -> list[Briefing]:
    """`count` weekday briefings going back from `newest`, newest first, whose en-2024 pages
    are 15-60 KB (median about 30 KB)."""
    r = random.Random(f"bench-sizes:{seed}")
    out, day = [], newest
    while len(out) < count:
        if day.weekday() < 5:
            page = page_target(r)
            out.append(long_briefing(day, page, seed, per_paragraph=PARAGRAPH_MARKUP_BYTES,
                                     fixed=PAGE_FURNITURE_BYTES))
        day -= dt.timedelta(days=1)
    return out


# --- Second versions, for the diffs -----------------------------------------------------------

_SENTENCE = re.compile(r'(?<=[.?!"]) (?=[A-Z"])')


def _other_sentence(sentence: str, r: random.Random, day: dt.date) -> str:
    for swap in demosite.SWAPS:
        for old, new in ((swap[0], swap[1]), (swap[1], swap[0])):
            if old in sentence:
                return sentence.replace(old, new, 1)
    while True:
        candidate = r.choice(demosite.ANSWERS)[0].format(**_slots(r, day))
        if candidate != sentence:
            return candidate


def _reword_paragraph(paragraph: str, b: Briefing, r: random.Random) -> str:
    prefix, rest = "", paragraph
    for name in (b.spokesperson, *(o[0] for o in demosite.OUTLETS)):
        if paragraph.startswith(name + ": "):
            prefix, rest = name + ": ", paragraph[len(name) + 2:]
            break
    sentences = _SENTENCE.split(rest)
    j = r.randrange(len(sentences))
    sentences[j] = _other_sentence(sentences[j], r, b.date)
    return prefix + " ".join(sentences)


def reworded(b: Briefing, share: float, seed: int = 0) -> Briefing:
    """`b` with one sentence rewritten in `share` of its paragraphs (1.0: every paragraph)."""
    r = random.Random(f"bench-reword:{seed}:{b.number}")
    paras = list(b.paragraphs)
    count = len(paras) if share >= 1 else max(1, round(share * len(paras)))
    for k in sorted(r.sample(range(len(paras)), count)):
        paras[k] = _reword_paragraph(paras[k], b, r)
    return replace(b, paragraphs=tuple(paras))


def text_of(b: Briefing) -> str:
    return "\n".join(b.paragraphs)
