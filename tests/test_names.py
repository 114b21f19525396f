"""Names that cannot split silently: places, countries, staff and languages (issue 19)."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework_helpers import MENTOR, WORKER, clients, team
from conftest import Run, add_client
from mentorcli.core.countries import parse_country
from mentorcli.core.errors import InputError
from mentorcli.core.languages import parse_language
from mentorcli.core.names import Names, fold
from mentorcli.core.places import MUCENIEKI, parse_residence, place_key, places

Refused = Callable[..., Any]
FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "places.md"


def residence(run: Run, code: str) -> str:
    return str(run("client", "show", code, "--format", "json").json()["residence"])


# --- residences -------------------------------------------------------------------------------
def test_spellings_of_one_place_are_one_key_and_tables_show_its_name(run: Run) -> None:
    for code, typed in (("A", "cesis"), ("B", "Cēsis"), ("C", "CĒSIS"), ("D", "Cesu novads"), ("E", "Rīga")):
        add_client(run, code, residence=typed, intake="2020-03-10")
    assert [residence(run, c) for c in "ABCDE"] == ["cesis", "cesis", "cesis", "cesu-novads", "riga"]
    table = run("client", "list").out
    assert "Cēsis" in table and "Cēsu novads" in table and "Rīga" in table and "cesu-novads" not in table
    assert "cesu-novads" in run("client", "list", "--format", "csv").out
    fig = run("report", "month", "2020-03", "--format", "json").json()
    assert fig["by_residence"] == {"cesis": 3, "cesu-novads": 1, "mucenieki": 0, "riga": 1}
    shown = run("report", "month", "2020-03").out
    assert re.search(r"\nCēsis +3\n", shown) and re.search(r"\nRīga +1\n", shown)
    assert [r["code"] for r in run("client", "list", "--residence", "CESIS", "--format", "json").json()] == [
        "A",
        "B",
        "C",
    ]


def test_a_move_is_stored_as_a_key_and_said_by_its_name(run: Run) -> None:
    add_client(run, "A", residence='PMIC "Mucenieki"')
    assert residence(run, "A") == MUCENIEKI
    res = run("client", "move", "A", "--residence", "jurmala", "--date", "2020-06-01")
    assert res.out.strip() == "A: lives in Jūrmala from 01.06.2020"
    assert residence(run, "A") == "jurmala"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Rigaa", "residence: 'Rigaa' is not a place in Latvia (did you mean Rīga?)"),
        ("mucineki", "residence: 'mucineki' is not a place in Latvia (did you mean Mucenieki?)"),
        ("cesu", "(did you mean Cēsu novads?)"),
        ("Atlantis", "is not a place in Latvia (a municipality, city or town, or mucenieki: see docs/places.md)"),
    ],
)
def test_an_unknown_place_is_refused_with_the_nearest_names(run: Run, refused: Refused, typed: str, says: str) -> None:
    add_client(run, "A")
    refused("client", "move", "A", "--residence", typed, "--date", "2020-06-01", says=says)
    refused(
        "client", "add", "B", "--sex", "M", "--born", "1990", "--country", "SY", "--arrived", "2020-03-10",
        "--route", "independent", "--residence", typed, says=says,
    )  # fmt: skip


def test_migration_maps_old_residences_and_languages_and_keeps_what_it_cannot(run: Run, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "schema-v4.db", db)
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        INSERT INTO clients (code, sex, born, country, arrived, route, residence, created)
            VALUES ('OLD-2', 'M', '1980-01-01', 'IQ', '2020-03-10', 'independent', 'Cēsis', 'x'),
                   ('OLD-3', 'M', '1980-01-01', 'IQ', '2020-03-10', 'independent', 'Rigaa', 'x');
        INSERT INTO events (client_id, date, event, value, recorded)
            VALUES (1, '2020-07-01', 'move', 'rigas', 'x'), (2, '2020-07-01', 'move', 'mucineki', 'x');
        INSERT INTO staff (name, role, active_from) VALUES ('Anna Bērziņa', 'mentor', '2020-01-01');
        INSERT INTO activities (date, type, staff_id, interpreter) VALUES ('2020-03-20', 'interpreter', 1, 'arabic'),
            ('2020-03-21', 'interpreter', 1, 'martian');
        """
    )
    conn.commit()
    conn.close()
    res = run("--db", db, "client", "list", "--format", "json")
    assert {c["code"]: c["residence"] for c in res.json()} == {"OLD-1": "riga", "OLD-2": "mucineki", "OLD-3": "Rigaa"}
    assert res.err.splitlines() == [
        "client OLD-3: residence 'Rigaa' is kept as it was: it is not a known place",
        "client OLD-2 move on 2020-07-01: residence 'mucineki' is kept as it was: it is not a known place",
        "activity 2: interpreter 'martian' is kept as it was: it is not a known language",
    ]
    shown = run("--db", db, "client", "show", "OLD-2", "--format", "json")
    assert shown.err == ""
    info = run("--db", db, "db", "info", "--format", "json")
    assert info.err == ""
    assert info.json()["unmapped"] == res.err.splitlines()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT residence FROM clients ORDER BY id").fetchall() == [
        ("mucenieki",),
        ("cesis",),
        ("Rigaa",),
    ]
    assert conn.execute("SELECT interpreter FROM activities ORDER BY id").fetchall() == [("ar",), ("martian",)]
    conn.close()
    # Corrected, a value leaves the list: a second move on the same day replaces the first.
    run("--db", db, "client", "move", "OLD-2", "--residence", "mucenieki", "--date", "2020-07-01")
    run("--db", db, "client", "edit", "OLD-3", "--residence", "riga")
    assert run("--db", db, "db", "info", "--format", "json").json()["unmapped"] == [res.err.splitlines()[2]]


