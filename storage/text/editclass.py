"""What kind of edit an event is, and how much it matters: its edit class and significance.

The class and significance are read from a change summary alone (classify: the counts they
need are the summary's, storage.text.diff.edit_counts), so that events stored before those
counts existed get theirs from what they kept (storage.migrations.m014_edit_classes).

Edit classes, the largest change an edit holds winning: `status` (the transcript removed or
restored), `exchange` (a question or answer added or removed; a conference's other language
lacking exchanges), `sentence` (sentences added or removed), `title` (the title changed, the
text at most reworded), `wording` (words changed, no sentence added or cut), `typo` (only a
few characters within words, or punctuation).

Significance, from 0 to 1 (modelled on the priority of EDGI's web-monitoring task sheets:
status first, then what was taken out and the key terms, then how much of the text changed):
removals and restorations 1.0; a new transcript 0.5; otherwise the sum, capped at 0.95, of
0.5 for an exchange removed (0.3 when exchanges were only added), 0.15 when a key term
(storage.text.diff.KEY_TERMS) is in the text removed or added, 0.15 for a title change, and
0.3 × min(1, 2 × the share of the text's words changed).
"""

from __future__ import annotations

from briefwatch.storage.text.diff import count_words, paragraphs

EDIT_CLASSES = ("typo", "wording", "title", "sentence", "exchange", "status")


def classify(kind: str, summary: dict | None) -> tuple[str | None, float]:
    """(edit class, significance) of an event from its kind and stored summary; `new` has no
    class. Summaries stored before edit_counts' keys existed are read as well as they allow:
    exchanges from their turns added or removed, sentences from whole paragraphs, typos only
    when no word changed."""
    if kind in ("removed", "restored"):
        return "status", 1.0
    if kind == "new" or not summary:
        return None, 0.5
    if kind == "divergent":
        return "exchange", 0.5 if summary.get("missing") else 0.3
    exchange_removed = bool(summary.get("questions_removed")) or (
        summary.get("exchange_turns_removed", summary.get("turns_removed", 0)) > 0)
    exchange_added = summary.get("exchange_turns_added", summary.get("turns_added", 0)) > 0
    if "sentences_added" in summary:
        sentence = summary["sentences_added"] + summary["sentences_removed"] > 0
    else:
        sentence = summary.get("paragraphs_added", 0) + summary.get("paragraphs_removed", 0) > 0
    words = summary.get("words_changed", 0)
    if "edit_runs" in summary:
        typo = summary["edit_runs"] == summary["typo_runs"] and not summary.get(
            "paragraphs_added") and not summary.get("paragraphs_removed")
    else:
        typo = words == 0
    if exchange_removed or exchange_added:
        edit_class = "exchange"
    elif sentence:
        edit_class = "sentence"
    elif summary.get("title_changed"):
        edit_class = "title"
    elif typo:
        edit_class = "typo"
    else:
        edit_class = "wording"
    share = min(1.0, words / max(summary.get("words_total") or 0, words, 1))
    score = (0.5 if exchange_removed else 0.3 if exchange_added else 0.0)
    score += 0.15 if summary.get("key_terms") else 0.0
    score += 0.15 if summary.get("title_changed") else 0.0
    score += 0.3 * min(1.0, 2 * share)
    return edit_class, round(min(0.95, score), 2)


def words_total(text: str) -> int:
    """The words of a version's text, for the share of an old summary (the migration)."""
    return sum(count_words(p) for p in paragraphs(text))
