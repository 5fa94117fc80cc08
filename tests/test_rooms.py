"""Every briefing room of ../shared/briefing-rooms.md, end to end, in one world.

One local server serves every room's copy (tests/sites/rooms.py); one config holds every room;
the real CLI crawls it four times: the backfill, a quiet night, a night with an edit and a
deletion in every room, and the night after (a soft 404 is confirmed on its second run).
What each crawl stored is read from the database after it; then every check below runs on
that story, room by room, and every failing check is reported (one test, so that the world is
crawled once whatever the workers: pytest 9 ignores xdist's groups).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

import pytest
from briefwatch.jobs.rooms import ROOMS as LISTED
from briefwatch.storage.text.kinds import kind_of
from briefwatch.storage.text.turns import unpack_turns

from tests.helpers import Result, read_cli, run_cli, write_config
from tests.sites.rooms import SYSTEM_PAGE, World, WorldSite, write_world

# Every room `init --list` shows has its copy in the world (tests/sites/rooms.py).
SPIDERS = {room.name: room.spider for room in LISTED}


@dataclass
class Night:
    world: World
    summary: dict
    result: Result
    requests: list[str]
    stored: dict[str, dict]  # url -> the document and its latest version


@dataclass
class Story:
    base: str
    nights: list[Night]
    changes: list[dict]
    changes_text: str
    sources: dict[str, dict]

    def url(self, path: str) -> str:
        return self.base + path


def _stored(db) -> dict[str, dict]:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    rows = con.execute(
        "SELECT d.url, d.source, d.status, d.versions, v.title, v.published, v.text, v.turns "
        "FROM documents d JOIN versions v ON v.document = d.id AND v.n = d.versions").fetchall()
    con.close()
    return {r["url"]: {**dict(r), "turns": unpack_turns(r["turns"])} for r in rows}


def tell(tmp) -> Story:
    root = tmp / "site"
    root.mkdir()
    with WorldSite(root) as site:
        world = write_world(root, site.base_url, 0)
        config = write_config(tmp / "c.toml", [
            {"name": name, "spider": spider,
             "start_urls": [site.url(p) for p in world.rooms[name].start]}
            for name, spider in SPIDERS.items()])
        nights = []
        for step, args in ((0, ()), (1, ()), (2, ("--revisit", "all")),
                           (3, ("--revisit", "all"))):
            world = write_world(root, site.base_url, step)
            since = len(site.requests)
            result = run_cli("crawl", "--json", *args, config=config)
            assert result.code == 0, (step, result.out, result.err)
            nights.append(Night(world, json.loads(result.out), result, site.requests[since:],
                                _stored(tmp / "briefwatch.db")))
        changes = read_cli("changes", "--json", config=config).jsonl()
        text = run_cli("changes", config=config).out
        sources = {r["source"]: r for r in read_cli("sources", "--json", config=config).jsonl()}
        return Story(site.base_url, nights, changes, text, sources)


ROOMS = [name for name in SPIDERS if name != "state-live"]


def the_backfill_stores_every_transcript_whole(story, room):
    night = story.nights[0]
    items = night.world.rooms[room].items
    mine = {u: r for u, r in night.stored.items() if r["source"] == room}
    assert sorted(mine) == sorted(story.url(i.path) for i in items)
    for item in items:
        row = mine[story.url(item.path)]
        assert row["title"] == item.title, item.path
        assert row["published"] == item.date.isoformat(), item.path
        assert row["text"].split("\n") == list(item.paragraphs), item.path
        assert kind_of(row["title"], row["url"]) == item.kind, item.path
        if item.turns:
            spoken = [(t["role"], t["speaker"]) for t in row["turns"] if t["speaker"]]
            assert spoken == list(item.turns), item.path


def the_live_state_department_is_reported_blocked(story):
    night = story.nights[0]
    assert night.summary["blocked"] == ["state-live"]
    assert "source state-live: blocked" in night.result.err
    live = [r for r in night.requests if r.startswith("/state-live/")]
    assert live == ["/state-live/department-press-briefings/"]  # asked once, not hammered


def what_a_room_never_asks_for(story):
    asked = {r for night in story.nights for r in night.requests}
    for name, room in story.nights[0].world.rooms.items():
        for path in room.never:
            assert path not in asked, (name, path)
    assert not [r for r in asked if "PAGEN" in r]  # mid.ru's robots.txt forbids its pager
    assert "/robots.txt" in asked


def a_quiet_night_reads_one_listing_page_a_room(story):
    night = story.nights[1]
    counts = {k: night.summary[k] for k in ("new", "edited", "removed", "failed")}
    assert counts == {"new": 0, "edited": 0, "removed": 0, "failed": 0}
    pages = [r for r in night.requests if r != "/robots.txt"]
    # the first listing page of each room, MEA's and Taiwan's second (they have no page count)
    assert len(pages) <= len(SPIDERS) + 3, pages


def an_edit_in_every_room_is_one_edited_event(story):
    night = story.nights[2]
    edited = {story.url(r.edited) for r in night.world.rooms.values() if r.edited}
    events = {e["url"] for e in story.changes if e["kind"] == "edited"}
    assert events == edited and night.summary["edited"] == len(edited)
    for room in night.world.rooms.values():
        if room.edited:
            item = next(i for i in room.items if i.path == room.edited)
            row = night.stored[story.url(item.path)]
            assert row["versions"] == 2 and row["text"].split("\n") == list(item.paragraphs)


def deleted_transcripts_are_removed_the_ministrys_system_page_after_two_runs(story):
    deleted = {name: story.url(r.deleted) for name, r in story.nights[2].world.rooms.items()
               if r.deleted}
    mfa = deleted.pop("mfa-en")
    for url in deleted.values():  # a 404: at once
        assert story.nights[2].stored[url]["status"] == "removed", url
    assert story.nights[2].stored[mfa]["status"] == "active"
    assert any(r == SYSTEM_PAGE for r in story.nights[2].requests)
    assert story.nights[3].stored[mfa]["status"] == "removed"
    assert story.nights[3].stored[mfa]["versions"] == 1  # never a version
    (removal,) = [e for e in story.changes if e["kind"] == "removed" and e["url"] == mfa]
    assert "system" in removal["summary"]["reason"]
    assert {e["url"] for e in story.changes if e["kind"] == "removed"} == {mfa, *deleted.values()}


def remarks_pages_are_told_apart(story):
    room = story.nights[0].world.rooms["mfa-en"]
    new = {e["url"]: e for e in story.changes if e["kind"] == "new" and e["source"] == "mfa-en"}
    for item in room.items:
        assert new[story.url(item.path)]["transcript_kind"] == item.kind
    remarks = [i for i in room.items if i.kind == "remarks"]
    assert len(remarks) == 2
    for item in remarks:
        assert f"{item.title}  (remarks)" in story.changes_text
    kinds = {e["transcript_kind"] for e in story.changes if e["source"] == "mnd-zh"}
    assert kinds == {"briefing", "extract"}


def sources_says_how_far_back_a_listing_reaches(story, room):
    expected = story.nights[0].world.rooms[room]
    listing = story.sources[room]["listing"]
    assert (listing["pages"], listing["reaches_back_to"]) == (
        expected.pages, expected.oldest.isoformat())


def every_answer_names_who_gave_it(story, room):
    """Issue 22: the spokesperson on every exchange whose labels or title name one, in every
    room, under the canonical name where the names table knows it."""
    from briefwatch.storage.text.exchanges import build_exchanges
    from briefwatch.storage.text.names import load_names

    names = load_names()
    night = story.nights[0]
    checked = 0
    for row in (r for r in night.stored.values() if r["source"] == room and r["turns"]):
        asked = [e for e in build_exchanges(row["text"], row["turns"], names, row["title"])
                 if e["index"] and e["answer"]]
        checked += len(asked)
        for exchange in asked:
            assert exchange["spokesperson"], (row["url"], exchange["first_words"])
            assert exchange["spokesperson"] == names.spokesperson(exchange["spokesperson"])
    if any(item.turns for item in night.world.rooms[room].items):
        assert checked, f"{room}: no exchange answered"


CHECKS = [
    *[(the_backfill_stores_every_transcript_whole, room) for room in ROOMS],
    *[(every_answer_names_who_gave_it, room) for room in ROOMS],
    (the_live_state_department_is_reported_blocked,),
    (what_a_room_never_asks_for,),
    (a_quiet_night_reads_one_listing_page_a_room,),
    (an_edit_in_every_room_is_one_edited_event,),
    (deleted_transcripts_are_removed_the_ministrys_system_page_after_two_runs,),
    (remarks_pages_are_told_apart,),
    *[(sources_says_how_far_back_a_listing_reaches, room)
      for room in ("mfa-en", "mfa-zh", "mnd-zh", "mnd-en", "tao")],
]


def test_every_room_backfill_quiet_night_edit_and_deletion(tmp_path):
    story = tell(tmp_path)
    failed = []
    for check, *args in CHECKS:
        try:
            check(story, *args)
        except AssertionError as exc:
            failed.append(f"{check.__name__}{tuple(args) if args else ''}: {exc}")
    assert not failed, "\n\n".join(failed)


# --- The same pages as pure functions: no server, no crawl ---------------------------------------


def _page(root, path: str) -> str:
    from briefwatch.crawler.decode import decode_html

    file = root / path.lstrip("/")
    file = file / "index.html" if file.is_dir() else file
    return decode_html(file.read_bytes())[0]


def test_every_rooms_pages_extract_as_written(tmp_path):
    from briefwatch.crawler.extract import PAGE_SEPARATOR, Rejected, extract

    world = write_world(tmp_path, "http://127.0.0.1:9", 0)
    for name, room in world.rooms.items():
        for item in room.items:
            if name.startswith("mea"):
                pkid = item.path.split("dtl/")[1].split("/")[0]
                path = f"/FrontEnd/FetchPublicationDetailData?pkid={pkid}&languageId=1"
                html = _page(tmp_path, path)
            else:
                html = PAGE_SEPARATOR.join(_page(tmp_path, p) for p in item.files or (item.path,))
            got = extract(html, "http://127.0.0.1:9" + item.path,
                          listing_date=item.date.isoformat() if name.startswith("mofa") else "")
            assert not isinstance(got, Rejected), (name, item.path, got)
            assert (got.title, got.published, got.text.split("\n")) == (
                item.title, item.date, list(item.paragraphs)), (name, item.path)
            assert kind_of(got.title, item.path) == item.kind


def test_the_system_page_is_rejected_by_its_url_only(tmp_path):
    from briefwatch.crawler.extract import Rejected, Transcript, extract

    write_world(tmp_path, "http://127.0.0.1:9", 0)
    html = _page(tmp_path, SYSTEM_PAGE)
    # In the site's template, with text enough: only where it was served from gives it away.
    assert isinstance(extract(html, "https://www.mfa.gov.cn/web/wjdt_674879/t1.shtml"),
                      Transcript)
    for url in ("https://www.mfa.gov.cn" + SYSTEM_PAGE,
                "https://www.fmprc.gov.cn/eng/index_17321.html"):
        rejected = extract(html, url)
        assert isinstance(rejected, Rejected) and "system" in rejected.reason


# --- init offers every room --------------------------------------------------------------------


def _uncommented_sources(text: str) -> str:
    """The config file with every commented [[sources]] block uncommented."""
    out, inside = [], False
    for line in text.splitlines():
        if line == "# [[sources]]":
            inside = True
        elif not line.startswith("# "):
            inside = False
        out.append(line[2:] if inside else line)
    return "\n".join(out) + "\n"


def test_init_writes_every_room_and_lists_them(tmp_path):
    from briefwatch.jobs.config import load_config
    from briefwatch.jobs.rooms import ROOMS

    path = tmp_path / "briefwatch.toml"
    assert run_cli("init", path).code == 0
    (tmp_path / "russian-trusted-ca.pem").write_text(
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    path.write_text(_uncommented_sources(path.read_text(encoding="utf-8")), encoding="utf-8")
    config = load_config(path)
    for room in ROOMS:
        source = config.source(room.name)
        assert (source.spider, source.start_urls) == (room.spider, room.start_urls)
    assert config.source("mid-ru").options["ca_bundle"] == str(tmp_path / "russian-trusted-ca.pem")
    # The dossier's floors, on the real hosts.
    assert {s.name: s.delay for s in config.sources if s.name in ("mnd-zh", "mid-en", "mfa-en")} \
        == {"mnd-zh": 6, "mid-en": 10, "mfa-en": 5}

    listed = run_cli("init", "--list")
    assert listed.code == 0 and not (tmp_path / "other.toml").exists()
    for room in ROOMS:
        assert f"{room.name:<11} {room.spider:<8} {room.languages:<3} {room.start_urls[0]}" \
            in listed.out
        assert room.cap in listed.out


def test_a_rooms_facts_have_one_home():
    """crawler/rooms.py holds every site family's and room's facts; the registry, the
    extractor's templates and init's file read them, and no other module repeats them."""
    import ast
    import re
    import tomllib

    from briefwatch.crawler import rooms as home
    from briefwatch.crawler.extract import TEMPLATES
    from briefwatch.jobs.rooms import default_config_text
    from briefwatch.spiders.registry import SPIDERS as REGISTRY

    from tests.helpers import REPO

    families = home.FAMILIES
    homed = [t for family in families.values() for t in family.templates]
    # The extractor tries the families' templates themselves, each once, and no other.
    assert len(TEMPLATES) == len(homed) and {id(t) for t in TEMPLATES} == {id(t) for t in homed}
    assert len({t.name for t in TEMPLATES}) == len(TEMPLATES)
    assert set(REGISTRY) - {"listing"} == set(families)
    for name, family in families.items():
        assert (REGISTRY[name].summary, REGISTRY[name].delay_floor) == (
            family.summary, family.delay_floor), name
    names = [room.name for room in home.ROOMS]
    assert len(set(names)) == len(names) and {r.spider for r in home.ROOMS} <= set(families)
    assert list(LISTED) == [room for room in home.ROOMS if room.listed]

    # init's file: every room's table with the home's spider and start URLs, and no start URL
    # that is not a room's; the floors it names are the families'.
    text = default_config_text()
    tables = {t["name"]: t for t in tomllib.loads(_uncommented_sources(text))["sources"]}
    for room in home.ROOMS:
        assert (tables[room.name]["spider"], tuple(tables[room.name]["start_urls"])) == (
            room.spider, room.start_urls)
    assert {u for t in tables.values() for u in t["start_urls"]} == {
        u for room in home.ROOMS for u in room.start_urls}
    waits = re.search(r"delay between requests \((.*?)\);", " ".join(
        line.lstrip("# ") for line in text.splitlines()))[1]
    named = {name: float(floor) for names, floor in re.findall(r"([\w -]+?) (\d+) s", waits)
             for name in names.strip(", ").split(" and ")}
    assert named == {name: f.delay_floor for name, f in families.items()
                     if f.delay_floor and any(r.spider == name for r in LISTED)}

    # No other module spells out a room's start URL, names a template or sets a floor.
    start_urls = {u for room in home.ROOMS for u in room.start_urls}
    for path in sorted(p for package in ("crawler", "spiders", "storage", "jobs")
                       for p in (REPO / package).rglob("*.py")):
        if path == REPO / "crawler" / "rooms.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"
            assert not (isinstance(node, ast.Constant) and node.value in start_urls), where
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Template":
                assert not (node.args and isinstance(node.args[0], ast.Constant)), where
            if isinstance(node, ast.keyword) and node.arg == "delay_floor":
                assert not isinstance(node.value, ast.Constant), where


@pytest.mark.parametrize("extra, problem", [
    ({"download_delay": -1}, "'download_delay' -1 must be 0 or more seconds"),
    ({"ca_bundle": "nowhere.pem"}, "is not a file: give the path of a PEM file"),
    ({"ca_bundle": "empty.pem"}, "holds no PEM certificate"),
])
def test_room_options_are_checked(tmp_path, extra, problem):
    from briefwatch.jobs.config import ConfigError, parse_config

    (tmp_path / "empty.pem").write_text("not a certificate\n")
    source = {"name": "mid-ru", "spider": "mid",
              "start_urls": ["https://mid.ru/ru/press_service/spokesman/briefings/"], **extra}
    with pytest.raises(ConfigError) as err:
        parse_config({"sources": [source]}, tmp_path / "briefwatch.toml")
    assert problem in str(err.value) and "source 'mid-ru'" in str(err.value)


def test_a_sources_delay_is_never_below_its_sites_floor_but_a_local_copy_has_none(tmp_path):
    from briefwatch.jobs.config import parse_config

    def delay(url: str, **extra) -> float:
        source = {"name": "m", "spider": "mnd", "start_urls": [url], **extra}
        return parse_config({"crawl": {"download_delay": 1}, "sources": [source]},
                            tmp_path / "c.toml").sources[0].delay

    assert delay("http://www.mod.gov.cn/gfbw/xwfyr/lxjzh_246940/") == 6
    assert delay("http://www.mod.gov.cn/gfbw/", download_delay=2) == 6
    assert delay("http://www.mod.gov.cn/gfbw/", download_delay=9) == 9
    assert delay("http://127.0.0.1:8000/gfbw/") == 1
    assert delay("http://localhost:8000/gfbw/", download_delay=3) == 3


def test_every_host_waits_the_longest_delay_asked_of_it():
    from briefwatch.crawler.settings import source_slots

    assert source_slots([
        {"start_urls": ["http://www.mod.gov.cn/a/", "http://eng.mod.gov.cn/b/"], "delay": 6},
        {"start_urls": ["http://www.mod.gov.cn/c/"], "delay": 8},
        {"start_urls": ["https://mid.ru/ru/"]},
    ]) == {"www.mod.gov.cn": {"delay": 8}, "eng.mod.gov.cn": {"delay": 6}}


# --- mid.ru's certificate ----------------------------------------------------------------------


def _ca(tmp_path, name: str):
    """A CA of our own (its key and certificate), written to NAME.pem."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} Root CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=9))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


