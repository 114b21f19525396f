"""``report month``: the published July 2020 figures of seed 002, rebuilt from client-level records."""

from __future__ import annotations

import csv
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from conftest import Run, add_client

# Birth dates by role; every adult woman is 33 and every man 32 in July 2020, children are 8.
BORN = {"W": "1987-03-01", "M": "1988-02-01", "C": "2012-05-01", "S": "2002-07-15"}  # S turns 18 on 15.07.2020
SEX = {"W": "F", "M": "M", "C": "M", "S": "M", "A": "M", "D": "F"}  # A an adult son, D an adult daughter


@dataclass
class Caseload:
    """Clients and events laid out by hand, written as the two CSV files a coordinator imports."""

    clients: list[dict[str, str]] = field(default_factory=list)
    events: list[tuple[str, str, str, str]] = field(default_factory=list)

    def add(
        self,
        prefix: str,
        members: str,
        *,
        country: str,
        arrived: str,
        intake: str | None,
        route: str = "independent",
        family: bool = True,
        events: tuple[tuple[str, str, str], ...] = (),
        born: dict[str, str] | None = None,
    ) -> list[str]:
        """A household: ``members`` is one letter per person (W woman, M man, C child, S see BORN).

        With ``family`` the members share a family code; otherwise each is an individual.
        Every event (date, event, value) is recorded for every member.
        """
        codes = []
        for i, m in enumerate(members, start=1):
            code = f"{prefix}-{i:02d}"
            codes.append(code)
            self.clients.append(
                {
                    "code": code,
                    "name": "",
                    "sex": SEX[m],
                    "born": (born or BORN)[m],
                    "country": country,
                    "arrived": arrived,
                    "route": route,
                    "residence": "mucenieki",
                    "family": prefix if family and len(members) > 1 else "",
                    "intake": intake or "",
                }
            )
            self.events.extend((code, *e) for e in events)
        return codes

    def load(self, run: Run, tmp: Path) -> None:
        cpath, epath = tmp / "clients.csv", tmp / "events.csv"
        with cpath.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(self.clients[0]))
            w.writeheader()
            w.writerows(self.clients)
        with epath.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows([("code", "date", "event", "value"), *self.events])
        run("import", "clients", cpath)
        if self.events:
            run("import", "events", epath)


def july_2020() -> Caseload:
    """72 served in July 2020: 16 women, 35 men, 21 children; 61 in Mucenieki, 11 in Riga."""
    c = Caseload()
    # Asylum seekers in Mucenieki (61).
    c.add("J-A1", "M", country="AF", arrived="2020-04-01", intake="2020-04-01")  # window ends 01.07: served in July
    appeal = (("2020-06-01", "refused", ""), ("2020-06-10", "appealed", ""))
    c.add("J-CT", "MMMMMMMMMMWW", country="IQ", arrived="2020-05-05", intake="2020-05-05", family=False, events=appeal)
    c.add("J-CM", "M", country="CM", arrived="2020-06-01", intake="2020-06-01", events=(("2020-07-14", "refused", ""),))
    c.add(
        "J-L1",
        "M",
        country="GE",
        arrived="2020-05-20",
        intake="2020-05-20",
        events=(("2020-07-15", "exit", "left-latvia"),),
    )
    # An exit on the month's last day: served that day, and an exit of the month.
    c.add(
        "J-L2",
        "M",
        country="GE",
        arrived="2020-05-20",
        intake="2020-05-20",
        events=(("2020-07-31", "exit", "left-latvia"),),
    )
    c.add("J-BD", "WMSCC", country="SY", arrived="2020-06-15", intake="2020-06-15")  # S is 18 on 31.07: a man
    for i, country in enumerate(("SY", "SY", "SY", "AF", "AF", "IQ", "IQ")):
        c.add(f"J-F{i}", "WMCC", country=country, arrived="2020-06-01", intake="2020-06-02")
    c.add("J-RU", "WW", country="RU", arrived="2020-06-01", intake="2020-06-02", family=False)
    c.add("J-TJ", "MMMMM", country="TJ", arrived="2020-06-01", intake="2020-06-02", family=False)
    # New in July (5): a family and a man on his own.
    c.add("J-N1", "WMCC", country="AF", arrived="2020-07-06", intake="2020-07-08")
    c.add("J-N2", "M", country="IQ", arrived="2020-07-06", intake="2020-07-08")
    # Status holders in Riga (11): 8 refugees, 3 alternative.
    c.add(
        "J-YE",
        "M",
        country="YE",
        arrived="2020-05-01",
        intake="2020-05-04",
        events=(("2020-07-10", "granted", "refugee"), ("2020-07-20", "move", "riga")),
    )
    # Resumed: the asylum-seeker window ran out on 10.04, status came after a gap.
    c.add(
        "J-RS",
        "W",
        country="SY",
        arrived="2020-01-10",
        intake="2020-01-13",
        events=(("2020-06-25", "granted", "alternative"), ("2020-07-02", "resume", ""), ("2020-07-05", "move", "riga")),
    )
    refugee = (("2019-10-15", "granted", "refugee"), ("2019-11-01", "move", "riga"))
    c.add("J-RF", "WMCCC", country="AF", arrived="2019-09-02", intake="2019-09-02", events=refugee)
    c.add("J-RM", "MM", country="AF", arrived="2019-09-02", intake="2019-09-02", family=False, events=refugee)
    alternative = (("2019-12-20", "granted", "alternative"), ("2020-01-15", "move", "riga"))
    c.add("J-AL", "WM", country="IQ", arrived="2019-11-04", intake="2019-11-04", events=alternative)
    # Not served in July: left on 30.06; registered, never taken in; taken in in August; a client
    # whose window ended on 30.06 and who was granted status in July but not taken back yet.
    c.add(
        "J-X1",
        "M",
        country="SY",
        arrived="2020-05-11",
        intake="2020-05-11",
        events=(("2020-06-30", "exit", "left-latvia"),),
    )
    c.add("J-X2", "W", country="SY", arrived="2020-07-01", intake=None)
    c.add("J-X3", "M", country="SY", arrived="2020-08-01", intake="2020-08-03")
    c.add(
        "J-X4",
        "M",
        country="SY",
        arrived="2020-03-31",
        intake="2020-03-31",
        events=(("2020-07-20", "granted", "refugee"),),
    )
    return c


