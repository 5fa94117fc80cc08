"""Scrapy settings: polite defaults for government sites, and `scrapy_settings`, the one
builder of a crawl's settings (the crawl process's, a cluster worker's, the coordinator's),
from these defaults and the values the config file's [crawl] table controls (carried in the
plan). Each use adds its own item pipelines; `scrapy crawl` reads jobs/scrapycrawl.py."""

from __future__ import annotations

from pathlib import Path

PROJECT_URL = "https://github.com/briefwatch/briefwatch"
DEFAULT_USER_AGENT = f"briefwatch/0.1 (+{PROJECT_URL})"

BOT_NAME = "briefwatch"
SPIDER_MODULES = ["briefwatch.spiders"]
NEWSPIDER_MODULE = "briefwatch.spiders"

USER_AGENT = DEFAULT_USER_AGENT
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "briefwatch.crawler.robots.HtmlTolerantRobotParser"

DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "briefwatch.crawler.throttle.FlooredAutoThrottle": 0,
}

RETRY_ENABLED = True
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "briefwatch.crawler.middlewares.PoliteRetryMiddleware": 550,
    # after the retries (its process_exception runs first), before everything else
    "briefwatch.crawler.middlewares.RefusingHostMiddleware": 560,
    # a name that does not resolve: given up at once, not retried
    "briefwatch.crawler.middlewares.UnresolvedHostMiddleware": 565,
}
RETRY_TIMES = 3
# Remembers the names that did not resolve, and asks once for a name many requests wait on.
DNS_RESOLVER = "briefwatch.crawler.resolver.OncePerName"
DOWNLOAD_TIMEOUT = 60
# A transcript page is tens of KB; anything near this size is not one.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

COOKIES_ENABLED = False
# Components switched off above or below: Scrapy imports every component it is given, even one
# that then says it is not configured (the remote control imports aiohttp, the cookies
# tldextract: 0.7 s of a crawl process's start); out of Scrapy's base lists, they are not.
UNUSED_COMPONENTS = {
    "EXTENSIONS_BASE": {"scrapy.extensions.remote_control.RemoteControl",
                        "scrapy.extensions.telnet.TelnetConsole"},
    "DOWNLOADER_MIDDLEWARES_BASE": {"scrapy.downloadermiddlewares.cookies.CookiesMiddleware"},
}
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 opens a control HTTP port by default; a crawler of ours listens on nothing.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"


def crawl_overrides(crawl: dict) -> dict:
    """Scrapy settings for the config file's [crawl] table (as the plan carries it)."""
    delay = crawl["download_delay"]
    return {
        "DOWNLOAD_DELAY": delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl["concurrency_per_domain"],
        "USER_AGENT": crawl["user_agent"],
        "DOWNLOAD_TIMEOUT": crawl["download_timeout"],
        # AutoThrottle only ever slows down from DOWNLOAD_DELAY; with no delay asked for
        # (a local copy) it would only add its start delay.
        "AUTOTHROTTLE_ENABLED": delay > 0,
        "AUTOTHROTTLE_START_DELAY": max(delay, 0.1),
        # (an archive import asks for more patience than a site: [archive] retries)
        **({"RETRY_TIMES": crawl["retries"]} if "retries" in crawl else {}),
    }


def scrapy_settings(crawl: dict | None = None, overrides: dict | None = None, *,
                    log_level: str = "WARNING", log_file: Path | None = None):
    """This module's settings, then the [crawl] table's, `overrides` and the log's, as if
    given on the command line."""
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule(__name__, priority="project")
    for name, unused in UNUSED_COMPONENTS.items():
        settings.set(name, {k: v for k, v in settings[name].items() if k not in unused},
                     priority="project")
    values = {**(crawl_overrides(crawl) if crawl else {}), **(overrides or {}),
              "LOG_LEVEL": log_level}
    settings.update(values, priority="cmdline")
    if log_file:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(log_file), priority="cmdline")
    return settings


def source_slots(sources: list[dict]) -> dict:
    """DOWNLOAD_SLOTS for a plan's sources: each host waits the longest delay any source on
    it asks (jobs.config.source_delay: the site's floor, the source's own or [crawl]'s)."""
    from urllib.parse import urlsplit

    slots: dict[str, dict] = {}
    for source in sources:
        delay = source.get("delay")
        if delay is None:
            continue
        for url in source["start_urls"]:
            host = urlsplit(url).hostname
            if host and delay > slots.get(host, {}).get("delay", -1):
                slots[host] = {"delay": delay}
    return slots


def tls_settings(sources: list[dict]) -> dict:
    """The hosts of sources with a `ca_bundle` have their certificates verified against it
    (crawler.tls); with none, Scrapy's own context factory is left alone."""
    from briefwatch.crawler.tls import bundles_of

    bundles = bundles_of(sources)
    if not bundles:
        return {}
    return {"BRIEFWATCH_CA_BUNDLES": bundles,
            "DOWNLOADER_CLIENTCONTEXTFACTORY": "briefwatch.crawler.tls.BundleContextFactory"}
