"""Clients, their events and the windows and episodes derived from them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mentorcli.core import clients as fields
from mentorcli.core.clients import Client
from mentorcli.core.eligibility import Episode, ServiceEvent, Timeline, Window, compute
from mentorcli.core.errors import InputError, NotFound
from mentorcli.core.events import check_event, check_new
from mentorcli.core.legal import STATUS_EVENTS, StatusEvent
from mentorcli.core.policy import PolicyHistory, Version, dump_value
from mentorcli.store.db import connect, transaction

SERVICE = ("intake", "resume", "exit")
# Personal data and free text: the audit log records that these changed, never their values,
# so that erasing a client leaves no copy behind in the log (which is never rewritten).
PERSONAL = frozenset({"name", "note", "text", "languages"})


@dataclass(frozen=True)
class Move:
    date: date
    residence: str


@dataclass(frozen=True)
class Record:
    """Everything recorded about one client, read in one go."""

    client: Client
    status_events: tuple[StatusEvent, ...]
    service_events: tuple[ServiceEvent, ...]
    moves: tuple[Move, ...]

    def residence_on(self, day: date) -> str:
        where = self.client.residence
        for m in self.moves:
            if m.date <= day:
                where = m.residence
        return where


class Register:
    """An open database for one command: its connection, what "today" is, and who writes."""

    def __init__(self, conn: sqlite3.Connection, today: date, command: str) -> None:
        self.conn = conn
        self.today = today
        self.command = command
        self._policies: PolicyHistory | None = None
        self._per_file = False

    # --- audit --------------------------------------------------------------------------
    @contextmanager
    def one_audit_entry(self) -> Iterator[None]:
        """Changes made inside are audited by the caller as one entry (an imported file), not one by one."""
        self._per_file = True
        try:
            yield
        finally:
            self._per_file = False

    def audit(self, action: str, tbl: str, record: str, changed: dict[str, Any] | None = None) -> None:
        if self._per_file:
            return
        safe = {k: ("(changed)" if k in PERSONAL and v is not None else v) for k, v in (changed or {}).items()}
        self.conn.execute(
            "INSERT INTO audit (at, command, action, tbl, record, fields) VALUES (?, ?, ?, ?, ?, ?)",
            (
                datetime.now(UTC).isoformat(timespec="seconds"),
                self.command,
                action,
                tbl,
                record,
                json.dumps(safe, ensure_ascii=False, sort_keys=True, default=str),
            ),
        )

    # --- policy -------------------------------------------------------------------------
    @property
    def policies(self) -> PolicyHistory:
        if self._policies is None:
            rows = self.conn.execute("SELECT key, value, valid_from FROM policy ORDER BY id")
            self._policies = PolicyHistory(
                Version(r["key"], json.loads(r["value"]), date.fromisoformat(r["valid_from"])) for r in rows
            )
        return self._policies

    def set_policy(self, key: str, value: Any, valid_from: date) -> None:
        self.conn.execute(
            "INSERT INTO policy (key, value, valid_from, recorded) VALUES (?, ?, ?, ?)",
            (key, dump_value(value), valid_from.isoformat(), datetime.now(UTC).isoformat(timespec="seconds")),
        )
        self.audit("set", "policy", key, {"value": value, "from": valid_from.isoformat()})
        self._policies = None
        # Every window may follow the new rule: derive them all again (and refuse if a recorded
        # episode would fall outside eligibility under it).
        for (cid,) in self.conn.execute("SELECT id FROM clients").fetchall():
            self.refresh(self.record_by_id(cid))

    # --- clients ------------------------------------------------------------------------
    def client_id(self, code: str) -> int:
        row = self.conn.execute("SELECT id FROM clients WHERE code = ?", (code,)).fetchone()
        if row is None:
            raise NotFound(f"code: '{code}' is not in the register")
        return int(row[0])

    def record(self, code: str) -> Record:
        return self.record_by_id(self.client_id(code))

    def record_by_id(self, cid: int) -> Record:
        row = self.conn.execute("SELECT * FROM clients WHERE id = ?", (cid,)).fetchone()
        events = self.conn.execute(
            "SELECT date, event, value FROM events WHERE client_id = ? ORDER BY date, id", (cid,)
        )
        status, service, moves = split((date.fromisoformat(e[0]), e[1], e[2]) for e in events)
        return Record(_client(row), status, service, moves)

    def timeline(self, rec: Record) -> Timeline:
        return compute(rec.client.arrived, rec.status_events, rec.service_events, self.policies)

    def add_client(self, client: Client, intake: date | None) -> int:
        fields.check_born(client.born, client.arrived)
        fields.check_not_future(client.arrived, self.today, "arrived")
        if self.conn.execute("SELECT 1 FROM clients WHERE code = ?", (client.code,)).fetchone():
            raise InputError(f"code: '{client.code}' is already in the register")
        values = client_columns(client)
        cur = self.conn.execute(
            f"INSERT INTO clients ({', '.join(values)}, created) VALUES ({', '.join('?' * len(values))}, ?)",
            (*values.values(), datetime.now(UTC).isoformat(timespec="seconds")),
        )
        cid = int(cur.lastrowid or 0)
        self.audit("add", "clients", client.code, values)
        if intake is not None:
            try:
                self.record_event(client.code, intake, "intake", None)
            except InputError as e:
                raise as_intake(e) from None
        else:
            self.refresh(self.record_by_id(cid))
        return cid

    def edit_client(self, code: str, changes: dict[str, Any]) -> None:
        rec = self.record(code)
        updated = replace(rec.client, **changes)
        fields.check_born(updated.born, updated.arrived)
        fields.check_not_future(updated.arrived, self.today, "arrived")
        values = client_columns(updated)
        sets = ", ".join(f"{k} = ?" for k in values)
        self.conn.execute(f"UPDATE clients SET {sets} WHERE id = ?", (*values.values(), rec.client.id))
        self.audit("edit", "clients", code, {k: values[k] for k in _columns_of(changes)})
        self.refresh(self.record_by_id(rec.client.id or 0))

    def record_event(self, code: str, day: date, event: str, value: str | None) -> Timeline:
        """Record one dated event; refused, with nothing written, if it cannot have happened.

        Commands and events.csv rows both come through here, so both pass the same checks.
        """
        event, value = check_event(event, value)
        cid = self.client_id(code)
        arrived = self.conn.execute("SELECT arrived FROM clients WHERE id = ?", (cid,)).fetchone()[0]
        known = {
            (date.fromisoformat(r[0]), r[1], r[2])
            for r in self.conn.execute("SELECT date, event, value FROM events WHERE client_id = ?", (cid,))
        }
        check_new(code, date.fromisoformat(arrived), known, day, event, value, self.today)
        self.conn.execute(
            "INSERT INTO events (client_id, date, event, value, recorded) VALUES (?, ?, ?, ?, ?)",
            (cid, day.isoformat(), event, value, datetime.now(UTC).isoformat(timespec="seconds")),
        )
        self.audit("add", "events", code, {"date": day.isoformat(), "event": event, "value": value})
        return self.refresh(self.record_by_id(cid))

    def refresh(self, rec: Record) -> Timeline:
        """Derive windows and episodes again; this is where impossible histories are refused."""
        tl = self.timeline(rec)
        cid = rec.client.id or 0
        self.conn.execute("DELETE FROM windows WHERE client_id = ?", (cid,))
        self.conn.execute("DELETE FROM episodes WHERE client_id = ?", (cid,))
        windows, episodes = derived_rows(cid, tl.windows, tl.episodes)
        self.conn.executemany(INSERT_WINDOW, windows)
        self.conn.executemany(INSERT_EPISODE, episodes)
        return tl

    def codes(self, where: str = "", params: Iterable[Any] = ()) -> list[str]:
        return [r[0] for r in self.conn.execute(f"SELECT code FROM clients {where} ORDER BY code", tuple(params))]


INSERT_WINDOW = "INSERT INTO windows (client_id, seq, kind, start, end, ended_by) VALUES (?, ?, ?, ?, ?, ?)"
INSERT_EPISODE = "INSERT INTO episodes (client_id, seq, start, end, end_reason, first) VALUES (?, ?, ?, ?, ?, ?)"


def derived_rows(
    cid: int, windows: Sequence[Window], episodes: Sequence[Episode]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows of ``windows`` and ``episodes`` that stand for a client's timeline."""
    return (
        [(cid, i, w.kind, w.start.isoformat(), iso_date(w.end), w.ended_by) for i, w in enumerate(windows)],
        [(cid, i, e.start.isoformat(), iso_date(e.end), e.end_reason, int(e.first)) for i, e in enumerate(episodes)],
    )


