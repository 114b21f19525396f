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

pytestmark = pytest.mark.slow  # runs the month-end script in subprocesses

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


@pytest.fixture(autouse=True)
def backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Backups go apart from the reports, never into the test runner's home."""
    monkeypatch.setenv("MENTORCLI_BACKUPS", str(tmp_path / "backups"))
    monkeypatch.delenv("MENTORCLI_PASSPHRASE", raising=False)
    monkeypatch.delenv("MENTORCLI_BIN", raising=False)
    return tmp_path / "backups"


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


def test_the_steps_and_the_files(tmp_path: Path, stand_in: Path, small_db: Path, backups: Path) -> None:
    calls = tmp_path / "calls"
    res = month_end(
        "", str(tmp_path / "out"), db=small_db, bin_dir=stand_in, CALLS=str(calls), MENTORCLI_TODAY="2020-08-05"
    )
    assert res.returncode == 0, res.stderr
    assert calls.read_text().splitlines() == [
        f"db backup {backups / 'mentorcli-2020-07.db.partial'}",
        "audit verify",
        "--lang en report month 2020-07 --format json",
        "--lang en report month 2020-07 --format csv",
        "--lang en report month 2020-07 --format md",
        "--lang lv report month 2020-07 --format table",
    ]
    done = tmp_path / "out" / "2020-07"
    made = sorted(p.name for p in done.iterdir())
    assert made == [
        "audit-2020-07.txt",
        "report-2020-07-lv.txt",
        "report-2020-07.csv",
        "report-2020-07.json",
        "report-2020-07.md",
    ]
    assert res.stdout.split() == made
    assert (done / "report-2020-07-lv.txt").read_text() == "output of: --lang lv report month 2020-07 --format table\n"
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in done.iterdir())
    # The backup holds names: kept apart from the folder sent to the funder, owner-only.
    assert [p.name for p in backups.iterdir()] == ["mentorcli-2020-07.db"]
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    assert stat.S_IMODE((backups / "mentorcli-2020-07.db").stat().st_mode) == 0o600
    backup = sqlite3.connect(backups / "mentorcli-2020-07.db")
    assert backup.execute("SELECT code FROM clients").fetchall() == [("M-1",)]
    backup.close()
    assert not list((tmp_path / "out").glob(".*partial"))
    assert f"backup kept apart, in {backups / 'mentorcli-2020-07.db'}" in res.stderr


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
    assert len(calls.read_text().splitlines()) == 4, "nothing runs after the failing step (backup, audit, json, csv)"
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
    backup = sqlite3.connect(tmp_path / "backups" / "mentorcli-2020-07.db")
    assert backup.execute("SELECT COUNT(*) FROM clients").fetchone()[0] == 446
    backup.close()


@pytest.mark.parametrize(("month", "today"), [("2020-09", "15.07.2020"), ("2020-07", "2020-07-31"), ("", "")])
def test_a_month_not_over_is_refused(
    tmp_path: Path, stand_in: Path, small_db: Path, backups: Path, month: str, today: str
) -> None:
    """Issue 19: `month-end.sh 2020-09` on 15.07.2020 made and locked a month of zeros."""
    if not month:  # the month of the real today
        from datetime import date

        month = date.today().strftime("%Y-%m")
    env = {"MENTORCLI_TODAY": today} if today else {}
    res = month_end(month, str(tmp_path / "out"), db=small_db, bin_dir=stand_in, CALLS=str(tmp_path / "c"), **env)
    assert res.returncode == 2 and f"month: {month} has not ended" in res.stderr, res.stderr
    assert not (tmp_path / "out").exists() and not backups.exists() and not (tmp_path / "c").exists()


