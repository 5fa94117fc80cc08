"""What kind of edit an event is, and how much it matters: its edit class and significance.

The counts an edit's change summary adds for them (edit_counts, called by
storage.text.diff when it sums up a comparison) and the class and significance read back from
a summary alone (classify), so that events stored before these counts existed get theirs from
what they kept (storage.migrations.m014_edit_classes).

Edit classes, the largest change an edit holds winning: `status` (the transcript removed or
restored), `exchange` (a question or answer added or removed; a conference's other language
lacking exchanges), `sentence` (sentences added or removed), `title` (the title changed, the
text at most reworded), `wording` (words changed, no sentence added or cut), `typo` (only a
few characters within words, or punctuation).

Significance, from 0 to 1 (modelled on the priority of EDGI's web-monitoring task sheets:
status first, then what was taken out and the key terms, then how much of the text changed):
removals and restorations 1.0; a new transcript 0.5; otherwise the sum, capped at 0.95, of
0.5 for an exchange removed (0.3 when exchanges were only added), 0.15 when a key term
(KEY_TERMS) is in the text removed or added, 0.15 for a title change, and
0.3 × min(1, 2 × the share of the text's words changed).
"""

from __future__ import annotations

import difflib
import functools
import re

from briefwatch.storage.text.diff import Block, count_words, paragraphs

EDIT_CLASSES = ("typo", "wording", "title", "sentence", "exchange", "status")

# Terms whose appearance in removed or added text makes an edit matter more: what watchers of
# the briefing rooms follow most (a user's own terms are [[watch]] terms, told apart there).
KEY_TERMS = ("Taiwan", "Hong Kong", "Xinjiang", "Tibet", "Uyghur", "South China Sea",
             "sanction", "human rights", "Ukraine", "Russia", "United States", "Japan",
             "Philippines", "COVID", "台湾", "香港", "新疆", "西藏", "维吾尔", "南海", "制裁",
             "人权", "乌克兰", "俄罗斯", "美国", "日本", "菲律宾", "新冠")

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])")


def sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


@functools.cache
def _key_terms() -> re.Pattern:
    latin = [re.escape(t) for t in KEY_TERMS if t.isascii()]
    cjk = [re.escape(t) for t in KEY_TERMS if not t.isascii()]
    return re.compile(rf"\b(?:{'|'.join(latin)})|{'|'.join(cjk)}", re.I)


def edit_counts(blocks: list[Block]) -> dict:
    """The summary's keys for the edit class: `sentences_added`, `sentences_removed` (in
    paragraphs added or removed, and within reworded ones, their sentences aligned as
    paragraphs are), `edit_runs` (runs of changed words in reworded paragraphs),
    `typo_runs` (those that only correct a few characters of one word, or punctuation),
    `key_terms` (KEY_TERMS in the text removed or added) and `words_total` (the new text's
    words)."""
    from briefwatch.storage.text.diff import align

    added = removed = runs = typos = total = 0
    changed_text: list[str] = []
    for block in blocks:
        if block.new_text is not None:
            total += count_words(block.new_text)
        if block.op == "delete":
            removed += len(sentences(block.old_text))
            changed_text.append(block.old_text)
        elif block.op == "insert":
            added += len(sentences(block.new_text))
            changed_text.append(block.new_text)
        elif block.op == "replace":
            old, new = sentences(block.old_text), sentences(block.new_text)
            if len(old) > 1 or len(new) > 1:
                for sub in align(old, new, words=False):
                    removed += sub.op == "delete"
                    added += sub.op == "insert"
            for gone, came in _runs(block.words):
                runs += 1
                typos += _typo(gone, came)
                changed_text += [gone, came]
    canonical = {t.lower(): t for t in KEY_TERMS}
    terms = sorted({canonical.get(m.group().lower(), m.group()) for text in changed_text
                    for m in _key_terms().finditer(text)})
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
