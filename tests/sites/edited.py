"""A local site crawled twice by the real CLI, with edits in between, for the diff and web tests.

English (2024 template): one transcript loses its second question and the answer to it; one
carries markup-like text (it must stay text everywhere) and is reworded. Chinese (2024
template): one transcript loses its first question.
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
    reword,
    write_archive,
)

from tests.helpers import run_cli, write_config

HOSTILE = ('The ministry keeps <script>alert("bw")</script> & <img src=x onerror=alert(1)> '
           'in its records.')


@dataclass
class Edited:
    config: Path
    urls: dict[str, str]  # "dropped", "hostile", "zh_dropped", "unchanged" -> URL
    dropped_question: str  # the English paragraph that only version 1 holds
    dropped_outlet: str
    dropped_answer: str
    zh_dropped_question: str
    zh_dropped_outlet: str


def _outlet(paragraph: str, lang: str) -> str:
    return paragraph.split(": ", 1)[0] if lang == "en" else paragraph.split("记者：", 1)[0]


def build(base: Path) -> Edited:
    root = base / "site"
    en = invent_briefings("en", dt.date(2024, 3, 8), 6, seed=11)
    zh = invent_briefings("zh", dt.date(2024, 3, 8), 4, seed=12)
    en[3] = replace(en[3], paragraphs=(HOSTILE, *en[3].paragraphs))
    en_archive = write_archive(root, "en-2024", en, per_page=10)
    zh_archive = write_archive(root, "zh-2024", zh, per_page=10)
    with LocalSite(root) as site:
        config = write_config(base / "briefwatch.toml", [
            {"name": "mfa-en", "spider": "mfa",
             "start_urls": [site.url(en_archive.listing_path)]},
            {"name": "mfa-zh", "spider": "mfa",
             "start_urls": [site.url(zh_archive.listing_path)]},
        ])
        _crawl(config)
        q_en = question_indices(en[1])[1]
        q_zh = question_indices(zh[1])[0]
        dropped_en, dropped_zh = drop_exchange(en[1], 1), drop_exchange(zh[1], 0)
        write_archive(root, "en-2024", [en[0], dropped_en, en[2], reword(en[3], seed=1), *en[4:]],
                      per_page=10)
        write_archive(root, "zh-2024", [zh[0], dropped_zh, *zh[2:]], per_page=10)
        summary = _crawl(config, "--revisit", "all")
        assert (summary["new"], summary["edited"]) == (0, 3), summary
        urls = {"dropped": site.url(en_archive.article_paths[en[1].number]),
                "hostile": site.url(en_archive.article_paths[en[3].number]),
                "zh_dropped": site.url(zh_archive.article_paths[zh[1].number]),
                "unchanged": site.url(en_archive.article_paths[en[0].number])}
    return Edited(config, urls, en[1].paragraphs[q_en], _outlet(en[1].paragraphs[q_en], "en"),
                  en[1].paragraphs[q_en + 1], zh[1].paragraphs[q_zh],
                  _outlet(zh[1].paragraphs[q_zh], "zh"))


def _crawl(config: Path, *args: str) -> dict:
    result = run_cli("crawl", "--json", *args, config=config)
    assert result.code == 0, (result.out, result.err)
    return json.loads(result.out)
