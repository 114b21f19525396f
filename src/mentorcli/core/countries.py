"""Countries of origin: ISO 3166-1 alpha-2 codes in, names in English or Latvian out.

pycountry carries the ISO list and its Latvian translations; it is imported only when a
country is read or shown, since it costs ~100 ms to load. Its Latvian list lacks forms a
coordinator writes (``Turcija``, ``Palestīna``), which are added here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mentorcli.core.messages import N_
from mentorcli.core.names import Names

# User-assigned codes of ISO 3166-1 (never a real country): stateless and unknown.
STATELESS, UNKNOWN = "XX", "ZZ"
_OWN_NAMES = {
    STATELESS: {"en": "stateless", "lv": "bezvalstnieks"},
    UNKNOWN: {"en": "unknown", "lv": "nezināma"},
}
# Latvian names shown instead of the library's, where it has none or an English one.
_LATVIAN = {"TR": "Turcija", "PS": "Palestīna", "MK": "Ziemeļmaķedonija"}
# Names a coordinator writes that the ISO list spells otherwise.
_ALIASES = {
    STATELESS: ("bezvalstniece", "bez valstspiederības", "bez pilsonības", "no nationality"),
    UNKNOWN: ("nezināms", "nav zināma", "not known"),
    "CD": ("DR Congo", "DRC", "Congo-Kinshasa", "Kongo DR", "Kongo Demokrātiskā Republika", "Kongo (Kinšasa)"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville", "Kongo Republika", "Kongo (Brazavila)"),
    "SY": ("Sīrijas Arābu Republika",),
    "PS": ("Palestine", "Palestīnas valsts"),
    "TR": ("Turkey", "Turcijas Republika"),
    "RU": ("Russia", "Krievija"),
    "IR": ("Irānas Islāma Republika",),
    "MD": ("Moldāvija",),
    "US": ("USA", "ASV"),
    "GB": ("UK", "Great Britain", "Apvienotā Karaliste"),
    "MM": ("Burma", "Birma"),
    "CI": ("Ivory Coast", "Kotdivuāra"),
    "CZ": ("Czech Republic", "Čehija"),
}
# A bare "Congo" names either state; the register must not pick one.
_EITHER = {"Congo": ("CD", "CG"), "Kongo": ("CD", "CG")}


@cache
def pycountry_latvian(domain: str) -> Any:
    """pycountry's own Latvian names of one of its ISO standards (``iso3166-1``, ``iso639-3``)."""
    import gettext

    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["lv"], fallback=True)


def _latvian() -> Any:
    return pycountry_latvian("iso3166-1")


@cache
def _names() -> Names:
    import pycountry

    lv = _latvian()
    names = Names(N_("a country"), label=lambda code: f"{code} ({country_name(code)})")
    for c in pycountry.countries:
        for n in (c.name, getattr(c, "common_name", ""), getattr(c, "official_name", "")):
            if n:
                names.add(n, c.alpha_2)
                names.add(lv.gettext(n), c.alpha_2)
    for code, own in _OWN_NAMES.items():
        for n in own.values():
            names.add(n, code)
    for code, n in _LATVIAN.items():
        names.add(n, code)
    for code, more in _ALIASES.items():
        for n in more:
            names.add(n, code)
    for n, codes in _EITHER.items():
        for code in codes:
            names.add(n, code)
    return names


def parse_country(text: str, field: str = "country") -> str:
    """An ISO code, or an English or Latvian name (``SY``, ``Syria``, ``Sīrija``, ``bezvalstnieks``)."""
    s = text.strip()
    if len(s) == 2 and s.isalpha():
        code = s.upper()
        if code in _OWN_NAMES or _exists(code):
            return code
    return _names().find(s, field)


def _exists(code: str) -> bool:
    import pycountry

    return pycountry.countries.get(alpha_2=code) is not None


def country_name(code: str, lang: str = "en") -> str:
    if code in _OWN_NAMES:
        return _OWN_NAMES[code][lang if lang == "lv" else "en"]
    if lang == "lv" and code in _LATVIAN:
        return _LATVIAN[code]
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    if c is None:
        return code
    if lang == "lv":
        return str(_latvian().gettext(c.name))
    return str(getattr(c, "common_name", None) or c.name)
