"""Clients who are probably one person registered twice (issue 15).

Two records are candidates when they share a birth date (or its year, where only the year is
known) and either the country of origin and a name alike across transliterations
(``core.names.name_similarity``), or the family code. Records are first grouped by birth day and
country (or family), so a register of 100,000 compares each name with a handful of others.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import Any

from mentorcli.core.names import name_initials, name_similarity, person_name

ALIKE = 85  # a name similarity from which two names are taken for spellings of one
FAMILY_BONUS = 20  # the same family code makes one person likelier
OTHER_SEX = 30  # a different sex makes it less likely (but a sex can be recorded wrong)
UNNAMED = 50  # the name similarity assumed when one of the two has no name

SAME_BIRTH_DATE = "same-birth-date"
SAME_BIRTH_YEAR = "same-birth-year"  # one of the two has a year of birth only
SAME_COUNTRY = "same-country"
SAME_FAMILY = "same-family"
SIMILAR_NAME = "similar-name"
OTHER_SEX_REASON = "different-sex"


@dataclass(frozen=True)
class Registered:
    """What the comparison needs of one client; the name stays in memory, never in the result."""

    code: str
    sex: str
    born: date
    born_year_only: bool
    country: str
    family: str | None
    name: str | None


@dataclass(frozen=True)
class Candidate:
    code: str
    other: str
    score: int
    reasons: tuple[str, ...]


def candidate(a: Registered, b: Registered) -> Candidate | None:
    """The pair as a candidate (``a`` first), or None when nothing makes them one person."""
    if a.born.year != b.born.year or (a.born != b.born and not (a.born_year_only or b.born_year_only)):
        return None
    same_country, same_family = a.country == b.country, a.family is not None and a.family == b.family
    if not (same_country or same_family):
        return None
    alike = UNNAMED
    if a.name and b.name:
        alike = name_similarity(person_name(a.name), person_name(b.name))
    similar = a.name is not None and b.name is not None and alike >= ALIKE
    if not (same_family or (same_country and similar)):
        return None
    reasons = [SAME_BIRTH_DATE if a.born == b.born and a.born_year_only == b.born_year_only else SAME_BIRTH_YEAR]
    reasons += [SAME_COUNTRY] * same_country + [SAME_FAMILY] * same_family + [SIMILAR_NAME] * similar
    score = alike + FAMILY_BONUS * same_family
    if a.sex != b.sex:
        reasons.append(OTHER_SEX_REASON)
        score -= OTHER_SEX
    return Candidate(a.code, b.code, max(0, min(100, score)), tuple(reasons))


def candidates(people: Iterable[Registered]) -> list[Candidate]:
    """Every candidate pair among ``people``, the likeliest first.

    Only records that share a block are compared: born the same day in the same country or the
    same family. A record with a year of birth alone is compared with its family of that year, and
    with those of its country and year whose names have a word beginning with the same consonant
    (transliterations keep it: Yusuf, Юсуф, يوسف), not with everyone born that year.
    """
    people = list(people)
    loose_countries = {(p.country, p.born.year) for p in people if p.born_year_only}
    loose_families = {(p.family, p.born.year) for p in people if p.born_year_only and p.family}
    blocks: dict[tuple[Any, ...], list[Registered]] = defaultdict(list)
    loose: dict[tuple[Any, ...], list[Registered]] = defaultdict(list)
    for p in people:
        if not p.born_year_only:
            blocks[("country", p.country, p.born)].append(p)
            if p.family:
                blocks[("family", p.family, p.born)].append(p)
        if p.name and (p.country, p.born.year) in loose_countries:
            for initial in name_initials(person_name(p.name)):
                loose[("name", p.country, p.born.year, initial)].append(p)
        if p.family and (p.family, p.born.year) in loose_families:
            loose[("family", p.family, p.born.year)].append(p)
    pairs = [pair for block in blocks.values() for pair in combinations(block, 2)]
    pairs += [(p, q) for block in loose.values() for p in block if p.born_year_only for q in block if q is not p]
    seen: set[tuple[str, str]] = set()
    found = []
    for pair in pairs:
        a, b = sorted(pair, key=lambda p: p.code)
        if (a.code, b.code) not in seen:
            seen.add((a.code, b.code))
            if (c := candidate(a, b)) is not None:
                found.append(c)
    return sorted(found, key=lambda c: (-c.score, c.code, c.other))


def matches(new: Registered, people: Iterable[Registered]) -> list[Candidate]:
    """The registered ``people`` that ``new`` is probably one of, the likeliest first."""
    found = [c for p in people if p.code != new.code and (c := candidate(new, p)) is not None]
    return sorted(found, key=lambda c: (-c.score, c.other))
