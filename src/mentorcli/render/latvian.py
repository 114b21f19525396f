"""Latvian paragraphs a coordinator can paste: the month report in the words of seed 002, the year,
two years side by side and the population in those of the social portrait (seed 001).

Latvian nouns agree with the number before them: a number ending in 1, but not in 11, takes the
singular (1, 21, 31, 101 klients); every other number, 0 and 11-19 included, the plural
(2, 11, 22 klienti).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mentorcli.core.dates import fmt_lv, month_end
from mentorcli.core.disclosure import HIDDEN
from mentorcli.core.places import MUCENIEKI, RIGA

# Month names in the locative ("in July": jūlijā).
MONTHS_LOCATIVE = (
    "janvārī",
    "februārī",
    "martā",
    "aprīlī",
    "maijā",
    "jūnijā",
    "jūlijā",
    "augustā",
    "septembrī",
    "oktobrī",
    "novembrī",
    "decembrī",
)

# (singular, plural) in the nominative; the dative where a decision is given "to" clients.
CLIENT = ("klients", "klienti")
CLIENT_DATIVE = ("klientam", "klientiem")
WOMAN = ("sieviete", "sievietes")
MAN = ("vīrietis", "vīrieši")
CHILD = ("bērns", "bērni")
SOCIAL_WORKER = ("sociālais darbinieks", "sociālie darbinieki")
MENTOR = ("sociālais mentors", "sociālie mentori")
PERSON = ("persona", "personas")
PERSON_DATIVE = ("personai", "personām")
FAMILY = ("ģimene", "ģimenes")
INDIVIDUAL = ("indivīds", "indivīdi")
# Years of age: "32 gadi", "no 31 gada" / "no 32 gadiem", "uz 31 gadu" / "uz 33 gadiem".
YEARS = ("gads", "gadi")
YEARS_FROM = ("gada", "gadiem")
YEARS_TO = ("gadu", "gadiem")
SERVICE = "sociālā darbinieka un sociālā mentora pakalpojumu"
MUCENIEKI_CENTRE = "Patvēruma meklētāju centra „Mucenieki”"


class Hidden(Exception):
    """A figure a published report hides as ``x``: the words that would state it are left out."""


Figure = int | str  # a count, or in a published report the mark of a hidden one ("<5", "x")


def singular(n: Figure) -> bool:
    return isinstance(n, int) and n % 10 == 1 and n % 100 != 11


def count(n: Figure, forms: tuple[str, str]) -> str:
    """``21 bērns``, ``22 bērni``, ``11 bērni``; ``mazāk nekā 5 bērni`` for a hidden small count."""
    if isinstance(n, str):
        if not n.startswith("<"):
            raise Hidden(n)
        return f"mazāk nekā {n[1:]} {forms[1]}"
    return f"{n} {forms[0] if singular(n) else forms[1]}"


def _some(*items: tuple[Figure, tuple[str, str]]) -> list[str]:
    """The counts that may be stated, in order; hidden ones left out."""
    out = []
    for n, forms in items:
        try:
            out.append(count(n, forms))
        except Hidden:
            continue
    return out


def _unless_hidden(sentences: list[str], make: Callable[[], str]) -> None:
    """Add the sentence unless it would state a hidden figure."""
    try:
        sentences.append(make())
    except Hidden:
        return


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " un " + parts[-1]


def month_paragraph(fig: Mapping[str, Any]) -> str:
    """Seed 002's opening, with the figures of ``report month``."""
    first = date.fromisoformat(fig["month"] + "-01")
    when = f"{first.year}. gada {MONTHS_LOCATIVE[first.month - 1]}"
    staff = fig["staff"]
    sentences = []
    if staff["social_workers"] or staff["mentors"]:
        who = _join([count(staff["social_workers"], SOCIAL_WORKER), count(staff["mentors"], MENTOR)])
        sentences.append(
            f"{when[0].upper()}{when[1:]} {who} nodrošināja sociālā darbinieka un sociālā mentora pakalpojumu."
        )
    kinds = _some((fig["women"], WOMAN), (fig["men"], MAN), (fig["children"], CHILD))
    sentences.append(
        f"Sociālā darbinieka un sociālā mentora pakalpojumu {when} saņēma {count(fig['served'], CLIENT)}"
        + (", no tiem " + _join(kinds) if kinds else "")
        + "."
    )
    places = fig["by_residence"]
    centre, riga = places.get(MUCENIEKI, 0), places.get(RIGA, 0)
    # Everyone served lives somewhere: elsewhere is what the two named places leave of the total.
    elsewhere = fig["served"] - centre - riga if isinstance(centre, int) and isinstance(riga, int) else HIDDEN
    stated = [
        (n, place)
        for n, place in (
            (centre, "Patvēruma meklētāju centrā „Mucenieki”"),
            (riga, "Rīgā"),
            (elsewhere, "citur Latvijā"),
        )
        if n and n != HIDDEN
    ]
    parts = [f"{count(n, CLIENT)}{' dzīvoja' if not i else ''} {place}" for i, (n, place) in enumerate(stated)]
    if parts:
        sentences.append(_join(parts) + ".")
    sentences.append(_decisions(fig["decisions"], when))
    _unless_hidden(
        sentences,
        lambda: (
            f"Uz {fmt_lv(month_end(first))}. Administratīvās tiesas lēmumu pēc pārsūdzēta PMLP lēmuma gaida "
            f"{count(fig['awaiting_court'], CLIENT)}."
        ),
    )
    return " ".join(sentences)


