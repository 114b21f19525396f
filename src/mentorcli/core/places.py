"""Places of residence: the municipalities, cities and towns of Latvia, and the Mucenieki centre.

The list ships with the package (``mentorcli/data/places.csv``, its source named in the file).
A residence is stored as its key: the official name folded to lower-case ASCII, spaces as
hyphens (``riga``, ``cesis``, ``cesu-novads``, ``mucenieki``); people see the official name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from mentorcli.core.messages import N_
from mentorcli.core.names import Names, fold

MUCENIEKI, RIGA = "mucenieki", "riga"
# Spellings in use for places whose official name is shorter.
_ALIASES = {
    RIGA: ("Rīgas", "Rīgas pilsēta", "Rīgas valstspilsēta"),
    MUCENIEKI: ("PMIC Mucenieki", "PMUC Mucenieki", "Mucenieku centrs", "Patvēruma meklētāju centrs Mucenieki"),
}
_QUOTES = re.compile(r"[\"'“”„«»]")


@dataclass(frozen=True)
class Place:
    key: str
    name: str
    kind: str  # state-city, municipality, city, town, centre (see places.csv)
    iso_3166_2: str | None


def place_key(name: str) -> str:
    """``Cēsu novads`` -> ``cesu-novads``."""
    return fold(name).replace(" ", "-")


@cache
def places() -> dict[str, Place]:
    # Imported here: most commands never read the list, and start-up time is budgeted.
    import csv
    from importlib import resources

    text = resources.files("mentorcli").joinpath("data", "places.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    found = (Place(place_key(r["name"]), r["name"], r["kind"], r["iso_3166_2"] or None) for r in rows)
    return {p.key: p for p in found}


@cache
def _names() -> Names:
    known = places()
    names = Names(
        N_("a place in Latvia"),
        label=lambda k: known[k].name,
        hint=N_("(a municipality, city or town, or mucenieki: see docs/places.md)"),
    )
    for p in known.values():
        names.add(p.name, p.key)
        for alias in _ALIASES.get(p.key, ()):
            names.add(alias, p.key)
    return names


def parse_residence(text: str, field: str = "residence") -> str:
    """The key of the place ``text`` names, in any case, with or without diacritics or quotes.

    Hyphens count as spaces, so a key typed back (``cesu-novads``) names its place too.
    """
    typed = _QUOTES.sub("", text).replace("-", " ").replace("_", " ")
    return _names().find(typed, field)


def place_name(key: str) -> str:
    """The official name of a residence key; a value the list does not know is shown as stored."""
    place = places().get(key)
    return place.name if place else key
