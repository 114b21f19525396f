"""Run the speed targets of issues 7 and 18 side by side and print each median with its ratio to the anchor.

    python benchmarks/run.py [--clients 100000] [--runs 5] [--scaling 10000,100000,1000000] [--work DIR]
                             [--only encrypted]

Not a timed test: a benchmark a person runs on a quiet machine; its output goes in the README.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).parent
TODAY = "2030-01-01"
BUSY_DAY = "2021-07-15"


class Timing(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds: steadier than wall on a machine others share
    rss: int  # peak resident memory, KB


def timed(cmd: list[str], env: dict[str, str]) -> Timing:
    """Wall and CPU seconds and peak resident memory of one run of ``cmd``."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        err = p.stderr.read().decode() if p.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err[:2000]}")
    return Timing(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def median(cmd: list[str], env: dict[str, str], runs: int, setup: object = None) -> Timing:
    times = []
    for _ in range(runs):
        if callable(setup):
            setup()
        times.append(timed(cmd, env))
    return _median(times)


def _median(times: list[Timing]) -> Timing:
    return Timing(
        statistics.median(t.wall for t in times), statistics.median(t.cpu for t in times), max(t.rss for t in times)
    )


def paired(cmd: list[str], first: dict[str, str], second: dict[str, str], runs: int) -> tuple[Timing, Timing]:
    """``cmd`` in two environments, run by turns: a neighbour's load falls on both alike."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(cmd, first))
        b.append(timed(cmd, second))
    return _median(a), _median(b)


PASSPHRASE = "benchmark passphrase"


def encrypted(mentorcli: str, db: Path, env: dict[str, str], runs: int) -> None:
    """Issue 21: reports on an encrypted copy of the benchmark file against the plain one."""
    sealed = db.with_name(f"{db.stem}-encrypted.db")
    sealed_env = {**env, "MENTORCLI_DB": str(sealed), "MENTORCLI_PASSPHRASE": PASSPHRASE}
    if not sealed.exists():
        part = sealed.with_suffix(".part")
        shutil.copy(db, part)
        subprocess.run([mentorcli, "--db", str(part), "db", "encrypt"], env=sealed_env, check=True, capture_output=True)
        part.rename(sealed)
    for what, period, target in (("month", "2021-07", "1.3x"), ("year", "2021", "1.3x")):
        cmd = [mentorcli, "report", what, period, "--format", "json"]
        plain, enc = paired(cmd, env, sealed_env, runs)
        row(f"report {what}, plain  [anchor]", plain, None, "")
        row(f"report {what}, encrypted", enc, plain, f"target <= {target}")


def plus(a: Timing, b: Timing) -> Timing:
    return Timing(a.wall + b.wall, a.cpu + b.cpu, max(a.rss, b.rss))


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed")
    return found


def row(label: str, t: Timing, anchor: Timing | None, target: str) -> None:
    ratio = f"{t.wall / anchor.wall:6.2f}x {t.cpu / anchor.cpu:6.2f}x" if anchor else "     -       -   "
    print(f"{label:<48} {t.wall * 1000:9.1f} {t.cpu * 1000:9.1f}  {ratio}  {t.rss / 1024:6.1f} MB  {target}")


def ensure(db: Path, clients: int, csv_dir: Path | None = None) -> None:
    if not db.exists() or (csv_dir and not (csv_dir / "clients.csv").exists()):
        args = [sys.executable, str(HERE / "generate.py"), "--clients", str(clients), "--out", str(db)]
        if csv_dir:
            args += ["--csv-dir", str(csv_dir)]
        subprocess.run(args, check=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--clients", type=int, default=100_000)
    ap.add_argument("--import-clients", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--scaling", default="10000,100000,1000000")
    ap.add_argument("--work", type=Path, default=Path("/tmp/mentorcli-bench"))
    ap.add_argument("--only", choices=("all", "encrypted"), default="all", help="run one group of the benchmark")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    mentorcli, sqlite_utils = tool("mentorcli"), tool("sqlite-utils")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    )
    print(f"median of {args.runs} runs; ratio to the anchor of each group, in wall and in CPU (user + system) time\n")
    print(f"{'':<48} {'wall ms':>9} {'cpu ms':>9}  {'wall':>7} {'cpu':>7}  {'peak':>9}")

    db = args.work / f"bench-{args.clients}.db"
    ensure(db, args.clients)
    env = {**os.environ, "MENTORCLI_DB": str(db), "MENTORCLI_TODAY": TODAY}
    # A file from an earlier mentorcli gets its missing migrations here, not inside a timed run.
    subprocess.run([mentorcli, "db", "info"], env=env, check=True, capture_output=True)
    code = f"N-{args.clients // 2:07d}"
    if args.only == "encrypted":
        encrypted(mentorcli, db, env, args.runs)
        return

    anchor = median([sqlite_utils, "rows", str(db), "clients", "--where", "code = :c", "-p", "c", code], env, args.runs)
    row("sqlite-utils rows (one row)  [anchor]", anchor, None, "")
    t = median([mentorcli, "client", "show", code, "--format", "json"], env, args.runs)
    row("mentorcli client show --format json", t, anchor, "target <= 1.00x")

    version = median([mentorcli, "--version"], env, args.runs)
    print()
    row("mentorcli --version  [anchor]", version, None, "")
    t = median([mentorcli, "report", "month", "2021-07", "--format", "json"], env, args.runs)
    row(f"report month, {args.clients} clients", t, version, "target <= 3x, < 150 MB")
    t = median([mentorcli, "report", "year", "2021", "--format", "json"], env, args.runs)
    row(f"report year, {args.clients} clients", t, version, "target <= 5x, < 150 MB")
    t = median([mentorcli, "db", "check"], env, args.runs)
    row(f"db check, {args.clients} clients", t, version, "target <= 10x")
    t = median([mentorcli, "db", "check", "--full"], env, args.runs)
    row(f"db check --full, {args.clients} clients", t, version, "(integrity_check: no target)")
    t = median([mentorcli, "client", "list", "--served-in", "2021-07", "--format", "json"], env, args.runs)
    row("client list --served-in 2021-07 --format json", t, version, "target <= 2x")
    # A day inside the generated years, when thousands are served: at TODAY nobody is.
    busy = {**env, "MENTORCLI_TODAY": BUSY_DAY}
    t = median([mentorcli, "due", "--format", "json"], busy, args.runs)
    row(f"due --format json (today {BUSY_DAY})", t, version, "target <= 2x")

    print()
    encrypted(mentorcli, db, env, args.runs)

    print()
    src = args.work / f"csv-{args.import_clients}"
    ensure(args.work / f"bench-{args.import_clients}.db", args.import_clients, src)
    target_db = args.work / "import.db"
    su_db = args.work / "su.db"

    def fresh() -> None:
        for p in (target_db, su_db):
            for suffix in ("", "-wal", "-shm"):
                Path(str(p) + suffix).unlink(missing_ok=True)

    su = [sqlite_utils, "insert", str(su_db), "clients", str(src / "clients.csv"), "--csv"]
    su_ev = [sqlite_utils, "insert", str(su_db), "events", str(src / "events.csv"), "--csv"]
    imp_env = {**os.environ, "MENTORCLI_DB": str(target_db), "MENTORCLI_TODAY": TODAY}
    imp = [mentorcli, "import", "clients", str(src / "clients.csv")]
    imp_ev = [mentorcli, "import", "events", str(src / "events.csv")]

    def then(cmd: list[str], cmd_env: dict[str, str]) -> Callable[[], None]:
        """A fresh file holding what ``cmd`` writes: the clients, before the events are timed."""

        def setup() -> None:
            fresh()
            subprocess.run(cmd, env=cmd_env, check=True, capture_output=True)

        return setup

    a1 = median(su, env, args.runs, fresh)
    a2 = median(su_ev, env, args.runs, then(su, env))
    row(f"sqlite-utils insert --csv clients+events ({args.import_clients})  [anchor]", plus(a1, a2), None, "")
    m1 = median(imp, imp_env, args.runs, fresh)
    m2 = median(imp_ev, imp_env, args.runs, then(imp, imp_env))
    row("mentorcli import clients+events", plus(m1, m2), plus(a1, a2), "target <= 1.00x")

    print()
    base: tuple[Timing, int] | None = None
    for n in [int(x) for x in args.scaling.split(",") if x]:
        sdb = args.work / f"bench-{n}.db"
        ensure(sdb, n)
        senv = {**os.environ, "MENTORCLI_DB": str(sdb), "MENTORCLI_TODAY": TODAY}
        t = median([mentorcli, "report", "year", "2021", "--format", "json"], senv, max(1, args.runs // 2))
        base = base or (t, n)
        growth = (t.cpu / base[0].cpu) / (n / base[1])
        row(f"report year, {n} clients", t, base[0], f"CPU per client vs first: {growth:.2f} (<= 1: linear or better)")


if __name__ == "__main__":
    main()
