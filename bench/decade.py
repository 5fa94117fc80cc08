"""A decade of briefings in one database, for issue 17's figures (bench/DECADE.md).

    python bench/decade.py generate DIR [--transcripts 50000] [--versions 150000] [--seed 17]

writes DIR/briefwatch.db and DIR/briefwatch.toml: twelve sources over ten years, each
transcript with its versions, every version stored through storage.versions.record (events,
speaker turns, the search index, the raw page compressed) as a nightly crawl would, under a
simulated clock, then the English and Chinese series paired (storage.pairings). The pages are
rendered in the real templates (jobs.demosite), 15-60 KB for English (bench/corpus.py), so
that the raw evidence costs what it would. Seeded: the same arguments give the same database.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import corpus  # noqa: E402
from jobs import demosite  # noqa: E402

# name, template generation, host: three generations of the ministry in two languages, and
# missions mirroring the English remarks in the old and the 2021 templates.
SOURCES = (
    ("mfa-en", "en-2024", "www.fmprc.gov.cn"),
    ("mfa-zh", "zh-2024", "www.mfa.gov.cn"),
    ("mfa-en-2014", "en-2014", "www.fmprc.gov.cn"),
    ("mfa-zh-2014", "zh-2014", "www.fmprc.gov.cn"),
    ("mfa-en-2021", "en-2021", "www.fmprc.gov.cn"),
    ("us-embassy", "en-2014", "us.china-embassy.gov.cn"),
    ("uk-embassy", "en-2021", "gb.china-embassy.gov.cn"),
    ("vancouver", "en-2014", "vancouver.china-consulate.org"),
    ("sydney", "en-2021", "sydney.china-consulate.gov.cn"),
    ("houston", "en-2014", "houston.china-consulate.gov.cn"),
    ("osaka", "en-2021", "osaka.china-consulate.gov.cn"),
    ("scio-en", "en-2024", "english.scio.gov.cn"),
)
NEWEST = dt.date(2026, 11, 27)
# Versions per transcript: 1 to 6, three on average (a decade of revisits and imports).
VERSION_COUNTS = (1, 1, 2, 3, 3, 4, 5, 5)


class SimulatedClock:
    """storage.clock.now for the generator: the time of the night being stored."""

    def __init__(self):
        self.at = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> str:
        return self.at.isoformat(timespec="seconds")


def plan(transcripts: int, versions: int, seed: int) -> list[tuple]:
    """(night, source index, briefing day, number, versions) for every transcript, and the
    nights its edits arrive, in the order a decade of crawls would store them."""
    r = random.Random(f"decade:{seed}")
    per_source = transcripts // len(SOURCES)
    scale = versions / transcripts / (sum(VERSION_COUNTS) / len(VERSION_COUNTS))
    items = []
    for k in range(len(SOURCES)):
        days = _weekdays(per_source + (1 if k < transcripts % len(SOURCES) else 0))
        for day in days:
            count = max(1, round(r.choice(VERSION_COUNTS) * scale))
            first = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, k),
                                        tzinfo=dt.UTC)
            edits = sorted(r.sample(range(1, 60), count - 1))
            items.append((first, k, day, 0))
            items += [(first + dt.timedelta(days=e), k, day, j + 1)
                      for j, e in enumerate(edits)]
    items.sort()
    return items


def _weekdays(count: int) -> list[dt.date]:
    """`count` days back from NEWEST, spread over ten years (about 1.6 a weekday per source
    for 50,000 transcripts: more than one room publishes, and the missions add theirs)."""
    span = 3650
    return sorted({NEWEST - dt.timedelta(days=round(i * span / count)) for i in range(count)})


def briefing(k: int, day: dt.date, seed: int):
    name, generation, _ = SOURCES[k]
    lang = demosite.GENERATIONS[generation].lang
    if lang == "en":
        r = random.Random(f"decade-size:{seed}:{k}:{day}")
        b = corpus.long_briefing(day, corpus.page_target(r), seed + k,
                                 per_paragraph=corpus.PARAGRAPH_MARKUP_BYTES,
                                 fixed=corpus.PAGE_FURNITURE_BYTES)
    else:
        b = demosite._invent_one("zh", day, seed * 1000 + k)
    # One number per source and day, in the URL and the page.
    return dataclasses.replace(b, number=(k + 1) * 10_000_000 + (day - dt.date(2000, 1, 1)).days)


def edited(b, j: int, seed: int):
    """Edit j of a briefing: a few sentences reworded, or (every third edit) an exchange cut."""
    if j % 3 == 0 and len(demosite._question_indices(b)) > 1:
        return demosite.drop_exchange(b, j % len(demosite._question_indices(b)))
    if b.lang == "en":
        return corpus.reworded(b, 0.08, seed=seed * 100 + j)
    return demosite.reword(b, seed=seed * 100 + j)


def render(k: int, b) -> tuple[str, bytes]:
    """The transcript's URL and its page as served."""
    name, generation, host = SOURCES[k]
    gen = demosite.GENERATIONS[generation]
    html = demosite._article(gen, b, demosite._body(b, gen, False), b.number % 997, [b], [])
    return f"https://{host}{gen.folder}{gen.article_name(b)}", html.encode("utf-8")


