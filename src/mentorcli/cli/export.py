"""``mentorcli export KIND``: the records as CSV, JSON or an Excel workbook."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from mentorcli.cli.common import ForceOpt, register, settings
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_
from mentorcli.render import export as out
from mentorcli.render.files import write_output
from mentorcli.store.export import DATE_COLUMNS, KINDS, export

Kind = StrEnum("Kind", {k: k for k in KINDS})  # type: ignore[misc]


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


def export_command(
    ctx: typer.Context,
    kind: Annotated[
        Kind,
        typer.Argument(help="What to export: clients, events, staff, assignments, activities, plans.", metavar="KIND"),
    ],
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="csv, json or xlsx.")] = ExportFormat.csv,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (readable by you alone), not stdout.")
    ] = None,
    force: ForceOpt = False,
    with_names: Annotated[
        bool, typer.Option("--with-names", help="Include names, activity notes and goal texts (personal data).")
    ] = False,
) -> None:
    """Export records with the columns of the import files; names only with --with-names."""
    if format is ExportFormat.xlsx and output is None:
        raise InputError(N_("an xlsx workbook goes to a file; give --output FILE.xlsx"), field="--output")
    with register(ctx, write=False) as reg:
        sheet = export(reg, kind.value, with_names=with_names)
    if format is ExportFormat.xlsx:
        data = out.to_xlsx(sheet.kind, sheet.columns, sheet.rows, DATE_COLUMNS)
    else:
        text = out.to_csv(sheet.columns, sheet.rows) if format is ExportFormat.csv else out.to_json_text(sheet.rows)
        data = text.encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_output(output, data, register=settings(ctx).db, force=force)
