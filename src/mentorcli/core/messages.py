"""Messages for the user as templates, so that the CLI can say them in the user's language.

The core knows no language and reads no catalogue: ``N_`` and ``NP_`` return the English text
(a ``str``, so a message is used as before) that also remembers its template and values. The CLI
translates the template at its boundary (render/i18n.py) and fills in the values there; dates are
written in the language's form at that moment. ``pybabel extract`` finds the templates by these
two names.
"""

from __future__ import annotations

from datetime import date
from typing import Any


def _english(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else str(value)


class Msg(str):
    """A message for the user: its English text, with what is needed to translate it."""

    template: str
    plural: str | None
    n: int | None
    params: dict[str, Any]

    def __new__(cls, template: str, params: dict[str, Any], plural: str | None = None, n: int | None = None) -> Msg:
        chosen = template if plural is None or n == 1 else plural
        self = super().__new__(cls, chosen.format(**{k: _english(v) for k, v in params.items()}))
        self.template, self.plural, self.n, self.params = template, plural, n, params
        return self


def N_(template: str, /, **params: Any) -> Msg:
    """A message; ``{name}`` places are filled from ``params`` (a date is written per language)."""
    return Msg(template, params)


def NP_(singular: str, plural: str, n: int, /, **params: Any) -> Msg:
    """A message about ``n`` things, in the grammatical number ``n`` needs (``{n}`` is ``n``)."""
    return Msg(singular, {"n": n, **params}, plural, n)
