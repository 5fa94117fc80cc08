"""A Scrapy crawl with briefwatch's settings on a machine where no name resolves: the system's
lookup fails every time, as an offline machine's does, without asking any DNS server. Run as
`python -m tests.sites.noresolve HOST`; prints the failures, retries, lookups and time as
JSON."""

import json
import sys
import time

import scrapy
from briefwatch.crawler.resolver import OncePerName
from briefwatch.crawler.settings import scrapy_settings
from scrapy.crawler import CrawlerProcess
from twisted.internet import defer
from twisted.internet.error import DNSLookupError

PAGES = 12


class NoNames(OncePerName):
    """briefwatch's resolver on a machine with no network: every name the system is asked
    for fails to resolve, a moment later, as it would there; each time it is asked counts."""

    asked: list[str] = []

    def lookup(self, name, timeout=()):
        from twisted.internet import reactor

        self.asked.append(name)
        answer = defer.Deferred()
        reactor.callLater(0.05, answer.errback, DNSLookupError(name))
        return answer


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
    settings = scrapy_settings(None, {"DNS_RESOLVER": f"{__name__}.NoNames",
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
                      "retries": stats.get("retry/count", 0), "first": Fetch.failures[:1],
                      "lookups": len(NoNames.asked)}))


if __name__ == "__main__":
    main()
