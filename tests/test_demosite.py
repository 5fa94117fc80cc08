"""Tests of the local briefing site itself: the invented transcripts, the templates, the server."""

from __future__ import annotations

import datetime
import html
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from briefwatch.jobs import demo as ds
from parsel import Selector

NEWEST = datetime.date(2020, 7, 3)
ALL_GENERATIONS = sorted(ds.GENERATIONS)
# The selectors of sites.md, section 1.
ITEM_SELECTORS = {"en-2014": "div.newsLst_mod ul li a", "en-2021": "div.newsLst_mod ul li a",
                  "zh-2014": "div.rebox_news ul li a", "en-2024": "ul.list1 li a",
                  "zh-2024": "ul.list1 li a"}
ARTICLE_SELECTORS = {  # title, date, body
    "en-2014": ("div.content_mod h2.title", "#News_Body_Time", "div.content"),
    "zh-2014": ("#News_Body_Title", "#News_Body_Time", "#News_Body_Txt_A"),
    "en-2021": (".news_header_title", ".news_header_time .xltime",
                ".content_text > div.view_dedault .TRS_UEDITOR"),
    "en-2024": (".news_header_title", ".news_header_time .xltime",
                ".content_text > div.view_dedault .TRS_UEDITOR"),
    "zh-2024": ("div.news-title h1", "p.time span", "#News_Body_Txt_A > div.TRS_UEDITOR")}


def _briefings(lang: str = "en", count: int = 12, seed: int = 0,
               newest: datetime.date = NEWEST) -> list[ds.Briefing]:
    return ds.invent_briefings(lang, newest, count, seed)


def _questions(b: ds.Briefing) -> list[int]:
    colon = ": " if b.lang == "en" else "："
    speakers = {o[0] if b.lang == "en" else o[1] + "记者" for o in ds.OUTLETS}
    return [k for k, p in enumerate(b.paragraphs) if p.split(colon, 1)[0] in speakers]


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _page(root: Path, path: str) -> str:
    return (root / path.lstrip("/")).read_text(encoding="utf-8")


def _texts(body: str) -> list[str]:
    """What a reader sees of each non-empty paragraph, tags dropped without adding spaces."""
    out = []
    for p in re.findall(r"<p\b[^>]*>(.*?)</p>", body, flags=re.IGNORECASE | re.DOTALL):
        text = html.unescape(re.sub(r"<[^>]+>", "", p)).strip()
        if text:
            out.append(text)
    return out


def _normalize(text: str, lang: str) -> str:
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    # Python's \s covers the no-break and ideographic spaces too.
    return re.sub(r"\s+", "", text) if lang == "zh" else re.sub(r"\s+", " ", text).strip()


# --- Inventing and editing -------------------------------------------------------------------


