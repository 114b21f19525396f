"""The funder's view over all providers: two registers built by hand, a handover, both extracts."""

from __future__ import annotations

import stat
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Run
from mentorcli.core import counting, funder
from mentorcli.core.counting import ClientFacts, Inputs
from mentorcli.core.eligibility import TRANSFERRED, Episode
from test_report_core import BASE, caseloads

PASS = "correct-horse-battery"
TODAY = "2017-12-31"
NAMES = ("Amina", "Hadid", "Juris", "Bērziņš", "BERZINS", "Karimi")
CODES = ("LSK-1", "LSK-2", "LSK-3", "DM-4", "DM-5", "FAM-HADID")


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCLI_PASSPHRASE", PASS)


def _add(run: Run, db: Path, today: str, code: str, *args: str) -> None:
    run("--db", db, "--today", today, "client", "add", code, *args)


def _two_providers(run: Run, tmp_path: Path) -> tuple[Path, Path]:
    """LSK serves three people in 2016 and hands over the two it serves on 31 January 2017; "Drošā
    māja" (DM) takes them over, takes in a newcomer, and serves again someone LSK served in 2016
    (registered anew there, the name typed without diacritics)."""
    lsk, dm = tmp_path / "lsk.db", tmp_path / "dm.db"
    day = "2017-01-31"
    common = ("--route", "independent", "--residence", "riga")
    _add(run, lsk, day, "LSK-1", "--sex", "F", "--born", "1990-05-01", "--country", "SY", "--arrived", "2016-03-10",
         "--intake", "2016-03-10", "--name", "Amina Hadid", "--family", "FAM-HADID", *common)  # fmt: skip
    run("--db", lsk, "--today", day, "status", "grant", "LSK-1", "refugee", "--date", "2016-05-01")
    _add(run, lsk, day, "LSK-2", "--sex", "M", "--born", "2010-05-01", "--country", "SY", "--arrived", "2016-12-01",
         "--intake", "2016-12-02", "--name", "Omar Hadid", "--family", "FAM-HADID", *common)  # fmt: skip
    _add(run, lsk, day, "LSK-3", "--sex", "M", "--born", "1985-01-01", "--country", "IQ", "--arrived", "2016-04-01",
         "--intake", "2016-04-01", "--name", "Juris Bērziņš", *common)  # fmt: skip
    run("--db", lsk, "--today", day, "client", "exit", "LSK-3", "--reason", "declined", "--date", "2016-05-01")
    handed = tmp_path / "handover.enc"
    run("--db", lsk, "--today", day, "db", "handover", handed, "--on", day, "--provider", "LSK")
    run("--db", dm, "--today", "2017-02-01", "db", "takeover", handed)
    _add(run, dm, "2017-03-02", "DM-4", "--sex", "M", "--born", "1970-01-01", "--country", "AF", "--arrived",
         "2017-03-01", "--intake", "2017-03-02", "--name", "Ahmad Karimi", *common)  # fmt: skip
    _add(run, dm, TODAY, "DM-5", "--sex", "M", "--born", "1985-01-01", "--country", "IQ", "--arrived", "2016-04-01",
         "--name", "JURIS BERZINS", *common)  # fmt: skip
    run("--db", dm, "--today", TODAY, "status", "grant", "DM-5", "alternative", "--date", "2017-02-10")
    run("--db", dm, "--today", TODAY, "client", "resume", "DM-5", "--date", "2017-02-15")
    return lsk, dm


def _pick(fig: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: fig[k] for k in keys}


FLOW = ("served", "unique_persons", "new", "resumed", "continuing", "taken_over", "first_time")


