"""The register as it stood on a day (SPEC 10 "Recorded days", issue 15): ``--as-of`` and versions."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

from conftest import Run, snapshot

FIXTURES = Path(__file__).parent / "fixtures"


def on(run: Run, day: str, *args: str, ok: bool | None = True) -> Any:
    """A command run on ``day`` (the "today" in force)."""
    return run("--today", day, *args, ok=ok)


def month_json(run: Run, day: str, month: str, *extra: str) -> Any:
    return on(run, day, "report", "month", month, "--format", "json", *extra).json()


REPORTS: tuple[tuple[str, ...], ...] = (
    ("report", "month", "2020-07"),
    ("report", "period", "--from", "2020-07-01", "--to", "2020-07-31"),
    ("report", "year", "2020"),
    ("report", "population", "--on", "2020-07-31"),
    ("report", "capacity", "2020-07"),
    ("report", "invoice", "2020-07"),
    ("report", "caseload"),
    ("due",),
    ("client", "list"),
)


def july(run: Run, printed: dict[tuple[str, ...], Any] | None = None) -> dict[str, Any]:
    """A July as a coordinator records it; returns the month report printed on 31 July, and puts
    what each of ``REPORTS`` printed that day in ``printed``."""
    on(run, "2020-07-01", "client", "add", "A1", "--sex", "F", "--born", "1990-01-01", "--country", "SY",
       "--arrived", "2020-06-01", "--route", "relocation", "--residence", "mucenieki", "--intake", "2020-06-02")  # fmt: skip
    on(run, "2020-07-05", "staff", "add", "Anna Berzina", "--role", "social-worker", "--from", "2020-06-01")
    on(run, "2020-07-10", "client", "add", "A2", "--sex", "M", "--born", "1980-01-01", "--country", "AF",
       "--arrived", "2020-06-10", "--route", "independent", "--residence", "riga", "--intake", "2020-06-11")  # fmt: skip
    if printed is not None:
        printed.update({args: on(run, "2020-07-31", *args, "--format", "json").json() for args in REPORTS})
    month = month_json(run, "2020-07-31", "2020-07")
    # August: a late exit dated in July, a client registered late with an intake in July, the
    # social worker's end back-dated into July.
    on(run, "2020-08-05", "client", "exit", "A1", "--reason", "left-latvia", "--date", "2020-07-20")
    on(run, "2020-08-05", "client", "add", "A3", "--sex", "M", "--born", "1980-01-01", "--country", "AF",
       "--arrived", "2020-07-10", "--route", "independent", "--residence", "riga", "--intake", "2020-07-11")  # fmt: skip
    on(run, "2020-08-06", "staff", "end", "Anna Berzina", "--date", "2020-06-30")
    return month  # type: ignore[no-any-return]


def test_a_month_as_of_a_day_is_what_was_printed_that_day(run: Run) -> None:
    printed = july(run)
    now = month_json(run, "2020-08-10", "2020-07")
    assert now != printed and now["served"] == 3 and now["exits"]["left-latvia"] == 1
    assert now["staff"]["social_workers"] == 0
    assert month_json(run, "2020-08-10", "2020-07", "--as-of", "2020-07-31") == printed
    # Each change counts from the day it was recorded on.
    midway = month_json(run, "2020-08-10", "2020-07", "--as-of", "2020-08-05")
    assert (midway["served"], midway["exits"]["left-latvia"], midway["staff"]["social_workers"]) == (3, 1, 1)


def test_a_client_added_later_is_not_there_as_of_an_earlier_day(run: Run) -> None:
    july(run)
    res = on(run, "2020-08-10", "client", "show", "A3", "--as-of", "2020-07-31", ok=False)
    assert res.code == 2 and "'A3' is not in the register" in res.err
    listed = on(run, "2020-08-10", "client", "list", "--as-of", "2020-07-31", "--format", "json").json()
    assert [c["code"] for c in listed] == ["A1", "A2"]
    shown = on(run, "2020-08-10", "client", "show", "A1", "--as-of", "2020-07-31", "--format", "json").json()
    assert shown["episodes"] == [{"start": "2020-06-02", "end": None, "end_reason": None}]
    assert shown["served_today"] is True
    shown = on(run, "2020-08-10", "client", "show", "A1", "--format", "json").json()
    assert shown["episodes"] == [{"start": "2020-06-02", "end": "2020-07-20", "end_reason": "left-latvia"}]


def test_an_edit_is_a_version_and_the_earlier_one_answers_for_earlier_days(run: Run) -> None:
    july(run)
    on(run, "2020-08-07", "client", "edit", "A2", "--country", "IQ")
    before = month_json(run, "2020-08-10", "2020-07", "--as-of", "2020-08-06")
    after = month_json(run, "2020-08-10", "2020-07")
    assert before["by_country"]["AF"] == 2 and "IQ" not in before["by_country"]
    assert after["by_country"]["AF"] == 1 and after["by_country"]["IQ"] == 1
    shown = on(run, "2020-08-10", "client", "show", "A2", "--as-of", "2020-08-06", "--format", "json").json()
    assert shown["country"] == "AF"


def test_an_erased_name_never_comes_back(run: Run) -> None:
    on(run, "2020-07-01", "client", "add", "N1", "--sex", "F", "--born", "1990-01-01", "--country", "SY",
       "--arrived", "2020-06-01", "--route", "relocation", "--residence", "riga", "--name", "Qqname Hidden")  # fmt: skip
    on(run, "2020-08-01", "client", "erase", "N1", "--yes")
    shown = on(run, "2020-08-02", "client", "show", "N1", "--as-of", "2020-07-15", "--with-names", "--format", "json")
    assert "Qqname" not in shown.out and shown.json()["code"] == "N1"


def test_as_of_a_day_after_today_or_with_save_is_refused_and_writes_nothing(run: Run, db_path: Path) -> None:
    july(run)
    before = snapshot(db_path)
    res = on(run, "2020-08-10", "report", "month", "2020-07", "--as-of", "2020-08-11", ok=False)
    assert res.code == 2 and "--as-of" in res.err and len(res.err.strip().splitlines()) == 1
    res = on(run, "2020-08-10", "report", "month", "2020-07", "--as-of", "2020-07-31", "--save", ok=False)
    assert res.code == 2 and "--save" in res.err
    res = on(run, "2020-08-10", "due", "--as-of", "31.13.2020", ok=False)
    assert res.code == 2 and "--as-of" in res.err
    assert snapshot(db_path) == before


def test_every_report_due_and_client_list_as_of_a_day_are_what_they_printed_that_day(run: Run) -> None:
    printed: dict[tuple[str, ...], Any] = {}
    july(run, printed)
    for args, then in printed.items():
        assert on(run, "2020-08-10", *args, "--format", "json", "--as-of", "2020-07-31").json() == then, args
        assert on(run, "2020-08-10", *args, "--format", "json").json() != then or args[1] == "caseload", args


def test_versions_keep_what_a_change_replaced(run: Run, db_path: Path) -> None:
    july(run)
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT tbl, recorded_on, withdrawn_on, json_extract(row, '$.active_to') FROM row_versions")
    assert rows.fetchall() == [("staff", "2020-07-05", "2020-08-06", None)]
    # An identity two copies cannot collide on, and the audit entry of the change that replaced it.
    (vid, action, record), *_ = conn.execute(
        "SELECT v.id, a.action, a.record FROM row_versions v JOIN audit a ON a.id = v.audit_id"
    ).fetchall() or [(0, None, None)]
    assert vid >= 2**62 and action == "end" and record.startswith("staff#")
    dated = conn.execute("SELECT code, recorded_on FROM clients ORDER BY code").fetchall()
    assert dated == [("A1", "2020-07-01"), ("A2", "2020-07-10"), ("A3", "2020-08-05")]
    assert conn.execute("SELECT recorded_on, active_to FROM staff").fetchall() == [("2020-08-06", "2020-06-30")]


def columns(db: Path, table: str) -> list[str]:
    return [r[1] for r in sqlite3.connect(db).execute(f'PRAGMA table_info("{table}")')]


def test_migrating_dates_clients_by_their_created_day_and_keeps_every_row(tmp_path: Path, run: Run) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v10.db", db)
    tmp = tmp_path / "as-it-was.db"
    shutil.copy(db, tmp)
    before = snapshot(db)
    run("--db", str(db), "client", "show", "OLD-1")
    after = snapshot(db)
    conn = sqlite3.connect(db)
    created, recorded = conn.execute("SELECT created, recorded_on FROM clients").fetchone()
    assert recorded == created[:10]
    for table, rows in before.items():
        # The migration's own audit entry (0012_audit_chain) is the one row a file gains.
        if table not in ("migrations", "audit"):
            # Compared on the columns the file had, but audit_id: rows no entry named now name the
            # migration's own entry (0012_audit_chain).
            had = columns(tmp, table)
            keep = [i for i, c in enumerate(had) if c != "audit_id"]
            now = columns(db, table)
            at = [now.index(had[i]) for i in keep]
            assert [tuple(r[i] for i in at) for r in after[table]] == [tuple(r[i] for i in keep) for r in rows], table
    assert after["row_versions"] == []
    # Before its day the client was not in the register; from it on, it was.
    res = run("--db", str(db), "client", "show", "OLD-1", "--as-of", "2000-01-01", ok=False)
    assert res.code == 2
    run("--db", str(db), "client", "show", "OLD-1", "--as-of", recorded)


def test_report_changes_names_each_record_and_the_figures_it_moved(run: Run) -> None:
    printed = july(run)
    uid = next(e["id"] for e in on(run, "2020-08-07", "client", "history", "A2", "--format", "json").json())
    on(run, "2020-08-07", "event", "edit", uid, "--date", "2020-06-20")  # the intake corrected into June still
    found = on(run, "2020-08-10", "report", "changes", "2020-07", "--since", "2020-07-31", "--format", "json").json()
    assert found["month"] == "2020-07" and found["since"] == "2020-07-31"
    assert found["then"] == printed
    assert found["now"] == month_json(run, "2020-08-10", "2020-07")
    moved = {(c["code"], c["change"], c["event"]): c["moves"] for c in found["changes"]}
    assert moved == {
        ("A1", "recorded", "exit"): {"exits.left-latvia": [0, 1]},
        ("A3", "recorded", "intake"): {
            "by_country.AF": [1, 2],
            "by_residence.riga": [1, 2],
            "by_route.independent": [1, 2],
            "by_status.asylum-seeker": [2, 3],
            "men": [1, 2],
            "new": [0, 1],
            "served": [2, 3],
        },
        (None, "staff", None): {"staff.social_workers": [1, 0]},
    }
    a1 = next(c for c in found["changes"] if c["code"] == "A1")
    assert (a1["recorded_on"], a1["date"], a1["value"]) == ("2020-08-05", "2020-07-20", "left-latvia")
    rows = on(run, "2020-08-10", "report", "changes", "2020-07", "--since", "2020-07-31", "--format", "csv").out
    assert rows.splitlines()[0] == "code,change,recorded_on,event,date,value,figure,before,after"
    assert "A1,recorded,2020-08-05,exit,2020-07-20,left-latvia,exits.left-latvia,0,1" in rows.splitlines()
    lv = run("--lang", "lv", "--today", "2020-08-10", "report", "changes", "2020-07", "--since", "2020-07-31").out
    assert "notikums ierakstīts" in lv and "Pakalpojuma izbeigšana: izbrauca no Latvijas" in lv


def test_a_correction_is_one_change(run: Run) -> None:
    july(run)
    uid = next(e["id"] for e in on(run, "2020-08-07", "client", "history", "A2", "--format", "json").json())
    on(run, "2020-08-07", "event", "edit", uid, "--date", "2020-07-02")  # the intake was in July: new in July
    found = on(run, "2020-08-10", "report", "changes", "2020-07", "--since", "2020-08-06", "--format", "json").json()
    assert [(c["code"], c["change"], c["date"], c["moves"]) for c in found["changes"]] == [
        ("A2", "corrected", "2020-07-02", {"continuing": [2, 1], "new": [1, 2]})
    ]


def test_report_changes_refuses_a_day_after_today_and_xlsx(run: Run) -> None:
    july(run)
    res = on(run, "2020-08-10", "report", "changes", "2020-07", "--since", "2020-08-11", ok=False)
    assert res.code == 2 and "--since" in res.err
    res = on(run, "2020-08-10", "report", "changes", "2020-07", "--since", "2020-08-01", "--format", "xlsx", ok=False)
    assert res.code == 2 and "--format" in res.err


def test_a_replaced_assignment_answers_for_the_days_before_it_was_replaced(run: Run, db_path: Path) -> None:
    on(run, "2020-07-01", "client", "add", "A2", "--sex", "M", "--born", "1980-01-01", "--country", "AF",
       "--arrived", "2020-06-10", "--route", "independent", "--residence", "riga", "--intake", "2020-06-11")  # fmt: skip
    on(run, "2020-07-01", "staff", "add", "Anna Berzina", "--role", "social-worker", "--from", "2020-06-01")
    for mentor in ("Juris Kalns", "Ilze Ozola"):
        on(run, "2020-07-02", "staff", "add", mentor, "--role", "mentor", "--team", "Anna Berzina",
           "--from", "2020-06-01")  # fmt: skip
    assign = ("assign", "A2", "--worker", "Anna Berzina", "--from", "2020-06-15")
    on(run, "2020-07-03", *assign, "--mentor", "Juris Kalns")
    on(run, "2020-07-04", *assign, "--mentor", "Ilze Ozola")  # the same day: replaces the first
    caseload = ("report", "caseload", "--on", "2020-06-20", "--format", "json", "--as-of")
    loads = {day: {r["staff"]: r["load"] for r in on(run, "2020-08-10", *caseload, day).json()} for day in ("2020-07-03", "2020-07-04")}  # fmt: skip
    assert loads["2020-07-03"]["Juris Kalns"] == 1 and loads["2020-07-03"]["Ilze Ozola"] == 0
    assert loads["2020-07-04"]["Juris Kalns"] == 0 and loads["2020-07-04"]["Ilze Ozola"] == 1
    kept = sqlite3.connect(db_path).execute("SELECT tbl, recorded_on, withdrawn_on FROM row_versions")
    assert kept.fetchall() == [("assignments", "2020-07-03", "2020-07-04")]


def test_the_days_since_and_a_rule_changed_since_are_steps_of_their_own(run: Run) -> None:
    on(run, "2020-07-01", "client", "add", "A1", "--sex", "F", "--born", "1990-07-15", "--country", "SY",
       "--arrived", "2020-04-20", "--route", "relocation", "--residence", "mucenieki", "--intake", "2020-04-21")  # fmt: skip
    # Nothing recorded since the 10th, but the month ran on: she turned 30 on the 15th, served to the 20th.
    found = on(run, "2020-08-01", "report", "changes", "2020-07", "--since", "2020-07-10", "--format", "json").json()
    assert [(c["change"], c["code"], c["moves"]) for c in found["changes"]] == [
        ("days-passed", None, {"average_age.women": [29.0, 30.0]})
    ]
    on(run, "2020-08-01", "policy", "set", "asylum_seeker_months", "2", "--from", "2020-01-01")
    found = on(run, "2020-08-02", "report", "changes", "2020-07", "--since", "2020-07-31", "--format", "json").json()
    assert [c["change"] for c in found["changes"]] == ["policy"]
    assert found["changes"][0]["moves"]["served"] == [1, 0]
    assert found["now"] == month_json(run, "2020-08-02", "2020-07")


def test_the_client_list_as_of_a_day_knows_nothing_of_a_later_exit(run: Run, db_path: Path) -> None:
    # Found by the as-of property: the list shows stored windows whole, and an exit recorded and
    # dated after the day had cut the stored window already.
    run("--today", "2020-06-01", "client", "add", "C1", "--sex", "F", "--born", "1970-03-01", "--country", "SY",
        "--arrived", "2020-05-22", "--route", "independent", "--residence", "mucenieki")  # fmt: skip
    printed = run("--today", "2020-06-01", "client", "list", "--format", "json").out
    run("--today", "2020-06-03", "client", "exit", "C1", "--reason", "left-latvia", "--date", "2020-06-03")
    assert run("--today", "2020-06-06", "client", "list", "--format", "json", "--as-of", "2020-06-01").out == printed


def test_client_list_as_of_a_day_leaves_out_an_episode_dated_after_it_and_recorded_later(run: Run) -> None:
    run("--today", "2020-06-01", "client", "add", "C", "--sex", "F", "--born", "1990", "--country", "SY",
        "--arrived", "2020-05-22", "--route", "independent", "--residence", "mucenieki")  # fmt: skip
    printed = run("--today", "2020-06-01", "client", "list", "--format", "json").out
    run("--today", "2020-06-10", "client", "resume", "C", "--date", "2020-06-08")
    # client list shows every episode, so one dated a week after the day, recorded since, is not there.
    assert run("--today", "2020-06-10", "client", "list", "--as-of", "2020-06-01", "--format", "json").out == printed
