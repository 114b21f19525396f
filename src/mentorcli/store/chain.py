"""The audit log's hash chain, the triggers that keep data rows tied to it, and ``audit verify``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mentorcli.core.chain import GENESIS, entry_hash
from mentorcli.core.messages import N_
from mentorcli.store.exchange import TRAVELLING

# Rows that came with the schema, not from a change: the built-in activity types.
SHIPPED = {"activity_types": "builtin = 1"}
# Entries that may be the last change of rows of any table: what a migration, an import of a
# whole file, a takeover of a handover file or a merged bundle wrote carries that one entry.
WIDE_ACTIONS = ("migrate", "import", "takeover", "merge")


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """The id and hash of the newest entry (0 and the genesis hash in an empty log)."""
    row = conn.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1] or GENESIS)) if row else (0, GENESIS)


def append(conn: sqlite3.Connection, command: str, action: str, tbl: str, record: str, fields: str) -> int:
    """Append one entry chained to the newest one; returns its id.

    The head is read for each entry rather than kept: a savepoint rolled back (a bad import row)
    takes its entries with it, and one indexed read costs microseconds.
    """
    last, previous = head(conn)
    entry = (last + 1, datetime.now(UTC).isoformat(timespec="seconds"), command, action, tbl, record, fields)
    conn.execute(
        "INSERT INTO audit (id, at, command, action, tbl, record, fields, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*entry, previous, entry_hash(previous, entry)),
    )
    return last + 1


def audited_tables(conn: sqlite3.Connection) -> list[str]:
    """The travelling tables of this file that carry ``audit_id``."""
    out = []
    for table in TRAVELLING:
        if any(r[1] == "audit_id" for r in conn.execute(f'PRAGMA table_info("{table}")')):
            out.append(table)
    return out


def lay_triggers(conn: sqlite3.Connection) -> None:
    """Refuse an update of a data row that does not name a newer audit entry: a change made
    outside mentorcli must drop a trigger (which ``audit verify`` sees) or write an entry."""
    for table in audited_tables(conn):
        conn.execute(f'DROP TRIGGER IF EXISTS "{table}_audited"')
        # Not on recorded_on alone: the command's own as-of triggers (store.versions) date the row
        # right after the audited change, in the same statement.
        watched = ", ".join(f'"{r[1]}"' for r in conn.execute(f'PRAGMA table_info("{table}")') if r[1] != "recorded_on")
        conn.execute(
            f'CREATE TRIGGER "{table}_audited" BEFORE UPDATE OF {watched} ON "{table}" '
            # The same entry may change a row again only while it is the newest: one imported
            # file is one entry (SPEC 10), and its later rows may end what its earlier rows began.
            "WHEN NEW.audit_id IS NULL OR NEW.audit_id < OLD.audit_id OR (NEW.audit_id IS OLD.audit_id "
            "AND NEW.audit_id < (SELECT max(id) FROM audit)) "
            f"BEGIN SELECT RAISE(ABORT, '{table}: a change needs an audit entry of its own'); END"
        )


def lift_triggers(conn: sqlite3.Connection) -> None:
    """For migrations, which may rewrite rows; ``lay_triggers`` lays them again."""
    for table in TRAVELLING:
        conn.execute(f'DROP TRIGGER IF EXISTS "{table}_audited"')


def chain_all(conn: sqlite3.Connection) -> None:
    """Hash every entry in order (migration 0012): the log as it stands becomes the chain's start."""
    previous = GENESIS
    rows = conn.execute("SELECT id, at, command, action, tbl, record, fields FROM audit ORDER BY id").fetchall()
    hashes = []
    for r in rows:
        h = entry_hash(previous, tuple(r))
        hashes.append((previous, h, r[0]))
        previous = h
    conn.executemany("UPDATE audit SET prev_hash = ?, hash = ? WHERE id = ?", hashes)


@dataclass
class Verified:
    entries: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)


def _shipped_triggers() -> dict[str, str]:
    """The triggers a register made by this mentorcli has: the migrations run on an empty one."""
    from mentorcli.store.migrations import migrate

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(conn)
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    finally:
        conn.close()


