"""``mentorcli db …``: backups, restore, checks, retention."""

from __future__ import annotations

import json
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from mentorcli.cli.common import (
    Format,
    FormatOpt,
    as_date,
    choice,
    many_objects,
    passphrase_of,
    progress,
    register,
    say,
    settings,
)
from mentorcli.core.dates import ONE_DAY
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_, NP_
from mentorcli.render.output import render
from mentorcli.store import chain, maintenance
from mentorcli.store import settings as stored_settings
from mentorcli.store.migrations import MIGRATIONS, schema_version, unmapped

app = typer.Typer(help="Back up, restore and check the database; erase by retention date.", no_args_is_help=True)

PathArg = Annotated[Path, typer.Argument(help="The backup file.")]


def _passphrase(*, new: bool) -> str:
    from mentorcli.cli.passphrase import ask

    return ask(new=new)


def _key(ctx: typer.Context) -> str | None:
    """The register's own passphrase when it is encrypted: the states kept for bundles use it too."""
    from mentorcli.store.db import is_encrypted

    return passphrase_of(ctx)() if is_encrypted(settings(ctx).db) else None


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
    from mentorcli.store.db import is_encrypted

    db = settings(ctx).db
    # The backup of an encrypted register is encrypted like it, with or without --encrypt.
    key = passphrase_of(ctx)() if is_encrypted(db) else None
    passphrase = _passphrase(new=True) if encrypt and key is None else None
    with register(ctx, write=False) as reg:
        fill = partial(maintenance.backup, reg.conn, passphrase=passphrase, register_key=key)
        write_output(path, fill, register=db, new_file_only=True)
    sealed = encrypt or key is not None
    say(N_("backup written to {path} (encrypted)", path=path) if sealed else N_("backup written to {path}", path=path))


@app.command("encrypt")
def encrypt(
    ctx: typer.Context,
    keyring: Annotated[
        bool, typer.Option("--keyring", help="Also keep the passphrase in the system keyring, where there is one.")
    ] = False,
) -> None:
    """Encrypt the register in place with a new passphrase; every command then needs it.

    The passphrase (12 characters or more) comes from MENTORCLI_PASSPHRASE, MENTORCLI_PASSPHRASE_FILE
    or a prompt. Without it the file cannot be read by anyone: keep it safe.
    """
    from mentorcli.cli.passphrase import ask
    from mentorcli.store import cipher
    from mentorcli.store.db import is_encrypted

    db = settings(ctx).db
    if is_encrypted(db):
        raise InputError(N_("{path} is encrypted already", path=db))
    with register(ctx, write=False):
        pass  # it is a mentorcli register, migrated to this version
    passphrase = ask(new=True)
    cipher.convert(db, None, passphrase)
    ctx.find_root().meta["mentorcli.passphrase"] = passphrase
    from mentorcli.store import exchange

    exchange.reseal_states(db, None, passphrase)
    with register(ctx, write=True) as reg:
        reg.audit("encrypt", "database", str(db), {"cipher": cipher.CIPHER})
    say(N_("{path} is encrypted; every command now needs the passphrase", path=db))
    if copies := maintenance.replaced_copies(db):
        # Made by earlier restores, before the encryption: they still hold every name in the clear.
        said = NP_(
            "warning: {n} plain copy kept by db restore remains beside it; db purge --replaced deletes it",
            "warning: {n} plain copies kept by db restore remain beside it; db purge --replaced deletes them",
            len(copies),
        )
        say(said, err=True)
    if keyring:
        _keep_in_keyring(db, passphrase)


@app.command("decrypt")
def decrypt(ctx: typer.Context) -> None:
    """Turn an encrypted register back into a plain SQLite file (readable by sqlite3 and Datasette)."""
    from mentorcli.store import cipher
    from mentorcli.store.db import is_encrypted

    db = settings(ctx).db
    if not is_encrypted(db):
        raise InputError(N_("{path} is not encrypted", path=db))
    with register(ctx, write=False):
        pass  # the passphrase is right, and the register migrated to this version
    cipher.convert(db, passphrase_of(ctx)(), None)
    from mentorcli.store import exchange

    exchange.reseal_states(db, passphrase_of(ctx)(), None)
    with register(ctx, write=True) as reg:
        reg.audit("decrypt", "database", str(db))
    say(N_("{path} is no longer encrypted", path=db))


