"""The schema, as named, ordered, transactional migrations (sqlite-utils `Migrations`).

Never edit a migration that has shipped: add a new one. tests/test_storage.py pins the schema.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

migrations = Migrations("briefwatch")


@migrations()
def m001_initial(db) -> None:
    db.execute("""
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            finished TEXT,
            status TEXT NOT NULL,           -- running | completed | failed | interrupted
            pid INTEGER,
            sources TEXT NOT NULL,          -- JSON list of source names
            options TEXT NOT NULL,          -- JSON: backfill, revisit
            stats TEXT                      -- JSON: counts by outcome, per source
        )""")
    db.execute("""
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            url TEXT NOT NULL UNIQUE,
            title TEXT,
            published TEXT,                 -- conference date, YYYY-MM-DD
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,        -- last successful fetch
            status TEXT NOT NULL DEFAULT 'active',  -- active | removed
            versions INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("CREATE INDEX documents_source ON documents(source, published)")
    db.execute("""
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            document INTEGER NOT NULL REFERENCES documents(id),
            n INTEGER NOT NULL,             -- 1, 2, 3 … per document
            run INTEGER REFERENCES runs(id),
            fetched_at TEXT NOT NULL,
            title TEXT NOT NULL,
            published TEXT,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            canonical_hash TEXT NOT NULL,
            extractor TEXT NOT NULL,
            http_status INTEGER,
            etag TEXT,
            last_modified TEXT,
            raw_html BLOB,                  -- zlib-compressed bytes as served
            UNIQUE (document, n)
        )""")
    db.execute("""
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            run INTEGER REFERENCES runs(id),
            document INTEGER NOT NULL REFERENCES documents(id),
            version INTEGER REFERENCES versions(id),
            kind TEXT NOT NULL,             -- new | edited | removed | restored | divergent
            detected_at TEXT NOT NULL,
            summary TEXT,                   -- JSON change summary, for edits
            notified_at TEXT
        )""")
    db.execute("CREATE INDEX events_detected ON events(detected_at)")
    # Trigram: Chinese has no spaces between words, and users search for passages, not tokens.
    db["versions"].enable_fts(
        ["title", "text"], fts_version="FTS5", create_triggers=True, tokenize="trigram"
    )


@migrations()
def m002_version_turns(db) -> None:
    # JSON list of the version's speaker turns (storage.text.turns). NULL for versions stored before
    # this column: readers compute them from the text.
    db.execute("ALTER TABLE versions ADD COLUMN turns TEXT")


@migrations()
def m003_notifications(db) -> None:
    # A channel is known by a hash of its apprise URL: the URL's secrets stay in the config.
    db.execute("""
        CREATE TABLE channels (
            key TEXT PRIMARY KEY,
            label TEXT NOT NULL,            -- the URL with its secrets masked
            since_event INTEGER NOT NULL,   -- events after this one are owed to the channel
            added TEXT NOT NULL,
            last_attempt TEXT,
            last_error TEXT
        )""")
    db.execute("""
        CREATE TABLE deliveries (
            event INTEGER NOT NULL REFERENCES events(id),
            channel TEXT NOT NULL REFERENCES channels(key),
            sent_at TEXT NOT NULL,
            PRIMARY KEY (event, channel)
        )""")


@migrations()
def m004_revisits_and_copies(db) -> None:
    # The validators of a transcript's last 200 answer, for conditional revisits.
    db.execute("ALTER TABLE documents ADD COLUMN etag TEXT")
    db.execute("ALTER TABLE documents ADD COLUMN last_modified TEXT")
    # "date|normalised title": one conference published under several URLs (re-published,
    # or mirrored by a mission) shares this key; documents stay keyed by URL.
    db.execute("ALTER TABLE documents ADD COLUMN conference TEXT")
    db.execute("CREATE INDEX documents_conference ON documents(conference)")
    # Header lines a template knows (SCIO: speakers, chairperson, date), as JSON.
    db.execute("ALTER TABLE versions ADD COLUMN meta TEXT")


@migrations()
def m005_suspect_fetches(db) -> None:
    # A fetch that did not look like the transcript (soft 404, maintenance page, most of the
    # text gone, another title): kept as evidence, never as a version.
    db.execute("""
        CREATE TABLE suspects (
            id INTEGER PRIMARY KEY,
            run INTEGER REFERENCES runs(id),
            document INTEGER NOT NULL REFERENCES documents(id),
            detected_at TEXT NOT NULL,
            reason TEXT NOT NULL,
            http_status INTEGER,
            canonical_hash TEXT           -- of the suspect text, when there was one
        )""")
    db.execute("CREATE INDEX suspects_document ON suspects(document, id)")
    # The document's current streak of suspect fetches, one count per run.
    db.execute("ALTER TABLE documents ADD COLUMN suspect_runs INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE documents ADD COLUMN suspect_last_run INTEGER")