def add_staff_and_activities(db: Path) -> None:
    """Staff and activities straight into their tables (their commands live on another branch)."""
    conn = sqlite3.connect(db)
    with conn:
        staff = [
            ("Anna", "social-worker", "2019-01-01", None),
            ("Baiba", "social-worker", "2020-02-01", "2020-07-01"),  # active on the 1st: counts
            ("Cilda", "social-worker", "2018-01-01", "2020-06-30"),  # gone before July
            *[(f"Mentor {i}", "mentor", "2019-06-01", None) for i in range(1, 11)],
            ("Mentor 11", "mentor", "2019-06-01", "2020-07-31"),
            ("Mentor 12", "mentor", "2020-08-01", None),  # starts after July
        ]
        conn.executemany("INSERT INTO staff (name, role, active_from, active_to) VALUES (?, ?, ?, ?)", staff)
        ids = {r[0]: r[1] for r in conn.execute("SELECT code, id FROM clients")}
        acts = [
            ("2020-06-30", "accompany-medical", ["J-A1-01"]),
            ("2020-07-01", "documents-pmlp", ["J-YE-01"]),
            ("2020-07-02", "accompany-medical", ["J-A1-01"]),
            ("2020-07-15", "accompany-medical", ["J-F0-03"]),
            ("2020-07-31", "accompany-medical", ["J-BD-04"]),
            # One visit to a family is one activity, however many members it covers.
            ("2020-07-20", "bank-account", ["J-RF-01", "J-RF-02", "J-RF-03", "J-RF-04"]),
            ("2020-08-01", "accompany-medical", ["J-A1-01"]),
        ]
        for day, kind, codes in acts:
            cur = conn.execute("INSERT INTO activities (date, type, staff_id) VALUES (?, ?, 4)", (day, kind))
            conn.executemany(
                "INSERT INTO activity_clients (activity_id, client_id) VALUES (?, ?)",
                [(cur.lastrowid, ids[c]) for c in codes],
            )
    conn.close()


def build_july(run: Run, tmp: Path, db: Path) -> None:
    july_2020().load(run, tmp)
    add_staff_and_activities(db)


