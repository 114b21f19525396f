"""Figures safe to publish (core/disclosure.py): small counts hidden, and no hidden count computable back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mentorcli.core import disclosure as d
from mentorcli.core.eligibility import EXIT_REASONS

T = 4
LAYOUTS = {
    "period": d.period_layout(EXIT_REASONS),
    "population": d.population_layout(),
}


def published(fig: Mapping[str, Any], layout: d.Layout, threshold: int = T) -> d.Published:
    return d.publish(fig, layout, threshold)


def test_a_small_count_is_hidden_and_one_more_of_its_breakdown_with_it() -> None:
    fig = {"month": "2020-07", "served": 30, "women": 3, "men": 12, "children": 15}
    p = published(fig, d.Layout((d.Breakdown("served", ("women", "men", "children")),), exact=("month", "served")))
    # women alone hidden would be 30 - 12 - 15: men, the smaller of the rest, is hidden too
    assert p.suppressed == ("men", "women")
    assert p.marks == {"women": "<5", "men": "x"}
    assert p.as_json() == {
        "month": "2020-07",
        "served": 30,
        "women": None,
        "men": None,
        "children": 15,
        "suppressed": ["men", "women"],
    }
    assert p.shown()["women"] == "<5"


def test_a_zero_protects_a_small_count_when_there_is_one() -> None:
    fig = {"served": 20, "by_route": {"relocation": 2, "independent": 18, "other": 0}}
    p = published(fig, d.Layout((d.Breakdown("served", ("by_route.*",)),), exact=("served",)))
    assert p.marks == {"by_route.relocation": "<5", "by_route.other": "<5"}


def test_parts_all_at_the_threshold_are_widened_to_any_value() -> None:
    # 4 + 4 = 8 with both under "<5" could only be 4 and 4.
    fig = {"served": 8, "by_route": {"relocation": 4, "independent": 4}}
    p = published(fig, d.Layout((d.Breakdown("served", ("by_route.*",)),), exact=("served",)))
    assert set(p.suppressed) == {"by_route.relocation", "by_route.independent"}
    assert sorted(p.marks.values()) == ["<5", "x"]


def test_totals_stay_exact_even_when_small() -> None:
    fig = {"served": 3, "women": 3, "men": 0, "children": 0}
    p = published(fig, d.month_layout())
    assert p.figures["served"] == 3
    assert "served" not in p.suppressed


def test_small_countries_are_pooled_as_other_until_the_pool_is_not_small() -> None:
    fig = {"served": 40, "by_country": {"SY": 30, "IQ": 3, "AF": 7}}
    p = published(fig, d.month_layout())
    # IQ's 3 alone would be a small "other": the next smallest country joins the pool
    assert p.figures["by_country"] == {"SY": 30, "other": 10}
    assert p.suppressed == ()


def test_countries_all_small_pool_into_the_total() -> None:
    fig = {"served": 3, "by_country": {"SY": 2, "IQ": 1}}
    assert published(fig, d.month_layout()).figures["by_country"] == {"other": 3}


def test_a_share_or_an_average_of_a_hidden_count_is_hidden() -> None:
    fig = {
        "unique_persons": 40,
        "served": 40,
        "women": 2,
        "men": 20,
        "children": 18,
        "first_time": 2,
        "new": 2,
        "resumed": 0,
        "continuing": 38,
        "average_age": {"women": 33.5, "men": 30.0},
        "shares": {"women": 5.0, "men": 50.0, "children": 45.0},
    }
    p = published(fig, LAYOUTS["period"])
    assert p.figures["average_age"]["women"] is None
    assert p.figures["shares"]["women"] is None
    assert p.marks["shares.women"] == "x"
    # children, the smaller of the rest, are hidden too (complementary), and their share with them
    assert p.figures["children"] is None and p.figures["shares"]["children"] is None
    assert p.figures["average_age"]["men"] == 30.0 and p.figures["shares"]["men"] == 50.0


def test_staff_are_not_persons_served_and_stay() -> None:
    fig = {"served": 10, "staff": {"social_workers": 2, "mentors": 3}}
    assert published(fig, d.month_layout()).figures["staff"] == {"social_workers": 2, "mentors": 3}


# --- the property: no hidden cell can be worked out -----------------------------------------------


@st.composite
def split(draw: st.DrawFn, total: int, keys: tuple[str, ...]) -> dict[str, int]:
    """``total`` cut at random into the keys (zeros allowed)."""
    cuts = sorted(draw(st.lists(st.integers(0, total), min_size=len(keys) - 1, max_size=len(keys) - 1)))
    edges = [0, *cuts, total]
    return {k: b - a for k, a, b in zip(keys, edges, edges[1:], strict=False)}


@st.composite
def period_reports(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(0, 60))
    countries = draw(st.lists(st.sampled_from(["SY", "IQ", "AF", "ER", "RU", "VN"]), min_size=1, unique=True))
    fig: dict[str, Any] = {"from": "2020-01-01", "to": "2020-12-31", "served": n, "unique_persons": n}
    fig.update(draw(split(n, ("women", "men", "children"))))
    fig.update(draw(split(n, ("new", "resumed", "continuing"))))
    fig["first_time"] = fig["new"]
    fig["by_country"] = {k: v for k, v in draw(split(n, tuple(countries))).items() if v}
    fig["by_residence"] = draw(split(n, ("mucenieki", "riga", "cesis")))
    fig["by_route"] = draw(split(n, ("relocation", "independent")))
    fig["by_status"] = draw(split(n, ("asylum-seeker", "refugee", "alternative")))
    fig["decisions"] = {k: draw(st.integers(0, 8)) for k in ("refugee", "refused")}
    fig["exits"] = {r: draw(st.integers(0, 12)) for r in EXIT_REASONS}
    fig["exits_by_route"] = {r: draw(split(fig["exits"][r], ("relocation", "independent"))) for r in EXIT_REASONS}
    m = draw(st.integers(0, n))
    fig["active_at_end"] = {"served": m, "by_route": draw(split(m, ("relocation", "independent")))}
    fig["active_at_end"]["by_status"] = draw(split(m, ("asylum-seeker", "refugee", "alternative")))
    fig["monthly"] = {"2020-01": draw(st.integers(0, n))}
    fig["shares"] = {k: 1.0 for k in ("children", "women", "men", "relocation", "independent")}
    fig["average_age"] = {"women": 30.0, "men": 31.0}
    fig["staff"] = {"social_workers": 2, "mentors": 3}
    return fig


@st.composite
def population_reports(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(0, 60))
    where = draw(split(n, ("mucenieki", "riga", "cesis", "jelgava")))
    out = n - where["mucenieki"]
    fig: dict[str, Any] = {"on": "2020-07-31", "persons": n, "by_residence": where}
    fig["outside_mucenieki"] = {"persons": out, "families": draw(st.integers(0, out // 2)), "individuals": 0}
    fig["by_status"] = draw(split(n, ("asylum-seeker", "refugee", "alternative")))
    fig.update(draw(split(n, ("served_now", "served_before"))))
    return fig


BIG = 10_000  # "x": any count; a sum of these reports never comes near it


def interval(path: str, values: Mapping[str, Any], marks: Mapping[str, str]) -> range:
    """What a reader of the published report knows of one figure."""
    mark = marks.get(path)
    if mark is None:
        return range(values[path], values[path] + 1)
    if mark == "x":
        return range(0, BIG)
    assert mark == f"<{T + 1}", mark
    return range(0, T + 1)


def sums(ranges: list[range], cap: int) -> set[int]:
    """Every sum the figures can reach, up to ``cap``: enumerated, not the implementation's bounds."""
    reach = {0}
    for r in ranges:
        reach = {s + v for s in reach for v in range(r.start, min(r.stop, cap + 1)) if s + v <= cap}
    return reach


