"""When the service changes hands (SPEC 9): the clients served on a day go to the next provider.

The old register writes their records into one encrypted file and ends their episodes with the
exit ``transferred``; the new register takes them over with their whole legal-status and
residence histories, so every window keeps its dates, and serves them from the next day. What
the earlier providers served is kept as history, marked with the provider, and counted nowhere.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from mentorcli.core.clients import Client
from mentorcli.core.dates import ONE_DAY
from mentorcli.core.eligibility import TAKEOVER, TRANSFERRED
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.store import maintenance, personal
from mentorcli.store.clients import (
    SERVICE,
    client_id,
    insert_client,
    insert_events,
    record,
    record_by_id,
    record_event,
    refresh,
    timeline,
)
from mentorcli.store.db import iso_or_none, overlaps
from mentorcli.store.ids import new_id
from mentorcli.store.register import Register

FORMAT, VERSION = "mentorcli-handover", 1
OUT, IN = "out", "in"


@dataclass(frozen=True)
class Handed:
    blob: bytes  # the encrypted file
    codes: list[str]


def served_on(reg: Register, day: date) -> list[str]:
    """Every client served on ``day`` who may still be served after it (else nothing is handed over)."""
    rows = reg.conn.execute(
        f"SELECT code FROM clients WHERE id IN (SELECT client_id FROM episodes WHERE {overlaps(':d', ':d')}) "
        "ORDER BY code",
        {"d": day.isoformat()},
    )
    out = []
    for (code,) in rows:
        tl = timeline(reg, record(reg, code))
        if tl.served_on(day, reg.today) and tl.eligible_on(day + ONE_DAY):
            out.append(code)
    return out


def handover(reg: Register, provider: str, day: date, codes: list[str], passphrase: str) -> Handed:
    """End the episodes of ``codes`` (all served on ``day`` when empty) and seal their records."""
    chosen = sorted(set(codes)) if codes else served_on(reg, day)
    if not chosen:
        raise InputError(N_("nobody is served on {day}: nothing to hand over", day=day), field="--on")
    clients = []
    for code in chosen:
        tl = timeline(reg, record(reg, code))
        if not tl.served_on(day, reg.today):
            raise InputError(
                N_("{code} is not served on {day}: nothing to hand over", code=code, day=day), field="code"
            )
        if not tl.eligible_on(day + ONE_DAY):
            raise InputError(
                N_("{code}: eligible no longer than {day}: nothing to hand over", code=code, day=day), field="code"
            )
        record_event(reg, code, day, "exit", TRANSFERRED)
        clients.append(_client_record(reg, code, provider))
    plain = json.dumps(
        {"format": FORMAT, "version": VERSION, "id": new_id(), "provider": provider, "on": day, "clients": clients},
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    ).encode("utf-8")
    digest = hashlib.sha256(plain).hexdigest()
    audit_id = reg.audit("handover", "clients", provider, {"on": day, "clients": chosen, "sha256": digest})
    _applied(reg, OUT, digest, provider, day, len(chosen), audit_id)
    return Handed(maintenance.encrypt(plain, passphrase), chosen)


def _client_record(reg: Register, code: str, provider: str) -> dict[str, Any]:
    """What the next provider needs: the person, the histories as now known, the plan, the episodes."""
    rec = record(reg, code)
    cid, c = client_id(reg, code), rec.client
    tl = timeline(reg, rec)
    events = [
        {"date": r["date"], "event": r["event"], "value": r["value"], "recorded_on": r["recorded_on"]}
        for r in reg.conn.execute(
            "SELECT date, event, value, recorded_on FROM current_events WHERE client_id = ? ORDER BY date, id", (cid,)
        )
        if r["event"] not in SERVICE
    ]
    episodes = [
        {"provider": e.provider or provider, "start": e.start, "end": e.end, "end_reason": e.end_reason}
        for e in (*tl.earlier, *tl.episodes)
    ]
    assessments = [
        {"date": r[0], "complexity": r[1]}
        for r in reg.conn.execute(
            "SELECT date, complexity FROM plan_assessments WHERE client_id = ? ORDER BY date, id", (cid,)
        )
    ]
    goals = [
        {"area": r[0], "due": r[1], "text": r[2]}
        for r in reg.conn.execute(
            "SELECT g.area, g.due, t.text FROM goals g LEFT JOIN personal_goals t ON t.goal_id = g.id "
            "WHERE g.client_id = ? AND g.state = 'open' ORDER BY g.due, g.id",
            (cid,),
        )
    ]
    return {
        "code": c.code,
        "name": c.name,
        "languages": c.languages,
        "sex": c.sex,
        "born": c.born,
        "born_year_only": c.born_year_only,
        "country": c.country,
        "arrived": c.arrived,
        "route": c.route,
        "residence": c.residence,
        "family": c.family,
        "events": events,
        "episodes": episodes,
        "assessments": assessments,
        "goals": goals,
    }


def _applied(reg: Register, direction: str, digest: str, provider: str, day: date, n: int, audit_id: int) -> None:
    reg.conn.execute(
        "INSERT INTO handovers (id, direction, sha256, provider, handed_on, applied_on, clients, audit_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), direction, digest, provider, day.isoformat(), reg.today.isoformat(), n, audit_id),
    )


def open_file(blob: bytes, passphrase: str) -> tuple[dict[str, Any], str]:
    """The handover inside an encrypted file, and the hash that recognises it; refused when damaged."""
    damaged = N_("wrong passphrase, or the handover file is damaged")
    if not blob.startswith(maintenance.MAGIC) or len(blob) < len(maintenance.MAGIC) + 28 + 16:
        raise InputError(N_("not a handover file, or a truncated one"), field="file")
    try:
        plain = maintenance.decrypt(blob, passphrase)
    except InputError:
        raise InputError(damaged, field="passphrase") from None
    try:
        data = json.loads(plain)
        if data.get("format") != FORMAT:
            raise ValueError
    except (ValueError, AttributeError):
        raise InputError(N_("not a handover file, or a truncated one"), field="file") from None
    if data.get("version") != VERSION:
        raise InputError(N_("handover file version {version} is not known here", version=data.get("version")))
    return data, hashlib.sha256(plain).hexdigest()


@dataclass(frozen=True)
class Taken:
    provider: str
    on: date
    codes: list[str]
    already: date | None = None  # the day this file was taken over before


def takeover(reg: Register, data: dict[str, Any], digest: str, prefix: str = "") -> Taken:
    """Bring in the clients of a handover file; a file applied before changes nothing."""
    provider, day = str(data["provider"]), date.fromisoformat(data["on"])
    before = reg.conn.execute(
        "SELECT applied_on FROM handovers WHERE sha256 = ? AND direction = ?", (digest, IN)
    ).fetchone()
    if before is not None:
        return Taken(provider, day, [], date.fromisoformat(before[0]))
    if reg.today <= day:
        raise InputError(
            N_(
                "a handover of {day} is taken over on {next} or later (today is {today})",
                day=day,
                next=day + ONE_DAY,
                today=reg.today,
            ),
            field="--today",
        )
    people = data["clients"]
    codes = [prefix + str(p["code"]) for p in people]
    taken = [
        r[0] for r in reg.conn.execute(f"SELECT code FROM clients WHERE code IN ({','.join('?' * len(codes))})", codes)
    ]
    if taken:
        raise InputError(
            N_("codes already in this register: {codes}; take them over with --prefix", codes=", ".join(sorted(taken))),
            field="code",
        )
    audit_id = reg.audit("takeover", "clients", provider, {"on": day, "clients": codes, "sha256": digest})
    try:
        for p, code in zip(people, codes, strict=True):
            _bring_in(reg, p, code, prefix, provider, day, audit_id)
    except (KeyError, TypeError, ValueError):
        raise InputError(N_("not a handover file, or a truncated one"), field="file") from None
    _applied(reg, IN, digest, provider, day, len(codes), audit_id)
    return Taken(provider, day, codes)


def _bring_in(
    reg: Register, p: dict[str, Any], code: str, prefix: str, provider: str, day: date, audit_id: int
) -> None:
    from mentorcli.core import clients as fields

    client = Client(
        code=fields.check_code(code),
        sex=p["sex"],
        born=date.fromisoformat(p["born"]),
        born_year_only=bool(p["born_year_only"]),
        country=p["country"],
        arrived=date.fromisoformat(p["arrived"]),
        route=p["route"],
        residence=p["residence"],
        family=prefix + p["family"] if p["family"] else None,
        name=p["name"],
        languages=p["languages"],
    )
    cid = insert_client(reg, client, audit_id)
    rows = [(cid, e["date"], e["event"], e["value"], None) for e in p["events"]]
    rows.append((cid, (day + ONE_DAY).isoformat(), TAKEOVER, provider, None))
    insert_events(reg, rows, audit_id)
    uids = [r[0] for r in reg.conn.execute("SELECT uid FROM events WHERE client_id = ? ORDER BY id", (cid,))]
    reg.conn.executemany(
        "INSERT INTO event_provenance (event_uid, provider, recorded_on, audit_id) VALUES (?, ?, ?, ?)",
        [(uid, provider, e.get("recorded_on"), audit_id) for uid, e in zip(uids, p["events"], strict=False)],
    )
    reg.conn.executemany(
        'INSERT INTO earlier_episodes (id, client_id, provider, start, "end", end_reason, audit_id) '
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (new_id(), cid, e["provider"], e["start"], iso_or_none(_day(e["end"])), e["end_reason"], audit_id)
            for e in p["episodes"]
        ],
    )
    reg.conn.executemany(
        "INSERT INTO plan_assessments (id, client_id, date, complexity, audit_id) VALUES (?, ?, ?, ?, ?)",
        [(new_id(), cid, a["date"], int(a["complexity"]), audit_id) for a in p["assessments"]],
    )
    for g in p["goals"]:
        gid = new_id()
        reg.conn.execute(
            "INSERT INTO goals (id, client_id, area, due, state, audit_id) VALUES (?, ?, ?, ?, 'open', ?)",
            (gid, cid, g["area"], g["due"], audit_id),
        )
        personal.set_goal_text(reg, gid, g["text"], audit_id)
    try:
        refresh(reg, record_by_id(reg, cid))
    except InputError as e:
        raise InputError(N_("{code}: {problem}", code=code, problem=e.as_message()), field="file") from None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None
