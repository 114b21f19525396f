"""The funder's view over all providers (SPEC 9 and 10): pseudonymous extracts, counted once.

Each provider writes an extract of its own service, each person under a keyed pseudonym (an
HMAC-SHA256 over the name folded to ASCII, the birth date and the sex) that the funder's key
makes the same at every provider and that nobody without the key can compute. The funder joins
the extracts by pseudonym into one client per person and runs the core's own counting over them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from mentorcli.core import counting
from mentorcli.core.counting import ClientFacts, Inputs
from mentorcli.core.eligibility import TRANSFERRED, Episode
from mentorcli.core.errors import InputError
from mentorcli.core.legal import LegalTimeline, StatusEvent
from mentorcli.core.messages import N_
from mentorcli.core.names import fold

KEY_MAGIC = b"MENTORCLI-FUNDER-KEY-1\n"
EXTRACT_MAGIC = b"MENTORCLI-EXTRACT-1\n"
_KEY_BYTES, _KEY_ID, _NONCE = 32, 8, 12
FORMAT, VERSION = "mentorcli-extract", 1
# Figures that need staff or activities, which extracts do not carry (SPEC 10).
NOT_IN_EXTRACTS = ("activities", "staff", "staff_average")


# --- the key ------------------------------------------------------------------------------------


def new_key_file() -> bytes:
    """A new random key, as the text of a key file."""
    return KEY_MAGIC + base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)) + b"\n"


@dataclass(frozen=True)
class Keys:
    """Two keys derived from the funder's: one for pseudonyms, one for sealing extracts."""

    pseudonyms: bytes
    sealing: bytes
    key_id: bytes  # tells an extract of another key from a damaged one


def read_key(text: bytes) -> Keys:
    body = text[len(KEY_MAGIC) :].strip() if text.startswith(KEY_MAGIC) else b""
    try:
        raw = base64.urlsafe_b64decode(body)
    except ValueError:
        raw = b""
    if len(raw) != _KEY_BYTES:
        raise InputError(N_("not a funder key file (make one with 'mentorcli funder key FILE')"), field="--key")
    return Keys(_derive(raw, b"pseudonym"), _derive(raw, b"extract"), _derive(raw, b"key-id")[:_KEY_ID])


def _derive(raw: bytes, purpose: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"mentorcli " + purpose).derive(raw)


def name_key(name: str) -> str:
    """The name as the pseudonym sees it: case, diacritics and scripts folded to plain ASCII."""
    from anyascii import anyascii

    return " ".join(anyascii(fold(name)).lower().split())


def pseudonym(keys: Keys, name: str | None, born: date, sex: str) -> str | None:
    """The same person at every provider under the same key; None without a name (cannot be linked)."""
    if not name or not name_key(name):
        return None
    message = "\x1f".join((name_key(name), born.isoformat(), sex)).encode("utf-8")
    return hmac.new(keys.pseudonyms, message, hashlib.sha256).hexdigest()


