"""List commands write JSON with the C encoder: one object per line inside the array, keys sorted."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from casework_helpers import assign_many, clients, team
from conftest import Run
from mentorcli.render.output import to_json


def test_a_list_is_one_sorted_object_per_line_with_the_same_values() -> None:
    rows = [{"b": date(2020, 1, 2), "a": "Jānis", "c": {"z": None, "y": [1, 2]}}, {"a": 1}]
    text = to_json(rows)
    assert text.splitlines() == [
        "[",
        '  {"a": "Jānis", "b": "2020-01-02", "c": {"y": [1, 2], "z": null}},',
        '  {"a": 1}',
        "]",
    ]
    assert json.loads(text) == json.loads(json.dumps(rows, sort_keys=True, indent=2, default=str))
    assert to_json([]) == "[]"


def test_list_commands_write_one_client_per_line(run: Run, tmp_path: Path) -> None:
    team(run)
    codes = ["C-01", "C-02", "C-03"]
    clients(run, tmp_path, codes)
    assign_many(run, tmp_path, codes, "2020-03-01")
    for command in (["client", "list"], ["staff", "list"], ["client", "list", "--served-in", "2020-03"]):
        lines = run(*command, "--format", "json").out.strip().splitlines()
        assert lines[0] == "[" and lines[-1] == "]"
        items = [json.loads(line.strip().rstrip(",")) for line in lines[1:-1]]
        assert items and all(list(item) == sorted(item) for item in items)
    assert [c["code"] for c in run("client", "list", "--format", "json").json()] == codes
