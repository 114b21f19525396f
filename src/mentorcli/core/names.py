"""Names typed by people, matched to the names the register knows.

One resolver for places, countries, languages and staff: a name matches as typed, then in any
case, then without diacritics, as long as one thing is meant; an ambiguous or unknown name is
refused with its candidates (never a prompt: scripts run without a terminal).
"""

from __future__ import annotations

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