def split(
    events: Iterable[tuple[date, str, str | None]],
) -> tuple[tuple[StatusEvent, ...], tuple[ServiceEvent, ...], tuple[Move, ...]]:
    """A client's recorded events, in order, as the core takes them: decisions, service, moves."""
    status: list[StatusEvent] = []
    service: list[ServiceEvent] = []
    moves: list[Move] = []
    for day, event, value in events:
        if event in STATUS_EVENTS:
            status.append(StatusEvent(day, event, value))
        elif event in SERVICE:
            service.append(ServiceEvent(day, event, value))
        else:
            moves.append(Move(day, value or ""))
    return tuple(status), tuple(service), tuple(moves)


def as_intake(e: InputError) -> InputError:
    """An intake given with the client is the ``intake`` field's problem, not a ``date``'s."""
    field, _, reason = str(e).partition(": ")
    return InputError(f"intake: {reason}" if field == "date" else str(e))


def iso_date(d: date | None) -> str | None:
    return d.isoformat() if d else None


_CLIENT_COLUMNS = (
    "code",
    "name",
    "sex",
    "born",
    "born_year_only",
    "country",
    "languages",
    "arrived",
    "route",
    "residence",
    "family",
)


def client_columns(c: Client) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "sex": c.sex,
        "born": c.born.isoformat(),
        "born_year_only": int(c.born_year_only),
        "country": c.country,
        "languages": c.languages,
        "arrived": c.arrived.isoformat(),
        "route": c.route,
        "residence": c.residence,
        "family": c.family,
    }


def _columns_of(changes: dict[str, Any]) -> list[str]:
    return [k for k in _CLIENT_COLUMNS if k in changes]


def _client(row: sqlite3.Row) -> Client:
    return Client(
        id=row["id"],
        code=row["code"],
        name=row["name"],
        sex=row["sex"],
        born=date.fromisoformat(row["born"]),
        born_year_only=bool(row["born_year_only"]),
        country=row["country"],
        languages=row["languages"],
        arrived=date.fromisoformat(row["arrived"]),
        route=row["route"],
        residence=row["residence"],
        family=row["family"],
    )


@contextmanager
def open_register(path: Path, today: date, command: str, *, write: bool, commit: bool = True) -> Iterator[Register]:
    """The database for one command; a writing command runs in one transaction."""
    conn = connect(path, create=write)
    try:
        if write and commit:
            with transaction(conn):
                yield Register(conn, today, command)
        elif write:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Register(conn, today, command)
            finally:
                conn.execute("ROLLBACK")
        else:
            # A read sees one consistent snapshot even while another process writes.
            conn.execute("BEGIN")
            try:
                yield Register(conn, today, command)
            finally:
                conn.execute("ROLLBACK")
    finally:
        conn.close()
