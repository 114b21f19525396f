"""Clients, their events and the windows and episodes derived from them."""

from __future__ import annotations

import getpass
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from mentorcli.core import clients as fields
from mentorcli.core.clients import Client
from mentorcli.core.eligibility import TAKEOVER, Episode, ServiceEvent, Timeline, Window, compute
from mentorcli.core.errors import InputError, NotFound
from mentorcli.core.events import check_consent, check_event, check_new
from mentorcli.core.legal import STATUS_EVENTS, LegalTimeline, StatusEvent
from mentorcli.core.legal import check as check_legal
from mentorcli.core.messages import N_
from mentorcli.store import personal, stamps
from mentorcli.store.db import day_or_none, iso_or_none
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register

SERVICE = ("intake", "resume", TAKEOVER, "exit")


class Move(NamedTuple):
    date: date
    residence: str


class Record(NamedTuple):
    """Everything recorded about one client, read in one go."""

    client: Client
    status_events: tuple[StatusEvent, ...]
    service_events: tuple[ServiceEvent, ...]
    moves: tuple[Move, ...]
    earlier: tuple[Episode, ...] = ()  # served by earlier providers before a takeover (store.handover)

    def residence_on(self, day: date) -> str:
        where = self.client.residence
        for m in self.moves:
            if m.date <= day:
                where = m.residence
        return where


def client_id(reg: Register, code: str) -> int:
    row = reg.conn.execute("SELECT id FROM clients WHERE code = ?", (code,)).fetchone()
    if row is None:
        raise NotFound(N_("'{value}' is not in the register", value=code), field="code")
    return int(row[0])


def writable_id(reg: Register, code: str) -> int:
    """The id of a client whose record can change: a merged record's history lives in the one kept."""
    row = reg.conn.execute(
        "SELECT c.id, k.code FROM clients c LEFT JOIN clients k ON k.id = c.merged_into WHERE c.code = ?", (code,)
    ).fetchone()
    if row is None:
        raise NotFound(N_("'{value}' is not in the register", value=code), field="code")
    if row[1] is not None:
        raise InputError(N_("{code} was merged into {into}: record it there", code=code, into=row[1]), field="code")
    return int(row[0])


def record(reg: Register, code: str) -> Record:
    return record_by_id(reg, client_id(reg, code))


_WITH_PERSONAL = "SELECT c.*, p.name, p.languages FROM clients c LEFT JOIN personal_clients p ON p.client_id = c.id"


def record_by_id(reg: Register, cid: int) -> Record:
    row = reg.conn.execute(f"{_WITH_PERSONAL} WHERE c.id = ?", (cid,)).fetchone()
    events = reg.conn.execute(
        "SELECT client_id, date, event, value FROM current_events WHERE client_id = ? ORDER BY date, audit_id, id",
        (cid,),
    )
    return _record(row, events, earlier_episodes(reg, f"= {int(cid)}").get(cid, ()))


def records(reg: Register, where: str = "", params: Sequence[Any] | Mapping[str, Any] = ()) -> Iterator[Record]:
    """The records of the clients ``where`` selects (all by default) in order of code.

    Two queries rather than three per client; ``where`` is a condition on ``clients`` (alias ``c``).
    """
    chosen = f"WHERE client_id IN (SELECT c.id FROM clients c WHERE {where})" if where else ""
    events: dict[int, list[tuple[int, str, str, str | None]]] = {}
    rows = reg.conn.cursor()
    rows.row_factory = None  # plain tuples: a quarter of the time of named rows over every event
    sql = f"SELECT client_id, date, event, value FROM current_events {chosen} ORDER BY client_id, date, audit_id, id"
    for e in rows.execute(sql, params):
        events.setdefault(e[0], []).append(e)
    earlier = earlier_episodes(reg, f"IN (SELECT c.id FROM clients c WHERE {where})" if where else "", params)
    sql = f"{_WITH_PERSONAL} {'WHERE ' + where if where else ''} ORDER BY c.code"
    for row in reg.conn.execute(sql, params):
        yield _record(row, events.get(row["id"], ()), earlier.get(row["id"], ()))


