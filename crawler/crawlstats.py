"""What a crawl reports: of one source, from Scrapy's stats (the same for a local crawl
process and for a cluster worker, whose reports the coordinator adds up), and of the whole
crawl (CrawlResult)."""

from __future__ import annotations

from dataclasses import dataclass, field

STATUS_PREFIX = "downloader/response_status_count/"
ROBOTS_OK_PREFIX = "robotstxt/response_status_count/2"


def status_counts(stats: dict) -> dict[str, int]:
    """HTTP status -> answers, robots.txt included."""
    return {k[len(STATUS_PREFIX):]: v for k, v in stats.items() if k.startswith(STATUS_PREFIX)}


def robots_ok(stats: dict) -> int:
    return sum(v for k, v in stats.items() if k.startswith(ROBOTS_OK_PREFIX))


def blocked(status: dict[str, int], robots_served: int) -> bool:
    """Every answer was 403 or 429: the site turns us away, and hammering will not help.
    robots.txt may well be served to a crawler that is refused everything else."""
    refused = int(status.get("403", 0)) + int(status.get("429", 0))
    served = sum(int(v) for k, v in status.items() if k.startswith("2")) - robots_served
    return refused > 0 and served <= 0


def counters(stats: dict) -> dict:
    """The counts every report carries."""
    return {
        "requests": stats.get("downloader/request_count", 0),
        "responses": stats.get("downloader/response_count", 0),
        "errors": stats.get("downloader/exception_count", 0),
        "log_errors": stats.get("log_count/ERROR", 0) + stats.get("log_count/CRITICAL", 0),
    }


@dataclass
class CrawlResult:
    returncode: int
    sources: dict[str, dict] = field(default_factory=dict)  # source -> stats
    interrupted: bool = False

    @property
    def completed(self) -> bool:
        return (self.returncode == 0 and bool(self.sources) and not self.interrupted
                and all(s.get("finish_reason") == "finished" for s in self.sources.values()))
