"""``mentorcli db …``: backups, restore, checks, retention."""

from __future__ import annotations

import json
import os
import sys
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from mentorcli.cli.common import Format, FormatOpt, as_date, many_objects, progress, register, settings
from mentorcli.core.errors import InputError
from mentorcli.render.output import render
from mentorcli.store import maintenance
from mentorcli.store.migrations import MIGRATIONS, schema_version, unmapped

app = typer.Typer(help="Back up, restore and check the database; erase by retention date.", no_args_is_help=True)

ENV_PASSPHRASE = "MENTORCLI_PASSPHRASE"
# Only for new passphrases: a backup made under an older, shorter one must still restore.
MIN_NEW_PASSPHRASE = 12
PathArg = Annotated[Path, typer.Argument(help="The backup file.")]


def _passphrase(*, new: bool) -> str:
    given = os.environ.get(ENV_PASSPHRASE)
    if not given:
        # Without a terminal getpass would warn and read the passphrase in the clear from stdin.
        if not sys.stdin.isatty():
            raise InputError(f"passphrase: set {ENV_PASSPHRASE} or run in a terminal")
        given = typer.prompt("Passphrase", hide_input=True, confirmation_prompt=new)
    if new and len(given) < MIN_NEW_PASSPHRASE:
        raise InputError(f"passphrase: {len(given)} characters; a new passphrase needs at least {MIN_NEW_PASSPHRASE}")
    return given


@app.command("backup")
def backup(
    ctx: typer.Context,
    path: PathArg,
    encrypt: Annotated[
        bool, typer.Option("--encrypt", help="Encrypt with a passphrase (env MENTORCLI_PASSPHRASE).")
    ] = False,
) -> None:
    """A consistent copy of the database, safe to take while it is in use."""
    from mentorcli.render.files import write_output

    passphrase = _passphrase(new=True) if encrypt else None
    with register(ctx, write=False) as reg:
        fill = partial(maintenance.backup, reg.conn, passphrase=passphrase)
        write_output(path, fill, register=settings(ctx).db, new_file_only=True)
    typer.echo(f"backup written to {path}" + (" (encrypted)" if encrypt else ""))


@app.command("restore")
def restore(ctx: typer.Context, path: PathArg) -> None:
    """Replace the database with a backup, after checking it; the replaced file is kept."""
    from mentorcli.render.files import check_source

    db = settings(ctx).db
    check_source(path)
    passphrase = _passphrase(new=False) if maintenance.is_encrypted(path) else None
    kept = maintenance.restore(db, path, passphrase)
    with register(ctx, write=True) as reg:
        reg.audit("restore", "database", str(path), {"kept": str(kept) if kept else None})
    typer.echo(f"restored {db} from {path}" + (f"; the replaced file is kept as {kept}" if kept else ""))


@app.command("check")
def check(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair", help="Derive windows and episodes again from the events.")
    ] = False,
    full: Annotated[
        bool, typer.Option("--full", help="Also compare every index with its table (slow on a large file).")
    ] = False,
) -> None:
    """Integrity, foreign keys and the domain's rules: one line per problem on stderr.

    Exit 1 when a rule is broken; warnings (an over-maximum that --force authorised, a caseload
    under the minimum today) leave the exit status 0.
    """
    with register(ctx, write=repair) as reg, many_objects():
        if repair:
            typer.echo(f"derived again for {maintenance.repair(reg)} clients")
        total = reg.conn.execute("SELECT COUNT(*) FROM clients").fetchone()[0]
        with progress(total, "checking") as step:
            problems = maintenance.check(reg, full=full, progress=step)
    for p in sorted(problems, key=lambda p: p.warning):
        typer.echo(f"warning: {p.text}" if p.warning else p.text, err=True)
    if any(not p.warning for p in problems):
        raise typer.Exit(1)
    typer.echo("ok")


@app.command("info")
def info(ctx: typer.Context, format: FormatOpt = Format.table) -> None:
    """Where the database is, its size, schema version and record counts."""
    db = settings(ctx).db
    with register(ctx, write=False) as reg:
        counts = {
            t: reg.conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
            for t in ("clients", "events", "staff", "assignments", "activities", "audit")
        }
        version = schema_version(reg.conn)
        kept = unmapped(reg.conn)
    data = {"path": str(db), "bytes": db.stat().st_size, "schema_version": version, "schema_latest": len(MIGRATIONS)}
    data["migrations"] = [name for name, _ in MIGRATIONS[:version]]
    data["counts"] = counts
    data["unmapped"] = kept
    if format.value in ("json", "csv"):
        typer.echo(render(data, format.value))
    else:
        from mentorcli.render.labels import label
        from mentorcli.render.screen import figures_screen, show

        lang = settings(ctx).lang
        typer.echo(show(figures_screen(data, lang, label("h:database", lang)), format.value))


@app.command("datasette")
def datasette(ctx: typer.Context) -> None:
    """Print Datasette metadata for this file: clients shown by code, the personal tables hidden."""
    from mentorcli.store.personal import datasette_metadata

    metadata = datasette_metadata(settings(ctx).db.stem)
    typer.echo(json.dumps(metadata, indent=2, ensure_ascii=False))


@app.command("purge")
def purge(
    ctx: typer.Context,
    ended_before: Annotated[
        str | None, typer.Option("--ended-before", help="Erase everyone whose service ended before this day.")
    ] = None,
    replaced: Annotated[
        bool, typer.Option("--replaced", help="Delete the copies db restore kept beside the database.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would go; change nothing.")] = False,
) -> None:
    """Retention: erase the personal data of clients whose service ended before a date."""
    if ended_before is None and not replaced:
        raise InputError("purge: give --ended-before DATE, --replaced, or both")
    db = settings(ctx).db
    day = as_date(ended_before, "--ended-before") if ended_before is not None else None
    copies = maintenance.replaced_copies(db) if replaced else []
    with register(ctx, write=True, commit=not dry_run) as reg:
        due = maintenance.ended_before(reg, day) if day else []
        for e in due:
            maintenance.erase(reg, e.code)
        if copies:
            reg.audit("purge", "replaced copies", str(db), {"files": [p.name for p in copies]})
    if not dry_run:
        for p in copies:
            p.unlink(missing_ok=True)
        if due:
            maintenance.wipe_traces(db)
    for e in due:
        typer.echo(f"{e.code}: service ended {maintenance.describe(e.last_served)}")
    if day:
        typer.echo(f"{'would erase' if dry_run else 'erased'} {len(due)} client(s)")
    for p in copies:
        typer.echo(str(p))
    if replaced:
        typer.echo(
            f"{'would delete' if dry_run else 'deleted'} {len(copies)} replaced cop{'y' if len(copies) == 1 else 'ies'}"
        )
