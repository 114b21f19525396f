"""``import clients|events``: the whole file or nothing, and every bad row named."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import Result, Run, snapshot
from mentorcli.cli.common import progress as _progress

CLIENTS_HEADER = "code,name,sex,born,country,arrived,route,residence,family,intake"
EVENTS_HEADER = "code,date,event,value"


def write(tmp_path: Path, name: str, *lines: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def failed(run: Run, db_path: Path, *args: str | Path) -> list[str]:
    """An import that must write nothing: exit 2, no traceback; returns the problem lines."""
    before = snapshot(db_path)
    res = run(*map(str, args), ok=False)
    assert res.code == 2, res.err
    assert "Traceback" not in res.err
    assert snapshot(db_path) == before, "a failed import changed the database"
    return res.err.strip().splitlines()


def show(run: Run, code: str) -> dict[str, object]:
    shown: dict[str, object] = run("client", "show", code, "--format", "json").json()
    return shown


@pytest.fixture
def registered(run: Run, tmp_path: Path) -> Result:
    """Two clients already in the register before the file under test arrives."""
    f = write(
        tmp_path,
        "first.csv",
        CLIENTS_HEADER,
        "A-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,FAM-1,2020-03-10",
        "A-2,,M,1988,SY,2020-03-10,relocation,mucenieki,FAM-1,2020-03-10",
    )
    return run("import", "clients", f)


def test_every_bad_row_is_named_and_nothing_is_written(
    run: Run, db_path: Path, tmp_path: Path, registered: Result
) -> None:
    f = write(
        tmp_path,
        "clients.csv",
        CLIENTS_HEADER,
        "B-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,2020-03-10",
        "B-2,,X,1990-05-01,SY,2020-03-10,relocation,mucenieki,,",
        "B-3,,M,1990-05-01,SY,2020-03-10,relocation,mucenieki,,2020-03-10",
        "B-4,,M,1990-05-01,Atlantis,31.02.2020,bus,mucenieki,,",
        "B-5,,M,1990-05-01,SY,2020-03-10,relocation,mucenieki,,2020-09-01",
    )
    lines = failed(run, db_path, "import", "clients", f)
    assert lines[0] == "mentorcli: import: clients.csv: 5 problems; nothing was written"
    assert lines[1:5] == [
        "clients.csv:3: sex: 'X' is not F or M",
        "clients.csv:5: country: 'Atlantis' is not a country",
        "clients.csv:5: arrived: '31.02.2020' is not a real date",
        "clients.csv:5: route: 'bus' is not one of relocation, independent",
    ]
    assert lines[5].startswith("clients.csv:6: ") and "01.09.2020" in lines[5] and "not eligible" in lines[5]
    assert len(lines) == 6
    assert [c["code"] for c in run("client", "list", "--format", "json").json()] == ["A-1", "A-2"]


def test_a_good_file_is_imported_whole(run: Run, tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "clients.csv",
        CLIENTS_HEADER,
        "C-1,,F,1990-05-01,Sīrija,2020-03-10,relocation,PMIC Mucenieki,FAM-1,2020-03-10",
        "C-2,,M,1985,Yemen,2020-01-31,independent,Rīga,,",
    )
    assert run("import", "clients", f).out == "clients.csv: imported 2 clients\n"
    c1, c2 = show(run, "C-1"), show(run, "C-2")
    assert (c1["country"], c1["residence"], c1["family"], c1["eligible_until"]) == (
        "SY",
        "mucenieki",
        "FAM-1",
        "2020-06-10",
    )
    assert c1["episodes"] == [{"start": "2020-03-10", "end": "2020-06-10", "end_reason": "eligibility-ended"}]
    assert (c2["born"], c2["country"], c2["residence"], c2["episodes"]) == ("1985", "YE", "riga", [])


def test_semicolons_bom_and_latvian_dates(run: Run, tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "excel.csv",
        CLIENTS_HEADER.replace(",", ";"),
        "D-1;;F;01.05.1990;SY;31.07.2020;relocation;mucenieki;;31.07.2020",
        encoding="utf-8-sig",
    )
    assert f.read_bytes().startswith(b"\xef\xbb\xbf")
    run("import", "clients", f)
    d1 = show(run, "D-1")
    assert (d1["born"], d1["arrived"]) == ("1990-05-01", "2020-07-31")
    assert d1["episodes"] == [{"start": "2020-07-31", "end": "2020-10-31", "end_reason": "eligibility-ended"}]
    ev = write(
        tmp_path, "ev.csv", EVENTS_HEADER.replace(",", ";"), "D-1;15.08.2020.;granted;refugee", encoding="utf-8-sig"
    )
    run("import", "events", ev)
    assert show(run, "D-1")["status"] == "refugee"


def test_duplicates_say_so(run: Run, db_path: Path, tmp_path: Path, registered: Result) -> None:
    f = write(
        tmp_path,
        "clients.csv",
        CLIENTS_HEADER,
        "A-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,",
        "E-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,",
        "E-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,",
    )
    assert failed(run, db_path, "import", "clients", f)[1:] == [
        "clients.csv:2: code: 'A-1' is already in the register",
        "clients.csv:4: code: 'E-1' repeats line 3",
    ]
    ev = write(tmp_path, "events.csv", EVENTS_HEADER, "A-1,2020-04-01,move,riga")
    run("import", "events", ev)
    assert failed(run, db_path, "import", "events", ev)[1:] == [
        "events.csv:2: event: move on 01.04.2020 is already recorded for A-1"
    ]


def test_events_go_in_date_order_and_problems_in_line_order(
    run: Run, db_path: Path, tmp_path: Path, registered: Result
) -> None:
    ok = write(
        tmp_path,
        "events.csv",
        EVENTS_HEADER,
        "A-1,2020-06-01,appealed,",
        "A-1,2020-05-01,refused,",
        "A-2,2020-06-11,granted,Refugee",
    )
    assert run("import", "events", ok).out == "events.csv: imported 3 events\n"
    assert show(run, "A-1")["awaiting_court"] is True
    assert show(run, "A-2")["status"] == "refugee"
    bad = write(
        tmp_path,
        "bad.csv",
        EVENTS_HEADER,
        "A-1,2021-01-10,court,maybe",
        "NOPE-9,2020-05-01,refused,",
        "A-1,yesterday,party,",
        "A-2,2020-07-01,granted,alternative",
    )
    assert failed(run, db_path, "import", "events", bad)[1:] == [
        "bad.csv:2: value: 'maybe' is not one of positive, negative (for court)",
        "bad.csv:3: code: 'NOPE-9' is not in the register",
        "bad.csv:4: date: 'yesterday' is not a date (use 2020-07-31 or 31.07.2020)",
        "bad.csv:4: event: 'party' is not one of granted, refused, appealed, court, final-refusal, exit, resume, move, intake",
        "bad.csv:5: event: granted on 01.07.2020: a status was already granted",
    ]


def test_dry_run_reports_and_writes_nothing(run: Run, db_path: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path, "clients.csv", CLIENTS_HEADER, "F-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,2020-03-10"
    )
    assert run("import", "clients", f, "--dry-run").out == "clients.csv: would import 1 client\n"
    assert not db_path.exists(), "a dry run into no database left a database behind"
    bad = write(tmp_path, "bad.csv", CLIENTS_HEADER, "F-2,,Q,1990-05-01,SY,2020-03-10,relocation,mucenieki,,")
    assert failed(run, db_path, "import", "clients", bad, "--dry-run")[1:] == ["bad.csv:2: sex: 'Q' is not F or M"]
    run("import", "clients", f)
    before = snapshot(db_path)
    g = write(tmp_path, "more.csv", CLIENTS_HEADER, "F-3,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,")
    assert run("import", "clients", g, "--dry-run").out == "more.csv: would import 1 client\n"
    assert snapshot(db_path) == before


def test_a_failed_import_into_no_database_leaves_none(run: Run, db_path: Path, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", CLIENTS_HEADER, "G-1,,Q,1990-05-01,SY,2020-03-10,relocation,mucenieki,,")
    run("import", "clients", bad, ok=False)
    assert not db_path.exists()


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("code,name,sex,born,country,arrived,route,residence,family,intake,notes", "unknown column 'notes'"),
        ("code,name,sex,country,arrived,route,residence", "missing column 'born'"),
        ("code,name,sex,born,country,arrived,route,residence,code", "column 'code' appears twice"),
        ("Code, Name ,SEX,born,country,arrived,route,residence,family,intake,age", "unknown column 'age'"),
    ],
)
def test_bad_header(run: Run, db_path: Path, tmp_path: Path, header: str, says: str) -> None:
    f = write(tmp_path, "clients.csv", header, "H-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,")
    (line,) = failed(run, db_path, "import", "clients", f)
    assert line.startswith("mentorcli: clients.csv:1: ") and says in line, line


def test_columns_may_come_in_any_order_and_optional_ones_may_be_left_out(run: Run, tmp_path: Path) -> None:
    f = write(
        tmp_path, "c.csv", "residence,route,arrived,country,born,sex,code", "riga,independent,2020-03-10,AF,1990,M,I-1"
    )
    run("import", "clients", f)
    assert show(run, "I-1")["residence"] == "riga"


def test_too_many_cells(run: Run, db_path: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "clients.csv",
        CLIENTS_HEADER,
        "J-1,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,,surplus",
        "J-2,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,,;;",
    )
    assert failed(run, db_path, "import", "clients", f)[1:] == [
        "clients.csv:2: -: 11 cells, but the header has 10 columns",
        "clients.csv:3: -: 11 cells, but the header has 10 columns",
    ]
    # Excel pads short rows with empty cells; those are harmless.
    g = write(tmp_path, "padded.csv", CLIENTS_HEADER, "J-3,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,,,,")
    run("import", "clients", g)


def test_empty_files(run: Run, db_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    (line,) = failed(run, db_path, "import", "clients", empty)
    assert line.startswith("mentorcli: empty.csv:1: the file is empty")
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf\n\n")
    (line,) = failed(run, db_path, "import", "events", bom)
    assert "the file is empty" in line
    header_only = write(tmp_path, "header.csv", EVENTS_HEADER, "", ",,,")
    assert run("import", "events", header_only).out == "header.csv: imported 0 events\n"


def test_a_file_that_is_not_utf8_or_not_there(run: Run, db_path: Path, tmp_path: Path) -> None:
    f = write(
        tmp_path,
        "ansi.csv",
        CLIENTS_HEADER,
        "K-1,Bērziņa,F,1990,SY,2020-03-10,relocation,mucenieki,,",
        encoding="cp1257",
    )
    (line,) = failed(run, db_path, "import", "clients", f)
    assert "is not UTF-8 text" in line and "CSV UTF-8" in line
    (line,) = failed(run, db_path, "import", "clients", tmp_path / "missing.csv")
    assert "missing.csv" in line


def test_a_quoted_cell_over_two_lines_is_refused_with_its_line_and_column(
    run: Run, db_path: Path, tmp_path: Path
) -> None:
    """Issue 12: no field of the register holds a line break (it would split every error line)."""
    f = write(
        tmp_path,
        "clients.csv",
        CLIENTS_HEADER,
        "L-0,,F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,",
        'L-1,"Two\nlines",F,1990-05-01,SY,2020-03-10,relocation,mucenieki,,',
    )
    assert failed(run, db_path, "import", "clients", f) == [
        "mentorcli: clients.csv:3: name: 'Two\\nlines' spans lines; a value must stay on one line"
    ]


def test_a_neutralised_formula_cell_is_read_back_as_written(run: Run, tmp_path: Path) -> None:
    f = write(tmp_path, "c.csv", CLIENTS_HEADER, "M-1,'=HYPERLINK(1),F,1990,SY,2020-03-10,relocation,mucenieki,,")
    run("import", "clients", f)
    assert run("client", "show", "M-1", "--with-names", "--format", "json").json()["name"] == "=HYPERLINK(1)"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_for_long_imports_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    with _progress(10_000, "importing", io.StringIO()) as progress:
        assert progress is None
    with _progress(100, "importing", _Terminal()) as progress:
        assert progress is None
    term = _Terminal()
    with _progress(1_000, "importing", term) as progress:
        assert progress is not None
        progress(500)
    assert "importing" in term.getvalue() and "50%" in term.getvalue()
