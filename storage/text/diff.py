"""Comparing two versions of a transcript: pure functions over their paragraphs and turns.

Paragraphs are aligned first (in work bounded by the size of the change: see "paragraphs"
below; then, inside each run of differing paragraphs, pairs of similar paragraphs are matched),
and words are compared only inside the pairs: two 150 KB transcripts that differ in a few
paragraphs compare in milliseconds, and a rewritten answer shows as that answer reworded
rather than as a removal and an insertion. Words are runs of letters and digits; Chinese,
which has no spaces, is compared character by character.

The turns (who speaks which paragraphs) come from the caller (storage.text.turns computes them);
this module only maps the paragraph changes onto them (link_spans: which turn became which, and
the same for any spans of paragraphs, such as exchanges: storage.exchangehistory).
"""

from __future__ import annotations

import bisect
import difflib
import functools
import operator
import re
import time
from collections import Counter
from dataclasses import dataclass
from itertools import filterfalse, repeat
from operator import itemgetter
from typing import NamedTuple

from briefwatch.storage.text import cjk
from briefwatch.storage.text.names import Names, shown

_CJK = cjk.ANY
_CJK_CHAR = cjk.CHARACTER
# Two paragraphs this similar (Dice coefficient of their words) are one paragraph reworded.
PAIR_THRESHOLD = 0.35
# Past this many cells, a run of differing paragraphs is paired by position, not by search.
_PAIRING_CELLS = 40_000


def paragraphs(text: str) -> list[str]:
    # as `if p.strip()`, in C: a 6 MB transcript is split in milliseconds
    return list(filterfalse(str.isspace, filter(None, text.split("\n"))))


def unified(old_text: str, new_text: str, old_label: str, new_label: str,
            context: int = 1, budget: Budget | None = None) -> list[str]:
    """A unified diff with one paragraph a line: '-' removed, '+' added; paragraphs aligned
    as everywhere else (opcodes, within `budget`), in hunks as difflib.unified_diff makes
    them."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    if old == new:
        return []
    matcher = difflib.SequenceMatcher(None, old, new)
    matcher.opcodes = opcodes(old, new, budget)  # get_grouped_opcodes reads these
    lines = [f"--- {old_label}", f"+++ {new_label}"]
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        lines.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [" " + p for p in old[i1:i2]]
                continue
            lines += ["-" + p for p in old[i1:i2]]
            lines += ["+" + p for p in new[j1:j2]]
    return lines


def _range(start: int, stop: int) -> str:
    """A hunk's range in unified format (as difflib writes it)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


@functools.cache
def _patterns(cjk: bool) -> tuple[re.Pattern, re.Pattern]:
    """(tokens, words): a CJK character alone, a run of other letters/digits (with inner
    apostrophes and hyphens), a run of spaces, or any other single character (punctuation);
    words are the first two. Each CJK class costs milliseconds to compile, a good part of a
    `briefwatch diff`, so text without CJK uses the same patterns with a plain \\w."""
    if not cjk:
        word = r"\w+(?:['’\-]\w+)*"
        return re.compile(rf"{word}|\s+|.", re.S), re.compile(word)
    word = rf"[{_CJK}]|[^\W{_CJK}]+(?:['’\-][^\W{_CJK}]+)*"
    # A run of spaces is skipped as a token is: it may hold an ideographic space, which alone
    # would be a CJK word.
    return re.compile(rf"{word}|\s+|.", re.S), re.compile(rf"({word})|\s+")


def tokens(text: str) -> list[str]:
    return _patterns(_CJK_CHAR.search(text) is not None)[0].findall(text)


def _words(text: str) -> list[str]:
    if _CJK_CHAR.search(text) is None:
        return _patterns(False)[1].findall(text)
    return [w for w in _patterns(True)[1].findall(text) if w]


def is_word(token: str) -> bool:
    first = token[:1]
    return first.isalnum() or first == "_" or _CJK_CHAR.match(first) is not None


def count_words(text: str) -> int:
    return len(_words(text))


class Block(NamedTuple):
    """One paragraph of the comparison: kept, removed, added, or reworded (replace). A named
    tuple, not a dataclass: a 70,000-paragraph transcript makes 70,000 of them, at a tenth of
    the cost."""

    op: str  # equal | delete | insert | replace
    old: int | None  # index of the paragraph in the old version, None for an insert
    new: int | None
    old_text: str | None
    new_text: str | None
    # For a replace: the words, as (op, text) with op "=", "-" or "+", in reading order.
    words: tuple[tuple[str, str], ...] = ()
    words_changed: int = 0


@dataclass(frozen=True)
class Comparison:
    blocks: list[Block]
    turns: list[dict]  # what happened to each turn: see turn_changes()
    summary: dict  # with "coarse": True when the budget ran out (see Budget)

    @property
    def coarse(self) -> bool:
        """Part of it was compared coarsely (removed and added whole): the budget ran out."""
        return bool(self.summary.get("coarse"))

    def named(self, names: Names) -> Comparison:
        """The same comparison as a reader is shown it: outlets and spokespersons under their
        canonical names (named_turns, named_summary)."""
        return Comparison(self.blocks, named_turns(self.turns, names),
                          named_summary(self.summary, names))


