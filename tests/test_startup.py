"""A command line mounts only what it names (start-up, issue 13): the narrowed program must be the
same program for that command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer

from conftest import Run, add_client
from mentorcli.cli.app import COMMANDS, build, named_command


def _tree(cmd: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], list[str]]:
    out = {path: sorted(p.name or "" for p in cmd.params)}
    for name, sub in getattr(cmd, "commands", {}).items():
        out.update(_tree(sub, (*path, name)))
    return out


def test_a_narrowed_program_mounts_the_named_command_exactly_as_the_full_one() -> None:
    full = _tree(typer.main.get_command(build()))
    checked = 0
    for top in COMMANDS:
        subs: list[str | None] = [p[1] for p in full if len(p) == 2 and p[0] == top] or [None]
        for sub in subs:
            argv = ["--db", "x.db", top, *([sub] if sub else []), "--format", "json"]
            assert named_command(argv) == (top, sub)
            narrowed = _tree(typer.main.get_command(build(top, sub)))
            for path, params in narrowed.items():
                assert full[path] == params, path
            assert any(p[:2] == (top, sub) for p in narrowed) if sub else (top,) in narrowed
            checked += 1
    assert checked > 40


def test_a_word_that_names_no_subcommand_keeps_the_whole_group() -> None:
    full = _tree(typer.main.get_command(build("client")))
    assert _tree(typer.main.get_command(build("client", "no-such-command"))) == full
    assert named_command(["client", "--help"]) == ("client", None)
    assert named_command(["nonsense", "show"]) == (None, None)


# What `client show` has no use for, and cost its start (benchmarks/startup.py): the hashing modules
# `secrets` pulls in, decimal and csv (JSON needs neither), the place names and their spellings,
# the duplicate finder, the screen renderer, the casework rules, sqlite-utils and rich.
NOT_FOR_SHOW = (
    "secrets",
    "hmac",
    "decimal",
    "csv",
    "mentorcli.core.places",
    "mentorcli.core.names",
    "mentorcli.core.duplicates",
    "mentorcli.core.casework",
    "mentorcli.store.maintenance",
    "mentorcli.render.screen",
    "sqlite_utils",
    "rich",
)


def test_client_show_loads_only_what_it_uses(run: Run, db_path: Path) -> None:
    add_client(run, "LSK-1", intake="2020-03-10")
    run("status", "grant", "LSK-1", "refugee", "--date", "2020-06-01")
    code = (
        "import sys\n"
        "from mentorcli.cli.app import main\n"
        "sys.argv = ['mentorcli', 'client', 'show', 'LSK-1', '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        f"print(','.join(n for n in {NOT_FOR_SHOW!r} if n in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "MENTORCLI_DB": str(db_path), "MENTORCLI_TODAY": "2021-01-01"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert '"code": "LSK-1"' in out.stdout
    assert out.stderr.strip() == "", f"client show imports {out.stderr.strip()}"
