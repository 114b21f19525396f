"""``report … --public``: the figures a coordinator may hand to the press, through the CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Result, Run, add_client


@pytest.fixture
def july(run: Run) -> Run:
    """14 clients served in July 2020: 3 women and 11 men; 8 from Syria, 5 from Afghanistan, 1 from Iraq."""
    countries = ["SY"] * 8 + ["AF"] * 5 + ["IQ"]
    for i, country in enumerate(countries):
        add_client(
            run,
            f"C-{i:02d}",
            sex="F" if i < 3 else "M",
            country=country,
            arrived="2020-06-20",
            intake="2020-07-01",
            name=f"Person Number{i}",
        )
    return run


def test_json_hides_small_counts_and_lists_them(july: Run) -> None:
    fig = july("report", "month", "2020-07", "--public", "--format", "json").json()
    assert fig["served"] == 14 and fig["men"] == 11
    # 3 women alone hidden would be 14 - 11 - 0: the children's 0 is hidden with them
    assert fig["women"] is None and fig["children"] is None
    assert fig["average_age"]["women"] is None and fig["average_age"]["men"] == 30.0
    # Iraq's 1 is pooled with the next smallest country, so that "other" is not small either
    assert fig["by_country"] == {"SY": 8, "other": 6}
    assert fig["suppressed"] == ["average_age.women", "children", "women"]
    plain = july("report", "month", "2020-07", "--format", "json").json()
    assert plain["women"] == 3 and "suppressed" not in plain


def test_table_csv_and_xlsx_show_the_mark(july: Run, tmp_path: Path) -> None:
    table = july("report", "month", "2020-07", "--public").out
    assert any(line.split()[:2] == ["Women", "<5"] for line in table.splitlines())
    assert "Other countries" in table and "Iraq" not in table
    assert "'<N' is a count below N" in table
    csv = july("report", "month", "2020-07", "--public", "--format", "csv").out.splitlines()
    assert "women,<5" in csv and "by_country.other,6" in csv and "men,11" in csv
    path = tmp_path / "july.xlsx"
    july("report", "month", "2020-07", "--public", "--format", "xlsx", "--output", path)
    from openpyxl import load_workbook

    values = [c.value for ws in load_workbook(path) for row in ws.iter_rows() for c in row]
    assert "<5" in values and 3 not in values


def test_the_latvian_paragraph_states_no_hidden_figure(july: Run) -> None:
    text = july("--lang", "lv", "report", "month", "2020-07", "--public").out
    paragraph = text.strip().splitlines()[-1]
    assert "saņēma 14 klienti, no tiem mazāk nekā 5 sievietes, 11 vīrieši un mazāk nekā 5 bērni" in paragraph
    assert "3 sievietes" not in text and "0 bērni" not in text
    assert "3 sievietes" in july("--lang", "lv", "report", "month", "2020-07").out


def test_the_threshold_is_policy(july: Run) -> None:
    july("policy", "set", "suppression_threshold", "2", "--from", "2020-01-01")
    fig = july("report", "month", "2020-07", "--public", "--format", "json").json()
    # counts of 1 and 2 are hidden now: Iraq's 1 alone is pooled, and "other" is 1, so Afghanistan joins it
    assert fig["women"] == 3 and fig["by_country"] == {"SY": 8, "other": 6}
    assert fig["suppressed"] == []


def test_period_year_and_population_publish(july: Run) -> None:
    period = july("report", "period", "--from", "2020-07-01", "--to", "2020-07-31", "--public", "-f", "json").json()
    assert period["shares"]["women"] is None and period["unique_persons"] == 14
    assert "shares.women" in period["suppressed"]
    year = july("report", "year", "2020", "--public", "-f", "json").json()
    assert year["first_time"] == 14 and year["women"] is None
    population = july("report", "population", "--on", "2020-07-31", "--public", "-f", "json").json()
    assert population["persons"] == 14 and population["suppressed"] == []
    lv = july("--lang", "lv", "report", "year", "2020", "--public").out
    assert "sieviešu skaits" not in lv  # the shares sentence names the hidden women's share


@pytest.mark.parametrize(
    "args",
    [
        ("report", "invoice", "2020-07"),
        ("report", "caseload"),
        ("report", "diff", "2020-07"),
        ("report", "year", "2020", "--compare", "2019"),
    ],
)
def test_reports_not_for_publishing_refuse(july: Run, refused: Callable[..., Result], args: tuple[str, ...]) -> None:
    refused(*args, "--public", says="--public")


def test_a_threshold_out_of_range_is_refused(refused: Callable[..., Result]) -> None:
    refused("policy", "set", "suppression_threshold", "0", "--from", "2020-01-01", says="suppression_threshold")