def determined(total: str, parts: list[str], values: Mapping[str, Any], marks: Mapping[str, str]) -> list[str]:
    """The hidden figures of one breakdown that have a single possible value given everything shown."""
    cap = max(values[p] for p in [total, *parts]) * 2 + T + 1
    totals = [t for t in interval(total, values, marks) if t <= cap]
    out = []
    for i, p in enumerate(parts):
        if p not in marks:
            continue
        others = sums([interval(q, values, marks) for j, q in enumerate(parts) if j != i], cap)
        can = {v for v in interval(p, values, marks) if v <= cap and any(t - v in others for t in totals)}
        if len(can) == 1:
            out.append(p)
    if total in marks and len({t for t in totals if t in sums([interval(q, values, marks) for q in parts], cap)}) == 1:
        out.append(total)
    return out


def exact_paths(layout: d.Layout) -> list[str]:
    return [*layout.exact, *(f"{g}.{d.OTHER}" for g in layout.grouped)]


def check(fig: Mapping[str, Any], layout: d.Layout) -> None:
    p = published(fig, layout)
    raw = {k: d.pool(v, T) if k in layout.grouped else v for k, v in fig.items()}
    values = dict(d.leaves(raw))
    shown = dict(d.leaves(p.figures))
    exact = exact_paths(layout)
    for path, v in values.items():
        hidden = path in p.marks
        assert (shown[path] is None) == hidden
        if any(d.matches(e, path) for e in exact):
            assert not hidden, f"{path} is exact"
        elif isinstance(v, int) and 1 <= v <= T:
            assert hidden, f"{path} = {v} is shown"
        if p.marks.get(path, "").startswith("<"):
            assert v <= T, f"{path} = {v} shown as {p.marks[path]}"
    for path, sources in layout.derived.items():
        if path in values and any(s in p.marks for s in sources):
            assert path in p.marks
    for b in layout.breakdowns:
        if b.total not in values:
            continue
        parts = [
            q
            for q in values
            if q != b.total and any(d.matches(x, q) for x in b.parts) and not any(d.matches(e, q) for e in b.exclude)
        ]
        if parts:
            assert sum(values[q] for q in parts) == values[b.total], b
            assert not determined(b.total, parts, values, p.marks), (b, {q: values[q] for q in parts}, p.marks)


@settings(max_examples=300, deadline=None)
@given(period_reports())
def test_no_hidden_cell_of_a_period_report_can_be_worked_out(fig: dict[str, Any]) -> None:
    check(fig, LAYOUTS["period"])


@settings(max_examples=300, deadline=None)
@given(population_reports())
def test_no_hidden_cell_of_a_population_report_can_be_worked_out(fig: dict[str, Any]) -> None:
    check(fig, LAYOUTS["population"])


@settings(max_examples=100, deadline=None)
@given(period_reports(), st.integers(1, 9))
def test_any_threshold_hides_every_count_up_to_it(fig: dict[str, Any], threshold: int) -> None:
    p = d.publish(fig, LAYOUTS["period"], threshold)
    exact = exact_paths(LAYOUTS["period"])
    for path, v in d.leaves(p.figures):
        if isinstance(v, int) and 1 <= v <= threshold:
            assert any(d.matches(e, path) for e in exact), path
