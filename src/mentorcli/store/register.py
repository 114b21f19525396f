"""Clients, their events and the windows and episodes derived from them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mentorcli.core import clients as fields
from mentorcli.core.clients import Client
from mentorcli.core.eligibility import Episode, ServiceEvent, Timeline, Window, compute
from mentorcli.core.errors import InputError, NotFound
from mentorcli.core.events import check_event
from mentorcli.core.legal import STATUS_EVENTS, StatusEvent
from mentorcli.core.messages import N_
from mentorcli.core.policy import PolicyHistory, Version, dump_value
from mentorcli.store.db import open_tracked, transaction

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

    def __init__(self, conn: sqlite3.Connection, today: date, command: str, *, created: bool = False) -> None:
        self.conn = conn
        self.created = created  # this command made the file
        self.today = today
        self.command = command
        self.migrated: list[str] = []  # migration steps applied on opening it
        self._policies: PolicyHistory | None = None

    # --- audit --------------------------------------------------------------------------
    def audit(self, action: str, tbl: str, record: str, changed: dict[str, Any] | None = None) -> None:
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
            raise NotFound(N_("'{value}' is not in the register", value=code), field="code")
        return int(row[0])

    def record(self, code: str) -> Record:
        return self.record_by_id(self.client_id(code))

    def record_by_id(self, cid: int) -> Record:
        row = self.conn.execute("SELECT * FROM clients WHERE id = ?", (cid,)).fetchone()
        status: list[StatusEvent] = []
        service: list[ServiceEvent] = []
        moves: list[Move] = []
        for e in self.conn.execute(
            "SELECT date, event, value FROM events WHERE client_id = ? ORDER BY date, id", (cid,)
        ):
            day = date.fromisoformat(e["date"])
            if e["event"] in STATUS_EVENTS:
                status.append(StatusEvent(day, e["event"], e["value"]))
            elif e["event"] in SERVICE:
                service.append(ServiceEvent(day, e["event"], e["value"]))
            else:
                moves.append(Move(day, e["value"]))
        return Record(_client(row), tuple(status), tuple(service), tuple(moves))

    def timeline(self, rec: Record) -> Timeline:
        return compute(rec.client.arrived, rec.status_events, rec.service_events, self.policies)

    def add_client(self, client: Client, intake: date | None) -> int:
        fields.check_born(client.born, client.arrived)
        fields.check_not_future(client.arrived, self.today, "arrived")
        if self.conn.execute("SELECT 1 FROM clients WHERE code = ?", (client.code,)).fetchone():
            raise InputError(N_("'{value}' is already in the register", value=client.code), field="code")
        values = _columns(client)
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
                if e.field != "date":
                    raise
                raise InputError(e.reason, field="intake") from None
        else:
            self.refresh(self.record_by_id(cid))
        return cid

    def edit_client(self, code: str, changes: dict[str, Any]) -> None:
        rec = self.record(code)
        updated = replace(rec.client, **changes)
        fields.check_born(updated.born, updated.arrived)
        fields.check_not_future(updated.arrived, self.today, "arrived")
        values = _columns(updated)
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
        fields.check_not_future(day, self.today, "date")
        same = self.conn.execute(
            "SELECT 1 FROM events WHERE client_id = ? AND date = ? AND event = ? AND value IS ?",
            (cid, day.isoformat(), event, value),
        ).fetchone()
        if same:
            raise InputError(
                N_("{event} on {day} is already recorded for {code}", event=event, day=day, code=code), field="event"
            )
        changed: dict[str, Any] = {"date": day.isoformat(), "event": event, "value": value}
        action = "add"
        if event == "move":
            rec = self.record_by_id(cid)
            if day < rec.client.arrived:
                raise InputError(
                    N_("move on {day} is before arrival on {arrival}", day=day, arrival=rec.client.arrived),
                    field="date",
                )
            # One residence a day: a second move that day corrects the first (SPEC 2).
            earlier = self.conn.execute(
                "SELECT id, value FROM events WHERE client_id = ? AND date = ? AND event = 'move'",
                (cid, day.isoformat()),
            ).fetchone()
            if earlier is not None:
                self.conn.execute("DELETE FROM events WHERE id = ?", (earlier["id"],))
                action, changed["replaces"] = "correct", earlier["value"]
        self.conn.execute(
            "INSERT INTO events (client_id, date, event, value, recorded) VALUES (?, ?, ?, ?, ?)",
            (cid, day.isoformat(), event, value, datetime.now(UTC).isoformat(timespec="seconds")),
        )
        self.audit(action, "events", code, changed)
        return self.refresh(self.record_by_id(cid))

    def refresh(self, rec: Record) -> Timeline:
        """Derive windows and episodes again; this is where impossible histories are refused."""
        tl = self.timeline(rec)
        cid = rec.client.id
        self.conn.execute("DELETE FROM windows WHERE client_id = ?", (cid,))
        self.conn.execute("DELETE FROM episodes WHERE client_id = ?", (cid,))
        self.conn.executemany(
            "INSERT INTO windows (client_id, seq, kind, start, end, ended_by) VALUES (?, ?, ?, ?, ?, ?)",
            [(cid, i, w.kind, w.start.isoformat(), _iso(w.end), w.ended_by) for i, w in enumerate(tl.windows)],
        )
        self.conn.executemany(
            "INSERT INTO episodes (client_id, seq, start, end, end_reason, first) VALUES (?, ?, ?, ?, ?, ?)",
            [(cid, i, e.start.isoformat(), _iso(e.end), e.end_reason, int(e.first)) for i, e in enumerate(tl.episodes)],
        )
        return tl

    def stored_spans(self, ids: Iterable[int]) -> dict[int, tuple[list[Window], list[Episode]]]:
        """The windows and episodes as last derived, of these clients, without deriving them again."""
        wanted = sorted(set(ids))
        out: dict[int, tuple[list[Window], list[Episode]]] = {cid: ([], []) for cid in wanted}
        for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
            marks = ",".join("?" * len(chunk))
            for r in self.conn.execute(
                f'SELECT client_id, kind, start, "end", ended_by FROM windows WHERE client_id IN ({marks}) '
                "ORDER BY client_id, seq",
                chunk,
            ):
                out[r[0]][0].append(Window(r[1], date.fromisoformat(r[2]), _day(r[3]), r[4]))
            for r in self.conn.execute(
                f'SELECT client_id, start, "end", end_reason, first FROM episodes WHERE client_id IN ({marks}) '
                "ORDER BY client_id, seq",
                chunk,
            ):
                out[r[0]][1].append(Episode(date.fromisoformat(r[1]), _day(r[2]), r[3], bool(r[4])))
        return out

    def codes(self, where: str = "", params: dict[str, Any] | None = None) -> list[str]:
        return [r[0] for r in self.conn.execute(f"SELECT code FROM clients {where} ORDER BY code", params or {})]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


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


def _columns(c: Client) -> dict[str, Any]:
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
    """The database for one command; a writing command runs in one transaction.

    A file this command created is removed again unless the command wrote into it: a dry run, a
    refused write or a write with nothing to do leaves nothing behind. ``Register.created`` then
    tells the caller it made one.
    """
    migrated: list[str] = []
    conn, created = open_tracked(path, create=write, migrated=migrated)
    # Creating the schema is not a write of the command's own.
    schema_only = conn.total_changes
    kept = False
    reg = Register(conn, today, command, created=created is not None)
    reg.migrated = migrated
    try:
        if write and commit:
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
