"""Issue 19, help: -h everywhere, whole summaries, an example in every command, real choices,
plain metavars, and a bad value refused in one line of ours (never pydantic's wording)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from conftest import Run
from mentorcli.cli.app import build


def _commands() -> list[tuple[str, ...]]:
    """Every command and group path of the program, groups included."""
    found: list[tuple[str, ...]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        found.append(path)
        for name, sub in (getattr(cmd, "commands", None) or {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(build()), ())
    return found


ALL = _commands()
LEAVES = [p for p in ALL if p and not any(q[: len(p)] == p and len(q) > len(p) for q in ALL)]
GROUPS = [p for p in ALL if p not in LEAVES]


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "mentorcli")
def test_dash_h_is_help(run: Run, path: tuple[str, ...]) -> None:
    short = run(*path, "-h")
    assert short.out == run(*path, "--help").out
    assert short.out.startswith("Usage: mentorcli")


@pytest.mark.parametrize("path", LEAVES, ids=" ".join)
def test_every_command_shows_an_example_and_no_type_placeholders(run: Run, path: tuple[str, ...]) -> None:
    text = run(*path, "--help").out
    example = re.search(r"Example:\n\s+(.+)", text)
    assert example, f"no example in the help of {' '.join(path)}"
    assert f"mentorcli {' '.join(path)}" in example.group(1)
    assert not re.search(r"<\w+>", text), re.findall(r".*<\w+>.*", text)


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(p) or "mentorcli")
def test_group_summaries_are_whole_on_a_narrow_terminal(
    run: Run, monkeypatch: pytest.MonkeyPatch, path: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    text = run(*path, "--help").out
    commands = text.split("Commands:\n", 1)[1]
    assert "..." not in commands, commands


def _complete(words: str) -> list[str]:
    """What bash completion offers after ``words`` (as the shell would ask the installed program)."""
    program = Path(sys.executable).parent / "mentorcli"
    env = {
        **os.environ,
        "_MENTORCLI_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split())),
    }
    done = subprocess.run([str(program)], capture_output=True, text=True, env=env, check=False)
    return done.stdout.split()


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        ("mentorcli client add X --sex ", ["F", "M"]),
        ("mentorcli client add X --route ", ["relocation", "independent"]),
        (
            "mentorcli client exit X --reason ",
            ["left-latvia", "declined", "non-compliance", "final-refusal", "transferred", "other"],
        ),
        (
            "mentorcli client list --status ",
            ["asylum-seeker", "refugee", "alternative", "temporary-protection", "final-refusal"],
        ),
        ("mentorcli status grant X ", ["refugee", "alternative", "temporary-protection"]),
        ("mentorcli status court X ", ["positive", "negative"]),
        ("mentorcli staff add X --role ", ["social-worker", "mentor"]),
        ("mentorcli report month 2020-07 --format ", ["table", "json", "csv", "md", "xlsx"]),
    ],
)
def test_completion_offers_the_choices(words: str, offered: list[str]) -> None:
    assert _complete(words) == offered


def test_choices_accept_any_case(run: Run) -> None:
    run(
        "client",
        "add",
        "A-1",
        "--sex",
        "f",
        "--born",
        "1990",
        "--country",
        "SY",
        "--arrived",
        "2020-03-10",
        "--route",
        "Independent",
        "--residence",
        "riga",
        "--intake",
        "2020-03-10",
    )
    shown = run("client", "show", "A-1", "--format", "json").json()
    assert (shown["sex"], shown["route"]) == ("F", "independent")
    run("status", "grant", "A-1", "REFUGEE", "--date", "2020-05-01")
    assert run("client", "show", "A-1", "--format", "json").json()["status"] == "refugee"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("due", "--within", "abc"), "--within: 'abc' is not a whole number (0 to 3660, digits 0-9 only)"),
        (("report", "month", "2020-07", "--format", "pdf"), "--format: 'pdf' is not one of table, json, csv, md, xlsx"),
        (("report", "year", "1800"), "year: 1800 is out of range (1900 to 2100)"),
        (
            (
                "client",
                "add",
                "A-1",
                "--sex",
                "X",
                "--born",
                "1990",
                "--country",
                "SY",
                "--arrived",
                "2020-01-01",
                "--route",
                "independent",
                "--residence",
                "riga",
            ),
            "--sex: 'X' is not one of F, M",
        ),
        (("client", "exit", "A-1", "--reason", "bored", "--date", "2020-01-01"), "--reason: 'bored' is not one of"),
        (("status", "grant", "A-1", "refugees", "--date", "2020-05-01"), "status: 'refugees' is not one of refugee,"),
        (("export", "people"), "kind: 'people' is not one of clients,"),
        (("--lang", "de", "due"), "--lang: 'de' is not one of en, lv"),
    ],
)
def test_a_bad_value_is_refused_in_our_words(refused: Any, args: tuple[str, ...], says: str) -> None:
    res = refused(*args, says=says)
    assert res.err.startswith("mentorcli: ")
    for pydantic in ("Input should", "Value error", "valid integer", "Invalid value"):
        assert pydantic not in res.err