def test_invent_is_deterministic_and_seeded():
    assert _briefings() == _briefings()
    assert _briefings(seed=1) != _briefings()
    assert _briefings("zh") == _briefings("zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_invented_briefings_have_the_shape_of_a_conference(lang):
    bs = _briefings(lang, count=40)
    assert len(bs) == 40
    assert [b.date for b in bs] == sorted((b.date for b in bs), reverse=True)
    assert all(b.date.weekday() < 5 for b in bs) and bs[0].date == NEWEST
    assert len({b.number for b in bs}) == 40
    assert len({b.paragraphs for b in bs}) == 40
    colon = ": " if lang == "en" else "："
    for b in bs:
        assert b.lang == lang
        assert 6 <= len(b.paragraphs) <= 16
        assert all(p and p == p.strip() for p in b.paragraphs)
        qs = _questions(b)
        assert 1 <= qs[0] <= 2 and 2 <= len(qs) <= 7
        for q, nxt in zip(qs, [*qs[1:], len(b.paragraphs)], strict=True):
            assert 2 <= nxt - q <= 3  # one question, then an answer of one or two paragraphs
            assert b.paragraphs[q + 1].startswith(b.spokesperson + colon)


def test_titles_follow_the_real_sites_conventions():
    old, new = _briefings(newest=datetime.date(2021, 9, 30), count=1)[0], _briefings(
        newest=datetime.date(2021, 10, 1), count=1)[0]
    assert old.title == (f"Foreign Ministry Spokesperson {old.spokesperson}'s Regular Press "
                         "Conference on September 30, 2021")
    assert new.title.endswith("\u2019s Regular Press Conference on October 1, 2021")
    zh = _briefings("zh", count=1)[0]
    assert zh.title == f"2020年7月3日外交部发言人{zh.spokesperson}主持例行记者会"


def test_english_text_has_apostrophes_quotes_and_hyphens():
    text = "\n".join(p for b in _briefings(count=10) for p in b.paragraphs)
    assert re.search(r"\w'\w", text) and re.search(r'"[^"]+"', text) and re.search(r"\w-\w", text)


def test_reword_changes_one_or_two_answer_paragraphs_only():
    for b in _briefings(count=30) + _briefings("zh", count=30):
        r = ds.reword(b)
        assert (r.number, r.date, r.title, r.lang) == (b.number, b.date, b.title, b.lang)
        assert len(r.paragraphs) == len(b.paragraphs)
        pairs = zip(b.paragraphs, r.paragraphs, strict=True)
        changed = [k for k, (x, y) in enumerate(pairs) if x != y]
        assert 1 <= len(changed) <= 2
        qs = _questions(b)
        assert all(k > qs[0] and k not in qs for k in changed)
        assert ds.reword(b) == r and ds.reword(b, seed=5).paragraphs != b.paragraphs


def test_reword_polishes_like_the_real_site():
    edits = [(x, y) for b in _briefings(count=40) for x, y in
             zip(b.paragraphs, ds.reword(b).paragraphs, strict=True) if x != y]
    assert any("Time will prove" in x and "History will prove" in y for x, y in edits)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("index", [0, 1, -1])
def test_drop_exchange_removes_one_question_and_its_answer(lang, index):
    for b in _briefings(lang, count=10):
        qs = _questions(b)
        start = qs[index]
        end = qs[index + 1] if index != -1 and index + 1 < len(qs) else len(b.paragraphs)
        d = ds.drop_exchange(b, index)
        assert d.paragraphs == b.paragraphs[:start] + b.paragraphs[end:]
        assert len(_questions(d)) == len(qs) - 1
        assert (d.number, d.title) == (b.number, b.title)


# --- Writing archives ------------------------------------------------------------------------


@pytest.mark.parametrize("generation", ALL_GENERATIONS)
def test_write_archive_is_deterministic(tmp_path, generation):
    bs = _briefings(ds.GENERATIONS[generation].lang, count=45)
    for root in (tmp_path / "a", tmp_path / "b"):
        ds.write_archive(root, generation, bs, visits=3, typography=True)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert "error.htm" in _tree(tmp_path / "a")


@pytest.mark.parametrize(("generation", "last_page", "script"), [
    ("en-2014", "default_12.shtml", "var countPage = 13"),
    ("zh-2014", "default_12.shtml", "var countPage = 13"),
    ("en-2021", "index_12.html", "var countPage = 13"),
    ("en-2024", "index_12.html", 'createPageHTML(13, 12, "index", "html")'),
    ("zh-2024", "index_12.shtml", "var countPage = 13"),
])
def test_500_briefings_make_13_listing_pages(tmp_path, generation, last_page, script):
    gen = ds.GENERATIONS[generation]
    bs = _briefings(gen.lang, count=500)
    archive = ds.write_archive(tmp_path, generation, bs, per_page=40)
    assert archive.pages == 13 and len(archive.article_paths) == 500
    folder = tmp_path / gen.folder.strip("/")
    assert archive.listing_path == gen.folder + gen.page_name(0)
    first, last = _page(tmp_path, archive.listing_path), (folder / last_page).read_text()
    assert script in last and not (folder / last_page.replace("12", "13")).exists()
    if gen.trs_pager:
        assert 'createPageHTML(13, 0, "index", "html")' in first and "var countPage" not in first
    else:
        assert "var countPage = 13" in first and "var currentPage = 0;" in first
        assert "var currentPage = 12;" in last
        assert f'"{gen.stem}"+"_" + i + "."+"{gen.ext}' in first
    links = Selector(first).css(ITEM_SELECTORS[generation] + "::attr(href)").getall()
    assert links == ["./" + gen.article_name(b) for b in bs[:40]]
    assert all(html.escape(b.title, quote=False) in first for b in bs[:40])
    assert all((tmp_path / p.lstrip("/")).is_file() for p in archive.article_paths.values())


@pytest.mark.parametrize("generation", ALL_GENERATIONS)
@pytest.mark.parametrize("typography", [False, True])
def test_article_body_reads_as_the_transcript(tmp_path, generation, typography):
    gen = ds.GENERATIONS[generation]
    bs = _briefings(gen.lang, count=8)
    archive = ds.write_archive(tmp_path, generation, bs, typography=typography)
    for b in bs:
        page = _page(tmp_path, archive.article_paths[b.number])
        assert '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">' in page
        texts = _texts(ds.article_body(page, generation))
        if typography:
            texts = [_normalize(t, b.lang) for t in texts]
            assert texts == [_normalize(p, b.lang) for p in b.paragraphs]
        else:
            assert texts == list(b.paragraphs)


@pytest.mark.parametrize("generation", ALL_GENERATIONS)
def test_sites_md_selectors_find_title_date_and_body(tmp_path, generation):
    gen = ds.GENERATIONS[generation]
    b = _briefings(gen.lang, count=1)[0]
    archive = ds.write_archive(tmp_path, generation, [b])
    page = Selector(_page(tmp_path, archive.article_paths[b.number]))
    title, date, body = ARTICLE_SELECTORS[generation]
    assert page.css(title + "::text").getall() == [b.title]
    dates = page.css(date + "::text").getall()
    if generation == "en-2014":
        assert dates == []  # the element exists but is empty, as on the real site
    else:
        assert dates[0].startswith(str(b.date))
    paragraphs = ["".join(p.css("::text").getall()).strip() for p in page.css(body).css("p")]
    assert [p for p in paragraphs if p] == list(b.paragraphs)
    head = page.css("title::text").get()
    if gen.style == "trs":
        assert page.css("meta[name=ArticleTitle]::attr(content)").get() == b.title
        assert page.css("meta[name=PubDate]::attr(content)").get() == dates[0]
        site = "_Ministry of Foreign Affairs of the People's Republic of China"
        assert head == b.title + (site if gen.lang == "en" else "_中华人民共和国外交部")
    else:
        assert head == b.title + ("" if gen.lang == "en" else " — 中华人民共和国外交部")


@pytest.mark.parametrize("generation", ALL_GENERATIONS)
def test_typography_changes_markup_only(tmp_path, generation):
    bs = _briefings(ds.GENERATIONS[generation].lang, count=8)
    plain = ds.write_archive(tmp_path / "plain", generation, bs)
    fancy = ds.write_archive(tmp_path / "fancy", generation, bs, typography=True)
    changed = [b for b in bs if ds.article_body(_page(tmp_path / "plain", plain.article_paths[
        b.number]), generation) != ds.article_body(_page(tmp_path / "fancy", fancy.article_paths[
            b.number]), generation)]
    assert len(changed) >= 6


@pytest.mark.parametrize("generation", ALL_GENERATIONS)
def test_furniture_changes_leave_the_body_bytes_alone(tmp_path, generation):
    gen = ds.GENERATIONS[generation]
    bs = _briefings(gen.lang, count=10)
    archive = ds.write_archive(tmp_path, generation, bs, visits=1234)
    before = {n: _page(tmp_path, p) for n, p in archive.article_paths.items()}
    counter = "Visits: {}" if gen.lang == "en" else "访问量：{}"
    assert all(counter.format(1234) in page for page in before.values())
    assert counter.format(1234) in _page(tmp_path, archive.listing_path)
    # A newer briefing appears and the counter moves on.
    more = _briefings(gen.lang, count=11, newest=NEWEST + datetime.timedelta(days=3))
    assert more[1:] == bs
    ds.write_archive(tmp_path, generation, more, visits=1235)
    for n, old in before.items():
        new = _page(tmp_path, archive.article_paths[n])
        assert new != old and counter.format(1235) in new
        assert more[0].title in new  # the sidebar's latest items
        assert ds.article_body(new, generation) == ds.article_body(old, generation)


def test_body_container_excludes_all_furniture(tmp_path):
    for generation in ALL_GENERATIONS:
        gen = ds.GENERATIONS[generation]
        bs = _briefings(gen.lang, count=3)
        archive = ds.write_archive(tmp_path, generation, bs, visits=99)
        body = ds.article_body(_page(tmp_path, archive.article_paths[bs[0].number]), generation)
        for furniture in ("99", "Suggest", "推荐", "版权", "Copyright", bs[1].title, "<div"):
            assert furniture not in body, (generation, furniture)


def test_prune_removes_articles_no_longer_listed(tmp_path):
    bs = _briefings(count=5)
    archive = ds.write_archive(tmp_path, "en-2014", bs, per_page=2)
    assert archive.pages == 3
    smaller = ds.write_archive(tmp_path, "en-2014", [bs[0], *bs[2:]], per_page=4)
    assert smaller.pages == 1
    assert not (tmp_path / archive.article_paths[bs[1].number].lstrip("/")).exists()
    folder = tmp_path / ds.GENERATIONS["en-2014"].folder.strip("/")
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["default.shtml", *(f"t{b.number}.shtml" for b in (bs[0], *bs[2:]))])