def _decisions(d: Mapping[str, Figure], when: str) -> str:
    """A decision hidden as ``x`` is left out; "nobody" is said only of decisions known to be none."""

    def stated(key: str, forms: tuple[str, str], words: str) -> list[str]:
        return [f"{words}{c}" for c in _some((d[key], forms))] if d.get(key) else []

    given = [
        *stated("refugee", CLIENT_DATIVE, "bēgļa statusu "),
        *stated("alternative", CLIENT_DATIVE, "alternatīvo statusu "),
        *stated("temporary-protection", CLIENT_DATIVE, "pagaidu aizsardzību "),
    ]
    parts = []
    if given:
        parts.append(f"{when[0].upper()}{when[1:]} PMLP piešķīra " + _join(given) + ".")
    refused = stated("refused", CLIENT, "")
    if refused:
        parts.append(f"PMLP atteikumu par statusa piešķiršanu saņēma {refused[0]}.")
    court = [*stated("court-positive", CLIENT, "pozitīvu – "), *stated("court-negative", CLIENT, "negatīvu – ")]
    if court:
        parts.append("Administratīvās tiesas lēmumu saņēma: " + _join(court) + ".")
    elif not d.get("court-positive") and not d.get("court-negative"):
        parts.append(f"Administratīvās tiesas lēmumu {when} nesaņēma neviens klients.")
    final = stated("final-refusal", CLIENT_DATIVE, "")
    if final:
        parts.append(f"Galīgais lēmums par atteikumu stājās spēkā {final[0]}.")
    if not any(d.get(k) for k in ("refugee", "alternative", "temporary-protection", "refused")):
        parts.insert(0, f"PMLP lēmumu {when} nesaņēma neviens klients.")
    return " ".join(parts)


def whole(x: float) -> int:
    """The portrait speaks in whole years and whole percents, rounded half up (41.8 % is ~42 %)."""
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pct(x: float | str | None) -> str:
    if isinstance(x, str):
        raise Hidden(x)
    return f"~{whole(x)} %" if x is not None else ""


def year_paragraph(fig: Mapping[str, Any]) -> str:
    """Seed 001's sentences for one year of ``report year``."""
    y = fig["year"]
    if not fig["unique_persons"]:
        return f"{y}. gadā {SERVICE} nesaņēma neviena persona."
    shares = fig["shares"]
    first_time = _some((fig["first_time"], PERSON_DATIVE))
    sentences = [
        f"{y}. gadā sociālie darbinieki un sociālie mentori sniedza atbalstu {count(fig['unique_persons'], PERSON_DATIVE)}"
        " – patvēruma meklētājiem, bēgļiem un personām ar alternatīvo statusu"
        + "".join(f", t.sk. {n}, kas pirmreizēji {y}. gadā uzsāka saņemt šo pakalpojumu" for n in first_time)
        + "."
    ]
    rel, ind = fig["by_route"]["relocation"], fig["by_route"]["independent"]
    _unless_hidden(
        sentences,
        lambda: (
            f"No tām {count(rel, PERSON)} ({_pct(shares['relocation'])}) ir pārvietot{'a' if singular(rel) else 'as'} "
            f"ES pārvietošanas programmā un {count(ind, PERSON)} ({_pct(shares['independent'])}) ir "
            f"ieradu{'sies' if singular(ind) else 'šās'} Latvijā patstāvīgi."
        ),
    )
    _unless_hidden(
        sentences,
        lambda: (
            f"Bērnu skaits sastādīja {_pct(shares['children'])} no kopējā apkalpoto personu skaita, sieviešu skaits – "
            f"{_pct(shares['women'])}, vīriešu skaits – {_pct(shares['men'])}."
        ),
    )
    ages = [
        f"{who} vidējais vecums – {count(whole(age), YEARS)}"
        for who, age in (("vīriešu", fig["average_age"]["men"]), ("sieviešu", fig["average_age"]["women"]))
        if isinstance(age, float)
    ]
    if ages:
        text = _join(ages)
        sentences.append(f"{text[0].upper()}{text[1:]}.")
    # Over extracts there is no staff (SPEC 10, not_in_extracts): the sentence is left out.
    staff = {k: whole(v) for k, v in fig.get("staff_average", {"social_workers": 0, "mentors": 0}).items()}
    if staff["social_workers"] or staff["mentors"]:
        who = _join([count(staff["social_workers"], SOCIAL_WORKER), count(staff["mentors"], MENTOR)])
        sentences.append(f"Pakalpojumu vidēji gadā nodrošināja {who}.")
    return " ".join(sentences)


