"""Watch terms ([[watch]] in the config): which events concern them, and the passages that do.

A new transcript concerns a term when its text mentions it (so does a removed or restored
one: the text that went or came back); an edit, when a paragraph it removed, added or
reworded mentions it. A term is found as `search` finds a passage (storage.search): whole
words in order, case-insensitive, the last one possibly cut short; Chinese characters as
written.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefwatch.storage.search import excerpt, mentioning, passage_pattern
from briefwatch.storage.text.diff import Block, align, paragraphs

if TYPE_CHECKING:
    import sqlite_utils


def term_pattern(terms: tuple[str, ...] | list[str]) -> re.Pattern | None:
    """One pattern finding any of the terms, or None when none holds a word."""
    found = [p for p in map(passage_pattern, terms) if p]
    return re.compile("|".join(f"(?:{p})" for p in found), re.IGNORECASE) if found else None


def documents_mentioning(db: sqlite_utils.Database, terms) -> set[int]:
    """The transcripts any version of which mentions a term: no other can concern it."""
    return set().union(*(mentioning(db, term) for term in terms))


def is_edit(event: dict) -> bool:
    """An event that stored a new text (an edit, or a restoration with another text)."""
    return bool(event["summary"]) and "paragraphs_changed" in event["summary"]


def passages(db: sqlite_utils.Database, event: dict, pattern: re.Pattern,
             blocks: list[Block] | None = None) -> list[dict]:
    """The passages of `event` (as storage.documents.events gives it) mentioning a term,
    in reading order: `change` (`mentions` for a transcript's text; `removed`, `added` or
    `reworded` for an edit's paragraphs) and `text` (the mention with a sentence or so around
    it). `blocks`: the edit's aligned paragraphs, when the caller has them already."""
    if event["kind"] == "divergent" or not event.get("version"):
        return []
    if not is_edit(event):
        text = _text(db, event["document"], event["version"])
        return [{"change": "mentions", "text": _quote(p, pattern)}
                for p in paragraphs(text) if pattern.search(p)]
    if blocks is None:
        old = _text(db, event["document"], event["version"] - 1)
        new = _text(db, event["document"], event["version"])
        blocks = align(paragraphs(old), paragraphs(new))
    found = []
    for block in blocks:
        in_old = block.old_text is not None and pattern.search(block.old_text)
        in_new = block.new_text is not None and pattern.search(block.new_text)
        if block.op == "equal" or not (in_old or in_new):
            continue
        if in_new:
            change = "reworded" if in_old else "added"
            found.append({"change": change, "text": _quote(block.new_text, pattern)})
        else:
            found.append({"change": "removed", "text": _quote(block.old_text, pattern)})
    return found


def _text(db: sqlite_utils.Database, document: int, n: int) -> str:
    row = db.execute("SELECT text FROM versions WHERE document = ? AND n = ?",
                     [document, n]).fetchone()
    return row[0] if row else ""


def _quote(paragraph: str, pattern: re.Pattern) -> str:
    match = pattern.search(paragraph)
    return excerpt(paragraph, match.start(), match.end())
