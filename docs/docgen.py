"""The generated parts of docs/: run by cog (`make docs`; `cog --check` in .ci/run and tests/test_docs.py).

Each function returns Markdown made from the program itself, so a page cannot say what the code
no longer does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

# Click wraps help to the terminal's width (80 at most): one width for everyone who regenerates the pages.
WIDTH = "80"


def command_paths() -> list[tuple[str, ...]]:
    """Every command path of the program, the root first, then depth-first in name order."""
    import typer

    from mentorcli.cli.app import build

    def walk(cmd: Any, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        yield path
        for name, sub in sorted((getattr(cmd, "commands", None) or {}).items()):
            yield from walk(sub, (*path, name))

    return list(walk(typer.main.get_command(build()), ()))


def _help(path: tuple[str, ...]) -> str:
    """What `mentorcli PATH --help` prints, in English, at the fixed width."""
    from typer.testing import CliRunner

    from mentorcli.cli.app import build, named_command

    env = {"COLUMNS": WIDTH, "MENTORCLI_LANG": "en", "LANG": "C.UTF-8", "LANGUAGE": None, "NO_COLOR": "1"}
    # As main() does: only the named command mounted (tests/test_startup.py: the same command).
    result = CliRunner().invoke(build(*named_command(path)), [*path, "--help"], prog_name="mentorcli", env=env)
    if result.exit_code != 0:
        raise RuntimeError(f"mentorcli {' '.join(path)} --help failed: {result.output}")
    return "\n".join(line.rstrip() for line in result.stdout.strip().splitlines())


def commands() -> str:
    """The command reference: every command's `--help`, under a heading per command."""
    paths = command_paths()
    out = ["Commands: " + ", ".join(f"[`{' '.join(p)}`](#{_anchor(p)})" for p in paths if p), ""]
    for path in paths:
        out += [f"## {' '.join(('mentorcli', *path))}", "", "```text", _help(path), "```", ""]
    return "\n".join(out)


def _anchor(path: tuple[str, ...]) -> str:
    return "-".join(("mentorcli", *path))


def _fresh() -> sqlite3.Connection:
    from mentorcli.store.migrations import migrate

    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    return conn


def schema() -> str:
    """The tables of a freshly migrated database: columns, keys, indexes, and which are personal."""
    from mentorcli.store.migrations import MIGRATIONS
    from mentorcli.store.personal import TABLES as PERSONAL

    conn = _fresh()
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    out = [
        f"Schema version {len(MIGRATIONS)} (`PRAGMA user_version`), after the migrations "
        + ", ".join(f"`{name}`" for name, _ in MIGRATIONS)
        + ".",
        "",
        "Personal tables (names, languages, free text; read only with `--with-names`, hidden from "
        "Datasette, emptied by erasure): " + ", ".join(f"`{t}`" for t in PERSONAL) + ".",
        "",
    ]
    for table in tables:
        out += [f"## {table}" + (" (personal)" if table in PERSONAL else ""), ""]
        fks = {r[3]: f"{r[2]}.{r[4]}" for r in conn.execute(f"PRAGMA foreign_key_list('{table}')")}
        out += ["| column | type | not null | default | key |", "| --- | --- | --- | --- | --- |"]
        for _cid, name, kind, notnull, default, pk in conn.execute(f"PRAGMA table_info('{table}')"):
            key = ", ".join(k for k in ("primary" if pk else "", f"→ {fks[name]}" if name in fks else "") if k)
            out.append(f"| `{name}` | {kind or ''} | {'yes' if notnull else ''} | {default or ''} | {key} |")
        indexes = []
        for _seq, index, unique, origin, _partial in conn.execute(f"PRAGMA index_list('{table}')"):
            if origin == "pk":
                continue
            cols = ", ".join(str(r[2]) for r in conn.execute(f"PRAGMA index_info('{index}')"))
            indexes.append(f"- ({cols})" + (" unique" if unique else "") + (f": `{index}`" if origin == "c" else ""))
        out += ["", *(["Indexes:", "", *sorted(indexes), ""] if indexes else [])]
    triggers = conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").fetchall()
    if triggers:
        out += ["## Triggers", "", *(f"- `{name}` on `{table}`" for name, table in triggers), ""]
    return "\n".join(out)