def verify(conn: sqlite3.Connection, expected_head: str | None = None) -> Verified:
    """The triggers as shipped, the chain unbroken (and reaching ``expected_head``), and every
    data row tied to an entry that exists and names its table (and, for clients and events, its
    client). Problems are named in that order, the first broken entry first."""
    out = Verified()
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    for name, sql in sorted(_shipped_triggers().items()):
        if name not in found:
            out.problems.append(N_("trigger {name} was dropped", name=name))
        elif found[name] != sql:
            out.problems.append(N_("trigger {name} is not the one mentorcli made", name=name))
    out.problems += _chain_problems(conn, out)
    if expected_head is not None:
        known = conn.execute("SELECT id FROM audit WHERE hash = ?", (expected_head.strip().lower(),)).fetchone()
        if known is None:
            out.problems.append(
                N_("head {head} is not in the log: entries were removed from its end or rewritten", head=expected_head)
            )
    out.problems += _row_problems(conn)
    return out


def _chain_problems(conn: sqlite3.Connection, out: Verified) -> list[str]:
    cur = conn.cursor()
    cur.row_factory = None
    previous, last = GENESIS, 0
    for *entry, prev_hash, stored in cur.execute(
        "SELECT id, at, command, action, tbl, record, fields, prev_hash, hash FROM audit ORDER BY id"
    ):
        out.entries += 1
        eid = entry[0]
        if eid != last + 1:
            return [N_("audit entry {id}: the entries before it from {first} were deleted", id=eid, first=last + 1)]
        if prev_hash != previous:
            return [N_("audit entry {id}: the chain is broken before it (an entry was deleted)", id=eid)]
        if stored != entry_hash(previous, entry):
            return [N_("audit entry {id}: changed after it was written", id=eid)]
        previous, last = stored, eid
    out.head = previous
    return []


def _row_problems(conn: sqlite3.Connection) -> list[str]:
    """One line per table: the first row whose audit entry is missing or is not its change."""
    problems: list[str] = []
    wide = ", ".join(f"'{a}'" for a in WIDE_ACTIONS)
    for table in audited_tables(conn):
        of_entry = f'SELECT "{table}".rowid, a.id FROM "{table}" JOIN audit a ON a.id = "{table}".audit_id'
        client = {"clients": "id", "events": "client_id", "personal_clients": "client_id"}.get(table)
        checks: list[tuple[str, tuple[Any, ...], str]] = [
            (
                f'SELECT rowid, NULL FROM "{table}" WHERE audit_id IS NULL AND NOT ({SHIPPED.get(table, "0")}) LIMIT 1',
                (),
                "empty",
            ),
            (
                f'SELECT rowid, audit_id FROM "{table}" WHERE audit_id NOT IN (SELECT id FROM audit) LIMIT 1',
                (),
                "missing",
            ),
            (
                f"{of_entry} WHERE a.tbl NOT IN ({', '.join('?' * len(TRAVELLING[table]))}) "
                f"AND a.action NOT IN ({wide}) LIMIT 1",
                TRAVELLING[table],
                "table",
            ),
        ]
        if client:
            checks.append(
                (
                    f'{of_entry} JOIN clients c ON c.id = "{table}".{client} '
                    f"WHERE a.record IS NOT c.code AND a.action NOT IN ({wide}) LIMIT 1",
                    (),
                    "client",
                )
            )
        for sql, params, kind in checks:
            found = conn.execute(sql, params).fetchone()
            if found is not None:
                problems.append(_row_problem(kind, table, found[0], found[1]))
                break
    return problems


def _row_problem(kind: str, table: str, row: int, entry: int | None) -> str:
    if kind == "empty":
        return N_("{table} row {row}: changed without an audit entry (its audit_id is empty)", table=table, row=row)
    if kind == "missing":
        return N_("{table} row {row}: its audit entry {entry} does not exist", table=table, row=row, entry=entry)
    if kind == "table":
        return N_(
            "{table} row {row}: its audit entry {entry} is a change of another table", table=table, row=row, entry=entry
        )
    return N_(
        "{table} row {row}: its audit entry {entry} is a change of another client", table=table, row=row, entry=entry
    )