# --- countries --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Turcija", "TR"),
        ("Palestīna", "PS"),
        ("palestina", "PS"),
        ("Sīrijas Arābu Republika", "SY"),
        ("bezvalstnieks", "XX"),
        ("stateless", "XX"),
        ("XX", "XX"),
        ("nezināma", "ZZ"),
        ("unknown", "ZZ"),
        ("Kongo DR", "CD"),
        ("Kongo Republika", "CG"),
    ],
)
def test_countries_by_their_latvian_and_english_names(run: Run, typed: str, code: str) -> None:
    add_client(run, "A", country=typed)
    assert run("client", "show", "A", "--format", "json").json()["country"] == code


def test_an_ambiguous_country_is_refused_with_its_candidates(run: Run, refused: Refused) -> None:
    add_client(run, "A")
    res = refused("client", "edit", "A", "--country", "Kongo", says="country: 'Kongo' is ambiguous: ")
    assert "CD (" in res.err and "CG (" in res.err


def test_reports_name_stateless_and_unknown_in_latvian(run: Run) -> None:
    add_client(run, "A", country="bezvalstnieks", intake="2020-03-10")
    add_client(run, "B", country="Turcija", intake="2020-03-10")
    add_client(run, "C", country="ZZ", intake="2020-03-10")
    shown = run("--lang", "lv", "report", "month", "2020-03").out
    assert re.search(r"\nBezvalstnieks +1\n", shown) and re.search(r"\nTurcija +1\n", shown)
    assert re.search(r"\nNezināma +1\n", shown)


# --- staff ------------------------------------------------------------------------------------
def test_staff_named_without_diacritics_or_case(run: Run, tmp_path: Path) -> None:
    team(run)
    clients(run, tmp_path, ["A-1"])
    run("assign", "A-1", "--worker", "Janis Ozols", "--mentor", "anna bērziņa", "--from", "2020-03-01")
    (assigned,) = run("plan", "show", "A-1", "--format", "json").json()["assignments"]
    assert (assigned["worker"], assigned["mentor"]) == (WORKER, MENTOR)
    run("activity", "add", "A-1", "--type", "interpreter", "--date", "2020-03-05", "--staff", "ANNA BERZINA")
    assert run("activity", "list", "--staff", "anna berzina", "--format", "json").json()[0]["staff"] == MENTOR
    res = run("staff", "add", "Pēteris Ūdris", "--role", "mentor", "--from", "2020-01-01", "--team", "janis ozols")
    assert res.out.strip() == f"Pēteris Ūdris: mentor from 01.01.2020, in the team of {WORKER}"
    res = run("staff", "team", "peteris udris", "--worker", "JĀNIS OZOLS", "--from", "2020-02-01", ok=False)
    assert "already in the team of Jānis Ozols" in res.err
    assert run("staff", "end", "peteris udris", "--date", "2020-12-31").out.startswith("Pēteris Ūdris: last day")


