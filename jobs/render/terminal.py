"""The terminal formats of `briefwatch diff`: words, side by side, turns (the JSON record is
jobs.contract.diff_record).

Each takes a storage.text.diff.Comparison, computed once, and returns what to print. Every scraped
string goes through `clean` (jobs.cli.common.safe) before it can reach a terminal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator

from briefwatch.storage.text.cjk import CHARACTER as CJK_CHARACTER
from briefwatch.storage.text.diff import Block, Comparison, turn_sentence

# Without colour, inline marks in the style of wdiff and `git diff --word-diff=plain`.
DEL_OPEN, DEL_CLOSE, INS_OPEN, INS_CLOSE = "[-", "-]", "{+", "+}"
GUTTER = {"equal": " ", "replace": "|", "delete": "<", "insert": ">"}


def hunks(blocks: list[Block], context: int | None) -> Iterator[list[Block] | int]:
    """The blocks to show: each change with `context` unchanged paragraphs around it, and,
    between hunks, the number of unchanged paragraphs left out. None shows everything."""
    if context is None:
        yield blocks
        return
    changed = [k for k, b in enumerate(blocks) if b.op != "equal"]
    if not changed:
        return
    start, end, skipped_to = changed[0] - context, changed[0] + context, 0
    groups: list[tuple[int, int]] = []
    for k in changed[1:]:
        if k - context <= end + 1:
            end = k + context
        else:
            groups.append((start, end))
            start, end = k - context, k + context
    groups.append((start, end))
    for start, end in groups:
        start, end = max(start, 0), min(end, len(blocks) - 1)
        if start > skipped_to:
            yield start - skipped_to
        yield blocks[start:end + 1]
        skipped_to = end + 1
    if skipped_to < len(blocks):
        yield len(blocks) - skipped_to


def _header(hunk: list[Block]) -> str:
    olds = [b.old for b in hunk if b.old is not None]
    news = [b.new for b in hunk if b.new is not None]
    old = f"{olds[0] + 1},{len(olds)}" if olds else "0,0"
    new = f"{news[0] + 1},{len(news)}" if news else "0,0"
    return f"@@ -{old} +{new} @@"


def words(comparison: Comparison, old_label: str, new_label: str, context: int | None,
          colour: bool, clean: Callable[[str], str]) -> list[str]:
    """Changed paragraphs with their changed words marked inline: removed words red (or
    `[-…-]`), added words green (or `{+…+}`)."""
    import click

    def deleted(text: str) -> str:
        text = clean(text)
        return click.style(text, fg="red", strikethrough=True) if colour else \
            f"{DEL_OPEN}{text}{DEL_CLOSE}"

    def inserted(text: str) -> str:
        text = clean(text)
        return click.style(text, fg="green", underline=True) if colour else \
            f"{INS_OPEN}{text}{INS_CLOSE}"

    if not any(b.op != "equal" for b in comparison.blocks):
        return []
    lines = [click.style(f"--- {old_label}", bold=True) if colour else f"--- {old_label}",
             click.style(f"+++ {new_label}", bold=True) if colour else f"+++ {new_label}"]
    for hunk in hunks(comparison.blocks, context):
        if isinstance(hunk, int):
            continue
        header = _header(hunk)
        lines.append(click.style(header, fg="cyan") if colour else header)
        for block in hunk:
            if block.op == "equal":
                lines.append(clean(block.new_text))
            elif block.op == "delete":
                lines.append(deleted(block.old_text))
            elif block.op == "insert":
                lines.append(inserted(block.new_text))
            else:
                lines.append("".join(
                    clean(text) if op == "=" else deleted(text) if op == "-" else inserted(text)
                    for op, text in block.words))
    return lines


def side_by_side(comparison: Comparison, old_label: str, new_label: str, context: int | None,
                 width: int, colour: bool, clean: Callable[[str], str]) -> str:
    """Two columns, old on the left and new on the right, wrapped to `width` (CJK characters
    count double); the gutter shows | reworded, < removed, > added."""
    # Laid out here rather than by rich's Table, which took 200 ms for a 150 KB transcript
    # reworded throughout: the layout is rich's (a space each side of every cell, words
    # wrapped at spaces, longer ones folded), the cost a few milliseconds.
    import click

    left_width = max(1, (width - 7 + 1) // 2)
    right_width = max(1, (width - 7) // 2)
    styles = {"-": {"fg": "red", "strikethrough": True}, "+": {"fg": "green", "underline": True},
              "head": {"bold": True}, "note": {"dim": True}}
    marks = {"-": (DEL_OPEN, DEL_CLOSE), "+": (INS_OPEN, INS_CLOSE)}

    def piece(text: str, style: str | None) -> tuple[str, str | None]:
        text = clean(text)
        if style in marks and not colour:
            return f"{marks[style][0]}{text}{marks[style][1]}", None
        return text, style if colour else None

    def cell(pieces: list[tuple[str, str | None]], cells: int) -> list[str]:
        text = "".join(t for t, _ in pieces)
        lines = []
        for start, end in _wrap(text, cells):
            line = text[start:end].rstrip()
            pad = " " * (cells - _cell_len(line))
            if colour:
                line = "".join(click.style(part, **styles[style]) if style else part
                               for part, style in _slice(pieces, start, start + len(line)))
            lines.append(line + pad)
        return lines or [" " * cells]

    out: list[str] = []

    def row(left: list[tuple[str, str | None]], gutter: str,
            right: list[tuple[str, str | None]]) -> None:
        lefts, rights = cell(left, left_width), cell(right, right_width)
        for k in range(max(len(lefts), len(rights))):
            old = lefts[k] if k < len(lefts) else " " * left_width
            new = rights[k] if k < len(rights) else ""
            out.append(f" {old}  {gutter if k == 0 else ' '}  {new}".rstrip())

    row([piece(old_label, "head")], " ", [piece(new_label, "head")])
    for hunk in hunks(comparison.blocks, context):
        if isinstance(hunk, int):
            note = piece(f"⋯ {hunk} unchanged paragraph{'s' if hunk != 1 else ''}", "note")
            row([note], " ", [note])
            continue
        for block in hunk:
            left: list[tuple[str, str | None]] = []
            right: list[tuple[str, str | None]] = []
            if block.op == "equal":
                left, right = [piece(block.old_text, None)], [piece(block.new_text, None)]
            elif block.op == "delete":
                left = [piece(block.old_text, "-")]
            elif block.op == "insert":
                right = [piece(block.new_text, "+")]
            else:
                for op, text in block.words:
                    if op != "+":
                        left.append(piece(text, None if op == "=" else op))
                    if op != "-":
                        right.append(piece(text, None if op == "=" else op))
            row(left, GUTTER[block.op], right)
    return "\n".join(out)


_WRAP_WORD = re.compile(r"\s*\S+\s*")


def _cell_len(text: str) -> int:
    """Terminal cells: CJK and other wide characters take two, combining marks none."""
    if text.isascii():
        return len(text)
    return sum(_char_cells(ch) for ch in text)


def _char_cells(ch: str) -> int:
    if ch.isascii():
        return 1
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Where `text` breaks into lines of `width` cells, as (start, end) offsets: at spaces,
    and a word longer than a line folded where the line is full."""
    lines: list[tuple[int, int]] = []
    start, position = 0, 0
    for match in _WRAP_WORD.finditer(text):
        word = match.group()
        length = _cell_len(word.rstrip())
        if position + length <= width:
            position += _cell_len(word)
            continue
        if match.start() > start:
            lines.append((start, match.start()))
            start = match.start()
        position = _cell_len(word)
        if length > width:
            cut, position = start, 0
            for k, ch in enumerate(word, match.start()):
                cells = _char_cells(ch)
                if position + cells > width:
                    lines.append((cut, k))
                    cut, position = k, 0
                position += cells
            start = cut
    if start < len(text):
        lines.append((start, len(text)))
    return lines


