"""Names typed by people, matched to the names the register knows.

One resolver for places, countries, languages and staff: a name matches as typed, then in any
case, then without diacritics, as long as one thing is meant; an ambiguous or unknown name is
refused with its candidates (never a prompt: scripts run without a terminal).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_


def fold(text: str) -> str:
    """``Jānis  OZOLS`` -> ``janis ozols``: the key under which spellings of one name meet.

    NFKD splits every Latvian letter (ā č ē ģ ī ķ ļ ņ š ū ž) into its base letter and a combining
    mark, so dropping the marks is the whole transliteration; no library is needed for it.
    """
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def tidy(text: str) -> str:
    """One Unicode spelling (NFC) and single spaces, case and letters as typed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _add(index: dict[str, list[str]], key: str, value: str) -> None:
    values = index.setdefault(key, [])
    if value not in values:
        values.append(value)


@dataclass
class Names:
    """Names (and other spellings) of values, looked up exactly, in any case, without diacritics."""

    what: str  # "a country", "a place in Latvia": how a refusal names the kind of thing
    label: Callable[[str], str] = str  # how a candidate value is shown in a refusal
    hint: str = ""  # said when no name comes close, e.g. where the list is
    error: type[InputError] = InputError
    _exact: dict[str, list[str]] = field(default_factory=dict)
    _case: dict[str, list[str]] = field(default_factory=dict)
    _folded: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, value: str) -> None:
        if not name.strip():
            return
        _add(self._exact, tidy(name), value)
        _add(self._case, tidy(name).casefold(), value)
        _add(self._folded, fold(name), value)

    def extend(self, pairs: Iterable[tuple[str, str]]) -> Names:
        for name, value in pairs:
            self.add(name, value)
        return self

    def find(self, text: str, field: str) -> str:
        """The one value ``text`` names; refused when it names none or several."""
        typed = tidy(text)
        for index, key in ((self._exact, typed), (self._case, typed.casefold()), (self._folded, fold(typed))):
            values = index.get(key, [])
            if len(values) == 1:
                return values[0]
            if values:
                raise InputError(
                    N_(
                        "'{value}' is ambiguous: {candidates}",
                        value=text,
                        candidates=_either(self.label(v) for v in values),
                    ),
                    field=field,
                )
        if not typed:
            raise InputError(N_("{what} is needed", what=self.what), field=field)
        key = fold(typed)
        # A name typed short of its last words (``cesu`` for Cēsu novads) comes first.
        close = [k for k in self._folded if k.startswith(key + " ")]
        import difflib  # only a refusal needs it: kept off every command's start-up

        close += difflib.get_close_matches(key, self._folded.keys(), n=6, cutoff=0.75)
        seen = list(dict.fromkeys(v for k in close for v in self._folded[k]))[:3]
        if seen:
            candidates = _either(self.label(v) for v in seen)
            raise self.error(
                N_(
                    "'{value}' is not {what} (did you mean {candidates}?)",
                    value=text,
                    what=self.what,
                    candidates=candidates,
                ),
                field=field,
            )
        if self.hint:
            raise self.error(
                N_("'{value}' is not {what} {hint}", value=text, what=self.what, hint=self.hint), field=field
            )
        raise self.error(N_("'{value}' is not {what}", value=text, what=self.what), field=field)


def _either(labels: Iterable[str]) -> str:
    shown = list(labels)
    return shown[0] if len(shown) == 1 else N_("{some} or {last}", some=", ".join(shown[:-1]), last=shown[-1])


# --- one person under several spellings (issue 15) -----------------------------------------
# Latvian gives a foreign name a Latvian ending (Muhammads, Alijs, Jusufs, Fatima -> Fatimа):
# each word is also compared without one of these, as they sound (-js is -is, -e is -a).
LATVIAN_ENDINGS = ("is", "us", "s", "a")
# Spellings of one sound across English, French, German and Latvian transliterations, and what
# anyascii makes of Cyrillic (Мухаммад -> Mukhammad, Джамиль -> Dzhamil'). A Latvian j is an
# English y (Jusufs = Yusuf); the English j sound, written dž or дж, is kept apart as "3".
_GROUPS = {"dzh": "3", "dz": "3", "zh": "3", "kh": "h", "gh": "g", "sh": "s", "th": "t", "dh": "d", "ph": "f"}
_GROUPS |= {"ou": "u", "oo": "u", "ee": "i"}
_LETTERS = str.maketrans("jwyoe", "iviua")
_DOUBLED = re.compile(r"(.)\1+")
_WORD = re.compile("[a-z]+")
# Scripts written without short vowels (Hebrew, Arabic, Syriac and their presentation forms): their
# names are compared by consonants alone.
_ABJAD = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_VOWELS = str.maketrans("", "", "aeiouyvw")
SKELETON_WEIGHT = 0.9  # a match of consonants alone is less sure than one of the whole spelling


@dataclass(frozen=True)
class PersonName:
    """A person's name folded for comparison: per word, its spellings (with and without a Latvian
    ending) as sounds, the same by consonants alone, and whether it was written without vowels."""

    words: tuple[tuple[str, ...], ...]
    consonants: tuple[tuple[str, ...], ...]
    abjad: bool


def _sounds(word: str) -> str:
    for spelled, sound in _GROUPS.items():
        if spelled in word:
            word = word.replace(spelled, sound)
    return _DOUBLED.sub(r"\1", word.translate(_LETTERS))  # Muhammad = Muhamad


def _skeleton(sound: str) -> str:
    bare = sound.translate(_VOWELS)
    return bare[:-1] if bare.endswith("h") and len(bare) > 2 else bare  # ta marbuta: فاطمة = Fatima


@functools.lru_cache(maxsize=1 << 18)  # a name comes back in several pairs of one search: fold it once
def person_name(name: str) -> PersonName:
    """``Muhammads`` -> words (("muhamads", "muhamad"),): transliterated (anyascii), folded."""
    from anyascii import anyascii

    text = name.casefold() if name.isascii() else anyascii(unicodedata.normalize("NFC", name)).casefold()
    abjad = not name.isascii() and _ABJAD.search(name) is not None
    words = []
    for word in map(_sounds, _WORD.findall(text)):
        words.append(
            (word, *(word[: -len(e)] for e in LATVIAN_ENDINGS if word.endswith(e) and len(word) - len(e) >= 3))
        )
    consonants = tuple(tuple(dict.fromkeys(_skeleton(s) for s in w)) for w in words)
    return PersonName(tuple(words), consonants, abjad)


def name_initials(name: PersonName) -> set[str]:
    """The first consonant of each word: what spellings of one name keep (Yusuf, Jusufs, يوسف: s)."""
    return {c[:1] for word in name.consonants for c in word}


def name_similarity(a: PersonName, b: PersonName) -> int:
    """0..100: how alike two names are, word by word in any order; the shorter name's words each
    find their best match in the longer (``Muhammad`` and ``Muhammad Hassan`` are alike).

    A name written without vowels (Arabic script) is compared with the other by consonants alone,
    which is less sure (``SKELETON_WEIGHT``)."""
    from rapidfuzz.fuzz import ratio
    from rapidfuzz.process import extractOne

    by_consonants = a.abjad or b.abjad
    x, y = (a.consonants, b.consonants) if by_consonants else (a.words, b.words)
    if not x or not y:
        return 0
    short, long_ = sorted((x, y), key=len)
    choices = [s for word in long_ for s in word]
    best = [max(extractOne(s, choices, scorer=ratio)[1] for s in word) for word in short]
    return round(sum(best) / len(best) * (SKELETON_WEIGHT if by_consonants else 1))
