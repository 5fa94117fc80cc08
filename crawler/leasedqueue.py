"""scrapy-redis's priority queue, with leases: a request taken by a worker stays in Redis,
leased to it, until its outcome is handed back (crawler.frontier explains the invariant).

scrapy-redis pops requests destructively, so a worker killed mid-page would lose them; this
subclass changes only `push` and `pop` and is plugged in with its own setting,
SCHEDULER_QUEUE_CLASS.
"""

from __future__ import annotations

import logging

from scrapy_redis import picklecompat
from scrapy_redis.queue import PriorityQueue

from crawler.frontier import Frontier

LEASE = "briefwatch_lease"

logger = logging.getLogger(__name__)


def encode(request, spider) -> bytes:
    """A request as scrapy-redis stores it (its callbacks by name: methods of the spider)."""
    return picklecompat.dumps(request.to_dict(spider=spider))


class LeasedQueue(PriorityQueue):
    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        settings = spider.crawler.settings
        self.frontier = Frontier(server, settings.getint("BRIEFWATCH_RUN"))
        self.worker = settings.get("BRIEFWATCH_WORKER")

    def push(self, request):
        # A redirect or a retry is a copy of a leased request, lease included: queueing the
        # copy settles the original.
        replaces = request.meta.pop(LEASE, None)
        self.frontier.push(self.key, -request.priority, self._encode_request(request), replaces)

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
