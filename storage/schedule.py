"""What the scheduler daemon's job store holds (APScheduler's SQLAlchemy store, a table of the
database), read without APScheduler: the commands that only show the jobs read it as they read
the rest, read-only."""

from __future__ import annotations


def stored_next_runs(db, table: str) -> dict[str, float | None]:
    """Each stored job's id and next run time (seconds since the epoch, as the store keeps it;
    None for a paused job); empty before the daemon's first start made the table."""
    exists = next(iter(db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                  "name = ?", [table]).fetchall()), None)
    if exists is None:
        return {}
    return dict(db.execute(f'SELECT id, next_run_time FROM "{table}"').fetchall())
