"""Comparing two versions of a transcript: pure functions over their paragraphs."""

from __future__ import annotations

import difflib


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n") if p.strip()]


def unified(old_text: str, new_text: str, old_label: str, new_label: str,
            context: int = 1) -> list[str]:
    """A unified diff with one paragraph a line: '-' removed, '+' added."""
    return list(difflib.unified_diff(
        paragraphs(old_text), paragraphs(new_text), old_label, new_label, n=context,
        lineterm="",
    ))


def change_summary(old_text: str, new_text: str) -> dict[str, int]:
    """Counts a reader takes in at a glance: paragraphs added, removed, changed; words changed."""
    old, new = paragraphs(old_text), paragraphs(new_text)
    added = removed = changed = words = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "insert":
            added += j2 - j1
            words += sum(len(p.split()) for p in new[j1:j2])
        elif op == "delete":
            removed += i2 - i1
            words += sum(len(p.split()) for p in old[i1:i2])
        elif op == "replace":
            pairs = min(i2 - i1, j2 - j1)
            changed += pairs
            removed += (i2 - i1) - pairs
            added += (j2 - j1) - pairs
            words += _words_changed(" ".join(old[i1:i2]), " ".join(new[j1:j2]))
    return {"paragraphs_added": added, "paragraphs_removed": removed,
            "paragraphs_changed": changed, "words_changed": words}


def _words_changed(old: str, new: str) -> int:
    a, b = old.split(), new.split()
    if len(a) <= 1 and len(b) <= 1 and a != b:
        # Chinese has no spaces between words: count characters instead.
        a, b = list(old), list(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes()
               if op != "equal")


def describe(summary: dict[str, int] | None) -> str:
    if not summary:
        return ""
    parts = [
        f"{summary[key]} paragraph{'s' if summary[key] != 1 else ''} {label}"
        for key, label in (("paragraphs_removed", "removed"), ("paragraphs_added", "added"),
                           ("paragraphs_changed", "changed"))
        if summary.get(key)
    ]
    if summary.get("words_changed"):
        parts.append(f"{summary['words_changed']} words changed")
    return ", ".join(parts) or "no visible change"
