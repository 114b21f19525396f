"""Start-up of a one-row command against its anchors (issue 13), in CPU time and wall time.

    python benchmarks/startup.py [--clients 100000] [--runs 15] [--work DIR]

`client show` is compared with `sqlite-utils rows` reading the same row, with a hello-world
command in Typer 0.29 (installed into a venv of its own under --work, from the package index, on the
first run), in the Typer mentorcli installs, and in plain click. CPU time (user + system of the child)
is printed beside the wall time because it is what a loaded machine disturbs least.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
TODAY = "2030-01-01"
TYPER_029 = "typer==0.29.2"


def measure(cmd: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Median wall and median CPU seconds of ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(p.pid, 0)
        walls.append(time.perf_counter() - t)
        cpus.append(usage.ru_utime + usage.ru_stime)
        if os.waitstatus_to_exitcode(status) != 0:
            err = p.stderr.read().decode() if p.stderr else ""
            raise SystemExit(f"failed: {' '.join(cmd)}\n{err[:2000]}")
    return statistics.median(walls), statistics.median(cpus)


def typer_029_python(work: Path) -> str:
    venv = work / "typer-0.29"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", TYPER_029], check=True)
    return str(python)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--work", type=Path, default=Path("/tmp/mentorcli-bench"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"bench-{args.clients}.db"
    if not db.exists():
        gen = [sys.executable, str(HERE / "generate.py"), "--clients", str(args.clients), "--out", str(db)]
        subprocess.run(gen, check=True)
    env = {**os.environ, "MENTORCLI_DB": str(db), "MENTORCLI_TODAY": TODAY}
    bindir = Path(sys.executable).parent
    code = f"N-{args.clients // 2:07d}"
    cases = [
        (
            "mentorcli client show --format json",
            [str(bindir / "mentorcli"), "client", "show", code, "--format", "json"],
        ),
        (
            "sqlite-utils rows (one row)",
            [str(bindir / "sqlite-utils"), "rows", str(db), "clients", "--where", "code = :c", "-p", "c", code],
        ),
        ("hello-world Typer 0.29", [typer_029_python(args.work), str(HERE / "hello" / "hello_typer.py")]),
        ("hello-world Typer (installed)", [sys.executable, str(HERE / "hello" / "hello_typer.py")]),
        ("hello-world click", [sys.executable, str(HERE / "hello" / "hello_click.py")]),
        ("mentorcli --version", [str(bindir / "mentorcli"), "--version"]),
    ]
    results = {label: measure(cmd, env, args.runs) for label, cmd in cases}
    show_wall, show_cpu = results[cases[0][0]]
    print(f"median of {args.runs} runs; ratio = client show / the row (target <= 0.60 against the first two anchors)\n")
    print(f"{'':<36} {'wall ms':>9} {'cpu ms':>9} {'wall ratio':>11} {'cpu ratio':>10}")
    for label, (wall, cpu) in results.items():
        print(f"{label:<36} {wall * 1000:9.1f} {cpu * 1000:9.1f} {show_wall / wall:10.2f}x {show_cpu / cpu:9.2f}x")


if __name__ == "__main__":
    main()
