"""``report forecast`` for people (table, md) and as CSV: one row a week, then when a family fits."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mentorcli.render.labels import label
from mentorcli.render.output import render
from mentorcli.render.screen import cell, rows_screen, show

COLUMNS = ("week_start", "free_social_worker", "free_mentor", "waiting", "freed_social_worker", "freed_mentor")


def _freed(by_name: Mapping[str, int], names: bool) -> Any:
    """The places a role frees in the week: per person on a screen, the total in CSV."""
    if not names:
        return sum(by_name.values())
    return ", ".join(f"{name} {n}" for name, n in by_name.items() if n)


def rows(fig: Mapping[str, Any], names: bool) -> list[dict[str, Any]]:
    return [
        {
            "week_start": w["week_start"],
            "free_social_worker": w["free_places"]["social_worker"],
            "free_mentor": w["free_places"]["mentor"],
            "waiting": w["waiting"],
            "freed_social_worker": _freed(w["freed"]["social_worker"], names),
            "freed_mentor": _freed(w["freed"]["mentor"], names),
        }
        for w in fig["weeks"]
    ]


def forecast_text(fig: Mapping[str, Any], fmt: str, family: int, lang: str) -> str:
    if fmt == "csv":
        return render(rows(fig, names=False), "csv", COLUMNS)
    screen = rows_screen(rows(fig, names=True), COLUMNS, lang, label("h:report-forecast", lang))
    fits = fig["first_week_for_family"]
    if fits is None:
        said = label("h:family-does-not-fit", lang).format(k=family, n=len(fig["weeks"]))
    else:
        said = label("h:family-fits", lang).format(k=family, day=cell(fits, lang))
    screen.notes.append(said)
    return show(screen, fmt)
