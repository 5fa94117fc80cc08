"""One crawl at a time per database: an advisory lock beside the database file.

flock is released by the kernel when its holder dies, so a lock left by a killed crawl is
simply taken over by the next one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from briefwatch.storage.clock import now


class Locked(Exception):
    """Another crawl holds the lock; the message names its pid and start time."""


@contextlib.contextmanager
def crawl_lock(db_path: Path):
    from briefwatch.storage.db import StorageError

    lock_path = Path(str(db_path) + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StorageError(f"{db_path}: the database's folder cannot be written "
                           f"({exc.strerror}): crawls need to write there; reading commands "
                           f"work as they are") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
            pid, started = (holder + ["?", "?"])[:2]
            raise Locked(
                f"another crawl is running on {db_path}: pid {pid}, started {started}; "
                f"wait for it to finish"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {now()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
