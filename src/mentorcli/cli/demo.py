"""``mentorcli demo``: the bundled example caseload in a temporary database."""

from __future__ import annotations

import tempfile
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from mentorcli.core.dates import months_between
from mentorcli.core.errors import MentorError
from mentorcli.core.messages import N_

# In the order they can be imported: staff before the assignments and activities that name them.
EXAMPLE_FILES = ("clients", "events", "staff", "assignments", "activities")


def examples_dir() -> Path:
    """The example CSV files: inside an installed wheel, or beside ``src/`` in a checkout."""
    packaged = Path(str(resources.files("mentorcli"))) / "examples"
    if (packaged / "clients.csv").exists():
        return packaged
    checkout = Path(__file__).resolve().parents[3] / "examples"
    if (checkout / "clients.csv").exists():
        return checkout
    raise MentorError(N_("demo: the example files are not installed (examples/clients.csv)"))


def demo(
    ctx: typer.Context,
    keep: Annotated[str | None, typer.Option("--keep", help="Keep the demo database at this path.")] = None,
) -> None:
    """Build a database from examples/ in a temporary place and show its busiest month."""
    from mentorcli.cli.app import app

    src = examples_dir()
    with tempfile.TemporaryDirectory(prefix="mentorcli-demo-") as tmp:
        db = Path(keep) if keep else Path(tmp) / "demo.db"
        if db.exists():
            raise MentorError(N_("demo: {path} exists already; choose another --keep path", path=db))
        settings = ctx.find_root().obj
        base = ["--db", str(db), "--today", settings.today.isoformat(), "--lang", settings.lang]
        for kind in EXAMPLE_FILES:
            _show(app, base, ["import", kind, str(src / f"{kind}.csv")])
        _show(app, base, ["report", "month", _busiest_month(db, settings.today), "--format", "table"])


def _show(app: typer.Typer, base: list[str], args: list[str]) -> None:
    typer.echo(f"$ mentorcli {' '.join(args)}")
    try:
        app(base + args, standalone_mode=True)
    except SystemExit as e:
        if e.code:
            raise
    typer.echo("")


def _busiest_month(db: Path, today: date) -> str:
    """The month in which the most clients were served (the earliest of equals)."""
    from mentorcli.store.register import open_register

    with open_register(db, today, "demo", write=False) as reg:
        episodes = [
            (date.fromisoformat(r["start"]), date.fromisoformat(r["end"]) if r["end"] else today, r["client_id"])
            for r in reg.conn.execute(
                "SELECT start, end, client_id FROM episodes WHERE start <= ?", (today.isoformat(),)
            )
        ]
    if not episodes:
        return today.strftime("%Y-%m")
    served = {
        first.strftime("%Y-%m"): len({c for start, end, c in episodes if start <= last and end >= first})
        for first, last in months_between(min(e[0] for e in episodes).replace(day=1), today)
    }
    return max(served, key=served.__getitem__)  # months come in order: the first of equals wins
