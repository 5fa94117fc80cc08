"""A local site of a paired series (English and Chinese, 2024 template), crawled twice by the
real CLI, with a web archive's capture imported, for `briefwatch publish`:

* English and Chinese conferences of the same days, one mentioning Hong Kong (香港), one Taiwan
  (台湾);
* an edit that removes the English transcript's second question (the conference's two
  languages then differ: a divergent pair);
* an archive capture of an English transcript holding an announcement the live site never
  showed (an earlier version, origin archive).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, replace
from pathlib import Path

from briefwatch.jobs.demo import (
    LocalSite,
    drop_exchange,
    invent_briefings,
    question_indices,
    write_archive,
)

from tests.helpers import run_cli, write_config
from tests.sites.wayback import Wayback

HONG_KONG = ("The Hong Kong Special Administrative Region will host the regional trade forum "
             "next week.", "香港特别行政区将于下周主办地区贸易论坛。")
TAIWAN = ("The Taiwan question is purely an internal affair of China.", "台湾问题纯属中国内政。")
ARCHIVED = "The harbour lantern festival announced here was later withdrawn."


@dataclass
class Published:
    config: Path
    urls: dict[str, str]  # "dropped", "archived" -> English transcript URL
    dropped_question: str  # the English question an edit removed


def _with(b, paragraph: str):
    return replace(b, paragraphs=(paragraph, *b.paragraphs))


def build(base: Path) -> Published:
    root = base / "site"
    day = dt.date(2024, 3, 8)
    en = invent_briefings("en", day, 4, seed=31)
    zh = invent_briefings("zh", day, 4, seed=31)
    en[2], zh[2] = _with(en[2], HONG_KONG[0]), _with(zh[2], HONG_KONG[1])
    en[3], zh[3] = _with(en[3], TAIWAN[0]), _with(zh[3], TAIWAN[1])
    with LocalSite(root) as site, Wayback() as wayback:
        before = write_archive(root, "en-2024", [_with(en[0], ARCHIVED), *en[1:]], per_page=10)
        old_page = (root / before.article_paths[en[0].number].lstrip("/")).read_bytes()
        en_archive = write_archive(root, "en-2024", en, per_page=10)
        zh_archive = write_archive(root, "zh-2024", zh, per_page=10)
        urls = {"dropped": site.url(en_archive.article_paths[en[1].number]),
                "archived": site.url(en_archive.article_paths[en[0].number])}
        wayback.add(urls["archived"], "20240308120000", old_page)
        config = write_config(base / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa", "pair": "mfa-zh",
             "start_urls": [site.url(en_archive.listing_path)]},
            {"name": "mfa-zh", "spider": "mfa",
             "start_urls": [site.url(zh_archive.listing_path)]},
        ])
        config.write_text(config.read_text() + f'\n[archive]\ncdx_url = "{wayback.cdx_url}"\n'
                          f'replay_url = "{wayback.replay_url}"\ndownload_delay = 0\n')
        _run(config, "crawl", "--json")
        dropped = en[1].paragraphs[question_indices(en[1])[1]]
        write_archive(root, "en-2024", [en[0], drop_exchange(en[1], 1), *en[2:]], per_page=10)
        summary = _run(config, "crawl", "--json", "--revisit", "all")
        assert summary["edited"] == 1, summary
        imported = _run(config, "archive", "--url", urls["archived"], "--json")
        assert imported["earlier"] == 1, imported
    return Published(config, urls, dropped)


def _run(config: Path, *args: str) -> dict:
    result = run_cli(*args, config=config)
    assert result.code == 0, (result.out, result.err)
    return json.loads(result.out)
