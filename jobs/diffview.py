"""The text formats of `briefwatch diff`: words, side by side, turns, and JSON.

Each takes a storage.diff.Comparison, computed once, and returns what to print. Every scraped
string goes through `clean` (jobs.cli.safe) before it can reach a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from storage.diff import Block, Comparison, turn_sentence

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
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, show_header=True, header_style="bold", padding=(0, 1),
                  expand=True, show_edge=False)
    table.add_column(clean(old_label), ratio=1, overflow="fold")
    table.add_column("", width=1, no_wrap=True)
    table.add_column(clean(new_label), ratio=1, overflow="fold")

    def mark(text: str, op: str) -> Text:
        text = clean(text)
        if colour:
            return Text(text, style="red strike" if op == "-" else "green underline")
        return Text(f"{DEL_OPEN}{text}{DEL_CLOSE}" if op == "-" else f"{INS_OPEN}{text}{INS_CLOSE}")

    for hunk in hunks(comparison.blocks, context):
        if isinstance(hunk, int):
            note = Text(f"⋯ {hunk} unchanged paragraph{'s' if hunk != 1 else ''}", style="dim")
            table.add_row(note, "", note.copy())
            continue
        for block in hunk:
            left, right = Text(), Text()
            if block.op == "equal":
                left, right = Text(clean(block.old_text)), Text(clean(block.new_text))
            elif block.op == "delete":
                left = mark(block.old_text, "-")
            elif block.op == "insert":
                right = mark(block.new_text, "+")
            else:
                for op, text in block.words:
                    if op != "+":
                        left.append_text(Text(clean(text)) if op == "=" else mark(text, "-"))
                    if op != "-":
                        right.append_text(Text(clean(text)) if op == "=" else mark(text, "+"))
            table.add_row(left, GUTTER[block.op], right)
    out = io.StringIO()
    console = Console(file=out, width=width, color_system="standard" if colour else None,
                      force_terminal=colour, highlight=False, emoji=False, markup=False)
    console.print(table)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def turns(comparison: Comparison, title_change: tuple[str, str] | None,
          clean: Callable[[str], str]) -> list[str]:
    """What happened to the questions, answers and announcements, one change a line."""
    lines = []
    if title_change:
        lines.append(f"Title changed: “{clean(title_change[0])}” → “{clean(title_change[1])}”")
    lines += [clean(turn_sentence(record)) for record in comparison.turns]
    return lines


def as_json(comparison: Comparison, doc: dict, old: dict, new: dict) -> dict:
    """One object: the two versions, the change summary, the turn changes and every aligned
    paragraph (README, "JSON output")."""
    def side(ver: dict) -> dict:
        return {"version": ver["n"], "fetched_at": ver["fetched_at"], "title": ver["title"]}

    blocks = []
    for block in comparison.blocks:
        item = {"op": block.op,
                "old_paragraph": None if block.old is None else block.old + 1,
                "new_paragraph": None if block.new is None else block.new + 1,
                "old": block.old_text, "new": block.new_text}
        if block.op == "replace":
            item["words"] = [{"op": op, "text": text} for op, text in block.words]
            item["words_changed"] = block.words_changed
        blocks.append(item)
    return {"id": doc["id"], "url": doc["url"], "from": side(old), "to": side(new),
            "summary": comparison.summary, "turns": [_public(r) for r in comparison.turns],
            "blocks": blocks}


def _public(record: dict) -> dict:
    """A turn change for JSON: the answers folded into a removed question listed too."""
    out = {k: v for k, v in record.items() if k != "answers"}
    out["answers"] = [_public(a) for a in record.get("answers", ())]
    out["sentence"] = turn_sentence(record)
    return out
