"""The raw pages, byte-exact and small: zstandard against what the page shares with others.

A transcript's first version is compressed with its source's dictionary (trained on the
source's own pages and kept in `raw_dictionaries`: one site's pages share their template);
every later version with the version before it as the dictionary (`versions.raw_base`): an
edit changes a few paragraphs, so a version costs little more than its changes. Restoring a
version follows its bases back to the first version (a chain of a few links). Pages stored
before (zlib) stay readable as they are, until `briefwatch compact` converts them.

What each choice saves, measured on a generated decade and on real pages: bench/DECADE.md.
"""

from __future__ import annotations

import zlib

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
# Level 9 costs what zlib did (0.6 ms for a 36 KB page) for 5% more than level 19, which
# takes ten times as long (real pages, bench/DECADE.md).
LEVEL = 9
# A source gets its dictionary once it has this many pages stored, from up to SAMPLE of them.
TRAIN_AFTER = 64
SAMPLE = 400
DICT_BYTES = 64 * 1024


def pack(db, source: str, raw: bytes, base: tuple[int, bytes] | None) -> tuple[bytes, int | None]:
    """(blob, base version id) to store for `raw`; `base`: (id, raw bytes) of the version
    before it, when there is one."""
    import zstandard

    if base is not None:
        compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=_previous(base[1]),
                                              write_content_size=True)
        return compressor.compress(raw), base[0]
    dictionary = source_dictionary(db, source)
    compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=dictionary,
                                          write_content_size=True, write_dict_id=True)
    return compressor.compress(raw), None


def unpack(db, blob: bytes | None, base: int | None) -> bytes:
    """The raw bytes stored as `blob` (zstd, or zlib from before), with `base` the version
    whose raw bytes were its dictionary."""
    if not blob:
        return b""
    if blob[:4] != ZSTD_MAGIC:
        return zlib.decompress(blob)
    import zstandard

    if base is not None:
        row = db.execute("SELECT raw_html, raw_base FROM versions WHERE id = ?",
                         [base]).fetchone()
        return _against(unpack(db, row[0], row[1]), blob)
    dict_id = zstandard.get_frame_parameters(blob).dict_id
    if dict_id:
        row = db.execute("SELECT data FROM raw_dictionaries WHERE dict_id = ?",
                         [dict_id]).fetchone()
        if row is None:
            from briefwatch.storage.errors import StorageError

            raise StorageError(f"a raw page needs dictionary {dict_id}, which the database "
                               f"does not hold: the file is damaged")
        dictionary = zstandard.ZstdCompressionDict(row[0])
        return zstandard.ZstdDecompressor(dict_data=dictionary).decompress(blob)
    return zstandard.ZstdDecompressor().decompress(blob)


# dict_id -> the dictionary, ready to compress with: dictionaries never change once stored.
_DICTIONARIES: dict[int, object] = {}


def source_dictionary(db, source: str):
    """The source's dictionary; trained when the source has enough pages and has none yet.
    None: not enough pages to learn from (the page is compressed on its own)."""
    import zstandard

    row = db.execute("SELECT dict_id FROM raw_dictionaries WHERE source = ? ORDER BY id DESC "
                     "LIMIT 1", [source]).fetchone()
    dict_id = row[0] if row else _train(db, source)
    if dict_id is None:
        return None
    if dict_id not in _DICTIONARIES:
        data = db.execute("SELECT data FROM raw_dictionaries WHERE dict_id = ?",
                          [dict_id]).fetchone()[0]
        dictionary = zstandard.ZstdCompressionDict(data)
        dictionary.precompute_compress(level=LEVEL)
        _DICTIONARIES[dict_id] = dictionary
    return _DICTIONARIES[dict_id]


# source -> how many pages it had when a dictionary could not be trained on them.
_UNTRAINED: dict[str, int] = {}