def earlier_episodes(
    reg: Register, chosen: str = "", params: Sequence[Any] | Mapping[str, Any] = ()
) -> dict[int, tuple[Episode, ...]]:
    """Episodes other providers served, by client id; ``chosen`` narrows ``client_id`` (``= 7``, ``IN (…)``)."""
    out: dict[int, list[Episode]] = {}
    where = f"WHERE client_id {chosen}" if chosen else ""
    for cid, provider, start, end, reason in reg.conn.execute(
        f'SELECT client_id, provider, start, "end", end_reason FROM earlier_episodes {where} ORDER BY client_id, start',
        params,
    ):
        seen = out.setdefault(cid, [])
        seen.append(Episode(date.fromisoformat(start), day_or_none(end), reason, not seen, provider=provider))
    return {cid: tuple(eps) for cid, eps in out.items()}


def _record(row: sqlite3.Row, events: Iterable[Sequence[Any]], earlier: tuple[Episode, ...] = ()) -> Record:
    """The client's row and their events (client id, date, event, value) in date order."""
    status, service, moves = split((date.fromisoformat(e[1]), e[2], e[3]) for e in events)
    return Record(_client(row), tuple(status), tuple(service), tuple(moves), earlier)


def split(
    events: Iterable[tuple[date, str, str | None]],
) -> tuple[list[StatusEvent], list[ServiceEvent], list[Move]]:
    """A client's events (date, event, value), in order, as the core takes them: decisions, service, moves."""
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
    return status, service, moves


class History(NamedTuple):
    """What a client's windows and episodes are derived from, and no more (``db check`` reads every one)."""

    id: int
    code: str
    arrived: date
    status_events: tuple[StatusEvent, ...]
    service_events: tuple[ServiceEvent, ...]
    earlier: tuple[Episode, ...]


def histories(reg: Register, where: str = "1") -> Iterator[History]:
    """The history of every client ``where`` selects (a condition on ``clients c``) in order of
    code, from one query of plain rows."""
    rows = reg.conn.cursor()
    rows.row_factory = None
    sql = f"""
    SELECT c.id, c.code, c.arrived, e.date, e.event, e.value FROM clients c
    LEFT JOIN current_events e ON e.client_id = c.id AND e.event != 'move'
    WHERE c.merged_into IS NULL  -- its history lives on under the record it joined
    AND {where}
    ORDER BY c.code, e.date, e.audit_id, e.id
    """
    earlier = earlier_episodes(reg, f"IN (SELECT c.id FROM clients c WHERE {where})" if where != "1" else "")
    for (cid, code, arrived), group in groupby(rows.execute(sql), itemgetter(0, 1, 2)):
        status, service, _ = split((date.fromisoformat(r[3]), r[4], r[5]) for r in group if r[3] is not None)
        yield History(cid, code, date.fromisoformat(arrived), tuple(status), tuple(service), earlier.get(cid, ()))


def timeline(reg: Register, rec: Record) -> Timeline:
    if rec.client.merged_into is not None:
        # Its history lives on under the record it was merged into: here nothing is eligible or served.
        return Timeline(check_legal(rec.client.arrived, ()), (), (), ())
    return compute(rec.client.arrived, rec.status_events, rec.service_events, reg.policies, rec.earlier)


def add_client(reg: Register, client: Client, intake: date | None) -> int:
    fields.check_born(client.born, client.arrived)
    fields.check_not_future(client.arrived, reg.today, "arrived")
    if reg.conn.execute("SELECT 1 FROM clients WHERE code = ?", (client.code,)).fetchone():
        raise InputError(N_("'{value}' is already in the register", value=client.code), field="code")
    values = client_columns(client)
    audit_id = reg.audit("add", "clients", client.code, {**values, "name": client.name, "languages": client.languages})
    cid = insert_client(reg, client, audit_id)
    if intake is not None:
        try:
            record_event(reg, client.code, intake, "intake", None)
        except InputError as e:
            if e.field != "date":
                raise
            raise InputError(e.reason, field="intake") from None
    else:
        refresh(reg, record_by_id(reg, cid))
    return cid