def test_each_register_counts_its_own_and_the_funder_counts_each_person_once(run: Run, tmp_path: Path) -> None:
    lsk, dm = _two_providers(run, tmp_path)
    year = ("--today", TODAY, "report", "year")
    assert _pick(run("--db", lsk, *year, "2016", "--format", "json").json(), *FLOW) == {
        "served": 3, "unique_persons": 3, "new": 3, "resumed": 0, "continuing": 0, "taken_over": 0, "first_time": 3,
    }  # fmt: skip
    lsk_2017 = run("--db", lsk, *year, "2017", "--format", "json").json()
    assert _pick(lsk_2017, *FLOW) == {
        "served": 2, "unique_persons": 2, "new": 0, "resumed": 0, "continuing": 2, "taken_over": 0, "first_time": 0,
    }  # fmt: skip
    assert lsk_2017["exits"]["transferred"] == 2
    assert run("--db", dm, *year, "2016", "--format", "json").json()["served"] == 0
    dm_2017 = run("--db", dm, *year, "2017", "--format", "json").json()
    assert _pick(dm_2017, *FLOW) == {
        "served": 4, "unique_persons": 4, "new": 2, "resumed": 0, "continuing": 0, "taken_over": 2, "first_time": 2,
    }  # fmt: skip

    key = tmp_path / "sif.key"
    run("funder", "key", key)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    extracts = []
    for db, name in ((lsk, "LSK"), (dm, "DM")):
        out = tmp_path / f"{name}.extract"
        run("--db", db, "--today", TODAY, "funder", "extract", "--from", "2016-01-01", "--to", "2017-12-31",
            "--provider", name, "--key", key, "--output", out)  # fmt: skip
        extracts += ["--extract", out]
        plain = funder.unseal(funder.read_key(key.read_bytes()), out.read_bytes(), str(out))
        for secret in (*NAMES, *CODES, "Omar"):
            assert secret.encode() not in out.read_bytes() and secret.encode() not in plain, secret
    both = (*extracts, "--key", key, "--format", "json")

    y2017 = run("--today", TODAY, "report", "year", "2017", *both).json()
    # Amina and Omar served without a break across the handover; Juris first served by LSK in 2016.
    assert _pick(y2017, *FLOW) == {
        "served": 4, "unique_persons": 4, "new": 1, "resumed": 1, "continuing": 2, "taken_over": 0, "first_time": 1,
    }  # fmt: skip
    assert y2017["providers"] == {"DM": 4, "LSK": 2}
    assert (y2017["served_by_several"], y2017["unlinked"]) == (2, 0)
    assert "transferred" not in y2017["exits"] and "transferred" not in y2017["exits_by_route"]
    assert y2017["not_in_extracts"] == ["activities", "staff", "staff_average"]
    assert not {"staff", "activities", "staff_average"} & set(y2017)
    assert y2017["families"] == 1 and y2017["decisions"]["alternative"] == 1

    sheet = tmp_path / "2017.xlsx"
    run("--today", TODAY, "report", "year", "2017", *both[:-2], "--format", "xlsx", "--output", sheet)
    assert sheet.stat().st_size > 0
    y2016 = run("--today", TODAY, "report", "year", "2016", *both).json()
    assert _pick(y2016, "served", "first_time", "providers", "served_by_several") == {
        "served": 3, "first_time": 3, "providers": {"LSK": 3}, "served_by_several": 0,
    }  # fmt: skip
    whole = run("--today", TODAY, "report", "period", "--from", "2016-01-01", "--to", "2017-12-31", *both).json()
    assert (whole["unique_persons"], whole["new"], whole["served_by_several"]) == (4, 4, 3)

    on = ("--today", TODAY, "report", "population", "--on", "2017-06-30", "--format", "json")
    assert run("--db", lsk, *on).json()["persons"] == 3
    assert run("--db", dm, *on).json()["persons"] == 4
    assert run(*on, *both[:-2]).json()["persons"] == 4

    # SPEC 10: --public applies to combined reports too; totals stay exact, small cells are hidden.
    public = run("--today", TODAY, "report", "year", "2017", *both, "--public").json()
    assert public["unique_persons"] == 4 and public["new"] is None and "new" in public["suppressed"]


def test_over_one_extract_the_figures_are_the_registers(run: Run, tmp_path: Path) -> None:
    lsk, _ = _two_providers(run, tmp_path)
    key, out = tmp_path / "k", tmp_path / "x"
    run("funder", "key", key)
    run("--db", lsk, "--today", TODAY, "funder", "extract", "--from", "2016-01-01", "--to", "2016-12-31",
        "--provider", "LSK", "--key", key, "--output", out)  # fmt: skip
    own = run("--db", lsk, "--today", TODAY, "report", "year", "2016", "--format", "json").json()
    seen = run("--today", TODAY, "report", "year", "2016", "--extract", out, "--key", key, "--format", "json").json()
    for k in ("staff", "activities", "staff_average"):
        own.pop(k)
    own["exits"].pop("transferred")
    own["exits_by_route"].pop("transferred")
    extra = {"providers": {"LSK": 3}, "served_by_several": 0, "unlinked": 0}
    assert seen == {**own, **extra, "not_in_extracts": ["activities", "staff", "staff_average"]}


def test_a_record_without_a_name_is_a_person_of_its_own(run: Run, tmp_path: Path) -> None:
    db, key, out = tmp_path / "a.db", tmp_path / "k", tmp_path / "x"
    for code in ("A-1", "A-2"):
        _add(run, db, TODAY, code, "--sex", "F", "--born", "1990-01-01", "--country", "SY", "--arrived", "2017-10-01",
             "--intake", "2017-10-01", "--route", "independent", "--residence", "riga")  # fmt: skip
    run("funder", "key", key)
    run("--db", db, "--today", TODAY, "funder", "extract", "--from", "2017-01-01", "--to", "2017-12-31",
        "--provider", "A", "--key", key, "--output", out)  # fmt: skip
    fig = run("--today", TODAY, "report", "year", "2017", "--extract", out, "--key", key, "--format", "json").json()
    assert (fig["unique_persons"], fig["unlinked"]) == (2, 2)


