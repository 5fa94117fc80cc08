"""A transcript the listing links from another folder of the same site (issue 22, class 4).

The ministry moved its columns and its listings link conferences in both: on mfa.gov.cn the
Chinese listing of 2020-09 to 2024-04 (`/web/wjdt_674879/fyrbt_674889/`) links the conference of
2021-10-19 where it lives, `/web/fyrbt_673021/jzhsl_673025/202110/…`. A local copy in the real
template, served on 127.0.0.1, crawled by the real CLI: the moved transcript is fetched and
stored like the others; an item of another column listed beside it (an article URL, but not a
conference) and a conference linked from the page's navigation, outside the listing, are not.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

from briefwatch.jobs import demo as ds

from tests.helpers import read_cli, run_cli, write_config

OLD_COLUMN = "/web/wjdt_674879/fyrbt_674889/"
NEW_COLUMN = "/web/fyrbt_673021/jzhsl_673025/"
OTHER_COLUMN = "/web/wjdt_674879/wjbxw_674885/202110/t20211019_10345.shtml"  # ministry news
NAVIGATION = NEW_COLUMN + "202110/t20211018_10344.shtml"


def test_a_transcript_the_listing_links_from_another_folder_of_the_site_is_crawled(tmp_path):
    root = tmp_path / "site"
    zh = ds.invent_briefings("zh", dt.date(2021, 10, 22), 4, seed=7)
    moved = zh[-1]
    assert moved.date == dt.date(2021, 10, 19)
    archive = ds.write_archive(root, "zh-2024", zh, per_page=10)
    # The listing and every transcript but one in the old column; 2021-10-19 where it lives.
    shutil.move(root / NEW_COLUMN.strip("/"), root / OLD_COLUMN.strip("/"))
    there = archive.article_paths[moved.number]
    (root / there.lstrip("/")).parent.mkdir(parents=True)
    shutil.move(root / there.replace(NEW_COLUMN, OLD_COLUMN).lstrip("/"), root / there.lstrip("/"))
    listing = root / OLD_COLUMN.strip("/") / "index.shtml"
    page = listing.read_text(encoding="utf-8")
    relative = "./" + there.removeprefix(NEW_COLUMN)
    assert page.count(f'href="{relative}"') == 2  # the listing, and the sidebar of latest news
    page = page.replace(f'<li><a href="{relative}"', f'<li><a href="{there}"', 1)
    # Beside it in the listing, an article of another column; in the sidebar (the page's
    # navigation, not the listing), a conference of another folder. Both pages exist.
    page = page.replace('<ul class="list1">\n', '<ul class="list1">\n<li><a href="'
                        f'{OTHER_COLUMN}">王毅同加纳外长通电话</a>'
                        '<span>2021-10-19</span></li>\n', 1)
    page = page.replace('<div class="rebox_class"><ul>\n', '<div class="rebox_class"><ul>\n'
                        f'<li><a href="{NAVIGATION}">2021年10月18日外交部发言人陈远主持例行记者会'
                        '</a></li>\n', 1)
    listing.write_text(page, encoding="utf-8")
    for path in (OTHER_COLUMN, NAVIGATION):
        (root / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / there.lstrip("/"), root / path.lstrip("/"))

    with ds.LocalSite(root) as site:
        config = write_config(tmp_path / "c.toml", [
            {"name": "mfa-zh", "spider": "mfa", "start_urls": [site.url(OLD_COLUMN)]}])
        crawl = run_cli("crawl", "--json", config=config)
        assert crawl.code == 0, crawl.err
        assert json.loads(crawl.out)["new"] == len(zh)
        stored = {d["url"]: d for d in read_cli("list", "--json", config=config).jsonl()}
        assert site.url(there) in stored
        assert stored[site.url(there)]["title"] == moved.title
        assert stored[site.url(there)]["published"] == "2021-10-19"
        shown = json.loads(run_cli("show", site.url(there), "--json", config=config).out)
        assert shown["text"].split("\n") == list(moved.paragraphs)
        assert set(stored) == {site.url(there), *(
            site.url(archive.article_paths[b.number].replace(NEW_COLUMN, OLD_COLUMN))
            for b in zh[:-1])}
        assert OTHER_COLUMN not in site.requests and NAVIGATION not in site.requests

        # a later crawl revisits it as any known transcript
        again = run_cli("crawl", "--json", "--revisit", "all", config=config)
        assert again.code == 0, again.err
        assert json.loads(again.out)["unchanged"] == len(zh)


def _listing(links: int) -> bytes:
    items = "".join(f'<li><a href="./t{9_000_000 + k}.shtml">Regular Press Conference</a> '
                    f"(2020-01-06)</li>" for k in range(links))
    return (f'<html><body><div class="newsLst_mod"><ul>{items}</ul></div></body></html>'
            .encode())


def test_a_listing_page_of_a_hundred_thousand_links_is_read_to_a_bound_and_said():
    """A page listing 100,000 transcripts took the crawl process to 583 MB, every link a
    request queued (issue 27): the spider reads MAX_LISTING_ITEMS and says it left the rest,
    and a listing page over MAX_LISTING_BYTES is not downloaded at all."""
    from briefwatch.crawler.context import CrawlContext
    from briefwatch.spiders.base import MAX_LISTING_BYTES, MAX_LISTING_ITEMS
    from briefwatch.spiders.mfa import MfaSpider
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    url = "http://127.0.0.1/mfa_eng/xwfw_665399/s2510_665401/2511_665403/default.shtml"
    crawler = get_crawler(MfaSpider)
    spider = MfaSpider.from_crawler(crawler, context=CrawlContext("mfa-en", (url,)))
    for links, read in ((50, 50), (MAX_LISTING_ITEMS, MAX_LISTING_ITEMS),
                        (100_000, MAX_LISTING_ITEMS)):
        crawler.stats.set_value("briefwatch/warnings", [])
        items = spider.listing_items(HtmlResponse(url, body=_listing(links), encoding="utf-8"))
        assert len(items) == read and items[0].url.endswith("/t9000000.shtml")
        assert items[0].date == "2020-01-06"
        warned = crawler.stats.get_value("briefwatch/warnings")
        assert warned == ([] if links <= MAX_LISTING_ITEMS else [
            f"listing page {url} links more than {MAX_LISTING_ITEMS:,} transcripts; only the "
            f"first {MAX_LISTING_ITEMS:,} were read (a listing page lists tens)"])
    (first,) = _started(spider)
    assert first.meta["download_maxsize"] == MAX_LISTING_BYTES


def _started(spider):
    import asyncio

    async def collect():
        return [request async for request in spider.start()]

    return asyncio.run(collect())
