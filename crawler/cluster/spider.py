"""A source's spider as it runs in cluster mode: the same spider class, with what it shares
with other workers (what was requested, failures) kept in Redis."""

from __future__ import annotations

from functools import cached_property

from briefwatch.crawler.claims import Claims
from briefwatch.crawler.cluster.frontier import Frontier
from briefwatch.crawler.cluster.leasedqueue import LEASE, MARKS, OpenLeases


class RedisClaims(Claims):
    """Claims shared by every worker of the run: a transcript is requested once per run,
    whichever worker reads the listing that links it.

    A claim made for a request is only reserved here until that request is queued: the push
    that queues it writes the claim (crawler.cluster.leasedqueue.queue_request), so that a worker
    killed in between leaves the transcript unclaimed, for whoever reads the listing again."""

    def __init__(self, frontier: Frontier, source: str):
        self.frontier = frontier
        self.source = source
        self.reserved: dict[str, set[str]] = {}  # set key -> members not yet queued

    def _key(self, kind: str) -> str:
        return self.frontier.claims_key(self.source, kind)

    def claim(self, kind: str, key: str, request=None) -> bool:
        if request is None:
            return bool(self.frontier.server.sadd(self._key(kind), key))
        if self.claimed(kind, key):
            return False
        self.reserved.setdefault(self._key(kind), set()).add(key)
        request.meta[MARKS] = [*request.meta.get(MARKS, ()), (self._key(kind), key)]
        return True

    def claimed(self, kind: str, key: str) -> bool:
        return key in self.reserved.get(self._key(kind), ()) or \
            bool(self.frontier.server.sismember(self._key(kind), key))

    def count(self, kind: str) -> int:
        return int(self.frontier.server.scard(self._key(kind))) + \
            len(self.reserved.get(self._key(kind), ()))

    def settled(self, marks) -> None:
        """These marks are in Redis now (or the request was dropped)."""
        for key, member in marks:
            self.reserved.get(key, set()).discard(member)


class ClusterSpider:
    """Mixed in before a ListingSpider subclass by `cluster_spider_class`."""

    frontier: Frontier
    worker: str = ""

    def make_claims(self) -> Claims:
        return RedisClaims(self.frontier, self.context.source)

    @cached_property
    def open_leases(self) -> OpenLeases:
        return OpenLeases(self.frontier)

    async def seed(self):
        """The run's first requests, queued by the coordinator: the spider's own start()."""
        async for request in super().start():
            yield request

    async def start(self):
        # A worker starts nothing: the coordinator has seeded the frontier.
        return
        yield

    def _failed(self, kind: str, failure) -> None:
        super()._failed(kind, failure)
        request = failure.request
        self.frontier.hand_back_failure(
            kind, self.context.source, request.url, self.worker,
            failure.getErrorMessage() or failure.type.__name__,
            settles=[lease for lease in [request.meta.get(LEASE)] if lease])


def cluster_spider_class(spidercls, frontier: Frontier, source: str, worker: str = ""):
    """The spider class of `source` in run `frontier.run`, with its own Redis queue keys."""
    return type(f"Cluster{spidercls.__name__}", (ClusterSpider, spidercls), {
        "frontier": frontier,
        "worker": worker,
        "custom_settings": {
            **(spidercls.custom_settings or {}),
            "SCHEDULER_QUEUE_KEY": frontier.queue_key(source),
            "SCHEDULER_DUPEFILTER_KEY": frontier.dupefilter_key(source),
        },
    })
