"""The month report as a Latvian paragraph a coordinator can paste into the monthly report (seed 002).

Latvian nouns agree with the number before them: a number ending in 1, but not in 11, takes the
singular (1, 21, 31, 101 klients); every other number, 0 and 11-19 included, the plural
(2, 11, 22 klienti).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
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