def test_error_page_is_the_soft_404(tmp_path):
    ds.write_error_page(tmp_path)
    page = (tmp_path / "error.htm").read_text(encoding="utf-8")
    assert "Sorry, the page you requested cannot be found." in page
    assert "对不起，我们没有找到您要的网页。" in page


# --- Serving ---------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


def _get(url: str, **headers: str):
    try:
        with _OPENER.open(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.fixture
def site(tmp_path):
    bs = _briefings(count=3)
    archive = ds.write_archive(tmp_path, "en-2014", bs)
    ds.write_archive(tmp_path, "en-2024", _briefings(count=3, newest=datetime.date(2024, 2, 7)))
    with ds.LocalSite(tmp_path) as s:
        s.archive, s.briefings = archive, bs
        yield s


def test_robots_txt_redirects_to_the_error_page(site):
    status, headers, _ = _get(site.url("/robots.txt"))
    assert status == 302 and headers["Location"] == site.url("/error.htm")
    status, headers, body = _get(headers["Location"])
    assert status == 200 and headers["Content-Type"] == "text/html"
    assert "Sorry, the page you requested cannot be found." in body.decode("utf-8")


def test_missing_page_is_a_soft_404(site):
    for path in ("/mfa_eng/t999.shtml", "/nowhere/", "/../etc/passwd"):
        status, headers, _ = _get(site.url(path))
        assert status == 302 and headers["Location"] == site.url("/error.htm"), path


def test_pages_are_served_without_charset(site):
    for path in (site.archive.listing_path, *site.archive.article_paths.values()):
        status, headers, body = _get(site.url(path))
        assert status == 200 and headers["Content-Type"] == "text/html"
        assert body == (site.root / path.lstrip("/")).read_bytes()


def test_folder_url_serves_its_index(site):
    status, _, body = _get(site.url("/eng/xw/fyrbt/lxjzh/"))
    assert status == 200 and body == (site.root / "eng/xw/fyrbt/lxjzh/index.html").read_bytes()
    status, headers, _ = _get(site.url("/eng/xw/fyrbt/lxjzh"))
    assert status == 301 and headers["Location"] == site.url("/eng/xw/fyrbt/lxjzh/")


def test_conditional_requests(site):
    url = site.url(site.archive.listing_path)
    status, headers, _ = _get(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and modified
    assert _get(url, **{"If-None-Match": etag})[0] == 304
    assert _get(url, **{"If-None-Match": '"other"'})[0] == 200
    assert _get(url, **{"If-Modified-Since": modified})[0] == 304
    # Rewriting with new furniture must invalidate both validators at once, without sleeping.
    ds.write_archive(site.root, "en-2014", site.briefings, visits=1)
    status, headers, body = _get(url, **{"If-None-Match": etag})
    assert status == 200 and b"Visits: 1" in body and headers["ETag"] != etag
    assert _get(url, **{"If-Modified-Since": modified})[0] == 200


def test_requests_are_recorded_in_order(site):
    paths = ["/robots.txt", site.archive.listing_path, "/missing.htm"]
    for path in paths:
        _get(site.url(path))
    assert site.requests == paths
