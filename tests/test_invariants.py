"""One register driven through every writing command, day after day (the integration of round 8).

After each step the audit chain verifies, ``db check`` passes, and ``report month --as-of`` of each
earlier day still prints what that day printed: no write site forgets its audit entry or its
recorded day, and no new table or merged record falls outside the as-of views.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from casework_helpers import MENTOR, MENTOR2, WORKER
from conftest import Run

pytestmark = pytest.mark.slow  # some sixty commands, each followed by the checks of every earlier day

WORKER2 = "Līga Kalniņa"
PASS = "correct horse battery staple"


def _add(code: str, arrived: str = "2020-03-10", residence: str = "mucenieki", *extra: str) -> tuple[str, ...]:
    return (
        "client",
        "add",
        code,
        "--sex",
        "M",
        "--born",
        "1990-01-01",
        "--country",
        "SY",
        "--arrived",
        arrived,
        "--route",
        "independent",
        "--residence",
        residence,
        "--intake",
        arrived,
        *extra,
    )


def test_every_writing_command_keeps_the_chain_the_checks_and_earlier_days(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)
    db, other = tmp_path / "lsk.db", tmp_path / "dm.db"
    printed: dict[tuple[Path, str, str], str] = {}  # (register, day, month) -> report month printed that day

    def month(day: str) -> str:
        return day[:7]

    def check(where: Path, day: str, step: tuple[str, ...]) -> None:
        verified = run("--db", where, "--today", day, "audit", "verify", ok=None)
        assert verified.code == 0, f"{step}: audit verify: {verified.out}{verified.err}"
        # --full: every client derived again, whatever the writer stamped (store.stamps).
        checked = run("--db", where, "--today", day, "db", "check", "--full", ok=None)
        assert checked.code == 0, f"{step}: db check: {checked.out}{checked.err}"
        for (there, then, m), said in printed.items():
            if there != where or then == day:
                continue  # the day is not over: what it printed last is its answer
            again = run("--db", where, "--today", day, "report", "month", m, "--as-of", then, "--format", "json").out
            assert again == said, f"after {step}: report month {m} as of {then} changed"

    def step(day: str, *args: str, where: Path = db) -> str:
        out = run("--db", where, "--today", day, *args).out
        check(where, day, args)
        for m in {month(day), "2020-03"}:
            printed[(where, day, m)] = run("--db", where, "--today", day, "report", "month", m, "--format", "json").out
        return out

    backup = tmp_path / "before.db"
    steps: list[tuple[str, tuple[str, ...]]] = [
        ("2020-03-01", ("staff", "add", WORKER, "--role", "social-worker", "--from", "2020-01-01")),
        ("2020-03-01", ("staff", "add", MENTOR, "--role", "mentor", "--team", WORKER, "--from", "2020-01-01")),
        ("2020-03-02", ("staff", "add", MENTOR2, "--role", "mentor", "--team", WORKER, "--from", "2020-01-01")),
        ("2020-03-02", ("staff", "add", WORKER2, "--role", "social-worker", "--from", "2020-01-01")),
        ("2020-03-10", _add("A")),
        ("2020-03-10", _add("B")),
        ("2020-03-11", _add("C", "2020-03-11", "riga")),
        ("2020-03-11", _add("D", "2020-03-11")),
        ("2020-03-12", ("client", "consent", "A", "--date", "2020-03-10")),
        ("2020-03-12", ("client", "consent", "B", "--date", "2020-03-10")),
        ("2020-03-13", ("assign", "A", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-10")),
        ("2020-03-13", ("assign", "B", "--worker", WORKER, "--mentor", MENTOR2, "--from", "2020-03-10")),
        ("2020-03-14", ("plan", "complexity", "A", "2", "--date", "2020-03-14", "--by", WORKER)),
        ("2020-03-14", ("plan", "goal", "add", "A", "--area", "housing", "--due", "2020-06-30", "--text", "a flat")),
        ("2020-03-15", ("activity", "type", "add", "job-fair")),
        ("2020-03-15", ("activity", "add", "A,B", "--type", "job-fair", "--date", "2020-03-15", "--staff", MENTOR)),
        ("2020-03-16", ("policy", "set", "caseload_max_mentor", "25", "--from", "2020-03-01")),
        ("2020-03-17", ("client", "edit", "A", "--born", "1989-01-01")),
        ("2020-04-01", ("client", "move", "B", "--residence", "riga", "--date", "2020-04-01")),
        ("2020-04-02", ("status", "refuse", "C", "--date", "2020-04-01")),
        ("2020-04-03", ("status", "appeal", "C", "--date", "2020-04-02")),
        ("2020-04-04", ("status", "court", "C", "positive", "--date", "2020-04-03")),
        ("2020-04-05", ("status", "grant", "C", "refugee", "--date", "2020-04-04")),
        ("2020-04-06", ("status", "refuse", "D", "--date", "2020-04-05")),
        ("2020-04-07", ("status", "final-refusal", "D", "--date", "2020-04-06")),
        ("2020-04-08", ("client", "exit", "B", "--reason", "other", "--date", "2020-04-07")),
        ("2020-04-09", ("status", "grant", "B", "alternative", "--date", "2020-04-08")),
        ("2020-04-09", ("client", "resume", "B", "--date", "2020-04-09")),
        ("2020-04-10", ("plan", "goal", "edit", "{goal}", "--due", "2020-07-31")),
        ("2020-04-11", ("plan", "goal", "done", "{goal}", "--date", "2020-04-11")),
        ("2020-04-12", ("staff", "team", MENTOR2, "--worker", WORKER2, "--from", "2020-04-12")),
        ("2020-04-13", ("unassign", "A", "--date", "2020-04-13")),
        ("2020-04-14", ("client", "consent", "D", "--date", "2020-04-14", "--withdrawn")),
        ("2020-04-15", ("event", "edit", "{event}", "--date", "2020-04-05")),
        ("2020-04-16", ("event", "delete", "{event}")),
        ("2020-04-17", ("db", "backup", str(backup))),
        ("2020-04-18", _add("A2", "2020-03-10")),
        ("2020-04-18", ("client", "merge", "A", "A2")),
        ("2020-04-19", ("import", "clients", "{csv}")),
        ("2020-04-20", ("db", "handover", "{handover}", "--on", "2020-04-20", "--provider", "LSK", "C")),
        ("2020-04-21", ("client", "erase", "D", "--yes")),
        ("2020-04-22", ("staff", "end", MENTOR2, "--date", "2020-04-22")),
        ("2020-05-01", ("db", "purge", "--ended-before", "2020-05-01")),
        ("2020-05-02", ("db", "restore", str(backup))),
        ("2020-05-03", ("client", "move", "A", "--residence", "riga", "--date", "2020-05-03")),
    ]
    csv = tmp_path / "clients.csv"
    csv.write_text(
        "code,sex,born,country,arrived,route,residence,intake\nE,F,1991-02-02,AF,2020-04-01,independent,riga,2020-04-19\n",
        encoding="utf-8",
    )
    handover = tmp_path / "handover.enc"
    for day, args in steps:
        shown = run("--db", db, "--today", day, "client", "history", "C", "--all", "--format", "json", ok=None)
        events = shown.json() if shown.code == 0 else []
        goal = run("--db", db, "--today", day, "plan", "show", "A", "--format", "json", ok=None)
        goals = goal.json().get("goals", []) if goal.code == 0 else []
        fill = {
            "{goal}": str(goals[0]["id"]) if goals else "",
            "{event}": next((str(e["id"]) for e in reversed(events) if not e["withdrawn_on"]), ""),
            "{csv}": str(csv),
            "{handover}": str(handover),
        }
        if args[:2] == ("db", "restore"):
            # A restore takes the register back to the backup's day: what was recorded after it is gone.
            printed = {k: v for k, v in printed.items() if k[0] != db or k[1] <= "2020-04-17"}
        step(day, *(fill.get(a, a) for a in args))
        if args[:2] == ("db", "handover"):
            # The next provider's register, known before the takeover and after it.
            step("2020-04-20", "policy", "set", "caseload_max_mentor", "20", "--from", "2020-01-01", where=other)
            step("2020-04-21", "db", "takeover", str(handover), where=other)
            step("2020-04-22", "client", "move", "C", "--residence", "riga", "--date", "2020-04-22", where=other)
            step("2020-04-23", "client", "exit", "C", "--reason", "other", "--date", "2020-04-23", where=other)
    # A second office: a copy of the register, changed there and merged back (db bundle, db merge).
    office, copy, bundle = tmp_path / "office.db", tmp_path / "copy.db", tmp_path / "office.bundle"
    step("2020-05-04", "db", "backup", str(copy))
    step("2020-05-04", "db", "restore", str(copy), where=office)
    step("2020-05-05", "client", "move", "B", "--residence", "jelgava", "--date", "2020-05-05", where=office)
    step("2020-05-05", *_add("F", "2020-05-05"), where=office)
    step("2020-05-06", "db", "bundle", str(bundle), where=office)
    step("2020-05-07", "db", "merge", str(bundle))
    shown = run("--db", db, "--today", "2020-05-07", "client", "show", "F", "--format", "json").json()
    assert shown["residence"] == "mucenieki"
