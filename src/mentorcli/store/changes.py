"""Which records changed after a day moved a month's figures, and which figures (``report changes``).

The month is counted as of the day (``store.versions.as_of``), then again after each change
recorded since, one at a time in the order they were recorded: a change's figures are those its
own step moved, so the steps add up to the month as it is now. Changes to clients (their events,
their record) are replayed one by one through the core's own derivation; staff and activities,
counted as totals, are one step each, and so is a change of the policy (the rules).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from mentorcli.core import counting
from mentorcli.core.counting import ClientFacts
from mentorcli.core.errors import MentorError
from mentorcli.store import reports
from mentorcli.store.clients import SERVICE, Record, _record, earlier_episodes, timeline
from mentorcli.store.register import Register
from mentorcli.store.versions import as_of


def _moves(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [v["saved"], v["now"]] for k, v in counting.diff(before, after).items()}


def _event_changes(reg: Register, since: str) -> list[tuple[str, int, str, str, sqlite3.Row]]:
    """(day, order, code, change, version) of each event version of the clients in ``temp.changes_of``
    recorded or withdrawn after ``since``.

    A correction withdraws one version and records another under one audit entry: one change.
    """
    out = []
    for r in reg.conn.execute(
        "SELECT e.*, c.code FROM main.events e JOIN main.clients c ON c.id = e.client_id "
        "WHERE e.client_id IN (SELECT id FROM temp.changes_of) AND (e.recorded_on > :d OR e.withdrawn_on > :d)",
        {"d": since},
    ):
        if r["recorded_on"] is not None and r["recorded_on"] > since:
            out.append((r["recorded_on"], r["audit_id"] or r["id"], r["code"], "recorded", r))
        if r["withdrawn_on"] is not None and r["withdrawn_on"] > since:
            out.append((r["withdrawn_on"], r["audit_id"] or r["id"], r["code"], "withdrawn", r))
    return out


def _whole(change: str, moved: dict[str, list[Any]]) -> dict[str, Any]:
    """A step that is not one client's record."""
    return {
        "code": None,
        "change": change,
        "recorded_on": None,
        "event": None,
        "date": None,
        "value": None,
        "moves": moved,
    }


class _Client:
    """One client's record replayed change by change: its row and the event versions in force."""

    def __init__(self, reg: Register, row: sqlite3.Row | None, versions: list[sqlite3.Row], since: str) -> None:
        self.reg, self.row = reg, row
        self.last: ClientFacts | None = None
        self.events = {
            v["id"]: v
            for v in versions
            if (v["recorded_on"] is None or v["recorded_on"] <= since)
            and (v["withdrawn_on"] is None or v["withdrawn_on"] > since)
        }

    def facts(self) -> ClientFacts | None:
        if self.row is None:
            return None
        rows = sorted(self.events.values(), key=lambda v: (v["date"], v["id"]))
        # A taken-over client's earlier providers' episodes: without them the takeover cannot stand.
        earlier = earlier_episodes(self.reg, f"= {int(self.row['id'])}").get(self.row["id"], ())
        rec: Record = _record(self.row, [(v["client_id"], v["date"], v["event"], v["value"]) for v in rows], earlier)
        try:
            tl = timeline(self.reg, rec)
        except MentorError:
            return self.last  # halfway through a change that stands only as a whole

        counted = [
            (v["client_id"], v["date"], v["event"], v["value"])
            for v in rows
            if v["event"] not in SERVICE or (v["event"] == "exit" and v["value"] == "left-latvia")
        ]
        columns = [self.row[c] for c in ("id", "code", "sex", "born", "country", "route", "family", "residence")]
        self.last = reports._client((*columns, self.row["arrived"]), list(tl.episodes), counted)
        return self.last


