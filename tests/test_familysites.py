"""Tests of the generated mission, SCIO and WordPress sites themselves (tests/sites/families.py)."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from briefwatch.jobs.demo import LocalSite
from parsel import Selector

from tests.sites import families as fs

# The selectors the module docstring promises: listing items, title, date, body.
MISSION = {"table": ("#docMore a", "td.title", "td.time", "td.font14"),
           "trs": ("#docMore a", "#News_Body_Title", "#News_Body_Time", "#News_Body_Txt_A"),
           "new": ("div.news-list a", "div.title", "div.view-date", "div.trs_editor_view")}
LAYOUTS = sorted(fs.MISSIONS)


def _file(root: Path, path: str) -> Path:
    return root / (path + ("index.html" if path.endswith("/") else "")).lstrip("/")


def _sel(root: Path, path: str, encoding: str = "utf-8") -> Selector:
    return Selector(text=_file(root, path).read_bytes().decode(encoding))


def _text(node: Selector) -> str:
    return "".join(node.xpath(".//text()").getall()).strip()


def _paragraphs(sel: Selector, css: str) -> list[str]:
    return [t for p in sel.css(css).xpath(".//p") if (t := _text(p))]


def _links(sel: Selector, css: str, base: str) -> list[str]:
    return [urllib.parse.urljoin(base, h) for h in sel.css(css).xpath("@href").getall()]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# --- Missions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gb2312"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_mission_pages_have_the_documented_structure(tmp_path, layout, encoding):
    site = fs.write_mission(tmp_path, layout, 7, per_page=3, encoding=encoding)
    items, title_css, date_css, body_css = MISSION[layout]
    assert site.pages == 3 and len(site.listing_paths) == 3 and len(site.articles) == 7
    assert site.listing_path == "/eng/fyrth/index.htm"
    assert site.listing_paths[2] == "/eng/fyrth/index_2.htm"
    listed = []
    for path in site.listing_paths:
        sel = _sel(tmp_path, path, "gb18030" if encoding == "gb2312" else "utf-8")
        listed += _links(sel, items, path)
        rows = [_text(a.xpath("..")) for a in sel.css(items)]
        assert all(re.search(r"\(\d{4}-\d{2}-\d{2}\)$|\d{4}-\d{2}-\d{2}$", r) for r in rows)
    assert listed == [a.path for a in site.articles]
    pattern = r"/eng/fyrth/\d{6}/t\d{8}_\d+\.htm" if layout == "new" else r"/eng/fyrth/t\d{6}\.htm"
    dates = [a.date for a in site.articles]
    assert dates == sorted(dates, reverse=True)
    for a in site.articles:
        assert re.fullmatch(pattern, a.path)
        page = _file(tmp_path, a.path).read_bytes().decode("gb18030" if encoding == "gb2312"
                                                           else "utf-8")
        sel = Selector(text=page)
        assert f"charset={encoding}" in page
        assert _text(sel.css(title_css)[0]) == a.title
        assert a.title.endswith(f"{fs.ds.MONTHS[a.date.month - 1]} {a.date.day}, {a.date.year}")
        assert re.match(r"\d{4}[-/]\d{2}[-/]\d{2}", _text(sel.css(date_css)[0]))
        assert tuple(_paragraphs(sel, body_css)) == a.paragraphs
        assert "\u2014" in a.paragraphs[0] and "\u2019" in a.paragraphs[0]
        assert page.index("Suggest to a Friend") > page.index(a.paragraphs[-1][-30:])
        assert re.search(r"copyright (©|&#169;)", page, re.IGNORECASE)


def test_old_missions_use_q_and_a_newer_ones_name_the_speakers(tmp_path):
    old = fs.write_mission(tmp_path / "a", "table", 3).articles[0].paragraphs
    new = fs.write_mission(tmp_path / "b", "new", 3).articles[0].paragraphs
    assert any(p.startswith("Q: ") for p in old) and any(p.startswith("A: ") for p in old)
    assert not any(p.startswith(("Q: ", "A: ")) for p in new)
    assert any(p.startswith(o + ": ") for p in new for o in fs._OUTLETS)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gb2312_pages_are_gbk_bytes(tmp_path, layout):
    site = fs.write_mission(tmp_path, layout, 3, encoding="gb2312")
    for path in (site.listing_path, site.articles[0].path):
        data = _file(tmp_path, path).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        text = data.decode("gb18030")
        assert 'content="text/html; charset=gb2312"' in text
        assert "领事服务" in text  # Chinese in the menu
        assert "\u2014" not in data.decode("latin-1")  # a wrong decode is detectable
    assert "\u2014" in _file(tmp_path, site.articles[0].path).read_bytes().decode("gb18030")


def test_countpage_pager_is_a_script_only(tmp_path):
    site = fs.write_mission(tmp_path, "new", 9, per_page=2)
    assert site.pages == 5
    for k, path in enumerate(site.listing_paths):
        page = _file(tmp_path, path).read_text(encoding="utf-8")
        assert re.search(r"var countPage = 5\b", page) and f"var currentPage = {k}//" in page
        assert not Selector(text=page).xpath('//a[contains(@href, "index")]')


@pytest.mark.parametrize("layout, word", [("table", "下一页"), ("trs", "下一页"), ("new", "Next")])
def test_next_pager_links_page_after_page(tmp_path, layout, word):
    site = fs.write_mission(tmp_path, layout, 9, per_page=2, pager="next")
    path, seen = site.listing_path, []
    while path:
        seen.append(path)
        nxt = _sel(tmp_path, path).xpath(f'//a[text()="{word}"]/@href').getall()
        path = urllib.parse.urljoin(path, nxt[0]) if nxt else None
    assert seen == list(site.listing_paths)
    assert "<script" not in _file(tmp_path, site.listing_path).read_text(encoding="utf-8")


def test_numbers_pager_links_every_other_page(tmp_path):
    site = fs.write_mission(tmp_path, "trs", 9, per_page=2, pager="numbers")
    for k, path in enumerate(site.listing_paths):
        sel = _sel(tmp_path, path)
        others = _links(sel, "#pages a", path)
        assert others == [p for i, p in enumerate(site.listing_paths) if i != k]
        assert sel.css("#pages span::text").get() == str(k + 1)


def test_mission_options_are_checked(tmp_path):
    for kwargs in ({"layout": "frames"}, {"encoding": "big5"}, {"pager": "infinite"}):
        with pytest.raises(ValueError):
            fs.write_mission(tmp_path, **{"layout": "new", "count": 2, **kwargs})


# --- SCIO --------------------------------------------------------------------------------------


def test_scio_listing_and_notices(tmp_path):
    site = fs.write_scio(tmp_path, 5, per_page=3, notices=2)
    assert site.listing_paths == ("/china/node_7240064.htm", "/china/node_7240064_2.htm",
                                  "/china/node_7240064_3.htm") and site.pages == 3
    listed, titles = [], []
    for k, path in enumerate(site.listing_paths):
        sel = _sel(tmp_path, path)
        listed += _links(sel, "div.columns1 ul li a", path)
        titles += sel.css("div.columns1 ul li a::text").getall()
        pager = _links(sel, "#autopage a", path)
        assert set(pager) == set(site.listing_paths) - {path}
        assert ("&gt;" in sel.css("#autopage").get()) == (k < 2)
    assert len(site.notices) == 2 and not set(site.notices) & {a.path for a in site.articles}
    assert set(listed) == {a.path for a in site.articles} | set(site.notices)
    assert [p for p in listed if p not in site.notices] == [a.path for a in site.articles]
    assert sum(t.startswith("Notice of SCIO press conference on ") for t in titles) == 2
    for path in site.notices:
        sel = _sel(tmp_path, path)
        assert "Speaker" not in sel.css("#container_txt").get() and not sel.css("#autopage")
        assert re.fullmatch(r"/china/\d{4}-\d{2}/\d{2}/content_\d{8}\.htm", path)


def test_scio_briefings_span_pages_linked_by_the_pager(tmp_path):
    site = fs.write_scio(tmp_path, 3, pages_per_briefing=3)
    for a in site.articles:
        base = a.path.removesuffix(".htm")
        assert a.page_paths == (a.path, base + "_2.htm", base + "_3.htm")
        assert re.fullmatch(r"/china/\d{4}-\d{2}/\d{2}/content_\d{8}", base)
        body = []
        for k, path in enumerate(a.page_paths):
            sel = _sel(tmp_path, path)
            page = _file(tmp_path, path).read_text(encoding="utf-8")
            assert sel.css("h1#title::text").get() == a.title
            assert re.fullmatch(r"0 Comment\(s\)Print E-mail China\.org\.cn, \w+ \d+, \d{4}",
                                _text(sel.css("dl#guild dd")[0]))
            assert _text(sel.css("#fontzoom")[0]) == "Adjust font size:"
            assert set(_links(sel, "#autopage a", path)) == set(a.page_paths) - {path}
            assert sel.css("#autopage span::text").get() == str(k + 1)
            assert ("Follow China.org.cn on <a" in page) == (k == 2)
            assert ("Racist, abusive and off-topic" in page) == (k == 2)
            body += _paragraphs(sel, "#container_txt")
        speakers = "Speakers:" if len(a.speakers) > 1 else "Speaker:"
        assert body[:3] == [speakers + "".join(a.speakers), "Chairperson:" + a.chairperson,
                            "Date:" + f"{fs._ABBR[a.date.month - 1]} {a.date.day}, {a.date.year}"]
        assert tuple(body[3:]) == a.paragraphs
        assert a.paragraphs[0].startswith("Chairperson ") and a.paragraphs[0].endswith(":")
    assert fs.write_scio(tmp_path, 1, pages_per_briefing=1).articles[0].page_paths == (
        site.articles[-1].path,)


# --- WordPress ---------------------------------------------------------------------------------


def test_wordpress_listing_pages_and_articles(tmp_path):
    site = fs.write_wordpress(tmp_path, 12, per_page=5)
    assert site.listing_paths == ("/department-press-briefings/",
                                  "/department-press-briefings/page/2/",
                                  "/department-press-briefings/page/3/")
    path, seen, listed = site.listing_path, [], []
    while path:
        seen.append(path)
        sel = _sel(tmp_path, path)
        listed += _links(sel, "li.collection-result a.collection-result__link", path)
        nxt = sel.css("a.next.page-numbers::attr(href)").get()
        path = urllib.parse.urljoin(path, nxt) if nxt else None
    assert seen == list(site.listing_paths) and listed == [a.path for a in site.articles]
    for a in site.articles:
        assert re.fullmatch(r"/briefings/department-press-briefing-[a-z]+-\d+-\d{4}/", a.path)
        sel = _sel(tmp_path, a.path)
        assert sel.css("h1::text").get() == a.title
        assert sel.css("p.article-meta__publish-date::text").get() == a.title.split("\u2013 ")[1]
        assert tuple(_paragraphs(sel, "div.entry-content")) == a.paragraphs
        strong = sel.css("div.entry-content p strong::text").getall()
        assert strong == [p.split(": ")[0] + ":" for p in a.paragraphs
                          if p.startswith(("QUESTION: ", "MR ", "MS "))]
        assert "QUESTION:" in strong and "Related Articles" in sel.css("aside h2::text").get()


def test_wordpress_forbidden_writes_nothing_and_the_server_answers_403(tmp_path):
    site = fs.write_wordpress(tmp_path, 5, forbidden=True)
    assert site.forbidden and not site.articles and not any(tmp_path.iterdir())
    fs.write_wordpress(tmp_path, 5)
    with fs.ForbiddenSite(tmp_path) as server:
        for path in ("/robots.txt", "/department-press-briefings/"):
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(server.url(path), timeout=5)
            assert err.value.code == 403
        assert server.requests == ["/robots.txt", "/department-press-briefings/"]
        server.forbidden = False
        with urllib.request.urlopen(server.url("/department-press-briefings/"), timeout=5) as r:
            assert r.status == 200


# --- All families: edits, publishing, pruning, serving ----------------------------------------

FAMILIES = {
    "table": lambda root, n, **kw: fs.write_mission(root, "table", n, 4, encoding="gb2312", **kw),
    "trs": lambda root, n, **kw: fs.write_mission(root, "trs", n, 4, pager="next", **kw),
    "new": lambda root, n, **kw: fs.write_mission(root, "new", n, 4, **kw),
    "scio": lambda root, n, **kw: fs.write_scio(root, n, 4, **kw),
    "wordpress": lambda root, n, **kw: fs.write_wordpress(root, n, 4, **kw),
}


def _article_files(root: Path, site: fs.Site) -> dict[str, bytes]:
    return {p: _file(root, p).read_bytes() for a in site.articles for p in (a.page_paths
                                                                            or (a.path,))}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_generators_are_deterministic(tmp_path, family):
    FAMILIES[family](tmp_path / "a", 6)
    FAMILIES[family](tmp_path / "b", 6)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_an_edit_changes_only_the_chosen_article(tmp_path, family):
    before = FAMILIES[family](tmp_path, 6)
    files = _article_files(tmp_path, before)
    after = FAMILIES[family](tmp_path, 6, edits={2: 7})
    assert [a.path for a in after.articles] == [a.path for a in before.articles]
    for k, (old, new) in enumerate(zip(before.articles, after.articles, strict=True)):
        assert (old.paragraphs != new.paragraphs) == (k == 2)
        assert old.title == new.title and old.date == new.date
        assert len(old.paragraphs) == len(new.paragraphs)
        changed = [files[p] != _file(tmp_path, p).read_bytes() for p in old.page_paths
                   or (old.path,)]
        assert any(changed) == (k == 2)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_publishing_adds_a_newer_article_and_keeps_the_others(tmp_path, family):
    before = FAMILIES[family](tmp_path, 5)
    files = _article_files(tmp_path, before)
    mtimes = {p: _file(tmp_path, p).stat().st_mtime_ns for p in files}
    after = FAMILIES[family](tmp_path, 6)
    assert after.articles[1:] == before.articles
    assert after.articles[0].date > before.articles[0].date
    assert _file(tmp_path, after.articles[0].path).is_file()
    for p, data in files.items():
        assert _file(tmp_path, p).read_bytes() == data
        assert _file(tmp_path, p).stat().st_mtime_ns == mtimes[p]


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_fewer_articles_prune_the_pages_gone(tmp_path, family):
    before = FAMILIES[family](tmp_path, 9)
    after = FAMILIES[family](tmp_path, 3)
    gone = set(before.listing_paths[after.pages:]) | {
        a.path for a in before.articles if a not in after.articles}
    assert gone and not any(_file(tmp_path, p).exists() for p in gone)
    assert all(_file(tmp_path, p).exists() for p in after.listing_paths)


def test_served_by_localsite_without_charset(tmp_path):
    # One server for every family (each in its own folder): stopping a server takes 0.5 s.
    paths = []
    for family, write in sorted(FAMILIES.items()):
        site = write(tmp_path / family, 5)
        paths += [f"/{family}{p}" for p in (*site.listing_paths, *(
            p for a in site.articles for p in a.page_paths or (a.path,)))]
    with LocalSite(tmp_path) as server:
        for path in paths:
            with urllib.request.urlopen(server.url(path), timeout=5) as r:
                assert r.status == 200 and r.headers["Content-Type"] == "text/html"
                assert r.read() == _file(tmp_path, path).read_bytes()
        assert server.requests == paths