def compare(old_text: str, new_text: str, old_turns: list[dict] | None = None,
            new_turns: list[dict] | None = None, names: Names | None = None,
            budget: Budget | None = None) -> Comparison:
    """Everything the diff formats show, computed once; with `names`, named (what every output
    shows), else with the names as written (what is stored). Past `budget` (by default
    BUDGET_SECONDS), the rest is compared coarsely and the summary says `coarse`."""
    budget = budget if budget is not None else Budget()
    old = paragraphs(old_text)
    new = old if new_text == old_text else paragraphs(new_text)
    if old == new:  # the same paragraphs: nothing to align, no turn changed
        blocks = [Block("equal", k, k, p, p) for k, p in enumerate(old)]
        return Comparison(blocks, [], _summary(blocks, []))
    blocks = align(old, new, budget=budget)
    old_turns = old_turns if old_turns is not None else _one_block(old)
    new_turns = new_turns if new_turns is not None else _one_block(new)
    changes = turn_changes(blocks, old, new, old_turns, new_turns)
    summary = _summary(blocks, changes)
    if budget.coarse:
        summary["coarse"] = True
    comparison = Comparison(blocks, changes, summary)
    return comparison.named(names) if names is not None else comparison


def change_summary(old_text: str, new_text: str, old_turns: list[dict] | None = None,
                   new_turns: list[dict] | None = None, old_title: str | None = None,
                   new_title: str | None = None) -> dict:
    """Counts a reader takes in at a glance (the contract of `changes --json`' summary).

    paragraphs_added, paragraphs_removed, paragraphs_changed, words_changed, turns_added,
    turns_removed, turns_changed, questions_removed ([{"outlet", "outlet_as_written",
    "first_words"}], the outlet as written: named_summary gives it its canonical name when
    shown), questions_added (likewise), and title_changed ({"from", "to"}) when the titles
    given differ. Without turns, each text counts as a single block.
    """
    summary = compare(old_text, new_text, old_turns, new_turns).summary
    return with_title_change(summary, old_title, new_title)


def with_title_change(summary: dict, old_title: str | None, new_title: str | None) -> dict:
    """`summary` with `title_changed` when the two titles differ (not just in spacing)."""
    if old_title is None or new_title is None:
        return summary
    old_title, new_title = " ".join(old_title.split()), " ".join(new_title.split())
    if old_title == new_title:
        return summary
    return {**summary, "title_changed": {"from": old_title, "to": new_title}}


def _one_block(paras: list[str]) -> list[dict]:
    return [{"role": "announcements", "speaker": None, "name": None, "start": 0,
             "end": len(paras)}] if paras else []


# -- paragraphs ------------------------------------------------------------------------------
# Aligning paragraphs costs the size of the change, not the square of the text: the common
# head and tail are set aside first; difflib aligns what is left when that is cheap (its work
# is, per pass, the number of (old, new) pairs of equal paragraphs); else the paragraphs found
# once on each side anchor the alignment (as patience diff does) and each stretch between two
# anchors is aligned alone; a stretch with no such anchor (a paragraph repeated throughout)
# goes to Myers' algorithm (diff-match-patch: O(size × edits)). Past the budget, what is left
# is compared coarsely: removed and added whole, which is still correct, and says so.

# Past this many (old, new) pairs of equal paragraphs in a stretch, difflib is not used: with a
# paragraph repeated thousands of times its work grows as the square of the text.
_DIFFLIB_WORK = 200_000
# Seconds a comparison may take before what is left of it is compared coarsely (compare()).
BUDGET_SECONDS = 5.0


class Budget:
    """How long a comparison may go on: `seconds` from now, and not once `gone()` (a web
    request's client that left) says True. A spent budget makes the rest of the comparison
    coarse (removed and added whole) rather than stop it: what is shown stays correct."""

    def __init__(self, seconds: float | None = BUDGET_SECONDS, gone=None):
        self.deadline = None if seconds is None else time.monotonic() + seconds
        self.gone = gone
        self.coarse = False  # set when any part was compared coarsely

    def left(self) -> float:
        return float("inf") if self.deadline is None else self.deadline - time.monotonic()

    def spent(self) -> bool:
        return self.left() <= 0 or bool(self.gone and self.gone())


def opcodes(old: list[str], new: list[str], budget: Budget | None = None) -> list[tuple]:
    """difflib-style opcodes (tag, i1, i2, j1, j2) aligning two lists of paragraphs, in work
    bounded by the size of the change (see above); `budget.coarse` says when the budget ran
    out and a stretch was taken as removed and added whole."""
    budget = budget if budget is not None else Budget()
    out: list[tuple] = []
    if old == new:
        return [("equal", 0, len(old), 0, len(new))] if old else []
    _stretch(old, new, 0, len(old), 0, len(new), budget, out)
    merged: list[tuple] = []
    for tag, i1, i2, j1, j2 in out:  # neighbours of a kind as one, as difflib gives them
        if merged and (merged[-1][0] == "equal") == (tag == "equal"):
            i1, j1 = merged.pop()[1::2]
            if tag != "equal":
                tag = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
        merged.append((tag, i1, i2, j1, j2))
    return merged


def _stretch(old, new, a0, a1, b0, b1, budget: Budget, out: list) -> None:
    head = _same_run(old[a0:a1], new[b0:b1])
    tail = _same_run(old[a1 - 1:a0 + head - 1 if a0 + head else None:-1],
                     new[b1 - 1:b0 + head - 1 if b0 + head else None:-1])
    if head:
        out.append(("equal", a0, a0 + head, b0, b0 + head))
    _middle(old, new, a0 + head, a1 - tail, b0 + head, b1 - tail, budget, out)
    if tail:
        out.append(("equal", a1 - tail, a1, b1 - tail, b1))


