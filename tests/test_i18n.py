"""The Latvian interface: every message and help text has a translation, and the CLI speaks it."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from conftest import Run
from mentorcli.core.errors import InputError
from mentorcli.core.messages import N_, NP_
from mentorcli.render import i18n

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "src/mentorcli/locale/lv/LC_MESSAGES/mentorcli.po"
MO = PO.with_suffix(".mo")
CLIENT = ("client", "add", "LSK-1", "--sex", "F", "--born", "1990-05-01", "--country", "SY")
CLIENT_REST = ("--arrived", "2020-03-10", "--route", "relocation", "--residence", "mucenieki")


def _catalogue() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="lv")


def _extracted() -> set[str]:
    """What ``pybabel extract -F babel.cfg -k NP_:1,2 src`` finds today (docs/translations.md)."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)  # type: ignore[no-untyped-call]
    keywords = {"N_": None, "NP_": (1, 2)}
    found = extract_from_dir(ROOT / "src", method_map, options_map, keywords=keywords)
    return {msg if isinstance(msg, str) else msg[0] for _, _, msg, _, _ in found}


def test_every_message_in_the_code_is_in_the_catalogue_and_translated() -> None:
    catalogue = _catalogue()
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}
    new = _extracted() - known
    assert not new, f"not in the catalogue (run the update in docs/translations.md): {sorted(new)[:5]}"
    untranslated = [
        m.id for m in catalogue if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    assert not untranslated, f"no Latvian for: {untranslated[:5]}"
    assert not [m.id for m in catalogue if m.id and m.fuzzy], "fuzzy entries are guesses, not translations"


def test_a_translation_keeps_the_places_of_its_message() -> None:
    for m in _catalogue():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string or ())
        wanted = set(re.findall(r"\{[^}]*\}", ids[-1]))
        for s in strings:
            assert set(re.findall(r"\{[^}]*\}", s)) == wanted, (m.id, s)


def test_the_compiled_catalogue_is_the_po_file() -> None:
    """The .mo ships in the package (no Babel at run time); it must be compiled from the .po as it is."""
    fresh = io.BytesIO()
    write_mo(fresh, _catalogue())
    fresh.seek(0)
    with MO.open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    assert shipped._catalog == gettext.GNUTranslations(fresh)._catalog, "run: pybabel compile (docs/translations.md)"  # type: ignore[attr-defined]


@given(st.integers(min_value=0, max_value=10_000))
def test_latvian_number_agreement(n: int) -> None:
    i18n.use("lv")
    try:
        said = i18n.tr(NP_("{file}: imported {n} client", "{file}: imported {n} clients", n, file="a.csv"))
    finally:
        i18n.use("en")
    # 1, 21, 31 … 101 klients; 11, 111 and every other number klienti (SPEC 5).
    singular = n % 10 == 1 and n % 100 != 11
    assert said == f"a.csv: {'importēts' if singular else 'importēti'} {n} {'klients' if singular else 'klienti'}"


def test_a_message_is_its_english_text_until_the_cli_translates_it() -> None:
    from datetime import date

    msg = N_("{code} is not served on {day}", code="A-1", day=date(2020, 7, 31))
    assert msg == "A-1 is not served on 31.07.2020"
    assert str(InputError(msg, field="date")) == "date: A-1 is not served on 31.07.2020"
    i18n.use("lv")
    try:
        assert i18n.tr(msg) == "A-1 31.07.2020. pakalpojumu nesaņem"
    finally:
        i18n.use("en")


def test_an_unknown_code_is_refused_in_latvian(run: Run) -> None:
    run(*CLIENT, *CLIENT_REST)
    res = run("--lang", "lv", "client", "show", "NOPE", ok=False)
    assert res.code == 2
    assert res.err == "mentorcli: code: 'NOPE' nav reģistrā\n"
    assert run("client", "show", "NOPE", ok=False).err == "mentorcli: code: 'NOPE' is not in the register\n"


