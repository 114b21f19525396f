"""``report capacity`` (seed 003), ``report invoice`` (seed 004, Finansējums) and ``report chart``."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

from conftest import Run, add_client


def _staff(db: Path, rows: list[tuple[str, str, str, str | None]]) -> None:
    conn = sqlite3.connect(db)
    with conn:
        conn.executemany("INSERT INTO staff (name, role, active_from, active_to) VALUES (?, ?, ?, ?)", rows)
    conn.close()


def _january_2022(run: Run, db: Path) -> None:
    """Five eligible in January 2022, three served; one team: a social worker and six mentors."""
    for code in ("S-1", "S-2", "S-3"):
        add_client(run, code, arrived="2021-12-01", intake="2021-12-01")
    add_client(run, "W-1", arrived="2022-01-10")  # eligible, registered, not taken in
    add_client(run, "W-2", arrived="2021-10-01")  # window ends 01.01.2022: eligible that day
    add_client(run, "OLD", arrived="2021-09-30")  # window ended 30.12.2021
    _staff(
        db,
        [
            ("Worker", "social-worker", "2021-01-01", None),
            *[(f"Mentor {i}", "mentor", "2021-01-01", None) for i in range(6)],
            ("Gone", "social-worker", "2021-01-01", "2021-12-31"),
        ],
    )


@pytest.fixture
def january_2022(run: Run, db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCLI_TODAY", "2022-01-31")
    _january_2022(run, db_path)


@pytest.mark.usefixtures("january_2022")
def test_capacity_shows_eligible_served_and_the_team_limit(run: Run) -> None:
    fig = run("report", "capacity", "2022-01", "--format", "json").json()
    assert fig == {
        "month": "2022-01",
        "eligible": 5,
        "served": 3,
        "eligible_not_served": 2,
        "staff": {"social_workers": 1, "mentors": 6},
        "caseload_max_social_worker": 120,
        "caseload_max_mentor": 20,
        "capacity_social_workers": 120,
        "capacity_mentors": 120,
        "capacity": 120,
        "shortfall": 0,
        "spare": 117,
    }


@pytest.mark.usefixtures("january_2022")
def test_capacity_follows_the_policy_in_force_at_month_end(run: Run) -> None:
    run("policy", "set", "caseload_max_mentor", "1", "--from", "2022-01-31")
    fig = run("report", "capacity", "2022-01", "--format", "json").json()
    assert (fig["capacity_mentors"], fig["capacity"], fig["shortfall"], fig["spare"]) == (6, 6, 0, 3)
    run("policy", "set", "caseload_max_social_worker", "2", "--from", "2022-01-31")
    fig = run("report", "capacity", "2022-01", "--format", "json").json()
    assert (fig["capacity"], fig["shortfall"], fig["spare"]) == (2, 3, 0)


def _july_2020_invoice(run: Run, db: Path) -> None:
    add_client(run, "A", arrived="2020-06-01", intake="2020-06-01")
    add_client(run, "B", arrived="2020-06-01", intake="2020-06-01")
    add_client(run, "C", arrived="2020-03-01", intake="2020-03-01")  # served until 01.06 only
    _staff(
        db,
        [
            ("Worker", "social-worker", "2020-01-01", None),
            ("M1", "mentor", "2020-01-01", None),
            ("M2", "mentor", "2020-01-01", None),
        ],
    )
    conn = sqlite3.connect(db)
    with conn:
        ids = dict(conn.execute("SELECT code, id FROM clients"))
        conn.executemany(
            "INSERT INTO plan_assessments (client_id, date, complexity) VALUES (?, ?, ?)",
            [
                (ids["A"], "2020-06-05", 1),
                (ids["A"], "2020-07-10", 3),  # the latest on or before 31.07
                (ids["B"], "2020-08-05", 2),  # after the month: B is unassessed in July
                (ids["C"], "2020-03-05", 3),  # not served in July
            ],
        )
    conn.close()


def test_invoice_per_client_by_default(run: Run, db_path: Path) -> None:
    _july_2020_invoice(run, db_path)
    fig = run("report", "invoice", "2020-07", "--format", "json").json()
    assert (fig["rule"], fig["served"], fig["rates"]["per_client"], fig["amount"]) == (
        "per-client",
        2,
        "60.00",
        "120.00",
    )
    assert fig["currency"] == "EUR"


def test_invoice_per_staff_weighted_by_complexity(run: Run, db_path: Path) -> None:
    _july_2020_invoice(run, db_path)
    run("policy", "set", "invoice_rule", "per-staff", "--from", "2020-07-31")
    run("policy", "set", "rate_per_mentor", "850.50", "--from", "2020-01-01")
    fig = run("report", "invoice", "2020-07", "--format", "json").json()
    # (1 x 1200.00 + 2 x 850.50) x mean weight (2 for level 3, 1 for unassessed) = 2901.00 x 1.5
    assert fig == {
        "month": "2020-07",
        "rule": "per-staff",
        "currency": "EUR",
        "served": 2,
        "staff": {"social_workers": 1, "mentors": 2},
        "complexity": {"1": 0, "2": 0, "3": 1, "unassessed": 1},
        "complexity_weights": {"1": "1", "2": "1.5", "3": "2"},
        "complexity_factor": "1.5000",
        "rates": {"per_client": "60.00", "per_social_worker": "1200.00", "per_mentor": "850.50"},
        "amount": "4351.50",
    }
    # The rule in force at the end of June was still per client.
    assert run("report", "invoice", "2020-06", "--format", "json").json()["rule"] == "per-client"


def test_bad_invoice_policy_is_refused(refused, run: Run) -> None:  # type: ignore[no-untyped-def]
    add_client(run, "A")
    refused("policy", "set", "rate_per_client", "12.345", "--from", "2020-01-01", says="more than two decimals")


def test_bad_period_and_month_are_refused(refused, run: Run) -> None:  # type: ignore[no-untyped-def]
    add_client(run, "A")
    refused("report", "period", "--from", "2020-07-31", "--to", "2020-07-01", says="--to")
    refused("report", "month", "2020-13", says="month")
    refused("report", "capacity", "July", says="month")


@pytest.mark.slow
def test_chart_writes_a_png(run: Run, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    add_client(run, "A", intake="2020-03-10")
    add_client(run, "B", sex="F", intake="2020-03-10", born="2010-01-01")
    for kind in ("sex", "route", "country"):
        out = tmp_path / f"{kind}.png"
        run("report", "chart", "--from", "2020-03-01", "--to", "2020-06-30", "--kind", kind, "--output", out)
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_chart_without_matplotlib_says_so_in_one_line(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_client(run, "A", intake="2020-03-10")
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    res = run("report", "chart", "--from", "2020-03-01", "--to", "2020-06-30", "--output", tmp_path / "x.png", ok=False)
    assert res.code == 1
    assert res.err.strip().splitlines() == [
        "mentorcli: report chart: needs matplotlib: pip install 'mentorcli[charts]'"
    ]
