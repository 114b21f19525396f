"""Shared scenery for the casework tests: a small team and clients built through the CLI."""

from __future__ import annotations

from pathlib import Path

from conftest import Run

WORKER = "Jānis Ozols"
MENTOR = "Anna Bērziņa"
MENTOR2 = "Ķirsis Žūriņš"


def team(run: Run, start: str = "2020-01-01") -> None:
    run("staff", "add", WORKER, "--role", "social-worker", "--from", start)
    run("staff", "add", MENTOR, "--role", "mentor", "--team", WORKER, "--from", start)
    run("staff", "add", MENTOR2, "--role", "mentor", "--team", WORKER, "--from", start)


def clients(run: Run, tmp: Path, codes: list[str], arrived: str = "2020-03-01", intake: str = "2020-03-01") -> None:
    """Many clients at once through ``import clients`` (the same checks as ``client add``)."""
    lines = ["code,sex,born,country,arrived,route,residence,intake"]
    lines += [f"{c},M,1990-01-01,SY,{arrived},independent,mucenieki,{intake}" for c in codes]
    path = tmp / "clients.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("import", "clients", str(path))


def assign(run: Run, code: str, start: str, mentor: str = MENTOR, *extra: str, ok: bool | None = True) -> None:
    run("assign", code, "--worker", WORKER, "--mentor", mentor, "--from", start, *extra, ok=ok)


def assign_many(run: Run, tmp: Path, codes: list[str], start: str, mentor: str = MENTOR) -> None:
    """Many assignments at once through ``import assignments`` (each row as ``assign``)."""
    lines = ["code,worker,mentor,from,to", *(f"{c},{WORKER},{mentor},{start}," for c in codes)]
    path = tmp / "assignments.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run("import", "assignments", str(path))
