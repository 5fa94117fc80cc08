"""The one diff path: which two versions of a transcript a comparison takes when the reader
names one or none, and the comparison of two stored versions (paragraphs, words and turns,
storage.text.diff.compare). `briefwatch diff`, the web view's /t/ID/diff and the notifications'
edit details all come through here, so that they choose and compare alike."""

from __future__ import annotations

from dataclasses import dataclass


class NothingToCompare(Exception):
    """The transcript has one version only."""

    def __init__(self, document: int, version: int):
        super().__init__(f"transcript {document} has only version {version}: nothing to "
                         f"compare yet")
        self.document, self.version = document, version


class NoSuchVersion(Exception):
    """A version the reader asked for that the transcript does not have (`end` is `from` or
    `to`), or no end named for version 1, which has nothing before it (`end` is None)."""

    def __init__(self, document: int, end: str | None, version: int, last: int):
        has = f"only version {last}" if last == 1 else f"versions 1 to {last}"
        super().__init__(f"transcript {document} has {has}" if end
                         else f"version 1 is the first of transcript {document}")
        self.document, self.end, self.version, self.last = document, end, version, last


def choose_versions(document: int, numbers: list[int], old: int | None,
                    new: int | None) -> tuple[int, int]:
    """(old, new): by default the two latest; `new` alone compares it with the one before;
    `old` alone compares it with the latest, or with the next when it is the latest."""
    for end, n in (("to", new), ("from", old)):
        # A version the transcript does not have is the reader's error, however many it has.
        if n is not None and n not in numbers:
            raise NoSuchVersion(document, end, n, numbers[-1])
    if len(numbers) < 2:
        raise NothingToCompare(document, numbers[-1])
    if new is None:
        new = numbers[-1] if old is None or old < numbers[-1] else old + 1
    if old is None and new == 1:
        raise NoSuchVersion(document, None, 1, numbers[-1])
    if old is None:
        old = new - 1
    for end, n in (("to", new), ("from", old)):
        # One rule for both ends: a version the transcript does not have is the reader's error.
        if n not in numbers:
            raise NoSuchVersion(document, end, n, numbers[-1])
    return old, new


@dataclass
class Compared:
    old: dict  # the versions as storage.documents.version gives them
    new: dict
    comparison: object  # storage.text.diff.Comparison

    @property
    def same(self) -> bool:
        return not any(block.op != "equal" for block in self.comparison.blocks)


def compare_versions(old: dict, new: dict, names, budget=None) -> Compared:
    """Two stored versions compared: paragraphs aligned, words inside changed ones, and the
    speaker turns (questions and answers) by `names`, the config's names table. Work bounded
    by the size of the change; past `budget` (storage.text.diff.Budget: by default
    BUDGET_SECONDS; a web request's also ends when its client leaves) the rest is compared
    coarsely and the comparison says so (`coarse`)."""
    from briefwatch.storage.text.diff import compare
    from briefwatch.storage.text.turns import turns_of

    return Compared(old, new, compare(old["text"], new["text"], turns_of(old), turns_of(new),
                                      names=names, budget=budget))


def compare_stored(db, document: int, old: int, new: int, names, budget=None) -> Compared:
    """Versions `old` and `new` of a stored transcript, compared (within `budget`)."""
    from briefwatch.storage.documents import version

    return compare_versions(version(db, document, old), version(db, document, new), names,
                            budget)
