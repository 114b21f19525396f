"""Settings kept in the register itself (``db set``): what a coordinator chooses once for the file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported before every command: no more than sqlite3 at run time
    from mentorcli.store.register import Register

# Each setting and the values it takes.
SETTINGS: dict[str, tuple[str, ...]] = {"lang": ("en", "lv")}


def stored(reg: Register) -> dict[str, str]:
    return {str(k): str(v) for k, v in reg.conn.execute("SELECT key, value FROM settings ORDER BY key")}


def put(reg: Register, key: str, value: str) -> None:
    """Set ``key``, audited like every change."""
    reg.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, value))
    reg.audit("set", "settings", key, {"value": value})


def peek_language(path: Path, passphrase: Callable[[], str | None] | None = None) -> str | None:
    """The language stored in the file at ``path``, read before any command runs (help included).

    Read-only and silent: no file, an older schema or a locked or foreign file mean "not set", and
    the command itself then reports whatever is wrong. An encrypted file is read only when
    ``passphrase`` gives its passphrase without asking.
    """
    if not path.is_file():
        return None
    from mentorcli.store.db import is_encrypted

    if is_encrypted(path):
        return _peek_encrypted(path, passphrase() if passphrase else None)
    with suppress(sqlite3.Error), closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        row = conn.execute("SELECT value FROM settings WHERE key = 'lang'").fetchone()
        return str(row[0]) if row and row[0] in SETTINGS["lang"] else None
    return None


def _peek_encrypted(path: Path, passphrase: str | None) -> str | None:
    from mentorcli.core.errors import MentorError
    from mentorcli.store import cipher

    if not passphrase:
        return None
    with suppress(sqlite3.Error, MentorError, OSError):
        rows = cipher.peek(path, passphrase).execute("SELECT value FROM settings WHERE key = 'lang'").fetchall()
        return str(rows[0][0]) if rows and rows[0][0] in SETTINGS["lang"] else None
    return None
