"""The caseload counted in SQL (`report caseload`, `due`, `db check`) is the core's count.

`store.assignments.PERIODS` cuts each assignment at the end of its episode as `core.casework.in_effect`
does, and `LOADS_ON` counts per staff member what `core.casework.Caseload.on` counts.
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mentorcli.core.casework import Caseload, Period, in_effect
from mentorcli.store.assignments import PERIODS
from mentorcli.store.caseload import LOADS_ON
from mentorcli.store.db import connect

D0 = date(2020, 3, 1)
CLIENTS = (1, 2, 3)
WORKERS, MENTORS = (1, 2), (3, 4)


@cache
def _db() -> sqlite3.Connection:
    """One migrated file for every example; each example replaces the episodes and assignments."""
    conn = connect(Path(tempfile.mkdtemp()) / "caseload.db", create=True)
    conn.execute("PRAGMA synchronous = OFF")  # a scratch file: no need to wait for the disk
    for sid in WORKERS + MENTORS:
        role = "social-worker" if sid in WORKERS else "mentor"
        conn.execute(
            "INSERT INTO staff (id, name, role, active_from) VALUES (?, ?, ?, '2020-01-01')", (sid, f"S {sid}", role)
        )
    for cid in CLIENTS:
        conn.execute(
            "INSERT INTO clients (id, code, sex, born, country, arrived, route, residence, created, born_year_only)"
            " VALUES (?, ?, 'M', '1990-01-01', 'SY', '2020-01-01', 'independent', 'riga', 'x', 0)",
            (cid, f"C-{cid}"),
        )
    return conn


def _day(n: int | None) -> date | None:
    return None if n is None else D0 + timedelta(days=n)


# Per client: episodes one after another, as gaps and lengths in days (None: still open).
episode_runs = st.lists(st.tuples(st.integers(0, 15), st.integers(0, 20)), max_size=3).flatmap(
    lambda closed: st.tuples(st.just(closed), st.none() | st.integers(0, 15))
)
assignments = st.lists(
    st.tuples(
        st.sampled_from(CLIENTS),
        st.integers(0, 70),
        st.none() | st.integers(0, 30),
        st.none() | st.sampled_from(WORKERS),
        st.none() | st.sampled_from(MENTORS),
    ),
    max_size=12,
)


@settings(deadline=None)  # the first example also creates the file
@given(runs=st.tuples(episode_runs, episode_runs, episode_runs), given_assignments=assignments, data=st.data())
def test_the_sql_caseload_is_the_core_caseload(
    runs: tuple[tuple[list[tuple[int, int]], int | None], ...],
    given_assignments: list[tuple[int, int, int | None, int | None, int | None]],
    data: st.DataObject,
) -> None:
    conn = _db()
    conn.execute("DELETE FROM assignments")
    conn.execute("DELETE FROM episodes")
    episodes: dict[int, list[Period]] = {}
    for cid, (closed, open_gap) in zip(CLIENTS, runs, strict=True):
        at = 0
        for gap, length in closed:
            episodes.setdefault(cid, []).append(Period(_day(at + gap) or D0, _day(at + gap + length)))
            at += gap + length + 1
        if open_gap is not None:
            episodes.setdefault(cid, []).append(Period(_day(at + open_gap) or D0))
        for seq, ep in enumerate(episodes.get(cid, [])):
            conn.execute(
                'INSERT INTO episodes (client_id, seq, start, "end", end_reason, first) VALUES (?, ?, ?, ?, NULL, ?)',
                (cid, seq, ep.start.isoformat(), ep.end.isoformat() if ep.end else None, int(seq == 0)),
            )
    spans: dict[int, list[Period]] = {}
    expected_periods = []
    for aid, (cid, start, length, worker, mentor) in enumerate(given_assignments, 1):
        own = Period(D0 + timedelta(days=start), _day(None if length is None else start + length))
        conn.execute(
            'INSERT INTO assignments (id, client_id, worker_id, mentor_id, start, "end", forced) VALUES (?, ?, ?, ?, ?, ?, 0)',
            (aid, cid, worker, mentor, own.start.isoformat(), own.end.isoformat() if own.end else None),
        )
        episode = next((e for e in episodes.get(cid, []) if e.contains(own.start)), None)
        if episode is None:
            continue  # its start lies in no episode: it covers no served day
        effective = in_effect(own, episode)
        expected_periods.append((aid, effective))
        for sid in (worker, mentor):
            if sid is not None:
                spans.setdefault(sid, []).append(effective)
    got_periods = [
        (r[0], Period(date.fromisoformat(r[1]), date.fromisoformat(r[2]) if r[2] else None))
        for r in conn.execute(f"SELECT id, start, eff_end FROM ({PERIODS}) ORDER BY id")
    ]
    assert got_periods == expected_periods
    # The days where a count goes wrong, if it does: a period's first and last day and the day after.
    edges = {D0} | {d for _, p in expected_periods for d in (p.start, p.end, p.end and p.end + timedelta(days=1)) if d}
    on = data.draw(st.sampled_from(sorted(edges)) | st.builds(_day, st.integers(0, 80)))
    expected = {sid: Caseload(ps).on(on) for sid, ps in spans.items()}
    got = dict(conn.execute(LOADS_ON, {"day": on.isoformat()}).fetchall())
    assert got == {sid: n for sid, n in expected.items() if n}
