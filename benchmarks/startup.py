"""Start-up of a one-row command against its anchors (issue 13), in CPU time and wall time.

    python benchmarks/startup.py [--clients 100000] [--runs 15] [--work DIR]

`client show` is compared with `sqlite-utils rows` reading the same row, with a hello-world
command in Typer 0.29 (installed into a venv of its own under --work, from the package index, on the
first run), in the Typer mentorcli installs, and in plain click. CPU time (user + system of the child)
is printed beside the wall time because it is what a loaded machine disturbs least. The commands
run by turns (this machine's speed drifts by a third from one minute to the next), and the
environment's PYTHONDONTWRITEBYTECODE is dropped: an installed package has its byte-code.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

from run import by_turns, typer_029_python

HERE = Path(__file__).parent
TODAY = "2030-01-01"


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
    env.pop("PYTHONDONTWRITEBYTECODE", None)
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
    got = by_turns(dict(cases), env, args.runs)
    show = got[cases[0][0]]
    print(f"median of {args.runs} rounds, every command once a round; a ratio is the median of the rounds'")
    print("ratios of client show to that command (target <= 0.60 against sqlite-utils and Typer 0.29)\n")
    print(f"{'':<36} {'wall ms':>9} {'cpu ms':>9} {'wall ratio':>11} {'cpu ratio':>10}")
    for label, figs in got.items():
        wall, cpu = statistics.median(f.wall for f in figs), statistics.median(f.cpu for f in figs)
        ratios = [statistics.median(s[k] / f[k] for s, f in zip(show, figs, strict=True)) for k in (0, 1)]
        print(f"{label:<36} {wall * 1000:9.1f} {cpu * 1000:9.1f} {ratios[0]:10.2f}x {ratios[1]:9.2f}x")


if __name__ == "__main__":
    main()
