"""Consent to processing (issue 15, SPEC 10 "Consent"): recorded, asked for, and withdrawn."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, Run, add_client

FIXTURES = Path(__file__).parent / "fixtures"
Refused = Callable[..., Result]


def show(run: Run, code: str, *extra: str) -> Any:
    return run(*extra, "client", "show", code, "--format", "json", "--with-names").json()


def due_kinds(run: Run, code: str) -> list[str]:
    return [i["kind"] for i in run("due", "--format", "json").json() if i.get("code") == code]


def test_consent_given_at_registration_is_shown(run: Run) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="01.10.2021")
    shown = show(run, "A")
    assert (shown["consent"], shown["consent_withdrawn"]) == ("2021-10-01", None)
    assert "Consent given       01.10.2021" in run("client", "show", "A").out


def test_a_served_client_without_consent_is_due_until_it_is_recorded(run: Run) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01")
    add_client(run, "B", arrived="2021-11-01")  # registered, not served: nothing to ask yet
    assert show(run, "A")["consent"] is None
    assert "consent-missing" in due_kinds(run, "A")
    assert "consent-missing" not in due_kinds(run, "B")
    assert run("client", "consent", "A", "--date", "2021-12-01").out.strip() == "A: consent given on 01.12.2021"
    assert "consent-missing" not in due_kinds(run, "A")
    # As of a day before it was given, it was missing.
    assert "consent-missing" in [
        i["kind"] for i in run("--today", "2021-11-30", "due", "--format", "json").json() if i.get("code") == "A"
    ]


def test_withdrawal_ends_the_episode_declined_and_erases_the_name_counts_stay(run: Run, db_path: Path) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-01", name="Amina Haddad")
    before = run("report", "month", "2021-11", "--format", "json").json()
    said = run("client", "consent", "A", "--date", "2021-12-01", "--withdrawn").out
    assert said.strip() == "A: consent withdrawn on 01.12.2021; service ended, personal data erased"
    shown = show(run, "A")
    assert shown["episodes"] == [{"start": "2021-10-01", "end": "2021-12-01", "end_reason": "declined"}]
    assert (shown["consent"], shown["consent_withdrawn"], shown["name"]) == ("2021-10-01", "2021-12-01", None)
    assert run("report", "month", "2021-11", "--format", "json").json() == before
    assert run("report", "month", "2021-12", "--format", "json").json()["exits"]["declined"] == 1
    # The exit is an event version like any other; the name is nowhere in the file.
    events = [(e["event"], e["value"]) for e in run("client", "history", "A", "--format", "json").json()]
    assert events[-1] == ("exit", "declined")
    assert b"Amina" not in db_path.read_bytes()
    actions = [e["action"] for e in run("audit", "--client", "A", "--format", "json").json()]
    assert {"consent", "erase"} <= set(actions)
    assert "consent-missing" not in due_kinds(run, "A")


def test_withdrawal_of_a_client_not_served_that_day_writes_no_exit(run: Run) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-01")
    run("client", "exit", "A", "--reason", "left-latvia", "--date", "2021-11-01")
    run("client", "consent", "A", "--date", "2021-12-01", "--withdrawn")
    assert show(run, "A")["episodes"][-1]["end_reason"] == "left-latvia"


def test_refusals_write_nothing(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-05")
    refused("client", "consent", "NOPE", "--date", "2021-12-01", says="not in the register")
    refused("client", "consent", "A", "--date", "2022-01-05", says="after today")
    refused("client", "consent", "A", "--date", "2021-10-05", says="already recorded")
    refused("client", "consent", "A", "--date", "2021-10-04", "--withdrawn", says="before the consent given")
    run("client", "consent", "A", "--date", "2021-12-01", "--withdrawn")
    refused("client", "consent", "A", "--date", "2021-12-02", "--withdrawn", says="already withdrawn")
    refused("--lang", "lv", "client", "consent", "A", "--date", "2021-12-02", "--withdrawn", says="jau tika atsaukta")


def test_a_change_of_consent_is_a_new_version(run: Run, db_path: Path) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-01")
    run("--today", "2021-12-20", "client", "consent", "A", "--date", "2021-12-15", "--withdrawn")
    run("client", "consent", "A", "--date", "2021-12-30")
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT id, given, withdrawn, recorded_on, replaced_on, audit_id FROM consent "
        "ORDER BY audit_id, replaced_on IS NULL"  # a replaced version names the entry of its successor
    )
    # In the order they were replaced (a replaced version names the entry of the change that replaced it).
    versions = sorted(rows.fetchall(), key=lambda v: (v[4] is None, v[4] or ""))
    assert [v[1:5] for v in versions] == [
        ("2021-10-01", None, "2021-12-31", "2021-12-20"),
        ("2021-10-01", "2021-12-15", "2021-12-20", "2021-12-31"),
        ("2021-12-30", None, "2021-12-31", None),
    ]
    assert all(v[0] >= 2**62 and v[5] is not None for v in versions)
    assert show(run, "A")["consent"] == "2021-12-30"


def test_import_takes_an_optional_consent_column_and_export_gives_it(run: Run, tmp_path: Path) -> None:
    with_consent = tmp_path / "clients.csv"
    with_consent.write_text(
        "code,sex,born,country,arrived,route,residence,intake,consent\n"
        "A,F,1990,SY,2021-10-01,independent,mucenieki,2021-10-01,2021-10-01\n"
        "B,M,1991,SY,2021-10-01,independent,mucenieki,2021-10-01,\n",
        encoding="utf-8",
    )
    run("import", "clients", with_consent)
    without = tmp_path / "more.csv"
    without.write_text("code,sex,born,country,arrived,route,residence\nC,F,1990,IQ,2021-10-01,independent,riga\n")
    run("import", "clients", without)
    run("client", "consent", "C", "--date", "2021-12-01", "--withdrawn")
    exported = run("export", "clients", "--format", "json").json()
    assert [(r["code"], r["consent"]) for r in exported] == [("A", "2021-10-01"), ("B", None), ("C", None)]
    bad = tmp_path / "bad.csv"
    bad.write_text("code,sex,born,country,arrived,route,residence,consent\nD,F,1990,IQ,2021-10-01,independent,riga,x\n")
    res = run("import", "clients", bad, ok=False)
    assert res.code == 2 and "bad.csv:2: consent" in res.err


def test_the_migration_invents_no_consent(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v10.db", db)
    shown = run("--db", db, "client", "show", "OLD-1", "--format", "json", "--with-names").json()
    assert (shown["consent"], shown["name"]) == (None, "Fixture Person")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM consent").fetchone() == (0,)
    assert conn.execute("SELECT merged_into, merged_on FROM clients").fetchall() == [(None, None)]
    assert conn.execute("SELECT count(*) FROM events").fetchone() == (2,)


def test_withdrawal_in_an_encrypted_register_wipes_it_with_its_passphrase(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-01", name="Amina Haddad")
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", "correct horse battery")
    run("db", "encrypt")
    run("client", "consent", "A", "--date", "2021-12-01", "--withdrawn")
    assert show(run, "A")["name"] is None


def test_consent_as_of_a_day_is_the_version_in_force_then(run: Run) -> None:
    run("--today", "2021-10-01", "client", "add", "A", "--sex", "M", "--born", "1990", "--country", "SY",
        "--arrived", "2021-10-01", "--route", "independent", "--residence", "riga", "--intake", "2021-10-01")  # fmt: skip
    run("--today", "2021-10-02", "client", "consent", "A", "--date", "2021-10-02")
    run("--today", "2021-10-05", "client", "consent", "A", "--date", "2021-10-05", "--withdrawn")
    before = run("client", "show", "A", "--as-of", "2021-10-01", "--format", "json").json()
    held = run("client", "show", "A", "--as-of", "2021-10-03", "--format", "json").json()
    assert (before["consent"], before["consent_withdrawn"]) == (None, None)
    assert (held["consent"], held["consent_withdrawn"]) == ("2021-10-02", None)
    due = run("due", "--as-of", "2021-10-03", "--format", "json").json()
    assert "consent-missing" not in [i["kind"] for i in due if i.get("code") == "A"]
    now = show(run, "A")
    assert (now["consent"], now["consent_withdrawn"]) == ("2021-10-02", "2021-10-05")


def test_a_client_who_withdrew_consent_is_served_again_only_after_giving_it_again(run: Run, refused: Refused) -> None:
    # Declining ends the asylum-seeker window; the status granted later opens one where a resume is possible.
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-01")
    run("client", "consent", "A", "--date", "2021-10-15", "--withdrawn")
    run("status", "grant", "A", "refugee", "--date", "2021-11-01")
    refused("client", "resume", "A", "--date", "2021-11-10", says="consent of A was withdrawn on 15.10.2021")
    refused("client", "resume", "A", "--date", "2021-11-01", says="record their consent again")
    run("client", "consent", "A", "--date", "2021-11-05")
    assert (
        run("client", "resume", "A", "--date", "2021-11-10").out.strip() == "A: served from 10.11.2021 until 01.11.2022"
    )
    assert show(run, "A")["episodes"][-1] == {"start": "2021-11-10", "end": None, "end_reason": None}


def test_an_events_file_cannot_serve_again_a_client_who_withdrew_consent(run: Run, tmp_path: Path) -> None:
    add_client(run, "A", arrived="2021-10-01", intake="2021-10-01", consent="2021-10-01")
    run("client", "consent", "A", "--date", "2021-10-15", "--withdrawn")
    run("status", "grant", "A", "refugee", "--date", "2021-11-01")
    events = tmp_path / "events.csv"
    events.write_text("code,date,event,value\nA,2021-11-10,resume,\n")
    said = run("import", "events", str(events), ok=False)
    assert said.code == 2 and "events.csv:2: date: consent of A was withdrawn on 15.10.2021" in said.err
    run("client", "consent", "A", "--date", "2021-11-05")
    run("import", "events", str(events))
    assert show(run, "A")["episodes"][-1]["start"] == "2021-11-10"