@app.command("passphrase")
def passphrase(
    ctx: typer.Context,
    keyring: Annotated[
        bool, typer.Option("--keyring", help="Also keep the new passphrase in the system keyring, where there is one.")
    ] = False,
) -> None:
    """Change the encrypted register's passphrase (after it was told to someone who left, say).

    The current passphrase comes as for every command; the new one (12 characters or more) from
    MENTORCLI_NEW_PASSPHRASE, MENTORCLI_NEW_PASSPHRASE_FILE or a prompt. Backups made before keep
    the old one.
    """
    from mentorcli.cli.passphrase import ask, from_keyring
    from mentorcli.store import cipher, exchange
    from mentorcli.store.db import is_encrypted

    db = settings(ctx).db
    if not is_encrypted(db):
        raise InputError(N_("{path} is not encrypted: db encrypt gives it a passphrase", path=db))
    with register(ctx, write=False):
        pass  # the passphrase is right, and the register migrated to this version
    old = passphrase_of(ctx)()
    new = ask(new=True, replacing=True)
    if new == old:
        raise InputError(N_("the new passphrase is the one in use"))
    kept = from_keyring(db) == old
    cipher.convert(db, old, new)
    exchange.reseal_states(db, old, new)
    ctx.find_root().meta["mentorcli.passphrase"] = new
    with register(ctx, write=True) as reg:
        reg.audit("passphrase", "database", str(db), {"cipher": cipher.CIPHER})
    say(N_("{path}: the passphrase is changed; backups made before keep the old one", path=db))
    if keyring or kept:
        # A keyring entry left with the old passphrase would fail every command from now on.
        _keep_in_keyring(db, new)


def _keep_in_keyring(db: Path, passphrase: str) -> None:
    from mentorcli.cli.passphrase import remember

    if remember(db, passphrase):
        say(N_("the passphrase is kept in the system keyring"))
    else:
        say(N_("no system keyring here: the passphrase was not kept"), err=True)


@app.command("restore")
def restore(ctx: typer.Context, path: PathArg) -> None:
    """Replace the database with a backup, after checking it; the replaced file is kept."""
    from mentorcli.render.files import check_source
    from mentorcli.store.db import is_encrypted

    db = settings(ctx).db
    check_source(path)
    passphrase = _passphrase(new=False) if maintenance.is_encrypted(path) or is_encrypted(path) else None
    key = passphrase_of(ctx)() if is_encrypted(db) else None
    kept = maintenance.restore(db, path, passphrase, key)
    if key is None and is_encrypted(db):
        ctx.find_root().meta["mentorcli.passphrase"] = passphrase  # restored encrypted, under the backup's
    with register(ctx, write=True) as reg:
        reg.audit("restore", "database", str(path), {"kept": str(kept) if kept else None})
        # A restored file is a copy of its own: it makes a new identity when it first bundles.
        reg.conn.execute("DELETE FROM settings WHERE key = 'copy_id'")
    from mentorcli.store import exchange

    with register(ctx, write=False) as reg:
        exchange.take_snapshot(reg.conn, db, reg.today, "restore", _key(ctx))
    said = N_("restored {db} from {path}", db=db, path=path)
    say(N_("{said}; the replaced file is kept as {kept}", said=said, kept=kept) if kept else said)


@app.command("check")
def check(
    ctx: typer.Context,
    repair: Annotated[
        bool, typer.Option("--repair", help="Derive windows and episodes again from the events.")
    ] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Also derive every client again, stamped or not, and compare every index with its table (slow on a large file).",
        ),
    ] = False,
) -> None:
    """Integrity, foreign keys and the domain's rules: one line per problem on stderr.

    Exit 1 when a rule is broken; warnings (an over-maximum that --force authorised, a caseload
    under the minimum today) leave the exit status 0.
    """
    with register(ctx, write=repair) as reg, many_objects():
        if repair:
            n = maintenance.repair(reg)
            say(NP_("derived again for {n} client", "derived again for {n} clients", n))
        total = reg.conn.execute("SELECT COUNT(*) FROM clients").fetchone()[0]
        with progress(total, "checking") as step:
            problems = maintenance.check(reg, full=full, progress=step, writing=repair)
    for p in sorted(problems, key=lambda p: p.warning):
        say(N_("warning: {text}", text=p.text) if p.warning else p.text, err=True)
    if any(not p.warning for p in problems):
        raise typer.Exit(1)
    say(N_("ok"))


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
        chosen = stored_settings.stored(reg)
        head = chain.head(reg.conn)[1]
    data = {"path": str(db), "bytes": db.stat().st_size, "schema_version": version, "schema_latest": len(MIGRATIONS)}
    data["migrations"] = [name for name, _ in MIGRATIONS[:version]]
    data["counts"] = counts
    data["unmapped"] = kept
    data["settings"] = chosen
    data["audit_head"] = head
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
    from mentorcli.store.db import is_encrypted
    from mentorcli.store.personal import datasette_metadata

    if is_encrypted(settings(ctx).db):
        say(N_("warning: Datasette cannot open an encrypted register; give it a decrypted copy"), err=True)
    metadata = datasette_metadata(settings(ctx).db.stem)
    typer.echo(json.dumps(metadata, indent=2, ensure_ascii=False))


