"""A TCP relay in front of a real Redis that a test can close at a chosen command.

Cluster races happen between two Redis commands of one process; to make them happen every
time, a test sends that process through a gate: when a client's request is one the gate was
armed for (a test of its bytes: key names, command names as RESP writes them), the gate stops
forwarding that connection's requests, and with them the process, until `release()` (or
`cut()`: the held request is never sent, as when its process is killed first). The gate also
counts the requests that contain a watched pattern (`seen`), so that a test can wait until
another process has done something while the first one was held.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit


class RedisGate:
    def __init__(self, redis_url: str):
        """`redis_url`: the real server, on a Unix socket (unix://PATH), its password (if
        any) in the query, as redis-py reads it."""
        self.redis_path = urlsplit(redis_url).path
        self.password = parse_qs(urlsplit(redis_url).query).get("password", [""])[0]
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.hold_on: Callable[[bytes], bool] | None = None
        self.cutting = False
        self.held = threading.Event()
        self.opened = threading.Event()
        self.counts: dict[bytes, int] = {}
        self.lock = threading.Lock()
        self.closing = False
        self.threads: list[threading.Thread] = []
        self.sockets: list[socket.socket] = []

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/0" if self.password else \
            f"redis://127.0.0.1:{self.port}/0"

    def arm(self, request: Callable[[bytes], bool]) -> None:
        """Hold the next request (raw bytes) for which `request` is true, and its connection
        after it."""
        self.opened.clear()
        self.held.clear()
        self.hold_on = request

    def release(self) -> None:
        self.hold_on = None
        self.opened.set()

    def cut(self) -> None:
        """Drop the held request and close its connection."""
        self.cutting = True
        self.release()

    def seen(self, pattern: bytes) -> int:
        """How many requests that contain `pattern` went through so far."""
        with self.lock:
            return self.counts.get(pattern, 0)

    def watch(self, pattern: bytes) -> None:
        with self.lock:
            self.counts.setdefault(pattern, 0)

    def __enter__(self) -> RedisGate:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self.threads.append(thread)
        return self

    def __exit__(self, *exc) -> None:
        self.closing = True
        self.release()
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self.closing:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.redis_path)
            self.sockets += [client, upstream]
            thread = threading.Thread(target=self._relay, args=(client, upstream), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _relay(self, client: socket.socket, upstream: socket.socket) -> None:
        try:
            while not self.closing:
                ready, _, _ = select.select([client, upstream], [], [], 0.5)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    if sock is client:
                        self._count(data)
                        hold_on = self.hold_on
                        if hold_on is not None and hold_on(data):
                            self.held.set()
                            self.opened.wait()
                            if self.cutting:
                                self.cutting = False
                                return
                        upstream.sendall(data)
                    else:
                        client.sendall(data)
        except OSError:
            return
        finally:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.close()

    def _count(self, data: bytes) -> None:
        with self.lock:
            for pattern in self.counts:
                if pattern in data:
                    self.counts[pattern] += 1