def _age_change(who: str, before: float | None, now: float | None) -> tuple[bool, str] | None:
    if before is None or now is None:
        return None
    a, b = whole(before), whole(now)
    if a == b:
        return False, f"{who} vidējais vecums – {count(b, YEARS)} nav mainījies"
    way = "palielinājies" if b > a else "samazinājies"
    return True, f"{who} vidējais vecums ir {way} no {count(a, YEARS_FROM)} uz {count(b, YEARS_TO)}"


def comparison_paragraph(cmp: Mapping[str, Any]) -> str:
    """Seed 001's comparison of two years: persons served, average ages, the share of children."""
    now, before = cmp["year"], cmp["compare"]
    y, p = now["year"], before["year"]
    sentences = [
        f"{p}. gadā {SERVICE} saņēma {count(before['unique_persons'], PERSON)}, {y}. gadā – "
        f"{count(now['unique_persons'], PERSON)}, t.sk. {count(now['first_time'], PERSON)} pirmreizēji."
    ]
    ages = [
        c
        for who, key in (("vīriešu", "men"), ("sieviešu", "women"))
        if (c := _age_change(who, before["average_age"][key], now["average_age"][key]))
    ]
    if ages:
        joiner = ", bet " if len({changed for changed, _ in ages}) > 1 else " un "
        sentences.append(f"Salīdzinot ar {p}. gadu " + joiner.join(text for _, text in ages) + ".")
    c_before, c_now = before["shares"]["children"], now["shares"]["children"]
    if c_before is not None and c_now is not None:
        if whole(c_before) == whole(c_now):
            sentences.append(
                f"Savukārt bērnu skaits ir palicis nemainīgs, jo gan {p}. gadā, gan {y}. gadā tas sastādīja "
                f"{_pct(c_now)} no kopējā apkalpoto personu skaita."
            )
        else:
            sentences.append(
                f"Savukārt bērnu skaits {p}. gadā sastādīja {_pct(c_before)}, bet {y}. gadā – {_pct(c_now)} "
                "no kopējā apkalpoto personu skaita."
            )
    return " ".join(sentences)


def population_paragraph(fig: Mapping[str, Any]) -> str:
    """Seed 001's sentence on where the people served live on a day."""
    day = fmt_lv(fig["on"])
    out = fig["outside_mucenieki"]
    n = out["persons"]
    if n == HIDDEN:
        first = ""
    elif not n:
        first = (
            f"Uz {day}. ārpus {MUCENIEKI_CENTRE} Latvijā nedzīvoja neviena persona, "
            f"kura saņēma vai bija saņēmusi {SERVICE}."
        )
    else:
        one = singular(n)
        households = _some(
            *((k, forms) for k, forms in ((out["families"], FAMILY), (out["individuals"], INDIVIDUAL)) if k)
        )
        first = (
            f"Uz {day}. Latvijā (ārpus {MUCENIEKI_CENTRE}) dzīvoja {count(n, PERSON)}, "
            f"{'kura' if one else 'kuras'} saņēma vai {'kura' if one else 'kuras'} bija "
            f"{'saņēmusi' if one else 'saņēmušas'} sociālā darbinieka un sociālā mentora pakalpojumus"
            + (f", proti, {_join(households)}." if households else ".")
        )
    now = fig["served_now"]
    today = (
        "" if now == HIDDEN else f", no kurām {str(now).replace('<', 'mazāk nekā ')} tajā dienā saņēma šo pakalpojumu"
    )
    return f"{first} Kopā Latvijā dzīvoja {count(fig['persons'], PERSON)}{today}.".strip()
