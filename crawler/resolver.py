"""`OncePerName`: Scrapy's caching resolver, which also remembers the names that did not resolve
(its own "TODO: cache misses") and asks once for a name several requests wait on.

Offline, every request already queued for a host that does not resolve asked the system's
resolver again (each a thread, each waiting out its timeout where lookups hang); with this, a
crawl asks once per name, and crawler.middlewares.UnresolvedHostMiddleware gives the host up.
"""

from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure


class OncePerName(CachingThreadedResolver):
    def __init__(self, reactor, cache_size: int, timeout: float):
        super().__init__(reactor, cache_size, timeout)
        self.misses: dict[str, Failure] = {}  # for the life of the crawl: no answer changes
        self.waiting: dict[str, list[defer.Deferred]] = {}

    def getHostByName(self, name: str, timeout=()) -> defer.Deferred:  # noqa: N802 - Twisted's
        if name in self.misses:
            return defer.fail(self.misses[name])
        if name in self.waiting:  # a lookup of it is on its way: its answer is ours too
            answer: defer.Deferred = defer.Deferred()
            self.waiting[name].append(answer)
            return answer
        self.waiting[name] = []
        looked_up = self.lookup(name, timeout)
        looked_up.addBoth(self._answered, name)
        return looked_up

    def lookup(self, name: str, timeout=()) -> defer.Deferred:
        """The system's answer (Scrapy's own lookup, with its cache of the names found)."""
        return super().getHostByName(name, timeout)

    def _answered(self, result, name: str):
        if isinstance(result, Failure) and result.check(DNSLookupError):
            self.misses[name] = result
        for answer in self.waiting.pop(name, ()):
            if isinstance(result, Failure):
                answer.errback(result)
            else:
                answer.callback(result)
        return result