@app.command("serve")
def serve(
    ctx: typer.Context,
    port: Annotated[str, typer.Option("--port", help="The port on 127.0.0.1 (1024 to 65535).")] = "8001",
) -> None:
    """Open the register read-only in a browser (Datasette) on this computer: clients by code, names hidden."""
    import importlib.util
    import tempfile

    from mentorcli.core.numbers import PORTS, parse_int
    from mentorcli.store import serving

    if importlib.util.find_spec("datasette") is None:
        raise InputError(N_("db serve needs Datasette: pip install 'mentorcli[serve]'"))
    number = parse_int(port, "--port", PORTS)
    db = settings(ctx).db
    if db.exists():
        serving.refuse_encrypted(db)
    with register(ctx, write=False) as reg:
        serving.settle(reg)
    from datasette.cli import cli

    with tempfile.TemporaryDirectory(prefix="mentorcli-serve-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(serving.served_metadata(db.stem)), encoding="utf-8")
        say(
            N_("{path}: read-only at http://127.0.0.1:{port}/{name} (Ctrl-C stops)", path=db, port=number, name=db.stem)
        )
        # Immutable: Datasette neither writes nor locks the file; without SQL, only the tables shown can be read.
        args = ["serve", "--immutable", str(db), "--metadata", str(metadata), "--host", "127.0.0.1"]
        args += ["--port", str(number), "--setting", "default_allow_sql", "off"]
        cli.main(args, prog_name="datasette", standalone_mode=False)


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
        raise InputError(N_("purge: give --ended-before DATE, --replaced, or both"))
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
            maintenance.wipe_traces(db, passphrase_of(ctx))
    for e in due:
        say(N_("{code}: service ended {when}", code=e.code, when=e.last_served or "-"))
    n = len(due)
    if day:
        said = NP_("would erase {n} client", "would erase {n} clients", n) if dry_run else None
        say(said or NP_("erased {n} client", "erased {n} clients", n))
    for p in copies:
        typer.echo(str(p))
    n = len(copies)
    if replaced:
        said = NP_("would delete {n} replaced copy", "would delete {n} replaced copies", n) if dry_run else None
        say(said or NP_("deleted {n} replaced copy", "deleted {n} replaced copies", n))


@app.command("handover")
def handover(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The handover file to write (encrypted).")],
    on: Annotated[str, typer.Option("--on", help="The last day this provider serves them.")],
    provider: Annotated[
        str, typer.Option("--provider", help="This provider's name, e.g. LSK, as the next one shows it.")
    ],
    codes: Annotated[
        list[str] | None, typer.Argument(help="The clients to hand over (default: every client served that day).")
    ] = None,
) -> None:
    """Hand clients over to the next provider: their records into one encrypted file, exit transferred."""
    from mentorcli.render.files import write_output
    from mentorcli.store import handover as store

    day, name = as_date(on, "--on"), _provider(provider)
    passphrase = _passphrase(new=True)
    with register(ctx, write=True) as reg:
        handed = store.handover(reg, name, day, codes or [], passphrase)
        write_output(path, handed.blob, register=settings(ctx).db, new_file_only=True)
    n = len(handed.codes)
    said = NP_(
        "{n} client handed over to {path} (encrypted)", "{n} clients handed over to {path} (encrypted)", n, path=path
    )
    say(N_("{said}; exit transferred on {day}", said=said, day=day))


@app.command("takeover")
def takeover(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The handover file from the previous provider.")],
    prefix: Annotated[
        str, typer.Option("--prefix", help="Put this before every code (when the codes are already taken here).")
    ] = "",
) -> None:
    """Take over the clients of a handover file: full histories, served here from the next day."""
    from mentorcli.render.files import check_source
    from mentorcli.store import handover as store

    check_source(path)
    blob = path.read_bytes()
    data, digest = store.open_file(blob, _passphrase(new=False))
    with register(ctx, write=True) as reg:
        taken = store.takeover(reg, data, digest, prefix.strip())
    if taken.already is not None:
        say(N_("{path}: already applied on {day}", path=path, day=taken.already))
        return
    n = len(taken.codes)
    said = NP_(
        "{n} client taken over from {provider}", "{n} clients taken over from {provider}", n, provider=taken.provider
    )
    say(N_("{said}; served here from {day}", said=said, day=taken.on + ONE_DAY))


def _provider(text: str) -> str:
    name = text.strip()
    if not name:
        raise InputError(N_("--provider: a provider's name is needed"), field="--provider")
    return name


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="The setting: lang (the language of texts).")],
    value: Annotated[str, typer.Argument(help="Its value: en or lv for lang.")],
) -> None:
    """Keep a setting in the database, e.g. its language; --lang and MENTORCLI_LANG still win."""
    allowed = stored_settings.SETTINGS.get(key)
    if allowed is None:
        raise InputError(
            N_("'{value}' is not a setting ({choices})", value=key, choices=", ".join(stored_settings.SETTINGS)),
            field="key",
        )
    chosen = choice(value, allowed, "value")
    with register(ctx, write=True) as reg:
        stored_settings.put(reg, key, chosen)
    typer.echo(f"{key} = {chosen}")