def generate(folder: Path, transcripts: int, versions: int, seed: int) -> dict:
    import storage.runs
    import storage.versions
    from storage.db import open_db
    from storage.text.normalize import canonical_hash, conference_key, text_hash
    from storage.text.turns import split_turns

    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / "briefwatch.db"
    if db_path.exists():
        raise SystemExit(f"{db_path} exists: generate into an empty folder")
    (folder / "briefwatch.toml").write_text(_config(), encoding="utf-8")
    clock = SimulatedClock()
    storage.versions.now = storage.runs.now = clock  # the nights of the decade
    db = open_db(db_path)
    started = time.monotonic()
    current: dict[tuple[int, dt.date], object] = {}
    night, run = None, None
    db.conn.execute("BEGIN")
    for stored, (at, k, day, j) in enumerate(plan(transcripts, versions, seed), 1):
        if at.date() != night:
            # Edits come within 60 days of the first version: older briefings are done with.
            for key in [key for key in current if (at.date() - key[1]).days > 62]:
                del current[key]
            if run is not None:
                storage.runs.finish(db, run, "completed", {})
            night, clock.at = at.date(), at
            run = storage.runs.start(db, [s[0] for s in SOURCES], {"backfill": False,
                                                                   "revisit": "recent"})
        clock.at = at
        b = briefing(k, day, seed) if j == 0 else edited(current[(k, day)], j, seed)
        current[(k, day)] = b
        url, raw = render(k, b)
        text = corpus.text_of(b)
        page = storage.versions.Fetched(
            source=SOURCES[k][0], url=url, title=b.title, published=day.isoformat(),
            text=text, text_hash=text_hash(text), canonical_hash=canonical_hash(b.title, text),
            extractor="decade/1", raw_html=raw, turns=split_turns(text, b.title),
            conference=conference_key(day, b.title), status_line="HTTP/1.1 200 OK",
            headers=[["Content-Type", "text/html"], ["Server", "Apache"]])
        storage.versions.record(db, run, page)
        if stored % 1000 == 0:
            db.conn.execute("COMMIT")
            db.conn.execute("BEGIN")
            rate = stored / (time.monotonic() - started)
            print(f"{stored} versions stored ({rate:.0f}/s)", file=sys.stderr, flush=True)
    storage.runs.finish(db, run, "completed", {})
    db.conn.execute("COMMIT")
    stored_seconds = time.monotonic() - started
    from storage.pairings import update_pairings
    from storage.text.names import load_names

    update_pairings(db, [("mfa-en", "mfa-zh")], load_names(None), run)
    counts = {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("documents", "versions", "events", "runs", "pairings")}
    db.close()
    return {"seconds": round(time.monotonic() - started, 1),
            "storing_seconds": round(stored_seconds, 1), **counts}


def _config() -> str:
    lines = ['[storage]', 'path = "briefwatch.db"', ""]
    for name, generation, host in SOURCES:
        gen = demosite.GENERATIONS[generation]
        lines += ["[[sources]]", f'name = "{name}"', 'spider = "mfa"',
                  f'start_urls = ["https://{host}{gen.folder}"]']
        if name == "mfa-en":
            lines.append('pair = "mfa-zh"')
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/decade.py")
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write DIR/briefwatch.db and DIR/briefwatch.toml")
    gen.add_argument("folder", type=Path)
    gen.add_argument("--transcripts", type=int, default=50_000)
    gen.add_argument("--versions", type=int, default=150_000)
    gen.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    if args.command == "generate":
        print(generate(args.folder, args.transcripts, args.versions, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
