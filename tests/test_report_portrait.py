"""The social portrait 2016/2017 (seed 001), figure by figure, rebuilt from client-level records.

Three cohorts: A served in 2016 only (181), B in 2016 and 2017 (161), C first served in 2017 (316).
Birthdays fall on 1 January, so ages are fixed within a year: women of A are 30 in 2016 and women
of B 32 (mean 31), women of B and C are 33 in 2017; men of A are 33 and of B 31 in 2016 (mean 32),
men of B and C 32 in 2017 (in C one adult son of 19 and his grandfather of 45 keep the mean).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import Run
from mentorcli.cli.app import app
from test_report_month import Caseload

TODAY = "2018-01-31"  # the portrait was written early in 2018

BORN_A = {"W": "1986-01-01", "M": "1983-01-01", "C": "2008-01-01"}
BORN_B = {"W": "1984-01-01", "M": "1985-01-01", "C": "2008-01-01"}
BORN_C = {"W": "1984-01-01", "M": "1985-01-01", "C": "2010-01-01", "A": "1998-01-01", "S": "1972-01-01"}

# fate -> arrival (= intake) and the events of every member.
FATES: dict[str, tuple[str, tuple[tuple[str, str, str], ...]]] = {
    # A: relocated, refugee status, left Latvia in September 2016.
    "a-left": ("2016-05-10", (("2016-06-10", "granted", "refugee"), ("2016-09-20", "exit", "left-latvia"))),
    # A: on their own, a final refusal, then left Latvia (no episode open any more).
    "a-refused": (
        "2016-07-01",
        (
            ("2016-08-01", "refused", ""),
            ("2016-10-01", "final-refusal", ""),
            ("2016-10-15", "exit", "left-latvia"),
        ),
    ),
    # A: served once in 2016 and never again: the 3 months ran out on 01.11.2016; they stayed.
    "a-once": ("2016-08-01", ()),
    "a-once-jelgava": ("2016-08-01", (("2017-03-01", "move", "jelgava"),)),
    "a-once-riga": ("2016-08-01", (("2017-03-01", "move", "riga"),)),
    # A: declined the service on the last day of 2016: served in 2016, not in 2017.
    "a-declined": ("2016-10-05", (("2016-12-31", "exit", "declined"),)),
    # B: relocated, refugee status from 10.11.2016 for 12 months (to 10.11.2017).
    "b-left": ("2016-10-10", (("2016-11-10", "granted", "refugee"), ("2017-06-20", "exit", "left-latvia"))),
    "b-riga": ("2016-10-10", (("2016-11-10", "granted", "refugee"), ("2017-01-15", "move", "riga"))),
    "b-left-after": ("2016-10-10", (("2016-11-10", "granted", "refugee"), ("2017-12-01", "exit", "left-latvia"))),
    # B: resumed in 2017 after a gap (window ended 01.11.2016, status 01.02.2017), in Riga, served on.
    "b-resumed": (
        "2016-08-01",
        (("2017-02-01", "granted", "alternative"), ("2017-02-05", "resume", ""), ("2017-03-01", "move", "riga")),
    ),
    # B: the 3 months end on 01.01.2017: served one day of 2017.
    "b-new-year": ("2016-10-01", ()),
    "b-refused": (
        "2016-12-01",
        (
            ("2016-12-20", "refused", ""),
            ("2017-01-05", "appealed", ""),
            ("2017-02-10", "court", "negative"),
            ("2017-02-20", "final-refusal", ""),
            ("2017-03-20", "exit", "left-latvia"),
        ),
    ),
    # C: relocated, refugee status from 10.04.2017 (to 10.04.2018).
    "c-left": ("2017-03-10", (("2017-04-10", "granted", "refugee"), ("2017-08-20", "exit", "left-latvia"))),
    "c-riga": ("2017-03-10", (("2017-04-10", "granted", "refugee"), ("2017-06-01", "move", "riga"))),
    "c-stay": ("2017-03-10", (("2017-04-10", "granted", "refugee"),)),
    # C: on their own, in Mucenieki, the 3 months run to 02.01.2018.
    "c-waiting": ("2017-10-02", ()),
    "c-daugavpils": ("2017-10-02", (("2017-11-01", "move", "daugavpils"),)),
    "c-left-july": ("2017-06-01", (("2017-07-20", "exit", "left-latvia"),)),
    # C: in Riga, left Latvia on the portrait's day (still in Latvia that day) or the day before.
    "c-left-31": ("2017-11-01", (("2017-12-01", "move", "riga"), ("2017-12-31", "exit", "left-latvia"))),
    "c-left-30": ("2017-11-01", (("2017-12-01", "move", "riga"), ("2017-12-30", "exit", "left-latvia"))),
}

# (cell, fate, route, born, families, individuals): families as one letter per member.
LAYOUT: list[tuple[str, str, str, dict[str, str], list[str], str]] = [
    # A (181: 35 women, 64 men, 82 children; 122 relocated).
    ("AL", "a-left", "relocation", BORN_A, ["WMCC"] * 20 + ["WMCCCCC"] * 6, ""),
    ("AR", "a-refused", "independent", BORN_A, ["WMCC"] * 3, "M" * 30 + "W" * 5),
    ("AO", "a-once", "independent", BORN_A, [], "MM"),
    ("AJ", "a-once-jelgava", "independent", BORN_A, ["WMCCCCCC"], ""),
    ("AG", "a-once-riga", "independent", BORN_A, [], "M"),
    ("AD", "a-declined", "independent", BORN_A, [], "M"),
    # B (161: 35 women, 64 men, 62 children; 112 relocated; 13 resumed in 2017).
    ("BL", "b-left", "relocation", BORN_B, ["WMCC"] * 10, ""),
    ("BG", "b-riga", "relocation", BORN_B, ["WMCC"] * 4, ""),
    ("BA", "b-left-after", "relocation", BORN_B, ["WMCC"] * 14, ""),
    ("BR", "b-resumed", "independent", BORN_B, ["WMCCC"] * 2, "MMM"),
    ("BY", "b-new-year", "independent", BORN_B, [], "M"),
    ("BF", "b-refused", "independent", BORN_B, [], "M" * 30 + "W" * 5),
    # C (316: 60 women, 118 men, 138 children; 133 relocated).
    ("CL", "c-left", "relocation", BORN_C, ["WMCCCC"] * 14, ""),
    ("CG", "c-riga", "relocation", BORN_C, ["WMC"] * 3, "MMMMM"),
    ("CS", "c-stay", "relocation", BORN_C, ["WMCCC"] * 7, ""),
    ("CW", "c-waiting", "independent", BORN_C, ["WMCCC"] * 14, "M" * 43 + "W" * 13),
    ("CD", "c-daugavpils", "independent", BORN_C, [], "W"),
    ("CJ", "c-left-july", "independent", BORN_C, ["WMCC"] * 7, "M" * 20),
    ("C1", "c-left-31", "independent", BORN_C, [], "M"),
    ("C0", "c-left-30", "independent", BORN_C, [], "M"),
]

MENTORS = ("Anna", "Baiba", "Dace", "Elza", "Ilze", "Janis", "Karlis", "Liga", "Maris")
STAFF = [
    ("Worker Aija", "social-worker", "", "2016-04-06", ""),
    ("Worker Juris", "social-worker", "", "2016-04-06", ""),
    *[
        (f"Mentor {n}", "mentor", "Worker Aija" if i < 5 else "Worker Juris", "2016-04-06", "")
        for i, n in enumerate(MENTORS)
    ],
    # Mentor Zane hands over to Mentor Zigis mid-2017: 183 + 182 days, one mentor for the year.
    ("Mentor Zane", "mentor", "Worker Juris", "2016-04-06", "2017-07-02"),
    ("Mentor Zigis", "mentor", "Worker Juris", "2017-07-03", ""),
]


def portrait() -> Caseload:
    c = Caseload()
    for cell, fate, route, born, families, individuals in LAYOUT:
        arrived, events = FATES[fate]
        for i, members in enumerate(families):
            c.add(f"{cell}{i}", members, country="SY", arrived=arrived, intake=arrived, route=route,
                  events=events, born=born)  # fmt: skip
        if individuals:
            c.add(cell, individuals, country="AF", arrived=arrived, intake=arrived, route=route, family=False,
                  events=events, born=born)  # fmt: skip
    # C: a family of six in Mucenieki whose adult son moves to Riga on the portrait's day: outside
    # Mucenieki that day, an individual there, while the rest of the family stays.
    son = c.add("CM", "WMASCC", country="IQ", arrived="2017-10-02", intake="2017-10-02", born=BORN_C)[2]
    c.events.append((son, "2017-12-31", "move", "riga"))
    # Never counted: registered, never taken in; taken in after the portrait's day.
    c.add("XR", "W", country="IQ", arrived="2017-05-02", intake=None, born=BORN_C)
    c.add("XN", "M", country="IQ", arrived="2018-01-10", intake="2018-01-10", born=BORN_C)
    return c


def _run(*args: Any) -> Any:
    r = CliRunner().invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, f"exit {r.exit_code}: {r.stderr}{r.stdout}"
    return r


@pytest.fixture(scope="module")
def portrait_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The caseload is imported once, through the CLI, and copied for each test."""
    tmp = tmp_path_factory.mktemp("portrait")
    db = tmp / "portrait.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MENTORCLI_DB", str(db))
        mp.setenv("MENTORCLI_TODAY", TODAY)
        mp.delenv("MENTORCLI_LANG", raising=False)
        portrait().load(_run, tmp)
        staff = tmp / "staff.csv"
        with staff.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([("name", "role", "team", "from", "to"), *STAFF])
        _run("import", "staff", staff)
    return db


