"""`briefwatch serve`'s HTTP server: waitress, serving jobs.web.App.

Waitress reads each request whole (headers buffered by its event loop, not by a thread) before
a worker thread of a bounded pool answers it: a slow or half-sent request holds no thread and
is dropped after CHANNEL_TIMEOUT seconds of silence; connections past CONNECTION_LIMIT wait in
the listen backlog. Facing the open Internet, put a reverse proxy before it (README, `serve`).
"""

from __future__ import annotations

from pathlib import Path

from briefwatch.jobs.web import App

THREADS = 8  # pages are SQLite reads, mostly CPU under the GIL: more threads buy nothing
BACKLOG = 1024
CHANNEL_TIMEOUT = 30  # seconds a connection may stay silent, mid-request or idle
# Connections held open at once, half-sent ones included (each costs a buffer, not a thread):
# past it, new ones wait in the backlog until a silent one times out. 400 half-sent requests
# once kept every reader out for CHANNEL_TIMEOUT.
CONNECTION_LIMIT = 2000
MAX_HEADER_BYTES = 128 * 1024  # a 64 KB search query fits; a bigger request line does not
MAX_BODY_BYTES = 1024  # the view answers GET and HEAD only
# Keep reading a connection while its request is answered, so that a client that leaves is
# seen (environ["waitress.client_disconnected"]): a long diff stops working for nobody.
REQUEST_LOOKAHEAD = 1


def make(db_path: Path, host: str, port: int, names_file: Path | None = None,
         timezone: str = "UTC", base_url: str | None = None):
    """A server bound to host:port (port 0: any free port), not yet serving (`.run()` serves,
    `.close()` stops; `.effective_host`, `.effective_port` say where it listens); times shown
    in `timezone`; links of the feed on `base_url` when given. OSError when it cannot listen."""
    from waitress.server import create_server

    _allow_open_files(CONNECTION_LIMIT + 64)
    app = App(db_path, names_file, timezone, base_url=base_url, hosts=(host,))
    return create_server(
        app, host=host, port=port, threads=THREADS, backlog=BACKLOG,
        channel_timeout=CHANNEL_TIMEOUT, cleanup_interval=min(10, CHANNEL_TIMEOUT),
        connection_limit=CONNECTION_LIMIT, max_request_header_size=MAX_HEADER_BYTES,
        max_request_body_size=MAX_BODY_BYTES, ident="briefwatch", expose_tracebacks=False,
        clear_untrusted_proxy_headers=True, asyncore_use_poll=True,
        channel_request_lookahead=REQUEST_LOOKAHEAD)


def _allow_open_files(count: int) -> None:
    """Raise this process's limit of open files to `count` where the soft limit is lower
    (1,024 on many systems) and the hard limit allows it: each connection is a file."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count if hard == resource.RLIM_INFINITY else min(count, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
