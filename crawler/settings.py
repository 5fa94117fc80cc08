"""Scrapy settings: polite defaults for government sites. `briefwatch crawl` overrides the
values that the config file's [crawl] table controls (crawler.run.settings_for)."""

from jobs.config import DEFAULT_USER_AGENT

BOT_NAME = "briefwatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = DEFAULT_USER_AGENT
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "crawler.robots.HtmlTolerantRobotParser"

DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

RETRY_ENABLED = True
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.PoliteRetryMiddleware": 550,
}
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60
# A transcript page is tens of KB; anything near this size is not one.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5

COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 opens a control HTTP port by default; a crawler of ours listens on nothing.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"

ITEM_PIPELINES = {
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.StorePipeline": 800,
}
