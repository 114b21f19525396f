"""Figures safe to publish (SPEC 10 "Publishing"): small counts hidden, and none computable back.

A report is a nested dict of figures. Its ``Layout`` says which figures are tied to which: the
breakdowns whose parts add up to a total, the figures that stay exact (totals, staff, names of
the period), the figures computed from others (a share, an average) and the breakdowns whose small
keys are pooled under one key (``by_country`` -> ``other``). Every other whole number is a count
of persons: from 1 to the threshold T it is hidden (primary suppression, shown ``<T+1``).

A reader who knows a total, the visible parts and that a ``<T+1`` cell lies in 0..T could still
work a hidden cell out (one hidden part; or all hidden parts at T). So, for each breakdown, while a
hidden cell is determined by the rest, the smallest visible part is hidden as well (complementary
suppression): ``<T+1`` when it is at most T, else ``x`` (hidden, any value). When no visible part is
left, a ``<T+1`` cell is shown as ``x`` instead, which widens what a reader can tell about it.

Pure: no I/O; a layout is data, so any report (a funder's combined one included) can declare its own.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

HIDDEN = "x"  # a hidden figure of any value
OTHER = "other"  # the key that pools the small keys of a grouped breakdown


@dataclass(frozen=True)
class Breakdown:
    """``parts`` (patterns of dotted paths, ``*`` one key) add up to ``total``; ``exclude`` drops paths."""

    total: str
    parts: tuple[str, ...]
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    breakdowns: tuple[Breakdown, ...] = ()
    exact: tuple[str, ...] = ()  # patterns never hidden: totals, staff, the period's names
    derived: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # path -> the paths it is computed from
    grouped: tuple[str, ...] = ()  # breakdowns whose hidden keys are pooled under OTHER


@dataclass(frozen=True)
class Published:
    figures: dict[str, Any]  # the report, hidden figures None
    suppressed: tuple[str, ...]  # dotted paths of the hidden figures, sorted
    marks: Mapping[str, str]  # path -> "<5" or "x": what people see in place of a hidden figure

    def as_json(self) -> dict[str, Any]:
        return {**self.figures, "suppressed": list(self.suppressed)}

    def shown(self) -> dict[str, Any]:
        """The report with each hidden figure's mark in its place (tables, CSV, xlsx, paragraphs)."""
        out = copy.deepcopy(self.figures)
        for path, mark in self.marks.items():
            _set(out, path, mark)
        return out


def matches(pattern: str, path: str) -> bool:
    a, b = pattern.split("."), path.split(".")
    return len(a) == len(b) and all(p in ("*", q) for p, q in zip(a, b, strict=True))


