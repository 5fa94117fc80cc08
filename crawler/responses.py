"""What a spider keeps of a Scrapy response as evidence, and how it counts a failed fetch:
shared by the site spiders (spiders/) and the archive import (crawler.archive)."""

from __future__ import annotations


def status_line(response) -> str:
    """The response's status line. Scrapy keeps the protocol but not the reason phrase: the
    standard one stands in for it."""
    from http import HTTPStatus

    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = ""
    return f"{response.protocol or 'HTTP/1.1'} {response.status} {phrase}".rstrip()


def header_pairs(response) -> list[list[str]]:
    """The response's headers in order, as served (after Scrapy decoded the body: a
    Content-Encoding it undid is gone)."""
    return [[name.decode("latin-1"), value.decode("latin-1")]
            for name, values in response.headers.items() for value in values]


def header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def count_failure(spider, kind: str, failure) -> None:
    """Counted and named (the first 20) in the run's stats; nothing is stored, so the next
    run retries."""
    stats = spider.crawler.stats
    stats.inc_value(f"briefwatch/{kind}")
    url = failure.request.url
    reason = failure.getErrorMessage() or failure.type.__name__
    spider.logger.warning("failed to fetch %s: %s", url, reason)
    failed = stats.get_value(f"briefwatch/{kind}_urls") or []
    if len(failed) < 20:
        stats.set_value(f"briefwatch/{kind}_urls", [*failed, f"{url} ({reason})"])
