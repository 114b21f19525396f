"""The period and year reports counted in SQL say what the core's definitions say.

Random registers are written straight into the tables (episodes, decisions in any order, moves,
withdrawn versions, random ids, staff, activities); the SQL figures must equal
``counting.period_report`` and ``year_report`` over the same register read as facts.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorcli.core import counting
from mentorcli.store import reports as store
from mentorcli.store.db import connect
from mentorcli.store.ids import new_id
from mentorcli.store.register import open_register

BASE = date(2020, 1, 1)
EVENTS = [
    ("granted", "refugee"),
    ("granted", "alternative"),
    ("granted", "temporary-protection"),
    ("refused", None),
    ("appealed", None),
    ("court", "positive"),
    ("court", "negative"),
    ("final-refusal", None),
    ("move", "riga"),
    ("move", "cesis"),
]
REASONS = ["left-latvia", "declined", "non-compliance", "final-refusal", "other", "eligibility-ended"]


def day(n: int) -> str:
    return (BASE + timedelta(days=n)).isoformat()


@st.composite
def a_client(draw: st.DrawFn) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    born = date(draw(st.integers(1950, 2019)), draw(st.integers(1, 12)), draw(st.integers(1, 28)))
    facts = (
        draw(st.sampled_from(["F", "M"])),
        born.isoformat(),
        draw(st.sampled_from(["SY", "AF", "IQ"])),
        draw(st.sampled_from(["relocation", "independent"])),
        draw(st.sampled_from(["mucenieki", "riga"])),
        draw(st.none() | st.sampled_from(["F1", "F2", "F3"])),
    )
    # Events close together, often on one day: then the order of entry decides.
    near = draw(st.integers(0, 400))
    events = [
        (day(near + d), *draw(st.sampled_from(EVENTS)), draw(st.booleans()))  # withdrawn or current
        for d in draw(st.lists(st.integers(0, 8), max_size=6))
    ]
    episodes = []
    start = draw(st.integers(0, 300))
    for i in range(draw(st.integers(0, 3))):
        is_open = draw(st.booleans())
        end = None if is_open else start + draw(st.integers(0, 200))
        reason = None if end is None else draw(st.sampled_from(REASONS))
        episodes.append((day(start), None if end is None else day(end), reason, int(i == 0)))
        if end is None:
            break
        start = end + draw(st.integers(1, 60))
    return facts, events, episodes


@st.composite
def registers(draw: st.DrawFn) -> tuple[list, date, date, date, list[tuple[str, int]]]:  # type: ignore[type-arg]
    clients = draw(st.lists(a_client(), max_size=20))
    first = BASE + timedelta(days=draw(st.integers(0, 400)))
    last = first + timedelta(days=draw(st.integers(0, 400)))
    today = last + timedelta(days=draw(st.integers(-150, 300)))  # mostly after the period, sometimes inside
    activities = draw(st.lists(st.tuples(st.sampled_from(["interpreter", "psychologist"]), st.integers(0, 800))))
    return clients, first, last, today, activities


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.db"
        connect(path, create=True).close()
        yield path


def _write(path: Path, clients: list, activities: list[tuple[str, int]]) -> None:  # type: ignore[type-arg]
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO staff (name, role, active_from) VALUES ('M', 'mentor', ?)", (day(0),))
    conn.execute(
        "INSERT INTO staff (name, role, active_from, active_to) VALUES ('W', 'social-worker', ?, ?)",
        (day(30), day(300)),
    )
    entry = 0
    for i, (facts, events, episodes) in enumerate(clients, start=1):
        conn.execute(
            "INSERT INTO clients (id, code, sex, born, country, route, residence, family, arrived, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'now')",
            (i, f"C{i}", *facts, day(0)),
        )
        for when, event, value, withdrawn in events:
            entry += 1  # the order of entry is the audit entry's; ids are random (store/ids.py)
            conn.execute(
                "INSERT INTO events (id, client_id, date, event, value, recorded, audit_id, withdrawn_on) "
                "VALUES (?, ?, ?, ?, ?, 'now', ?, ?)",
                (new_id(), i, when, event, value, entry, day(0) if withdrawn else None),
            )
        conn.executemany("INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?)", [(i, k, *e) for k, e in enumerate(episodes)])
    conn.executemany(
        "INSERT INTO activities (date, type, staff_id) VALUES (?, ?, 1)", [(day(d), t) for t, d in activities]
    )
    conn.execute("COMMIT")
    conn.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=registers())
def test_the_sql_counts_are_the_cores(template: Path, case: tuple) -> None:  # type: ignore[type-arg]
    clients, first, last, today, activities = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "r.db"
        shutil.copy(template, path)
        _write(path, clients, activities)
        with open_register(path, today, "test", write=False) as reg:
            core = counting.period_report(store.inputs(reg, first, last), first, last, today)
            assert store.period_figures(reg, first, last) == core
            year = first.year
            y_first, y_last = date(year, 1, 1), date(year, 12, 31)
            assert store.year_figures(reg, year) == counting.year_report(
                store.inputs(reg, y_first, y_last), year, today
            )
