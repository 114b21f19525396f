"""What every command shares: the global settings, opening the database, option types."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, TextIO, TypeAlias

import typer

from mentorcli.core.dates import parse_date
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.render.i18n import tr
from mentorcli.store.register import Register, open_register

ENV_TODAY = "MENTORCLI_TODAY"
ENV_LANG = "MENTORCLI_LANG"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    md = "md"


class Lang(StrEnum):
    en = "en"
    lv = "lv"


# The core's own lists as choices, so that help and shell completion offer them; a member is a
# str, and the core's check still runs on it. For mypy they are plain strings. Each is made when a
# command module first names it, so that a command that offers none of them does not import the
# core modules that hold the lists (`client show` is timed against a hello-world command).
_CHOICES = {
    "Sex": ("mentorcli.core.clients", "SEXES"),
    "Route": ("mentorcli.core.clients", "ROUTES"),
    "ExitReason": ("mentorcli.core.eligibility", "EXIT_REASONS"),
    "Grantable": ("mentorcli.core.policy", "GRANTABLE"),
    "CourtOutcome": ("mentorcli.core.legal", "COURT_OUTCOMES"),
    "LegalStatus": ("mentorcli.core.legal", "STATUSES"),
    "Role": ("mentorcli.core.casework", "ROLES"),
    "PlanArea": ("mentorcli.core.casework", "PLAN_AREAS"),
}
if TYPE_CHECKING:
    Sex: TypeAlias = str
    Route: TypeAlias = str
    ExitReason: TypeAlias = str
    Grantable: TypeAlias = str
    CourtOutcome: TypeAlias = str
    LegalStatus: TypeAlias = str
    Role: TypeAlias = str
    PlanArea: TypeAlias = str


def __getattr__(name: str) -> type[StrEnum]:
    if name not in _CHOICES:
        raise AttributeError(name)
    module, values = _CHOICES[name]
    made = StrEnum(name, {v: v for v in getattr(import_module(module), values)})  # type: ignore[misc]
    globals()[name] = made
    return made


class Settings(NamedTuple):
    db: Path
    lang: str
    today: date


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


@contextmanager
def register(
    ctx: typer.Context, *, write: bool, commit: bool = True, as_of: date | None = None, ahead: int | None = 0
) -> Iterator[Register]:
    """The database for this command; ``commit=False`` checks everything and writes nothing.

    ``as_of``: the register as it stood at the end of that day, which is then "today" (reading
    only; ``ahead`` as in ``store.versions.as_of``).
    """
    s = settings(ctx)
    command = " ".join(ctx.command_path.split()[1:])
    with open_register(s.db, s.today, command, write=write, commit=commit, passphrase=passphrase_of(ctx)) as reg:
        if reg.migrated:
            from mentorcli.store.migrations import notices

            for line in notices(reg.conn, reg.migrated):
                say(line, err=True)
        if as_of is not None:
            from mentorcli.core.clients import check_not_future
            from mentorcli.store.versions import as_of as look_back

            check_not_future(as_of, reg.today, "--as-of")
            look_back(reg, as_of, ahead=ahead)
            reg.today = as_of
        yield reg
    if reg.created and commit:
        # On stderr: scripts read stdout, and a new file where one was expected is worth noticing.
        say(N_("created a new database at {path}", path=s.db), err=True)


def passphrase_of(ctx: typer.Context) -> Callable[[], str]:
    """The encrypted register's passphrase, asked once per command line (a command may open it twice)."""

    def get() -> str:
        meta = ctx.find_root().meta
        if "mentorcli.passphrase" not in meta:
            from mentorcli.cli.passphrase import ask

            meta["mentorcli.passphrase"] = ask(new=False, register=settings(ctx).db)
        return str(meta["mentorcli.passphrase"])

    return get


def say(message: str, *, err: bool = False) -> None:
    """One line for the user, in the user's language."""
    typer.echo(tr(message), err=err)


@contextmanager
def many_objects() -> Iterator[None]:
    """Python's cycle collector paused while a command holds every client's records in memory.

    Each collection walks every live object again: at 100,000 clients that was three quarters of
    `db check`. The records make no reference cycles, and the collector runs again afterwards.
    """
    import gc

    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


PROGRESS_FROM = 500


@contextmanager
def progress(total: int, label: str, stream: TextIO | None = None) -> Iterator[Callable[[int], None] | None]:
    """A progress bar for long work on a terminal; nothing in a pipe or a log."""
    stream = stream or sys.stderr
    if total <= PROGRESS_FROM or not stream.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.update(task, completed=done)


def today_from(option: str | None) -> date:
    if option is not None:
        return parse_date(option, "--today")
    env = os.environ.get(ENV_TODAY)
    return parse_date(env, ENV_TODAY) if env else date.today()


def as_date(text: str, field: str = "--date") -> date:
    return parse_date(text, field)


def choice(text: str, allowed: tuple[str, ...], field: str) -> str:
    value = text.strip().lower()
    if value not in allowed:
        raise InputError(N_("'{value}' is not one of {choices}", value=text, choices=", ".join(allowed)), field=field)
    return value


# How a staff member's name may be typed (core/names.py decides).
STAFF_NAME = "as on the staff list; any case, and the diacritics may be left out while one person is meant"
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output: table, json, csv or md.")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="The register as it stood at the end of that day: what was recorded by then."),
]


def as_of_day(text: str | None) -> date | None:
    return parse_date(text, "--as-of") if text is not None else None


DateOpt = Annotated[str, typer.Option("--date", help="The day it happened: 2020-07-31 or 31.07.2020.")]
CodeArg = Annotated[str, typer.Argument(help="The client's case code, e.g. LSK-2016-0042.")]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="Replace an existing --output file that mentorcli did not write.")
]