def insert_client(reg: Register, client: Client, audit_id: int) -> int:
    """Write the client's row and personal data under a new identity, unchecked: callers check and audit."""
    values = client_columns(client)
    cid = new_id()
    reg.conn.execute(
        f"INSERT INTO clients (id, {', '.join(values)}, created, audit_id) "
        f"VALUES (?, {', '.join('?' * len(values))}, ?, ?)",
        (cid, *values.values(), datetime.now(UTC).isoformat(timespec="seconds"), audit_id),
    )
    personal.set_client(reg, cid, client.name, client.languages, audit_id)
    return cid


def insert_clients(reg: Register, rows: Iterable[Sequence[Any]], audit_ids: Mapping[int, int]) -> None:
    """Write new clients: their id, then the values of ``client_columns`` in its order (not name or
    languages); ``audit_ids``: the audit entry each id's row carries."""
    names = ("id", *_CLIENT_ROW, "created", "recorded_on", "audit_id")
    now, today = _now(), reg.today.isoformat()
    # Dated here, not by the as-of trigger (store.versions.track): its update of every new row, and
    # the audited-update trigger that update fires, were a tenth of a bulk import.
    reg.conn.executemany(
        f"INSERT INTO clients ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        ((*r, now, today, audit_ids[r[0]]) for r in rows),
    )


def edit_client(reg: Register, code: str, changes: dict[str, Any]) -> None:
    rec = record_by_id(reg, writable_id(reg, code))
    updated = rec.client._replace(**changes)
    fields.check_born(updated.born, updated.arrived)
    fields.check_not_future(updated.arrived, reg.today, "arrived")
    values = client_columns(updated)
    sets = ", ".join(f"{k} = ?" for k in values)
    named = values | {"name": updated.name, "languages": updated.languages}
    audit_id = reg.audit("edit", "clients", code, {k: named[k] for k in _columns_of(changes)})
    reg.conn.execute(
        f"UPDATE clients SET {sets}, audit_id = ? WHERE id = ?", (*values.values(), audit_id, rec.client.id)
    )
    personal.set_client(reg, rec.client.id or 0, updated.name, updated.languages, audit_id)
    refresh(reg, record_by_id(reg, rec.client.id or 0))


def record_event(
    reg: Register, code: str, day: date, event: str, value: str | None, *, correcting: sqlite3.Row | None = None
) -> Timeline:
    """Record one dated event; refused, with nothing written, if it cannot have happened.

    Commands, events.csv rows and corrections (``correcting``: the version this one replaces) all
    come through here, so all pass the same checks.
    """
    event, value = check_event(event, value)
    cid = writable_id(reg, code)
    fields.check_not_future(day, reg.today, "date")
    other = correcting["id"] if correcting is not None else None
    arrived = reg.conn.execute("SELECT arrived FROM clients WHERE id = ?", (cid,)).fetchone()[0]
    same = reg.conn.execute(
        "SELECT date, event, value FROM current_events WHERE client_id = ? AND date = ? AND id IS NOT ?",
        (cid, day.isoformat(), other),
    )
    check_new(code, date.fromisoformat(arrived), {(day, e[1], e[2]) for e in same}, day, event, value, reg.today)
    if event in ("intake", "resume"):
        from mentorcli.store.consent import withdrawn_on  # consent builds on this module

        check_consent(code, day, event, withdrawn_on(reg, cid))
    changed: dict[str, Any] = {"date": day.isoformat(), "event": event, "value": value}
    action, earlier = "add", correcting
    if correcting is not None:
        action, changed["corrects"] = "correct", correcting["uid"]
        changed["was"] = {"date": correcting["date"], "value": correcting["value"]}
    if event == "move":
        # One residence a day: a second move that day corrects the first (SPEC 2).
        that_day = reg.conn.execute(
            "SELECT id, uid, date, value FROM current_events WHERE client_id = ? AND date = ? AND event = 'move' "
            "AND id IS NOT ?",
            (cid, day.isoformat(), other),
        ).fetchone()
        if that_day is not None and correcting is not None:
            raise InputError(
                N_("a move on {day} is already recorded for {code}: correct that one", day=day, code=code),
                field="date",
            )
        if that_day is not None:
            earlier, action, changed["replaces"] = that_day, "correct", that_day["value"]
    audit_id = reg.audit(action, "events", code, changed)
    if earlier is not None:
        withdraw_event(reg, earlier["id"], audit_id)
    insert_events(reg, [(cid, day.isoformat(), event, value, earlier["uid"] if earlier else None)], audit_id)
    return refresh(reg, record_by_id(reg, cid))


