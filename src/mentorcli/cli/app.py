"""The ``mentorcli`` program: global options, the command groups, and the one error boundary."""

from __future__ import annotations

import copy
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
import typer.core
from typer.main import get_command_name

from mentorcli import __version__
from mentorcli.cli.common import ENV_LANG, Lang, Settings, today_from
from mentorcli.cli.help import HELP_OPTIONS, bad_value, polish
from mentorcli.core.errors import InputError, MentorError, Problems, one_line
from mentorcli.core.messages import N_
from mentorcli.render.i18n import LANGUAGES, language, tr, tr_click, use
from mentorcli.store.db import resolve_path
from mentorcli.store.settings import peek_language


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the flush at exit cannot fail a second time."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (a test runner's buffer): nothing is flushed at exit
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def _fail(message: str, code: int) -> None:
    # A MentorError is one line already (an import's list of bad rows: one line each); the other
    # messages are made one line where they are raised, below.
    typer.echo(f"mentorcli: {message}", err=True)
    sys.exit(code)


def said(error: MentorError) -> str:
    """The error's message in the user's language: one line, or one line for each of its problems."""
    if isinstance(error, Problems):
        return "\n".join(said(e) for e in error.errors)
    if lines := getattr(error, "lines", None):
        return "\n".join(one_line(tr(line)) for line in lines)
    return one_line(tr(error.as_message()))


def _option(argv: Sequence[str], name: str) -> str | None:
    """The value of a global option, looked for before the command name."""
    args = iter(argv)
    for a in args:
        if a == name:
            return next(args, None)
        if a.startswith(f"{name}="):
            return a.split("=", 1)[1]
        if a in _GLOBAL_WITH_VALUE:
            next(args, None)
        elif not a.startswith("-"):
            break
    return None


def chosen_language(argv: Sequence[str]) -> str:
    """``--lang``, else ``MENTORCLI_LANG``, else the database's ``lang`` setting, else English.

    Decided before click parses anything, so that its help and its errors speak it too; a value
    that is not a language falls back to English here and is refused by ``main_options``.
    """
    for given in (_option(argv, "--lang"), os.environ.get(ENV_LANG)):
        if given:
            return given if given in LANGUAGES else "en"
    try:
        path = resolve_path(_option(argv, "--db"))
        return peek_language(path, lambda: _unasked_passphrase(path)) or "en"
    except (OSError, ValueError):
        return "en"


def _unasked_passphrase(path: Path) -> str | None:
    from mentorcli.cli.passphrase import unasked

    return unasked(path)


# Typer 0.29 carries its own copy of click; its exception classes are reached through the public
# ones it re-exports.
_ClickException: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


