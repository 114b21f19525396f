"""Clients and events imported in sets: every row checked by the core in memory, then written at once.

A row means what its command means and passes the same checks, in the same order: the fields
(``core.clients``, ``core.events``), then the event against what is recorded of its client
(``core.events.check_new``), then the client's whole history (``core.eligibility.compute``).
Each client's history is checked once when it is sound; only a client with a bad row has its
events replayed one by one, in date order, to name exactly the rows a command would refuse.
Nothing is written until every row is checked; then clients, events, windows and episodes go in
with ``executemany`` and each file gets one audit entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mentorcli.core import clients as fields
from mentorcli.core.clients import Client
from mentorcli.core.countries import parse_country
from mentorcli.core.dates import parse_birth, parse_date
from mentorcli.core.eligibility import Timeline, compute
from mentorcli.core.errors import InputError
from mentorcli.core.events import check_event, check_new
from mentorcli.store.importer import Row, check_fields, malformed, name_problems
from mentorcli.store.register import (
    INSERT_EPISODE,
    INSERT_WINDOW,
    Register,
    as_intake,
    client_columns,
    derived_rows,
    split,
)

History = list[tuple[date, str, str | None]]


@dataclass
class _Event:
    day: date
    event: str
    value: str | None
    path: Path
    row: Row
    order: tuple[int, int, int]  # how a command would have met it: file, date (events), line
    intake: bool = False  # given with the client in clients.csv


@dataclass
class _Client:
    code: str
    arrival: date
    known: History  # recorded already, in (date, id) order
    new: Client | None = None  # added by this import
    path: Path | None = None
    row: Row | None = None
    pending: list[_Event] = field(default_factory=list)
    accepted: list[_Event] = field(default_factory=list)
    timeline: Timeline | None = None
    cid: int | None = None
    refused: bool = False


def _optional(check: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: check(text) if text else None


CLIENT_CHECKS: dict[str, Callable[[str], Any]] = {
    "code": fields.check_code,
    "sex": fields.check_sex,
    "born": lambda t: parse_birth(t, "born"),
    "country": parse_country,
    "arrived": lambda t: parse_date(t, "arrived"),
    "route": fields.check_route,
    "residence": fields.check_residence,
    "family": fields.check_family,
    "intake": _optional(lambda t: parse_date(t, "intake")),
}


def client_of(row: Row) -> tuple[Client, date | None]:
    """The client a clients.csv row describes and its intake; every field's problem raised together."""
    v = check_fields(row, CLIENT_CHECKS)
    client = Client(
        code=v["code"],
        sex=v["sex"],
        born=v["born"][0],
        born_year_only=v["born"][1],
        country=v["country"],
        arrived=v["arrived"],
        route=v["route"],
        residence=v["residence"],
        family=v["family"],
        name=row.values.get("name") or None,
    )
    return client, v["intake"]


def event_of(row: Row) -> tuple[date, str, str | None]:
    """The day, event and value of an events.csv row; the problems of date and event raised together."""
    v = row.values
    errors = []
    day: date | None = None
    checked: tuple[str, str | None] | None = None
    try:
        day = parse_date(v["date"], "date")
    except InputError as e:
        errors.append(str(e))
    try:
        checked = check_event(v["event"], v.get("value"))
    except InputError as e:
        errors.append(str(e))
    if errors or day is None or checked is None:
        raise InputError("\n".join(errors))
    return day, *checked


def date_order(row: Row, column: str = "date") -> tuple[int, int]:
    """Rows in date order (stable); a row with a bad date goes first, where its error is found."""
    try:
        return 1, parse_date(row.values[column], column).toordinal()
    except InputError:
        return 0, 0