@migrations()
def m006_word_search(db) -> None:
    # Words, and each Chinese character as a word of its own, instead of trigrams: a fifth of
    # the insert cost and under half the size (bench/), and two-character Chinese words such
    # as 香港 become searchable. The index holds its own copy of the text in that form
    # (storage.searchindex.index_form), so it is contentless; storage.versions fills it.
    from briefwatch.storage.searchindex import index_form

    db["versions"].disable_fts()
    db.execute(
        "CREATE VIRTUAL TABLE versions_fts USING fts5(title, text, content='', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    for row in db.query("SELECT id, title, text FROM versions"):
        db.execute("INSERT INTO versions_fts (rowid, title, text) VALUES (?, ?, ?)",
                   [row["id"], index_form(row["title"]), index_form(row["text"])])


@migrations()
def m007_pairings(db) -> None:
    # The two languages of one conference, exchange by exchange (storage/pairings.py): the
    # versions aligned, and the result. Recomputed when either side gets a new version.
    db.execute("""
        CREATE TABLE pairings (
            id INTEGER PRIMARY KEY,
            en_document INTEGER NOT NULL REFERENCES documents(id),
            zh_document INTEGER NOT NULL REFERENCES documents(id),
            conference TEXT NOT NULL,       -- YYYY-MM-DD
            en_version INTEGER NOT NULL,    -- the version numbers aligned
            zh_version INTEGER NOT NULL,
            en_exchanges INTEGER NOT NULL,
            zh_exchanges INTEGER NOT NULL,
            matched TEXT NOT NULL,          -- JSON: [[en index, zh index], ...]
            missing_in_en TEXT NOT NULL,    -- JSON: [{index, outlet, outlet_as_written,
            missing_in_zh TEXT NOT NULL,    --         first_words}, ...]
            merged TEXT NOT NULL,           -- JSON: [{"en": [...], "zh": [...]}, ...]
            divergent INTEGER NOT NULL,
            computed_at TEXT NOT NULL,
            UNIQUE (en_document, zh_document)
        )""")
    db.execute("CREATE INDEX pairings_conference ON pairings(conference)")
    db.execute("CREATE INDEX pairings_zh ON pairings(zh_document)")
    # (the two languages meet by day through documents_source, on (source, published))


@migrations()
def m008_evidence_and_archive(db) -> None:
    # Evidence: each version's response as it was served (status line, headers as JSON pairs)
    # and the SHA-256 of its raw bytes, so that a quote can be checked against a WARC export.
    # Versions stored before this migration have no headers (NULL: the WARC export says so).
    db.execute("ALTER TABLE versions ADD COLUMN sha256 TEXT")
    db.execute("ALTER TABLE versions ADD COLUMN status_line TEXT")
    db.execute("ALTER TABLE versions ADD COLUMN headers TEXT")
    # 'live': fetched by briefwatch; 'archive': a web archive's capture (capture_url), with
    # fetched_at the capture's time. Version numbers follow fetched_at (storage/captures.py).
    db.execute("ALTER TABLE versions ADD COLUMN origin TEXT NOT NULL DEFAULT 'live'")
    db.execute("ALTER TABLE versions ADD COLUMN capture_url TEXT")
    # Where last_seen was: 'live', or 'archive' for a transcript known only from captures.
    db.execute("ALTER TABLE documents ADD COLUMN last_seen_in TEXT NOT NULL DEFAULT 'live'")
    # Every archive capture imported, whatever became of it, so that an import run again
    # fetches only what it has not seen (a capture that failed to download is not here).
    db.execute("""
        CREATE TABLE captures (
            id INTEGER PRIMARY KEY,
            document INTEGER NOT NULL REFERENCES documents(id),
            capture_url TEXT NOT NULL UNIQUE,
            captured_at TEXT NOT NULL,
            run INTEGER REFERENCES runs(id),
            outcome TEXT NOT NULL,          -- version | same | rejected
            version INTEGER REFERENCES versions(id),
            reason TEXT                     -- why a rejected capture is not a version
        )""")
    db.execute("CREATE INDEX captures_document ON captures(document)")
    _hash_stored_pages(db)


def _hash_stored_pages(db, batch: int = 500) -> None:
    """The SHA-256 of every raw page already stored, a batch at a time (memory stays flat)."""
    import hashlib
    import zlib

    last = 0
    while True:
        rows = db.execute("SELECT id, raw_html FROM versions WHERE id > ? AND raw_html IS NOT "
                          "NULL ORDER BY id LIMIT ?", [last, batch]).fetchall()
        if not rows:
            return
        for version_id, raw in rows:
            db.execute("UPDATE versions SET sha256 = ? WHERE id = ?",
                       [hashlib.sha256(zlib.decompress(raw)).hexdigest(), version_id])
        last = rows[-1][0]


@migrations()
def m009_compact_raw_pages(db) -> None:
    # Raw pages in zstandard (storage/rawstore.py): a transcript's first version against its
    # source's dictionary (kept here), later ones against the version before (raw_base).
    # Pages stored before stay zlib until `briefwatch compact` converts them.
    db.execute("ALTER TABLE versions ADD COLUMN raw_base INTEGER REFERENCES versions(id)")
    db.execute("""
        CREATE TABLE raw_dictionaries (
            id INTEGER PRIMARY KEY,
            dict_id INTEGER NOT NULL UNIQUE,  -- as zstandard writes it in each frame
            source TEXT NOT NULL,
            trained_at TEXT NOT NULL,
            samples INTEGER NOT NULL,
            data BLOB NOT NULL
        )""")
    db.execute("CREATE INDEX raw_dictionaries_source ON raw_dictionaries(source)")


@migrations()
def m010_read_indexes(db) -> None:
    # What the reads of a decade need (bench/DECADE.md, EXPLAIN QUERY PLAN): `list` newest
    # first, a transcript's events (history's removals), a run's suspects, the latest
    # divergent conferences.
    db.execute("CREATE INDEX documents_published ON documents(published, id)")
    db.execute("CREATE INDEX events_document ON events(document, id)")
    db.execute("CREATE INDEX suspects_run ON suspects(run)")
    db.execute("CREATE INDEX pairings_divergent ON pairings(divergent, conference)")


@migrations()
def m011_listing_reach(db) -> None:
    # How far back each source's listing reached when a crawl last read its last page
    # (`sources`), kept as runs finish: reading it back out of every run's stats grew with
    # the number of runs.
    db.execute("""
        CREATE TABLE listing_reach (
            source TEXT PRIMARY KEY,
            run INTEGER NOT NULL REFERENCES runs(id),
            pages INTEGER NOT NULL,
            reaches_back_to TEXT
        )""")
    # The web index's count per source reads this index alone, not 50,000 rows.
    db.execute("CREATE INDEX documents_source_summary ON documents(source, status, published, "
               "versions, last_seen)")
    from briefwatch.storage.runs import note_listing_reach

    for run, stats in db.execute("SELECT id, stats FROM runs WHERE stats IS NOT NULL "
                                 "ORDER BY id").fetchall():
        note_listing_reach(db, run, stats)


@migrations()
def m012_turns_and_pairings_anew(db) -> None:
    # The turn splitter learnt who speaks on real pages (storage/text/turns.py: a sentence
    # ending in a colon is not a speaker; bench/PAIRING.md): every version's turns are split
    # again from its text, and every pairing is computed again at the next crawl, by the
    # rules of `rules` (storage.pairings.RULES), without events for what the old rules said.
    # `uncertain` says why an alignment cannot say which exchanges are missing (NULL: it can).
    db.execute("ALTER TABLE pairings ADD COLUMN uncertain TEXT")
    db.execute("ALTER TABLE pairings ADD COLUMN rules INTEGER NOT NULL DEFAULT 1")
    _split_turns_again(db)


def _split_turns_again(db) -> None:
    """Every stored version's turns split again from its text by today's rules."""
    from briefwatch.storage.text.turns import pack_turns, split_turns

    _turns_anew(db, "text, title", lambda text, title, stored: pack_turns(
        split_turns(text or "", title or "")))


def _turns_anew(db, columns: str, remake) -> None:
    """Every stored version's turns made again: `remake(*columns, stored turns)` gives them
    (a version stored without turns is split when read, by the rules of the day)."""
    last = 0
    while True:
        rows = db.execute(f"SELECT id, {columns}, turns FROM versions WHERE id > ? "
                          f"ORDER BY id LIMIT 1000", [last]).fetchall()
        if not rows:
            break
        for version, *values, stored in rows:
            if stored is None:
                continue
            turns = remake(*values, stored)
            if turns != stored:
                db.execute("UPDATE versions SET turns = ? WHERE id = ?", [turns, version])
        last = rows[-1][0]


@migrations()
def m013_capture_digests(db) -> None:
    # An archive import asks the CDX API for each capture's `digest` (the SHA-1 of its
    # payload) and replays only the captures it cannot match: the SHA-1 of each version's raw
    # bytes (hex) stands beside its SHA-256, computed here for the versions stored before.
    db.execute("ALTER TABLE versions ADD COLUMN sha1 TEXT")
    # Every capture fetched, by its transcript's URL and digest, whatever it turned out to be
    # (a version, the same text, a rejected page, a redirect; of a URL stored or not): a
    # digest that cannot match a version (a payload the archive kept compressed) is fetched
    # once in the life of a database.
    db.execute("""
        CREATE TABLE capture_digests (
            url TEXT NOT NULL,              -- the transcript's URL as briefwatch knows it
            digest TEXT NOT NULL,           -- the CDX digest, as hex
            source TEXT NOT NULL,
            captured_at TEXT NOT NULL,
            outcome TEXT NOT NULL,          -- version | same | rejected | doubtful | new
            PRIMARY KEY (url, digest)
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX capture_digests_source ON capture_digests(source)")
    _sha1_stored_pages(db)


def _sha1_stored_pages(db, batch: int = 500) -> None:
    """The SHA-1 of every raw page already stored, read once, a batch at a time; a version
    stored against the one before it is restored from that one's bytes, kept from the row
    before (versions are walked by document, in the order they were written)."""
    import hashlib

    from briefwatch.storage.rawstore import unpack_with

    last = (0, 0)
    previous: tuple[int, bytes] | None = None
    while True:
        rows = db.execute("SELECT document, id, raw_html, raw_base FROM versions WHERE "
                          "(document, id) > (?, ?) AND raw_html IS NOT NULL ORDER BY document, "
                          "id LIMIT ?", [*last, batch]).fetchall()
        if not rows:
            return
        for _document, version_id, blob, base in rows:
            raw = unpack_with(db, blob, base, previous)
            previous = (version_id, raw)
            db.execute("UPDATE versions SET sha1 = ? WHERE id = ?",
                       [hashlib.sha1(raw).hexdigest(), version_id])
        last = rows[-1][:2]


@migrations()
def m014_edit_classes(db) -> None:
    # Each event's edit class and significance (storage.text.editclass), stored so that
    # `changes --min-significance`, the notifications' thresholds and the web timeline's sort
    # read them in SQL. Older events get theirs from their stored summary (and, for the share
    # of the text changed, their version's word count).
    import json

    from briefwatch.storage.text.editclass import classify, words_total

    db.execute("ALTER TABLE events ADD COLUMN edit_class TEXT")
    db.execute("ALTER TABLE events ADD COLUMN significance REAL")
    db.execute("CREATE INDEX events_significance ON events(significance, id)")
    last = 0
    while True:
        rows = db.execute("SELECT e.id, e.kind, e.summary, v.text FROM events e LEFT JOIN "
                          "versions v ON v.id = e.version WHERE e.id > ? ORDER BY e.id "
                          "LIMIT 500", [last]).fetchall()
        if not rows:
            break
        for event, kind, stored, text in rows:
            summary = json.loads(stored) if stored else None
            if summary and "words_changed" in summary and "words_total" not in summary:
                summary["words_total"] = words_total(text or "")
            edit_class, significance = classify(kind, summary)
            db.execute("UPDATE events SET edit_class = ?, significance = ? WHERE id = ?",
                       [edit_class, significance, event])
        last = rows[-1][0]


@migrations()
def m015_turns_of_tied_speakers(db) -> None:
    # The turn splitter learnt who answers when an outlet speaks as often as the spokesperson
    # (an unanswered last question; two officials opening a conference): every version's turns
    # get their roles decided again, and every pairing is computed again at the next crawl
    # (storage.pairings.RULES 3), without events for what the old rules said. Only roles
    # changed, so the stored turns are classified again, not split again from the text: 23 s
    # for the 59,688 versions of the publish bench's database, where splitting took 73 s.
    from briefwatch.storage.text.turns import pack_turns, reclassify, unpack_turns

    _turns_anew(db, "title", lambda title, stored: pack_turns(
        reclassify(unpack_turns(stored), title or "")))