@app.command("bundle")
def bundle(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The bundle file to write (encrypted).")],
    since: Annotated[
        str | None,
        typer.Option("--since", help="Changes since this exchange (its id) or day, not since the last one."),
    ] = None,
) -> None:
    """Write the changes of this copy since the last exchange, encrypted, for another copy to merge.

    The passphrase comes from MENTORCLI_PASSPHRASE or a prompt.
    """
    import tempfile

    from mentorcli.render.files import write_output
    from mentorcli.store import exchange

    db = settings(ctx).db
    key = _key(ctx)
    passphrase = _passphrase(new=True)
    with register(ctx, write=True) as reg, tempfile.TemporaryDirectory(prefix="mentorcli-") as tmp:
        state = Path(tmp) / "state.db"
        made = exchange.make_bundle(reg, db, since, state, key)
        n = exchange.count_changes(made)
        write_output(path, maintenance.encrypt(made.pack(), passphrase), register=db, new_file_only=True)
        exchange.keep_snapshot(db, state, reg.today, made.header["bundle"])
    ident = made.header["bundle"][:8]
    say(
        NP_(
            "bundle {id} written to {path}: {n} change",
            "bundle {id} written to {path}: {n} changes",
            n,
            id=ident,
            path=path,
        )
    )


class Side(StrEnum):
    ours = "ours"
    theirs = "theirs"


@app.command("merge")
def merge(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The bundle another copy wrote.")],
    records: Annotated[
        list[str] | None, typer.Argument(help="With --take: the conflicting records (client codes) it decides.")
    ] = None,
    take: Annotated[
        Side | None, typer.Option("--take", help="Decide the named conflicts: keep ours or take theirs.")
    ] = None,
    with_names: Annotated[bool, typer.Option("--with-names", help="Show names and notes in the conflicts.")] = False,
    format: FormatOpt = Format.table,
) -> None:
    """Apply another copy's bundle in one transaction; conflicts are listed and left until --take.

    Windows and episodes are derived again for every client the bundle changes.
    """
    from mentorcli.render.files import check_source
    from mentorcli.store import exchange

    check_source(path)
    if bool(records) != (take is not None):
        raise InputError(N_("--take ours|theirs goes with the records it decides: db merge FILE --take theirs CODE"))
    if not maintenance.is_encrypted(path):
        raise InputError(N_("{path}: is not an encrypted bundle", path=path), field="file")
    key = _key(ctx)
    passphrase = _passphrase(new=False)
    made = exchange.Bundle.unpack(maintenance.decrypt(path.read_bytes(), passphrase))
    takes = dict.fromkeys(records or (), take.value if take else "")
    with register(ctx, write=True) as reg:
        result = exchange.merge(reg, settings(ctx).db, made, takes, key)
    if result.erased:
        maintenance.wipe_traces(settings(ctx).db, passphrase_of(ctx))
    if result.already is not None:
        from datetime import date

        say(N_("already applied on {day}", day=date.fromisoformat(result.already)))
        return
    rows = [
        {
            "record": c.record,
            "table": c.table,
            "ours": _shown(c.ours, with_names),
            "theirs": _shown(c.theirs, with_names),
        }
        for c in result.conflicts
    ]
    if rows or format.value == "json":
        from mentorcli.render.screen import listing

        typer.echo(listing(rows, format.value, ("record", "table", "ours", "theirs"), settings(ctx).lang))
    said = NP_("merged {n} change", "merged {n} changes", result.applied)
    if result.conflicts:
        n = len(result.conflicts)
        said = NP_(
            "{said}; {n} conflict left: db merge FILE --take ours|theirs CODE",
            "{said}; {n} conflicts left: db merge FILE --take ours|theirs CODE",
            n,
            said=said,
        )
    say(said, err=True)


def _shown(values: dict[str, object], with_names: bool) -> dict[str, object]:
    from mentorcli.store.register import PERSONAL

    return {k: ("(hidden)" if k in PERSONAL and v is not None and not with_names else v) for k, v in values.items()}
