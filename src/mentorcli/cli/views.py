"""Plain data about a client, as ``client show`` and ``client list`` print it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from mentorcli.core.dates import age_on

if TYPE_CHECKING:
    from mentorcli.core.eligibility import Timeline
    from mentorcli.store.clients import Record


def client_view(rec: Record, tl: Timeline, today: date, *, with_names: bool) -> dict[str, Any]:
    c = rec.client
    episodes = []
    for e in tl.episodes:
        end, reason = e.as_of(today)
        episodes.append({"start": e.start, "end": end, "end_reason": reason})
    view: dict[str, Any] = {
        "code": c.code,
        "sex": c.sex,
        "born": str(c.born.year) if c.born_year_only else c.born,
        "age": age_on(c.born, today),
        "country": c.country,
        "languages": c.languages,
        "arrived": c.arrived,
        "route": c.route,
        "residence": rec.residence_on(today),
        "family": c.family,
        "status": tl.legal.status_on(today),
        "awaiting_court": tl.legal.awaiting_court_on(today),
        "eligible_until": tl.eligible_until,
        "eligible_today": tl.eligible_on(today),
        "served_today": tl.served_on(today, today),
        "windows": [{"kind": w.kind, "start": w.start, "end": w.end} for w in tl.windows],
        "episodes": episodes,
    }
    if tl.earlier:
        # History from the providers before a takeover: shown, never counted here.
        view["earlier_episodes"] = [
            {"provider": e.provider, "start": e.start, "end": e.end, "end_reason": e.end_reason} for e in tl.earlier
        ]
    if with_names:
        view["name"] = c.name
    return view


LIST_COLUMNS = ("code", "sex", "age", "country", "route", "residence", "status", "eligible_until", "served_today")