def test_with_a_passphrase_the_backup_is_encrypted(
    tmp_path: Path, stand_in: Path, small_db: Path, backups: Path
) -> None:
    res = month_end(
        "2020-07",
        str(tmp_path / "out"),
        db=small_db,
        bin_dir=stand_in,
        CALLS=str(tmp_path / "c"),
        MENTORCLI_PASSPHRASE="a long enough passphrase",
    )
    assert res.returncode == 0, res.stderr
    (kept,) = backups.iterdir()
    assert kept.name == "mentorcli-2020-07.db.enc"
    assert kept.read_bytes().startswith(b"MENTORCLI-BACKUP-1")


def _bare_env(home: Path, **env: str) -> dict[str, str]:
    """What a scheduler gives a job: no venv, no profile; only what is named."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **env}


def test_it_runs_in_a_schedulers_bare_environment(run: Run, db_path: Path, tmp_path: Path) -> None:
    """The README's cron line failed: cron's PATH has no venv. MENTORCLI_BIN names the program."""
    add_client(run, "M-1", intake="2020-03-10")
    venv_bin = Path(sys.executable).parent / "mentorcli"
    env = _bare_env(tmp_path, MENTORCLI_DB=str(db_path), MENTORCLI_TODAY="2020-06-01")
    bare = subprocess.run(
        ["/bin/bash", str(SCRIPT), "", str(tmp_path / "out")], capture_output=True, text=True, env=env, check=False
    )
    assert bare.returncode == 1 and "set MENTORCLI_BIN" in bare.stderr, bare.stderr
    env["MENTORCLI_BIN"] = str(venv_bin)
    ok = subprocess.run(
        ["/bin/bash", str(SCRIPT), "", str(tmp_path / "out")], capture_output=True, text=True, env=env, check=False
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads((tmp_path / "out" / "2020-05" / "report-2020-05.json").read_text())["served"] == 1
    # Without MENTORCLI_BACKUPS the backup goes to the user's data folder, not into the reports.
    assert (tmp_path / ".local" / "share" / "mentorcli" / "backups" / "mentorcli-2020-05.db").is_file()


def _unit(name: str) -> dict[str, list[str]]:
    """The settings of a systemd unit file, each key with all its values."""
    keys: dict[str, list[str]] = {}
    for line in (EXAMPLES / "systemd" / name).read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key, []).append(value)
    return keys


def test_the_systemd_timer_catches_up_after_sleep() -> None:
    timer = _unit("mentorcli-month-end.timer")
    assert timer["Persistent"] == ["true"]
    assert timer["OnCalendar"] == ["*-*-01 06:00:00"]
    assert timer["WantedBy"] == ["timers.target"]


def test_the_systemd_service_runs_as_written(run: Run, db_path: Path, tmp_path: Path) -> None:
    """The service's own environment and command line, with %h a home laid out as the unit says."""
    add_client(run, "M-1", intake="2020-03-10")
    home = tmp_path / "home"
    service = _unit("mentorcli-month-end.service")
    assert service["Type"] == ["oneshot"]
    env = dict(v.replace("%h", str(home)).split("=", 1) for v in service["Environment"])
    assert all(Path(env[k]).is_absolute() for k in ("MENTORCLI_DB", "MENTORCLI_BIN", "MENTORCLI_BACKUPS"))
    for link, target in (
        (env["MENTORCLI_BIN"], Path(sys.executable).parent / "mentorcli"),
        (env["MENTORCLI_DB"], db_path),
    ):
        Path(link).parent.mkdir(parents=True, exist_ok=True)
        Path(link).symlink_to(target)
    (command,) = service["ExecStart"]
    argv = [a.strip('"').replace("%h", str(home)) for a in command.split()]
    script = Path(argv[1])
    script.parent.mkdir(parents=True)
    script.symlink_to(SCRIPT)
    res = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        env={**env, "HOME": str(home), "MENTORCLI_TODAY": "2020-08-01"},
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert (home / "month-end" / "2020-07" / "report-2020-07.json").is_file()
    assert (Path(env["MENTORCLI_BACKUPS"]) / "mentorcli-2020-07.db").is_file()
