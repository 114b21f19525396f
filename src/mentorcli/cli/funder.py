"""``mentorcli funder …``: the funder's key, and this provider's pseudonymous extract for it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mentorcli.cli.common import ForceOpt, register, say, settings
from mentorcli.core.messages import N_, NP_

app = typer.Typer(
    help="The funder's view over all providers: its key and the providers' extracts.", no_args_is_help=True
)

KeyOpt = Annotated[Path, typer.Option("--key", help="The funder's key file (from 'mentorcli funder key').")]


@app.command("key")
def key(ctx: typer.Context, path: Annotated[Path, typer.Argument(help="The key file to make.")]) -> None:
    """Make a random key (readable by you alone) that the funder gives to each provider."""
    from mentorcli.core.funder import new_key_file
    from mentorcli.render.files import write_output

    write_output(path, new_key_file(), register=settings(ctx).db, new_file_only=True)
    say(N_("key written to {path}: give it to the providers by hand, never with an extract", path=path))


@app.command("extract")
def extract(
    ctx: typer.Context,
    from_: Annotated[str, typer.Option("--from", help="First day of the period.")],
    to: Annotated[str, typer.Option("--to", help="Last day of the period.")],
    provider: Annotated[str, typer.Option("--provider", help="This provider's name, e.g. LSK.")],
    key: KeyOpt,
    output: Annotated[Path, typer.Option("--output", "-o", help="The extract file to write (encrypted).")],
    force: ForceOpt = False,
) -> None:
    """A pseudonymous, encrypted extract of the clients served in or before a period, for the funder."""
    from mentorcli.cli.db import _provider
    from mentorcli.cli.reports import _period, read_keys
    from mentorcli.render.files import write_output
    from mentorcli.store import funder

    first, last = _period(from_, to)
    name, keys = _provider(provider), read_keys(key)
    with register(ctx, write=True) as reg:
        blob, n = funder.extract(reg, keys, name, first, last)
        write_output(output, blob, register=settings(ctx).db, force=force)
    say(NP_("{n} record written to {path} (encrypted)", "{n} records written to {path} (encrypted)", n, path=output))
