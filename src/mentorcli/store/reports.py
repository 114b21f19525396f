"""Facts for the reports, read in a few set-wise queries, and reports saved as sent.

Only the clients with an episode overlapping the period are read (the ``episodes`` table is
derived and indexed on start and end); their events come in one query, not one per client.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from typing import Any

from mentorcli.core import counting
from mentorcli.core.clients import ROUTES
from mentorcli.core.counting import ADULT_AGE, ActivityFacts, ClientFacts, Inputs, StaffFacts, WindowFacts
from mentorcli.core.dates import months_between
from mentorcli.core.eligibility import EXIT_REASONS, Episode
from mentorcli.core.errors import InputError
from mentorcli.core.legal import STATUS_EVENTS, LegalTimeline, StatusEvent
from mentorcli.store.register import Register

# Clients whose episodes overlap the period, as far as it has happened by "today".
_SERVED = 'SELECT DISTINCT client_id FROM episodes WHERE start <= :end AND ("end" IS NULL OR "end" >= :first)'


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def client_facts(reg: Register, first: date, last: date) -> list[ClientFacts]:
    params = {"first": first.isoformat(), "end": min(last, reg.today).isoformat()}
    conn = reg.conn
    episodes: dict[int, list[Episode]] = defaultdict(list)
    for r in conn.execute(
        f'SELECT client_id, start, "end", end_reason, first FROM episodes WHERE client_id IN ({_SERVED}) '
        "ORDER BY client_id, seq",
        params,
    ):
        episodes[r[0]].append(Episode(date.fromisoformat(r[1]), _day(r[2]), r[3], bool(r[4])))
    status: dict[int, list[StatusEvent]] = defaultdict(list)
    moves: dict[int, list[tuple[date, str]]] = defaultdict(list)
    for r in conn.execute(
        f"SELECT client_id, date, event, value FROM events WHERE client_id IN ({_SERVED}) "
        "AND event IN ('granted', 'refused', 'appealed', 'court', 'final-refusal', 'move') "
        "ORDER BY client_id, date, id",
        params,
    ):
        day = date.fromisoformat(r[1])
        if r[2] in STATUS_EVENTS:
            status[r[0]].append(StatusEvent(day, r[2], r[3]))
        else:
            moves[r[0]].append((day, r[3]))
    facts = []
    for r in conn.execute(
        "SELECT id, code, sex, born, country, route, family, residence, arrived FROM clients "
        f"WHERE id IN ({_SERVED}) ORDER BY code",
        params,
    ):
        cid = r["id"]
        facts.append(
            ClientFacts(
                code=r["code"],
                sex=r["sex"],
                born=date.fromisoformat(r["born"]),
                country=r["country"],
                route=r["route"],
                family=r["family"],
                residence=r["residence"],
                moves=tuple(moves[cid]),
                legal=LegalTimeline(date.fromisoformat(r["arrived"]), tuple(status[cid])),
                episodes=tuple(episodes[cid]),
            )
        )
    return facts


def inputs(reg: Register, first: date, last: date) -> Inputs:
    rest = inputs_without_clients(reg, first, last)
    return Inputs(client_facts(reg, first, last), rest.staff, rest.activities, rest.activity_types)


def inputs_without_clients(reg: Register, first: date, last: date) -> Inputs:
    """Staff and activities of the period: what the reports count besides clients."""
    conn = reg.conn
    staff = [
        StaffFacts(r[0], date.fromisoformat(r[1]), _day(r[2]))
        for r in conn.execute(
            "SELECT role, active_from, active_to FROM staff WHERE active_from <= ? AND (active_to IS NULL OR active_to >= ?)",
            (last.isoformat(), first.isoformat()),
        )
    ]
    activities = [
        ActivityFacts(date.fromisoformat(r[0]), r[1], r[2])
        for r in conn.execute(
            "SELECT date, type, COUNT(*) FROM activities WHERE date BETWEEN ? AND ? GROUP BY date, type",
            (first.isoformat(), last.isoformat()),
        )
    ]
    types = [r[0] for r in conn.execute("SELECT name FROM activity_types ORDER BY name")]
    return Inputs((), staff, activities, types)


def windows(reg: Register, first: date, last: date) -> list[WindowFacts]:
    """Eligibility windows overlapping the period (one client may have several)."""
    end = min(last, reg.today).isoformat()
    return [
        WindowFacts(str(r[0]), date.fromisoformat(r[1]), _day(r[2]))
        for r in reg.conn.execute(
            'SELECT client_id, start, "end" FROM windows WHERE start <= ? AND ("end" IS NULL OR "end" >= ?)',
            (end, first.isoformat()),
        )
    ]


def complexity(reg: Register, first: date, last: date) -> dict[str, int]:
    """The latest complexity level, on or before ``last``, of each client served in the period."""
    params = {"first": first.isoformat(), "end": min(last, reg.today).isoformat(), "last": last.isoformat()}
    rows = reg.conn.execute(
        "SELECT c.code, p.complexity FROM clients c JOIN ("
        "  SELECT client_id, complexity, ROW_NUMBER() OVER (PARTITION BY client_id ORDER BY date DESC, id DESC) AS n"
        f"  FROM plan_assessments WHERE date <= :last AND client_id IN ({_SERVED})"
        ") p ON p.client_id = c.id WHERE p.n = 1",
        params,
    )
    return {code: int(level) for code, level in rows}


def save(reg: Register, kind: str, period: str, figures: dict[str, Any]) -> None:
    """Keep the figures as sent, so late corrections can be shown against them."""
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, default=str)
    at = datetime.now(UTC).isoformat(timespec="seconds")
    reg.conn.execute(
        "INSERT INTO saved_reports (kind, period, saved_at, figures) VALUES (?, ?, ?, ?)", (kind, period, at, text)
    )
    reg.audit("save", "saved_reports", f"{kind} {period}", {"saved_at": at})


def last_saved(reg: Register, kind: str, period: str) -> tuple[str, dict[str, Any]]:
    row = reg.conn.execute(
        "SELECT saved_at, figures FROM saved_reports WHERE kind = ? AND period = ? ORDER BY id DESC LIMIT 1",
        (kind, period),
    ).fetchone()
    if row is None:
        raise InputError(f"month: no {kind} report for {period} was saved (report {kind} {period} --save)")
    return row[0], json.loads(row[1])


# --- the period and year reports, counted in SQL ------------------------------------------------
# Each count below is the core's definition (``core.counting``) said over the stored episodes and
# events; tests/test_report_sql.py checks them against the core on random registers.

# Clients served in :first..:end (:end = the period's last day, or today if earlier), each with
# their last served day in it. An episode is served through its end, or today while open.
SERVED_DAYS = """
SELECT client_id, MAX(MIN(COALESCE("end", :end), :end)) AS day
FROM episodes
WHERE start <= :end AND COALESCE("end", :today) >= :first AND :today >= :first
GROUP BY client_id
"""

# Each served client on their day: the facts ``counting.people`` counts, grouped.
_PEOPLE = """
WITH f AS (
  SELECT c.sex, c.country, c.route,
    CAST(substr(s.day, 1, 4) AS INTEGER) - CAST(substr(c.born, 1, 4) AS INTEGER)
      - (substr(s.day, 6) < substr(c.born, 6)) AS age,
    COALESCE((SELECT m.value FROM events m WHERE m.client_id = c.id AND m.event = 'move' AND m.date <= s.day
              ORDER BY m.date DESC, m.id DESC LIMIT 1), c.residence) AS residence,
    COALESCE((SELECT CASE e.event WHEN 'granted' THEN e.value ELSE 'final-refusal' END FROM events e
              WHERE e.client_id = c.id AND e.event IN ('granted', 'final-refusal') AND e.date <= s.day
              ORDER BY e.date DESC, e.id DESC LIMIT 1), 'asylum-seeker') AS status
  FROM {served} s CROSS JOIN clients c ON c.id = s.client_id  -- the few served, not every client
)
SELECT sex, age, country, route, residence, status, COUNT(*) FROM f GROUP BY 1, 2, 3, 4, 5, 6
"""


def _params(reg: Register, first: date, last: date) -> dict[str, str]:
    return {"first": first.isoformat(), "end": min(last, reg.today).isoformat(), "today": reg.today.isoformat()}


def _served(reg: Register, name: str, first: date, last: date) -> str:
    """A temporary table of the clients served in the period with their last served day; its name."""
    reg.conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    reg.conn.execute(f"CREATE TEMP TABLE {name} (client_id INTEGER PRIMARY KEY, day TEXT NOT NULL)")
    reg.conn.execute(f"INSERT INTO temp.{name} {SERVED_DAYS}", _params(reg, first, last))
    return f"temp.{name}"


def people(reg: Register, served: str) -> dict[str, Any]:
    """``counting.people`` of the clients of a ``_served`` table, each on their day."""
    women = men = children = 0
    ages: dict[str, list[int]] = {"F": [], "M": []}
    by: dict[str, Counter[str]] = {k: Counter() for k in ("country", "route", "residence", "status")}
    for sex, age, country, route, residence, status, n in reg.conn.execute(_PEOPLE.format(served=served)):
        if age < ADULT_AGE:
            children += n
        else:
            ages[sex] += [age] * n
            women, men = (women + n, men) if sex == "F" else (women, men + n)
        for key, value in (("country", country), ("route", route), ("residence", residence), ("status", status)):
            by[key][value] += n
    return {
        "served": women + men + children,
        "women": women,
        "men": men,
        "children": children,
        "average_age": {"women": counting._mean(ages["F"]), "men": counting._mean(ages["M"])},
        "by_country": dict(sorted(by["country"].items())),
        "by_residence": counting._with_usual(by["residence"], counting.USUAL_RESIDENCES),
        "by_route": counting._with_usual(by["route"], ROUTES),
        "by_status": counting._with_usual(by["status"], counting.USUAL_STATUSES),
    }


def period_figures(reg: Register, first: date, last: date) -> dict[str, Any]:
    """``counting.period_report`` over the stored episodes, in a few grouped queries."""
    conn, p = reg.conn, _params(reg, first, last)
    served = _served(reg, "report_served", first, last)
    out: dict[str, Any] = {"from": first, "to": last, **people(reg, served)}
    new, resumed = conn.execute(
        "SELECT COALESCE(SUM(firsts > 0), 0), COALESCE(SUM(firsts = 0), 0) FROM ("
        "  SELECT SUM(first) AS firsts FROM episodes WHERE start BETWEEN :first AND :end GROUP BY client_id)",
        p,
    ).fetchone()
    out.update(new=new, resumed=resumed, continuing=out["served"] - new - resumed)
    decisions: Counter[str] = Counter()
    for event, value, n in conn.execute(
        f"SELECT event, value, COUNT(*) FROM {served} s JOIN events e ON e.client_id = s.client_id "
        "WHERE event IN ('granted', 'refused', 'court', 'final-refusal') AND date BETWEEN :first AND :end "
        "GROUP BY event, value",
        p,
    ):
        if key := counting._decision_key(event, value):
            decisions[key] += n
    out["decisions"] = counting._with_usual(decisions, counting.DECISIONS)
    out["awaiting_court"] = conn.execute(
        f"SELECT COUNT(*) FROM {served} s WHERE (SELECT e.event FROM events e WHERE e.client_id = s.client_id "
        "AND e.event IN ('appealed', 'court') AND e.date <= ? ORDER BY e.date DESC, e.id DESC LIMIT 1) = 'appealed'",
        (last.isoformat(),),
    ).fetchone()[0]
    exits = {r: Counter[str]() for r in EXIT_REASONS}
    reasons = ", ".join(f"'{r}'" for r in EXIT_REASONS)
    for reason, route, n in conn.execute(
        "SELECT e.end_reason, c.route, COUNT(*) FROM episodes e JOIN clients c ON c.id = e.client_id "
        f'WHERE e.end_reason IN ({reasons}) AND e."end" BETWEEN :first AND :end GROUP BY 1, 2',
        p,
    ):
        exits[reason][route] += n
    out["exits"] = {r: sum(exits[r].values()) for r in EXIT_REASONS}
    rest = counting.figures(inputs_without_clients(reg, first, last), first, last, reg.today, {})
    out["staff"], out["activities"] = rest["staff"], rest["activities"]
    out["unique_persons"] = out["served"]
    out["monthly"] = monthly(reg, first, last, served)
    members = families = 0
    for (n,) in conn.execute(
        f"SELECT COUNT(*) FROM {served} s JOIN clients c ON c.id = s.client_id WHERE c.family IS NOT NULL "
        "GROUP BY c.family HAVING COUNT(*) >= 2"
    ):
        families, members = families + 1, members + n
    out.update(families=families, individuals=out["served"] - members)
    out["exits_by_route"] = {r: counting._with_usual(exits[r], ROUTES) for r in EXIT_REASONS}
    # Served on the period's last day (nobody, if it is after today): their last served day is it.
    conn.execute("DROP TABLE IF EXISTS temp.report_on_end")
    conn.execute(
        f"CREATE TEMP TABLE report_on_end AS SELECT client_id, day FROM {served} WHERE day = ? AND ? <= ?",
        (last.isoformat(), last.isoformat(), reg.today.isoformat()),
    )
    on_end = people(reg, "temp.report_on_end")
    out["active_at_end"] = {k: on_end[k] for k in ("served", "by_residence", "by_route", "by_status")}
    return out


def year_figures(reg: Register, year: int) -> dict[str, Any]:
    """``counting.year_report`` over the stored episodes."""
    out = {"year": year, **period_figures(reg, date(year, 1, 1), date(year, 12, 31))}
    out["first_time"] = out["new"]
    return out


def monthly(reg: Register, first: date, last: date, served: str) -> dict[str, int]:
    """``counting.monthly``: clients served in each calendar month of the period, cut to it.

    ``served`` is the period's ``_served`` table: only its clients' episodes are read.
    """
    months = {m.strftime("%Y-%m"): m.year * 12 + m.month - 1 for m, _ in months_between(first, last)}
    counts = dict.fromkeys(months, 0)
    month = "CAST(substr({0}, 1, 4) AS INTEGER) * 12 + CAST(substr({0}, 6, 2) AS INTEGER) - 1"
    lo, hi = month.format("MAX(start, :first)"), month.format('MIN(COALESCE("end", :end), :end)')
    values = ", ".join(f"('{k}', {n})" for k, n in months.items())  # our own text and numbers
    rows = reg.conn.execute(
        # Each episode's served days in the period, as the first and last month they fall in.
        f"WITH ep AS MATERIALIZED (SELECT client_id, {lo} AS lo, {hi} AS hi "
        f"  FROM {served} CROSS JOIN episodes USING (client_id) "
        '  WHERE start <= :end AND COALESCE("end", :today) >= :first), '
        f"months(k, n) AS (VALUES {values}) "
        "SELECT k, COUNT(*) FROM (SELECT DISTINCT m.k, ep.client_id FROM ep JOIN months m ON m.n BETWEEN ep.lo AND ep.hi) "
        "GROUP BY k",
        _params(reg, first, last),
    )
    counts.update(rows.fetchall())
    return counts