def test_bad_extracts_and_keys_are_refused_in_one_line(run: Run, tmp_path: Path) -> None:
    lsk, dm = _two_providers(run, tmp_path)
    key, other, x, y = tmp_path / "k", tmp_path / "k2", tmp_path / "x", tmp_path / "y"
    run("funder", "key", key)
    run("funder", "key", other)
    ext = ("--today", TODAY, "funder", "extract", "--from", "2017-01-01", "--to", "2017-12-31", "--key", key)
    run("--db", lsk, *ext, "--provider", "LSK", "--output", x)
    run("--db", dm, *ext, "--provider", "LSK", "--output", y)
    truncated = tmp_path / "t"
    truncated.write_bytes(x.read_bytes()[:-30])
    report = ("--today", TODAY, "report", "year", "2017")
    x_key = ("--extract", x, "--key", key)
    for args in (
        (*report, "--extract", x, "--key", other),  # an extract of another key
        (*report, "--extract", x, "--extract", y, "--key", key),  # the same provider twice
        (*report, "--extract", truncated, "--key", key),
        (*report, "--extract", x),  # no key
        (*report, "--extract", x, "--key", x),  # not a key
        ("--today", TODAY, "report", "period", "--from", "2017-12-31", "--to", "2017-01-01", *x_key),
    ):
        r = run(*args, ok=False)
        assert r.code == 2 and len(r.err.strip().splitlines()) == 1, r.err
    r = run("--db", lsk, "--today", TODAY, "funder", "extract", "--from", "2017-12-31", "--to", "2017-01-01",
            "--provider", "LSK", "--key", key, "--output", tmp_path / "z", ok=False)  # fmt: skip
    assert r.code == 2 and not (tmp_path / "z").exists()
    assert run("funder", "key", key, ok=False).code == 2  # a key is never replaced


def test_the_pseudonym_folds_case_diacritics_and_script() -> None:
    keys = funder.read_key(funder.new_key_file())
    born = date(1985, 1, 1)
    assert funder.pseudonym(keys, "Juris Bērziņš", born, "M") == funder.pseudonym(keys, " JURIS  BERZINS ", born, "M")
    assert funder.pseudonym(keys, "Иван Петров", born, "M") == funder.pseudonym(keys, "ivan petrov", born, "M")
    assert funder.pseudonym(keys, "Juris Bērziņš", born, "F") != funder.pseudonym(keys, "Juris Bērziņš", born, "M")
    other = funder.read_key(funder.new_key_file())
    assert funder.pseudonym(other, "Juris", born, "M") != funder.pseudonym(keys, "Juris", born, "M")
    assert funder.pseudonym(keys, None, born, "M") is None


def _split(c: ClientFacts, day: date) -> tuple[ClientFacts, ClientFacts]:
    """The client's service as two providers saw it with a handover on ``day``."""
    before: list[Episode] = []
    after: list[Episode] = []
    for e in c.episodes:
        if e.end is not None and e.end <= day:
            before.append(e)
        elif e.start > day:
            after.append(e._replace(first=False))
        else:
            before.append(e._replace(end=day, end_reason=TRANSFERRED))
            after.append(e._replace(start=day + timedelta(days=1), first=False, taken_over=True))
    return replace(c, episodes=tuple(before)), replace(c, episodes=tuple(after))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(caseloads(), st.integers(0, 600))
def test_a_handover_changes_no_figure_of_the_funder(case: tuple[list[ClientFacts], date, date, date], at: int) -> None:
    """Split every client's service between two providers at a handover day: the funder's
    combined figures are the figures of one register that served them all along."""
    clients, first, last, today = case
    day = BASE + timedelta(days=at)
    parts = [_split(c, day) for c in clients]
    extracts = [
        funder.Extract(
            name, first, last, tuple(funder.Person(c.code, p[i]) for c, p in zip(clients, parts, strict=True))
        )
        for i, name in enumerate(("A", "B"))
    ]
    combined = funder.period_report(funder.combine(extracts), first, last, today)
    alone = counting.period_report(Inputs(clients), first, last, today)
    for key in (*funder.NOT_IN_EXTRACTS, "providers", "served_by_several", "unlinked", "not_in_extracts"):
        alone.pop(key, None)
        combined.pop(key, None)
    alone["exits"].pop(TRANSFERRED)
    alone["exits_by_route"].pop(TRANSFERRED)
    assert combined == alone