def _same_run(a: list[str], b: list[str]) -> int:
    """How many paragraphs a and b start with in common (compared in C, not in a loop)."""
    unequal = list(map(operator.ne, a, b))
    return unequal.index(True) if True in unequal else len(unequal)


def _middle(old, new, a0, a1, b0, b1, budget: Budget, out: list) -> None:
    if a0 == a1 and b0 == b1:
        return
    if a0 == a1 or b0 == b1:
        out.append(("insert" if a0 == a1 else "delete", a0, a1, b0, b1))
        return
    if budget.spent():
        budget.coarse = True
        out.append(("replace", a0, a1, b0, b1))
        return
    in_new = Counter(new[b0:b1])
    if sum(in_new.get(p, 0) for p in old[a0:a1]) <= _DIFFLIB_WORK:
        matcher = difflib.SequenceMatcher(None, old[a0:a1], new[b0:b1], autojunk=False)
        out += [(op, a0 + i1, a0 + i2, b0 + j1, b0 + j2)
                for op, i1, i2, j1, j2 in matcher.get_opcodes()]
        return
    anchors = _anchors(old, new, a0, a1, b0, b1, in_new)
    if anchors:
        i, j = a0, b0
        for ai, bj in [*anchors, (a1, b1)]:
            _stretch(old, new, i, ai, j, bj, budget, out)
            if ai < a1:
                out.append(("equal", ai, ai + 1, bj, bj + 1))
            i, j = ai + 1, bj + 1
        return
    _myers(old, new, a0, a1, b0, b1, budget, out)


def _anchors(old, new, a0, a1, b0, b1, in_new: Counter) -> list[tuple[int, int]]:
    """The paragraphs found once on each side, the longest run of them in the same order on
    both (patience sorting: n log n)."""
    in_old = Counter(old[a0:a1])
    at_new = {new[j]: j for j in range(b0, b1) if in_new[new[j]] == 1}
    unique = [(i, at_new[old[i]]) for i in range(a0, a1)
              if in_old[old[i]] == 1 and old[i] in at_new]
    tops: list[int] = []  # tops[k]: the new index ending the best run of length k + 1
    back: list[int] = []  # for each unique pair, the index of the pair before it in its run
    ends: list[int] = []  # tops[k] as an index into `unique`
    for k, (_, j) in enumerate(unique):
        pile = bisect.bisect_left(tops, j)
        back.append(ends[pile - 1] if pile else -1)
        if pile == len(tops):
            tops.append(j)
            ends.append(k)
        else:
            tops[pile], ends[pile] = j, k
    run: list[tuple[int, int]] = []
    k = ends[-1] if ends else -1
    while k >= 0:
        run.append(unique[k])
        k = back[k]
    return run[::-1]


def _myers(old, new, a0, a1, b0, b1, budget: Budget, out: list) -> None:
    """A stretch without anchors: each distinct paragraph a character, compared by the C++
    port of diff-match-patch (Myers' algorithm, with its own time limit: past it, it answers
    removed and added whole)."""
    from fast_diff_match_patch import diff

    code: dict[str, str] = {}
    for p in (*old[a0:a1], *new[b0:b1]):
        if p not in code:
            k = len(code) + 1
            code[p] = chr(k if k < 0xD800 else k + 0x800)  # no surrogates
    limit = min(budget.left(), BUDGET_SECONDS)
    start = time.monotonic()
    ops = diff("".join(code[p] for p in old[a0:a1]), "".join(code[p] for p in new[b0:b1]),
               timelimit=max(limit, 0.01), checklines=False, cleanup="No", counts_only=True)
    if time.monotonic() - start >= limit:
        budget.coarse = True
    i, j = a0, b0
    for op, n in ops:
        if op == "=":
            out.append(("equal", i, i + n, j, j + n))
            i, j = i + n, j + n
        elif op == "-":
            out.append(("delete", i, i + n, j, j))
            i += n
        else:
            out.append(("insert", i, i, j, j + n))
            j += n


def align(old: list[str], new: list[str], words: bool = True,
          budget: Budget | None = None) -> list[Block]:
    """The paragraphs of two versions, aligned; with `words` False, a reworded paragraph's
    words are not compared (who became whom needs only the pairing)."""
    budget = budget if budget is not None else Budget()
    blocks: list[Block] = []
    for op, i1, i2, j1, j2 in opcodes(old, new, budget):
        if op == "equal":
            # tuple.__new__ over zip: the kept paragraphs of a long text made in C
            blocks += map(tuple.__new__, repeat(Block), zip(
                repeat("equal"), range(i1, i2), range(j1, j2), old[i1:i2], new[j1:j2],
                repeat(()), repeat(0)))
        elif op == "delete":
            blocks += [Block("delete", i, None, old[i], None) for i in range(i1, i2)]
        elif op == "insert":
            blocks += [Block("insert", None, j, None, new[j]) for j in range(j1, j2)]
        else:
            blocks += _pair(old, new, i1, i2, j1, j2, words, budget)
    return blocks


def _bag(text: str) -> frozenset:
    """The words of a paragraph, lowercased, as a set: a word's first occurrence as itself,
    the next ones as (word, 2), (word, 3)…, so that the intersection of two multisets is a set
    intersection, which runs in C."""
    counts = Counter(map(str.lower, _words(text)))
    return frozenset([*counts, *((w, k) for w, c in counts.items() if c > 1
                                 for k in range(2, c + 1))])


def _similarity(a: frozenset, b: frozenset) -> float:
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 1.0