# How many hex digits of an event's uid are shown, and how few identify one.
SHOWN_UID, LEAST_UID = 8, 6


def find_event(reg: Register, given: str) -> sqlite3.Row:
    """The current version whose uid begins with ``given`` (at least six hex digits, one match)."""
    prefix = given.strip().lower()
    if len(prefix) < LEAST_UID or any(ch not in "0123456789abcdef" for ch in prefix):
        raise InputError(
            N_("'{value}' is not an event id: give at least {n} of its hex digits", value=given, n=LEAST_UID),
            field="id",
        )
    found = reg.conn.execute(
        "SELECT e.*, c.code FROM events e JOIN clients c ON c.id = e.client_id WHERE e.uid LIKE ? LIMIT 2",
        (prefix + "%",),
    ).fetchall()
    if not found:
        raise NotFound(N_("'{value}' is not an event in the register", value=given), field="id")
    if len(found) > 1:
        raise InputError(N_("'{value}' names more than one event: give more digits", value=given), field="id")
    if found[0]["withdrawn_on"] is not None:
        raise InputError(
            N_("event {value} was withdrawn on {day}", value=given, day=date.fromisoformat(found[0]["withdrawn_on"])),
            field="id",
        )
    row: sqlite3.Row = found[0]
    return row


def edit_event(reg: Register, given: str, day: date | None, value: str | None) -> tuple[sqlite3.Row, Timeline]:
    """Correct an event's date or value: its version is withdrawn and a new one checked and added."""
    row = find_event(reg, given)
    if value is not None and row["event"] == "move":
        value = fields.check_residence(value)
    new_day = day or date.fromisoformat(row["date"])
    new_value = row["value"] if value is None else value
    if (new_day.isoformat(), new_value) == (row["date"], row["value"]):
        raise InputError(N_("nothing to change: the event already says that"), field="id")
    return row, record_event(reg, row["code"], new_day, row["event"], new_value, correcting=row)


def delete_event(reg: Register, given: str) -> tuple[sqlite3.Row, Timeline]:
    """Withdraw an event; refused if the history without it is impossible."""
    row = find_event(reg, given)
    audit_id = reg.audit(
        "withdraw",
        "events",
        row["code"],
        {"date": row["date"], "event": row["event"], "value": row["value"], "uid": row["uid"]},
    )
    withdraw_event(reg, row["id"], audit_id)
    return row, refresh(reg, record_by_id(reg, row["client_id"]))


def history(reg: Register, code: str, *, withdrawn: bool) -> list[dict[str, Any]]:
    """A client's events as recorded, in date order; ``withdrawn`` adds the versions withdrawn."""
    table = "events" if withdrawn else "current_events"
    rows = reg.conn.execute(
        f"SELECT uid, date, event, value, recorded_on, recorded_at, recorded_by, withdrawn_on, withdrawn_at, "
        f"supersedes FROM {table} WHERE client_id = ? ORDER BY date, audit_id, id",
        (client_id(reg, code),),
    )
    out = []
    for r in rows:
        shown = dict(r)
        shown["id"] = (shown.pop("uid") or "")[:SHOWN_UID]
        shown["supersedes"] = shown["supersedes"] and shown["supersedes"][:SHOWN_UID]
        out.append(shown)
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def recorder() -> str | None:
    """The OS user who records ("who" in ``client history``); None where the system cannot tell."""
    try:
        return getpass.getuser()
    except Exception:  # getuser raises whatever the platform's lookup raises (OSError, KeyError)
        return None


