"""When the service changes hands: a handover file out of one register, a takeover into the next."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from conftest import Run, snapshot
from mentorcli.core.counting import ClientFacts, Inputs, figures
from mentorcli.core.eligibility import TRANSFERRED, Episode, ServiceEvent, compute, not_served_on
from mentorcli.core.legal import LegalTimeline, StatusEvent
from mentorcli.core.policy import PolicyHistory

FIXTURES = Path(__file__).parent / "fixtures"
PASS = "correct-horse-battery"
HANDED_ON = "2017-01-31"


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)


def _old(run: Run, db: Path) -> None:
    """LSK's register: two clients served on the handover day, one whose service had ended."""
    a = ("--db", db, "--today", HANDED_ON)
    run(*a, "client", "add", "LSK-1", "--sex", "F", "--born", "1990-05-01", "--country", "SY", "--arrived",
        "2016-03-10", "--route", "relocation", "--residence", "mucenieki", "--intake", "2016-03-10",
        "--name", "Amina Hadid", "--family", "F1")  # fmt: skip
    run(*a, "status", "grant", "LSK-1", "refugee", "--date", "2016-05-01")
    run(*a, "client", "move", "LSK-1", "--residence", "riga", "--date", "2016-06-01")
    run(*a, "client", "add", "LSK-2", "--sex", "M", "--born", "2010-05-01", "--country", "SY", "--arrived",
        "2016-12-01", "--route", "independent", "--residence", "mucenieki", "--intake", "2016-12-02",
        "--family", "F1", "--name", "Omar Hadid")  # fmt: skip
    run(*a, "client", "add", "LSK-3", "--sex", "M", "--born", "1985-01-01", "--country", "IQ", "--arrived",
        "2016-04-01", "--route", "independent", "--residence", "riga", "--intake", "2016-04-01")  # fmt: skip
    run(*a, "client", "exit", "LSK-3", "--reason", "declined", "--date", "2016-05-01")
    run(*a, "plan", "goal", "add", "LSK-1", "--area", "housing", "--due", "2017-03-01", "--text", "flat in Riga")


def test_handover_ends_the_episodes_and_takeover_brings_the_histories(run: Run, tmp_path: Path) -> None:
    old, new, handed = tmp_path / "lsk.db", tmp_path / "dm.db", tmp_path / "handover.enc"
    _old(run, old)
    out = run("--db", old, "--today", HANDED_ON, "db", "handover", handed, "--on", HANDED_ON, "--provider", "LSK")
    assert "2 clients handed over" in out.out
    shown = run("--db", old, "--today", "2017-03-01", "client", "show", "LSK-1", "--format", "json").json()
    assert shown["episodes"][-1] == {"start": "2016-03-10", "end": HANDED_ON, "end_reason": TRANSFERRED}
    # The eligibility goes on: the window is not cut by the handover.
    assert shown["eligible_until"] == "2017-05-01"
    assert b"Amina" not in handed.read_bytes()

    b = ("--db", new, "--today", "2017-12-31")
    before = snapshot(new)
    refused = run("--db", new, "--today", HANDED_ON, "db", "takeover", handed, ok=False)
    assert refused.code == 2 and "2017-02-01" in refused.err.replace("01.02.2017", "2017-02-01")
    assert snapshot(new) == before
    run("--db", new, "--today", "2017-02-01", "db", "takeover", handed)
    taken = run(*b, "client", "show", "LSK-1", "--format", "json", "--with-names").json()
    assert taken["name"] == "Amina Hadid" and taken["residence"] == "riga" and taken["status"] == "refugee"
    assert taken["windows"] == shown["windows"]
    assert taken["episodes"] == [{"start": "2017-02-01", "end": "2017-05-01", "end_reason": "eligibility-ended"}]
    assert taken["earlier_episodes"] == [
        {"provider": "LSK", "start": "2016-03-10", "end": HANDED_ON, "end_reason": TRANSFERRED}
    ]
    assert "served by LSK until 31.01.2017" in run(*b, "client", "explain", "LSK-1").out
    assert run(*b, "plan", "show", "LSK-1", "--format", "json").json()["goals"][0]["area"] == "housing"
    assert run(*b, "client", "show", "LSK-3", ok=False).code == 2  # not served on the day: not handed over

    year = run(*b, "report", "year", "2017", "--format", "json").json()
    assert (year["served"], year["taken_over"], year["new"], year["first_time"]) == (2, 2, 0, 0)
    assert year["served"] == year["new"] + year["resumed"] + year["continuing"] + year["taken_over"]
    assert year["decisions"]["refugee"] == 0
    assert run(*b, "report", "year", "2016", "--format", "json").json()["served"] == 0
    lsk = run("--db", old, "--today", "2017-12-31", "report", "year", "2017", "--format", "json").json()
    assert lsk["exits"][TRANSFERRED] == 2 and lsk["taken_over"] == 0
    assert (
        run("--db", old, "--today", "2017-03-31", "report", "capacity", "2017-03", "--list", "--format", "json").json()
        == []
    )
    # Their windows and goals are the next provider's business now.
    assert run("--db", old, "--today", "2017-02-01", "due", "--within", "400", "--format", "json").json() == []
    with sqlite3.connect(new) as conn:
        kept = conn.execute("SELECT provider, recorded_on FROM event_provenance ORDER BY recorded_on").fetchall()
    assert kept and all(p == "LSK" and day == HANDED_ON for p, day in kept)
    audit = run(*b, "audit", "--format", "json").json()
    assert any(e["action"] == "takeover" for e in audit)
    assert any(e["action"] == "handover" for e in run("--db", old, "audit", "--format", "json").json())


