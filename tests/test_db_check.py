"""`db check` (SPEC 10): an over-maximum no --force authorised is an error, exit 1; an authorised one
and an under-minimum are warnings, exit 0. The caseload it counts is the one `report caseload` shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench_file import TODAY, make
from casework_helpers import MENTOR, WORKER, assign, assign_many, clients, team
from conftest import Run
from mentorcli.store import maintenance
from mentorcli.store.register import open_register

CODES = [f"C-{i:02d}" for i in range(1, 22)]


def _state(run: Run, on: str) -> str:
    rows = run("report", "caseload", "--on", on, "--format", "json").json()
    return next(r["state"] for r in rows if r["staff"] == MENTOR)


def test_a_maximum_lowered_by_policy_is_an_error(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES[:20])
    assign_many(run, tmp_path, CODES[:20], "2020-03-01")
    assert run("db", "check").code == 0
    run("policy", "set", "caseload_max_mentor", "19", "--from", "2020-06-01")
    assert _state(run, "2020-06-01") == "over-maximum"
    res = run("db", "check", ok=False)
    assert res.code == 1
    assert f"mentor {MENTOR}: 20 clients on 2020-06-01 (maximum 19)" in res.err.splitlines()
    assert res.out == ""
    # Every command counts the same: due shows it on that day, assign refuses one more from it.
    due = [i for i in run("--today", "2020-06-01", "due", "--format", "json").json() if i.get("staff") == MENTOR]
    assert [(i["kind"], i["load"], i["limit"]) for i in due] == [("over-maximum", 20, 19)]
    clients(run, tmp_path, CODES[20:])
    res = run("assign", CODES[20], "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-06-01", ok=False)
    assert res.code == 2 and "would have 21 clients on 01.06.2020 (maximum 19)" in res.err


def test_an_overload_asked_for_with_force_is_a_warning(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, CODES)
    assign_many(run, tmp_path, CODES[:20], "2020-03-01")
    assign(run, "C-21", "2020-03-01", MENTOR, "--force")
    res = run("db", "check")
    assert res.out.strip() == "ok"
    assert f"warning: mentor {MENTOR}: 21 clients on 2020-03-01 (maximum 20), authorised by --force" in res.err
    # A maximum lowered afterwards is more than the --force asked for.
    run("policy", "set", "caseload_max_mentor", "19", "--from", "2020-06-01")
    res = run("db", "check", ok=False)
    assert res.code == 1
    assert f"mentor {MENTOR}: 21 clients on 2020-06-01 (maximum 19)" in res.err.splitlines()


def test_a_caseload_under_the_minimum_today_is_a_warning(run: Run, tmp_path: Path) -> None:
    team(run, "2021-01-01")
    clients(run, tmp_path, CODES[:2], arrived="2021-12-01", intake="2021-12-01")
    assign_many(run, tmp_path, CODES[:2], "2021-12-01")
    res = run("db", "check")
    assert res.out.strip() == "ok"
    assert f"warning: mentor {MENTOR}: 2 clients today (minimum 10)" in res.err.splitlines()
    assert f"warning: social-worker {WORKER}: 2 clients today (minimum 30)" in res.err.splitlines()


def test_the_benchmark_file_keeps_every_rule(run: Run, tmp_path: Path) -> None:
    db = make(tmp_path / "bench.db", 2000)
    res = run("--db", str(db), "--today", TODAY, "db", "check", "--full")
    assert res.out.strip() == "ok"
    # Staff for the caseload, not hundreds of idle ones: the busiest mentor is past the minimum
    # (10) and within the maximum (20), so the limits are exercised.
    loads = run("--db", str(db), "--today", "2021-07-01", "report", "caseload", "--format", "json").json()
    assert 10 <= max(r["load"] for r in loads if r["role"] == "mentor") <= 20
    # What a progress bar on a terminal is told: clients done, every thousand.
    done: list[int] = []
    with open_register(db, date(2030, 1, 1), "db check", write=False) as reg:
        assert not [p for p in maintenance.check(reg, progress=done.append) if not p.warning]
    assert done == [1000, 2000]


def test_the_cycle_collector_runs_again_after_a_check(run: Run, tmp_path: Path) -> None:
    import gc

    team(run)
    assert gc.isenabled()
    run("db", "check")
    run("client", "list", "--served-in", "2020-03")
    assert gc.isenabled()
