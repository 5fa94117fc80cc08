"""The full-text index of every version (versions_fts, storage.search): whether it can be read,
and its rebuilding from the stored versions when it cannot (a disk error, a file overwritten
in part: `search` then failed with "vtable constructor failed")."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from briefwatch.storage.text import cjk

REBUILD = "briefwatch reindex"
# The index and its shadow tables (FTS5 keeps the index itself in versions_fts_data, …)
_TABLES = ("versions_fts", "versions_fts_data", "versions_fts_idx", "versions_fts_docsize",
           "versions_fts_config", "versions_fts_content")


# Chinese and Japanese write no spaces between words: each character is indexed as a word, so
# a query of characters is a phrase of them.
_CJK = re.compile(f"([{cjk.LETTERS}])")


def index_form(text: str) -> str:
    """A text as the search index sees it: each CJK character set apart as a word."""
    return _CJK.sub(r" \1 ", text or "")


def damage(db) -> str | None:
    """Why the index cannot be read, or None: one query through it, as cheap as a search
    (a full integrity check would read the whole index at every crawl)."""
    try:
        list(db.execute("SELECT rowid FROM versions_fts WHERE versions_fts MATCH 'a' LIMIT 1"))
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


class IndexDamaged(Exception):
    """The index cannot be read (storage.search raises it): says so, and how to rebuild it."""

    def __init__(self, reason: str):
        super().__init__(f"the search index is damaged ({reason}); '{REBUILD}' rebuilds it "
                         f"from the stored versions")
        self.reason = reason


def is_damage(exc: BaseException) -> bool:
    """An error of reading the index that means it is damaged (not a bad query)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc,
                                                                     sqlite3.OperationalError)


def rebuild(path: Path) -> int:
    """Drop the index, whatever state its pages are in, and index every stored version
    again, in one transaction: a failure on the way (a full disk) leaves the old index as it
    was, never none. The file is then rewritten (VACUUM) so that no page of the old index is
    left. Returns how many versions were indexed. The caller holds the crawl lock."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("BEGIN IMMEDIATE")
        try:
            # A damaged index cannot be dropped (dropping reads it): its entries are taken out
            # of the schema instead, the schema is read again without them (RESET, which
            # reads no page of the index), and VACUUM leaves its pages behind.
            conn.execute(f"DELETE FROM sqlite_master WHERE name IN "
                         f"({', '.join('?' * len(_TABLES))})", _TABLES)
            conn.execute("PRAGMA writable_schema = RESET")
            # as storage.migrations.m006_word_search made it
            conn.execute("CREATE VIRTUAL TABLE versions_fts USING fts5(title, text, "
                         "content='', tokenize='unicode61 remove_diacritics 2')")
            indexed = 0
            for version_id, title, text in conn.execute("SELECT id, title, text FROM versions"):
                conn.execute("INSERT INTO versions_fts (rowid, title, text) VALUES (?, ?, ?)",
                             [version_id, index_form(title), index_form(text)])
                indexed += 1
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA writable_schema = OFF")
        conn.execute("VACUUM")
    finally:
        conn.close()
    return indexed
