"""The case register through the command line, as a coordinator uses it (SPEC 3.1, 4, 4.1)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import Result, Run, add_client
from mentorcli import __version__

Refused = Callable[..., Result]


def show(run: Run, code: str, *extra: str) -> Any:
    return run(*extra, "client", "show", code, "--format", "json").json()


def windows(run: Run, code: str) -> list[tuple[str, str, str | None]]:
    return [(w["kind"], w["start"], w["end"]) for w in show(run, code)["windows"]]


def episodes(run: Run, code: str, *extra: str) -> list[tuple[str, str | None, str | None]]:
    return [(e["start"], e["end"], e["end_reason"]) for e in show(run, code, *extra)["episodes"]]


# --- the SPEC's examples, end to end ------------------------------------------------------


def test_arrival_on_31_january_gives_a_window_to_30_april(run: Run) -> None:
    add_client(run, "A", arrived="31.01.2020", intake="31.01.2020")
    shown = show(run, "A")
    assert shown["code"] == "A"
    assert shown["status"] == "asylum-seeker"
    assert shown["eligible_until"] == "2020-04-30"
    assert shown["windows"] == [{"kind": "asylum-seeker", "start": "2020-01-31", "end": "2020-04-30"}]
    assert shown["episodes"] == [{"start": "2020-01-31", "end": "2020-04-30", "end_reason": "eligibility-ended"}]


def test_arrival_on_10_march_gives_a_window_to_10_june(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10")
    assert windows(run, "A") == [("asylum-seeker", "2020-03-10", "2020-06-10")]


def test_status_granted_on_1_july_2019_is_eligible_through_1_july_2020(run: Run) -> None:
    add_client(run, "A", arrived="2019-05-02", intake="2019-05-02")
    run("status", "grant", "A", "refugee", "--date", "01.07.2019")
    assert show(run, "A")["eligible_until"] == "2020-07-01"
    on_last_day = show(run, "A", "--today", "2020-07-01")
    assert on_last_day["eligible_today"] is True
    assert on_last_day["status"] == "refugee"
    assert on_last_day["episodes"] == [{"start": "2019-05-02", "end": None, "end_reason": None}]
    day_after = show(run, "A", "--today", "2020-07-02")
    assert day_after["eligible_today"] is False
    assert day_after["episodes"] == [{"start": "2019-05-02", "end": "2020-07-01", "end_reason": "eligibility-ended"}]


def test_an_episode_is_open_while_its_window_has_not_ended_by_today(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-12")
    assert episodes(run, "A", "--today", "2020-04-01") == [("2020-03-12", None, None)]
    assert episodes(run, "A", "--today", "2020-06-10") == [("2020-03-12", None, None)]
    assert episodes(run, "A", "--today", "2020-06-11") == [("2020-03-12", "2020-06-10", "eligibility-ended")]


def test_a_grant_inside_the_window_continues_the_same_episode(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "alternative", "--date", "2020-05-05")
    assert windows(run, "A") == [
        ("asylum-seeker", "2020-03-10", "2020-05-05"),
        ("status", "2020-05-05", "2021-05-05"),
    ]
    assert episodes(run, "A") == [("2020-03-10", "2021-05-05", "eligibility-ended")]
    assert show(run, "A")["status"] == "alternative"


def test_a_grant_on_the_day_after_the_window_joins_it(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "refugee", "--date", "11.06.2020")
    assert episodes(run, "A") == [("2020-03-10", "2021-06-11", "eligibility-ended")]


def test_a_grant_with_a_day_between_ends_the_episode_and_needs_a_resume(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "refugee", "--date", "12.06.2020")
    assert windows(run, "A") == [
        ("asylum-seeker", "2020-03-10", "2020-06-10"),
        ("status", "2020-06-12", "2021-06-12"),
    ]
    assert episodes(run, "A") == [("2020-03-10", "2020-06-10", "eligibility-ended")]
    refused("client", "resume", "A", "--date", "2020-06-11", says="date")
    run("client", "resume", "A", "--date", "2020-06-15")
    assert episodes(run, "A") == [
        ("2020-03-10", "2020-06-10", "eligibility-ended"),
        ("2020-06-15", "2021-06-12", "eligibility-ended"),
    ]
    refused("client", "resume", "A", "--date", "2020-07-01", says="date")


def test_temporary_protection_is_the_status_but_neither_ends_nor_opens_a_window(run: Run) -> None:
    """SPEC 3.1: a grant of a status the policy does not list changes the status and nothing else."""
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "temporary-protection", "--date", "2020-04-01")
    assert windows(run, "A") == [("asylum-seeker", "2020-03-10", "2020-06-10")]
    assert episodes(run, "A") == [("2020-03-10", "2020-06-10", "eligibility-ended")]
    assert show(run, "A", "--today", "2020-05-01")["status"] == "temporary-protection"
    assert "the asylum-seeker window goes on" in run("client", "explain", "A").out
    # The asylum application is still pending: refugee status may follow, and opens the status window.
    run("status", "grant", "A", "refugee", "--date", "2020-06-11")
    assert windows(run, "A") == [("asylum-seeker", "2020-03-10", "2020-06-10"), ("status", "2020-06-11", "2021-06-11")]
    assert episodes(run, "A") == [("2020-03-10", "2021-06-11", "eligibility-ended")]
    assert show(run, "A")["status"] == "refugee"


def test_an_alternative_status_holder_appeals_and_is_upgraded_to_refugee(run: Run, refused: Refused) -> None:
    """SPEC 2: appealed, court positive, granted refugee; the window runs from the first grant."""
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "alternative", "--date", "2020-05-04")
    refused("status", "grant", "A", "refugee", "--date", "2020-06-01", says="a status was already granted")
    run("status", "appeal", "A", "--date", "2020-06-01")
    assert show(run, "A", "--today", "2020-07-01")["awaiting_court"] is True
    run("status", "court", "A", "positive", "--date", "2020-09-01")
    refused("status", "grant", "A", "alternative", "--date", "2020-10-01", says="refugee status")
    run("status", "grant", "A", "refugee", "--date", "2020-10-01")
    view = show(run, "A")
    assert view["status"] == "refugee" and view["eligible_until"] == "2021-05-04"
    assert windows(run, "A") == [("asylum-seeker", "2020-03-10", "2020-05-04"), ("status", "2020-05-04", "2021-05-04")]
    assert show(run, "A", "--today", "2020-09-30")["status"] == "alternative"
    assert "still runs from the first grant on 04.05.2020" in run("client", "explain", "A").out


def test_a_negative_judgment_leaves_the_alternative_status(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "alternative", "--date", "2020-05-04")
    run("status", "appeal", "A", "--date", "2020-06-01")
    run("status", "court", "A", "negative", "--date", "2020-09-01")
    assert show(run, "A")["status"] == "alternative"
    refused("status", "final-refusal", "A", "--date", "2020-10-01", says="no refusal that could become final")
    refused("status", "appeal", "A", "--date", "2020-06-01", says="event")


def test_a_refugee_cannot_appeal_for_refugee_status(refused: Refused, run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "refugee", "--date", "2020-05-04")
    refused("status", "appeal", "A", "--date", "2020-06-01", says="there is no refusal to appeal")


def test_a_second_move_on_a_day_corrects_the_first(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("client", "move", "A", "--residence", "riga", "--date", "2020-05-01")
    done = run("client", "move", "A", "--residence", "cesis", "--date", "2020-05-01")
    assert "corrects the move to Rīga" in done.out
    assert show(run, "A")["residence"] == "cesis"
    moves = [e for e in run("audit", "--client", "A", "--format", "json").json() if e["fields"].get("event") == "move"]
    assert [(e["action"], e["fields"].get("replaces")) for e in moves] == [("add", None), ("correct", "riga")]
    refused("client", "move", "A", "--residence", "cesis", "--date", "2020-05-01", says="already recorded")


def test_resume_opens_the_first_episode_of_a_client_registered_without_intake(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10")
    assert show(run, "A")["episodes"] == []
    run("client", "resume", "A", "--date", "2020-04-01")
    assert episodes(run, "A") == [("2020-04-01", "2020-06-10", "eligibility-ended")]


def test_leaving_latvia_ends_the_episode_and_all_later_eligibility(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("client", "exit", "A", "--reason", "left-latvia", "--date", "2020-04-20")
    assert episodes(run, "A") == [("2020-03-10", "2020-04-20", "left-latvia")]
    assert windows(run, "A") == [("asylum-seeker", "2020-03-10", "2020-04-20")]
    run("status", "grant", "A", "refugee", "--date", "2020-05-01")
    assert show(run, "A")["eligible_until"] == "2020-04-20"
    assert windows(run, "A") == [("asylum-seeker", "2020-03-10", "2020-04-20")]
    refused("client", "resume", "A", "--date", "2020-05-02", says="date")


def test_left_latvia_may_be_recorded_without_an_open_episode(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10")
    run("client", "exit", "A", "--reason", "left-latvia", "--date", "2020-04-20")
    assert show(run, "A")["eligible_until"] == "2020-04-20"
    refused("client", "exit", "A", "--reason", "declined", "--date", "2020-04-21", says="date")


def test_final_refusal_closes_the_episode(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "refuse", "A", "--date", "2020-04-01")
    run("status", "final-refusal", "A", "--date", "2020-05-01")
    shown = show(run, "A")
    assert shown["episodes"] == [{"start": "2020-03-10", "end": "2020-05-01", "end_reason": "final-refusal"}]
    assert shown["status"] == "final-refusal"
    assert shown["eligible_until"] == "2020-05-01"
    refused("client", "resume", "A", "--date", "2020-05-02", says="date")
    # What may still happen after a final refusal: a move, and leaving Latvia.
    run("client", "move", "A", "--residence", "riga", "--date", "2020-05-10")
    run("client", "exit", "A", "--reason", "left-latvia", "--date", "2020-06-01")
    assert show(run, "A")["eligible_until"] == "2020-05-01"


def test_a_final_refusal_after_the_court_closes_the_episode(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    for args in (
        ("refuse", "A", "--date", "2020-03-20"),
        ("appeal", "A", "--date", "2020-03-25"),
        ("court", "A", "negative", "--date", "2020-04-15"),
        ("final-refusal", "A", "--date", "2020-05-01"),
    ):
        run("status", *args)
    assert episodes(run, "A") == [("2020-03-10", "2020-05-01", "final-refusal")]


def test_a_positive_judgment_lets_pmlp_grant_status(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "refuse", "A", "--date", "2020-03-20")
    run("status", "appeal", "A", "--date", "2020-03-25")
    assert show(run, "A", "--today", "2020-04-01")["awaiting_court"] is True
    run("status", "court", "A", "positive", "--date", "2020-04-15")
    run("status", "grant", "A", "refugee", "--date", "2020-05-01")
    assert windows(run, "A")[-1] == ("status", "2020-05-01", "2021-05-01")
    assert episodes(run, "A") == [("2020-03-10", "2021-05-01", "eligibility-ended")]


def test_a_resume_is_refused_in_the_window_an_exit_cut(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("client", "exit", "A", "--reason", "declined", "--date", "2020-04-01")
    assert windows(run, "A") == [("asylum-seeker", "2020-03-10", "2020-04-01")]
    refused("client", "resume", "A", "--date", "2020-05-01", says="date")
    # A later window opens all the same, and the service may resume in it.
    run("status", "grant", "A", "refugee", "--date", "2020-07-01")
    assert show(run, "A")["eligible_until"] == "2021-07-01"
    refused("client", "resume", "A", "--date", "2020-06-30", says="date")
    run("client", "resume", "A", "--date", "2020-07-01")
    assert episodes(run, "A") == [
        ("2020-03-10", "2020-04-01", "declined"),
        ("2020-07-01", "2021-07-01", "eligibility-ended"),
    ]


def test_an_exit_in_the_status_window_cuts_it(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "refugee", "--date", "2020-04-01")
    run("client", "exit", "A", "--reason", "non-compliance", "--date", "2020-09-30")
    assert windows(run, "A") == [
        ("asylum-seeker", "2020-03-10", "2020-04-01"),
        ("status", "2020-04-01", "2020-09-30"),
    ]
    assert show(run, "A")["eligible_until"] == "2020-09-30"
    refused("client", "resume", "A", "--date", "2020-10-01", says="date")


def test_an_exit_on_the_grant_day_cuts_both_windows(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "refugee", "--date", "2020-04-01")
    run("client", "exit", "A", "--reason", "other", "--date", "2020-04-01")
    assert windows(run, "A") == [
        ("asylum-seeker", "2020-03-10", "2020-04-01"),
        ("status", "2020-04-01", "2020-04-01"),
    ]
    refused("client", "resume", "A", "--date", "2020-04-02", says="date")


# --- list, edit, move, explain ------------------------------------------------------------


def test_client_list_served_in_a_month(run: Run) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")  # served to 10.06.2020
    add_client(run, "B", arrived="2020-06-11", intake="2020-06-11")  # served from 11.06.2020
    add_client(run, "C", arrived="2020-03-10")  # registered, never served

    def codes(month: str) -> list[str]:
        return [r["code"] for r in run("client", "list", "--served-in", month, "--format", "json").json()]

    assert codes("2020-03") == ["A"]
    assert codes("2020-06") == ["A", "B"]
    assert codes("2020-07") == ["B"]
    assert codes("2019-12") == []
    assert [r["code"] for r in run("client", "list", "--format", "json").json()] == ["A", "B", "C"]


def test_client_list_never_shows_names_unless_asked(run: Run) -> None:
    add_client(run, "A", name="Amira Secret")
    for fmt in ("table", "json", "csv", "md"):
        assert "Secret" not in run("client", "list", "--format", fmt).out
        assert "Secret" not in run("client", "show", "A", "--format", fmt).out
    assert run("client", "list", "--with-names", "--format", "json").json()[0]["name"] == "Amira Secret"
    assert run("client", "show", "A", "--with-names", "--format", "json").json()["name"] == "Amira Secret"


def test_client_edit_derives_the_dates_again(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-20")
    run("client", "edit", "A", "--arrived", "31.01.2020")
    assert windows(run, "A") == [("asylum-seeker", "2020-01-31", "2020-04-30")]
    assert episodes(run, "A") == [("2020-03-20", "2020-04-30", "eligibility-ended")]
    # An arrival that leaves the intake outside every window cannot be right.
    refused("client", "edit", "A", "--arrived", "2020-03-21", says="2020")
    refused("client", "edit", "A", "--arrived", "2019-11-01", says="date")


def test_client_move_changes_the_residence_from_a_date(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", residence="mucenieki")
    run("client", "move", "A", "--residence", "Rīga", "--date", "2020-05-01")
    assert show(run, "A", "--today", "2020-04-30")["residence"] == "mucenieki"
    assert show(run, "A", "--today", "2020-05-01")["residence"] == "riga"
    assert show(run, "A")["windows"] == [{"kind": "asylum-seeker", "start": "2020-03-10", "end": "2020-06-10"}]
    refused("client", "move", "A", "--residence", "riga", "--date", "2020-03-01", says="date")


def test_explain_lists_the_rule_and_the_dates(run: Run) -> None:
    add_client(run, "A", arrived="31.01.2020", intake="31.01.2020")
    run("status", "grant", "A", "refugee", "--date", "2020-06-01")
    out = run("client", "explain", "A").out
    for day in ("31.01.2020", "30.04.2020", "01.06.2020", "01.06.2021"):
        assert day in out
    assert "3 months" in out and "12" in out
    lv = run("--lang", "lv", "client", "explain", "A").out
    for day in ("31.01.2020", "30.04.2020", "01.06.2020", "01.06.2021"):
        assert day in lv
    assert "mēneš" in lv and "months from arrival" not in lv


def test_explain_follows_mentorcli_lang(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    add_client(run, "A", arrived="2020-03-10")
    monkeypatch.setenv("MENTORCLI_LANG", "lv")
    assert "patvēruma meklētāj" in run("client", "explain", "A").out


# --- the policy as data -------------------------------------------------------------------


def test_until_status_from_a_date_changes_only_later_arrivals(run: Run) -> None:
    add_client(run, "OLD", arrived="2020-05-31", intake="2020-05-31")
    run("policy", "set", "asylum_seeker_months", "until-status", "--from", "2020-06-01")
    add_client(run, "NEW", arrived="2020-06-01", intake="2020-06-01")
    assert windows(run, "OLD") == [("asylum-seeker", "2020-05-31", "2020-08-31")]
    assert show(run, "NEW")["eligible_until"] is None
    assert windows(run, "NEW") == [("asylum-seeker", "2020-06-01", None)]
    assert episodes(run, "NEW") == [("2020-06-01", None, None)]
    run("status", "grant", "NEW", "refugee", "--date", "2021-02-01")
    assert windows(run, "NEW") == [
        ("asylum-seeker", "2020-06-01", "2021-02-01"),
        ("status", "2021-02-01", "2022-02-01"),
    ]
    assert run("policy", "show", "--on", "2020-05-31", "--format", "json").json()["asylum_seeker_months"] == 3
    assert (
        run("policy", "show", "--on", "2020-06-01", "--format", "json").json()["asylum_seeker_months"] == "until-status"
    )


def test_a_policy_change_derives_existing_clients_again(run: Run) -> None:
    add_client(run, "A", arrived="2020-07-01")
    run("policy", "set", "asylum_seeker_months", "6", "--from", "2020-07-01")
    assert windows(run, "A") == [("asylum-seeker", "2020-07-01", "2021-01-01")]


def test_eligible_statuses_can_include_temporary_protection(run: Run) -> None:
    run("policy", "set", "eligible_statuses", "refugee,alternative,temporary-protection", "--from", "2020-01-01")
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "A", "temporary-protection", "--date", "2020-04-01")
    assert windows(run, "A")[-1] == ("status", "2020-04-01", "2021-04-01")


# --- refusals: exit 2, one line naming the field and the value, nothing written -----------


def test_unknown_code_is_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A")
    for args in (
        ("client", "show", "NOPE"),
        ("client", "explain", "NOPE"),
        ("client", "exit", "NOPE", "--reason", "declined", "--date", "2020-04-01"),
        ("client", "resume", "NOPE", "--date", "2020-04-01"),
        ("client", "move", "NOPE", "--residence", "riga", "--date", "2020-04-01"),
        ("client", "edit", "NOPE", "--sex", "F"),
        ("status", "grant", "NOPE", "refugee", "--date", "2020-04-01"),
    ):
        refused(*args, says="'NOPE'")


@pytest.mark.parametrize(
    "args",
    [
        ("client", "resume", "A", "--date", "31.02.2020"),
        ("status", "grant", "A", "refugee", "--date", "31.02.2020"),
        ("status", "refuse", "A", "--date", "2020-02-30"),
        ("client", "exit", "A", "--reason", "declined", "--date", "31.02.2020"),
        ("client", "move", "A", "--residence", "riga", "--date", "31.02.2020"),
    ],
)
def test_an_impossible_date_is_refused(run: Run, refused: Refused, args: tuple[str, ...]) -> None:
    add_client(run, "A", intake="2020-03-10")
    refused(*args, says="--date")


def test_an_impossible_arrival_is_refused(run: Run, refused: Refused) -> None:
    run("policy", "set", "status_months", "12", "--from", "2000-01-01")  # the database exists
    args = ["client", "add", "A", "--sex", "F", "--born", "1990", "--country", "SY"]
    refused(*args, "--arrived", "31.02.2020", "--route", "independent", "--residence", "riga", says="'31.02.2020'")


@pytest.mark.parametrize(
    "args",
    [
        ("status", "grant", "A", "refugee", "--date", "2022-01-01"),
        ("client", "exit", "A", "--reason", "declined", "--date", "2022-01-01"),
        ("client", "move", "A", "--residence", "riga", "--date", "2022-01-01"),
        ("client", "resume", "B", "--date", "2022-01-01"),
    ],
)
def test_a_date_after_today_is_refused(run: Run, refused: Refused, args: tuple[str, ...]) -> None:
    add_client(run, "A", arrived="2021-11-01", intake="2021-11-01")
    run("policy", "set", "asylum_seeker_months", "until-status", "--from", "2021-01-01")
    add_client(run, "B", arrived="2021-11-01")
    refused(*args, says="2022-01-01")


def test_an_arrival_or_intake_after_today_is_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A")
    base = ["client", "add", "B", "--sex", "F", "--born", "1990", "--country", "SY", "--route", "independent"]
    refused(*base, "--residence", "riga", "--arrived", "2022-01-01", says="2022-01-01")
    refused(*base, "--residence", "riga", "--arrived", "2021-12-01", "--intake", "2022-01-01", says="2022-01-01")


# Each order rule of the status decisions: the history before, and the event refused after it.
ORDER: dict[str, tuple[list[tuple[str, ...]], tuple[str, ...]]] = {
    "grant twice": ([("grant", "A", "refugee", "--date", "2020-04-01")], ("grant", "A", "alternative")),
    "grant after a refusal": ([("refuse", "A", "--date", "2020-04-01")], ("grant", "A", "refugee")),
    "grant during an appeal": (
        [("refuse", "A", "--date", "2020-04-01"), ("appeal", "A", "--date", "2020-04-02")],
        ("grant", "A", "refugee"),
    ),
    "grant after a negative judgment": (
        [
            ("refuse", "A", "--date", "2020-04-01"),
            ("appeal", "A", "--date", "2020-04-02"),
            ("court", "A", "negative", "--date", "2020-04-03"),
        ],
        ("grant", "A", "refugee"),
    ),
    "refuse twice": ([("refuse", "A", "--date", "2020-04-01")], ("refuse", "A")),
    "refuse after a grant": ([("grant", "A", "refugee", "--date", "2020-04-01")], ("refuse", "A")),
    "appeal without a refusal": ([], ("appeal", "A")),
    "appeal twice": (
        [("refuse", "A", "--date", "2020-04-01"), ("appeal", "A", "--date", "2020-04-02")],
        ("appeal", "A"),
    ),
    "court without an appeal": ([("refuse", "A", "--date", "2020-04-01")], ("court", "A", "positive")),
    "final refusal while pending": ([], ("final-refusal", "A")),
    "final refusal during an appeal": (
        [("refuse", "A", "--date", "2020-04-01"), ("appeal", "A", "--date", "2020-04-02")],
        ("final-refusal", "A"),
    ),
    "final refusal after a positive judgment": (
        [
            ("refuse", "A", "--date", "2020-04-01"),
            ("appeal", "A", "--date", "2020-04-02"),
            ("court", "A", "positive", "--date", "2020-04-03"),
        ],
        ("final-refusal", "A"),
    ),
    "final refusal after a grant": ([("grant", "A", "refugee", "--date", "2020-04-01")], ("final-refusal", "A")),
}
AFTER_FINAL: list[tuple[str, ...]] = [
    ("refuse", "A", "--date", "2020-04-01"),
    ("final-refusal", "A", "--date", "2020-04-02"),
]
for _what in ("grant", "refuse", "appeal", "court", "final-refusal"):
    _args: tuple[str, ...] = {"grant": ("grant", "A", "refugee"), "court": ("court", "A", "negative")}.get(
        _what, (_what, "A")
    )
    ORDER[f"{_what} after a final refusal"] = (AFTER_FINAL, _args)


@pytest.mark.parametrize("case", sorted(ORDER))
def test_status_events_out_of_order_are_refused(run: Run, refused: Refused, case: str) -> None:
    before, event = ORDER[case]
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    for args in before:
        run("status", *args)
    refused("status", *event, "--date", "2020-05-01", says="event")


def test_a_decision_dated_before_an_earlier_one_is_judged_in_date_order(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10")
    run("status", "refuse", "A", "--date", "2020-05-01")
    # In date order the grant would come first, and then the refusal after it is impossible.
    refused("status", "grant", "A", "refugee", "--date", "2020-04-01", says="event")


@pytest.mark.parametrize(
    "args",
    [
        ("status", "grant", "A", "refugee", "--date", "2020-03-09"),
        ("status", "refuse", "A", "--date", "2020-03-09"),
        ("client", "resume", "A", "--date", "2020-03-09"),
        ("client", "move", "A", "--residence", "riga", "--date", "2020-03-09"),
    ],
)
def test_an_event_before_arrival_is_refused(run: Run, refused: Refused, args: tuple[str, ...]) -> None:
    add_client(run, "A", arrived="2020-03-10")
    refused(*args, says="date")


def test_leaving_latvia_before_arrival_is_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10")
    refused("client", "exit", "A", "--reason", "left-latvia", "--date", "2020-03-09", says="date")


def test_service_events_out_of_order_are_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    refused("client", "resume", "A", "--date", "2020-04-01", says="date")  # an episode is open
    refused("client", "exit", "A", "--reason", "declined", "--date", "2020-06-11", says="date")  # it ended 10.06
    refused("client", "exit", "A", "--reason", "gone", "--date", "2020-04-01", says="--reason")
    run("client", "exit", "A", "--reason", "declined", "--date", "2020-04-01")
    refused("client", "exit", "A", "--reason", "declined", "--date", "2020-04-01", says="event")
    refused("client", "exit", "A", "--reason", "other", "--date", "2020-04-02", says="date")


def test_an_event_that_makes_a_recorded_exit_impossible_is_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10", intake="2020-03-10")
    run("status", "refuse", "A", "--date", "2020-03-20")
    run("client", "exit", "A", "--reason", "declined", "--date", "2020-05-01")
    # A final refusal on 15.04 would close the episode before the recorded exit.
    refused("status", "final-refusal", "A", "--date", "2020-04-15", says="date")


def test_a_duplicate_code_is_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A")
    base = ["client", "add", "A", "--sex", "F", "--born", "1990", "--country", "SY", "--arrived", "2020-01-01"]
    refused(*base, "--route", "independent", "--residence", "riga", says="'A'")


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("sex", "X", "sex: 'X'"),
        ("route", "plane", "route: 'plane' is not one of relocation, independent"),
        ("country", "Syrja", "did you mean SY (Syria)?"),
        ("country", "Atlantis", "country: 'Atlantis'"),
        ("born", "1990-02-30", "--born"),
        ("born", "2021-01-01", "born"),  # after arrival
        ("residence", "", "residence"),
    ],
)
def test_bad_client_fields_are_refused(run: Run, refused: Refused, option: str, value: str, says: str) -> None:
    add_client(run, "A")
    fields = {
        "sex": "M",
        "born": "1990-01-01",
        "country": "SY",
        "arrived": "2020-03-10",
        "route": "independent",
        "residence": "riga",
    }
    fields[option] = value
    args = ["client", "add", "B"]
    for k, v in fields.items():
        args += [f"--{k}", v]
    refused(*args, says=says)


def test_a_bad_format_is_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A")
    refused("client", "show", "A", "--format", "xml", says="xml")
    refused("client", "list", "--format", "xml", says="xml")
    refused("policy", "show", "--format", "xml", says="xml")


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("asylum_months", "3", "policy key: 'asylum_months'"),
        ("status_months", "abc", "status_months: 'abc'"),
        ("status_months", "1.5", "status_months: '1.5'"),
        ("asylum_seeker_months", "forever", "asylum_seeker_months: 'forever'"),
        ("eligible_statuses", "refugee,asylum-seeker", "eligible_statuses: 'asylum-seeker'"),
    ],
)
def test_bad_policy_keys_and_values_are_refused(run: Run, refused: Refused, key: str, value: str, says: str) -> None:
    add_client(run, "A")
    refused("policy", "set", key, value, "--from", "2020-01-01", says=says)


def test_a_policy_change_that_strands_a_recorded_episode_is_refused(run: Run, refused: Refused) -> None:
    add_client(run, "A", arrived="2020-03-10")
    run("client", "resume", "A", "--date", "2020-06-01")
    refused("policy", "set", "asylum_seeker_months", "1", "--from", "2020-01-01", says="date")


# --- the database file and the program ----------------------------------------------------


def test_the_database_is_created_readable_by_its_owner_alone(run: Run, db_path: Path) -> None:
    assert not db_path.exists()
    add_client(run, "A")
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    # The write-ahead log and shared memory, while they exist, are as private as the file.
    for side in db_path.parent.glob(db_path.name + "-*"):
        assert stat.S_IMODE(side.stat().st_mode) == 0o600, side.name


def test_reading_a_missing_database_fails_with_one_line(run: Run, refused: Refused, db_path: Path) -> None:
    refused("client", "show", "A", code=1, says="database")
    refused("client", "list", code=1, says=str(db_path))
    assert not db_path.exists()


def test_version(run: Run) -> None:
    assert run("--version").out.strip() == f"mentorcli {__version__}"


def test_python_m_mentorcli_version() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        [sys.executable, "-m", "mentorcli", "--version"], capture_output=True, text=True, check=True, env=env
    )
    assert out.stdout.strip() == f"mentorcli {__version__}"


def test_refusals_name_the_argument_the_user_typed(run: Run, refused: Refused) -> None:
    add_client(run, "N-1", intake="2020-03-10")
    refused("status", "grant", "N-1", "refugees", "--date", "2020-05-01", says="status: 'refugees' is not one of")
    refused("status", "court", "N-1", "maybe", "--date", "2020-05-01", says="outcome: 'maybe' is not one of")
    refused("client", "list", "--served-in", "2020-13", says="--served-in: '2020-13' is not a month")
    refused(
        "client", "add", "N-2", "--sex", "F", "--born", "1990", "--country", "SY", "--arrived", "2020-03-10",
        "--route", "independent", "--residence", "riga", "--intake", "2020-07-01",
        says="intake: intake on 01.07.2020: the client is not eligible on that day",
    )  # fmt: skip


def test_explain_says_where_an_episode_ended_with_its_window(run: Run) -> None:
    add_client(run, "G-1", arrived="2020-03-10", intake="2020-03-10")
    run("status", "grant", "G-1", "alternative", "--date", "2020-06-20")
    lines = run("client", "explain", "G-1").out.splitlines()
    assert "10.06.2020  the episode ends with its window (eligibility-ended)" in lines
    lv = run("--lang", "lv", "client", "explain", "G-1").out
    assert "uzņemšana: sākas pakalpojuma epizode" in lv and "alternatīvais statuss" in lv
    assert "intake" not in lv and "(alternative)" not in lv


def test_explain_as_json_lists_each_rule_with_its_date(run: Run) -> None:
    add_client(run, "J-1", arrived="2020-01-31", intake="2020-01-31")
    shown = run("client", "explain", "J-1", "--format", "json").json()
    assert shown["code"] == "J-1" and shown["eligible_until"] == "2020-04-30"
    assert [(s["date"], s["rule"]) for s in shown["steps"]][-3:] == [
        ("2020-04-30", "asylum-seeker-term-end"),
        ("2020-04-30", "episode-eligibility-ended"),
        ("2020-04-30", "eligible-until"),
    ]
    assert run("client", "explain", "J-1", "--format", "csv").out.splitlines()[0] == "date,rule,text"