def test_a_client_handed_on_again_keeps_every_earlier_provider(run: Run, tmp_path: Path) -> None:
    old, new, third, h1, h2 = (tmp_path / n for n in ("lsk.db", "dm.db", "x.db", "h1.enc", "h2.enc"))
    _old(run, old)
    run("--db", old, "--today", HANDED_ON, "db", "handover", h1, "--on", HANDED_ON, "--provider", "LSK", "LSK-1")
    run("--db", new, "--today", "2017-02-01", "db", "takeover", h1)
    run("--db", new, "--today", "2017-03-31", "db", "handover", h2, "--on", "2017-03-31", "--provider", "DM")
    run("--db", third, "--today", "2017-04-01", "db", "takeover", h2)
    shown = run("--db", third, "--today", "2017-04-30", "client", "show", "LSK-1", "--format", "json").json()
    assert [(e["provider"], e["start"], e["end"]) for e in shown["earlier_episodes"]] == [
        ("LSK", "2016-03-10", HANDED_ON),
        ("DM", "2017-02-01", "2017-03-31"),
    ]
    assert shown["episodes"] == [{"start": "2017-04-01", "end": None, "end_reason": None}]


def test_the_same_file_twice_changes_nothing(run: Run, tmp_path: Path) -> None:
    old, new, handed = tmp_path / "lsk.db", tmp_path / "dm.db", tmp_path / "h.enc"
    _old(run, old)
    run("--db", old, "--today", HANDED_ON, "db", "handover", handed, "--on", HANDED_ON, "--provider", "LSK", "LSK-1")
    run("--db", new, "--today", "2017-02-01", "db", "takeover", handed)
    before = snapshot(new)
    again = run("--db", new, "--today", "2017-02-03", "db", "takeover", handed)
    assert "already applied on 01.02.2017" in again.out
    assert snapshot(new) == before


def test_codes_taken_are_refused_unless_prefixed(run: Run, tmp_path: Path) -> None:
    old, new, handed = tmp_path / "lsk.db", tmp_path / "dm.db", tmp_path / "h.enc"
    _old(run, old)
    run("--db", old, "--today", HANDED_ON, "db", "handover", handed, "--on", HANDED_ON, "--provider", "LSK")
    _old(run, new)  # the same codes happen to be in use there
    before = snapshot(new)
    refused = run("--db", new, "--today", "2017-02-01", "db", "takeover", handed, ok=False)
    assert refused.code == 2 and "LSK-1, LSK-2" in refused.err and len(refused.err.splitlines()) == 1
    assert snapshot(new) == before
    run("--db", new, "--today", "2017-02-01", "db", "takeover", handed, "--prefix", "DM-")
    shown = run("--db", new, "client", "show", "DM-LSK-2", "--format", "json").json()
    assert shown["family"] == "DM-F1" and shown["episodes"][0]["start"] == "2017-02-01"