class MentorGroup(typer.core.TyperGroup):
    """Turns every error into one line on stderr and a documented exit status (SPEC 4.1)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = sys.argv[1:] if args is None else list(args)
        use(chosen_language(argv))
        if any("\x00" in a for a in argv):
            # No shell can pass one (arguments are C strings); a program can. No value or file name
            # this program takes may hold one: refused here, once, not wherever it lands (Typer's
            # check of a path raised ValueError on it).
            _fail(tr(N_("an argument holds a NUL character, which no value or file name may")), 2)
        polish(self)
        try:
            rv = super().main(args, prog_name or "mentorcli", complete_var, False, windows_expand_args, **extra)
        except _UsageError as e:
            if type(e).__name__ == "NoArgsIsHelpError":
                typer.echo(e.format_message(), err=True)  # type: ignore[attr-defined]
                sys.exit(2)
            if ours := bad_value(e):
                _fail(one_line(ours), 2)
            ctx = getattr(e, "ctx", None)
            where = ctx.command_path if ctx else "mentorcli"
            typer.echo(one_line(f"{where}: {tr_click(e.format_message())}"), err=True)  # type: ignore[attr-defined]
            sys.exit(2)
        except _ClickException as e:
            _fail(one_line(e.format_message()), int(getattr(e, "exit_code", 1)))  # type: ignore[attr-defined]
        except typer.Abort:
            _fail(tr(N_("aborted")), 1)
        except MentorError as e:
            _fail(said(e), e.exit_code)
        except sqlite3.OperationalError as e:
            _fail(one_line(tr(N_("database: {reason}", reason=e))), 1)
        except BrokenPipeError:
            # `mentorcli … | head`: the reader has what it wanted; nothing more to say.
            _quiet_stdout()
            sys.exit(1)
        except OSError as e:
            if e.filename is not None:
                _fail(one_line(f"{e.filename}: {(e.strerror or str(e)).lower()}"), 1)
            # Only writing to stdout fails without a file name (a full disk, a closed terminal).
            _quiet_stdout()
            _fail(tr(N_("cannot write the output: {reason}", reason=(e.strerror or str(e)).lower())), 1)
        except Exception as e:  # the last line of defence: no traceback reaches a user
            if os.environ.get("MENTORCLI_DEBUG"):
                raise
            internal = N_(
                "internal error: {kind}: {reason} (MENTORCLI_DEBUG=1 shows more)", kind=type(e).__name__, reason=e
            )
            _fail(one_line(tr(internal)), 1)
        sys.exit(rv if isinstance(rv, int) else 0)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mentorcli {__version__}")
        raise typer.Exit()


def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None, typer.Option("--db", help="Database file (env MENTORCLI_DB).", show_default=False)
    ] = None,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="Language of texts: en or lv (env MENTORCLI_LANG).")
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="The date 'today' means, for scripts and tests (env MENTORCLI_TODAY).")
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and stop.")
    ] = False,
) -> None:
    """Case register and reports of the social worker and social mentor service."""
    chosen = lang.value if lang else os.environ.get(ENV_LANG) or language()
    if chosen not in LANGUAGES:
        raise InputError(N_("'{value}' is not en or lv", value=chosen), field="MENTORCLI_LANG")
    use(chosen)
    ctx.obj = Settings(db=resolve_path(db), lang=chosen, today=today_from(today))


# Where each top-level command lives: (module, attribute, a group of subcommands or one command).
# A command line loads only the module it names; Typer builds the click tree of what is mounted on
# every call, so mounting all 54 commands for `client show` would cost more than the work itself.
COMMANDS: dict[str, tuple[str, str, bool]] = {
    "client": ("clients", "app", True),
    "status": ("status", "app", True),
    "policy": ("policy", "app", True),
    "staff": ("staff", "app", True),
    "assign": ("assign", "assign", False),
    "unassign": ("assign", "unassign", False),
    "plan": ("plan", "app", True),
    "activity": ("activity", "app", True),
    "due": ("due", "due", False),
    "report": ("reports", "app", True),
    "import": ("imports", "app", True),
    "export": ("export", "export_command", False),
    "event": ("events", "app", True),
    "audit": ("audit", "app", True),
    "db": ("db", "app", True),
    "demo": ("demo", "demo", False),
    "funder": ("funder", "app", True),
}
_GLOBAL_WITH_VALUE = ("--db", "--lang", "--today")


def build(only: str | None = None, sub: str | None = None) -> typer.Typer:
    """The program with every command, or with the one top-level command ``only`` (of a group, with
    only its subcommand ``sub`` when ``sub`` names one)."""
    root = typer.Typer(
        cls=MentorGroup,
        name="mentorcli",
        help="Case register and reports of the social worker and social mentor service.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        add_completion=True,
        context_settings={"help_option_names": HELP_OPTIONS},
    )
    root.callback()(main_options)
    for name, (module, attr, group) in COMMANDS.items():
        if only is None or name == only:
            target = getattr(importlib.import_module(f"mentorcli.cli.{module}"), attr)
            if group:
                root.add_typer(_narrowed(target, sub), name=name)
            else:
                root.command(name)(target)
    return root


def _narrowed(group: typer.Typer, sub: str | None) -> typer.Typer:
    """The group with only the subcommand ``sub`` mounted; all of it when ``sub`` names none.

    Typer reads the signature of every mounted command on every call: building the ten other
    `client` commands cost `client show` more than reading its client.
    """
    if sub is None:
        return group
    commands = [c for c in group.registered_commands if (c.name or get_command_name(c.callback.__name__)) == sub]  # type: ignore[union-attr]
    groups = [g for g in group.registered_groups if g.name == sub]
    if not commands and not groups:
        return group
    narrowed = copy.copy(group)
    narrowed.registered_commands = commands
    narrowed.registered_groups = groups
    return narrowed


def named_command(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """The top-level command an argument list names past the global options, and the word after
    it when that is not an option; None where there is none."""
    args = iter(argv)
    for a in args:
        if a in _GLOBAL_WITH_VALUE:
            next(args, None)
        elif not a.startswith("-"):
            if a not in COMMANDS:
                return None, None
            after = next(args, None)
            return a, after if after is not None and not after.startswith("-") else None
    return None, None


def __getattr__(name: str) -> Any:
    # `from mentorcli.cli.app import app` (tests, the demo): the whole program.
    if name == "app":
        return build()
    raise AttributeError(name)


def main() -> None:
    completing = any(k.startswith("_MENTORCLI_COMPLETE") for k in os.environ)
    build(*((None, None) if completing else named_command(sys.argv[1:])))()
