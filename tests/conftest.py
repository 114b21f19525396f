"""Every test gets its own database file and a fixed "today"; output is plain and wide."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mentorcli.cli.app import build, named_command

TODAY = "2021-12-31"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "mentorcli.db"
    monkeypatch.setenv("MENTORCLI_DB", str(db))
    monkeypatch.setenv("MENTORCLI_TODAY", TODAY)
    monkeypatch.delenv("MENTORCLI_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    return db


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture
def run() -> Run:
    """Run ``mentorcli`` as a user would; by default the command must succeed."""

    def _run(*args: str, ok: bool | None = True) -> Result:
        argv = [str(a) for a in args]
        # As main() does: mount only the command the line names; the whole tree costs ~60 ms a call.
        r = CliRunner().invoke(build(*named_command(argv)), argv)
        res = Result(r.exit_code, r.stdout, r.stderr)
        if r.exception and not isinstance(r.exception, SystemExit):
            raise r.exception
        if ok is True:
            assert res.code == 0, f"exit {res.code}: {res.err}{res.out}"
        elif ok is False:
            assert res.code != 0, f"expected a failure: {res.out}"
        return res

    return _run


@pytest.fixture
def db_path(_isolated: Path) -> Path:
    return _isolated


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a refused command wrote nothing."""
    if not path.exists():
        return {}
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}
    finally:
        conn.close()


@pytest.fixture
def refused(run: Run, db_path: Path) -> Callable[..., Result]:
    """Run a command that must be refused: exit 2, one line on stderr, nothing written."""

    def _refused(*args: str, code: int = 2, says: str = "") -> Result:
        before = snapshot(db_path)
        res = run(*args, ok=False)
        assert res.code == code, f"exit {res.code}, wanted {code}: {res.err}"
        lines = res.err.strip().splitlines()
        assert len(lines) == 1, f"want one line on stderr, got: {res.err!r}"
        assert "Traceback" not in res.err
        assert says in res.err, f"{says!r} not in {res.err!r}"
        assert snapshot(db_path) == before, "a refused command changed the database"
        return res

    return _refused


def add_client(run: Run, code: str, **opts: str) -> Result:
    """``client add`` with plausible defaults; keyword arguments override them (``intake=...``)."""
    defaults = {
        "sex": "M",
        "born": "1990-01-01",
        "country": "SY",
        "arrived": "2020-03-10",
        "route": "independent",
        "residence": "mucenieki",
    }
    defaults.update(opts)
    args = ["client", "add", code]
    for k, v in defaults.items():
        args += [f"--{k.replace('_', '-')}", v]
    return run(*args)


def client_ids(path: Path) -> dict[str, int]:
    """Code -> id: ids are random (store.ids.new_id), so a test that edits rows by hand looks them up."""
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT code, id FROM clients").fetchall())
    finally:
        conn.close()


def staff_ids(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return dict(conn.execute("SELECT name, id FROM staff").fetchall())
    finally:
        conn.close()