def leaves(obj: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for k, v in obj.items():
        if isinstance(v, Mapping):
            yield from leaves(v, f"{prefix}{k}.")
        else:
            yield f"{prefix}{k}", v


def _find(obj: Mapping[str, Any], path: str) -> Any:
    """The value at ``path``, or None where the report has no such key."""
    for key in path.split("."):
        if not isinstance(obj, Mapping) or key not in obj:
            return None
        obj = obj[key]
    return obj


def _set(obj: dict[str, Any], path: str, value: Any) -> None:
    *up, last = path.split(".")
    for key in up:
        obj = obj[key]
    obj[last] = value


def _count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def pool(counts: Mapping[str, int], threshold: int) -> dict[str, int]:
    """The keys from 1 to T pooled under OTHER; while the pool is itself small, the next smallest key joins it.

    The pool ends empty, above T, or holding everything (then it is the breakdown's total, no secret).
    """
    small = {k for k, n in counts.items() if 1 <= n <= threshold}
    rest = sorted((n, k) for k, n in counts.items() if k not in small and n > 0)
    pooled = sum(counts[k] for k in small)
    while 0 < pooled <= threshold and rest:
        n, k = rest.pop(0)
        small.add(k)
        pooled += n
    out = {k: n for k, n in counts.items() if k not in small}
    if small:
        out[OTHER] = pooled
    return out


def publish(fig: Mapping[str, Any], layout: Layout, threshold: int) -> Published:
    """``fig`` with its counts from 1 to ``threshold`` hidden and no hidden count computable back."""
    out: dict[str, Any] = copy.deepcopy(dict(fig))
    exact = list(layout.exact)
    for path in layout.grouped:
        if (counts := _find(out, path)) is not None:
            _set(out, path, pool(counts, threshold))
            exact.append(f"{path}.{OTHER}")
    values = dict(leaves(out))
    marks: dict[str, str] = {}
    small = f"<{threshold + 1}"
    for path, v in values.items():
        if _count(v) and 1 <= v <= threshold and not any(matches(p, path) for p in exact):
            marks[path] = small
    sums = [
        (b.total, parts, [p for p in parts if not any(matches(e, p) for e in exact)])
        for b in layout.breakdowns
        if b.total in values
        and (
            parts := [
                p
                for p in values
                if p != b.total and any(matches(q, p) for q in b.parts) and not any(matches(e, p) for e in b.exclude)
            ]
        )
    ]
    changed = True
    while changed:  # a cell hidden for one breakdown may be the total of another
        changed = False
        for total, parts, hideable in sums:
            while _determined(total, parts, values, marks, threshold):
                if not _widen(parts, hideable, values, marks, threshold):
                    break
                changed = True
    for path, sources in layout.derived.items():
        if path in values and any(s in marks for s in sources):
            marks.setdefault(path, HIDDEN)
    for path in marks:
        _set(out, path, None)
    return Published(out, tuple(sorted(marks)), marks)


def bounds(path: str, values: Mapping[str, Any], marks: Mapping[str, str], threshold: int) -> tuple[float, float]:
    """What a reader knows of a figure: its value, 0..T under ``<T+1``, any count under ``x``."""
    mark = marks.get(path)
    if mark is None:
        return values[path], values[path]
    return (0, threshold) if mark != HIDDEN else (0, math.inf)


def _determined(
    total: str, parts: Sequence[str], values: Mapping[str, Any], marks: Mapping[str, str], threshold: int
) -> bool:
    """Whether a hidden part, or a hidden total, has one possible value given the rest (one sum, boxes)."""
    lo_t, hi_t = bounds(total, values, marks, threshold)
    box = [bounds(p, values, marks, threshold) for p in parts]
    lo_sum, hi_sum = sum(b[0] for b in box), sum(b[1] for b in box)
    if total in marks and max(lo_t, lo_sum) == min(hi_t, hi_sum):
        return True
    for i, p in enumerate(parts):
        if p in marks:
            # The others' sums computed without this part: inf - inf would be nan.
            lo, hi = box[i]
            others_lo = sum(b[0] for j, b in enumerate(box) if j != i)
            others_hi = sum(b[1] for j, b in enumerate(box) if j != i)
            if max(lo, lo_t - others_hi) == min(hi, hi_t - others_lo):
                return True
    return False


def _widen(
    parts: Sequence[str], hideable: Sequence[str], values: Mapping[str, Any], marks: dict[str, str], threshold: int
) -> bool:
    """Hide the smallest visible part, or else show a ``<T+1`` part as ``x``; False when neither is left."""
    visible = sorted((values[p], p) for p in hideable if p not in marks and _count(values[p]))
    if visible:
        n, path = visible[0]
        marks[path] = f"<{threshold + 1}" if n <= threshold else HIDDEN
        return True
    narrow = sorted((values[p], p) for p in parts if marks.get(p, HIDDEN) != HIDDEN)
    if narrow:
        marks[narrow[-1][1]] = HIDDEN
        return True
    return False


# --- the layouts of the reports (SPEC 5) ------------------------------------------------------------


def _people(prefix: str = "") -> tuple[Breakdown, ...]:
    served = f"{prefix}served"
    return tuple(
        Breakdown(served, (f"{prefix}{b}.*",)) for b in ("by_country", "by_residence", "by_route", "by_status")
    )


def month_layout() -> Layout:
    return Layout(
        breakdowns=(
            Breakdown("served", ("women", "men", "children")),
            Breakdown("served", ("new", "resumed", "continuing")),
            *_people(),
        ),
        exact=("month", "served", "staff.*"),
        derived={"average_age.women": ("women",), "average_age.men": ("men",)},
        grouped=("by_country",),
    )


def period_layout(exit_reasons: Sequence[str]) -> Layout:
    """The month's ties, each reason's exits by route, the state at the end, and the shares."""
    month = month_layout()
    return Layout(
        breakdowns=(
            *month.breakdowns,
            *(Breakdown(f"exits.{r}", (f"exits_by_route.{r}.*",)) for r in exit_reasons),
            *_people("active_at_end."),
        ),
        exact=(*month.exact, "from", "to", "year", "unique_persons", "active_at_end.served", "staff_average.*"),
        derived={
            **month.derived,
            "first_time": ("new",),
            "shares.children": ("children",),
            "shares.women": ("women",),
            "shares.men": ("men",),
            "shares.relocation": ("by_route.relocation",),
            "shares.independent": ("by_route.independent",),
        },
        grouped=month.grouped,
    )


def population_layout() -> Layout:
    outside = "outside_mucenieki.persons"
    return Layout(
        breakdowns=(
            Breakdown("persons", ("by_residence.*",)),
            Breakdown("persons", ("by_status.*",)),
            Breakdown("persons", ("served_now", "served_before")),
            Breakdown("persons", ("by_residence.mucenieki", outside)),
            Breakdown(outside, ("by_residence.*",), exclude=("by_residence.mucenieki",)),
        ),
        exact=("on", "persons"),
    )
