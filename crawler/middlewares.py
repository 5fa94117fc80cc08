"""Downloader middlewares: Scrapy's own, made polite to sites that say "slow down"."""

from __future__ import annotations

import email.utils
import time

from scrapy.downloadermiddlewares.retry import RetryMiddleware

# A Retry-After longer than this is not waited out within a run: the next run retries.
MAX_RETRY_AFTER_SECONDS = 120.0


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
    """Scrapy's retries; on a 429 or 503 with Retry-After, the whole site waits that long
    before its next request, rather than being asked again at once. A wait longer than
    MAX_RETRY_AFTER_SECONDS gives up for this run."""

    def process_response(self, request, response, spider=None):
        if response.status in self.retry_http_codes and not request.meta.get("dont_retry"):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None:
                if wait > MAX_RETRY_AFTER_SECONDS:
                    self.crawler.stats.inc_value("briefwatch/retry_after_too_long")
                    return response
                self._slow_down(request, wait)
        return super().process_response(request, response)

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
