"""``export``: the columns of the import files, names only when asked, and a round trip."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run, add_client
from mentorcli.core.cells import FORMULA_START, neutralise, unneutralise
from mentorcli.store.export import COLUMNS

CLIENTS_HEADER = "code,name,sex,born,country,arrived,route,residence,family,intake"


_built: dict[str, bytes] = {}


def caseload(run: Run, tmp_path: Path) -> None:
    """A small caseload by command, with one status path each, plus one intake only a file can record.

    Built once, then copied: the commands are what is under test elsewhere.
    """
    db = Path(os.environ["MENTORCLI_DB"])
    if "db" in _built:
        db.write_bytes(_built["db"])
        return
    _build(run, tmp_path)
    if not db.with_name(db.name + "-wal").exists():
        _built["db"] = db.read_bytes()


def _build(run: Run, tmp_path: Path) -> None:
    add_client(run, "R-1", family="F-1", intake="2020-03-10", name="Amal Testa")
    add_client(run, "R-2", family="F-1", born="1961", sex="F", intake="2020-03-10", name="=cmd|' /C calc'!A0")
    run("status", "grant", "R-1", "refugee", "--date", "2020-06-01")
    run("status", "grant", "R-2", "refugee", "--date", "2020-06-01")
    run("client", "move", "R-1", "--residence", "Rīga", "--date", "2020-07-01")
    run("client", "move", "R-2", "--residence", "riga", "--date", "2020-07-01")
    run("client", "exit", "R-1", "--reason", "left-latvia", "--date", "2020-12-01")
    # Granted after the asylum-seeker window (a gap), then resumed.
    add_client(run, "R-3", arrived="2019-01-10", intake="2019-01-15", country="AF")
    run("status", "grant", "R-3", "alternative", "--date", "2019-06-01")
    run("client", "resume", "R-3", "--date", "2019-06-10")
    run("client", "exit", "R-3", "--reason", "non-compliance", "--date", "2019-11-30")
    # Refused and appealed on one day: the order of the two must survive.
    add_client(run, "R-4", arrived="2020-01-31", intake="2020-02-03", country="CM")
    run("status", "refuse", "R-4", "--date", "2020-03-01")
    run("status", "appeal", "R-4", "--date", "2020-03-01")
    run("status", "court", "R-4", "negative", "--date", "2020-09-01")
    run("status", "final-refusal", "R-4", "--date", "2020-10-01")
    add_client(run, "R-5", arrived="2020-05-04", intake="2020-05-04", country="IQ")
    run("status", "refuse", "R-5", "--date", "2020-06-01")
    run("status", "appeal", "R-5", "--date", "2020-06-10")
    run("status", "court", "R-5", "positive", "--date", "2020-11-01")
    run("status", "grant", "R-5", "alternative", "--date", "2021-01-15")
    run("client", "resume", "R-5", "--date", "2021-01-20")
    add_client(run, "R-6", arrived="2021-02-01", intake="2021-02-01")
    run("client", "exit", "R-6", "--reason", "declined", "--date", "2021-02-20")
    add_client(run, "R-7", arrived="2021-03-01", residence="daugavpils")
    # Registered, never taken in while an asylum seeker; taken in first after the grant.
    add_client(run, "R-8", arrived="2019-04-10", sex="F", born="1979-11-20")
    late = tmp_path / "late.csv"
    late.write_text("code,date,event,value\nR-8,2019-08-01,intake,\nR-8,2019-07-01,granted,alternative\n")
    run("import", "events", late)


def export_text(run: Run, *args: str) -> str:
    return run("export", *args).out


@pytest.mark.slow
def test_clients_and_events_make_the_round_trip(run: Run, tmp_path: Path) -> None:
    caseload(run, tmp_path)
    first = tmp_path / "first"
    first.mkdir()
    for kind in ("clients", "events"):
        run("export", kind, "--with-names", "--output", first / f"{kind}.csv")
    clients = (first / "clients.csv").read_text()
    events = (first / "events.csv").read_text()
    # The intake that needed the grant travels in events.csv, the others in clients.csv.
    assert "R-8,,F,1979-11-20,SY,2019-04-10,independent,mucenieki,,,\n" in clients
    assert "R-8,2019-08-01,intake,\n" in events
    assert "R-3,,M,1990-01-01,AF,2019-01-10,independent,mucenieki,,2019-01-15,\n" in clients
    assert "R-4,2020-03-01,refused,\nR-4,2020-03-01,appealed,\n" in events
    assert ",intake," not in events.replace("R-8,2019-08-01,intake,", "")

    other = tmp_path / "other.db"
    run("--db", other, "import", "clients", first / "clients.csv")
    run("--db", other, "import", "events", first / "events.csv")
    for kind in ("clients", "events"):
        assert run("--db", other, "export", kind, "--with-names").out == (first / f"{kind}.csv").read_text()
    for code in [f"R-{i}" for i in range(1, 9)]:
        a = run("client", "show", code, "--with-names", "--format", "json").json()
        b = run("--db", other, "client", "show", code, "--with-names", "--format", "json").json()
        assert a == b


def test_columns_are_those_of_the_import_files(run: Run, tmp_path: Path) -> None:
    from mentorcli.cli.imports import CLIENT_COLUMNS, EVENT_COLUMNS

    assert COLUMNS["clients"] == CLIENT_COLUMNS
    assert COLUMNS["events"] == EVENT_COLUMNS
    assert COLUMNS["staff"] == ("name", "role", "team", "from", "to")
    assert COLUMNS["assignments"] == ("code", "worker", "mentor", "from", "to")
    assert COLUMNS["activities"] == ("code", "date", "type", "staff", "minutes", "interpreter", "note")
    add_client(run, "X-1")
    for kind, cols in COLUMNS.items():
        assert export_text(run, kind).splitlines()[0] == ",".join(cols)


def test_names_only_with_names(run: Run, tmp_path: Path) -> None:
    caseload(run, tmp_path)
    plain = export_text(run, "clients")
    assert "Amal" not in plain and "calc" not in plain
    assert "R-1,,M,1990-01-01,SY,2020-03-10,independent,mucenieki,F-1,2020-03-10" in plain
    rows = json.loads(export_text(run, "clients", "--format", "json"))
    assert [r["name"] for r in rows] == [None] * 8
    assert set(rows[0]) == set(COLUMNS["clients"])
    named = export_text(run, "clients", "--with-names")
    assert "R-1,Amal Testa,M," in named
    rows = json.loads(export_text(run, "clients", "--format", "json", "--with-names"))
    assert rows[0]["name"] == "Amal Testa"


def test_formula_cells_are_neutralised(run: Run, tmp_path: Path) -> None:
    caseload(run, tmp_path)
    named = export_text(run, "clients", "--with-names")
    assert "R-2,'=cmd|' /C calc'!A0,F,1961," in named.replace('"', "")
    # JSON is no spreadsheet: the value as recorded.
    rows = json.loads(export_text(run, "clients", "--format", "json", "--with-names"))
    assert rows[1]["name"] == "=cmd|' /C calc'!A0"
    # ... and the import takes the quote off again.
    f = tmp_path / "named.csv"
    f.write_text(named)
    run("--db", tmp_path / "b.db", "import", "clients", f)
    shown = run("--db", tmp_path / "b.db", "client", "show", "R-2", "--with-names", "--format", "json").json()
    assert shown["name"] == "=cmd|' /C calc'!A0"


def test_xlsx(run: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    caseload(run, tmp_path)
    out = tmp_path / "clients.xlsx"
    run("export", "clients", "--format", "xlsx", "--output", out, "--with-names")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    ws = load_workbook(out).active
    assert ws is not None and ws.title == "clients"
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == COLUMNS["clients"]
    assert len(rows) == 9
    r2 = next(r for r in rows if r[0] == "R-2")
    assert r2[1] == "'=cmd|' /C calc'!A0"  # text, never a formula
    assert r2[3] == "1961"
    assert isinstance(r2[5], datetime) and r2[5].date().isoformat() == "2020-03-10"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_xlsx_needs_a_file_and_the_folder_must_exist(run: Run, tmp_path: Path) -> None:
    add_client(run, "X-1")
    res = run("export", "clients", "--format", "xlsx", ok=False)
    assert res.code == 2 and "--output" in res.err
    res = run("export", "clients", "--output", tmp_path / "no" / "such.csv", ok=False)
    assert res.code == 1 and "does not exist" in res.err


def casework(db: Path) -> None:
    """Staff, assignments, activities and plans put in directly (their commands are elsewhere)."""
    conn = sqlite3.connect(db)
    with conn:
        ids = dict(conn.execute("SELECT code, id FROM clients"))
        staff = [
            (1, "Anna Bērziņa", "social-worker", "2019-01-01", None),
            (2, "Jānis Ozoliņš", "mentor", "2019-01-01", "2020-12-31"),
            (3, "Līga Kalniņa", "mentor", "2019-02-01", None),
            (4, "Pēteris Liepa", "social-worker", "2019-01-01", None),
        ]
        conn.executemany("INSERT INTO staff (id, name, role, active_from, active_to) VALUES (?, ?, ?, ?, ?)", staff)
        conn.executemany(
            "INSERT INTO teams (mentor_id, worker_id, start, end) VALUES (?, ?, ?, ?)",
            [(2, 1, "2019-01-01", None), (3, 1, "2019-02-01", "2019-12-31"), (3, 4, "2020-01-01", None)],
        )
        conn.executemany(
            "INSERT INTO assignments (client_id, worker_id, mentor_id, start, end, forced) VALUES (?, ?, ?, ?, ?, 0)",
            [(ids["R-3"], 1, 2, "2019-06-10", "2019-11-30"), (ids["R-1"], 4, 3, "2020-03-10", None)],
        )
        conn.execute(
            "INSERT INTO activities (id, date, type, staff_id, minutes, interpreter) "
            "VALUES (1, '2020-03-12', 'accompany-medical', 3, 90, 'ar')"
        )
        conn.execute(
            "INSERT INTO personal_activities (activity_id, note) VALUES (1, '+ asked about the family doctor')"
        )
        conn.execute(
            "INSERT INTO activities (id, date, type, staff_id, minutes, interpreter) "
            "VALUES (2, '2020-03-11', 'documents-pmlp', 2, NULL, NULL)"
        )
        conn.executemany(
            "INSERT INTO activity_clients (activity_id, client_id) VALUES (?, ?)",
            [(1, ids["R-2"]), (1, ids["R-1"]), (2, ids["R-1"])],
        )
        conn.execute(
            "INSERT INTO plan_assessments (client_id, date, complexity, assessed_by) VALUES (?, '2020-03-20', 2, 4)",
            (ids["R-1"],),
        )
        conn.execute(
            "INSERT INTO plan_assessments (client_id, date, complexity, assessed_by) VALUES (?, '2020-03-15', 3, 4)",
            (ids["R-1"],),
        )
        conn.execute(
            "INSERT INTO goals (id, client_id, area, due, state, closed_on) "
            "VALUES (1, ?, 'housing', '2020-09-01', 'done', '2020-08-15')",
            (ids["R-1"],),
        )
        conn.execute(
            "INSERT INTO goals (id, client_id, area, due, state, closed_on) VALUES (2, ?, 'language', NULL, 'open', NULL)",
            (ids["R-2"],),
        )
        conn.executemany(
            "INSERT INTO personal_goals (goal_id, text) VALUES (?, ?)", [(1, "Flat in Riga"), (2, "@ A2 course")]
        )
    conn.close()


@pytest.fixture
def with_casework(run: Run, tmp_path: Path, db_path: Path) -> None:
    caseload(run, tmp_path)
    casework(db_path)


@pytest.mark.usefixtures("with_casework")
def test_staff_export(run: Run) -> None:
    assert export_text(run, "staff") == (
        "name,role,team,from,to\n"
        "Anna Bērziņa,social-worker,,2019-01-01,\n"
        "Pēteris Liepa,social-worker,,2019-01-01,\n"
        "Jānis Ozoliņš,mentor,Anna Bērziņa,2019-01-01,2020-12-31\n"
        "Līga Kalniņa,mentor,Pēteris Liepa,2019-02-01,\n"
    )


@pytest.mark.usefixtures("with_casework")
def test_assignments_export(run: Run) -> None:
    assert export_text(run, "assignments") == (
        "code,worker,mentor,from,to\n"
        "R-1,Pēteris Liepa,Līga Kalniņa,2020-03-10,\n"
        "R-3,Anna Bērziņa,Jānis Ozoliņš,2019-06-10,2019-11-30\n"
    )


@pytest.mark.usefixtures("with_casework")
def test_activities_export_one_row_per_client_notes_only_with_names(run: Run) -> None:
    assert export_text(run, "activities") == (
        "code,date,type,staff,minutes,interpreter,note\n"
        "R-1,2020-03-11,documents-pmlp,Jānis Ozoliņš,,,\n"
        "R-1,2020-03-12,accompany-medical,Līga Kalniņa,90,ar,\n"
        "R-2,2020-03-12,accompany-medical,Līga Kalniņa,90,ar,\n"
    )
    named = export_text(run, "activities", "--with-names")
    assert "R-2,2020-03-12,accompany-medical,Līga Kalniņa,90,ar,'+ asked about the family doctor\n" in named
    rows = json.loads(export_text(run, "activities", "--format", "json"))
    assert rows[1] == {
        "code": "R-1",
        "date": "2020-03-12",
        "type": "accompany-medical",
        "staff": "Līga Kalniņa",
        "minutes": 90,
        "interpreter": "ar",
        "note": None,
    }


@pytest.mark.usefixtures("with_casework")
def test_plans_export(run: Run) -> None:
    assert export_text(run, "plans") == (
        "code,kind,date,complexity,staff,area,due,state,closed,text\n"
        "R-1,assessment,2020-03-15,3,Pēteris Liepa,,,,,\n"
        "R-1,assessment,2020-03-20,2,Pēteris Liepa,,,,,\n"
        "R-1,goal,,,,housing,2020-09-01,done,2020-08-15,\n"
        "R-2,goal,,,,language,,open,,\n"
    )
    named = export_text(run, "plans", "--with-names")
    assert "R-1,goal,,,,housing,2020-09-01,done,2020-08-15,Flat in Riga\n" in named
    assert "R-2,goal,,,,language,,open,,'@ A2 course\n" in named
    rows = json.loads(export_text(run, "plans", "--format", "json"))
    assert rows[0]["complexity"] == 3 and rows[2]["text"] is None


def test_an_empty_register_exports_headers_and_empty_arrays(run: Run, tmp_path: Path) -> None:
    add_client(run, "X-1")
    for kind in ("events", "staff", "assignments", "activities", "plans"):
        assert export_text(run, kind) == ",".join(COLUMNS[kind]) + "\n"
        assert json.loads(export_text(run, kind, "--format", "json")) == []


@given(st.text())
def test_neutralised_cells_never_start_a_formula_and_read_back_exactly(text: str) -> None:
    cell = neutralise(text)
    assert not cell.startswith(FORMULA_START)
    assert unneutralise(cell) == text


def test_neutralise_examples() -> None:
    assert [neutralise(t) for t in ("=1+2", "-5", "@x", "'=x", "'abc", "2020-07-31", "")] == [
        "'=1+2",
        "'-5",
        "'@x",
        "''=x",
        "'abc",
        "2020-07-31",
        "",
    ]
