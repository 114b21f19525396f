"""The report queries search indexes: none reads a whole table that grows with the register.

Each command runs on a generated file (its statistics gathered by ANALYZE, as the planner sees
them in use); every SELECT it sent is planned again with EXPLAIN QUERY PLAN.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bench_file import make
from mentorcli.cli.app import app
from mentorcli.store import db, register

pytestmark = pytest.mark.slow  # builds the benchmark file

# Tables that stay small whatever the caseload: reading them whole is cheaper than any index.
SMALL = {"staff", "teams", "policy", "activity_types", "migrations"}
# A day inside the generated years, so that `due` and `report capacity` find clients to read.
TODAY = "2022-01-15"
# `report population --on D` is left out: it counts everyone served by D, most of the register, so
# reading the tables whole is its cheapest plan.
COMMANDS = [
    ["report", "month", "2021-07"],
    ["report", "year", "2021"],
    ["report", "period", "--from", "2021-01-01", "--to", "2021-06-30"],
    ["report", "year", "2021", "--compare", "2020"],
    ["report", "caseload", "--on", "2021-07-01"],
    ["report", "capacity", "2021-07"],
    ["report", "invoice", "2021-07"],
    ["due"],
    ["client", "list", "--served-in", "2021-07"],
]
_ALIAS = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)"?(?:\s+(?:AS\s+)?(\w+))?', re.IGNORECASE)
_KEYWORDS = {"WHERE", "JOIN", "ON", "LEFT", "INNER", "GROUP", "ORDER", "UNION", "LIMIT", "USING", "CROSS"}


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make(tmp_path_factory.mktemp("plans") / "bench.db", 1500)


def full_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The large tables that the plan of ``sql`` reads from the first row to the last."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} - SMALL
    names = {}
    for table, alias in _ALIAS.findall(sql):
        names[table] = table
        if alias and alias.upper() not in _KEYWORDS:
            names[alias] = table
    scans = []
    for *_, detail in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        if m := re.match(r"SCAN (?:\w+\.)?(\w+)", detail):
            table = names.get(m[1], m[1])
            if table in tables:
                scans.append(f"{table} ({detail})")
    return scans


def test_the_check_sees_a_full_scan(bench: Path) -> None:
    conn = sqlite3.connect(bench)
    assert full_scans(conn, "SELECT * FROM activities a WHERE a.minutes > 30") == ["activities (SCAN a)"]
    assert full_scans(conn, "SELECT * FROM activities WHERE date = '2021-01-01'") == []


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_report_query_reads_a_whole_large_table(
    command: list[str], bench: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    opened = db.open_tracked

    def traced(path: Path, **how: Any) -> tuple[sqlite3.Connection, Any]:
        conn, created = opened(path, **how)
        conn.set_trace_callback(sent.append)
        return conn, created

    monkeypatch.setattr(register, "open_tracked", traced)
    r = CliRunner().invoke(app, ["--db", str(bench), "--today", TODAY, *command, "--format", "json"])
    assert r.exit_code == 0, r.output
    selects = [s for s in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert selects
    conn = sqlite3.connect(bench)
    # The small temporary tables a report builds (the clients served in the period) are built
    # again here, so that the queries that read them can be planned.
    # Those that fill them from the large tables are planned too, before they run.
    scans = {}
    for s in sent:
        if s.lstrip().upper().startswith(("CREATE TEMP", "INSERT INTO TEMP.", "DROP TABLE IF EXISTS TEMP.")):
            if " SELECT " in s.upper() and (found := full_scans(conn, s)):
                scans[s] = found
            conn.execute(s)
    assert scans | {s: full_scans(conn, s) for s in selects if full_scans(conn, s)} == {}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_query_as_of_a_day_reads_a_whole_large_table(
    command: list[str], bench: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The views of ``--as-of`` flatten into each query, which keeps its indexes (store/versions.py)."""
    from datetime import date

    from mentorcli.store.versions import as_of

    day = "2021-08-05"
    sent: list[str] = []
    opened = db.open_tracked

    def traced(path: Path, **how: Any) -> tuple[sqlite3.Connection, Any]:
        conn, created = opened(path, **how)
        conn.set_trace_callback(sent.append)
        return conn, created

    monkeypatch.setattr(register, "open_tracked", traced)
    r = CliRunner().invoke(app, ["--db", str(bench), "--today", TODAY, *command, "--format", "json", "--as-of", day])
    assert r.exit_code == 0, r.output
    selects = [s for s in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert selects
    # Planned again on a connection that sees the register as of the same day.
    conn = sqlite3.connect(bench)
    conn.row_factory = sqlite3.Row
    as_of(register.Register(conn, date.fromisoformat(TODAY), "plan"), date.fromisoformat(day))
    # Reading a view's own rows (SCAN of the view by its name) is no scan of a table: the plan
    # lines of the view's parts (main.episodes, …) say what it reads.
    views = {f"{r[0]} (SCAN {r[0]})" for r in conn.execute("SELECT name FROM temp.sqlite_master WHERE type = 'view'")}
    scans = {s: [f for f in full_scans(conn, s) if f not in views] for s in selects}
    assert {s: found for s, found in scans.items() if found} == {}
