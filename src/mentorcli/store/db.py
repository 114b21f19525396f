"""Opening the one database file: where it lives, who may read it, how it is written."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, cast

from mentorcli.core.errors import InputError, MentorError
from mentorcli.core.messages import N_

ENV_DB = "MENTORCLI_DB"
BUSY_TIMEOUT_MS = 30_000
SQLITE_HEADER = b"SQLite format 3\x00"


# Days are stored as ISO text, and "no day" (an open end) as NULL.
def day_or_none(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def iso_or_none(day: date | None) -> str | None:
    return day.isoformat() if day else None


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


def _create_private(path: Path) -> list[Path]:
    """Create the file readable by its owner alone before SQLite touches it; the folders made for it.

    SQLite gives its -wal and -shm files the permissions of the database file, so they stay
    private too.
    """
    made = [p for p in reversed(path.parent.parents) if not p.exists()]
    if not path.parent.exists():
        made.append(path.parent)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    return made


class Created(NamedTuple):
    """A database file this command made, and the folders made for it: removed if nothing is written."""

    path: Path
    folders: tuple[Path, ...]

    def discard(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        for folder in reversed(self.folders):
            with suppress(OSError):
                folder.rmdir()


def is_encrypted(path: Path) -> bool:
    """An encrypted register (``db encrypt``): whole pages that do not begin with SQLite's header
    and look random (a control byte within the first 512, as a text file has none).

    Read before opening, so that ``db serve`` and the like can refuse one without its passphrase.
    """
    try:
        with path.open("rb") as f:
            head = f.read(512)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return False
    if size < 512 or size % 512 or head.startswith(SQLITE_HEADER):
        return False
    return any(b < 9 for b in head)


Passphrase = Callable[[], str]


def connect(
    path: Path, *, create: bool, migrated: list[str] | None = None, passphrase: Passphrase | None = None
) -> sqlite3.Connection:
    """Open (and if asked, create) the database and bring its schema up to date.

    ``migrated`` receives the names of the migration steps this opening applied; ``passphrase``
    is asked only when the file is encrypted.
    """
    return open_tracked(path, create=create, migrated=migrated, passphrase=passphrase)[0]


def open_file(path: Path, passphrase: Passphrase | None) -> sqlite3.Connection:
    if not is_encrypted(path):
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.row_factory = sqlite3.Row
        return conn
    if passphrase is None:
        raise InputError(N_("database: {path} is encrypted and no passphrase was given", path=path))
    from mentorcli.store import cipher

    # Not an sqlite3.Connection, but it answers every call the store makes of one (store/cipher.py).
    return cast(sqlite3.Connection, cipher.connect(path, passphrase(), timeout_ms=BUSY_TIMEOUT_MS))


def open_tracked(
    path: Path, *, create: bool, migrated: list[str] | None = None, passphrase: Passphrase | None = None
) -> tuple[sqlite3.Connection, Created | None]:
    """``connect``, and the file it created if it made one, so that a command that writes nothing
    can remove it again. A read never creates the file: a mistyped ``--db`` must not leave an
    empty register behind that later reports zeros.
    """
    created = None
    if not path.exists():
        if not create:
            raise MentorError(N_("database: no database at {path} (set --db or MENTORCLI_DB)", path=path))
        created = Created(path, tuple(_create_private(path)))
    try:
        conn = open_file(path, passphrase)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        # Erased personal data must not linger in free pages.
        conn.execute("PRAGMA secure_delete = ON")
    except sqlite3.DatabaseError as e:
        raise MentorError(N_("database: {path} is not a mentorcli database ({reason})", path=path, reason=e)) from None
    from mentorcli.store.migrations import migrate

    try:
        applied = migrate(conn)
    except BaseException:
        conn.close()
        if created:
            created.discard()
        raise
    if migrated is not None:
        migrated.extend(applied)
    return conn, created


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


@contextmanager
def indexes_set_aside(conn: Any, adding: Mapping[str, int]) -> Iterator[None]:
    """Drop the secondary indexes of each table that ``adding`` (table: rows about to be written)
    at least doubles, and build them again when the rows are in, in the same transaction.

    SQLite builds an index from the sorted rows at once, many times faster than it keeps one row
    by row (a random uid or date lands each row on a page of its own). The indexes come back from
    their own SQL, so a failure on the way leaves the transaction to roll back, never a register
    without them. Key indexes (primary keys, ``UNIQUE`` of a table's definition) stay.
    """
    dropped: list[str] = []
    for table, n in adding.items():
        # Counted no further than ``n``: a small import into a large register reads a few rows.
        if not n or conn.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT ?)', (n + 1,)).fetchone()[0] > n:
            continue
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL "
            "ORDER BY name",
            (table,),
        ).fetchall():
            conn.execute(f'DROP INDEX "{name}"')
            dropped.append(sql)
    yield
    for sql in dropped:
        conn.execute(sql)
