"""A command line mounts only what it names (start-up, issue 13): the narrowed program must be the
same program for that command line."""

from __future__ import annotations

import typer

from mentorcli.cli.app import COMMANDS, build, named_command


def _tree(
    cmd: typer.core.TyperGroup | typer.core.TyperCommand, path: tuple[str, ...] = ()
) -> dict[tuple[str, ...], list[str]]:
    out = {path: sorted(p.name or "" for p in cmd.params)}
    for name, sub in getattr(cmd, "commands", {}).items():
        out.update(_tree(sub, (*path, name)))
    return out


def test_a_narrowed_program_mounts_the_named_command_exactly_as_the_full_one() -> None:
    full = _tree(typer.main.get_command(build()))
    checked = 0
    for top in COMMANDS:
        subs = [p[1] for p in full if len(p) == 2 and p[0] == top] or [None]
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
