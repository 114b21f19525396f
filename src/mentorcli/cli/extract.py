"""A Babel extractor for the texts that are not calls in the source: the help of every command.

Typer takes a command's help from its docstring and an option's from ``help=``; marking each one
by hand would be easy to forget, so ``pybabel extract`` (babel.cfg) walks the command tree instead,
exactly as ``--help`` shows it. Used when the catalogue is extracted, never at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mentorcli.cli.help import EXAMPLES, help_texts


def _walk(command: Any) -> Iterator[str]:
    en = help_texts(command)
    yield from (t for t in (en["help"], en["short_help"], en["epilog"], *en["params"]) if t)
    for sub in getattr(command, "commands", {}).values():
        yield from _walk(sub)


def texts() -> list[str]:
    """Every help text, example and word of click's that the user may read, each once, in order."""
    import typer

    from mentorcli.cli.app import build
    from mentorcli.render.i18n import CLICK_ERRORS, CLICK_TEXTS

    clicks = [*CLICK_TEXTS, *(msgid for _, msgid in CLICK_ERRORS)]
    seen = dict.fromkeys([*_walk(typer.main.get_command(build())), *EXAMPLES.values(), *clicks])
    return list(seen)


def help_catalogue(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel's extractor interface; the file it is given (cli/app.py) only anchors the entries."""
    for text in texts():
        yield 1, None, text, []
