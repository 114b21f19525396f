"""Docs that cannot drift: every command has help and is named in docs/, the generated pages of docs/
are what the code generates now, and the README stays short and links only to files that exist."""

from __future__ import annotations

import re
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


def test_the_docs_name_every_command() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    missing = [p for p, _ in commands() if p not in text]
    assert not missing, f"docs/ does not mention: {', '.join(missing)}"


def test_the_readme_is_short_and_opens_with_the_two_commands() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) < 200, f"README.md has {len(lines)} lines; move the detail into docs/"
    # .ci/run runs these two lines as CI's demo and tests.
    assert lines[2] == "```sh" and lines[5] == "```", lines[:6]


LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


@pytest.mark.parametrize(
    "page", ["README.md", "CONTRIBUTING.md", *(f"docs/{p.name}" for p in sorted(DOCS.glob("*.md")))]
)
def test_every_relative_link_leads_to_a_file(page: str) -> None:
    path = ROOT / page
    links = [t for t in LINK.findall(path.read_text(encoding="utf-8")) if "://" not in t]
    broken = [t for t in links if not (path.parent / t).exists()]
    assert not broken, f"{page} links to missing files: {broken}"


def test_the_readme_links_into_docs() -> None:
    links = LINK.findall(README.read_text(encoding="utf-8"))
    assert {"docs/commands.md", "docs/schema.md", "docs/rules.md", "CONTRIBUTING.md"} <= set(links)


def test_the_generated_pages_are_current(capsys: pytest.CaptureFixture[str]) -> None:
    pages = sorted(str(p) for p in DOCS.glob("*.md"))
    status = Cog().main(["cog", "--check", "-I", str(DOCS), *pages])
    assert status == 0, f"stale generated docs, run `make docs`:\n{capsys.readouterr().out}"


def test_the_command_reference_has_every_command() -> None:
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    missing = [p for p, _ in commands() if f"## mentorcli {p}\n" not in text]
    assert not missing, f"docs/commands.md lacks: {', '.join(missing)}"
