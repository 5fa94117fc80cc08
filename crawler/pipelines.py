"""Item pipelines of the crawls that extract or store in the process that fetches: a cluster
worker extracts (ExtractPipeline) before handing pages back; `scrapy crawl NAME` stores
(StorePipeline). A local `briefwatch crawl` hands pages over instead (crawler.handover)."""

from __future__ import annotations

from briefwatch.crawler.items import FetchedPage
from briefwatch.crawler.prepare import prepare_fetched
from briefwatch.crawler.recorder import Recorder


class ExtractPipeline:
    """Prepares each page in the worker that fetched it, so that the coordinator, the one
    process that writes the database, only stores."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.template = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        self.template = configured_template(self.crawler.spider)

    def process_item(self, item: FetchedPage) -> FetchedPage:
        return prepare_fetched(item, self.template)


class StorePipeline:
    """`scrapy crawl NAME`: every page recorded into the database of BRIEFWATCH_DB, as a run of
    its own."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db = None
        self.recorder = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self) -> None:
        from briefwatch.storage import runs
        from briefwatch.storage.db import open_db

        context = self.crawler.spider.context
        self.db = open_db(self.crawler.settings["BRIEFWATCH_DB"])
        run = runs.start(self.db, [context.source], {"backfill": context.backfill})
        self.recorder = Recorder(
            self.db, run,
            count=self._count,
            templates={context.source: configured_template(self.crawler.spider)},
        )

    def _count(self, _source: str, key: str, named: str | None = None) -> None:
        from briefwatch.crawler.recorder import name_among

        stats = self.crawler.stats
        stats.inc_value(f"briefwatch/{key}")
        if named is not None:
            # Scrapy's stats hold values, not lists to append to: the list is set anew.
            urls = {f"{key}_urls": list(stats.get_value(f"briefwatch/{key}_urls") or [])}
            name_among(urls, key, named)
            stats.set_value(f"briefwatch/{key}_urls", urls[f"{key}_urls"])

    def close_spider(self) -> None:
        from briefwatch.storage import runs

        self.recorder.commit()
        context = self.crawler.spider.context
        stats = {k.split("/", 1)[1]: v for k, v in self.crawler.stats.get_stats().items()
                 if k.startswith("briefwatch/")}
        stats["first_crawl"] = context.first_crawl
        runs.finish(self.db, self.recorder.run, "completed", {context.source: stats})
        self.db.close()

    def process_item(self, item: FetchedPage) -> FetchedPage:
        self.recorder.record(item)
        return item


def configured_template(spider):
    """A source configured with its own selectors (the `listing` spider) brings a template."""
    hints = getattr(spider, "extract_template", None)
    return hints() if hints else None