def month_changes(reg: Register, first: date, last: date, since: date) -> dict[str, Any]:
    """The month's figures as of ``since``, and each change recorded after it with what it moved.

    Only the clients served in the month, then or now, can have moved its figures.
    """
    d = since.isoformat()
    today = reg.today
    now = reports.inputs(reg, first, last)
    as_of(reg, since)
    reg.today = since
    then = reports.inputs(reg, first, last)
    start = counting.month_report(then, first, last, since)
    served = sorted({c.code for c in now.clients} | {c.code for c in then.clients})
    reg.conn.execute("CREATE TEMP TABLE changes_of (id INTEGER PRIMARY KEY)")
    for chunk in (served[i : i + 500] for i in range(0, len(served), 500)):
        marks = ",".join("?" * len(chunk))
        reg.conn.execute(f"INSERT INTO temp.changes_of SELECT id FROM main.clients WHERE code IN ({marks})", chunk)
    events = _event_changes(reg, d)
    personal = (
        "SELECT c.*, p.name, p.languages FROM {} c LEFT JOIN personal_clients p ON p.client_id = c.id WHERE c.id = ?"
    )
    changed_ids = {e[4]["client_id"] for e in events} | {
        r[0]
        for r in reg.conn.execute(
            "SELECT id FROM main.clients WHERE recorded_on > ? AND id IN (SELECT id FROM temp.changes_of)", (d,)
        )
    }
    clients = {
        cid: _Client(
            reg,
            reg.conn.execute(personal.format("clients"), (cid,)).fetchone(),
            reg.conn.execute("SELECT * FROM main.events WHERE client_id = ?", (cid,)).fetchall(),
            d,
        )
        for cid in changed_ids
    }
    facts = {c.code: c for c in then.clients}
    for c in clients.values():
        facts.pop(c.row["code"] if c.row is not None else "", None)
    steps: list[tuple[str, int, str, str, _Client, Callable[[], None], sqlite3.Row | None]] = []
    for day, order, code, change, version in events:
        client = clients[version["client_id"]]

        def step(client: _Client = client, version: sqlite3.Row = version, change: str = change) -> None:
            if change == "recorded":
                client.events[version["id"]] = version
            else:
                client.events.pop(version["id"], None)

        steps.append((day, order, code, change, client, step, version))
    for cid, client in clients.items():
        row = reg.conn.execute(personal.format("main.clients"), (cid,)).fetchone()
        if row["recorded_on"] is not None and row["recorded_on"] > d:
            change = "edited" if client.row is not None else "added"

            def set_row(client: _Client = client, row: sqlite3.Row = row) -> None:
                client.row = row

            # Before the events of its day: a client is registered before their intake is recorded.
            steps.append((row["recorded_on"], -1, row["code"], change, client, set_row, None))
    totals = [then]  # staff and activities as of the day, until their step

    def report() -> dict[str, Any]:
        everyone = [*facts.values(), *(f for c in clients.values() if (f := c.facts()) is not None)]
        return counting.month_report(replace(totals[0], clients=everyone), first, last, today)

    def alone(client: _Client) -> dict[str, Any]:
        """The month counted over this client alone: where it does not change, no figure does."""
        one = client.facts()
        return counting.month_report(replace(totals[0], clients=[one] if one else []), first, last, today)

    out: list[dict[str, Any]] = []
    before = report()
    if moved := _moves(start, before):
        out.append(_whole("days-passed", moved))
    grouped: dict[tuple[str, int, str], list[tuple[str, _Client, Callable[[], None], sqlite3.Row | None]]] = {}
    for day, order, code, change, client, apply, ver in steps:
        grouped.setdefault((day, order, code), []).append((change, client, apply, ver))
    for (on, _, who), parts in sorted(grouped.items(), key=lambda g: (g[0][0], g[0][1])):
        parts.sort(key=lambda p: p[0] != "withdrawn")
        was = alone(parts[0][1])
        for _, _, apply, _ in parts:
            apply()
        if alone(parts[0][1]) == was:
            continue
        kinds = {p[0] for p in parts}
        what = "corrected" if kinds == {"recorded", "withdrawn"} else parts[0][0]
        # The event as it stands after the change (the version recorded, else the one withdrawn).
        event = parts[-1][3]
        after = report()
        if moved := _moves(before, after):
            out.append(
                {
                    "code": who,
                    "change": what,
                    "recorded_on": on,
                    "event": event and event["event"],
                    "date": event and event["date"],
                    "value": event and event["value"],
                    "moves": moved,
                }
            )
        before = after
    for what, swap in (
        ("staff", {"staff": now.staff}),
        ("activities", {"activities": now.activities, "activity_types": now.activity_types}),
    ):
        totals[0] = replace(totals[0], **swap)
        after = report()
        if moved := _moves(before, after):
            out.append(_whole(what, moved))
        before = after
    # The replay derives windows by the rules as of the day; a rule changed since moves the rest.
    after = counting.month_report(now, first, last, today)
    if moved := _moves(before, after):
        out.append(_whole("policy", moved))
    before = after
    reg.today = today
    return {"month": first.strftime("%Y-%m"), "since": since, "then": start, "now": before, "changes": out}
