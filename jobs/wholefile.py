"""Files written whole: the Atom feed and `export -o` write a temporary file beside the target
and rename it onto the target when it is complete, so that a reader never sees half of it and
a failure (a full disk, an interrupt) leaves the earlier file as it was."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


@contextlib.contextmanager
def written_whole(path: Path, binary: bool = False):
    """A file object for `path`, renamed onto it when the block ends without error; on an
    error the temporary file is removed. The file keeps the mode of the file it replaces, or
    gets the one open() would give a new file (0666 less the umask; mkstemp's is 0600, which a
    web server publishing a feed cannot read). A target that is not a regular file
    (`/dev/stdout`, a pipe) is written in place, and a symbolic link's target is replaced, not
    the link."""
    path = Path(path)
    try:
        mode = os.stat(path).st_mode  # through a link
    except FileNotFoundError:
        mode = None
    if (mode is not None and not stat.S_ISREG(mode)) or (mode is None and path.is_symlink()):
        with open(path, "wb") if binary else open(path, "w", encoding="utf-8",
                                                   newline="") as out:
            yield out
        return
    target = path.resolve() if path.is_symlink() else path
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") if binary else open(fd, "w", encoding="utf-8",
                                                     newline="") as out:
            os.fchmod(out.fileno(), stat.S_IMODE(mode) if mode is not None
                      else 0o666 & ~_umask())
            yield out
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it: it is set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
