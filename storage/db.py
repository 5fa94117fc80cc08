"""Opening the database: for writing (WAL, foreign keys, migrations), read-only for the commands
that only read and for the web view, and clear errors for foreign files."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from briefwatch.storage.errors import StorageError, cannot_write  # noqa: F401 (re-exported)

if TYPE_CHECKING:
    import sqlite_utils

# The migrations of a current database, in order: storage/migrations.py defines them (and
# tests/test_diff.py checks that the two agree), but importing it imports sqlite-utils.
SCHEMA = ("m001_initial", "m002_version_turns", "m003_notifications", "m004_revisits_and_copies",
          "m005_suspect_fetches", "m006_word_search", "m007_pairings",
          "m008_evidence_and_archive", "m009_compact_raw_pages",
          "m010_read_indexes", "m011_listing_reach", "m012_turns_and_pairings_anew",
          "m013_capture_digests", "m014_edit_classes", "m015_turns_of_tied_speakers")




class Reader:
    """A current database opened for reading with the standard library alone: `query` as
    sqlite_utils.Database's, enough for the read-only queries of storage.documents."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def execute(self, sql: str, params=()):
        return self.conn.execute(sql, params)

    def query(self, sql: str, params=()):
        cursor = self.conn.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        for row in cursor:
            yield dict(zip(keys, row, strict=True))

    def close(self) -> None:
        self.conn.close()


def open_reader(path: Path) -> Reader | sqlite_utils.Database:
    """The database for a command that only reads (`changes`, `list`, `show`, `diff` …),
    opened read-only: it reads from a folder it cannot write (a read-only filesystem, a
    published archive), and never changes the file. Importing sqlite-utils takes about 40 ms,
    as long as the rest of the start-up, so a current database is read with sqlite3 alone; one
    that is missing, foreign, or written by an older briefwatch goes through open_db, which
    says why or migrates it (which needs writing)."""
    conn = _current(Path(path))
    reader = Reader(conn) if conn is not None else _migrated(Path(path))
    # One state of the database for the whole command: what it reads in several queries
    # (publish's tables, export's transcripts and their versions) agrees, however many commits
    # a crawl makes meanwhile (a WAL reader's transaction sees the file as of its first read).
    reader.execute("BEGIN")
    return reader


def open_web_reader(path: Path, busy_timeout: float = 5.0) -> sqlite_utils.Database:
    """The database for one request of the web view: a read-only connection (it can never
    write, and works from a read-only folder) as sqlite_utils.Database. A page waits at most
    `busy_timeout` seconds for a crawl's commit, not the 30 of a command."""
    import sqlite_utils

    conn = read_only_connection(path)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    return sqlite_utils.Database(conn)


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A read-only connection. WAL readers need the `-shm` file beside the database: where it
    cannot be created (a read-only folder, where nobody can write either), the file is opened
    as immutable."""
    uri = Path(path).resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
    conn = sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StorageError(f"{path}: cannot read the database, even read-only: {exc}") from None
    return conn


def _current(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to a database of the current schema, else None."""
    if not (path.is_file() and _looks_like_sqlite(path)):
        return None
    conn = read_only_connection(path)
    try:
        applied = tuple(row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = 'briefwatch' "
            "ORDER BY rowid"))
    except sqlite3.DatabaseError:
        applied = ()
    if applied == SCHEMA:
        return conn
    conn.close()
    return None


def _migrated(path: Path):
    """open_db, for a reader: missing, foreign, or older databases say why, or migrate."""
    import os

    if path.is_file() and _looks_like_sqlite(path) and not os.access(path.parent, os.W_OK):
        raise StorageError(f"{path} was written by an older briefwatch and must be upgraded "
                           f"before it can be read, which its folder does not allow: run "
                           f"any briefwatch command on a writable copy")
    return open_db(path, create=False)


def open_db(path: Path, *, create: bool = True) -> sqlite_utils.Database:
    import sqlite_utils
    from briefwatch.storage.migrations import migrations

    path = Path(path)
    if not path.exists():
        if not create:
            raise StorageError(
                f"no database at {path} yet: run 'briefwatch crawl' first"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not _looks_like_sqlite(path):
        raise StorageError(
            f"{path} is not a briefwatch database (not an SQLite file); it was left untouched: "
            f"point [storage] path at another file"
        )
    try:
        db = sqlite_utils.Database(path)
        db.conn.execute("PRAGMA busy_timeout = 30000")
        _writable(path)
        db.conn.execute("PRAGMA foreign_keys = ON")
        _check_schema(db, path)
        db.enable_wal()
        db.conn.execute("PRAGMA synchronous = NORMAL")
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise cannot_write(path, exc) or StorageError(
            f"{path}: cannot use the database: {exc}") from None
    return db


def _writable(path: Path) -> None:
    import os

    if path.exists() and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
        # A file made read-only (chmod 444) is the user's word, even to root, who could write
        # it: said as the file's state, not as a folder's.
        raise StorageError(f"{path}: the database file is read-only (its permissions): crawls "
                           f"need to write it (chmod u+w {path}); reading commands work as "
                           f"they are")
    if not os.access(path.parent, os.W_OK):
        # sqlite would say only "attempt to write a readonly database"
        raise StorageError(f"{path}: the database's folder cannot be written (a read-only "
                           f"filesystem, or permissions): crawls need to write there; "
                           f"reading commands work as they are")


def _looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        header = fh.read(16)
    return header == b"SQLite format 3\x00" or header == b""


def _check_schema(db: sqlite_utils.Database, path: Path) -> None:
    from briefwatch.storage.migrations import migrations

    known = {m.name for m in migrations._migrations}
    newer = [m.name for m in migrations.applied(db) if m.name not in known]
    if newer:
        raise StorageError(
            f"{path} was written by a newer briefwatch (schema {newer[-1]}); upgrade briefwatch "
            f"to use it"
        )
    tables = set(db.table_names())
    if tables and "_sqlite_migrations" not in tables:
        raise StorageError(
            f"{path} is an SQLite database of another program (tables: "
            f"{', '.join(sorted(tables)[:5])}); it was left untouched"
        )


class WriteBatch:
    """Groups many small writes into one transaction, committed every `size` writes or
    `seconds`, whichever comes first: a commit per transcript would cost more than storing it.

    Each write still runs in its own savepoint (`db.atomic()` nests), so a version and its
    event stay together; a crash loses at most the uncommitted batch, which the next crawl
    fetches again."""

    def __init__(self, db: sqlite_utils.Database, size: int = 200, seconds: float = 1.0):
        import time

        self.db, self.size, self.seconds, self._clock = db, size, seconds, time.monotonic
        self._count, self._since = 0, self._clock()
        self.db.conn.execute("BEGIN")

    def wrote(self) -> None:
        self._count += 1
        if self._count >= self.size or self._clock() - self._since >= self.seconds:
            self.commit()
            self.db.conn.execute("BEGIN")

    def commit(self) -> None:
        if self.db.conn.in_transaction:
            self.db.conn.execute("COMMIT")
        self._count, self._since = 0, self._clock()


def vacuum(db: sqlite_utils.Database) -> None:
    """Rewrite the file without its free pages, so that it shrinks (as much free disk as the
    database takes is needed meanwhile)."""
    db.execute("VACUUM")
