"""Latvian paragraphs a coordinator can paste: the month report in the words of seed 002, the year,
two years side by side and the population in those of the social portrait (seed 001).

Latvian nouns agree with the number before them: a number ending in 1, but not in 11, takes the
singular (1, 21, 31, 101 klients); every other number, 0 and 11-19 included, the plural
(2, 11, 22 klienti).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from mentorcli.core.dates import fmt_lv, month_end
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


def singular(n: int) -> bool:
    return n % 10 == 1 and n % 100 != 11


def count(n: int, forms: tuple[str, str]) -> str:
    """``21 bērns``, ``22 bērni``, ``11 bērni``."""
    return f"{n} {forms[0] if singular(n) else forms[1]}"


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
    sentences.append(
        f"Sociālā darbinieka un sociālā mentora pakalpojumu {when} saņēma {count(fig['served'], CLIENT)}, no tiem "
        + _join([count(fig["women"], WOMAN), count(fig["men"], MAN), count(fig["children"], CHILD)])
        + "."
    )
    places = dict(fig["by_residence"])
    where = [
        (places.pop(MUCENIEKI, 0), "Patvēruma meklētāju centrā „Mucenieki”"),
        (places.pop(RIGA, 0), "Rīgā"),
        (sum(places.values()), "citur Latvijā"),
    ]
    parts = [
        f"{count(n, CLIENT)}{' dzīvoja' if not i else ''} {place}"
        for i, (n, place) in enumerate(w for w in where if w[0])
    ]
    if parts:
        sentences.append(_join(parts) + ".")
    sentences.append(_decisions(fig["decisions"], when))
    sentences.append(
        f"Uz {fmt_lv(month_end(first))}. Administratīvās tiesas lēmumu pēc pārsūdzēta PMLP lēmuma gaida "
        f"{count(fig['awaiting_court'], CLIENT)}."
    )
    return " ".join(sentences)


def _decisions(d: Mapping[str, int], when: str) -> str:
    given = []
    if d.get("refugee"):
        given.append(f"bēgļa statusu {count(d['refugee'], CLIENT_DATIVE)}")
    if d.get("alternative"):
        given.append(f"alternatīvo statusu {count(d['alternative'], CLIENT_DATIVE)}")
    if d.get("temporary-protection"):
        given.append(f"pagaidu aizsardzību {count(d['temporary-protection'], CLIENT_DATIVE)}")
    parts = []
    if given:
        parts.append(f"{when[0].upper()}{when[1:]} PMLP piešķīra " + _join(given) + ".")
    if d.get("refused"):
        parts.append(f"PMLP atteikumu par statusa piešķiršanu saņēma {count(d['refused'], CLIENT)}.")
    court = []
    if d.get("court-positive"):
        court.append(f"pozitīvu – {count(d['court-positive'], CLIENT)}")
    if d.get("court-negative"):
        court.append(f"negatīvu – {count(d['court-negative'], CLIENT)}")
    if court:
        parts.append("Administratīvās tiesas lēmumu saņēma: " + _join(court) + ".")
    else:
        parts.append(f"Administratīvās tiesas lēmumu {when} nesaņēma neviens klients.")
    if d.get("final-refusal"):
        parts.append(f"Galīgais lēmums par atteikumu stājās spēkā {count(d['final-refusal'], CLIENT_DATIVE)}.")
    if not given and not d.get("refused"):
        parts.insert(0, f"PMLP lēmumu {when} nesaņēma neviens klients.")
    return " ".join(parts)


def whole(x: float) -> int:
    """The portrait speaks in whole years and whole percents, rounded half up (41.8 % is ~42 %)."""
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _pct(x: float | None) -> str:
    return f"~{whole(x)} %" if x is not None else ""


def year_paragraph(fig: Mapping[str, Any]) -> str:
    """Seed 001's sentences for one year of ``report year``."""
    y = fig["year"]
    if not fig["unique_persons"]:
        return f"{y}. gadā {SERVICE} nesaņēma neviena persona."
    shares = fig["shares"]
    sentences = [
        f"{y}. gadā sociālie darbinieki un sociālie mentori sniedza atbalstu {count(fig['unique_persons'], PERSON_DATIVE)}"
        f" – patvēruma meklētājiem, bēgļiem un personām ar alternatīvo statusu, t.sk. "
        f"{count(fig['first_time'], PERSON_DATIVE)}, kas pirmreizēji {y}. gadā uzsāka saņemt šo pakalpojumu."
    ]
    rel, ind = fig["by_route"]["relocation"], fig["by_route"]["independent"]
    sentences.append(
        f"No tām {count(rel, PERSON)} ({_pct(shares['relocation'])}) ir pārvietot{'a' if singular(rel) else 'as'} "
        f"ES pārvietošanas programmā un {count(ind, PERSON)} ({_pct(shares['independent'])}) ir "
        f"ieradu{'sies' if singular(ind) else 'šās'} Latvijā patstāvīgi."
    )
    sentences.append(
        f"Bērnu skaits sastādīja {_pct(shares['children'])} no kopējā apkalpoto personu skaita, sieviešu skaits – "
        f"{_pct(shares['women'])}, vīriešu skaits – {_pct(shares['men'])}."
    )
    ages = [
        f"{who} vidējais vecums – {count(whole(age), YEARS)}"
        for who, age in (("vīriešu", fig["average_age"]["men"]), ("sieviešu", fig["average_age"]["women"]))
        if age is not None
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
    if not n:
        first = (
            f"Uz {day}. ārpus {MUCENIEKI_CENTRE} Latvijā nedzīvoja neviena persona, "
            f"kura saņēma vai bija saņēmusi {SERVICE}."
        )
    else:
        one = singular(n)
        households = [
            count(k, forms) for k, forms in ((out["families"], FAMILY), (out["individuals"], INDIVIDUAL)) if k
        ]
        first = (
            f"Uz {day}. Latvijā (ārpus {MUCENIEKI_CENTRE}) dzīvoja {count(n, PERSON)}, "
            f"{'kura' if one else 'kuras'} saņēma vai {'kura' if one else 'kuras'} bija "
            f"{'saņēmusi' if one else 'saņēmušas'} sociālā darbinieka un sociālā mentora pakalpojumus, "
            f"proti, {_join(households)}."
        )
    return f"{first} Kopā Latvijā dzīvoja {count(fig['persons'], PERSON)}, no kurām {fig['served_now']} tajā dienā saņēma šo pakalpojumu."
