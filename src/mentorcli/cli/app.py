"""The ``mentorcli`` program: global options, the command groups, and the one error boundary."""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
import typer.core

from mentorcli import __version__
from mentorcli.cli import (
    activity,
    assign,
    audit,
    caseload,
    clients,
    db,
    demo,
    due,
    export,
    imports,
    plan,
    policy,
    reports,
    staff,
    status,
)
from mentorcli.cli.common import ENV_LANG, Lang, Settings, today_from
from mentorcli.core.errors import InputError, MentorError
from mentorcli.store.db import resolve_path


def _fail(message: str, code: int) -> None:
    typer.echo(f"mentorcli: {message}", err=True)
    sys.exit(code)


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
        try:
            rv = super().main(args, prog_name or "mentorcli", complete_var, False, windows_expand_args, **extra)
        except _UsageError as e:
            if type(e).__name__ == "NoArgsIsHelpError":
                typer.echo(e.format_message(), err=True)  # type: ignore[attr-defined]
                sys.exit(2)
            ctx = getattr(e, "ctx", None)
            where = ctx.command_path if ctx else "mentorcli"
            typer.echo(f"{where}: {e.format_message()}".replace("\n", " "), err=True)  # type: ignore[attr-defined]
            sys.exit(2)
        except _ClickException as e:
            _fail(e.format_message(), int(getattr(e, "exit_code", 1)))  # type: ignore[attr-defined]
        except typer.Abort:
            _fail("aborted", 1)
        except MentorError as e:
            _fail(str(e), e.exit_code)
        except sqlite3.OperationalError as e:
            _fail(f"database: {e}", 1)
        except Exception as e:  # the last line of defence: no traceback reaches a user
            if os.environ.get("MENTORCLI_DEBUG"):
                raise
            _fail(f"internal error: {type(e).__name__}: {e} (MENTORCLI_DEBUG=1 shows more)", 1)
        sys.exit(rv if isinstance(rv, int) else 0)


app = typer.Typer(
    cls=MentorGroup,
    name="mentorcli",
    help="Case register and reports of the social worker and social mentor service.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mentorcli {__version__}")
        raise typer.Exit()


@app.callback()
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
    chosen = lang.value if lang else os.environ.get(ENV_LANG, "en")
    if chosen not in ("en", "lv"):
        raise InputError(f"MENTORCLI_LANG: '{chosen}' is not en or lv")
    ctx.obj = Settings(db=resolve_path(db), lang=chosen, today=today_from(today))


app.add_typer(clients.app, name="client")
app.add_typer(status.app, name="status")
app.add_typer(policy.app, name="policy")
app.add_typer(imports.app, name="import")
app.add_typer(db.app, name="db")
app.command("audit")(audit.audit)
app.add_typer(staff.app, name="staff")
app.command("assign")(assign.assign)
app.command("unassign")(assign.unassign)
app.add_typer(plan.app, name="plan")
app.add_typer(activity.app, name="activity")
app.command("due")(due.due)
reports.app.command("caseload")(caseload.caseload)
app.add_typer(reports.app, name="report")
app.command("export")(export.export_command)
app.command("demo")(demo.demo)


def main() -> None:
    app()