def _train(db, source: str):
    """Train a dictionary on up to SAMPLE of the source's first versions, spread over its
    archive, and keep it: its dict_id, or None when the source has fewer than TRAIN_AFTER
    pages."""
    import zstandard
    from briefwatch.storage.clock import now

    ids = [r[0] for r in db.execute(
        "SELECT v.id FROM versions v JOIN documents d ON d.id = v.document "
        "WHERE d.source = ? AND v.raw_base IS NULL AND v.raw_html IS NOT NULL", [source])]
    if len(ids) < TRAIN_AFTER or len(ids) < 2 * _UNTRAINED.get(source, 0):
        return None
    step = max(1, len(ids) // SAMPLE)
    samples = []
    for version_id in ids[::step][:SAMPLE]:
        row = db.execute("SELECT raw_html, raw_base FROM versions WHERE id = ?",
                         [version_id]).fetchone()
        samples.append(unpack(db, row[0], row[1]))
    try:
        trained = zstandard.train_dictionary(DICT_BYTES, samples, level=LEVEL)
    except zstandard.ZstdError:
        _UNTRAINED[source] = len(ids)  # too little to learn from: again once it has doubled
        return None
    db.execute("INSERT INTO raw_dictionaries (dict_id, source, trained_at, samples, data) "
               "VALUES (?, ?, ?, ?, ?)",
               [trained.dict_id(), source, now(), len(samples), trained.as_bytes()])
    return trained.dict_id()


def is_compact(blob: bytes | None) -> bool:
    return not blob or blob[:4] == ZSTD_MAGIC


def compact(db, *, batch: int = 200, progress=None) -> dict:
    """Convert the raw pages stored before (zlib) in place, a transcript at a time, each
    checked bit for bit (and against its SHA-256) before it replaces the old one, committed
    every `batch` transcripts: an interrupted run loses nothing, and the next one carries on
    with the transcripts left. Then pack speaker turns stored as dicts. Returns counts:
    transcripts, versions, bytes before and after, turns packed."""
    import hashlib

    from briefwatch.storage.errors import StorageError

    done = {"transcripts": 0, "versions": 0, "before": 0, "after": 0}
    sources = [r[0] for r in db.execute("SELECT DISTINCT source FROM documents")]
    for source in sources:
        source_dictionary(db, source)  # trained on the pages as they are, if it has none
    if db.conn.in_transaction:
        db.conn.execute("COMMIT")
    todo = [r[0] for r in db.execute(
        "SELECT DISTINCT document FROM versions WHERE raw_html IS NOT NULL AND "
        "substr(raw_html, 1, 4) != ? ORDER BY document", [ZSTD_MAGIC])]
    db.conn.execute("BEGIN")
    for k, document in enumerate(todo, 1):
        source = db.execute("SELECT source FROM documents WHERE id = ?", [document]).fetchone()[0]
        previous = None
        for version_id, blob, base, sha in db.execute(
                "SELECT id, raw_html, raw_base, sha256 FROM versions WHERE document = ? "
                "ORDER BY n", [document]).fetchall():
            raw = unpack(db, blob, base)
            if blob and not is_compact(blob):
                packed, raw_base = pack(db, source, raw, previous)
                if unpack_with(db, packed, raw_base, previous) != raw or (
                        sha and hashlib.sha256(raw).hexdigest() != sha):
                    raise StorageError(f"version {version_id}: its raw page did not come back "
                                       f"bit for bit; nothing of it was changed")
                db.execute("UPDATE versions SET raw_html = ?, raw_base = ? WHERE id = ?",
                           [packed, raw_base, version_id])
                done["versions"] += 1
                done["before"] += len(blob)
                done["after"] += len(packed)
            previous = (version_id, raw) if raw else previous
        done["transcripts"] += 1
        if k % batch == 0:
            db.conn.execute("COMMIT")
            if progress:
                progress(k, len(todo))
            db.conn.execute("BEGIN")
    db.conn.execute("COMMIT")
    done["turns"] = _pack_old_turns(db, batch)
    return done


def _pack_old_turns(db, batch: int) -> int:
    """Turns stored as dicts (before storage.text.turns.pack_turns), packed; in batches."""
    from briefwatch.storage.text.turns import pack_turns, unpack_turns

    count, last = 0, 0
    while True:
        rows = db.execute("SELECT id, turns FROM versions WHERE id > ? AND turns LIKE '[{%' "
                          "ORDER BY id LIMIT ?", [last, batch]).fetchall()
        if not rows:
            return count
        db.conn.execute("BEGIN")
        for version_id, turns in rows:
            db.execute("UPDATE versions SET turns = ? WHERE id = ?",
                       [pack_turns(unpack_turns(turns)), version_id])
        db.conn.execute("COMMIT")
        count, last = count + len(rows), rows[-1][0]


def unpack_with(db, blob: bytes, base: int | None, previous: tuple[int, bytes] | None) -> bytes:
    """unpack, with the base's raw bytes at hand (it may not be written yet)."""
    if base is not None and previous is not None and previous[0] == base:
        return _against(previous[1], blob)
    return unpack(db, blob, base)


def _previous(raw: bytes):
    """The raw bytes of the version before, as the dictionary of the one after it."""
    import zstandard

    return zstandard.ZstdCompressionDict(raw, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


def _against(previous_raw: bytes, blob: bytes) -> bytes:
    """A version stored against the version before it, restored from that one's raw bytes."""
    import zstandard

    return zstandard.ZstdDecompressor(dict_data=_previous(previous_raw)).decompress(blob)
