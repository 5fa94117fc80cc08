"""What a crawl has already requested, so that each page is fetched once per run."""

from __future__ import annotations


class Claims:
    """What this crawl has already requested, by kind ("article", "listing"): one spider's
    sets here; in cluster mode (crawler.cluster.spider) sets in Redis shared by every worker."""

    def __init__(self):
        self._sets: dict[str, set[str]] = {}

    def claim(self, kind: str, key: str, request=None) -> bool:
        """Mark `key` requested (by `request`, when there is one); False if it already was."""
        keys = self._sets.setdefault(kind, set())
        if key in keys:
            return False
        keys.add(key)
        return True

    def claimed(self, kind: str, key: str) -> bool:
        return key in self._sets.get(kind, ())

    def count(self, kind: str) -> int:
        return len(self._sets.get(kind, ()))