def _server_certificate(tmp_path, ca) -> tuple:
    """127.0.0.1's certificate, signed by `ca`: (certificate file, key file)."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=9))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    (tmp_path / "server.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return tmp_path / "server.pem", tmp_path / "server.key"


class _TLSWorldSite(WorldSite):
    def __init__(self, root, certificate, key):
        super().__init__(root)
        self.certificate, self.key = certificate, key

    def start(self):
        import ssl

        super().start()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.certificate, self.key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.base_url = self.base_url.replace("http://", "https://")
        return self


def test_mid_certificates_are_verified_against_the_ca_bundle_and_never_silently_not(tmp_path):
    ca = _ca(tmp_path, "state-ca")
    _ca(tmp_path, "other-ca")
    root = tmp_path / "site"
    root.mkdir()
    with _TLSWorldSite(root, *_server_certificate(tmp_path, ca)) as site:
        world = write_world(root, site.base_url, 0)
        room = world.rooms["mid-ru"]
        start = [site.url(p) for p in room.start]

        def crawl(name: str, **extra) -> Result:
            config = write_config(tmp_path / f"{name}.toml", [
                {"name": "mid-ru", "spider": "mid", "start_urls": start, **extra}],
                db=f"{name}.db")
            return run_cli("crawl", "--json", config=config)

        trusted = crawl("trusted", ca_bundle="state-ca.pem")
        assert trusted.code == 0 and json.loads(trusted.out)["new"] == len(room.items)
        assert "certificate" not in trusted.err

        wrong = crawl("wrong", ca_bundle="other-ca.pem")
        assert json.loads(wrong.out)["new"] == 0
        assert ("source mid-ru: 127.0.0.1's certificate did not verify against ca_bundle "
                f"{tmp_path / 'other-ca.pem'}") in wrong.err

        unverified = crawl("unverified")
        assert unverified.code == 0 and json.loads(unverified.out)["new"] == len(room.items)
        assert ("source mid-ru: 127.0.0.1's certificate chains to a CA that common trust stores "
                "lack") in unverified.err and "ca_bundle" in unverified.err


def test_a_notification_says_what_is_not_a_regular_briefing():
    from briefwatch.jobs.render.digest import digest
    from briefwatch.storage.text.names import load_names

    def event(title: str, url: str) -> dict:
        return {"kind": "new", "title": title, "url": url, "source": "mfa-en", "run": 2,
                "summary": None}

    remarks = event("Spokesperson Mao Ning’s Remarks on August 5, 2026",
                    "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202608/t20260805_1.html")
    conference = event("Foreign Ministry Spokesperson Mao Ning’s Regular Press Conference on "
                       "August 15, 2026",
                       "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202608/t20260815_2.html")
    extract = event("国防部：就联合演训答记者问",
                    "http://www.mod.gov.cn/gfbw/xwfyr/lxjzh_246940/16412346.html")
    _, body = digest([remarks, conference, extract], set(), names=load_names())
    lines = body.splitlines()
    assert f"NEW: {remarks['title']} [mfa-en] (remarks, not a regular briefing)" in lines
    assert f"NEW: {conference['title']} [mfa-en]" in lines
    assert f"NEW: {extract['title']} [mfa-en] (extract, not a regular briefing)" in lines


@pytest.mark.parametrize("title, url, kind", [
    ("Foreign Ministry Spokesperson Lin Jian’s Regular Press Conference on July 3, 2026",
     "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202607/t20260703_1.html", "briefing"),
    ("Spokesperson Mao Ning’s Remarks on August 5, 2026",
     "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/202608/t20260805_2.html", "remarks"),
    ("2026年8月5日外交部发言人毛宁答记者问",
     "https://www.mfa.gov.cn/web/fyrbt_673021/jzhsl_673025/202608/t20260805_3.shtml", "remarks"),
    ("2026年7月3日外交部发言人林剑主持例行记者会",
     "https://www.mfa.gov.cn/web/fyrbt_673021/jzhsl_673025/202607/t20260703_4.shtml", "briefing"),
    ("2026年9月国防部例行记者会文字实录",
     "http://www.mod.gov.cn/gfbw/xwfyr/lxjzh_246940/16412345.html", "briefing"),
    ("国防部：美方应停止有关行为", "http://www.mod.gov.cn/gfbw/xwfyr/lxjzh_246940/16412346.html",
     "extract"),
    ("国防部新闻发言人就有关问题发表谈话",
     "http://www.mod.gov.cn/gfbw/xwfyr/fyrthhdjzw/16412347.html", "statement"),
    ("Regular Press Conference of the Ministry of National Defense on September 25",
     "http://eng.mod.gov.cn/2025xb/P/D_251802/16412350.html", "briefing"),
    ("国务院台办新闻发布会辑录（2026-09-02）",
     "https://www.gwytb.gov.cn/xwdt/xwfb/xwfbh/202609/t20260902_1.htm", "briefing"),
    ("国务院台办发言人就赖清德有关言论答记者问",
     "https://www.gwytb.gov.cn/xwdt/xwfb/wyly/202609/t20260903_2.htm", "statement"),
    ("Department Press Briefing – July 29, 2024",
     "https://2021-2025.state.gov/briefings/department-press-briefing-july-29-2024/", "briefing"),
    ("Comment by the Foreign Ministry Spokeswoman on the situation",
     "https://mid.ru/en/press_service/spokesman/comments/2045999/", "statement"),
    ("MOFA responds to the report", "https://en.mofa.gov.tw/News_Content.aspx?n=1329&s=1",
     "statement"),
    ("Transcript of Weekly Media Briefing by the Official Spokesperson (September 29, 2026)",
     "https://www.mea.gov.in/media-briefings?dtl/40100/x", "briefing"),
])
def test_what_kind_of_transcript(title, url, kind):
    assert kind_of(title, url) == kind
