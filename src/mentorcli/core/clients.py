"""What is recorded about a client, and the checks every field passes on its way in.

The same functions serve the commands and the CSV import, so a row of a file passes exactly
the checks of the matching command.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_

SEXES = ("F", "M")
ROUTES = ("relocation", "independent")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$")


class Client(NamedTuple):
    code: str
    sex: str
    born: date
    born_year_only: bool
    country: str  # ISO 3166-1 alpha-2
    arrived: date
    route: str
    residence: str  # on arrival; later moves are events
    family: str | None = None
    name: str | None = None
    languages: str | None = None
    id: int | None = None
    merged_into: int | None = None  # the record that took over this one's history (client merge)


def check_code(text: str, field: str = "code") -> str:
    code = text.strip()
    if not _CODE.match(code):
        raise InputError(
            N_(
                "'{value}' is not a case code (letters, digits and . _ / -, at most 40, e.g. LSK-2016-0042)", value=text
            ),
            field=field,
        )
    return code


def check_sex(text: str) -> str:
    sex = text.strip().upper()
    if sex not in SEXES:
        raise InputError(N_("'{value}' is not F or M", value=text), field="sex")
    return sex


def check_route(text: str) -> str:
    route = text.strip().lower()
    if route not in ROUTES:
        raise InputError(N_("'{value}' is not one of {choices}", value=text, choices=", ".join(ROUTES)), field="route")
    return route


def check_residence(text: str) -> str:
    """The key of a place in Latvia (``riga``, ``cesu-novads``) or ``mucenieki``; see core/places.py."""
    # Imported here: the places and their spellings are only wanted where a place is typed, and
    # `client show` is timed against a hello-world command (benchmarks/startup.py).
    from mentorcli.core.places import parse_residence

    return parse_residence(text)


def check_family(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    return check_code(text, "family")


def check_born(born: date, arrived: date) -> None:
    if born > arrived:
        raise InputError(
            N_("{born} is after arrival on {arrived}", born=born.isoformat(), arrived=arrived.isoformat()), field="born"
        )
    if arrived.year - born.year > 120:
        raise InputError(N_("{born} is more than 120 years before arrival", born=born.isoformat()), field="born")


def check_not_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise InputError(
            N_("{day} is after today ({today})", day=day.isoformat(), today=today.isoformat()), field=field
        )
