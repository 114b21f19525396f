"""What ``db serve`` hands to Datasette: a plain register, whole in its main file, and metadata that hides names."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.store.personal import TABLES, datasette_metadata
from mentorcli.store.register import Register

SQLITE_HEADER = b"SQLite format 3\x00"


def refuse_encrypted(path: Path) -> None:
    """SPEC 10: ``db serve`` refuses an encrypted register; Datasette reads plain SQLite only.

    The one hook for the encrypted register: a file that does not start with SQLite's own header
    is encrypted (or not SQLite at all). Where encryption can tell more, this is the place to ask it.
    """
    from mentorcli.store.db import is_encrypted

    if is_encrypted(path):
        raise InputError(
            N_("{path} is encrypted: Datasette cannot open it (db decrypt first, on a machine you trust)", path=path),
            field="db serve",
        )
    with path.open("rb") as f:
        header = f.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise InputError(
            N_("{path} is encrypted or not a plain SQLite file; Datasette opens only a plain register", path=path),
            field="db serve",
        )


def settle(reg: Register) -> None:
    """Move what the write-ahead log holds into the main file: an immutable reader never reads the log."""
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def served_metadata(database: str) -> dict[str, Any]:
    """The shipped metadata, and on a server: personal tables closed even by their address."""
    metadata = datasette_metadata(database)
    tables = metadata["databases"][database]["tables"]
    for name in TABLES:
        tables.setdefault(name, {}).update({"hidden": True, "allow": False})
    return metadata