def _similarities(bags_old: list[frozenset], bags_new: list[frozenset]) -> list[list[float]]:
    """_similarity of every old bag with every new one. With every paragraph reworded, set
    intersections were most of the comparison: here each bag is an int with a bit for each of
    its words that the other side has too, and an intersection an AND and a bit count."""
    shared = frozenset().union(*bags_old) & frozenset().union(*bags_new)
    bit = {word: 1 << k for k, word in enumerate(shared)}

    def masks(bags: list[frozenset]) -> list[tuple[int, int]]:
        return [(sum(map(bit.__getitem__, bag & shared)), len(bag)) for bag in bags]

    masks_new = masks(bags_new)
    return [[2 * (a & b).bit_count() / (size_a + size_b) if size_a + size_b else 1.0
             for b, size_b in masks_new] for a, size_a in masks(bags_old)]


def _pair(old, new, i1, i2, j1, j2, words: bool = True,
          budget: Budget | None = None) -> list[Block]:
    """A run of differing paragraphs: pair the similar ones, in order; the rest are removed
    or added. Once `budget` is spent, the rest are removed and added whole (coarse)."""
    n, m = i2 - i1, j2 - j1
    budget = budget if budget is not None else Budget()
    if budget.spent():
        budget.coarse = True
        return [*(Block("delete", i, None, old[i], None) for i in range(i1, i2)),
                *(Block("insert", None, j, None, new[j]) for j in range(j1, j2))]
    bags_old = [_bag(p) for p in old[i1:i2]]
    bags_new = [_bag(p) for p in new[j1:j2]]
    pairs: list[tuple[int, int]] = []
    if n * m <= _PAIRING_CELLS:
        # Best total similarity over order-keeping pairings (an alignment, like an LCS).
        sim = _similarities(bags_old, bags_new)
        score = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            row, below, similar = score[i], score[i + 1], sim[i]
            for j in range(m - 1, -1, -1):
                best = below[j] if below[j] > row[j + 1] else row[j + 1]
                if similar[j] >= PAIR_THRESHOLD and similar[j] + below[j + 1] > best:
                    best = similar[j] + below[j + 1]
                row[j] = best
        i = j = 0
        while i < n and j < m:
            if sim[i][j] >= PAIR_THRESHOLD and score[i][j] == sim[i][j] + score[i + 1][j + 1]:
                pairs.append((i, j))
                i, j = i + 1, j + 1
            elif score[i][j] == score[i + 1][j]:
                i += 1
            else:
                j += 1
    else:
        pairs = [(k, k) for k in range(min(n, m))
                 if _similarity(bags_old[k], bags_new[k]) >= PAIR_THRESHOLD]
    blocks: list[Block] = []
    i = j = 0
    for pi, pj in [*pairs, (n, m)]:
        if pi < n and budget.spent():  # the rest, removed and added whole
            budget.coarse = True
            pi, pj = n, m
        blocks += [Block("delete", i1 + k, None, old[i1 + k], None) for k in range(i, pi)]
        blocks += [Block("insert", None, j1 + k, None, new[j1 + k]) for k in range(j, pj)]
        if pi >= n:
            break
        a, b = old[i1 + pi], new[j1 + pj]
        if words:
            ops = word_diff(a, b, max(0.01, min(2.0, budget.left())))
            blocks.append(Block("replace", i1 + pi, j1 + pj, a, b, tuple(ops),
                                words_changed(ops)))
        else:
            blocks.append(Block("replace", i1 + pi, j1 + pj, a, b))
        i, j = pi + 1, pj + 1
    return blocks


# -- words -----------------------------------------------------------------------------------


def word_diff(old: str, new: str, timelimit: float = 2.0) -> list[tuple[str, str]]:
    """Word-level differences of two paragraphs: (op, text) with op '=', '-' or '+'; past
    `timelimit` seconds, coarser (still rebuilding both)."""
    # The C++ port of diff-match-patch: the same diffs as the Python one, at a fifth of the
    # cost, which was most of comparing two transcripts reworded throughout.
    from fast_diff_match_patch import diff

    a, b = tokens(old), tokens(new)
    distinct = dict.fromkeys([*a, *b])
    if len(distinct) > 60_000:  # more distinct words than codes: compare characters
        a, b = list(old), list(new)
        distinct = dict.fromkeys([*a, *b])
    # Each distinct token becomes one character of a private-use plane, so that the
    # character-level algorithm compares tokens; its semantic clean-up then merges edits
    # separated by a lone equal word, which reads better.
    code = {t: chr(0xF0000 + k) for k, t in enumerate(distinct)}
    ops = diff("".join(map(code.__getitem__, a)), "".join(map(code.__getitem__, b)),
               timelimit=timelimit, checklines=False, cleanup="Semantic", counts_only=True)
    out: list[tuple[str, str]] = []
    i = j = 0
    for op, n in ops:
        if op == "+":
            text, j = "".join(b[j:j + n]), j + n
        else:
            text, i = "".join(a[i:i + n]), i + n
            j += n if op == "=" else 0
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        elif text:
            out.append((op, text))
    return _deletions_first(out)