def _slice(pieces: list[tuple[str, str | None]], start: int,
           end: int) -> Iterator[tuple[str, str | None]]:
    """The parts of the styled pieces between two offsets of their joined text."""
    offset = 0
    for text, style in pieces:
        lo, hi = max(start, offset), min(end, offset + len(text))
        if lo < hi:
            yield text[lo - offset:hi - offset], style
        offset += len(text)


def turns(comparison: Comparison, title_change: tuple[str, str] | None,
          clean: Callable[[str], str]) -> list[str]:
    """What happened to the questions, answers and announcements, one change a line."""
    lines = []
    if title_change:
        lines.append(f"Title changed: “{clean(title_change[0])}” → “{clean(title_change[1])}”")
    lines += [clean(turn_sentence(record)) for record in comparison.turns]
    return lines


def excerpts(comparison: Comparison, limit: int, width: int = 160) -> list[str]:
    """The first `limit` changed paragraphs in a line each, for a message: `− “…”` removed,
    `+ “…”` added, `~ “…[-old-]{+new+}…”` reworded (the changed words with a little of the
    sentence around them), each cut to about `width` characters."""
    out = []
    for block in comparison.blocks:
        if len(out) == limit:
            break
        if block.op == "delete":
            out.append(f"− “{_cut(block.old_text, width)}”")
        elif block.op == "insert":
            out.append(f"+ “{_cut(block.new_text, width)}”")
        elif block.op == "replace":
            marked = "".join(text if op == "=" else
                             f"{DEL_OPEN}{text}{DEL_CLOSE}" if op == "-" else
                             f"{INS_OPEN}{text}{INS_CLOSE}" for op, text in block.words)
            marked = " ".join(marked.split())
            first = min((i for i in (marked.find(DEL_OPEN), marked.find(INS_OPEN)) if i >= 0),
                        default=0)
            start = _word_start(marked, max(0, first - width // 4), first)
            head = "…" if start else ""
            out.append(f"~ “{head}{_cut(marked[start:], width - len(head))}”")
    return out


def _cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut at a word's end (or between two Chinese
    characters), never inside a word, with `…`; a change mark left open is closed."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    end = width - 1
    while end > 0 and _inside_word(text, end):
        end -= 1
    if end == 0:  # one word longer than the line: cut it rather than say nothing
        end = width - 1
    head = text[:end].rstrip()
    for opening, closing in ((DEL_OPEN, DEL_CLOSE), (INS_OPEN, INS_CLOSE)):
        if head.rfind(opening) > head.rfind(closing):
            head += closing
    return head + "…"


def _word_start(text: str, start: int, limit: int) -> int:
    """The first word boundary at or after `start` (and not past `limit`)."""
    while start < limit and _inside_word(text, start):
        start += 1
    return start


def _inside_word(text: str, k: int) -> bool:
    """Whether a cut before text[k] falls inside a word (letters or digits on both sides, not
    Chinese, whose characters are each a word), or splits a surrogate pair."""
    if not 0 < k < len(text):
        return False
    before, after = text[k - 1], text[k]
    if "\ud800" <= before <= "\udbff":
        return True
    return (before.isalnum() and after.isalnum()
            and not (CJK_CHARACTER.match(before) or CJK_CHARACTER.match(after)))

