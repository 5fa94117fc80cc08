"""What the config file may say about each spider, importable without importing Scrapy.

Config validation and `briefwatch --help` run at start-up, where importing Scrapy would cost
a third of a second; the spider classes import this table rather than repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SpiderSpec:
    name: str
    summary: str
    # config key -> the Python type its value must have
    options: dict[str, type] = field(default_factory=dict)


SPIDERS: dict[str, SpiderSpec] = {
    "mfa": SpiderSpec(
        name="mfa",
        summary="China's Foreign Ministry press conferences (fmprc.gov.cn / mfa.gov.cn), "
        "English and Chinese, all three site generations",
        options={"max_pages": int},
    ),
}