EXPECTED_JULY = {
    "month": "2020-07",
    "served": 72,
    "women": 16,
    "men": 35,
    "children": 21,
    # Women are all 33; men 32 but for one who turned 18 on 15.07: (34 * 32 + 18) / 35 = 31.6.
    "average_age": {"women": 33.0, "men": 31.6},
    "by_country": {"AF": 20, "CM": 1, "GE": 2, "IQ": 23, "RU": 2, "SY": 18, "TJ": 5, "YE": 1},
    "by_residence": {"mucenieki": 61, "riga": 11},
    "by_route": {"independent": 72, "relocation": 0},
    "by_status": {"alternative": 3, "asylum-seeker": 61, "refugee": 8},
    "new": 5,
    "resumed": 1,
    "continuing": 66,
    "taken_over": 0,
    "decisions": {
        "alternative": 0,
        "court-negative": 0,
        "court-positive": 0,
        "final-refusal": 0,
        "refugee": 1,
        "refused": 1,
    },
    "awaiting_court": 12,
    "exits": {"declined": 0, "final-refusal": 0, "left-latvia": 2, "non-compliance": 0, "transferred": 0, "other": 0},
    "staff": {"mentors": 11, "social_workers": 2},
    "activities": {
        "accompany-medical": 3,
        "bank-account": 1,
        "cultural-activity": 0,
        "documents-pmlp": 1,
        "family-doctor-registration": 0,
        "family-reunification": 0,
        "housing-search": 0,
        "humanitarian-aid": 0,
        "interpreter": 0,
        "language-course": 0,
        "nva-registration": 0,
        "psychologist": 0,
        "residence-declaration": 0,
        "school-enrolment": 0,
        "social-service": 0,
    },
}