def test_help_is_latvian(run: Run) -> None:
    out = run("--lang", "lv", "client", "add", "--help").out
    assert out.startswith("Lietojums: mentorcli client add")
    for said in ("Reģistrēt klientu;", "Argumenti:", "Opcijas:", "[obligāts]", "Parādīt šo palīdzību", "Piemērs:"):
        assert said in out
    assert "Register a client" not in out
    assert "Register a client" in run("client", "add", "--help").out


def test_a_bad_choice_and_a_missing_option_are_refused_in_latvian(run: Run) -> None:
    res = run("--lang", "lv", *CLIENT, "--arrived", "2020-03-10", "--route", "bus", "--residence", "riga", ok=False)
    assert res.code == 2
    assert res.err == "mentorcli: --route: 'bus' nav viena no šīm vērtībām: relocation, independent\n"
    res = run("--lang", "lv", *CLIENT, ok=False)
    assert res.code == 2 and "Trūkst opcijas '--arrived'." in res.err


def test_confirmations_agree_with_their_number(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORCLI_LANG", "lv")
    rows = [f"K-{i},,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,," for i in range(1, 22)]
    header = "code,name,sex,born,country,arrived,route,residence,family,intake"
    for n, said in ((1, "importēts 1 klients"), (2, "importēti 2 klienti"), (11, "importēti 11 klienti")):
        f = tmp_path / f"c{n}.csv"
        f.write_text("\n".join([header, *rows[:n]]) + "\n", encoding="utf-8")
        assert run("import", "clients", f, "--dry-run").out == f"c{n}.csv: tiktu {said}\n"
    f = tmp_path / "c21.csv"
    f.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    assert run("import", "clients", f).out == "c21.csv: importēts 21 klients\n"


def test_a_latvian_confirmation_writes_the_date_with_its_full_stop(run: Run) -> None:
    run(*CLIENT, *CLIENT_REST, "--intake", "2020-03-10")
    out = run("--lang", "lv", "status", "grant", "LSK-1", "refugee", "--date", "14.05.2020").out
    assert out == "LSK-1: piešķirts bēgļa statuss 14.05.2020.; tiesības uz pakalpojumu līdz 14.05.2021.\n"


def test_the_language_kept_in_the_database_and_what_wins_over_it(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    run(*CLIENT, *CLIENT_REST)
    assert run("db", "set", "lang", "lv").out == "lang = lv\n"
    assert run("client", "show", "NOPE", ok=False).err == "mentorcli: code: 'NOPE' nav reģistrā\n"
    assert run("client", "show", "--help").out.startswith("Lietojums:")
    assert run("--lang", "en", "client", "show", "NOPE", ok=False).err.endswith("is not in the register\n")
    monkeypatch.setenv("MENTORCLI_LANG", "en")
    assert run("client", "show", "NOPE", ok=False).err.endswith("is not in the register\n")
    monkeypatch.delenv("MENTORCLI_LANG")
    assert run("db", "info", "--format", "json").json()["settings"] == {"lang": "lv"}
    assert any(e["table"] == "settings" for e in run("audit", "--format", "json").json())
    res = run("db", "set", "lang", "de", ok=False)
    assert res.code == 2 and res.err == "mentorcli: value: 'de' nav viena no šīm vērtībām: en, lv\n"
    res = run("db", "set", "colour", "red", ok=False)
    assert res.code == 2 and "'colour'" in res.err
    run("db", "set", "lang", "en")
    assert run("client", "show", "NOPE", ok=False).err.endswith("is not in the register\n")


def test_no_message_is_built_where_the_extraction_cannot_see_it() -> None:
    """An error or a said line made with an f-string could never be translated: N_ it instead."""
    import ast
    import builtins

    built = []
    for path in sorted((ROOT / "src/mentorcli").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.JoinedStr):
                continue
            name = str(getattr(node.func, "id", None) or getattr(node.func, "attr", ""))
            ours = name.endswith(("Error", "NotFound", "BadParameter")) and not hasattr(builtins, name)
            if ours or name in ("say", "N_", "NP_", "confirm", "prompt"):
                built.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    # Python's own errors (a TypeError) are programming errors, never shown to a user as such.
    assert built == [], built