def _deletions_first(ops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Within each run of edits, the removed words before the added ones: `[-a-]{+b+}`."""
    out: list[tuple[str, str]] = []
    run: dict[str, str] = {"-": "", "+": ""}
    for op, text in [*ops, ("=", "")]:
        if op == "=":
            out += [(k, run[k]) for k in "-+" if run[k]]
            run = {"-": "", "+": ""}
            if text:
                out.append(("=", text))
        else:
            run[op] += text
    return out


def words_changed(ops: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> int:
    """Per run of edits, the larger of words removed and words added."""
    total, removed, added = 0, 0, 0
    for op, text in [*ops, ("=", "")]:
        if op == "=":
            total += max(removed, added)
            removed = added = 0
        elif op == "-":
            removed += count_words(text)
        else:
            added += count_words(text)
    return total


# -- turns -----------------------------------------------------------------------------------


def first_words(text: str, n: int = 8) -> str:
    """The opening of a passage, for a reader to recognise it: n words, or 2n characters of
    Chinese."""
    text = text.strip()
    # Whether the opening is Chinese, from the opening alone: a turn may be megabytes long.
    cjk = _CJK_CHAR.search(text, 0, 200 * n) is not None
    count, end = 0.0, len(text)
    # finditer stops where the words do: the rest of a long turn is never tokenised.
    for match in _patterns(cjk)[1].finditer(text):
        word = match.group(1) if cjk else match.group()
        if word:
            count += 0.5 if cjk and _CJK_CHAR.match(word) else 1
            if count >= n:
                end = match.end()
                break
    head = text[:end].strip()
    return head + ("…" if len(head) < len(text) else "")


def _body(paras: list[str], turn: dict) -> str:
    """A turn's words without its speaker prefix."""
    text = " ".join(paras[turn["start"]:turn["end"]])
    if turn.get("speaker"):
        for colon in (":", "："):
            head = turn["speaker"] + colon
            if text.startswith(head):
                return text[len(head):].strip()
    return text


@dataclass
class SpanLinks:
    """How the spans of two versions correspond through their aligned paragraphs. A span is
    anything with `start` and `end` paragraph indices (end excluded): a speaker turn
    (turn_changes), an exchange (storage.exchangehistory)."""

    # (old span, new span) -> how many of their paragraphs were kept or reworded, one into the
    # other.
    links: Counter
    # Each span's strongest link, from either side: a span in no pair was removed (old) or
    # added (new).
    pairs: set[tuple[int, int]]
    position_old: dict[int, int]  # span -> the position of its first block
    position_new: dict[int, int]
    # The differing blocks that touch each span, so that each span's counts cost its own size.
    touching_old: dict[int, list[Block]]
    touching_new: dict[int, list[Block]]

    def one_to_one(self) -> dict[int, int]:
        """Old span -> its new self, each span on either side taken once, the strongest links
        first: a span split in two goes on as the part that kept more of it, and the other
        part is new."""
        out: dict[int, int] = {}
        taken: set[int] = set()
        for old, new in sorted(self.pairs, key=lambda p: (-self.links[p], p)):
            if old not in out and new not in taken:
                out[old] = new
                taken.add(new)
        return out


def link_spans(blocks: list[Block], old_spans: list[dict], new_spans: list[dict],
               old_size: int, new_size: int) -> SpanLinks:
    """Which span of the old version became which span of the new one (`blocks` from align()
    over the two versions' paragraphs, `old_size` and `new_size` paragraphs each)."""
    old_of = _owner(old_spans, old_size)
    new_of = _owner(new_spans, new_size)
    # Comprehensions and Counter over the blocks, a loop over the differing ones only: a
    # 70,000-paragraph transcript is linked in tens of milliseconds.
    olds = [old_of[b.old] if b.old is not None else None for b in blocks]
    news = [new_of[b.new] if b.new is not None else None for b in blocks]
    links: Counter = Counter(zip(olds, news, strict=True))
    for pair in [p for p in links if p[0] is None or p[1] is None]:
        del links[pair]
    # each span's first block: in a dict built from the end, the first block's is the last
    backwards = range(len(blocks) - 1, -1, -1)
    position_old = dict(zip(reversed(olds), backwards, strict=True))
    position_new = dict(zip(reversed(news), backwards, strict=True))
    position_old.pop(None, None)
    position_new.pop(None, None)
    touching_old: dict[int, list[Block]] = {}
    touching_new: dict[int, list[Block]] = {}
    for pos in [pos for pos, block in enumerate(blocks) if block.op != "equal"]:
        if olds[pos] is not None:
            touching_old.setdefault(olds[pos], []).append(blocks[pos])
        if news[pos] is not None:
            touching_new.setdefault(news[pos], []).append(blocks[pos])
    pairs: set[tuple[int, int]] = set()
    for side in (0, 1):
        best: dict[int, tuple[int, int]] = {}
        for pair, count in links.items():
            if pair[side] not in best or count > links[best[pair[side]]]:
                best[pair[side]] = pair
        pairs.update(best.values())
    return SpanLinks(links, pairs, position_old, position_new, touching_old, touching_new)


def turn_changes(blocks: list[Block], old: list[str], new: list[str], old_turns: list[dict],
                 new_turns: list[dict]) -> list[dict]:
    """What happened to each turn, in reading order: one dict per removed, added or changed
    turn.

    Keys: change (removed | added | changed), role, speaker, name, first_words, question
    (for an answer: {"outlet", "first_words", "removed"} of the question it answers, as asked
    in the version that still has it), with_answer (for a
    removed or added question: its answer went or came with it), words_changed,
    paragraphs_added, paragraphs_removed, paragraphs_changed, old and new ([start, end] of the
    turn's paragraphs in each version, or null).
    """
    linked = link_spans(blocks, old_turns, new_turns, len(old), len(new))
    links, pairs = linked.links, linked.pairs
    position_old, position_new = linked.position_old, linked.position_new
    touching_old, touching_new = linked.touching_old, linked.touching_new
    linked_old = {p[0] for p in pairs}
    linked_new = {p[1] for p in pairs}

    now_at = dict(sorted(pairs, key=lambda p: links[p]))  # old turn -> its new self

    def asked_in_old(ot: int) -> dict | None:
        # An old turn answered the question before it *in the old version*: in the new one,
        # with that question removed, the question before it is another exchange's.
        q = _asked(old_turns, ot)
        if q is None:
            return None
        if q in now_at:
            return {**_question(new, new_turns[now_at[q]]), "removed": False}
        return {**_question(old, old_turns[q]), "removed": True}

    records: list[tuple[int, dict]] = []
    for ot, turn in enumerate(old_turns):
        if ot not in linked_old:
            records.append((position_old.get(ot, 0), _record(
                "removed", turn, None, old, asked_in_old(ot), touching_old.get(ot, []))))
    for nt, turn in enumerate(new_turns):
        if nt not in linked_new:
            q = _asked(new_turns, nt)
            asked = {**_question(new, new_turns[q]), "removed": False} if q is not None else None
            records.append((position_new.get(nt, 0), _record(
                "added", None, turn, new, asked, touching_new.get(nt, []))))
    for ot, nt in pairs:
        touching = {id(b): b for b in [*touching_old.get(ot, []), *touching_new.get(nt, [])]}
        if touching:
            records.append((min(position_old.get(ot, 0), position_new.get(nt, 0)), _record(
                "changed", old_turns[ot], new_turns[nt], new, asked_in_old(ot),
                list(touching.values()))))
    records.sort(key=lambda r: r[0])
    return _fold_answers([r for _, r in records])


def _owner(turns: list[dict], size: int) -> list[int | None]:
    owner: list[int | None] = [None] * size
    for k, turn in enumerate(turns):
        for i in range(turn["start"], min(turn["end"], size)):
            owner[i] = k
    return owner


def _asked(turns: list[dict], k: int) -> int | None:
    """The question turn k follows: the last one before it."""
    return next((j for j in range(k - 1, -1, -1) if turns[j]["role"] == "question"), None)


def _question(paras: list[str], turn: dict) -> dict:
    return {"outlet": turn.get("name"), "outlet_as_written": _label(turn),
            "first_words": first_words(_body(paras, turn))}


def _label(turn: dict) -> str | None:
    """How the transcript writes the one a turn names: its speaker label without the colon
    (`今日俄罗斯记者`, `Reuters`, `赵立坚`), as exchanges give `outlet_as_written`; None when
    the label names nobody (`Q:`, `问：`, `A:`)."""
    if not turn.get("name") or not turn.get("speaker"):
        return None
    return turn["speaker"].strip("（(）) ") or None


def _record(change: str, old_turn: dict | None, new_turn: dict | None, paras: list[str],
            asked: dict | None, touching: list[Block]) -> dict:
    """`paras` are the paragraphs of the version the turn's words are quoted from (the new
    one, unless it was removed); `asked`, the question it answers (turn_changes finds it)."""
    turn = new_turn or old_turn
    stats = {"words_changed": 0, "paragraphs_added": 0, "paragraphs_removed": 0,
             "paragraphs_changed": 0}
    for block in touching:
        if block.op == "replace":
            stats["paragraphs_changed"] += 1
            stats["words_changed"] += block.words_changed
        elif block.op == "delete":
            stats["paragraphs_removed"] += 1
            stats["words_changed"] += count_words(block.old_text)
        else:
            stats["paragraphs_added"] += 1
            stats["words_changed"] += count_words(block.new_text)
    question = asked if turn["role"] == "answer" else None
    return {
        "change": change, "role": turn["role"], "speaker": turn.get("speaker"),
        "name": turn.get("name"), "name_as_written": _label(turn),
        "first_words": first_words(_body(paras, turn)),
        "question": question, "with_answer": False, **stats,
        "old": [old_turn["start"], old_turn["end"]] if old_turn else None,
        "new": [new_turn["start"], new_turn["end"]] if new_turn else None,
    }


def _fold_answers(records: list[dict]) -> list[dict]:
    """A question removed (or added) together with its answer reads as one change."""
    out: list[dict] = []
    for record in records:
        last = out[-1] if out else None
        if (last is not None and record["role"] == "answer" and last["role"] == "question"
                and record["change"] == last["change"] and last["change"] in ("removed", "added")
                and _adjacent(last, record)):
            last["with_answer"] = True
            last.setdefault("answers", []).append(record)
            continue
        if (last is not None and record["role"] == "answer" and last.get("answers")
                and record["change"] == last["change"] and _adjacent(last["answers"][-1], record)):
            last["answers"].append(record)
            continue
        out.append(record)
    return out


def _adjacent(a: dict, b: dict) -> bool:
    side = "old" if a["change"] == "removed" else "new"
    return a[side] is not None and b[side] is not None and a[side][1] == b[side][0]


def _summary(blocks: list[Block], changes: list[dict]) -> dict:
    counts = Counter(map(itemgetter(0), blocks))  # ops, in C
    changed = [b for b in blocks if b.op != "equal"]
    words = sum(b.words_changed for b in changed if b.op == "replace")
    words += sum(count_words(b.old_text) for b in changed if b.op == "delete")
    words += sum(count_words(b.new_text) for b in changed if b.op == "insert")

    def turns_with(change: str) -> int:
        return sum(1 + len(r.get("answers", ())) for r in changes if r["change"] == change)

    def questions(change: str) -> list[dict]:
        return [{"outlet": r["name"], "outlet_as_written": r["name_as_written"],
                 "first_words": r["first_words"]}
                for r in changes if r["change"] == change and r["role"] == "question"]

    def exchange_turns(change: str) -> int:
        return sum(1 + len(r.get("answers", ())) for r in changes
                   if r["change"] == change and r["role"] in ("question", "answer"))

    return {
        "paragraphs_added": counts["insert"], "paragraphs_removed": counts["delete"],
        "paragraphs_changed": counts["replace"], "words_changed": words,
        "turns_added": turns_with("added"), "turns_removed": turns_with("removed"),
        "turns_changed": turns_with("changed"),
        "questions_removed": questions("removed"),
        "questions_added": questions("added"),
        # What the edit class and significance are read from (storage.text.editclass).
        "exchange_turns_added": exchange_turns("added"),
        "exchange_turns_removed": exchange_turns("removed"),
        **edit_counts(blocks),
    }


# -- what the edit class is read from (storage.text.editclass) ------------------------------

# Terms whose appearance in removed or added text makes an edit matter more: what watchers of
# the briefing rooms follow most (a user's own terms are [[watch]] terms, told apart there).
KEY_TERMS = ("Taiwan", "Hong Kong", "Xinjiang", "Tibet", "Uyghur", "South China Sea",
             "sanction", "human rights", "Ukraine", "Russia", "United States", "Japan",
             "Philippines", "COVID", "台湾", "香港", "新疆", "西藏", "维吾尔", "南海", "制裁",
             "人权", "乌克兰", "俄罗斯", "美国", "日本", "菲律宾", "新冠")

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])")


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def edit_counts(blocks: list[Block]) -> dict:
    """The summary's keys for the edit class: `sentences_added`, `sentences_removed` (in
    paragraphs added or removed, and within reworded ones: where one side has more sentences
    in a run of differing ones), `edit_runs` (runs of changed words in reworded paragraphs),
    `typo_runs` (those that only correct a few characters of one word, or punctuation),
    `key_terms` (KEY_TERMS in the text removed or added, any case, also inside a longer word:
    `Taiwanese`) and `words_total` (the new text's words). Cheap beside the comparison
    itself (bench/EDITCLASS.md)."""
    added = removed = runs = typos = 0
    # words split at spaces, unless Chinese: a share's base. Text without Chinese is counted
    # whole, in C: a 70,000-paragraph transcript is not looped over paragraph by paragraph.
    new_text = "\n".join(b.new_text for b in blocks if b.new_text is not None)
    if _CJK_CHAR.search(new_text):
        total = sum(count_words(text) if _CJK_CHAR.search(text) else len(text.split())
                    for text in new_text.split("\n"))
    else:
        total = len(new_text.split())
    changed_text: list[str] = []
    for block in [b for b in blocks if b.op != "equal"]:
        if block.op == "delete":
            removed += len(sentences(block.old_text))
            changed_text.append(block.old_text)
        elif block.op == "insert":
            added += len(sentences(block.new_text))
            changed_text.append(block.new_text)
        elif block.op == "replace":
            old, new = sentences(block.old_text), sentences(block.new_text)
            if len(old) > 1 or len(new) > 1:
                matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
                for op, i1, i2, j1, j2 in matcher.get_opcodes():
                    if op != "equal":  # as many as both sides have are reworded
                        removed += max(0, (i2 - i1) - (j2 - j1))
                        added += max(0, (j2 - j1) - (i2 - i1))
            for gone, came in _runs(block.words):
                runs += 1
                typos += _typo(gone, came)
                changed_text += [gone, came]
    changed = "\n".join(changed_text).lower()
    terms = sorted(term for term in KEY_TERMS if term.lower() in changed)
    return {"sentences_added": added, "sentences_removed": removed, "edit_runs": runs,
            "typo_runs": typos, "key_terms": terms, "words_total": total}