@pytest.fixture
def run_portrait(run: Run, db_path: Path, portrait_db: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("MENTORCLI_TODAY", TODAY)
    src, dst = sqlite3.connect(portrait_db), sqlite3.connect(db_path)
    src.backup(dst)
    src.close()
    dst.close()
    return run


def _json(run: Run, *args: str) -> dict[str, Any]:
    return run("report", *args, "--format", "json").json()  # type: ignore[no-any-return]


def test_2016_342_served_all_first_time(run_portrait: Run) -> None:
    y = _json(run_portrait, "year", "2016")
    assert (y["unique_persons"], y["first_time"]) == (342, 342)
    assert y["average_age"] == {"women": 31.0, "men": 32.0}
    assert (y["children"], y["women"], y["men"]) == (144, 70, 128)
    assert y["shares"] == {"children": 42.1, "women": 20.5, "men": 37.4, "relocation": 68.4, "independent": 31.6}
    # December: B but the 13 whose months ran out on 01.11 (they resume in 2017), and the man who
    # declined on 31.12.
    assert y["monthly"]["2016-12"] == 161 - 13 + 1


def test_2017_477_served_316_first_time(run_portrait: Run) -> None:
    y = _json(run_portrait, "year", "2017")
    assert (y["unique_persons"], y["first_time"], y["resumed"], y["continuing"]) == (477, 316, 13, 148)
    assert y["average_age"] == {"women": 33.0, "men": 32.0}
    assert (y["children"], y["women"], y["men"]) == (200, 95, 182)
    assert y["shares"] == {"children": 41.9, "women": 19.9, "men": 38.2, "relocation": 51.4, "independent": 48.6}
    # "On average 2 social workers and 10 mentors": Mentor 10 and Mentor 11 share the year.
    assert y["staff_average"] == {"social_workers": 2.0, "mentors": 10.0}
    assert y["staff"] == {"social_workers": 2, "mentors": 11}
    # January: B but the 13 not yet resumed; February: they are back, the man served on 01.01 is not.
    assert (y["monthly"]["2017-01"], y["monthly"]["2017-02"]) == (161 - 13, 161 - 1)


def test_two_years_658_persons_367_relocated_291_on_their_own(run_portrait: Run) -> None:
    p = _json(run_portrait, "period", "--from", "2016-04-06", "--to", "2017-12-31")
    assert p["unique_persons"] == 658 == 342 + 316
    assert p["by_route"] == {"relocation": 367, "independent": 291}
    assert p["new"] == 658
    assert p["staff_average"] == {"social_workers": 2.0, "mentors": 10.0}
    assert p["shares"]["relocation"] == round(100 * 367 / 658, 1) == 55.8


POPULATION_2017 = {
    "on": "2017-12-31",
    "persons": 225,
    # Mucenieki: 3 of A (the two whose months ran out, the one who declined), the one of B served
    # on 01.01.2017, in C 35 relocated, 127 waiting and 5 of the family whose son moved.
    "by_residence": {"mucenieki": 170, "riga": 46, "jelgava": 8, "daugavpils": 1},
    # Outside: A's family in Jelgava (8) and man in Riga; B's 4 families in Riga, 2 resumed families
    # and 3 resumed men; C's 3 families and 5 men in Riga, the woman in Daugavpils, the man who
    # left Latvia on 31.12 and the son who moved to Riga on 31.12.
    "outside_mucenieki": {"persons": 55, "families": 10, "individuals": 12},
    "by_status": {"asylum-seeker": 147, "refugee": 65, "alternative": 13},
    "served_now": 196,
    "served_before": 29,
}


def test_population_on_31_12_2017_55_outside_mucenieki_10_families_12_individuals(run_portrait: Run) -> None:
    assert _json(run_portrait, "population", "--on", "2017-12-31") == POPULATION_2017
    # The same day as the year report sees it: the served on 31.12 are its active_at_end.
    assert _json(run_portrait, "year", "2017")["active_at_end"]["served"] == POPULATION_2017["served_now"]


def test_population_boundaries_the_day_before_and_after(run_portrait: Run) -> None:
    before = _json(run_portrait, "population", "--on", "30.12.2017")
    # On 30.12 the man who left that day is still in Riga, the son has not moved yet.
    assert before["persons"] == 225 + 1
    assert before["outside_mucenieki"] == {"persons": 55, "families": 10, "individuals": 12}
    assert before["by_residence"]["riga"] == 46 and before["by_residence"]["mucenieki"] == 171
    after = _json(run_portrait, "population", "--on", "2018-01-01")
    assert after["persons"] == 225 - 1
    assert after["outside_mucenieki"] == {"persons": 54, "families": 10, "individuals": 11}
    # Taken in on 10.01.2018: not in the population before that day.
    assert _json(run_portrait, "population", "--on", "2018-01-10")["persons"] == 225 - 1 + 1


def test_population_formats_and_refusals(run_portrait: Run, refused: Any, tmp_path: Path) -> None:
    rows = dict(csv.reader(io.StringIO(run_portrait("report", "population", "--on", "2017-12-31", "-f", "csv").out)))
    assert rows["outside_mucenieki.families"] == "10" and rows["served_before"] == "29"
    md = run_portrait("report", "population", "--on", "2017-12-31", "-f", "md").out
    assert "## Outside Mucenieki" in md and re.search(r"\| Persons +\| \d+ +\|", md)
    out = tmp_path / "population.xlsx"
    run_portrait("report", "population", "--on", "2017-12-31", "-f", "xlsx", "-o", out)
    from openpyxl import load_workbook

    cells = {r[0]: r[1] for r in load_workbook(out)["Outside Mucenieki"].iter_rows(values_only=True)}
    assert cells["Individuals"] == 12
    refused("report", "population", "--on", "2018-02-01", says="--on: 2018-02-01 is after today (2018-01-31)")
    refused("report", "population", "--on", "31.02.2017", says="--on")


def test_latvian_year_text_says_the_shares_as_the_portrait(run_portrait: Run) -> None:
    text = " ".join(run_portrait("--lang", "lv", "report", "year", "2017").out.split())
    assert (
        "2017. gadā sociālie darbinieki un sociālie mentori sniedza atbalstu 477 personām – patvēruma "
        "meklētājiem, bēgļiem un personām ar alternatīvo statusu, t.sk. 316 personām, kas pirmreizēji "
        "2017. gadā uzsāka saņemt šo pakalpojumu."
    ) in text
    assert (
        "No tām 245 personas (~51 %) ir pārvietotas ES pārvietošanas programmā un 232 personas (~49 %) "
        "ir ieradušās Latvijā patstāvīgi."
    ) in text
    assert (
        "Bērnu skaits sastādīja ~42 % no kopējā apkalpoto personu skaita, sieviešu skaits – ~20 %, "
        "vīriešu skaits – ~38 %."
    ) in text
    assert "Vīriešu vidējais vecums – 32 gadi un sieviešu vidējais vecums – 33 gadi." in text
    assert "Pakalpojumu vidēji gadā nodrošināja 2 sociālie darbinieki un 10 sociālie mentori." in text


def test_latvian_population_text(run_portrait: Run) -> None:
    text = " ".join(run_portrait("--lang", "lv", "report", "population", "--on", "2017-12-31").out.split())
    assert (
        "Uz 31.12.2017. Latvijā (ārpus Patvēruma meklētāju centra „Mucenieki”) dzīvoja 55 personas, kuras "
        "saņēma vai kuras bija saņēmušas sociālā darbinieka un sociālā mentora pakalpojumus, proti, "
        "10 ģimenes un 12 indivīdi."
    ) in text


def _numbers(d: dict[str, Any], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for k, v in d.items():
        if isinstance(v, dict):
            out |= _numbers(v, f"{prefix}{k}.")
        elif isinstance(v, int | float) and k != "year":
            out.add(f"{prefix}{k}")
    return out


def test_compare_2017_with_2016(run_portrait: Run) -> None:
    cmp = _json(run_portrait, "year", "2017", "--compare", "2016")
    assert set(cmp) == {"year", "compare", "change"}
    assert cmp["year"] == _json(run_portrait, "year", "2017")
    assert cmp["compare"] == _json(run_portrait, "year", "2016")
    change = cmp["change"]
    assert (change["unique_persons"], change["first_time"]) == (477 - 342, 316 - 342)
    assert change["average_age"] == {"women": 2.0, "men": 0.0}
    assert change["shares"]["children"] == -0.2  # 41.9 - 42.1, exact
    # 2016 has 366 days, 270 of them from 6 April: 2 x 270/366 and 10 x 270/366; the change is exact.
    assert cmp["compare"]["staff_average"] == {"social_workers": 1.5, "mentors": 7.4}
    assert change["staff_average"] == {"social_workers": 0.5, "mentors": 2.6}
    # Months are set against the same month of the other year.
    assert change["monthly"]["01"] == 148 - 0
    assert change["monthly"]["12"] == cmp["year"]["monthly"]["2017-12"] - cmp["compare"]["monthly"]["2016-12"]
    assert "year" not in change and "from" not in change

    # Every number of the year has its change (the months by month of the year).
    both = {
        f"monthly.{k[-2:]}" if k.startswith("monthly.") else k for k in _numbers(cmp["year"]) | _numbers(cmp["compare"])
    }
    assert _numbers(change) == both


def test_compare_refusals(run_portrait: Run, refused: Any) -> None:
    refused("report", "year", "2017", "--compare", "2016", "--format", "xlsx", says="--output")
    refused("report", "year", "2017", "--compare", "1899", says="--compare")


def test_compare_csv_table_and_latvian_paragraph(run_portrait: Run, tmp_path: Path) -> None:
    out = run_portrait("report", "year", "2017", "--compare", "2016", "--format", "csv").out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["key", "year", "compare", "change"]
    by_key = {r["key"]: r for r in rows}
    assert by_key["unique_persons"] == {"key": "unique_persons", "year": "477", "compare": "342", "change": "135"}
    assert by_key["average_age.women"]["change"] == "2.0"
    assert by_key["monthly.01"] == {"key": "monthly.01", "year": "148", "compare": "0", "change": "148"}
    assert by_key["year"] == {"key": "year", "year": "2017", "compare": "2016", "change": ""}
    table = run_portrait("--lang", "lv", "report", "year", "2017", "--compare", "2016").out
    assert "2017" in table.splitlines()[0] and "2016" in table.splitlines()[0]
    text = " ".join(table.split())
    assert (
        "Salīdzinot ar 2016. gadu vīriešu vidējais vecums – 32 gadi nav mainījies, bet sieviešu vidējais "
        "vecums ir palielinājies no 31 gada uz 33 gadiem."
    ) in text
    assert (
        "Savukārt bērnu skaits ir palicis nemainīgs, jo gan 2016. gadā, gan 2017. gadā tas sastādīja ~42 % "
        "no kopējā apkalpoto personu skaita."
    ) in text
    md = run_portrait("report", "year", "2017", "--compare", "2016", "--format", "md").out
    assert re.search(r"\| Persons served +\| 477 +\| 342 +\| 135 +\|", md) and "## Country of origin" in md
    xlsx = tmp_path / "compare.xlsx"
    run_portrait("report", "year", "2017", "--compare", "2016", "--format", "xlsx", "--output", xlsx)
    from openpyxl import load_workbook

    sheet = list(load_workbook(xlsx).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert sheet[0] == ("Figure", "2017", "2016", "Change")
    assert ("Persons served", 477, 342, 135) in sheet
