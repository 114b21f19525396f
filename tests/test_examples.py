"""The example caseload: reproducible, synthetic, and valid under every rule."""

from __future__ import annotations

import csv
import importlib.util
import sqlite3
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, add_client
from mentorcli.core.casework import BUILTIN_ACTIVITY_TYPES
from mentorcli.core.policy import DEFAULTS
from mentorcli.store.export import COLUMNS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
FILES = ("clients", "events", "staff", "assignments", "activities")
TODAY = date(2021, 12, 31)


def rows(kind: str) -> list[dict[str, str]]:
    with (EXAMPLES / f"{kind}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_the_files_are_what_generate_py_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("generate", EXAMPLES / "generate.py")
    assert spec and spec.loader
    generate = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = generate  # its dataclasses look their module up
    try:
        spec.loader.exec_module(generate)
    finally:
        del sys.modules["generate"]
    generate.main(tmp_path)
    for kind in FILES:
        assert (tmp_path / f"{kind}.csv").read_bytes() == (EXAMPLES / f"{kind}.csv").read_bytes(), kind


def test_columns_and_size() -> None:
    for kind in FILES:
        header = (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(COLUMNS[kind])
    clients = rows("clients")
    assert 300 <= len(clients) <= 600
    assert all(c["name"] == "" and c["code"].startswith("EX-") for c in clients), "examples hold no names"
    assert all(c["arrived"] < "2022-01-01" for c in clients)
    families = Counter(c["family"] for c in clients if c["family"])
    assert len(families) >= 30 and min(families.values()) >= 2


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """clients.csv and events.csv imported, as `mentorcli demo` does."""
    from typer.testing import CliRunner

    from mentorcli.cli.app import app

    db = tmp_path_factory.mktemp("examples") / "examples.db"
    for kind in ("clients", "events"):
        r = CliRunner().invoke(
            app, ["--db", str(db), "--today", "2021-12-31", "import", kind, str(EXAMPLES / f"{kind}.csv")]
        )
        assert r.exit_code == 0, r.stderr
    return db


def test_clients_and_events_import_and_export_back_the_same(run: Run, imported: Path) -> None:
    for kind in ("clients", "events"):
        assert run("--db", imported, "export", kind).out == (EXAMPLES / f"{kind}.csv").read_text(encoding="utf-8")


def _episodes(db: Path) -> dict[str, list[tuple[date, date]]]:
    """Each client's served days as (first, last) ranges, up to today."""
    conn = sqlite3.connect(db)
    out: dict[str, list[tuple[date, date]]] = {}
    for code, start, end in conn.execute(
        "SELECT c.code, e.start, e.end FROM episodes e JOIN clients c ON c.id = e.client_id ORDER BY 1, 2"
    ):
        last = min(date.fromisoformat(end), TODAY) if end else TODAY
        out.setdefault(code, []).append((date.fromisoformat(start), last))
    conn.close()
    return out


def test_every_path_of_the_procedure_is_there(imported: Path) -> None:
    conn = sqlite3.connect(imported)
    one: Any = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
    per_client = "SELECT COUNT(DISTINCT client_id) FROM events e WHERE "
    assert one(per_client + "event = 'granted' AND value = 'refugee'") > 5
    assert one(per_client + "event = 'granted' AND value = 'alternative'") > 5
    # Granted inside the asylum-seeker window: one episode runs on into the status window.
    assert (
        one(
            "SELECT COUNT(*) FROM episodes p JOIN windows w ON w.client_id = p.client_id AND w.kind = 'status' "
            "WHERE p.start < w.start AND (p.end IS NULL OR p.end > w.start)"
        )
        > 5
    )
    assert one(per_client + "event = 'resume'") > 5
    assert (
        one(
            per_client + "event = 'court' AND value = 'positive' AND EXISTS (SELECT 1 FROM events g "
            "WHERE g.client_id = e.client_id AND g.event = 'granted' AND g.date > e.date)"
        )
        > 2
    )
    assert (
        one(
            per_client + "event = 'court' AND value = 'negative' AND EXISTS (SELECT 1 FROM events f "
            "WHERE f.client_id = e.client_id AND f.event = 'final-refusal')"
        )
        > 2
    )
    assert (
        one(
            per_client + "event = 'appealed' AND NOT EXISTS (SELECT 1 FROM events c "
            "WHERE c.client_id = e.client_id AND c.event = 'court')"
        )
        > 0
    ), "awaiting the court at the end"
    assert (
        one(
            per_client + "event = 'refused' AND NOT EXISTS (SELECT 1 FROM events a "
            "WHERE a.client_id = e.client_id AND a.event = 'appealed') AND EXISTS (SELECT 1 FROM events f "
            "WHERE f.client_id = e.client_id AND f.event = 'final-refusal')"
        )
        > 2
    )
    for reason in ("left-latvia", "declined", "non-compliance", "final-refusal"):
        assert one(f"SELECT COUNT(*) FROM episodes WHERE end_reason = '{reason}'") > 2, reason
    assert (
        one("SELECT COUNT(*) FROM clients c WHERE NOT EXISTS (SELECT 1 FROM episodes e WHERE e.client_id = c.id)") > 3
    )
    conn.close()


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def test_staff_assignments_and_activities_keep_the_casework_rules(imported: Path) -> None:
    staff = {s["name"]: s for s in rows("staff")}
    roles = Counter(s["role"] for s in staff.values())
    assert roles == {"social-worker": 2, "mentor": 11}
    assert all(staff[s["team"]]["role"] == "social-worker" for s in staff.values() if s["role"] == "mentor")
    assert all(s["team"] == "" for s in staff.values() if s["role"] == "social-worker")

    def active(name: str, day: date) -> bool:
        s = staff[name]
        return s["from"] <= day.isoformat() and (not s["to"] or day.isoformat() <= s["to"])

    served = _episodes(imported)
    load: Counter[tuple[str, date]] = Counter()
    for a in rows("assignments"):
        first = date.fromisoformat(a["from"])
        last = date.fromisoformat(a["to"]) if a["to"] else TODAY
        assert any(s <= first and last <= e for s, e in served[a["code"]]), f"{a} outside the client's service"
        assert staff[a["mentor"]]["team"] == a["worker"], a
        for day in _days(first, last):
            assert active(a["worker"], day) and active(a["mentor"], day), a
            load[a["worker"], day] += 1
            load[a["mentor"], day] += 1
    most = {role: max(n for (name, _), n in load.items() if staff[name]["role"] == role) for role in roles}
    assert most["social-worker"] <= DEFAULTS["caseload_max_social_worker"]
    assert most["mentor"] <= DEFAULTS["caseload_max_mentor"]

    acts = rows("activities")
    assert len(acts) > 500
    for act in acts:
        day = date.fromisoformat(act["date"])
        assert any(s <= day <= e for s, e in served[act["code"]]), f"{act} not on a served day"
        assert active(act["staff"], day), act
        assert act["type"] in BUILTIN_ACTIVITY_TYPES
        assert act["minutes"] == "" or int(act["minutes"]) > 0
    assert {a["type"] for a in acts} == set(BUILTIN_ACTIVITY_TYPES)


@pytest.mark.slow
def test_demo_imports_the_examples_and_shows_the_busiest_month(run: Run, tmp_path: Path) -> None:
    kept = tmp_path / "demo.db"
    out = run("demo", "--keep", kept).out
    assert "$ mentorcli import clients " in out and "clients.csv: imported 446 clients" in out
    for kind in ("events", "staff", "assignments", "activities"):
        assert f"$ mentorcli import {kind} " in out
    assert "$ mentorcli report month 2020-05 --format table" in out
    assert len(run("--db", kept, "client", "list", "--format", "json").json()) == 446
    served = {
        m: len(run("--db", kept, "client", "list", "--served-in", m, "--format", "json").json())
        for m in ("2020-04", "2020-05", "2020-06")
    }
    assert served["2020-05"] > max(served["2020-04"], served["2020-06"]), "2020-05 is the busiest month"
    res = run("demo", "--keep", kept, ok=False)
    assert res.code == 1 and "exists already" in res.err


@pytest.mark.slow
def test_demo_loads_every_example_file_and_reports_the_busiest_month(run: Run) -> None:
    out = run("demo").out
    for kind, n in (("clients", 446), ("events", 985), ("staff", 13), ("assignments", 538), ("activities", 1739)):
        assert f"$ mentorcli import {kind} " in out
        assert f"{kind}.csv: imported {n} " in out
    assert "$ mentorcli report month 2020-05 --format table" in out
    assert "served" in out.split("report month 2020-05")[1]


def test_busiest_month(run: Run, db_path: Path) -> None:
    from mentorcli.cli.demo import _busiest_month

    add_client(run, "B-1", arrived="2020-03-10", intake="2020-03-10")  # served March to June 10
    add_client(run, "B-2", arrived="2020-05-20", intake="2020-05-31")  # served from May 31
    add_client(run, "B-3", arrived="2020-06-01", intake="2020-06-01")
    add_client(run, "B-4", arrived="2020-06-01")  # never served: does not count
    run("client", "exit", "B-3", "--reason", "declined", "--date", "2020-06-02")
    # March 1, April 1, May 2, June 3, July 1, August 1 (B-2 until 31.08), September 0.
    assert _busiest_month(db_path, date(2021, 12, 31)) == "2020-06"
    run("client", "exit", "B-1", "--reason", "declined", "--date", "2020-04-30")
    # March 1, April 1, May 1, June 2 (B-2, B-3), July 1.
    assert _busiest_month(db_path, date(2021, 12, 31)) == "2020-06"
    run("client", "exit", "B-2", "--reason", "declined", "--date", "2020-05-31")
    # March 1, April 1, May 1, June 1: the first of equals.
    assert _busiest_month(db_path, date(2021, 12, 31)) == "2020-03"
