"""The user's language: the gettext catalogue of every message, help text and click's own words.

One language per run, chosen once at the boundary (cli/app.py) and used by everything that speaks
to the user afterwards, as gettext's ``install`` would. The catalogues are compiled ``.mo`` files
inside the package (``locale/<lang>/LC_MESSAGES/mentorcli.mo``), read with the standard library:
Babel manages them (docs/translations.md) but is not needed to run.
"""

from __future__ import annotations

import gettext
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from mentorcli.core.messages import Msg

DOMAIN = "mentorcli"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("en", "lv")

# Typer says these through gettext's global functions (typer/core.py); its copy of click says
# the rest in plain English, so "Usage:" and its errors are translated where they are used.
CLICK_TEXTS = (
    "Arguments",
    "Options",
    "Commands",
    "Aborted!",
    "default: {default}",
    "required",
    "env var: {var}",
    "(dynamic)",
    "Missing command.",
    "No such command {name!r}.",
    "Show this message and exit.",
    "Usage: ",
)

# Click's own errors, in the words its copy in Typer writes them (plain English, no gettext there):
# each pattern, and the catalogue entry that says it.
CLICK_ERRORS = (
    (r"Missing option '(?P<name>[^']+)'\.", "Missing option '{name}'."),
    (r"Missing argument '(?P<name>[^']+)'\.", "Missing argument '{name}'."),
    (
        r"No such option: (?P<name>\S+) \(Possible options: (?P<options>.*)\)",
        "No such option: {name} (Possible options: {options})",
    ),
    (r"No such option: (?P<name>\S+)", "No such option: {name}"),
    (r"Got unexpected extra arguments? \((?P<args>.*)\)", "Got unexpected extra arguments ({args})"),
    (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", "Got unexpected extra arguments ({args})"),
    (r"Option '(?P<name>[^']+)' requires an argument\.", "Option '{name}' requires an argument."),
    (r"Option '(?P<name>[^']+)' does not take a value\.", "Option '{name}' does not take a value."),
    (r"(?P<value>.*) is not a valid integer\.", "{value} is not a valid integer."),
    (r"(?P<value>.*) is not a valid float\.", "{value} is not a valid number."),
)

_current: list[str] = ["en"]


@cache
def translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])


def language() -> str:
    return _current[0]


def use(lang: str) -> None:
    """Speak ``lang`` from now on, click's help and errors included."""
    _current[0] = lang
    t = translations(lang)
    import typer.core
    from typer._click.formatting import HelpFormatter

    typer.core._ = t.gettext  # type: ignore[attr-defined]
    # Click's "Usage: " is a default argument, not a gettext call: its formatter is told the word.
    HelpFormatter.write_usage.__defaults__ = ("", t.gettext("Usage: "))


def fmt_date(day: date, lang: str | None = None) -> str:
    # The Latvian form ends with a full stop (31.07.2020.), as the seeds write it.
    return day.strftime("%d.%m.%Y.") if (lang or language()) == "lv" else day.strftime("%d.%m.%Y")


def _value(value: Any) -> str:
    if isinstance(value, Msg):
        return tr(value)
    if isinstance(value, date):
        return fmt_date(value)
    return str(value)


def tr(text: str) -> str:
    """``text`` in the current language: a ``Msg`` with its values filled in, else a catalogue entry."""
    t = translations(language())
    if not isinstance(text, Msg):
        return t.gettext(text) if text else text
    if text.plural is not None and text.n is not None:
        template = t.ngettext(text.template, text.plural, text.n)
    else:
        template = t.gettext(text.template)
    return template.format(**{k: _value(v) for k, v in text.params.items()})


def tr_click(message: str) -> str:
    """One of click's error messages in the current language (as it is when none matches)."""
    if language() == "en":
        return message
    import re

    t = translations(language())
    for pattern, msgid in CLICK_ERRORS:
        if m := re.fullmatch(pattern, message):
            return t.gettext(msgid).format(**m.groupdict())
    return message
