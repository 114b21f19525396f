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

    typer.core._ = t.gettext  # type: ignore[attr-defined]


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