def test_july_2020_equals_seed_002(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    assert run("report", "month", "2020-07", "--format", "json").json() == EXPECTED_JULY


def test_decisions_count_only_clients_served_in_the_month(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    # J-X4 was granted status on 20.07 but was not served in July; taken back in, it counts.
    run("client", "resume", "J-X4-01", "--date", "2020-07-21")
    fig = run("report", "month", "2020-07", "--format", "json").json()
    assert fig["decisions"]["refugee"] == 2
    assert (fig["served"], fig["resumed"], fig["by_status"]["refugee"]) == (73, 2, 9)


def test_nobody_is_served_after_today(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    fig = run("--today", "2020-07-07", "report", "month", "2020-07", "--format", "json").json()
    # The five taken in on 08.07 are not served yet; the decisions and exits come later.
    assert fig["served"] == 72 - 5
    assert fig["new"] == 0
    assert fig["exits"]["left-latvia"] == 0
    assert fig["decisions"]["refugee"] == fig["decisions"]["refused"] == 0
    # On 07.07 the YE client had no status yet and lived in Mucenieki.
    assert fig["by_status"] == {"alternative": 3, "asylum-seeker": 57, "refugee": 7}
    assert fig["by_residence"] == {"mucenieki": 57, "riga": 10}


def test_latvian_paragraph_states_the_json_figures(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    fig = run("report", "month", "2020-07", "--format", "json").json()
    text = run("--lang", "lv", "report", "month", "2020-07").out
    paragraph = text.strip().splitlines()[-1]
    assert paragraph == (
        "2020. gada jūlijā 2 sociālie darbinieki un 11 sociālie mentori nodrošināja sociālā darbinieka un "
        "sociālā mentora pakalpojumu. Sociālā darbinieka un sociālā mentora pakalpojumu 2020. gada jūlijā "
        "saņēma 72 klienti, no tiem 16 sievietes, 35 vīrieši un 21 bērns. 61 klients dzīvoja Patvēruma "
        "meklētāju centrā „Mucenieki” un 11 klienti Rīgā. 2020. gada jūlijā PMLP piešķīra bēgļa statusu "
        "1 klientam. PMLP atteikumu par statusa piešķiršanu saņēma 1 klients. Administratīvās tiesas lēmumu "
        "2020. gada jūlijā nesaņēma neviens klients. Uz 31.07.2020. Administratīvās tiesas lēmumu pēc "
        "pārsūdzēta PMLP lēmuma gaida 12 klienti."
    )
    stated = {
        r"(\d+) sociāl\w+ darbiniek": fig["staff"]["social_workers"],
        r"(\d+) sociāl\w+ mentor": fig["staff"]["mentors"],
        r"gada jūlijā saņēma (\d+)": fig["served"],
        r"(\d+) sievie": fig["women"],
        r"(\d+) vīrie": fig["men"],
        r"(\d+) bērn": fig["children"],
        r"(\d+) klients? dzīvoja Patvēruma": fig["by_residence"]["mucenieki"],
        r"(\d+) klient\w* Rīgā": fig["by_residence"]["riga"],
        r"bēgļa statusu (\d+)": fig["decisions"]["refugee"],
        r"piešķiršanu saņēma (\d+)": fig["decisions"]["refused"],
        r"gaida (\d+)": fig["awaiting_court"],
    }
    for pattern, value in stated.items():
        assert [int(n) for n in re.findall(pattern, paragraph)] == [value], pattern
    # Every number in the text is one of those figures, a year, or the date.
    numbers = re.findall(r"\d+(?:\.\d+)*", paragraph)
    assert len([n for n in numbers if n not in ("2020", "31.07.2020")]) == len(stated)


def test_table_shows_country_names_in_the_chosen_language(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    en = run("report", "month", "2020-07").out
    lv = run("--lang", "lv", "report", "month", "2020-07", "--format", "md").out
    assert re.search(r"\nYemen\s+1\n", en)
    assert re.search(r"\nAfghanistan\s+20\n", en)
    assert re.search(r"\| Jemena\s+\| 1\s+\|", lv)
    assert "Rīgā" not in lv  # the paragraph belongs to the table format only


def test_save_then_diff_shows_late_corrections(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    run("report", "month", "2020-07", "--save")
    assert run("report", "diff", "2020-07", "--format", "json").json() == {}
    assert "no figure changed" in run("report", "diff", "2020-07").out
    # A late correction: a client missed in July is entered in August with an intake in July.
    run(
        "client", "add", "J-LATE", "--sex", "F", "--born", "1990-01-01", "--country", "YE",
        "--arrived", "2020-07-20", "--route", "independent", "--residence", "mucenieki", "--intake", "2020-07-21",
    )  # fmt: skip
    assert run("report", "diff", "2020-07", "--format", "json").json() == {
        "served": {"saved": 72, "now": 73},
        "women": {"saved": 16, "now": 17},
        "new": {"saved": 5, "now": 6},
        "by_country.YE": {"saved": 1, "now": 2},
        "by_residence.mucenieki": {"saved": 61, "now": 62},
        "by_route.independent": {"saved": 72, "now": 73},
        "by_status.asylum-seeker": {"saved": 61, "now": 62},
        "average_age.women": {"saved": 33.0, "now": 32.8},  # (16 * 33 + 30) / 17,
    }
    rows = run("report", "diff", "2020-07", "--format", "csv").out.splitlines()
    assert rows[0] == "figure,saved,now" and "served,72,73" in rows


def test_diff_without_a_saved_report_is_refused(refused, run: Run) -> None:  # type: ignore[no-untyped-def]
    add_client(run, "E-1", intake="2020-03-10")  # served 10.03-10.06 only
    fig = run("report", "month", "2020-07", "--format", "json").json()
    assert (fig["served"], fig["average_age"], fig["by_country"]) == (0, {"women": None, "men": None}, {})
    assert run("report", "month", "2020-06", "--format", "json").json()["served"] == 1
    refused("report", "diff", "2020-07", says="no month report for 2020-07 was saved")


def test_xlsx_needs_output_and_writes_a_sheet(run: Run, refused, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_july(run, tmp_path, db_path)
    refused("report", "month", "2020-07", "--format", "xlsx", says="--output")
    out = tmp_path / "july.xlsx"
    run("report", "month", "2020-07", "--format", "xlsx", "--output", out)
    from openpyxl import load_workbook

    book = load_workbook(out)
    summary = {r[0]: r[1] for r in book["Summary"].iter_rows(values_only=True)}
    countries = {r[0]: r[1] for r in book["Country of origin"].iter_rows(values_only=True)}
    assert summary["Clients served"] == 72 and summary["Children"] == 21 and countries["Yemen"] == 1


def test_csv_and_output_file(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    out = tmp_path / "july.csv"
    run("report", "month", "2020-07", "--format", "csv", "--output", out)
    rows = dict(line.split(",", 1) for line in out.read_text(encoding="utf-8").splitlines())
    assert rows["served"] == "72" and rows["by_country.YE"] == "1" and rows["awaiting_court"] == "12"