def family_pseudonym(keys: Keys, family: str | None) -> str | None:
    """A family code keyed too: a handover keeps the codes, so a family stays one across providers."""
    if not family:
        return None
    return hmac.new(keys.pseudonyms, b"family\x1f" + family.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


# --- sealing --------------------------------------------------------------------------------------


def seal(keys: Keys, content: Mapping[str, Any]) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    plain = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")
    nonce = os.urandom(_NONCE)
    head = EXTRACT_MAGIC + keys.key_id
    return head + nonce + AESGCM(keys.sealing).encrypt(nonce, plain, head)


def unseal(keys: Keys, blob: bytes, name: str) -> bytes:
    """The extract's plain bytes; refused when it is not one, is of another key, or is damaged."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    head_len = len(EXTRACT_MAGIC) + _KEY_ID
    if not blob.startswith(EXTRACT_MAGIC) or len(blob) < head_len + _NONCE + 16:
        raise InputError(N_("{file}: not an extract, or a truncated one", file=name), field="--extract")
    if blob[len(EXTRACT_MAGIC) : head_len] != keys.key_id:
        raise InputError(N_("{file}: an extract made with another key", file=name), field="--extract")
    nonce, sealed = blob[head_len : head_len + _NONCE], blob[head_len + _NONCE :]
    try:
        return AESGCM(keys.sealing).decrypt(nonce, sealed, blob[:head_len])
    except InvalidTag:
        raise InputError(N_("{file}: damaged or truncated", file=name), field="--extract") from None


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One provider's pseudonymous record of one client: no name, no case code."""

    pseudonym: str | None
    facts: ClientFacts  # its ``code`` is the pseudonym (or a stand-in for an unlinked record)


def record(keys: Keys, name: str | None, facts: ClientFacts) -> dict[str, Any]:
    """The extract's record of one client, from the facts the reports count (its own episodes only)."""
    return {
        "pseudonym": pseudonym(keys, name, facts.born, facts.sex),
        "sex": facts.sex,
        "born": facts.born,
        "country": facts.country,
        "route": facts.route,
        "arrived": facts.legal.arrival,
        "family": family_pseudonym(keys, facts.family),
        "residence": facts.residence,
        "moves": [[d, place] for d, place in facts.moves],
        "status": [[e.date, e.event, e.value] for e in facts.legal.events],
        "episodes": [[e.start, e.end, e.end_reason, e.taken_over] for e in facts.episodes],
        "left_latvia": facts.left_latvia,
    }


@dataclass(frozen=True)
class Extract:
    provider: str
    first: date
    last: date
    people: tuple[Person, ...]


def read_extract(plain: bytes, name: str) -> Extract:
    try:
        data = json.loads(plain)
        if data.get("format") != FORMAT or data.get("version") != VERSION:
            raise ValueError
        provider = str(data["provider"])
        people = tuple(_person(provider, i, r) for i, r in enumerate(data["records"]))
        return Extract(provider, _day(data["from"]), _day(data["to"]), people)
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(N_("{file}: not an extract, or a truncated one", file=name), field="--extract") from None


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _opt(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _person(provider: str, i: int, r: Mapping[str, Any]) -> Person:
    code = r["pseudonym"] or f"unlinked:{provider}:{i}"
    episodes = tuple(
        Episode(_day(s), _opt(e), reason, False, bool(taken), provider=provider)
        for s, e, reason, taken in r["episodes"]
    )
    facts = ClientFacts(
        code=code,
        sex=r["sex"],
        born=_day(r["born"]),
        country=r["country"],
        route=r["route"],
        family=r["family"],
        residence=r["residence"],
        moves=tuple((_day(d), place) for d, place in r["moves"]),
        legal=LegalTimeline(_day(r["arrived"]), tuple(StatusEvent(_day(d), ev, v) for d, ev, v in r["status"])),
        episodes=episodes,
        left_latvia=_opt(r["left_latvia"]),
    )
    return Person(r["pseudonym"], facts)


def check_providers(extracts: Sequence[Extract]) -> None:
    seen: set[str] = set()
    for x in extracts:
        if x.provider in seen:
            raise InputError(
                N_("two extracts name the same provider {provider}", provider=x.provider), field="--extract"
            )
        seen.add(x.provider)


# --- one client per person ------------------------------------------------------------------------


@dataclass(frozen=True)
class Combined:
    clients: tuple[ClientFacts, ...]
    records: tuple[tuple[str, ClientFacts], ...]  # (provider, that provider's record) for every record
    unlinked: frozenset[str]  # the codes of persons whose records could not be linked


def combine(extracts: Sequence[Extract]) -> Combined:
    check_providers(extracts)
    linked: dict[str, list[ClientFacts]] = defaultdict(list)
    unlinked: list[ClientFacts] = []
    records: list[tuple[str, ClientFacts]] = []
    for x in extracts:
        for p in x.people:
            records.append((x.provider, p.facts))
            (linked[p.pseudonym] if p.pseudonym else unlinked).append(p.facts)
    clients = [_one_person(facts) for facts in linked.values()] + [_one_person([f]) for f in unlinked]
    return Combined(tuple(clients), tuple(records), frozenset(f.code for f in unlinked))


def _one_person(records: Sequence[ClientFacts]) -> ClientFacts:
    """The person across providers: the histories of the one who served last (a takeover brings the
    earlier ones along), every provider's episodes, a handover joined into one run of service."""
    latest = max(records, key=lambda f: max((e.start for e in f.episodes), default=date.min))
    episodes = _joined(sorted((e for f in records for e in f.episodes), key=lambda e: e.start))
    episodes = [e._replace(first=i == 0) for i, e in enumerate(episodes)]
    left = [f.left_latvia for f in records if f.left_latvia]
    return replace(latest, episodes=tuple(episodes), left_latvia=min(left) if left else None)


def _joined(episodes: Iterable[Episode]) -> list[Episode]:
    """An episode ended ``transferred`` and the next provider's taken over the day after are one:
    for the funder the service did not break, and ``transferred`` is no exit."""
    out: list[Episode] = []
    for e in episodes:
        prev = out[-1] if out else None
        if (
            prev is not None
            and e.taken_over
            and prev.end_reason == TRANSFERRED
            and prev.end is not None
            and (e.start - prev.end).days == 1
        ):
            out[-1] = prev._replace(end=e.end, end_reason=e.end_reason)
        else:
            out.append(e)
    return out


# --- the reports ------------------------------------------------------------------------------------


def _served_by(c: Combined, first: date, last: date, today: date) -> dict[str, set[str]]:
    """Person code -> the providers that served them in ``first..last``."""
    by: dict[str, set[str]] = defaultdict(set)
    for provider, facts in c.records:
        if facts.last_served(first, last, today) is not None:
            by[facts.code].add(provider)
    return by


def _across(c: Combined, by: Mapping[str, set[str]], counted: Iterable[str]) -> dict[str, Any]:
    counted = set(counted)
    providers: dict[str, int] = defaultdict(int)
    for code in counted:
        for p in by.get(code, ()):
            providers[p] += 1
    return {
        "providers": dict(sorted(providers.items())),
        "served_by_several": sum(1 for code in counted if len(by.get(code, ())) > 1),
        "unlinked": len(counted & c.unlinked),
    }


def _without_transferred(fig: dict[str, Any]) -> dict[str, Any]:
    for key in ("exits", "exits_by_route"):
        if key in fig:
            fig[key] = {k: v for k, v in fig[key].items() if k != TRANSFERRED}
    for key in NOT_IN_EXTRACTS:
        fig.pop(key, None)
    fig["not_in_extracts"] = list(NOT_IN_EXTRACTS)
    return fig


def period_report(c: Combined, first: date, last: date, today: date) -> dict[str, Any]:
    fig = counting.period_report(Inputs(c.clients), first, last, today)
    counted = counting.served(c.clients, first, last, today)
    return _without_transferred({**fig, **_across(c, _served_by(c, first, last, today), counted)})


def year_report(c: Combined, year: int, today: date) -> dict[str, Any]:
    """``first_time``: first served by any provider in the year (the joined episodes decide)."""
    fig = counting.year_report(Inputs(c.clients), year, today)
    first, last = date(year, 1, 1), date(year, 12, 31)
    counted = counting.served(c.clients, first, last, today)
    return _without_transferred({**fig, **_across(c, _served_by(c, first, last, today), counted)})


def population_report(c: Combined, on: date, today: date) -> dict[str, Any]:
    fig = counting.population_report(c.clients, on, today)
    persons = [f.code for f in c.clients if f.ever_served_by(on, today) and f.in_latvia_on(on)]
    return {**fig, **_across(c, _served_by(c, date.min, on, today), persons), "not_in_extracts": []}
