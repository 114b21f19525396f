"""Hostile values at every command (issue 12): refused in one line, or accepted; never a crash.

What a fuzzing of ~960 bad invocations found: other scripts' digits read as numbers and dates,
25-digit numbers and far dates that overflow, newlines that split an error over two lines, empty
option values taken as "no filter", CSV cells over the csv module's limit. Each value below goes
into every slot of every command; the command must end in 0 or 2, with exactly one line on
stderr when it refuses, no traceback, and the database unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from casework_helpers import MENTOR, WORKER
from conftest import snapshot
from mentorcli.cli.app import app
from mentorcli.core.errors import one_line

pytestmark = pytest.mark.slow  # hypothesis throws hostile values at every command

TODAY = "2021-12-31"
PASSPHRASE = "correct horse battery"
V = object()  # the slot a hostile value goes into
P = object()  # a file a hostile value names: under the test's folder, never elsewhere
# Files the fixture makes beside the register, named in a command by these markers.
KEY, EXTRACT, HANDED, BUNDLE, OUT = "<key>", "<extract>", "<handover>", "<bundle>", "<out>"
MADE = {KEY: "sif.key", EXTRACT: "lsk.extract", HANDED: "handover.enc", BUNDLE: "other.bundle"}

HOSTILE = (
    "",
    " ",
    " 7",
    "7 ",
    "١٢",  # Arabic-Indic 12
    "²",
    "٠٧.٠٣.٢٠٢٠",
    "2020-0٣-10",
    "１２",  # full-width 12
    "-1",
    "0",
    "1e3",
    "1_000",
    "3000000",
    "99999999999999999999999",
    "9999999999999999999999999",
    "9" * 5000,
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2101-01-01",
    "31.02.2020",
    "2020-07",
    "a\nb",
    "riga\n",
    "\nmentorcli: a forged second line",
    "line\u2028separator",
    "nul\x00byte",
    "x" * 300,
    "'=cmd|' /C calc'!A0",
    "--help",
)
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))

COMMANDS: tuple[tuple[Any, ...], ...] = (
    ("--today", V, "client", "list"),
    (
        "client",
        "add",
        V,
        "--sex",
        "F",
        "--born",
        "1990",
        "--country",
        "SY",
        "--arrived",
        "2020-03-10",
        "--route",
        "independent",
        "--residence",
        "riga",
    ),
    (
        "client",
        "add",
        "N-1",
        "--sex",
        "F",
        "--born",
        V,
        "--country",
        "SY",
        "--arrived",
        "2020-03-10",
        "--route",
        "independent",
        "--residence",
        "riga",
    ),
    (
        "client",
        "add",
        "N-1",
        "--sex",
        "F",
        "--born",
        "1990",
        "--country",
        "SY",
        "--arrived",
        V,
        "--route",
        "independent",
        "--residence",
        "riga",
        "--intake",
        V,
    ),
    (
        "client",
        "add",
        "N-1",
        "--sex",
        V,
        "--born",
        "1990",
        "--country",
        V,
        "--arrived",
        "2020-03-10",
        "--route",
        V,
        "--residence",
        V,
        "--family",
        V,
    ),
    ("client", "show", V),
    ("client", "list", "--served-in", V),
    ("client", "list", "--status", V),
    ("client", "list", "--residence", V),
    ("client", "list", "--family", V),
    ("client", "edit", "A", "--born", V),
    ("client", "edit", "A", "--arrived", V),
    ("client", "move", "A", "--residence", V, "--date", "2020-05-01"),
    ("client", "move", "A", "--residence", "riga", "--date", V),
    ("client", "exit", "A", "--reason", V, "--date", "2020-04-01"),
    ("client", "resume", "A", "--date", V),
    ("client", "explain", V),
    ("status", "grant", "A", V, "--date", "2020-05-01"),
    ("status", "grant", "A", "refugee", "--date", V),
    ("status", "court", "A", V, "--date", "2020-05-01"),
    ("staff", "add", V, "--role", "mentor", "--from", "2020-01-01"),
    ("staff", "add", "Ilze Kalna", "--role", V, "--from", V),
    ("staff", "list", "--on", V),
    ("assign", "A", "--worker", V, "--mentor", MENTOR, "--from", "2020-03-10"),
    ("assign", "A", "--worker", WORKER, "--mentor", MENTOR, "--from", V, "--to", V),
    ("activity", "add", "A", "--type", V, "--date", "2020-04-01", "--staff", MENTOR),
    ("activity", "add", "A", "--type", "interpreter", "--date", V, "--staff", MENTOR, "--minutes", V),
    ("activity", "add", "A", "--type", "interpreter", "--date", "2020-04-01", "--staff", MENTOR, "--minutes", V),
    ("activity", "list", "--from", V, "--to", V),
    ("activity", "list", "--client", V),
    ("plan", "complexity", "A", V, "--date", "2020-04-01", "--by", WORKER),
    ("plan", "goal", "add", "A", "--area", V, "--due", V, "--text", V),
    ("plan", "goal", "done", V, "--date", "2020-04-01"),
    ("plan", "goal", "edit", V, "--due", V),
    ("due", "--within", V),
    ("policy", "show", "--on", V),
    ("policy", "set", V, "12", "--from", "2020-01-01"),
    ("policy", "set", "status_months", V, "--from", "2020-01-01"),
    ("policy", "set", "asylum_seeker_months", V, "--from", "2020-01-01"),
    ("policy", "set", "caseload_max_mentor", V, "--from", "2020-01-01"),
    ("policy", "set", "mucenieki_stay_days", V, "--from", "2020-01-01"),
    ("policy", "set", "rate_per_client", V, "--from", "2020-01-01"),
    ("policy", "set", "status_months", "12", "--from", V),
    ("report", "month", V, "--format", "json"),
    ("report", "period", "--from", V, "--to", "2020-12-31", "--format", "json"),
    ("report", "period", "--from", "2020-01-01", "--to", V, "--format", "json"),
    ("report", "year", V, "--format", "json"),
    ("report", "year", "2020", "--compare", V, "--format", "json"),
    ("report", "population", "--on", V, "--format", "json"),
    ("report", "capacity", V, "--format", "json"),
    ("report", "invoice", V, "--format", "json"),
    ("report", "caseload", "--on", V, "--format", "json"),
    ("audit", "--since", V),
    ("audit", "--client", V),
    ("export", V),
)
# The commands and options of round 8 (each also meets every listed value, below).
ROUND_8: tuple[tuple[Any, ...], ...] = (
    ("client", "consent", V, "--date", "2020-04-01"),
    ("client", "consent", "A", "--date", V),
    ("client", "consent", "A", "--date", V, "--withdrawn"),
    ("client", "duplicates", "--format", V),
    ("client", "merge", "A", V),
    ("client", "merge", V, "A"),
    ("client", "show", "A", "--as-of", V),
    ("client", "list", "--as-of", V),
    ("due", "--as-of", V),
    ("due", "--ics", P),
    ("report", "month", "2020-04", "--as-of", V, "--format", "json"),
    ("report", "month", V, "--public", "--format", "json"),
    ("report", "year", V, "--public", "--format", "json"),
    ("report", "population", "--on", V, "--public", "--format", "json"),
    ("report", "month", "2020-04", "--extract", P, "--key", KEY, "--format", "json"),
    ("report", "month", "2020-04", "--extract", EXTRACT, "--key", P, "--format", "json"),
    ("report", "period", "--from", V, "--to", "2020-12-31", "--extract", EXTRACT, "--key", KEY),
    ("report", "forecast", "--weeks", V, "--format", "json"),
    ("report", "forecast", "--family-size", V, "--format", "json"),
    ("report", "forecast", "--as-of", V, "--format", "json"),
    ("report", "changes", V, "--since", "2021-06-01", "--format", "json"),
    ("report", "changes", "2020-04", "--since", V, "--format", "json"),
    ("audit", "verify", "--head", V),
    ("db", "handover", P, "--on", "2020-04-01", "--provider", "LSK", "A"),
    ("db", "handover", OUT, "--on", V, "--provider", "LSK"),
    ("db", "handover", OUT, "--on", "2020-04-01", "--provider", V, "A"),
    ("db", "handover", OUT, "--on", "2020-04-01", "--provider", "LSK", V),
    ("db", "takeover", P),
    ("db", "takeover", HANDED, "--prefix", V),
    ("db", "bundle", P),
    ("db", "bundle", OUT, "--since", V),
    ("db", "merge", P),
    ("db", "merge", BUNDLE, "--take", "theirs", V),
    ("db", "merge", BUNDLE, "--take", V, "A"),
    ("db", "serve", "--port", V),
    ("funder", "key", P),
    ("funder", "extract", "--from", V, "--to", "2020-12-31", "--provider", "LSK", "--key", KEY, "--output", OUT),
    ("funder", "extract", "--from", "2020-01-01", "--to", V, "--provider", "LSK", "--key", KEY, "--output", OUT),
    ("funder", "extract", "--from", "2020-01-01", "--to", "2020-12-31", "--provider", V, "--key", KEY),
    ("funder", "extract", "--from", "2020-01-01", "--to", "2020-12-31", "--provider", "LSK", "--key", P),
)
COMMANDS += ROUND_8
# CSV files: a hostile value in each cell of one row.
FILES: dict[str, tuple[str, str]] = {
    "clients": (
        "code,name,sex,born,country,arrived,route,residence,family,intake",
        "N-2,Name,F,1990,SY,2020-03-10,relocation,riga,,2020-03-10",
    ),
    "events": ("code,date,event,value", "A,2020-05-01,move,riga"),
    "activities": ("code,date,type,staff,minutes,interpreter,note", f"A,2020-04-01,interpreter,{MENTOR},30,arabic,"),
}


def cli(db: Path, args: list[str]) -> Any:
    env = {"MENTORCLI_DB": str(db), "MENTORCLI_TODAY": TODAY, "MENTORCLI_LANG": "en", "COLUMNS": "200"}
    return CliRunner().invoke(app, args, env=env | {"MENTORCLI_PASSPHRASE": PASSPHRASE})


def filled(db: Path, command: tuple[Any, ...], value: str) -> list[str]:
    """The command with the hostile value in its slot and the fixture's files named by path."""
    out = []
    for a in command:
        if a is V:
            out.append(value)
        elif a is P:
            # One name in the folder: a path into a folder that does not exist fails to write (exit 1).
            out.append(str(db.parent / "files" / f"./{value.replace('/', '_')}"))
        elif a == OUT:
            out.append(str(db.parent / "files" / "out"))
        else:
            out.append(str(db.parent / MADE[a]) if a in MADE else a)
    return out


