"""The open database for one command: its connection, "today", the audit log and the policy in force.

The store's operations are free functions in one module per noun (clients, staff, assignments,
plans, activities, …) that take a ``Register`` as their first argument.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date
from pathlib import Path
from typing import Any

from mentorcli.core.policy import PolicyHistory, Version
from mentorcli.store.db import Passphrase, open_tracked, transaction

# Personal data and free text: the audit log records that these changed, never their values,
# so that erasing a client leaves no copy behind in the log (which is never rewritten).
PERSONAL = frozenset({"name", "note", "text", "languages"})


class Register:
    """An open database for one command: its connection, what "today" is, and who writes."""

    def __init__(self, conn: sqlite3.Connection, today: date, command: str, *, created: bool = False) -> None:
        self.conn = conn
        self.created = created  # this command made the file
        self.today = today
        self.command = command
        self.migrated: list[str] = []  # migration steps applied on opening it
        self._policies: PolicyHistory | None = None
        self._entry: int | None = None  # the one audit entry of the file being imported

    # --- audit --------------------------------------------------------------------------
    @contextmanager
    def one_audit_entry(
        self, action: str, tbl: str, record: str, changed: dict[str, Any] | None = None
    ) -> Iterator[int]:
        """Changes made inside are audited as this one entry (an imported file, SPEC 10): it is
        written first, and every ``audit`` inside returns its id, for the rows to carry, and writes
        nothing of its own."""
        entry = self.audit(action, tbl, record, changed)
        self._entry = entry
        try:
            yield entry
        finally:
            self._entry = None

    def audit(self, action: str, tbl: str, record: str, changed: dict[str, Any] | None = None) -> int:
        """Append one entry; returns its id, which the rows it wrote carry as ``audit_id``."""
        if self._entry is not None:
            return self._entry
        from mentorcli.store.chain import append

        safe = {k: ("(changed)" if k in PERSONAL and v is not None else v) for k, v in (changed or {}).items()}
        fields = json.dumps(safe, ensure_ascii=False, sort_keys=True, default=str)
        return append(self.conn, self.command, action, tbl, record, fields)

    # --- policy -------------------------------------------------------------------------
    @property
    def policies(self) -> PolicyHistory:
        if self._policies is None:
            rows = self.conn.execute("SELECT key, value, valid_from FROM policy ORDER BY audit_id, id")
            self._policies = PolicyHistory(
                Version(r["key"], json.loads(r["value"]), date.fromisoformat(r["valid_from"])) for r in rows
            )
        return self._policies

    def forget_policies(self) -> None:
        """After a change to the policy table: read it again when next asked."""
        self._policies = None


@contextmanager
def open_register(
    path: Path, today: date, command: str, *, write: bool, commit: bool = True, passphrase: Passphrase | None = None
) -> Iterator[Register]:
    """The database for one command; a writing command runs in one transaction.

    A file this command created is removed again unless the command wrote into it: a dry run, a
    refused write or a write with nothing to do leaves nothing behind. ``Register.created`` then
    tells the caller it made one. ``passphrase`` is called only when the file is encrypted.
    """
    migrated: list[str] = []
    conn, created = open_tracked(path, create=write, migrated=migrated, passphrase=passphrase)
    # Creating the schema is not a write of the command's own.
    schema_only = conn.total_changes
    kept = False
    reg = Register(conn, today, command, created=created is not None)
    reg.migrated = migrated
    if write:
        from mentorcli.store.versions import track

        track(reg)
    try:
        if write and commit and created is not None:
            # A register this command makes takes its first transaction without the write-ahead
            # log: each page goes to the file once, not to the log and then again to the file
            # (140 MB of an import of 100,000 clients: 0.4 s of system time). No one else has used
            # the file yet; WAL is laid again once the transaction is in, and by every opening if
            # another process holding the new file open keeps it from being laid here.
            conn.execute("PRAGMA journal_mode = DELETE")
            with transaction(conn):
                yield reg
            kept = conn.total_changes > schema_only
            with suppress(sqlite3.OperationalError):
                conn.execute("PRAGMA journal_mode = WAL")
        elif write and commit:
            with transaction(conn):
                yield reg
            kept = conn.total_changes > schema_only
        elif write:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield reg
            finally:
                conn.execute("ROLLBACK")
        else:
            # A read sees one consistent snapshot even while another process writes.
            conn.execute("BEGIN")
            try:
                yield reg
            finally:
                conn.execute("ROLLBACK")
    finally:
        conn.close()
        if created and not kept:
            created.discard()
            reg.created = False