def _runs(ops) -> list[tuple[str, str]]:
    """Each run of changed words: (the text removed, the text added)."""
    out, gone, came = [], "", ""
    for op, text in [*ops, ("=", "")]:
        if op == "=":
            if gone or came:
                out.append((gone, came))
            gone = came = ""
        elif op == "-":
            gone += text
        else:
            came += text
    return out


def _typo(gone: str, came: str) -> bool:
    """A few characters within one word (`Beijng` → `Beijing`), or punctuation alone."""
    words_gone, words_came = count_words(gone), count_words(came)
    if words_gone == 0 and words_came == 0:
        return True
    if words_gone != 1 or words_came != 1:
        return False
    a, b = gone.strip(), came.strip()
    matched = sum(m.size for m in difflib.SequenceMatcher(None, a, b).get_matching_blocks())
    return max(len(a), len(b)) - matched <= max(1, max(len(a), len(b)) // 4)


# -- names -----------------------------------------------------------------------------------
# What is computed and stored names outlets and spokespersons as the transcript writes them;
# what is shown names them by the names table (storage.text.names, with the user's own file),
# applied when shown: a change of the table changes every summary, old ones included.


def named_summary(summary: dict | None, names: Names) -> dict | None:
    """A change summary (stored, or computed now) as shown: each removed question's `outlet`
    its canonical name and `outlet_as_written` the form the transcript writes (a summary stored
    before that key had the written form in `outlet`); for a `divergent` summary, each exchange
    of `missing` and `present_again` likewise. Reading a named summary again changes nothing."""
    if not summary:
        return summary
    out = dict(summary)
    for key in ("questions_removed", "questions_added"):
        if key in out:
            out[key] = [names.named_outlet(q) for q in out[key] or ()]
    for key in ("missing", "present_again"):
        if "language" in out and out.get(key):
            out[key] = [names.named_outlet(e) for e in out[key]]
    return out


def named_turns(records: list[dict], names: Names) -> list[dict]:
    """turn_changes' records as shown: `name` the canonical name (the outlet of a question,
    the spokesperson of an answer or remarks), `name_as_written` the label as written; the
    question an answer answers, and the answers folded into a question, likewise."""
    out = []
    for record in records:
        written = record["name_as_written"] if "name_as_written" in record else record["name"]
        named = {**record, "name_as_written": written}
        if record["role"] == "question":
            named["name"] = names.outlet(written)
        elif record["role"] in ("answer", "remarks"):
            named["name"] = names.spokesperson(written)
        if record.get("question"):
            named["question"] = names.named_outlet(record["question"])
        if "answers" in record:
            named["answers"] = named_turns(record["answers"], names)
        out.append(named)
    return out


# -- in words --------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _who(record: dict) -> str:
    role, name = record["role"], shown(record.get("name"), record.get("name_as_written"))
    if role == "question":
        return f"Question from {name}" if name else "Question"
    if role == "answer":
        return f"Answer by {name}" if name else "Answer"
    if role == "remarks":
        return f"Remarks by {name}" if name else "Remarks"
    if role == "note":
        return "Note"
    return "Announcements"


def turn_sentence(record: dict) -> str:
    """One change to a turn, as a reader would say it:
    `Question from Reuters ("China today started…") removed, with its answer`,
    `Answer by Zhao Lijian (赵立坚), to RIA Novosti (今日俄罗斯), reworded: 3 words changed`.
    Records named by named_turns (Comparison.named) say the canonical names, each with the
    written form beside it where it differs; others say the names as written."""
    who = _who(record)
    quote = f" (“{record['first_words']}”)" if record["first_words"] else ""
    question = record.get("question")
    if question:
        outlet = shown(question["outlet"], question.get("outlet_as_written"))
        to = f"from {outlet}" if outlet else f"“{question['first_words']}”"
        if question.get("removed"):
            to = f"the removed question {to}"
        elif outlet:
            to = outlet
        if record["change"] != "changed":
            who += f" to {to}"
        else:  # set off by commas where the names carry their written forms in parentheses
            who += f", to {to}," if "(" in to else f" (to {to})"
    if record["change"] in ("removed", "added"):
        text = f"{who}{quote} {record['change']}"
        if record.get("with_answer"):
            text += ", with its answer" if len(record["answers"]) == 1 else ", with its answers"
        return text
    details = []
    for key, label in (("paragraphs_removed", "removed"), ("paragraphs_added", "added")):
        if record[key]:
            details.append(f"{_plural(record[key], 'paragraph')} {label}")
    details.append(f"{_plural(record['words_changed'], 'word')} changed")
    verb = "changed" if record["paragraphs_added"] or record["paragraphs_removed"] else "reworded"
    return f"{who} {verb}: {', '.join(details)}"


LANGUAGES = {"en": "English", "zh": "Chinese"}


def describe_divergence(summary: dict, names: Names) -> str:
    """A `divergent` event's summary in one line: `question from Reuters ("China today…") not
    in the English transcript`."""
    summary = named_summary(summary, names)
    where = f"the {LANGUAGES.get(summary['language'], summary['language'])} transcript"

    def named(entry: dict) -> str:
        outlet = shown(entry.get("outlet"), entry.get("outlet_as_written"))
        who = f"from {outlet} " if outlet else ""
        return f"question {who}(“{entry.get('first_words', '')}”)"

    parts = [f"{named(e)} not in {where}" for e in summary.get("missing") or ()]
    parts += [f"{named(e)} in {where} again" for e in summary.get("present_again") or ()]
    return "; ".join(parts)


def describe(summary: dict | None, names: Names) -> str:
    """A change summary in one line, e.g. `question from Reuters removed, 2 paragraphs removed,
    61 words changed`, `question from RIA Novosti (今日俄罗斯) removed, …`: outlets by their
    canonical names in `names`, with the written form beside where it differs."""
    if not summary:
        return ""
    if "reason" in summary:  # a removal says why
        return str(summary["reason"])
    if "language" in summary:  # the two languages of a conference differ
        return describe_divergence(summary, names)
    summary = named_summary(summary, names)
    parts = []
    if summary.get("title_changed"):
        title = summary["title_changed"]
        parts.append(f"title changed: “{title['from']}” → “{title['to']}”")
    for key, done in (("questions_removed", "removed"), ("questions_added", "added")):
        asked = [f"from {shown(q['outlet'], q.get('outlet_as_written'))}" if q.get("outlet")
                 else f"“{q.get('first_words', '')}”" for q in summary.get(key) or ()]
        if asked:
            listed = asked[0] if len(asked) == 1 else ", ".join(asked[:-1]) + " and " + asked[-1]
            parts.append(f"question{'s' if len(asked) > 1 else ''} {listed} {done}")
    parts += [
        f"{_plural(summary[key], 'paragraph')} {label}"
        for key, label in (("paragraphs_removed", "removed"), ("paragraphs_added", "added"),
                           ("paragraphs_changed", "changed"))
        if summary.get(key)
    ]
    if summary.get("words_changed"):
        parts.append(f"{_plural(summary['words_changed'], 'word')} changed")
    if summary.get("coarse"):
        parts.append(COARSE)
    return ", ".join(parts) or "no visible change"


# How a comparison cut short by its budget says so (describe, the diff formats).
COARSE = "compared coarsely (too large to align in time: some kept paragraphs may show as " \
    "removed and added)"
