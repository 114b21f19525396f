"""``db serve``: the register in Datasette, read-only on this computer, clients by code and names hidden."""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import TODAY, Result, Run, add_client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, ""


@pytest.mark.slow
def test_serves_codes_and_hides_names(run: Run, db_path: Path) -> None:
    add_client(run, "A-1", name="Amina Haddad", intake="2020-03-10")
    add_client(run, "A-2", name="Omar Haddad", intake="2020-03-10")
    run("staff", "add", "Ilze", "--role", "social-worker", "--from", "2020-01-01")
    run("staff", "add", "Jānis", "--role", "mentor", "--team", "Ilze", "--from", "2020-01-01")
    run("assign", "A-1", "--worker", "Ilze", "--mentor", "Jānis", "--from", "2020-03-10")
    port = _free_port()
    env = {**os.environ, "MENTORCLI_DB": str(db_path), "MENTORCLI_TODAY": TODAY}
    server = subprocess.Popen(
        [sys.executable, "-m", "mentorcli", "db", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/{db_path.stem}"
    try:
        for _ in range(150):
            try:
                status, tables = _get(base)
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                time.sleep(0.2)
        else:
            pytest.fail("db serve did not answer in 30 s")
        assert status == 200
        assert "clients" in tables and "personal_clients" not in tables
        status, clients = _get(f"{base}/clients")
        assert status == 200 and "A-1" in clients and "A-2" in clients
        assert "Haddad" not in clients
        status, assignments = _get(f"{base}/assignments")
        assert status == 200 and "A-1" in assignments and "Haddad" not in assignments
        # Hidden and closed: not by its address, not by SQL
        assert _get(f"{base}/personal_clients")[0] == 403
        assert _get(f"{base}?sql=select+name+from+personal_clients")[0] in (400, 403)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_a_missing_extra_is_one_line(run: Run, refused: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    add_client(run, "A-1")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a))
    refused("db", "serve", says="pip install 'mentorcli[serve]'")


def test_a_bad_port_is_refused(run: Run, refused: Callable[..., Result]) -> None:
    add_client(run, "A-1")
    refused("db", "serve", "--port", "80", says="--port")


def test_an_encrypted_register_is_refused(run: Run, tmp_path: Path) -> None:
    secret = tmp_path / "secret.db"
    secret.write_bytes(os.urandom(4096))
    res = run("--db", secret, "db", "serve", ok=False)
    assert res.code == 2 and len(res.err.strip().splitlines()) == 1
    assert "encrypted" in res.err
