"""One person, one record (issue 15): probable duplicates found across scripts and spellings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import Run, add_client
from mentorcli.core.duplicates import Registered, candidates, matches
from mentorcli.core.names import name_similarity, person_name

SPELLINGS = ("Mohammed", "Muhammad", "Мухаммад", "محمد", "Muhammads")


def test_one_name_in_latin_cyrillic_and_arabic_script_born_the_same_day_in_syria_is_found(run: Run) -> None:
    for i, name in enumerate(SPELLINGS, start=1):
        res = add_client(run, f"D-{i}", born="1990-05-01", name=name)
        assert res.code == 0  # a warning, never a refusal
        if i > 1:
            assert f"warning: D-{i} may be the same person as D-1 (" in res.err
            assert name not in res.err
    add_client(run, "D-9", born="1990-05-02", name="Mohammed")  # another birthday: someone else
    found = run("client", "duplicates", "--format", "json").json()
    pairs = {(p["code"], p["other_code"]) for p in found}
    assert pairs == {(f"D-{i}", f"D-{j}") for i in range(1, 6) for j in range(i + 1, 6)}
    assert all("similar-name" in p["reasons"] and p["score"] >= 85 for p in found)
    assert all("name" not in p and "other_name" not in p for p in found)
    for fmt in ("table", "csv", "md"):
        out = run("client", "duplicates", "--format", fmt).out
        assert "D-1" in out and not any(name in out for name in SPELLINGS)
    named = run("client", "duplicates", "--with-names", "--format", "json").json()
    assert {(p["name"], p["other_name"]) for p in named if p["code"] == "D-1"} >= {("Mohammed", "محمد")}


def test_a_year_alone_and_the_same_family_are_enough(run: Run) -> None:
    add_client(run, "Y-1", born="1985-03-04", name="Jusufs Haddads")
    res = add_client(run, "Y-2", born="1985", name="Yusuf Haddad")
    assert "Y-2 may be the same person as Y-1 (same birth year, same country, similar name)" in res.err
    add_client(run, "F-1", born="2010-06-01", country="AF", family="FAM-1")
    res = add_client(run, "F-2", born="2010-06-01", country="IQ", family="FAM-1", sex="F")
    assert "F-2 may be the same person as F-1 (same birth date, same family, different sex)" in res.err
    res = add_client(run, "N-1", born="2010-06-01", country="AF", name="Olena")  # no family, other name
    assert "warning" not in res.err


def test_import_warns_and_imports_everything(run: Run, tmp_path: Path) -> None:
    add_client(run, "A", born="1990-05-01", name="Fatima Haddad")
    csv = tmp_path / "clients.csv"
    csv.write_text(
        "code,name,sex,born,country,arrived,route,residence\n"
        "B,Фатима Хаддад,F,1990-05-01,Syria,2020-03-10,independent,mucenieki\n"
        "C,Fatima Haddad,F,1991-05-01,SY,2020-03-10,independent,mucenieki\n",
        encoding="utf-8",
    )
    res = run("import", "clients", csv)
    assert "imported 2 clients" in res.out
    assert res.err.count("warning:") == 1 and "B may be the same person as A" in res.err
    assert "Fatima" not in res.err and "Фатима" not in res.err


def test_lv_table(run: Run) -> None:
    add_client(run, "A", name="Ali")
    add_client(run, "B", name="Alijs")
    out = run("--lang", "lv", "client", "duplicates").out
    assert "līdzīgs vārds" in out and "Iespējams, tas pats, kas" in out


# --- the core --------------------------------------------------------------------------------


def _person(code: str, name: str | None, born: date = date(1990, 5, 1), **kw: object) -> Registered:
    fields: dict[str, object] = {"sex": "M", "born_year_only": False, "country": "SY", "family": None} | kw
    return Registered(code=code, name=name, born=born, **fields)  # type: ignore[arg-type]


def test_latvianised_endings_and_transliterations_meet() -> None:
    for a, b in [("Muhammad", "Muhammads"), ("Ali", "Alijs"), ("Yusuf", "Jusufs"), ("Fatima", "فاطمة")]:
        assert name_similarity(person_name(a), person_name(b)) >= 85, (a, b)
    for a, b in [("Muhammad", "Ahmad"), ("Fatima", "Mariam"), ("Muhammad Ali", "Muhammad Hassan")]:
        assert name_similarity(person_name(a), person_name(b)) < 85, (a, b)


def test_different_birth_dates_or_countries_are_not_candidates() -> None:
    people = [
        _person("A", "Mohammed"),
        _person("B", "Muhammad", born=date(1990, 5, 2)),
        _person("C", "Muhammad", country="AF"),
        _person("D", None),
    ]
    assert candidates(people) == []
    assert matches(_person("E", "محمد"), people) != []


names = st.sampled_from(["Mohammed", "Muhammad", "Мухаммад", "محمد", "Ali", "Fatima", "Olena", None])
people = st.lists(
    st.builds(
        _person,
        code=st.text("ABCDEFGH", min_size=1, max_size=3),
        name=names,
        born=st.dates(date(1989, 12, 25), date(1990, 1, 5)),
        born_year_only=st.booleans(),
        country=st.sampled_from(["SY", "AF"]),
        family=st.sampled_from([None, "F1", "F2"]),
    ),
    max_size=12,
    unique_by=lambda p: p.code,
)


@given(people)
def test_the_blocks_find_every_pair_a_comparison_of_all_would(group: list[Registered]) -> None:
    group = [
        _person(p.code, p.name, date(p.born.year, 1, 1) if p.born_year_only else p.born, **_rest(p)) for p in group
    ]
    every = [c for i, p in enumerate(group) for q in group[i + 1 :] for c in matches(p, [q])]
    assert {(c.code, c.other) for c in candidates(group)} == {tuple(sorted((c.code, c.other))) for c in every}


def _rest(p: Registered) -> dict[str, object]:
    return {"born_year_only": p.born_year_only, "country": p.country, "family": p.family, "sex": p.sex}
