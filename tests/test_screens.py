"""Screens for people (table and md) and report workbooks.

The table output of ``client show``, ``report month`` (en and lv) and ``due`` is compared with the
files under tests/snapshots/. After an intended change of a screen, write them again and read the
diff before committing:

    UPDATE_SNAPSHOTS=1 python -m pytest -q tests/test_screens.py
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from casework_helpers import assign, team
from conftest import Run, add_client
from test_report_month import build_july

SNAPSHOTS = Path(__file__).parent / "snapshots"


def matches_snapshot(name: str, text: str) -> None:
    path = SNAPSHOTS / name
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{name} differs: UPDATE_SNAPSHOTS=1 writes it anew"


def a_client_with_a_history(run: Run) -> None:
    add_client(run, "S-1", sex="F", born="1985", country="Afganistāna", arrived="2020-01-10", intake="2020-01-12")
    run("status", "grant", "S-1", "alternative", "--date", "2020-03-02")
    run("client", "move", "S-1", "--residence", "Cēsis", "--date", "2020-04-01")
    run("client", "exit", "S-1", "--reason", "declined", "--date", "2020-06-30")


def test_client_show_table(run: Run) -> None:
    a_client_with_a_history(run)
    matches_snapshot("client-show.txt", run("client", "show", "S-1").out)
    matches_snapshot("client-show.lv.txt", run("--lang", "lv", "client", "show", "S-1").out)


def test_report_month_table_en_and_lv(run: Run, tmp_path: Path, db_path: Path) -> None:
    build_july(run, tmp_path, db_path)
    en = run("report", "month", "2020-07").out
    lv = run("--lang", "lv", "report", "month", "2020-07").out
    matches_snapshot("report-month.txt", en)
    matches_snapshot("report-month.lv.txt", lv)
    # Breakdowns by size, their empty rows left out; the Latvian paragraph closes the lv table.
    assert en.index("Afghanistan") > en.index("Iraq") and "Court: negative" not in en
    assert "Relocation" not in en and "EU relocation programme" not in en
    assert lv.rstrip().endswith(".") and "2020. gada jūlijā" in lv and "by_country" not in lv


def test_due_table(run: Run) -> None:
    team(run)
    add_client(run, "D-1", arrived="2021-10-01", intake="2021-10-01")
    add_client(run, "D-2", arrived="2021-11-20", intake="2021-11-20")
    assign(run, "D-2", "2021-11-20")
    matches_snapshot("due.txt", run("due", "--within", "60").out)


def test_markdown_has_headings_and_tables(run: Run) -> None:
    a_client_with_a_history(run)
    md = run("--lang", "lv", "client", "show", "S-1", "--format", "md").out
    assert md.startswith("# S-1\n") and "## Pakalpojuma epizodes" in md
    assert "| 12.01.2020 | 30.06.2020 | atteicās no pakalpojuma |" in md.replace("  ", " ")


def test_report_month_xlsx_reads_back(run: Run, tmp_path: Path, db_path: Path) -> None:
    from openpyxl import load_workbook

    build_july(run, tmp_path, db_path)
    out = tmp_path / "july.xlsx"
    run("report", "month", "2020-07", "--format", "xlsx", "--output", out)
    book = load_workbook(out)
    assert book.properties.creator == "mentorcli"
    summary = book["Summary"]
    assert summary.freeze_panes == "A2" and summary["A1"].font.b
    values = {r[0].value: r[1] for r in summary.iter_rows(min_row=2)}
    assert values["Clients served"].value == 72 and values["Clients served"].data_type == "n"
    assert values["Month"].value == datetime(2020, 7, 1) and values["Month"].is_date
    # Every key kept, zeros too, one sheet per breakdown.
    decisions = {r[0]: r[1] for r in book["Decisions"].iter_rows(min_row=2, values_only=True)}
    assert decisions == {
        "refugee status": 1,
        "alternative status": 0,
        "refused by PMLP": 1,
        "court: positive": 0,
        "court: negative": 0,
        "final refusal": 0,
    }
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
    lv = tmp_path / "july-lv.xlsx"
    run("--lang", "lv", "report", "month", "2020-07", "--format", "xlsx", "--output", lv)
    assert {"Kopsavilkums", "Izcelsmes valsts", "Lēmumi"} <= set(load_workbook(lv).sheetnames)


def test_a_monthly_series_gets_a_chart_sheet(run: Run, tmp_path: Path, db_path: Path) -> None:
    from openpyxl import load_workbook

    build_july(run, tmp_path, db_path)
    out = tmp_path / "period.xlsx"
    run("report", "period", "--from", "2020-05-15", "--to", "2020-07-31", "--format", "xlsx", "--output", out)
    book = load_workbook(out)
    months = list(book["Served per month"].iter_rows(min_row=2, values_only=True))
    assert [m for m, _ in months] == [datetime(2020, 5, 1), datetime(2020, 6, 1), datetime(2020, 7, 1)]
    assert all(isinstance(n, int) for _, n in months)
    assert [c.title for c in book.chartsheets] == ["Served per month (chart)"]
    dates = {r[0].value: r[1] for r in book["Summary"].iter_rows(min_row=2)}
    assert dates["From"].value == datetime(2020, 5, 15) and dates["From"].number_format == "dd.mm.yyyy"


def test_styles_on_a_terminal_only_and_never_under_no_color(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mentorcli.render.screen import _rich, figures_screen

    screen = figures_screen({"served": 3, "by_route": {"relocation": 0, "independent": 3}}, "en", "Month report")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert "\x1b[" in _rich(screen, terminal=True)
    assert "\x1b[" not in _rich(screen, terminal=False)
    monkeypatch.setenv("NO_COLOR", "1")
    coloured = _rich(screen, terminal=True)
    assert "\x1b[3" not in coloured and "Arrived independently" in coloured and "relocation" not in coloured.lower()


def test_empty_tables_say_none(run: Run) -> None:
    add_client(run, "R-1")  # registered, never served: no episode
    out = run("client", "show", "R-1").out
    assert "Service episodes\n(none)\n" in out
    assert run("staff", "list").out == "(none)\n"
