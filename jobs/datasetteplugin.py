"""A Datasette plugin (the `datasette` entry point of `briefwatch[publish]`): Datasette's search
box, on a database `briefwatch publish` wrote, finds Chinese words as typed.

Datasette escapes what a reader types with its SQL function `escape_fts`, each word a quoted
phrase: `香港` becomes `"香港"`, one token for FTS5's unicode61 tokenizer, which the index (each
Chinese character a word: storage.publish) does not hold. On a published database this plugin
replaces that function by Datasette's own escaping followed by the index's form, so that the
phrase is of the characters: `"香 港"`. Other databases keep Datasette's function.
"""

from __future__ import annotations

from briefwatch.storage.publish import APPLICATION_ID
from briefwatch.storage.searchindex import index_form
from datasette import hookimpl
from datasette.utils import escape_fts


def escape_fts_as_indexed(query: str) -> str:
    """Datasette's escaping of a search, each Chinese character then set apart as the index
    holds it (inside the quoted phrases escape_fts makes of every word)."""
    return index_form(escape_fts(query))


# trylast: Datasette's own plugin registers escape_fts on every connection; this one, called
# after it, replaces it.
@hookimpl(trylast=True)
def prepare_connection(conn) -> None:
    if conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        conn.create_function("escape_fts", 1, escape_fts_as_indexed, deterministic=True)
