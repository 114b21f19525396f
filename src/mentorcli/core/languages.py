"""Languages (an activity's interpreter): ISO 639 codes in, names in English or Latvian out.

A language is stored as its ISO 639-1 code where it has one (``ar``), else its ISO 639-3 code
(``prs`` for Dari). pycountry carries ISO 639-3 with English names; its Latvian list names few
languages, so the ones interpreted for asylum seekers in Latvia are named here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from mentorcli.core.messages import N_
from mentorcli.core.names import Names

# Latvian names (the genitive plural used in "arābu valoda"), where the library has none.
LATVIAN = {
    "am": "amharu",
    "ar": "arābu",
    "az": "azerbaidžāņu",
    "be": "baltkrievu",
    "bn": "bengāļu",
    "ckb": "soranī",
    "de": "vācu",
    "en": "angļu",
    "es": "spāņu",
    "et": "igauņu",
    "fa": "persiešu",
    "fr": "franču",
    "hi": "hindi",
    "hy": "armēņu",
    "it": "itāļu",
    "ka": "gruzīnu",
    "kk": "kazahu",
    "kmr": "kurmandži",
    "ku": "kurdu",
    "ky": "kirgīzu",
    "lt": "lietuviešu",
    "lv": "latviešu",
    "ne": "nepāliešu",
    "pa": "pandžabu",
    "pl": "poļu",
    "prs": "darī",
    "ps": "puštu",
    "pt": "portugāļu",
    "ro": "rumāņu",
    "ru": "krievu",
    "so": "somāļu",
    "sw": "svahili",
    "tg": "tadžiku",
    "ti": "tigrinja",
    "tk": "turkmēņu",
    "tr": "turku",
    "uk": "ukraiņu",
    "ur": "urdu",
    "uz": "uzbeku",
    "vi": "vjetnamiešu",
    "zh": "ķīniešu",
}
# Names in use that ISO spells otherwise.
_ALIASES = {
    "fa": ("Farsi", "farsī"),
    "ps": ("Pashto", "Pashtu"),
    "ckb": ("Sorani", "Kurdish Sorani", "kurdu soranī"),
    "kmr": ("Kurmanji", "Kurdish Kurmanji", "kurdu kurmandži"),
    "ky": ("Kyrgyz",),
    "pa": ("Punjabi",),
    "sw": ("Swahili",),
    "ne": ("Nepali",),
}


def _code(lang: Any) -> str:
    return str(getattr(lang, "alpha_2", None) or lang.alpha_3)


def _latvian() -> Any:
    from mentorcli.core.countries import pycountry_latvian

    return pycountry_latvian("iso639-3")


@cache
def _names() -> Names:
    import pycountry

    lv = _latvian()
    names = Names(
        N_("a language"), label=lambda code: f"{code} ({language_name(code)})", hint=N_("(e.g. ar, arabic, arābu)")
    )
    for lang in pycountry.languages:
        code = _code(lang)
        for n in (lang.name, getattr(lang, "common_name", "")):
            if n:
                names.add(n, code)
        names.add(lv.gettext(lang.name), code)
    for code, n in LATVIAN.items():
        names.add(n, code)
    for code, more in _ALIASES.items():
        for n in more:
            names.add(n, code)
    return names


def parse_language(text: str, field: str = "interpreter") -> str:
    """An ISO 639 code, or an English or Latvian name (``ar``, ``arabic``, ``arābu``) -> the code."""
    s = text.strip()
    # A code wins over a name spelt like it (``ari`` is Arikara's code and the name of another language).
    if len(s) in (2, 3) and s.isascii() and s.isalpha():
        import pycountry

        code = s.lower()
        if len(code) == 2:
            lang = pycountry.languages.get(alpha_2=code)
        else:
            lang = pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
        if lang is not None:
            return _code(lang)
    return _names().find(s, field)


def language_name(code: str, lang: str = "en") -> str:
    if lang == "lv" and code in LATVIAN:
        return LATVIAN[code]
    import pycountry

    found = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    if found is None:
        return code
    if lang == "lv":
        return str(_latvian().gettext(found.name))
    return str(found.name)
