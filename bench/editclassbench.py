"""What the edit class costs a change summary: storage.text.diff.change_summary of two
versions of a 30 KB and a 150 KB transcript (5% of paragraphs reworded, and all of them), and
the part of it spent in edit_counts (sentences aligned in reworded paragraphs, runs of changed
words, key terms, the new text's words).

    python bench/editclassbench.py        (writes nothing; bench/EDITCLASS.md holds a run)
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (str(HERE.parent), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

import corpus  # noqa: E402

RUNS = 9


def _median_ms(call, *args) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call(*args)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    from briefwatch.storage.text.diff import align, change_summary, edit_counts, paragraphs
    from briefwatch.storage.text.turns import split_turns

    print("| text | reworded | change_summary (ms) | of which edit_counts (ms) |")
    print("|---|---|---|---|")
    for size in (30_000, 150_000):
        briefing = corpus.long_briefing(dt.date(2024, 5, 6), size, seed=1)
        for share in (0.05, 1.0):
            old = corpus.text_of(briefing)
            new = corpus.text_of(corpus.reworded(briefing, share, seed=2))
            old_turns, new_turns = split_turns(old, briefing.title), split_turns(new,
                                                                                 briefing.title)
            whole = _median_ms(change_summary, old, new, old_turns, new_turns)
            blocks = align(paragraphs(old), paragraphs(new))
            part = _median_ms(edit_counts, blocks)
            print(f"| {len(old.encode()) // 1000} KB | {share:.0%} | {whole:.1f} | {part:.1f} |")


if __name__ == "__main__":
    main()
