"""client merge (issue 15): two records of one person become one; every figure as if registered once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import Result, Run, add_client

Refused = Callable[..., Result]
MONTHS = [f"2021-{m:02d}" for m in range(3, 13)]


def _staff(run: Run, db: Path) -> None:
    run("--db", db, "staff", "add", "Anna", "--role", "social-worker", "--from", "2020-01-01")
    run("--db", db, "staff", "add", "Jānis", "--role", "mentor", "--team", "Anna", "--from", "2020-01-01")


def _client(run: Run, db: Path, code: str, **opts: str) -> None:
    args = ["--db", db, "client", "add", code, "--sex", "M", "--born", "1990-05-01", "--country", "SY"]
    args += ["--arrived", "2021-03-10", "--route", "independent", "--residence", "mucenieki"]
    for k, v in opts.items():
        args += [f"--{k}", v]
    run(*args)


def _figures(run: Run, db: Path) -> list[object]:
    reports = [run("--db", db, "report", "month", m, "--format", "json").json() for m in MONTHS]
    return [*reports, run("--db", db, "report", "year", "2021", "--format", "json").json()]


def test_after_a_merge_every_figure_is_as_if_the_person_was_registered_once(run: Run, tmp_path: Path) -> None:
    once, twice = tmp_path / "once.db", tmp_path / "twice.db"
    for db in (once, twice):
        _staff(run, db)
        _client(run, db, "OTHER-PERSON", intake="2021-03-12", family="FAM-1")
        _client(run, db, "K", intake="2021-03-10", name="Muhammad", family="FAM-1")
        run("--db", db, "client", "exit", "K", "--reason", "declined", "--date", "2021-04-30")
        run(
            "--db",
            db,
            "assign",
            "K",
            "--worker",
            "Anna",
            "--mentor",
            "Jānis",
            "--from",
            "2021-03-10",
            "--to",
            "2021-04-30",
        )
    # Registered once: the rest of the history under K.
    for args in (
        ("status", "grant", "K", "refugee", "--date", "2021-07-01"),
        ("client", "resume", "K", "--date", "2021-07-01"),
        ("client", "move", "K", "--residence", "riga", "--date", "2021-08-15"),
        ("assign", "K", "--worker", "Anna", "--mentor", "Jānis", "--from", "2021-07-01"),
        ("activity", "add", "K", "--type", "housing-search", "--date", "2021-08-01", "--staff", "Jānis"),
        ("plan", "complexity", "K", "2", "--date", "2021-07-05", "--by", "Anna"),
        ("plan", "goal", "add", "K", "--area", "housing", "--due", "2021-09-30", "--text", "Rent a flat"),
    ):
        run("--db", once, *args)
    # Registered twice: the rest under O, then merged.
    _client(run, twice, "O", name="Мухаммад")
    for args in (
        ("status", "grant", "O", "refugee", "--date", "2021-07-01"),
        ("client", "resume", "O", "--date", "2021-07-01"),
        ("client", "move", "O", "--residence", "riga", "--date", "2021-08-15"),
        ("assign", "O", "--worker", "Anna", "--mentor", "Jānis", "--from", "2021-07-01"),
        ("activity", "add", "O", "--type", "housing-search", "--date", "2021-08-01", "--staff", "Jānis"),
        ("plan", "complexity", "O", "2", "--date", "2021-07-05", "--by", "Anna"),
        ("plan", "goal", "add", "O", "--area", "housing", "--due", "2021-09-30", "--text", "Rent a flat"),
    ):
        run("--db", twice, *args)
    assert _figures(run, once) != _figures(run, twice)  # the duplicate counts twice before the merge
    said = run("--db", twice, "client", "merge", "K", "O").out
    assert said.strip() == "O: merged into K (events moved: 3, assignments: 1, activities: 1, goals: 1)"
    assert _figures(run, once) == _figures(run, twice)
    shown = [run("--db", db, "client", "show", "K", "--format", "json").json() for db in (once, twice)]
    assert shown[0] == shown[1]
    # Goal numbers are random identities (store.ids): the same goal has another in each register.
    due = [
        [{k: v for k, v in item.items() if k != "goal"} for item in run("--db", db, "due", "--format", "json").json()]
        for db in (once, twice)
    ]
    assert due[0] == due[1]
    caseload = [run("--db", db, "report", "caseload", "--format", "json").json() for db in (once, twice)]
    assert caseload[0] == caseload[1]
    assert run("--db", twice, "db", "check").out.strip() == "ok"


def test_the_other_code_still_says_where_the_person_went(run: Run, refused: Refused) -> None:
    add_client(run, "K", born="1990-05-01", intake="2020-03-10", name="Muhammad")
    add_client(run, "O", born="1990-05-01", name="Muhammads")
    run("client", "merge", "K", "O")
    other = run("client", "show", "O", "--format", "json").json()
    assert (other["merged_into"], other["episodes"], other["windows"]) == ("K", [], [])
    assert "Merged into         K" in run("client", "show", "O").out
    assert [c["code"] for c in run("client", "list", "--format", "json").json()] == ["K"]
    assert [c["code"] for c in run("export", "clients", "--format", "json").json()] == ["K"]
    assert run("client", "duplicates", "--format", "json").json() == []
    for args in (
        ("client", "exit", "O", "--reason", "other", "--date", "2021-01-01"),
        ("client", "edit", "O", "--family", "F-1"),
        ("client", "consent", "O", "--date", "2021-01-01"),
        ("plan", "goal", "add", "O", "--area", "housing", "--due", "2021-09-30", "--text", "x"),
    ):
        refused(*args, says="O was merged into K: record it there")
    # Nothing is lost: O's versions are withdrawn, not deleted, and the merge is audited.
    assert [e["event"] for e in run("client", "history", "O", "--all", "--format", "json").json()] == []
    actions = {(e["action"], e["record"]) for e in run("audit", "--format", "json").json()}
    assert {("merge", "K"), ("merged", "O")} <= actions


def test_the_later_intake_becomes_a_resume_whichever_record_it_was_in(run: Run, tmp_path: Path) -> None:
    add_client(run, "K", arrived="2020-03-10")  # the later one is kept
    events = tmp_path / "events.csv"
    events.write_text("code,date,event,value\nK,2020-05-01,granted,refugee\nK,2020-05-01,intake,\n")
    run("import", "events", events)
    add_client(run, "O", arrived="2020-03-10", intake="2020-03-10")
    run("client", "exit", "O", "--reason", "declined", "--date", "2020-04-01")
    run("client", "merge", "K", "O")
    history = run("client", "history", "K", "--all", "--format", "json").json()
    current = [(e["date"], e["event"]) for e in history if e["withdrawn_on"] is None]
    assert current == [
        ("2020-03-10", "intake"),
        ("2020-04-01", "exit"),
        ("2020-05-01", "granted"),
        ("2020-05-01", "resume"),
    ]
    withdrawn = [(e["date"], e["event"]) for e in history if e["withdrawn_on"] is not None]
    assert withdrawn == [("2020-05-01", "intake")]
    episodes = run("client", "show", "K", "--format", "json").json()["episodes"]
    assert [(e["start"], e["end_reason"]) for e in episodes] == [
        ("2020-03-10", "declined"),
        ("2020-05-01", "eligibility-ended"),
    ]


@pytest.mark.parametrize(
    ("setup", "says"),
    [
        ({"K": {"intake": "2020-03-10"}, "O": {"intake": "2020-04-01"}}, "cannot be joined"),
        ({"K": {}, "O": {"arrived": "2020-03-11"}}, "one person arrives once"),
    ],
)
def test_histories_that_cannot_be_joined_are_refused(
    run: Run, refused: Refused, setup: dict[str, dict[str, str]], says: str
) -> None:
    for code, opts in setup.items():
        add_client(run, code, **{"arrived": "2020-03-10", **opts})
    refused("client", "merge", "K", "O", says=says)


def test_other_refusals(run: Run, refused: Refused) -> None:
    add_client(run, "K", intake="2020-03-10")
    add_client(run, "O")
    add_client(run, "P")
    refused("client", "merge", "K", "K", says="cannot be merged into itself")
    refused("client", "merge", "K", "NOPE", says="not in the register")
    run("staff", "add", "Anna", "--role", "social-worker", "--from", "2020-01-01")
    run("staff", "add", "Jānis", "--role", "mentor", "--team", "Anna", "--from", "2020-01-01")
    run("status", "grant", "O", "refugee", "--date", "2020-07-01")
    run("client", "resume", "O", "--date", "2020-07-01")
    run("assign", "K", "--worker", "Anna", "--mentor", "Jānis", "--from", "2020-03-10")
    run("assign", "O", "--worker", "Anna", "--mentor", "Jānis", "--from", "2020-07-01")
    refused("client", "merge", "K", "O", says="both assigned from 01.07.2020")
    run("client", "merge", "K", "P")
    refused("client", "merge", "K", "P", says="P was merged into K")
    refused("--lang", "lv", "client", "merge", "P", "O", says="P")
    run("client", "consent", "O", "--date", "2021-01-01", "--withdrawn")
    refused("client", "merge", "K", "O", says="its record is restricted")


ARRIVAL = date(2020, 3, 10)


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    intake=st.integers(0, 20),
    exit_after=st.integers(0, 60),
    grant_after=st.integers(1, 90),
    resume_after=st.integers(0, 30),
    reason=st.sampled_from(["declined", "non-compliance", "other"]),
    owners=st.tuples(*[st.sampled_from("KO")] * 4),
)
def test_any_split_of_one_history_merged_gives_the_figures_of_one_record(
    run: Run,
    tmp_path_factory: pytest.TempPathFactory,
    intake: int,
    exit_after: int,
    grant_after: int,
    resume_after: int,
    reason: str,
    owners: tuple[str, ...],
) -> None:
    """One history, split between two records in any way each record can hold, then merged."""
    where = tmp_path_factory.mktemp("m")
    i = ARRIVAL + timedelta(days=intake)
    x = i + timedelta(days=exit_after)
    g = x + timedelta(days=grant_after)
    r = g + timedelta(days=resume_after)
    steps = [
        (i, ("intake",)),
        (x, ("client", "exit", "{code}", "--reason", reason)),
        (g, ("status", "grant", "{code}", "refugee")),
        (r, ("client", "resume", "{code}")),
    ]

    def record(db: Path, code: str, mine: list[tuple[date, tuple[str, ...]]]) -> bool:
        add = ["--db", db, "client", "add", code, "--sex", "F", "--born", "1990-05-01", "--country", "SY"]
        add += ["--arrived", ARRIVAL.isoformat(), "--route", "independent", "--residence", "mucenieki"]
        intakes = [day for day, args in mine if args == ("intake",)]
        if run(*add, *(["--intake", intakes[0].isoformat()] if intakes else []), ok=None).code:
            return False
        for day, args in mine:
            if args != ("intake",):
                filled = [a.format(code=code) for a in args]
                if run("--db", db, *filled, "--date", day.isoformat(), ok=None).code:
                    return False
        return True

    once, twice = where / "once.db", where / "twice.db"
    assert record(once, "K", steps)
    split = {c: [s for s, o in zip(steps, owners, strict=True) if o == c] for c in "KO"}
    assume(record(twice, "K", split["K"]) and record(twice, "O", split["O"]))
    merged = run("--db", twice, "client", "merge", "K", "O", ok=None)
    assert merged.code == 0, merged.err
    figures = [
        [run("--db", db, "report", "month", f"2020-{m:02d}", "--format", "json").json() for m in range(3, 13)]
        + [run("--db", db, "client", "show", "K", "--format", "json").json()]
        for db in (once, twice)
    ]
    assert figures[0] == figures[1]