class Bulk:
    """Clients and events of one import, checked together and written together."""

    def __init__(self, reg: Register) -> None:
        self.reg = reg
        self.files: list[tuple[Path, str, int]] = []  # path, table, rows
        self.problems: list[tuple[int, int, str]] = []  # file, line, text
        self.clients: dict[str, _Client] = {}  # every client this import touches, by code
        self.order: list[_Client] = []  # the clients it adds, in file order
        self._registered: dict[str, tuple[int, date]] | None = None
        self.refused_codes: set[str] = set()  # of clients.csv rows refused: their events are not named again

    def _problem(self, path: Path, row: Row, error: InputError | str) -> None:
        index = self._index(path)
        texts = [error] if isinstance(error, str) else name_problems(path, row, error)
        self.problems.extend((index, row.line, t) for t in texts)

    @property
    def registered(self) -> dict[str, tuple[int, date]]:
        """Code -> (id, arrival) of every client already in the register."""
        if self._registered is None:
            rows = self.reg.conn.execute("SELECT code, id, arrived FROM clients")
            self._registered = {r[0]: (r[1], date.fromisoformat(r[2])) for r in rows}
        return self._registered

    def add_clients(self, path: Path, rows: list[Row]) -> None:
        """clients.csv: each row as ``client add``, its intake as the client's first event."""
        index = len(self.files)
        self.files.append((path, "clients", len(rows)))
        seen: dict[str, int] = {}
        for row in rows:
            if bad := malformed(path, row):
                self._problem(path, row, bad)
                continue
            key = row.values.get("code", "")
            if key and key in seen:
                self._problem(path, row, f"{path.name}:{row.line}: code: '{key}' repeats line {seen[key]}")
                self.refused_codes.add(key)
                continue
            if key:
                seen[key] = row.line
            try:
                client, intake = client_of(row)
                fields.check_born(client.born, client.arrived)
                fields.check_not_future(client.arrived, self.reg.today, "arrived")
                if client.code in self.registered or client.code in self.clients:
                    raise InputError(f"code: '{client.code}' is already in the register")
            except InputError as e:
                self._problem(path, row, e)
                self.refused_codes.add(key)
                continue
            c = _Client(client.code, client.arrived, [], client, path, row)
            self.clients[client.code] = c
            self.order.append(c)
            if intake is not None:
                c.pending.append(_Event(intake, "intake", None, path, row, (index, 0, row.line), intake=True))

    def add_events(self, path: Path, rows: list[Row]) -> None:
        """events.csv: each row as its command; rows are met in date order."""
        index = len(self.files)
        self.files.append((path, "events", len(rows)))
        touched: list[_Client] = []
        for row in sorted(rows, key=date_order):
            if bad := malformed(path, row):
                self._problem(path, row, bad)
                continue
            try:
                day, event, value = event_of(row)
                c = self.clients.get(row.values["code"]) or self._registered_client(row.values["code"], touched)
            except InputError as e:
                self._problem(path, row, e)
                continue
            if c is not None:  # None: its row in clients.csv is refused and named already
                c.pending.append(_Event(day, event, value, path, row, (index, day.toordinal(), row.line)))
        self._load_known(touched)

    def _registered_client(self, code: str, touched: list[_Client]) -> _Client | None:
        if code in self.registered:
            cid, arrival = self.registered[code]
            c = _Client(code, arrival, [], cid=cid)
            self.clients[code] = c
            touched.append(c)
            return c
        if code in self.refused_codes:
            return None
        raise InputError(f"code: '{code}' is not in the register")

    def _load_known(self, touched: list[_Client]) -> None:
        """The recorded events of the registered clients the file names, in one query."""
        if not touched:
            return
        conn = self.reg.conn
        by_id = {c.cid: c for c in touched}
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_touched (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM import_touched")
        conn.executemany("INSERT INTO import_touched (id) VALUES (?)", ((i,) for i in by_id))
        for cid, day, event, value in conn.execute(
            "SELECT client_id, date, event, value FROM events WHERE client_id IN (SELECT id FROM import_touched) "
            "ORDER BY client_id, date, id"
        ):
            by_id[cid].known.append((date.fromisoformat(day), event, value))
        conn.execute("DELETE FROM import_touched")

    # --- checking -------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Check every client's history with the core; the problems of every file, in file and line order."""
        for c in self.clients.values():
            if c.pending or c.new is not None:
                self._settle(c)
        return [text for _, _, text in sorted(self.problems, key=lambda p: (p[0], p[1]))]

    def _timeline(self, c: _Client, history: History) -> Timeline:
        status, service, _ = split(sorted(history, key=lambda e: e[0]))
        return compute(c.arrival, status, service, self.reg.policies)

    def _settle(self, c: _Client) -> None:
        pending = sorted(c.pending, key=lambda e: (e.day, e.order))
        known = set(c.known)
        try:
            for e in pending:
                check_new(c.code, c.arrival, known, e.day, e.event, e.value, self.reg.today)
                known.add((e.day, e.event, e.value))
            c.timeline = self._timeline(c, [*c.known, *((e.day, e.event, e.value) for e in pending)])
            c.accepted = pending
            return
        except InputError:
            pass
        # Some row is bad: meet the rows one by one, as the commands would, to name the bad ones.
        known = set(c.known)
        history = list(c.known)
        c.timeline = self._timeline(c, history) if c.known or c.new else None
        for e in pending:
            try:
                check_new(c.code, c.arrival, known, e.day, e.event, e.value, self.reg.today)
                timeline = self._timeline(c, [*history, (e.day, e.event, e.value)])
            except InputError as err:
                self._problem(e.path, e.row, as_intake(err) if e.intake else err)
                if e.intake:
                    c.refused = True
                    return
                continue
            known.add((e.day, e.event, e.value))
            history.append((e.day, e.event, e.value))
            c.accepted.append(e)
            c.timeline = timeline

    # --- writing ---------------------------------------------------------------------------
    def write(self) -> None:
        """Write what was accepted: clients, events, windows and episodes in sets, one audit entry per file."""
        conn, reg = self.reg.conn, self.reg
        now = datetime.now(UTC).isoformat(timespec="seconds")
        next_id = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM clients").fetchone()[0]) + 1
        added = [c for c in self.order if not c.refused]
        rows = []
        for c in added:
            assert c.new is not None
            c.cid, next_id = next_id, next_id + 1
            rows.append((c.cid, *client_columns(c.new).values(), now))
        if rows:
            assert added[0].new is not None
            names = ", ".join(client_columns(added[0].new))
            conn.executemany(
                f"INSERT INTO clients (id, {names}, created) VALUES ({', '.join('?' * len(rows[0]))})", rows
            )
        # In the order the commands would have written them: file by file, events.csv by date.
        events = sorted(
            (e.order, c.cid, e.day.isoformat(), e.event, e.value)
            for c in self.clients.values()
            if not c.refused
            for e in c.accepted
        )
        conn.executemany(
            "INSERT INTO events (client_id, date, event, value, recorded) VALUES (?, ?, ?, ?, ?)",
            [(cid, day, event, value, now) for _, cid, day, event, value in events],
        )
        settled = [c for c in self.clients.values() if not c.refused and c.timeline is not None and c.cid]
        stale = [(c.cid,) for c in settled if c.new is None and c.accepted]
        conn.executemany("DELETE FROM windows WHERE client_id = ?", stale)
        conn.executemany("DELETE FROM episodes WHERE client_id = ?", stale)
        windows: list[tuple[Any, ...]] = []
        episodes: list[tuple[Any, ...]] = []
        for c in settled:
            if c.new is None and not c.accepted:
                continue
            assert c.timeline is not None and c.cid is not None
            w, e = derived_rows(c.cid, c.timeline)
            windows += w
            episodes += e
        conn.executemany(INSERT_WINDOW, windows)
        conn.executemany(INSERT_EPISODE, episodes)
        counts = dict.fromkeys(range(len(self.files)), 0)
        for c in added:
            counts[self._index(c.path)] += 1
        for (index, _, _), *_ in events:
            if self.files[index][1] == "events":
                counts[index] += 1
        for i, (path, table, _) in enumerate(self.files):
            reg.audit("import", table, path.name, {"rows": counts[i]})

    def _index(self, path: Path | None) -> int:
        return next(i for i, f in enumerate(self.files) if f[0] == path)
