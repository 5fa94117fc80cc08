"""Every family of source, end to end: mission mirrors, SCIO briefings, a configured archive.

Local copies from tests/sites/families.py (invented transcripts in the real templates), served on
127.0.0.1 and crawled through the real CLI.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from briefwatch.jobs.demo import LocalSite, invent_briefings, write_archive

from tests.helpers import crawl, read_cli, run_cli, stored, write_config
from tests.sites.families import ForbiddenSite, write_mission, write_scio, write_wordpress


def assert_whole(config: Path, site, local: LocalSite, articles) -> None:
    rows = stored(config)
    for article in articles:
        row = rows[local.url(article.path)]
        assert row["title"] == article.title
        assert row["published"] == article.date.isoformat()
        assert row["text"].split("\n") == list(article.paragraphs), article.path
        for furniture in ("Suggest to a Friend", "copyright", "Copyright", "关于我们",
                          "Related Articles", "No comments", "Follow China.org.cn"):
            assert furniture not in row["text"]


def mission_source(local: LocalSite, site) -> dict:
    return {"name": "consulate", "spider": "mission", "start_urls": [local.url(site.listing_path)]}


def page_requests(local: LocalSite, since: int = 0) -> list[str]:
    return [p for p in local.requests[since:] if not p.startswith(("/robots.txt", "/error.htm"))]


@pytest.mark.parametrize(
    ("layout", "encoding", "pager"),
    [
        pytest.param("table", "gb2312", "countPage", id="table-gb2312-countPage"),
        pytest.param("trs", "utf-8", "next", id="trs-next-links"),
        pytest.param("new", "utf-8", "numbers", id="new-numbered-links"),
        pytest.param("new", "gb2312", "countPage", id="new-gb2312-countPage"),
    ],
)
def test_mission_columns_are_captured_whole(tmp_path, layout, encoding, pager):
    root = tmp_path / "site"
    site = write_mission(root, layout, 45, per_page=10, seed=7, encoding=encoding, pager=pager)
    with LocalSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            mission_source(local, site)])
        summary = crawl(config)
        assert (summary["new"], summary["rejected"], summary["failed"]) == (45, 0, 0)
        assert_whole(config, site, local, site.articles)
        backfill = len(page_requests(local))

        # Newly published items on page 1 are flagged new exactly once, nothing else flagged.
        before = len(local.requests)
        newer = write_mission(root, layout, 48, per_page=10, seed=7, encoding=encoding,
                              pager=pager)
        summary = crawl(config)
        assert (summary["new"], summary["edited"]) == (3, 0)
        assert_whole(config, newer, local, newer.articles[:3])
        quiet_night = page_requests(local, before)
        assert len(quiet_night) < backfill / 4, quiet_night
        new_events = read_cli("changes", "--json", "--kind", "new", config=config).jsonl()
        assert len(new_events) == len({e["url"] for e in new_events}) == 48


def test_scio_briefings_over_several_pages_are_one_transcript(tmp_path):
    root = tmp_path / "site"
    site = write_scio(root, 6, per_page=4, seed=3, pages_per_briefing=3, notices=2)
    with LocalSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            {"name": "scio", "spider": "scio", "start_urls": [local.url(site.listing_path)]}])
        summary = crawl(config)
        assert (summary["new"], summary["rejected"], summary["failed"]) == (6, 0, 0)
        assert_whole(config, site, local, site.articles)
        assert len(stored(config)) == 6
        # announcements are listed but never fetched as transcripts
        assert not set(site.notices) & set(local.requests)
        article = site.articles[0]
        assert len(article.page_paths) == 3
        shown = json.loads(run_cli("show", local.url(article.path), "--json", config=config).out)
        assert shown["meta"]["chairperson"] == article.chairperson
        assert shown["meta"]["speakers"] == "; ".join(article.speakers)
        assert shown["meta"]["date"]

        # An edit on a later page of a briefing is an edit of the one transcript.
        write_scio(root, 6, per_page=4, seed=3, pages_per_briefing=3, notices=2, edits={1: 5})
        summary = crawl(config, "--revisit", "all")
        assert (summary["new"], summary["edited"]) == (0, 1)
        (edit,) = read_cli("changes", "--json", "--kind", "edited", config=config).jsonl()
        assert edit["url"] == local.url(site.articles[1].path)


def _redesign(root: Path, paths) -> None:
    """The site moves its transcripts into markup no template knows."""
    for path in paths:
        file = root / path.lstrip("/")
        html = file.read_text(encoding="utf-8")
        assert '<div id="container_txt">' in html
        file.write_text(html.replace('<div id="container_txt">', '<div class="story-copy">'),
                        encoding="utf-8")


def test_a_split_transcript_of_no_known_template_keeps_every_page(tmp_path):
    root = tmp_path / "site"
    site = write_scio(root, 3, per_page=4, seed=5, pages_per_briefing=3, notices=0)
    _redesign(root, [p for a in site.articles for p in a.page_paths])
    with LocalSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            {"name": "scio", "spider": "scio", "start_urls": [local.url(site.listing_path)]}])
        summary = crawl(config)
        assert (summary["new"], summary["rejected"], summary["failed"]) == (3, 0, 0)
        rows = stored(config)
        for article in site.articles:
            text = rows[local.url(article.path)]["text"]
            n = len(article.page_paths)
            cuts = [round(i * len(article.paragraphs) / n) for i in range(n + 1)]
            for k in range(n):  # the longest paragraph of every page, the last one's included
                longest = max(article.paragraphs[cuts[k]:cuts[k + 1]], key=len)
                assert longest in text, (article.path, k + 1)
            assert text.split("\n")[-1] == article.paragraphs[-1]

        # A later page that yields no text: the transcript is not stored cut short.
        fresh = next(a for a in write_scio(root, 4, per_page=4, seed=5, pages_per_briefing=3,
                                           notices=0).articles
                     if local.url(a.path) not in rows)
        _redesign(root, [p for a in site.articles for p in a.page_paths] + list(fresh.page_paths))
        (root / fresh.page_paths[1].lstrip("/")).write_text(
            "<html><head><title>China.org.cn</title></head><body></body></html>",
            encoding="utf-8")
        summary = crawl(config)
        assert (summary["new"], summary["rejected"]) == (0, 1)
        assert local.url(fresh.path) not in stored(config)
        # the rejected URL is named, with why, as failed fetches are (issue 27)
        [(name, stats)] = summary["sources"].items()
        [named] = stats["rejected_urls"]
        assert named.startswith(local.url(fresh.path) + " (") and named.endswith(")")


WORDPRESS = {
    "article_pattern": r"/briefings/[^/]+/$",
    "next_pattern": r"/department-press-briefings/page/\d+/$",
    "title_selector": "h1.featured-content__headline",
    "date_selector": "p.article-meta__publish-date",
    "date_format": "%B %d, %Y",
    "body_selector": "div.entry-content",
}


def test_an_archive_configured_through_listing(tmp_path):
    root = tmp_path / "site"
    site = write_wordpress(root, 23, per_page=10, seed=4)
    with LocalSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            {"name": "state", "spider": "listing", "start_urls": [local.url(site.listing_path)],
             **WORDPRESS}])
        summary = crawl(config)
        assert (summary["new"], summary["rejected"], summary["failed"]) == (23, 0, 0)
        assert_whole(config, site, local, site.articles)

        write_wordpress(root, 23, per_page=10, seed=4, edits={2: 9})
        summary = crawl(config, "--revisit", "all")
        assert (summary["new"], summary["edited"], summary["unchanged"]) == (0, 1, 22)


def test_a_full_revisit_of_unchanged_pages_is_answered_with_304s(tmp_path):
    root = tmp_path / "site"
    site = write_mission(root, "new", 30, per_page=10, seed=8)
    with LocalSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            mission_source(local, site)])
        crawl(config)
        summary = crawl(config, "--revisit", "all")
        stats = summary["sources"]["consulate"]
        assert summary["unchanged"] == 30 and summary["edited"] == 0
        assert stats["not_modified"] >= 0.8 * 30
        # the conditional GETs carried the stored validators
        assert stats["not_modified"] == 30


def test_a_site_that_blocks_us_is_reported_not_hammered(tmp_path):
    root = tmp_path / "site"
    site = write_wordpress(root, 5, seed=4)
    with ForbiddenSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            {"name": "state", "spider": "listing", "start_urls": [local.url(site.listing_path)],
             **WORDPRESS}])
        result = run_cli("crawl", "--json", config=config)
        summary = json.loads(result.out)
        assert summary["blocked"] == ["state"]
        assert "blocked: the site answered 403/429" in result.err
        assert len(local.requests) <= 3  # robots.txt and the listing, no retry loop


def test_copies_of_one_conference_are_related(tmp_path):
    briefings = invent_briefings("en", dt.date(2022, 3, 4), 6, seed=12)
    # the ministry re-publishes the first briefing under a new URL
    republished = dataclasses.replace(briefings[0], number=briefings[0].number + 999_999)
    root = tmp_path / "site"
    archive = write_archive(root, "en-2021", [republished, *briefings], per_page=10)
    with LocalSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            {"name": "mfa-en", "spider": "mfa", "start_urls": [local.url(archive.listing_path)]}])
        assert crawl(config)["new"] == 7
        first = local.url(archive.article_paths[briefings[0].number])
        second = local.url(archive.article_paths[republished.number])
        shown = json.loads(run_cli("show", first, "--json", config=config).out)
        assert [c["url"] for c in shown["copies"]] == [second]
        assert f"also at: {second}" in run_cli("show", first, config=config).out
        other = json.loads(run_cli("show", local.url(archive.article_paths[briefings[1].number]),
                                   "--json", config=config).out)
        assert other["copies"] == []


def test_sources_lists_each_source(tmp_path):
    root = tmp_path / "site"
    site = write_mission(root, "trs", 5, per_page=10, seed=2)
    with LocalSite(root) as local:
        config = write_config(tmp_path / "c.toml", [
            mission_source(local, site),
            {"name": "idle", "spider": "mfa", "start_urls": [local.url("/nothing/index.html")]}])
        crawl(config, "consulate")
        rows = read_cli("sources", "--json", config=config).jsonl()
        assert [(r["source"], r["spider"], r["transcripts"]) for r in rows] == [
            ("consulate", "mission", 5), ("idle", "mfa", 0)]
        assert rows[0]["last_run"]["status"] == "completed"
        assert rows[0]["newest"]["title"] == site.articles[0].title
        assert rows[1]["last_run"] is None and rows[1]["newest"] is None
