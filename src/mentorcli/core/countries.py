"""Countries of origin: ISO 3166-1 alpha-2 codes in, names in English or Latvian out.

pycountry carries the ISO list and its Latvian translations; it is imported only when a
country is read or shown, since it costs ~100 ms to load.
"""

from __future__ import annotations

import difflib
import unicodedata
from functools import cache
from typing import Any

from mentorcli.core.errors import InputError

# Names a coordinator writes that the ISO list spells otherwise.
_ALIASES = {
    "syria": "SY",
    "congo": "CD",
    "dr congo": "CD",
    "kongo": "CD",
    "kongo demokrātiskā republika": "CD",
    "kongo demokratiska republika": "CD",
    "russia": "RU",
    "krievija": "RU",
    "iran": "IR",
    "vietnam": "VN",
    "usa": "US",
    "asv": "US",
    "moldova": "MD",
    "palestine": "PS",
    "turkey": "TR",
    "stateless": "XX",
}
STATELESS = "XX"


def _key(text: str) -> str:
    return " ".join(text.strip().lower().split())


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@cache
def _latvian() -> Any:
    import gettext

    import pycountry

    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["lv"], fallback=True)


@cache
def _index() -> dict[str, str]:
    import pycountry

    lv = _latvian()
    idx: dict[str, str] = {}
    for c in pycountry.countries:
        names = [c.name, getattr(c, "common_name", ""), getattr(c, "official_name", ""), lv.gettext(c.name)]
        for n in filter(None, names):
            idx.setdefault(_key(n), c.alpha_2)
            idx.setdefault(_fold(_key(n)), c.alpha_2)
    idx.update(_ALIASES)
    return idx


def parse_country(text: str) -> str:
    """An ISO code, or an English or Latvian name (``SY``, ``Syria``, ``Sīrija``)."""
    s = text.strip()
    if len(s) == 2 and s.isalpha():
        code = s.upper()
        if code == STATELESS or _exists(code):
            return code
    idx = _index()
    key = _key(s)
    if key in idx:
        return idx[key]
    if _fold(key) in idx:
        return idx[_fold(key)]
    close = difflib.get_close_matches(key, idx.keys(), n=1, cutoff=0.75)
    hint = f" (did you mean '{close[0].title()}', {idx[close[0]]}?)" if close else ""
    raise InputError(f"'{text}' is not a country{hint}", field="country")


def _exists(code: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_2=code) is not None


def country_name(code: str, lang: str = "en") -> str:
    if code == STATELESS:
        return "bezvalstnieks" if lang == "lv" else "stateless"
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    if lang == "lv":
        return str(_latvian().gettext(c.name))
    return str(getattr(c, "common_name", None) or c.name)
