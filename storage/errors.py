"""The storage layer's error for the user: a module of its own, so that the modules the
migrations use (storage.rawstore) need not import storage.db, which runs the migrations."""


import contextlib


class StorageError(Exception):
    """The database cannot be used; the message is one line meant for the user."""


def disk_trouble(exc: BaseException) -> str | None:
    """What a full or failing disk made of a write, in a few words, from SQLite's error or
    the system's (`database or disk is full`, ENOSPC; `disk I/O error`, EFBIG past a file
    size limit); None for any other error."""
    import errno
    import sqlite3

    if isinstance(exc, sqlite3.OperationalError):
        if "disk is full" in str(exc):
            return f"the disk is full ({exc})"
        if "disk I/O error" in str(exc):
            return f"the disk refused a write: full, past a file size limit, or failing ({exc})"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"the disk is full ({exc.strerror})"
    if isinstance(exc, OSError) and exc.errno in (errno.EFBIG, errno.EIO):
        return (f"the disk refused a write: full, past a file size limit, or failing "
                f"({exc.strerror})")
    return None


def cannot_write(path, exc: BaseException) -> StorageError | None:
    """The database at `path` could not be written for a full or failing disk: one line
    naming it and what to do; None for any other error."""
    trouble = disk_trouble(exc)
    if trouble is None:
        return None
    return StorageError(f"cannot write the database {path}: {trouble}; free space on its disk "
                        f"and run again (what was stored before is kept)")


@contextlib.contextmanager
def disk_failures_said(path):
    """Work on the database at `path` whose full or failing disk is said by cannot_write,
    in one line; any other error goes through as it is."""
    try:
        yield
    except Exception as exc:
        said = cannot_write(path, exc)
        if said is None:
            raise
        raise said from None
