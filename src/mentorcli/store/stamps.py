"""Derivation stamps: which clients' stored windows and episodes are known to follow from their records.

A stamp (``derivation_stamps``: client id, the rules version) says that the client's windows and
episodes were derived from what the register holds now, under ``RULES_VERSION``: the writers stamp
a client in the transaction that derives it (``store.clients.refresh``, the bulk import), and the
triggers below remove the stamp whenever anything the derivation reads or writes changes — the
client's events, windows, episodes and earlier providers' episodes, its arrival or merge, any
version of the policy — whoever makes the change, mentorcli or plain SQL. ``db check`` derives
again only the clients without a stamp of the current rules (``--full``: everyone).

The table is local: it does not travel (``store.exchange.TRAVELLING``), is not versioned and is in
no audit entry; a copy derives and stamps its own. A trigger dropped voids every stamp
(``triggers_intact``); a later migration that must change a trigger drops and lays it again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from mentorcli.core.eligibility import RULES_VERSION

TABLE = "derivation_stamps"

_VOID_CLIENT = f"DELETE FROM {TABLE} WHERE client_id = {{}}"
_VOID_ALL = f"DELETE FROM {TABLE}"


def _triggers() -> dict[str, str]:
    out: dict[str, str] = {}

    def lay(name: str, when: str, table: str, *voids: str) -> None:
        body = " ".join(f"{v};" for v in voids)
        out[name] = f'CREATE TRIGGER "{name}" AFTER {when} ON "{table}" BEGIN {body} END'

    for table in ("events", "windows", "episodes", "earlier_episodes"):
        lay(f"stamp_{table}_insert", "INSERT", table, _VOID_CLIENT.format("NEW.client_id"))
        lay(
            f"stamp_{table}_update",
            "UPDATE",
            table,
            _VOID_CLIENT.format("OLD.client_id"),
            _VOID_CLIENT.format("NEW.client_id"),
        )
        lay(f"stamp_{table}_delete", "DELETE", table, _VOID_CLIENT.format("OLD.client_id"))
    # What the derivation reads of the client's own row: its arrival, and whether it was merged away.
    lay(
        "stamp_clients_update",
        "UPDATE OF id, arrived, merged_into",
        "clients",
        _VOID_CLIENT.format("OLD.id"),
        _VOID_CLIENT.format("NEW.id"),
    )
    lay("stamp_clients_delete", "DELETE", "clients", _VOID_CLIENT.format("OLD.id"))
    for op in ("INSERT", "UPDATE", "DELETE"):
        lay(f"stamp_policy_{op.lower()}", op, "policy", _VOID_ALL)
    return out


TRIGGERS = _triggers()


def create(conn: sqlite3.Connection) -> None:
    """The table and its triggers (migration 0016); a register starts with no stamp."""
    conn.execute(f"CREATE TABLE {TABLE} (client_id INTEGER PRIMARY KEY, rules INTEGER NOT NULL)")
    for sql in TRIGGERS.values():
        conn.execute(sql)


def stamp(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """These clients' windows and episodes were just derived from what the register holds."""
    conn.executemany(
        f"INSERT OR REPLACE INTO {TABLE} (client_id, rules) VALUES (?, {RULES_VERSION})", ((i,) for i in ids)
    )


def void(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """What the triggers do, for a writer that lifted them: these clients' stamps are gone."""
    conn.executemany(f"DELETE FROM {TABLE} WHERE client_id = ?", ((i,) for i in ids))


@contextmanager
def lifted(conn: sqlite3.Connection) -> Iterator[None]:
    """Without the triggers, inside a writer's transaction: for a writer of many rows (the bulk
    import, the benchmark's generator) that voids the stamps of every client it writes and stamps
    those it derives. Laid again as they were when it is done; if it fails, the transaction rolls
    back and they were never gone. No other connection sees the file without them."""
    intact = triggers_intact(conn)
    for name in TRIGGERS:
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    yield
    if not intact:
        # Some change may have gone by without them: no stamp is to be trusted once they are back.
        conn.execute(f"DELETE FROM {TABLE}")
    for sql in TRIGGERS.values():
        conn.execute(sql)


def triggers_intact(conn: sqlite3.Connection) -> bool:
    """Every trigger as laid: without one, a change could leave a stamp standing."""
    found = dict(
        conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'stamp_%'").fetchall()
    )
    return all(found.get(name) == sql for name, sql in TRIGGERS.items())


def unstamped(conn: sqlite3.Connection) -> str:
    """A condition on ``clients c``: the clients whose stored derivation is not known to be current
    (every client when a trigger is missing)."""
    if not triggers_intact(conn):
        return "1"
    return (
        f"c.id IN (SELECT k.id FROM clients k LEFT JOIN {TABLE} s ON s.client_id = k.id AND s.rules = {RULES_VERSION} "
        "WHERE s.client_id IS NULL)"
    )


def keep(conn: sqlite3.Connection, ids: list[int]) -> bool:
    """Stamp the clients a read (``db check``) found derived as the rules derive them, in a write of
    its own; False when it could not, and they are derived again next time.

    The read's transaction is upgraded to a write, which SQLite refuses when another connection
    committed since the read began (WAL: its snapshot is no longer the newest): a client changed in
    between is never stamped. A read-only file refuses it too. The read goes on in a new transaction.
    """
    try:
        stamp(conn, ids)
        conn.execute("COMMIT")
    except sqlite3.OperationalError:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.execute("BEGIN")
        return False
    conn.execute("BEGIN")
    return True
