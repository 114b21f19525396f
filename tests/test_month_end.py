"""examples/month-end.sh: the scheduled month-end run, end to end."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Run, add_client

SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "month-end.sh"
EXAMPLES = SCRIPT.parent
# Stands in for mentorcli: writes down how it was called, fails where told to.
STAND_IN = f"""#!/usr/bin/env bash
echo "$*" >> "$CALLS"
if [ -n "${{FAIL_ON:-}}" ] && [[ "$*" == *"$FAIL_ON"* ]]; then echo "mentorcli: made to fail" >&2; exit 2; fi
# The backup is the real one: the test checks the copy it makes.
if [ "$1" = db ]; then exec "{sys.executable}" -m mentorcli "$@"; fi
echo "output of: $*"
"""


def month_end(*args: str, db: Path | None, bin_dir: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(p for p in (str(bin_dir or ""), str(Path(sys.executable).parent), os.environ["PATH"]) if p)
    full = {**os.environ, "PATH": path, "MENTORCLI_DB": str(db or ""), **env}
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, env=full, check=False)


@pytest.fixture
def stand_in(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "mentorcli"
    fake.write_text(STAND_IN)
    fake.chmod(0o755)
    return bin_dir


@pytest.fixture
def small_db(run: Run, db_path: Path) -> Path:
    add_client(run, "M-1", intake="2020-03-10")
    return db_path


def test_the_steps_and_the_files(tmp_path: Path, stand_in: Path, small_db: Path) -> None:
    calls = tmp_path / "calls"
    res = month_end(
        "", str(tmp_path / "out"), db=small_db, bin_dir=stand_in, CALLS=str(calls), MENTORCLI_TODAY="2020-08-05"
    )
    assert res.returncode == 0, res.stderr
    assert calls.read_text().splitlines() == [
        f"db backup {tmp_path / 'out' / '.2020-07.partial' / 'mentorcli-2020-07.db'}",
        "--lang en report month 2020-07 --format json",
        "--lang en report month 2020-07 --format csv",
        "--lang en report month 2020-07 --format md",
        "--lang lv report month 2020-07 --format table",
    ]
    done = tmp_path / "out" / "2020-07"
    made = sorted(p.name for p in done.iterdir())
    assert made == [
        "mentorcli-2020-07.db",
        "report-2020-07-lv.txt",
        "report-2020-07.csv",
        "report-2020-07.json",
        "report-2020-07.md",
    ]
    assert res.stdout.split() == made
    assert (done / "report-2020-07-lv.txt").read_text() == "output of: --lang lv report month 2020-07 --format table\n"
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in done.iterdir())
    backup = sqlite3.connect(done / "mentorcli-2020-07.db")
    assert backup.execute("SELECT code FROM clients").fetchall() == [("M-1",)]
    backup.close()
    assert not list((tmp_path / "out").glob(".*partial"))


def test_the_default_month_is_the_one_before_today(tmp_path: Path, stand_in: Path, small_db: Path) -> None:
    for today, month in (("05.01.2021", "2020-12"), ("2020-03-31", "2020-02")):
        res = month_end(
            "", str(tmp_path / today), db=small_db, bin_dir=stand_in, CALLS=str(tmp_path / "c"), MENTORCLI_TODAY=today
        )
        assert res.returncode == 0, res.stderr
        assert (tmp_path / today / month).is_dir()


def test_it_stops_at_the_first_failure(tmp_path: Path, stand_in: Path, small_db: Path) -> None:
    calls = tmp_path / "calls"
    res = month_end("2020-07", str(tmp_path / "out"), db=small_db, bin_dir=stand_in, CALLS=str(calls), FAIL_ON="csv")
    assert res.returncode == 2
    assert res.stderr.splitlines()[-1] == (
        f"month-end: report month --format csv failed (exit 2); stopped, {tmp_path / 'out' / '2020-07'} was not made"
    )
    assert len(calls.read_text().splitlines()) == 3, "nothing runs after the failing step (backup, json, csv)"
    assert not (tmp_path / "out" / "2020-07").exists()
    # The next run starts afresh.
    res = month_end("2020-07", str(tmp_path / "out"), db=small_db, bin_dir=stand_in, CALLS=str(calls))
    assert res.returncode == 0, res.stderr


@pytest.mark.parametrize(
    ("month", "db", "says"),
    [
        ("2020-13", "small", "month: '2020-13' is not a month"),
        ("07.2020", "small", "is not a month"),
        ("2020-07", "", "MENTORCLI_DB: not set"),
        ("2020-07", "missing", "does not exist"),
    ],
)
def test_bad_input(tmp_path: Path, stand_in: Path, small_db: Path, month: str, db: str, says: str) -> None:
    path = {"small": small_db, "": None, "missing": tmp_path / "missing.db"}[db]
    res = month_end(month, str(tmp_path / "out"), db=path, bin_dir=stand_in, CALLS=str(tmp_path / "c"))
    assert res.returncode == 2 and says in res.stderr, res.stderr
    assert not (tmp_path / "out").exists()


def test_a_month_is_made_once(tmp_path: Path, stand_in: Path, small_db: Path) -> None:
    (tmp_path / "out" / "2020-07").mkdir(parents=True)
    res = month_end("2020-07", str(tmp_path / "out"), db=small_db, bin_dir=stand_in, CALLS=str(tmp_path / "c"))
    assert res.returncode == 2 and "exists already" in res.stderr
    assert list((tmp_path / "out" / "2020-07").iterdir()) == []


def test_end_to_end_with_the_examples(run: Run, db_path: Path, tmp_path: Path) -> None:
    run("import", "clients", EXAMPLES / "clients.csv")
    run("import", "events", EXAMPLES / "events.csv")
    res = month_end("2020-07", str(tmp_path / "out"), db=db_path)
    assert res.returncode == 0, res.stderr
    done = tmp_path / "out" / "2020-07"
    figures = json.loads((done / "report-2020-07.json").read_text())
    served = len(run("client", "list", "--served-in", "2020-07", "--format", "json").json())
    assert figures["month"] == "2020-07" and figures["served"] == served
    assert str(served) in (done / "report-2020-07.csv").read_text()
    assert str(served) in (done / "report-2020-07.md").read_text()
    assert "2020. gada jūlijā" in (done / "report-2020-07-lv.txt").read_text()
    backup = sqlite3.connect(done / "mentorcli-2020-07.db")
    assert backup.execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 446
    backup.close()
