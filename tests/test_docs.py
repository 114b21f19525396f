"""Docs that cannot drift: every command has help, the README names every command, and the generated
pages of docs/ are what the code generates now."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from cogapp import Cog

from mentorcli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = ROOT / "docs"


def commands() -> list[tuple[str, object]]:
    """Every command path below the root ("client add", "status grant", "demo") with its command."""
    root = typer.main.get_command(app)
    found: list[tuple[str, object]] = []

    def walk(cmd: object, path: tuple[str, ...]) -> None:
        subs = getattr(cmd, "commands", None)
        if path:
            found.append((" ".join(path), cmd))
        for name, sub in sorted((subs or {}).items()):
            walk(sub, (*path, name))

    walk(root, ())
    return found


def test_the_command_tree_is_found() -> None:
    paths = {p for p, _ in commands()}
    assert {"client add", "client show", "status grant", "policy set"} <= paths


@pytest.mark.parametrize(("path", "cmd"), commands(), ids=[p for p, _ in commands()])
def test_every_command_and_option_has_help(path: str, cmd: object) -> None:
    assert (getattr(cmd, "help", None) or "").strip(), f"{path} has no help text"
    for param in getattr(cmd, "params", []):
        if getattr(param, "param_type_name", "") == "option":
            assert (getattr(param, "help", None) or "").strip(), f"{path} {param.opts[0]} has no help text"


def test_the_readme_names_every_command() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [p for p, _ in commands() if p not in text]
    assert not missing, f"README.md does not mention: {', '.join(missing)}"


def test_the_generated_pages_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    pages = sorted(str(p) for p in DOCS.glob("*.md"))
    status = Cog().main(["cog", "--check", "-I", str(DOCS), *pages])
    assert status == 0, f"stale generated docs, run `make docs`:\n{capsys.readouterr().out}"


def test_the_command_reference_has_every_command() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    missing = [p for p, _ in commands() if f"## mentorcli {p}\n" not in text]
    assert not missing, f"docs/commands.md lacks: {', '.join(missing)}"
