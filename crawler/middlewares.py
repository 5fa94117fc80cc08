"""Downloader middlewares: Scrapy's own, made polite to sites that say "slow down"."""

from __future__ import annotations

import email.utils
import time
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.retry import RetryMiddleware

# A Retry-After longer than this is not waited out within a run: the next run retries.
MAX_RETRY_AFTER_SECONDS = 120.0
# Without Retry-After, the site rests 0.5 s before a first retry, 1 s before a second, …
BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 30.0


def retry_after_seconds(value: bytes | None, now: float | None = None) -> float | None:
    """Retry-After as delta-seconds or an HTTP date, in seconds from now."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with the site left to rest before each one: as long as a 429's or
    503's Retry-After asks (a wait longer than MAX_RETRY_AFTER_SECONDS gives up for this run),
    else an exponential backoff. Scrapy alone would ask again at once."""

    def process_response(self, request, response, spider=None):
        if response.status in self.retry_http_codes and not request.meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and wait > MAX_RETRY_AFTER_SECONDS:
                self.crawler.stats.inc_value("briefwatch/retry_after_too_long")
                return response
            self._slow_down(request, wait if wait is not None else self._backoff(request))
        return super().process_response(request, response)

    def process_exception(self, request, exception, spider=None):
        if "certificate verify failed" in repr(exception):
            return None  # a certificate that does not verify will not on a second try
        if isinstance(exception, self.exceptions_to_retry) and not request.meta.get("dont_retry"):
            self._slow_down(request, self._backoff(request))
        return super().process_exception(request, exception)

    @staticmethod
    def _backoff(request) -> float:
        return min(BACKOFF_SECONDS * 2 ** request.meta.get("retry_times", 0),
                   MAX_BACKOFF_SECONDS)

    def _slow_down(self, request, wait: float) -> None:
        from twisted.internet import reactor

        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None or slot.delay >= wait:
            return
        usual, slot.delay = slot.delay, wait

        def resume() -> None:
            if slot.delay == wait:  # nobody asked for a longer pause meanwhile
                slot.delay = usual

        reactor.callLater(wait, resume)


def _refused() -> tuple[type, ...]:
    """What a refused connection raises: Twisted's error, which Scrapy 2.19 wraps in its own."""
    import scrapy.exceptions
    from twisted.internet.error import ConnectionRefusedError

    wrapped = getattr(scrapy.exceptions, "DownloadConnectionRefusedError", None)
    return (ConnectionRefusedError, wrapped) if wrapped else (ConnectionRefusedError,)


class _GivenUpHosts:
    """Hosts given up for the rest of the crawl: every other request to one fails at once,
    as a failed fetch tried again at the next run, instead of waiting out its own retries.
    A subclass says which failure gives a host up (`gives_up`) and why (`reason`)."""

    def __init__(self, crawler):
        self.max_retries = crawler.settings.getint("RETRY_TIMES")
        self.given_up: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @staticmethod
    def host(url: str) -> str | None:
        return urlsplit(url).netloc

    def process_request(self, request, spider=None):
        from scrapy.exceptions import IgnoreRequest

        host = self.host(request.url)
        if host in self.given_up:
            raise IgnoreRequest(self.reason(host))

    def process_exception(self, request, exception, spider=None):
        # Called before the retry middleware's.
        if self.gives_up(request, exception):
            self.given_up.add(self.host(request.url))


class RefusingHostMiddleware(_GivenUpHosts):
    """A host that refuses connections is down: once one request to it has been refused on
    every retry, it is given up (a dead host cost a minute and a half for sixty pages)."""

    def gives_up(self, request, exception) -> bool:
        # On the last try: a refusal may be a restart.
        return isinstance(exception, _refused()) and \
            request.meta.get("retry_times", 0) >= self.max_retries

    def reason(self, host: str) -> str:
        return f"{host} refuses connections"


def _unresolved() -> tuple[type, ...]:
    """What a name that does not resolve raises: Twisted's error, which Scrapy 2.19 wraps."""
    import scrapy.exceptions
    from twisted.internet.error import DNSLookupError

    wrapped = getattr(scrapy.exceptions, "CannotResolveHostError", None)
    return (DNSLookupError, wrapped) if wrapped else (DNSLookupError,)


class UnresolvedHostMiddleware(_GivenUpHosts):
    """A host whose name does not resolve (offline, a typo, a retired name) is given up at its
    first failure, and that request is not retried (a DNS answer does not change in seconds).
    Offline, a crawl of the real sources took 48 s to fail and `archive` 89 s, each lookup
    retried with backoff."""

    @staticmethod
    def host(url: str) -> str | None:
        return urlsplit(url).hostname

    def gives_up(self, request, exception) -> bool:
        if not isinstance(exception, _unresolved()):
            return False
        request.meta["dont_retry"] = True  # the retry middleware leaves it alone
        return True

    def reason(self, host: str) -> str:
        return f"DNS lookup failed: {host} does not resolve"
