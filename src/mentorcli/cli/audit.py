"""``mentorcli audit``: the append-only log of every change, and ``audit verify`` of its hash chain."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from mentorcli.cli.common import Format, FormatOpt, as_date, register, say, settings
from mentorcli.core.messages import NP_
from mentorcli.render.screen import listing
from mentorcli.store.clients import client_id

app = typer.Typer(help="The log of changes, and the check that nobody changed it.", no_args_is_help=False)


@app.callback(invoke_without_command=True)
def audit(
    ctx: typer.Context,
    client: Annotated[str | None, typer.Option("--client", help="Only changes of this client.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only changes on or after this day.")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """The log of changes: when, by which command, what and which fields (never personal data)."""
    if ctx.invoked_subcommand is not None:
        return
    where, params = [], []
    if client is not None:
        where.append("record = ?")
        params.append(client)
    if since is not None:
        where.append("at >= ?")
        params.append(as_date(since, "--since").isoformat())
    sql = "SELECT id, at, command, action, tbl AS 'table', record, fields FROM audit"
    if where:
        sql += " WHERE " + " AND ".join(where)
    with register(ctx, write=False) as reg:
        if client is not None:
            client_id(reg, client)
        rows = [dict(r) for r in reg.conn.execute(sql + " ORDER BY id", params)]
    for r in rows:
        r["fields"] = json.loads(r["fields"] or "{}")
    typer.echo(
        listing(rows, format.value, ("id", "at", "command", "action", "table", "record", "fields"), settings(ctx).lang)
    )


@app.command("verify")
def verify(
    ctx: typer.Context,
    head: Annotated[
        str | None,
        typer.Option("--head", help="A head hash printed earlier (db info, the month-end run): it must be in the log."),
    ] = None,
    format: FormatOpt = Format.table,
) -> None:
    """Check the log's hash chain, the triggers and that every data row names its audit entry.

    Exit 0 with the number of entries and the head hash; exit 1 naming what is broken, the first
    broken entry first.
    """
    from mentorcli.core.chain import check_head
    from mentorcli.store import chain

    expected = None if head is None else check_head(head)
    with register(ctx, write=False) as reg:
        found = chain.verify(reg.conn, expected)
    if format.value == "json":
        data = {"entries": found.entries, "head": found.head, "ok": not found.problems, "problems": found.problems}
        typer.echo(json.dumps(data, ensure_ascii=False, sort_keys=True))
    else:
        for problem in found.problems:
            say(problem, err=True)
        if not found.problems:
            say(NP_("ok: {n} entry, head {head}", "ok: {n} entries, head {head}", found.entries, head=found.head))
    if found.problems:
        raise typer.Exit(1)