def insert_events(
    reg: Register,
    rows: Iterable[tuple[int, str, str, str | None, str | None]],
    audit_id: int | None,
    uids: Iterable[str] | None = None,
    ids: Iterable[int] | None = None,
) -> None:
    """Write new event versions (client id, date, event, value, uid of the version it corrects).

    Every writer of events comes through here, so each version gets its identity, the "today" it
    entered this copy on, the real time, who recorded it and its audit entry (SPEC 10). ``uids``,
    one per row, where the caller needs some beforehand (the bulk import: a version that a later
    one of the same import corrects); an empty one is made here. ``ids``, ascending, one per row: a
    caller writing one entry's rows in parts draws them for all its parts at once.
    """
    now, who, today = _now(), recorder(), reg.today.isoformat()
    rows = list(rows)
    given = list(uids) if uids is not None else [""] * len(rows)
    fresh = iter(new_uids(given.count("")))
    # A client's events of one day are read in the order they were entered: by audit entry (local,
    # increasing), then by id. Ids are random (store/ids.py); the ones one entry writes are drawn
    # in ascending order, so that its rows keep theirs.
    ids = iter(ids if ids is not None else sorted(new_id() for _ in rows))
    reg.conn.executemany(
        "INSERT INTO events (client_id, date, event, value, supersedes, id, uid, recorded, recorded_on, recorded_at, "
        "recorded_by, audit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (*r, next(ids), uid or next(fresh), now, today, now, who, audit_id)
            for r, uid in zip(rows, given, strict=True)
        ),
    )


def new_uid() -> str:
    return new_uids(1)[0]


# Byte 6 of a version 4 UUID starts with the version (4), byte 8 with the variant (binary 10).
_VERSION_4, _VARIANT = bytes(b & 0x0F | 0x40 for b in range(256)), bytes(b & 0x3F | 0x80 for b in range(256))


def new_uids(n: int) -> list[str]:
    """``n`` random (version 4) UUIDs as hex, from one read of the system's randomness: an import
    makes a hundred thousand, and ``uuid.uuid4`` reads once for each."""
    raw = bytearray(os.urandom(16 * n))
    # Those bits set in every sixteenth byte at once, not in a number per UUID (0.2 s of an import).
    raw[6::16], raw[8::16] = raw[6::16].translate(_VERSION_4), raw[8::16].translate(_VARIANT)
    text = raw.hex()
    return [text[i : i + 32] for i in range(0, 32 * n, 32)]


def withdraw_event(reg: Register, event_id: int, audit_id: int) -> None:
    """Mark a version withdrawn: it stays, for the history, but no reader counts it any more."""
    reg.conn.execute(
        "UPDATE events SET withdrawn_on = ?, withdrawn_at = ?, audit_id = ? WHERE id = ? AND withdrawn_on IS NULL",
        (reg.today.isoformat(), _now(), audit_id, event_id),
    )


def withdraw_events(reg: Register, uids: Iterable[str], audit_id: int) -> None:
    """``withdraw_event`` of the versions with these uids (the bulk import's corrected moves)."""
    today, now = reg.today.isoformat(), _now()
    reg.conn.executemany(
        "UPDATE events SET withdrawn_on = ?, withdrawn_at = ?, audit_id = ? WHERE uid = ? AND withdrawn_on IS NULL",
        ((today, now, audit_id, uid) for uid in uids),
    )


def refresh(reg: Register, rec: Record) -> Timeline:
    """Derive windows and episodes again; this is where impossible histories are refused."""
    tl = timeline(reg, rec)
    cid = rec.client.id or 0
    reg.conn.execute("DELETE FROM windows WHERE client_id = ?", (cid,))
    reg.conn.execute("DELETE FROM episodes WHERE client_id = ?", (cid,))
    write_spans(reg, [(cid, tl)])
    stamps.stamp(reg.conn, [cid])
    return tl