@pytest.mark.parametrize("damage", ["passphrase", "truncated", "altered", "not-ours"])
def test_bad_handover_files_are_refused_in_one_line(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    old, new, handed = tmp_path / "lsk.db", tmp_path / "dm.db", tmp_path / "h.enc"
    _old(run, old)
    run("--db", old, "--today", HANDED_ON, "db", "handover", handed, "--on", HANDED_ON, "--provider", "LSK")
    blob = handed.read_bytes()
    if damage == "passphrase":
        monkeypatch.setenv("MENTORCLI_PASSPHRASE", "another-passphrase")
    elif damage == "truncated":
        handed.write_bytes(blob[: len(blob) // 2])
    elif damage == "altered":
        handed.write_bytes(blob[:-40] + bytes([blob[-40] ^ 1]) + blob[-39:])
    else:
        handed.write_bytes(b"code,name\nLSK-1,x\n")
    refused = run("--db", new, "--today", "2017-02-01", "db", "takeover", handed, ok=False)
    assert refused.code == 2 and len(refused.err.strip().splitlines()) == 1
    assert not new.exists()


def test_handover_refusals_write_nothing(run: Run, tmp_path: Path) -> None:
    old = tmp_path / "lsk.db"
    _old(run, old)
    before = snapshot(old)
    a = ("--db", old, "--today", HANDED_ON, "db", "handover")
    for args in (
        (tmp_path / "x.enc", "--on", HANDED_ON, "--provider", "LSK", "LSK-3"),  # not served that day
        (tmp_path / "x.enc", "--on", "2016-01-01", "--provider", "LSK"),  # nobody served
        (tmp_path / "x.enc", "--on", HANDED_ON, "--provider", " "),
        (old, "--on", HANDED_ON, "--provider", "LSK"),  # the register itself
    ):
        r = run(*a, *args, ok=False)
        assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    assert snapshot(old) == before
    assert not (tmp_path / "x.enc").exists()


def test_the_migration_keeps_every_record(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "v10.db"
    shutil.copy(FIXTURES / "schema-v10.db", db)
    with sqlite3.connect(db) as conn:
        before = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("clients", "events", "episodes")}
    info = run("--db", db, "db", "info", "--format", "json").json()
    assert "0015_handover" in info["migrations"]
    with sqlite3.connect(db) as conn:
        after = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("clients", "events", "episodes")}
        assert conn.execute("SELECT COUNT(*) FROM episodes WHERE taken_over != 0").fetchone()[0] == 0
    assert after == before
    run("--db", db, "db", "check")


# --- the core -----------------------------------------------------------------------------------


def test_transferred_ends_the_episode_not_the_eligibility() -> None:
    tl = compute(
        date(2020, 1, 10),
        [StatusEvent(date(2020, 2, 1), "granted", "refugee")],
        [ServiceEvent(date(2020, 1, 10), "intake"), ServiceEvent(date(2020, 6, 30), "exit", TRANSFERRED)],
        PolicyHistory([]),
    )
    assert tl.episodes[-1].end_reason == TRANSFERRED
    assert tl.windows[-1].end == date(2021, 2, 1)
    assert not_served_on(date(2020, 8, 1), tl.windows, tl.episodes) is None


def test_a_takeover_episode_is_neither_first_nor_new_and_earlier_decisions_are_history() -> None:
    earlier = [Episode(date(2020, 1, 10), date(2020, 6, 30), TRANSFERRED, True, provider="LSK")]
    events = [StatusEvent(date(2020, 2, 1), "granted", "refugee")]
    tl = compute(
        date(2020, 1, 10), events, [ServiceEvent(date(2020, 7, 1), "takeover", "LSK")], PolicyHistory([]), earlier
    )
    (ep,) = tl.episodes
    assert ep.taken_over and not ep.first and tl.earlier == tuple(earlier)
    facts = ClientFacts(
        "X",
        "F",
        date(1990, 1, 1),
        "SY",
        "relocation",
        None,
        "riga",
        (),
        LegalTimeline(date(2020, 1, 10), tuple(events)),
        tl.episodes,
    )
    fig = figures(Inputs([facts]), date(2020, 1, 1), date(2020, 12, 31), date(2021, 1, 1))
    assert (fig["served"], fig["taken_over"], fig["new"], fig["continuing"]) == (1, 1, 0, 0)
    assert fig["decisions"]["refugee"] == 0


def test_a_takeover_is_a_change_of_the_month_and_the_register_as_of_before_it_has_none_of_it(
    run: Run, tmp_path: Path
) -> None:
    old, new, handed = tmp_path / "lsk.db", tmp_path / "dm.db", tmp_path / "handover.enc"
    _old(run, old)
    run("--db", old, "--today", HANDED_ON, "db", "handover", handed, "--on", HANDED_ON, "--provider", "LSK")
    run("--db", new, "--today", "2017-02-01", "db", "takeover", handed)
    b = ("--db", new, "--today", "2017-02-05")
    assert run(*b, "report", "month", "2017-02", "--as-of", HANDED_ON, "--format", "json").json()["served"] == 0
    assert run(*b, "client", "list", "--as-of", HANDED_ON, "--format", "json").json() == []
    changes = run(*b, "report", "changes", "2017-02", "--since", HANDED_ON, "--format", "json").json()["changes"]
    # Each client's takeover moved the month, not the rules: the replay knows their earlier episodes.
    assert {(c["code"], c["event"]) for c in changes} == {("LSK-1", "takeover"), ("LSK-2", "takeover")}


def test_exported_takeover_rows_are_refused_by_the_import_in_one_clear_line(run: Run, tmp_path: Path) -> None:
    old, new, handed, out = tmp_path / "lsk.db", tmp_path / "dm.db", tmp_path / "handover.enc", tmp_path
    _old(run, old)
    run("--db", old, "--today", HANDED_ON, "db", "handover", handed, "--on", HANDED_ON, "--provider", "LSK")
    run("--db", new, "--today", "2017-02-01", "db", "takeover", handed)
    for kind in ("clients", "events"):
        run("--db", new, "--today", "2017-02-01", "export", kind, "--output", out / f"{kind}.csv")
    rows = (out / "events.csv").read_text().splitlines()
    line = 1 + next(i for i, r in enumerate(rows) if ",takeover," in r)
    fresh = tmp_path / "fresh.db"
    said = run("--db", fresh, "--today", "2017-02-01", "import", out / "clients.csv", out / "events.csv", ok=False)
    assert said.code == 2 and "Traceback" not in said.err
    assert f"events.csv:{line}: event: a takeover is recorded by 'db takeover' from the handover file" in said.err