def port(value: str) -> bool:
    """A value db serve would take, and so serve until stopped."""
    try:
        return 1024 <= int(value.strip()) <= 65535
    except ValueError:
        return False


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A small register: staff, one client served and assigned, one goal."""
    db = tmp_path_factory.mktemp("hostile") / "h.db"
    for args in (
        ["staff", "add", WORKER, "--role", "social-worker", "--from", "2020-01-01"],
        ["staff", "add", MENTOR, "--role", "mentor", "--team", WORKER, "--from", "2020-01-01"],
        [
            "client",
            "add",
            "A",
            "--sex",
            "M",
            "--born",
            "1990-01-01",
            "--country",
            "SY",
            "--arrived",
            "2020-03-10",
            "--route",
            "independent",
            "--residence",
            "mucenieki",
            "--intake",
            "2020-03-10",
        ],
        ["assign", "A", "--worker", WORKER, "--mentor", MENTOR, "--from", "2020-03-10"],
        ["plan", "goal", "add", "A", "--area", "housing", "--due", "2020-05-01", "--text", "a flat"],
        ["funder", "key", str(db.parent / MADE[KEY])],
        [
            "funder",
            "extract",
            "--from",
            "2020-01-01",
            "--to",
            "2020-12-31",
            "--provider",
            "LSK",
            "--key",
            str(db.parent / MADE[KEY]),
            "--output",
            str(db.parent / MADE[EXTRACT]),
        ],
        ["db", "backup", str(db.parent / "copy.db")],
    ):
        assert cli(db, args).exit_code == 0, args
    # Another copy of the register: a bundle of its changes, and a handover of its clients.
    other = db.parent / "other.db"
    for args in (
        ["db", "restore", str(db.parent / "copy.db")],
        ["client", "edit", "A", "--country", "AF"],
        ["db", "bundle", str(db.parent / MADE[BUNDLE])],
        ["db", "handover", str(db.parent / MADE[HANDED]), "--on", "2020-04-01", "--provider", "LSK"],
    ):
        assert cli(other, args).exit_code == 0, (args, cli(other, args).stderr)
    (db.parent / "files").mkdir()
    yield db


def check(db: Path, args: list[str], *, lines: int | None = 1) -> int:
    before = snapshot(db)
    r = cli(db, args)
    assert r.exception is None or isinstance(r.exception, SystemExit), f"{args}: {r.exception!r}"
    assert r.exit_code in (0, 2), f"{args}: exit {r.exit_code}: {r.stderr}"
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    if r.exit_code == 2:
        got = r.stderr.strip().splitlines()
        assert (len(got) == lines) if lines else got, f"{args}: {r.stderr!r}"
        assert snapshot(db) == before, f"{args}: refused, but the database changed"
    return int(r.exit_code)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS), value=values)
def test_every_command_refuses_hostile_values_in_one_line(register: Path, command: tuple[Any, ...], value: str) -> None:
    assume(command[:2] != ("db", "serve") or not port(value))
    check(register, filled(register, command, value))


@pytest.mark.parametrize("command", [c for c in ROUND_8 if c[:2] != ("db", "serve")])
def test_each_command_meets_each_hostile_value(register: Path, command: tuple[Any, ...]) -> None:
    """Every slot meets every listed value at least once, whatever hypothesis draws."""
    for value in HOSTILE:
        check(register, filled(register, command, value))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(FILES)), column=st.integers(0, 9), value=values | st.just("x" * 140_000))
def test_every_csv_cell_refuses_hostile_values(
    register: Path, tmp_path_factory: pytest.TempPathFactory, kind: str, column: int, value: str
) -> None:
    header, row = FILES[kind]
    cells = row.split(",")
    cells[column % len(cells)] = '"' + value.replace('"', '""') + '"'
    path = tmp_path_factory.mktemp("csv") / f"{kind}.csv"
    path.write_text(f"{header}\n{','.join(cells)}\n", encoding="utf-8")
    # A failed import names every bad row under a heading line: one line per problem.
    code = check(register, ["import", kind, str(path), "--dry-run"], lines=None)
    if one_line(value) != value or len(value) > 131_072:
        assert code == 2, f"{kind}: a value over lines or over the limit was accepted"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["due", "--within", "١٢"], "--within: '١٢' is not a whole number (0 to 3660"),
        (["due", "--within", " 7"], "--within: ' 7' is not a whole number"),
        (["due", "--within", "²"], "--within: '²' is not a whole number"),
        (["due", "--within", "3000000"], "--within: 3000000 is out of range (0 to 3660)"),
        (["due", "--within", "9" * 25], "is out of range (0 to 3660)"),
        (
            [
                "activity",
                "add",
                "A",
                "--type",
                "interpreter",
                "--date",
                "2020-04-01",
                "--staff",
                MENTOR,
                "--minutes",
                "1441",
            ],
            "--minutes: 1441 is out of range (1 to 1440)",
        ),
        (
            [
                "activity",
                "add",
                "A",
                "--type",
                "interpreter",
                "--date",
                "2020-04-01",
                "--staff",
                MENTOR,
                "--minutes",
                "",
            ],
            "--minutes: '' is not a whole number",
        ),
        (["plan", "goal", "done", "9" * 25, "--date", "2020-04-01"], "goal: "),
        (
            ["policy", "set", "status_months", "121", "--from", "2020-01-01"],
            "status_months: 121 is out of range (1 to 120)",
        ),
        (["policy", "set", "status_months", "١٢", "--from", "2020-01-01"], "status_months: '١٢' is not a whole number"),
        (["policy", "set", "mucenieki_stay_days", "366", "--from", "2020-01-01"], "(0 to 365)"),
        (
            ["policy", "set", "rate_per_client", "١٢", "--from", "2020-01-01"],
            "rate_per_client: '١٢' is not a non-negative",
        ),
        (["report", "year", "١٩٩٩"], "year: '١٩٩٩' is not a whole number (1900 to 2100"),
        (
            ["report", "period", "--from", "0001-01-01", "--to", "9999-12-31"],
            "--from: '0001-01-01': the year must be 1900 to 2100",
        ),
        (["client", "resume", "A", "--date", "٠٧.٠٣.٢٠٢٠"], "--date: '٠٧.٠٣.٢٠٢٠' is not a date"),
        (
            ["client", "move", "A", "--residence", "a\n!", "--date", "2020-05-01"],
            "residence: 'a\\n!' is not a place in Latvia",
        ),
        (["client", "edit", "A", "--sex", "F\nmentorcli: forged"], "--sex: 'F\\nmentorcli: forged' is not one of F, M"),
        (["client", "list", "--served-in", ""], "--served-in: '' is not a month"),
        (["client", "list", "--status", ""], "--status: '' is not one of"),
        (["client", "list", "--family", ""], "--family: '' is not a case code"),
        (["policy", "show", "--on", ""], "--on: '' is not a date"),
        (["report", "caseload", "--on", ""], "--on: '' is not a date"),
        (["staff", "list", "--on", ""], "--on: '' is not a date"),
        (["audit", "--since", ""], "--since: '' is not a date"),
        (["--today", "", "client", "list"], "--today: '' is not a date"),
        (["audit", "verify", "--head", ""], "--head: '' is not a head hash (64 hexadecimal digits"),
        (["audit", "verify", "--head", "3b1f…"], "--head: '3b1f…' is not a head hash"),
        (["db", "bundle", "unused.bundle", "--since", "9" * 5000], "--since: no exchange 9999"),
    ],
)
def test_each_case_the_fuzzing_found_is_refused_in_one_line(register: Path, args: list[str], says: str) -> None:
    before = snapshot(register)
    r = cli(register, args)
    assert r.exit_code == 2, r.stderr
    assert r.stderr.count("\n") == 1 and says in r.stderr, r.stderr
    assert snapshot(register) == before


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ('"' + "x" * 131_073 + '"', "clients.csv:2: name: 131073 characters; a value may have at most 131072"),
        ('"a\nb"', "clients.csv:2: name: 'a\\nb' spans lines; a value must stay on one line"),
    ],
)
def test_csv_cells_over_the_limit_or_over_lines_are_named_and_refused(
    register: Path, tmp_path: Path, cell: str, says: str
) -> None:
    header, row = FILES["clients"]
    path = tmp_path / "clients.csv"
    path.write_text(f"{header}\n{row.replace('Name', cell)}\n", encoding="utf-8")
    before = snapshot(register)
    r = cli(register, ["import", "clients", str(path)])
    assert (r.exit_code, r.stderr) == (2, f"mentorcli: {says}\n")
    assert snapshot(register) == before


def test_the_register_is_whole_after_the_hostile_runs(register: Path) -> None:
    conn = sqlite3.connect(register)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
