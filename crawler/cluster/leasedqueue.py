"""scrapy-redis's priority queue and duplicate filter, with leases: a request taken by a
worker stays in Redis, leased to it, until its outcome is handed back (crawler.cluster.frontier
explains the invariant).

scrapy-redis pops requests destructively, so a worker killed mid-page would lose them, and
marks a request seen before it is queued, so a worker killed in between would leave it seen
and never fetched; these subclasses change only that, and are plugged in with scrapy-redis's
own settings, SCHEDULER_QUEUE_CLASS and DUPEFILTER_CLASS.
"""

from __future__ import annotations

import logging

from briefwatch.crawler.cluster.frontier import Frontier
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

# request.meta keys, never stored with the request in Redis:
LEASE = "briefwatch_lease"  # the lease of the request being fetched (copied to its retries)
FOUND_ON = "briefwatch_found_on"  # the lease of the page a request or transcript came from
MARKS = "briefwatch_marks"  # (set key, member) pairs that the push adds: claims, fingerprints

logger = logging.getLogger(__name__)


def encode(request, spider) -> bytes:
    """A request as scrapy-redis stores it (its callbacks by name: methods of the spider)."""
    return picklecompat.dumps(request.to_dict(spider=spider))


def queue_request(frontier: Frontier, queue_key: str, request, spider, settles=()) -> bool:
    """Push `request` with its marks, in one step; False if another got there first."""
    marks = request.meta.pop(MARKS, ())
    queued = frontier.push(queue_key, -request.priority, encode(request, spider),
                           settles=settles, marks=marks)
    claims = getattr(spider, "claims", None)
    if claims is not None and hasattr(claims, "settled"):
        claims.settled(marks)
    return queued


class OpenLeases:
    """The leases of pages whose outputs (requests found on them, the transcript they are)
    are still on their way to Redis. Scrapy queues what a callback yields, and sends items
    down the pipelines, only after the callback has run to its end; a page's lease dropped at
    that end would leave a moment when the run holds nothing, and looks finished. So the lease
    is dropped with the last output to arrive, in that output's own transaction."""

    def __init__(self, frontier: Frontier):
        self.frontier = frontier
        self._open: dict[str, list] = {}  # lease -> [outputs on their way, still yielding]

    def expect(self, lease: str) -> None:
        self._open.setdefault(lease, [0, True])[0] += 1

    def finished(self, lease: str) -> None:
        """The page yielded its last output."""
        entry = self._open.get(lease)
        if entry is None or entry[0] == 0:
            self._open.pop(lease, None)
            self.frontier.ack(lease)
        else:
            entry[1] = False

    def arrived(self, lease: str | None) -> list[str]:
        """An output of the page of `lease` is being pushed or handed back (or was dropped):
        the leases to drop with it (the page's, if this was its last output)."""
        entry = self._open.get(lease) if lease else None
        if entry is None:
            return []
        entry[0] -= 1
        if entry[0] == 0 and not entry[1]:
            del self._open[lease]
            return [lease]
        return []


class LeasedQueue(PriorityQueue):
    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.frontier = Frontier(server, settings.getint("BRIEFWATCH_RUN"))
        self.worker = settings.get("BRIEFWATCH_WORKER")

    def push(self, request):
        # A redirect or a retry is a copy of a leased request, lease included: queueing the
        # copy settles the original. A request found on a page may be that page's last output.
        settles = [request.meta.pop(LEASE, None)]
        settles += self.spider.open_leases.arrived(request.meta.pop(FOUND_ON, None))
        queue_request(self.frontier, self.key, request, self.spider,
                      settles=[lease for lease in settles if lease])

    def pop(self, timeout=0):
        taken = self.frontier.lease(self.key, self.worker)
        if taken is None:
            return None
        lease, data = taken
        try:
            request = self._decode_request(data)
        except Exception as exc:  # written by another version of briefwatch, or damaged
            logger.error("dropped a request this worker cannot read: %s", exc)
            self.frontier.ack(lease)
            return None
        request.meta[LEASE] = lease
        return request


class PeekingDupeFilter(RFPDupeFilter):
    """Only looks: the fingerprint of a request not seen yet is added by the push that
    queues it (LeasedQueue), in the same transaction."""

    def request_seen(self, request) -> bool:
        fingerprint = self.request_fingerprint(request)
        if self.server.sismember(self.key, fingerprint):
            return True
        request.meta[MARKS] = [*request.meta.get(MARKS, ()), (self.key, fingerprint)]
        return False