def test_staff_names_that_fold_alike_must_be_typed_apart(run: Run, refused: Refused) -> None:
    run("staff", "add", "Anna Bērziņa", "--role", "mentor", "--from", "2020-01-01")
    run("staff", "add", "Anna Berziņa", "--role", "mentor", "--from", "2020-01-01")
    refused(
        "staff", "end", "anna berzina", "--date", "2020-12-31",
        says="staff: 'anna berzina' is ambiguous: Anna Berziņa or Anna Bērziņa",
    )  # fmt: skip
    assert run("staff", "end", "Anna Berziņa", "--date", "2020-12-31").out.startswith("Anna Berziņa:")
    refused("staff", "end", "Ana Bērziņa", "--date", "2020-12-31", says="(did you mean Anna Berziņa or Anna Bērziņa?)")


# --- interpreter languages --------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "code"), [("arabic", "ar"), ("ar", "ar"), ("arābu", "ar"), ("Dari", "prs")])
def test_interpreter_language_by_code_or_name(run: Run, tmp_path: Path, typed: str, code: str) -> None:
    team(run)
    clients(run, tmp_path, ["A-1"])
    run("activity", "add", "A-1", "--type", "interpreter", "--date", "2020-03-05", "--staff", MENTOR,
        "--interpreter", typed)  # fmt: skip
    assert run("activity", "list", "--format", "json").json()[0]["interpreter"] == code


def test_interpreter_languages_in_activities_csv_and_refusals(run: Run, tmp_path: Path, refused: Refused) -> None:
    team(run)
    clients(run, tmp_path, ["A-1"])
    path = tmp_path / "activities.csv"
    path.write_text(
        "code,date,type,staff,minutes,interpreter,note\n"
        "A-1,2020-03-05,interpreter,anna berzina,30,persiešu,\n"
        "A-1,2020-03-06,interpreter,Anna Bērziņa,30,farsi,\n",
        encoding="utf-8",
    )
    run("import", "activities", path)
    assert [a["interpreter"] for a in run("activity", "list", "--format", "json").json()] == ["fa", "fa"]
    refused(
        "activity", "add", "A-1", "--type", "interpreter", "--date", "2020-03-07", "--staff", MENTOR,
        "--interpreter", "arabik", says="--interpreter: 'arabik' is not a language (did you mean ar (Arabic)",
    )  # fmt: skip


# --- the core ---------------------------------------------------------------------------------
def test_the_list_holds_the_municipalities_of_iso_3166_2_lv() -> None:
    import pycountry

    iso = {s.code for s in pycountry.subdivisions.get(country_code="LV")}
    listed = {p.iso_3166_2 for p in places().values() if p.iso_3166_2}
    assert listed == iso and len(iso) == 43
    kinds = [p.kind for p in places().values()]
    assert (kinds.count("state-city"), kinds.count("municipality"), kinds.count("city")) == (7, 36, 3)
    assert kinds.count("town") == 67 and kinds.count("centre") == 1


def test_docs_list_every_place() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert all(f"| {p.name} | `{p.key}` |" in text for p in places().values())


def test_keys_are_lower_case_ascii_with_hyphens() -> None:
    for p in places().values():
        assert p.key.isascii() and p.key == p.key.lower() and " " not in p.key, p.key
        assert parse_residence(p.key) == p.key


@given(st.sampled_from(sorted(places())), st.data())
def test_any_case_with_or_without_diacritics_names_the_same_place(key: str, data: st.DataObject) -> None:
    name = places()[key].name
    bare = fold(name)
    typed = "".join(
        data.draw(st.sampled_from([a.upper(), a.lower(), b.upper(), b])) for a, b in zip(name, bare, strict=True)
    )
    assert parse_residence(typed) == key
    assert place_key(typed) == key


@given(st.text(alphabet="AaĀāEeĒēIiĪīSsŠš Zz", max_size=12))
def test_the_resolver_finds_a_name_in_every_spelling_or_refuses(text: str) -> None:
    names = Names("a name").extend([("Āna Šēla", "1"), ("Ana Sela", "2"), ("Zane", "3")])
    try:
        found = names.find(text, "x")
    except InputError as e:
        assert "ambiguous" in str(e) or "is not a name" in str(e) or "is needed" in str(e)
    else:
        assert fold(text) in {fold("Āna Šēla"), "zane"}
        assert found in {"1", "2", "3"}


def test_core_parsers_refuse_without_prompting() -> None:
    with pytest.raises(InputError, match="ambiguous"):
        parse_country("congo")
    with pytest.raises(InputError, match="did you mean"):
        parse_language("arabik")


@pytest.mark.parametrize(("typed", "code"), [("ari", "ari"), ("per", "fa"), ("fas", "fa"), ("Persian", "fa")])
def test_a_language_code_wins_over_a_name_spelt_like_it(typed: str, code: str) -> None:
    assert parse_language(typed) == code