def write_spans(reg: Register, derived: Iterable[tuple[int, Timeline]], into: str = "") -> None:
    """Write the windows and episodes of these clients' timelines to ``{into}windows`` and
    ``{into}episodes`` (``store.versions`` writes those of a past day to temporary tables)."""
    windows, episodes = [], []
    for cid, tl in derived:
        windows += [
            (cid, i, w.kind, w.start.isoformat(), iso_or_none(w.end), w.ended_by) for i, w in enumerate(tl.windows)
        ]
        episodes += [
            (cid, i, e.start.isoformat(), iso_or_none(e.end), e.end_reason, int(e.first), int(e.taken_over))
            for i, e in enumerate(tl.episodes)
        ]
    reg.conn.executemany(
        f'INSERT INTO {into}windows (client_id, seq, kind, start, "end", ended_by) VALUES (?, ?, ?, ?, ?, ?)', windows
    )
    reg.conn.executemany(
        f'INSERT INTO {into}episodes (client_id, seq, start, "end", end_reason, first, taken_over) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        episodes,
    )


def stored_spans(reg: Register, ids: Iterable[int]) -> dict[int, tuple[list[Window], list[Episode]]]:
    """The windows and episodes as last derived, of these clients, without deriving them again."""
    wanted = sorted(set(ids))
    out: dict[int, tuple[list[Window], list[Episode]]] = {cid: ([], []) for cid in wanted}
    rows = reg.conn.cursor()
    rows.row_factory = None  # plain tuples: a list reads thousands
    for chunk in (wanted[i : i + 500] for i in range(0, len(wanted), 500)):
        marks = ",".join("?" * len(chunk))
        for r in rows.execute(
            f'SELECT client_id, kind, start, "end", ended_by FROM windows WHERE client_id IN ({marks}) '
            "ORDER BY client_id, seq",
            chunk,
        ):
            out[r[0]][0].append(Window(r[1], date.fromisoformat(r[2]), day_or_none(r[3]), r[4]))
        for r in rows.execute(
            f'SELECT client_id, start, "end", end_reason, first, taken_over FROM episodes WHERE client_id IN ({marks}) '
            "ORDER BY client_id, seq",
            chunk,
        ):
            out[r[0]][1].append(Episode(date.fromisoformat(r[1]), day_or_none(r[2]), r[3], bool(r[4]), bool(r[5])))
    return out


def stored_timelines(reg: Register, recs: Sequence[Record]) -> Iterator[tuple[Record, Timeline]]:
    """Each record with its timeline as last derived, without deriving it again.

    The windows and episodes are those the writers store (``refresh``) and ``db check`` holds to
    the events; the legal status is read from the decisions, which were checked when recorded.
    The timeline explains no date: ``client explain`` derives its own.
    """
    spans = stored_spans(reg, (r.client.id or 0 for r in recs))
    for r in recs:
        windows, episodes = spans[r.client.id or 0]
        yield (
            r,
            Timeline(LegalTimeline(r.client.arrived, r.status_events), tuple(windows), tuple(episodes), (), r.earlier),
        )


def codes(reg: Register, where: str = "", params: dict[str, Any] | None = None) -> list[str]:
    return [r[0] for r in reg.conn.execute(f"SELECT code FROM clients {where} ORDER BY code", params or {})]


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


# The client's columns in the register, in the order ``client_columns`` gives them.
_CLIENT_ROW = ("code", "sex", "born", "born_year_only", "country", "arrived", "route", "residence", "family")


def client_columns(c: Client) -> dict[str, Any]:
    """The client's columns in the register; their name and languages are kept apart (store.personal)."""
    row = client_row(c.code, c.sex, c.born, c.born_year_only, c.country, c.arrived, c.route, c.residence, c.family)
    return dict(zip(_CLIENT_ROW, row, strict=True))


def client_row(
    code: str,
    sex: str,
    born: date,
    born_year_only: bool,
    country: str,
    arrived: date,
    route: str,
    residence: str,
    family: str | None,
) -> tuple[Any, ...]:
    """``client_columns``' values, in its order, from the checked fields (the bulk import builds no
    ``Client`` for each of a hundred thousand rows)."""
    return code, sex, born.isoformat(), int(born_year_only), country, arrived.isoformat(), route, residence, family


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
        merged_into=row["merged_into"],
    )
