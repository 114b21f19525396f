"""``mentorcli demo``: the bundled example caseload in a temporary database."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from mentorcli.core.errors import MentorError


def examples_dir() -> Path:
    """The example CSV files: inside an installed wheel, or beside ``src/`` in a checkout."""
    packaged = Path(str(resources.files("mentorcli"))) / "examples"
    if (packaged / "clients.csv").exists():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "examples"
    if (checkout / "clients.csv").exists():
        return checkout
    raise MentorError("demo: the example files are not installed (examples/clients.csv)")


def demo(
    ctx: typer.Context,
    keep: Annotated[str | None, typer.Option("--keep", help="Keep the demo database at this path.")] = None,
) -> None:
    """Build a database from examples/ in a temporary place and show the caseload."""
    from mentorcli.cli.app import app

    src = examples_dir()
    with tempfile.TemporaryDirectory(prefix="mentorcli-demo-") as tmp:
        db = Path(keep) if keep else Path(tmp) / "demo.db"
        if db.exists():
            raise MentorError(f"demo: {db} exists already; choose another --keep path")
        settings = ctx.find_root().obj
        base = ["--db", str(db), "--today", settings.today.isoformat(), "--lang", settings.lang]
        for args in (
            ["import", "clients", str(src / "clients.csv")],
            ["import", "events", str(src / "events.csv")],
            ["client", "list"],
        ):
            typer.echo(f"$ mentorcli {' '.join(args)}")
            try:
                app(base + args, standalone_mode=True)
            except SystemExit as e:
                if e.code:
                    raise
            typer.echo("")
