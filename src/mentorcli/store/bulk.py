"""Clients and events imported in sets: every row checked by the core in memory, then written at once.

A row means what its command means and passes the same checks, in the same order: the fields
(``core.clients``, ``core.events``), then the event against what is recorded of its client
(``core.events.check_new``), then the client's whole history (``core.eligibility.compute``).
Each client's history is checked once when it is sound; only a client with a bad row has its
events replayed one by one, in date order, to name exactly the rows a command would refuse.
Nothing is written until every row is checked; then clients, their personal rows, event versions,
windows and episodes go in with ``executemany``, and each file gets one audit entry whose id its
rows carry (SPEC 10).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from mentorcli.core import clients as fields
from mentorcli.core.countries import parse_country
from mentorcli.core.dates import parse_birth, parse_date
from mentorcli.core.eligibility import Episode, compute
from mentorcli.core.errors import InputError, NotFound, Problems
from mentorcli.core.events import check_consent, check_event, check_new
from mentorcli.core.messages import N_
from mentorcli.store import stamps
from mentorcli.store.clients import (
    client_row,
    earlier_episodes,
    insert_clients,
    insert_events,
    new_uid,
    split,
    withdraw_events,
)
from mentorcli.store.consent import CURRENT as CONSENT_IN_FORCE
from mentorcli.store.db import indexes_set_aside, iso_or_none
from mentorcli.store.ids import new_id
from mentorcli.store.importer import Row, check_fields, malformed, name_problems
from mentorcli.store.register import Register

# A client's current events as (date, event, value).
History = list[tuple[date, str, str | None]]
# Windows and episodes as (seq, kind, start, end, ended_by) and (seq, start, end, end_reason, first),
# dates kept as dates (smaller than their text) until written.
Derived = tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]


@dataclass(slots=True)
class _Event:
    """One event row (or a client's intake), as little as naming its problem needs: not the row."""

    day: date
    event: str
    value: str | None
    file: int
    line: int
    intake: bool = False  # given with the client in clients.csv
    uid: str = ""  # given once accepted
    supersedes: str | None = None  # the uid of the same-day move it corrects (SPEC 2: one residence a day)

    @property
    def met(self) -> tuple[date, int, bool, int]:
        """When the commands would have met it among the client's rows: by date, then file by file,
        an intake given in clients.csv before the events of its day, each file in line order."""
        return self.day, self.file, not self.intake, self.line


@dataclass(slots=True)
class _Client:
    code: str
    arrival: date
    # Its current events in the register, in entry order, and the uids of its moves by day; a new
    # client has none (no empty containers for a hundred thousand of them).
    known: Sequence[tuple[date, str, str | None]] = ()
    known_moves: dict[date, str] | None = None
    new: tuple[Any, ...] | None = None  # the columns of a client this import adds
    name: str | None = None
    file: int = -1  # the clients.csv it comes from
    pending: list[_Event] = field(default_factory=list)  # once checked: the accepted ones, in date order
    withdrawn: list[str] | None = None  # uids of the moves that accepted ones correct
    derived: Derived | None = None  # windows and episodes of the history as accepted
    cid: int | None = None
    refused: bool = False
    consent: date | None = None  # the day the client consented to processing, if the file says


_CHUNK = 20_000


def _optional(check: Callable[[str], Any]) -> Callable[[str], Any]:
    return lambda text: check(text) if text else None


def _memo(check: Callable[[str], Any]) -> Callable[[str], Any]:
    """A check of a value that repeats over the rows (a country, a place, a day): each text is
    checked once (a refused one every time, so that each row names its problem)."""
    known: dict[str, Any] = {}

    def checked(text: str) -> Any:
        try:
            return known[text]
        except KeyError:
            known[text] = check(text)
            return known[text]

    return checked


def client_checks() -> dict[str, Callable[[str], Any]]:
    """The checks of a clients.csv row's fields, each remembering what it accepted for one import
    (and letting go with it: what a hundred thousand rows leave behind would pin their memory)."""
    return {
        "code": fields.check_code,
        "sex": _memo(fields.check_sex),
        "born": _memo(lambda t: parse_birth(t, "born")),
        "country": _memo(parse_country),
        "arrived": _memo(lambda t: parse_date(t, "arrived")),
        "route": _memo(fields.check_route),
        "residence": _memo(fields.check_residence),
        "family": fields.check_family,
        "intake": _optional(_memo(lambda t: parse_date(t, "intake"))),
        "consent": _optional(_memo(lambda t: parse_date(t, "consent"))),
    }


class EventChecks:
    """The checks of an events.csv row's day and event, each text checked once in one import."""

    def __init__(self) -> None:
        self.day = _memo(lambda t: parse_date(t, "date"))
        self.checked: dict[tuple[str, str | None], tuple[str, str | None]] = {}

    def event(self, event: str, value: str | None) -> tuple[str, str | None]:
        if (event, value) not in self.checked:
            self.checked[event, value] = check_event(event, value)
        return self.checked[event, value]


def event_of(row: Row, checks: EventChecks) -> tuple[date, str, str | None]:
    """The day, event and value of an events.csv row; the problems of date and event raised together."""
    v = row.values
    errors: list[InputError] = []
    day: date | None = None
    checked: tuple[str, str | None] | None = None
    try:
        day = checks.day(v["date"])
    except InputError as e:
        errors.append(e)
    try:
        checked = checks.event(v["event"], v.get("value"))
    except InputError as e:
        errors.append(e)
    if errors or day is None or checked is None:
        raise Problems(errors)
    return day, *checked


def date_order(row: Row, column: str = "date") -> tuple[int, int]:
    """Rows in date order (stable); a row with a bad date goes first, where its error is found."""
    try:
        return 1, parse_date(row.values[column], column).toordinal()
    except InputError:
        return 0, 0


def as_intake(e: InputError) -> InputError:
    """An intake given with the client is the ``intake`` field's problem, not a ``date``'s (as ``client add``)."""
    return InputError(e.reason, field="intake") if e.field == "date" else e


class Bulk:
    """Clients and events of one import, checked together and written together."""

    def __init__(self, reg: Register) -> None:
        self.reg = reg
        self.earlier: dict[int, tuple[Episode, ...]] = {}
        self.files: list[tuple[Path, str, frozenset[str]]] = []  # path, table, columns
        self.problems: list[tuple[int, int, str]] = []  # file, line, text
        self.clients: dict[str, _Client] = {}  # every client this import touches, by code
        self.order: list[_Client] = []  # the clients it adds, in file order
        self.refused_codes: set[str] = set()  # of clients.csv rows refused: their events are not named again
        self._registered: dict[str, tuple[int, date]] | None = None
        self.consent_withdrawn: dict[int, date] = {}  # registered clients whose consent was withdrawn
        self.client_checks, self.event_checks = client_checks(), EventChecks()

    def _problem(self, file: int, line: int, error: InputError | str) -> None:
        path, _, columns = self.files[file]
        texts = [error] if isinstance(error, str) else name_problems(path, line, columns, error, "code")
        self.problems.extend((file, line, t) for t in texts)

    def _file(self, path: Path, table: str, columns: tuple[str, ...]) -> int:
        self.files.append((path, table, frozenset(columns)))
        return len(self.files) - 1

    @property
    def registered(self) -> dict[str, tuple[int, date]]:
        """Code -> (id, arrival) of every client already in the register."""
        if self._registered is None:
            rows = self.reg.conn.execute("SELECT code, id, arrived FROM clients")
            self._registered = {r[0]: (r[1], date.fromisoformat(r[2])) for r in rows}
        return self._registered

    def add_clients(self, path: Path, columns: tuple[str, ...], rows: Iterable[Row]) -> int:
        """clients.csv: each row as ``client add``, its intake as the client's first event."""
        index = self._file(path, "clients", columns)
        seen: dict[str, int] = {}
        checks, today, registered = self.client_checks, self.reg.today, self.registered
        n = 0
        for n, row in enumerate(rows, start=1):  # noqa: B007 (the count is the last n)
            if bad := malformed(path, row):
                self._problem(index, row.line, bad)
                continue
            key = row.values.get("code", "")
            if key and key in seen:
                repeats = N_("'{value}' repeats line {line}", value=key, line=seen[key])
                self._problem(index, row.line, InputError(repeats, field="code"))
                self.refused_codes.add(key)
                continue
            if key:
                seen[key] = row.line
            # ``client add``'s checks, in its order, without a ``Client`` for each of a hundred thousand rows.
            try:
                v = check_fields(row, checks)
                code, (born, year_only), arrived, consent, intake = (
                    v["code"],
                    v["born"],
                    v["arrived"],
                    v["consent"],
                    v["intake"],
                )
                if consent is not None:
                    fields.check_not_future(consent, today, "consent")
                fields.check_born(born, arrived)
                fields.check_not_future(arrived, today, "arrived")
                if code in registered or code in self.clients:
                    raise InputError(N_("'{value}' is already in the register", value=code), field="code")
            except InputError as e:
                self._problem(index, row.line, e)
                self.refused_codes.add(key)
                continue
            # Sexes, countries, routes, places repeat across a hundred thousand rows: their checks
            # (``_memo``) give one string for each text.
            new = client_row(
                code, v["sex"], born, year_only, v["country"], arrived, v["route"], v["residence"], v["family"]
            )
            c = _Client(code, arrived, new=new, name=row.values.get("name") or None, file=index, consent=consent)
            self.clients[code] = c
            self.order.append(c)
            if intake is not None:
                c.pending.append(_Event(intake, "intake", None, index, row.line, intake=True))
        return n

    def add_events(self, path: Path, columns: tuple[str, ...], rows: Iterable[Row]) -> int:
        """events.csv: each row as its command; each client's rows are met in date order."""
        index = self._file(path, "events", columns)
        touched: list[_Client] = []
        n = 0
        for n, row in enumerate(rows, start=1):  # noqa: B007 (the count is the last n)
            if bad := malformed(path, row):
                self._problem(index, row.line, bad)
                continue
            try:
                day, event, value = event_of(row, self.event_checks)
                c = self.clients.get(row.values["code"]) or self._registered_client(row.values["code"], touched)
            except InputError as e:
                self._problem(index, row.line, e)
                continue
            if c is not None:  # None: its row in clients.csv is refused and named already
                c.pending.append(_Event(day, event, value, index, row.line))
        self._load_known(touched)
        return n

    def _registered_client(self, code: str, touched: list[_Client]) -> _Client | None:
        if code in self.registered:
            cid, arrival = self.registered[code]
            c = _Client(code, arrival, [], {}, cid=cid)
            self.clients[code] = c
            touched.append(c)
            return c
        if code in self.refused_codes:
            return None
        raise NotFound(N_("'{value}' is not in the register", value=code), field="code")

    def _load_known(self, touched: list[_Client]) -> None:
        """The current events of the registered clients the file names, in one query."""
        if not touched:
            return
        conn = self.reg.conn
        by_id = {c.cid: c for c in touched}
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS import_touched (id INTEGER PRIMARY KEY)")
        conn.execute("DELETE FROM import_touched")
        conn.executemany("INSERT INTO import_touched (id) VALUES (?)", ((i,) for i in by_id))
        for cid, day, event, value, uid in conn.execute(
            "SELECT client_id, date, event, value, uid FROM current_events "
            "WHERE client_id IN (SELECT id FROM import_touched) ORDER BY client_id, date, audit_id, id"
        ):
            c = by_id[cid]
            assert isinstance(c.known, list) and c.known_moves is not None
            c.known.append((date.fromisoformat(day), event, value))
            if event == "move":
                c.known_moves[c.known[-1][0]] = uid
        self.consent_withdrawn.update(
            (cid, date.fromisoformat(day))
            for cid, day in conn.execute(
                f"SELECT client_id, withdrawn FROM consent WHERE client_id IN (SELECT id FROM import_touched) "
                f"AND {CONSENT_IN_FORCE} AND withdrawn IS NOT NULL"
            )
        )
        # A client taken over from another provider: their earlier service is part of the history.
        self.earlier.update(earlier_episodes(self.reg, "IN (SELECT id FROM import_touched)"))
        conn.execute("DELETE FROM import_touched")

    # --- checking -------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Check every client's history with the core; the problems of every file, in file and line order."""
        for c in self.clients.values():
            if c.pending or c.new is not None:
                self._settle(c)
        return [text for _, _, text in sorted(self.problems, key=lambda p: (p[0], p[1]))]

    def _timeline(self, c: _Client, history: History) -> Derived:
        status, service, _ = split(sorted(history, key=itemgetter(0)))
        tl = compute(c.arrival, status, service, self.reg.policies, self.earlier.get(c.cid or 0, ()), explain=False)
        return (
            tuple((i, w.kind, w.start, w.end, w.ended_by) for i, w in enumerate(tl.windows)),
            tuple(
                (i, e.start, e.end, e.end_reason, int(e.first), int(e.taken_over)) for i, e in enumerate(tl.episodes)
            ),
        )

    def _settle(self, c: _Client) -> None:
        pending = sorted(c.pending, key=attrgetter("met")) if len(c.pending) > 1 else c.pending
        try:
            history = self._accept(c, pending, c.known)
            c.derived = self._timeline(c, history)
            c.pending = pending
            return
        except InputError:
            pass
        # Some row is bad: meet the rows one by one, as the commands would, to name the bad ones.
        history = list(c.known)
        accepted: list[_Event] = []
        c.pending, c.withdrawn = accepted, []
        c.derived = self._timeline(c, history) if c.known or c.new else None
        for e in pending:
            withdrawn = len(c.withdrawn or ())
            try:
                tried = self._accept(c, [e], history, accepted)
                derived = self._timeline(c, tried)
            except InputError as err:
                del (c.withdrawn or [])[withdrawn:]
                self._problem(e.file, e.line, as_intake(err) if e.intake else err)
                if e.intake:
                    c.refused = True
                    return
                continue
            history = tried
            accepted.append(e)
            c.derived = derived

    def _accept(
        self,
        c: _Client,
        events: list[_Event],
        history: Sequence[tuple[date, str, str | None]],
        accepted: Sequence[_Event] = (),
    ) -> History:
        """The history with ``events`` added as ``record_event`` adds them; refused as it refuses them.

        ``accepted``: this import's rows already in ``history``. A move on a day that has one
        corrects it (SPEC 2): that version is withdrawn.
        """
        current = list(history)
        known = set(current)
        # The uid of the current move of each day this import moves the client on (the last one wins).
        moves = {e.day: e.uid for e in accepted if e.event == "move"}
        code, arrival, today, withdrawn = c.code, c.arrival, self.reg.today, self.consent_withdrawn.get(c.cid or 0)
        for e in events:
            fact = day, event, value = e.day, e.event, e.value
            check_new(code, arrival, known, day, event, value, today)
            check_consent(code, day, event, withdrawn)
            # Only a move may be corrected by a later row of the same import; the others get theirs when written.
            e.uid, e.supersedes = new_uid() if event == "move" else "", None
            if event == "move":
                earlier = next((h for h in current if h[0] == day and h[1] == "move"), None)
                if earlier is not None:
                    current.remove(earlier)
                    known.discard(earlier)
                    # Not the recorded one if a move of this import on that day corrected it already.
                    e.supersedes = moves.get(day) or (c.known_moves or {})[day]
                    c.withdrawn = c.withdrawn or []
                    c.withdrawn.append(e.supersedes)
                moves[day] = e.uid
            current.append(fact)
            known.add(fact)
        return current

    # --- writing ---------------------------------------------------------------------------
    def write(self) -> None:
        """Write what was accepted: clients, events, windows and episodes in sets, one audit entry per file."""
        # On a table with triggers SQLite checks every index of each row inserted from its root:
        # the stamp triggers made a 100,000-client import cost a third more. The import keeps the
        # stamps of the clients it writes itself, as the triggers would.
        with stamps.lifted(self.reg.conn):
            self._write()

    def _write(self) -> None:
        conn, reg = self.reg.conn, self.reg
        # The indexes (codes, uids, dates) take their rows in no order of theirs: with SQLite's
        # 2 MB cache each of their pages would be written out and read again many times over.
        conn.execute("PRAGMA cache_size = -32768")
        added = [c for c in self.order if not c.refused]
        for c in added:
            c.cid = new_id()
        # Rows go in in the order of their keys: the ids are random, and a hundred thousand inserts at
        # random places of a B-tree rewrite each page many times over.
        added.sort(key=lambda c: c.cid or 0)
        kept = sorted((c for c in self.clients.values() if not c.refused), key=lambda c: c.cid or 0)
        counts = dict.fromkeys(range(len(self.files)), 0)
        for c in added:
            counts[c.file] += 1
        for c in kept:
            for e in c.pending:
                counts[e.file] += not e.intake
        # A file that adds nothing leaves no trace, as a command that writes nothing (SPEC 10).
        entries = [
            reg.audit("import", table, path.name, {"rows": counts[i]}) if counts[i] else 0
            for i, (path, table, _) in enumerate(self.files)
        ]
        changed = [c for c in kept if c.cid and c.derived and (c.new or c.pending)]
        adding = {
            "clients": len(added),
            "events": sum(len(c.pending) for c in kept),
            "windows": sum(len(c.derived[0]) for c in changed if c.derived),
            "episodes": sum(len(c.derived[1]) for c in changed if c.derived),
        }
        with indexes_set_aside(conn, adding):
            self._write_rows(added, kept, changed, entries)
        # After the indexes are back: a withdrawal finds its version by uid.
        for i in range(len(self.files)):
            withdraw_events(
                self.reg, (u for c in kept for e in c.pending if e.file == i and (u := e.supersedes)), entries[i]
            )

    def _write_rows(
        self, added: list[_Client], kept: list[_Client], changed: list[_Client], entries: list[int]
    ) -> None:
        conn, reg = self.reg.conn, self.reg
        by_file = {c.cid or 0: entries[c.file] for c in added}
        insert_clients(reg, ((c.cid, *(c.new or ())) for c in added), by_file)
        conn.executemany(
            "INSERT INTO personal_clients (client_id, name, audit_id) VALUES (?, ?, ?)",
            ((c.cid, c.name, by_file[c.cid or 0]) for c in added if c.name is not None),
        )
        # Consent as ``client consent`` records it (store/consent.py), under the file's entry.
        today = reg.today.isoformat()
        conn.executemany(
            "INSERT INTO consent (id, client_id, given, withdrawn, recorded_on, audit_id) VALUES (?, ?, ?, NULL, ?, ?)",
            (
                (new_id(), c.cid, c.consent.isoformat(), today, by_file[c.cid or 0])
                for c in added
                if c.consent is not None
            ),
        )
        for i in range(len(self.files)):
            # Drawn for the whole file and handed out in order, so that its rows go in at the end of
            # the table's B-tree, as one entry's rows keep their order (store.clients.insert_events).
            ids = iter(sorted(new_id() for c in kept for e in c.pending if e.file == i))
            chunk: list[tuple[int, _Event]] = []
            for c in kept:
                chunk += ((c.cid or 0, e) for e in c.pending if e.file == i)
                # In parts of a client's whole events, so that the rows of all of them are never held at once.
                if len(chunk) >= _CHUNK or c is kept[-1]:
                    insert_events(
                        reg,
                        ((cid, e.day.isoformat(), e.event, e.value, e.supersedes) for cid, e in chunk),
                        entries[i],
                        (e.uid for _, e in chunk),
                        [next(ids) for _ in chunk],
                    )
                    chunk = []
        stale = [(c.cid,) for c in changed if c.new is None]
        conn.executemany("DELETE FROM windows WHERE client_id = ?", stale)
        conn.executemany("DELETE FROM episodes WHERE client_id = ?", stale)
        conn.executemany(
            "INSERT INTO windows (client_id, seq, kind, start, end, ended_by) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (c.cid, i, kind, start.isoformat(), iso_or_none(end), by)
                for c in changed
                for i, kind, start, end, by in (c.derived[0] if c.derived else ())
            ),
        )
        conn.executemany(
            "INSERT INTO episodes (client_id, seq, start, end, end_reason, first, taken_over) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (c.cid, i, start.isoformat(), iso_or_none(end), why, first, taken)
                for c in changed
                for i, start, end, why, first, taken in (c.derived[1] if c.derived else ())
            ),
        )
        # A client this import adds has no stamp to void: its id is new.
        stamps.void(conn, (c.cid or 0 for c in kept if c.new is None))
        stamps.stamp(conn, (c.cid or 0 for c in changed))
