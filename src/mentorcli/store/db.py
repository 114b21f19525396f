"""Opening the one database file: where it lives, who may read it, how it is written."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mentorcli.core.errors import MentorError

ENV_DB = "MENTORCLI_DB"
BUSY_TIMEOUT_MS = 30_000


def default_path() -> Path:
    import platformdirs

    return platformdirs.user_data_path("mentorcli") / "mentorcli.db"


def resolve_path(option: str | None) -> Path:
    """``--db``, else ``MENTORCLI_DB``, else a file in the user's data directory."""
    if option:
        return Path(option).expanduser()
    if env := os.environ.get(ENV_DB):
        return Path(env).expanduser()
    return default_path()


def _create_private(path: Path) -> None:
    """Create the file readable by its owner alone before SQLite touches it.

    SQLite gives its -wal and -shm files the permissions of the database file, so they stay
    private too.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def connect(path: Path, *, create: bool, migrated: list[str] | None = None) -> sqlite3.Connection:
    """Open (and if asked, create) the database and bring its schema up to date.

    ``migrated`` receives the names of the migration steps this opening applied.
    """
    if not path.exists():
        if not create:
            raise MentorError(f"database: no database at {path} (set --db or MENTORCLI_DB)")
        _create_private(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Erased personal data must not linger in free pages.
        conn.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as e:
        raise MentorError(f"database: {path} is not a mentorcli database ({e})") from None
    from mentorcli.store.migrations import migrate

    applied = migrate(conn)
    if migrated is not None:
        migrated.extend(applied)
    return conn


def overlaps(first: str, last: str, start: str = "start", end: str = '"end"') -> str:
    """SQL for ``core.dates.Period.overlaps``: the row's days ``start..end`` (both included; a NULL
    end: no end yet) meet the days ``first..last`` (SQL parameters or expressions)."""
    return f"({start} <= {last} AND ({end} IS NULL OR {end} >= {first}))"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One command, one transaction: all of it is written, or none of it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
