"""The pure core loads none of the heavy or I/O libraries (STYLE: fast start, a pure core)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import mentorcli.core

# gettext too: the core marks its messages (core/messages.py); the CLI reads the catalogues.
FORBIDDEN = ("typer", "rich", "sqlite_utils", "click", "sqlite3", "gettext")


def test_the_core_modules_are_all_there() -> None:
    names = {m.name for m in pkgutil.iter_modules(mentorcli.core.__path__)}
    assert {"dates", "eligibility", "legal", "policy", "clients", "errors", "events"} <= names


def test_importing_the_core_pulls_in_no_cli_or_database_library() -> None:
    modules = sorted(f"mentorcli.core.{m.name}" for m in pkgutil.iter_modules(mentorcli.core.__path__))
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(','.join(sorted(n for n in {FORBIDDEN!r} if n in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the core imports {out.stdout.strip()}"
