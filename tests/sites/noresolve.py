"""A Scrapy crawl with briefwatch's settings on a machine where no name resolves: its resolver
fails every lookup, as an offline machine's does, without asking any DNS server. Run as
`python -m tests.sites.noresolve HOST`; prints the failures, retries and time as JSON."""

import json
import sys
import time

import scrapy
from briefwatch.crawler.settings import scrapy_settings
from scrapy.crawler import CrawlerProcess
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

PAGES = 12


@implementer(IResolverSimple)
class NoNames:
    """The resolver of a machine with no network: every name fails to resolve."""

    def __init__(self, reactor):
        self.reactor = reactor

    @classmethod
    def from_crawler(cls, crawler, reactor):
        return cls(reactor)

    def install_on_reactor(self):
        self.reactor.installResolver(self)

    def getHostByName(self, name, timeout=()):  # noqa: N802 - Twisted's interface
        return defer.fail(DNSLookupError(name))


class Fetch(scrapy.Spider):
    name = "fetch"
    failures: list[str] = []

    async def start(self):
        for i in range(PAGES):
            yield scrapy.Request(f"http://{sys.argv[1]}/{i}.html", errback=self.failed,
                                 dont_filter=True)

    def parse(self, response):
        pass

    def failed(self, failure):
        self.failures.append(failure.getErrorMessage())


def main() -> None:
    settings = scrapy_settings(None, {"DNS_RESOLVER": "tests.sites.noresolve.NoNames",
                                      "ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0,
                                      "AUTOTHROTTLE_ENABLED": False})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Fetch)
    started = time.monotonic()
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"failures": len(Fetch.failures), "seconds": time.monotonic() - started,
                      "exceptions": stats.get("downloader/exception_count", 0),
                      "retries": stats.get("retry/count", 0), "first": Fetch.failures[:1]}))


if __name__ == "__main__":
    main()
