from conftest import Run, add_client


def test_add_and_show_a_client(run: Run) -> None:
    add_client(run, "A-1", intake="2020-03-10")
    shown = run("client", "show", "A-1", "--format", "json").json()
    assert shown["eligible_until"] == "2020-06-10"
    assert shown["episodes"] == [{"start": "2020-03-10", "end": "2020-06-10", "end_reason": "eligibility-ended"}]
