"""``mentorcli audit``: the append-only log of every change."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from mentorcli.cli.common import Format, FormatOpt, as_date, register, settings
from mentorcli.render.screen import listing
from mentorcli.store.clients import client_id


def audit(
    ctx: typer.Context,
    client: Annotated[str | None, typer.Option("--client", help="Only changes of this client.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only changes on or after this day.")] = None,
    format: FormatOpt = Format.table,
) -> None:
    """The log of changes: when, by which command, what and which fields (never personal data)."""
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
