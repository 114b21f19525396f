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
# The day a July report would have been sent: events recorded later (one in twenty, up to 40 days
# late in the generated file) are not in it.
AS_OF_DAY = "2021-08-05"


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


def by_turns(cases: dict[str, list[str]], env: dict[str, str], runs: int) -> dict[str, list[Timing]]:
    """Every case once per round, ``runs`` rounds after one unmeasured: a machine's changing speed
    falls on all of them alike, and the first round writes the byte-code caches a normal install has."""
    got: dict[str, list[Timing]] = {label: [] for label in cases}
    for n in range(runs + 1):
        for label, cmd in cases.items():
            fig = timed(cmd, env)
            if n:
                got[label].append(fig)
    return got


TYPER_029 = "typer==0.29.2"


def typer_029_python(work: Path) -> str:
    """The hello-world anchor's Python: a venv of its own with Typer 0.29 from the package index."""
    venv = work / "typer-0.29"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", TYPER_029], check=True)
    return str(python)


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


class Paired(NamedTuple):
    anchor: Timing
    other: Timing
    ratios: tuple[float, float]  # medians of the run-by-run ratios, wall and CPU


def by_pairs(a: list[Timing], b: list[Timing]) -> Paired:
    """Medians of runs made by turns, and the median of each turn's ratio: this machine's speed
    drifts by a third within minutes, and a ratio of two medians taken apart carries the drift."""
    wall = statistics.median(y.wall / x.wall for x, y in zip(a, b, strict=True))
    cpu = statistics.median(y.cpu / x.cpu for x, y in zip(a, b, strict=True))
    return Paired(_median(a), _median(b), (wall, cpu))


def paired(cmd: list[str], first: dict[str, str], second: dict[str, str], runs: int) -> Paired:
    """``cmd`` in two environments, run by turns: a neighbour's load falls on both alike."""
    a, b = [], []
    for _ in range(runs):
        a.append(timed(cmd, first))
        b.append(timed(cmd, second))
    return by_pairs(a, b)


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
        plain, enc, ratios = paired(cmd, env, sealed_env, runs)
        row(f"report {what}, plain  [anchor]", plain, None, "")
        row(f"report {what}, encrypted", enc, plain, f"target <= {target}", ratios)


def check_figures(mentorcli: str, db: Path, env: dict[str, str], runs: int) -> None:
    """Issue 18: ``db check`` by turns with ``--version``, on the file as its writers left it (every
    client stamped), with ``--full``, and with no stamps (the first check after migration 0016)."""
    import sqlite3

    version = [mentorcli, "--version"]

    def unstamped() -> Timing:
        conn = sqlite3.connect(db)
        conn.execute("DELETE FROM derivation_stamps")
        conn.commit()
        conn.close()
        return timed([mentorcli, "db", "check"], env)

    for label, cmd, target in (
        ("db check, {} clients", [mentorcli, "db", "check"], "target <= 10x"),
        ("db check --full, {} clients", [mentorcli, "db", "check", "--full"], "(integrity_check: no target)"),
        ("db check, {} clients, no stamps (first after 0016)", None, "once after the migration"),
    ):
        a, b = [], []
        for _ in range(runs):
            a.append(timed(version, env))
            b.append(timed(cmd, env) if cmd else unstamped())
        anchor, t, ratios = by_pairs(a, b)
        row("mentorcli --version  [anchor]", anchor, None, "")
        clients = sqlite3.connect(db).execute("SELECT COUNT(*) FROM clients").fetchone()[0]
        row(label.format(clients), t, anchor, target, ratios)
    # Leave the file as its writers left it.
    subprocess.run([mentorcli, "db", "check"], env=env, check=False, capture_output=True)


def paired_commands(
    a: list[str], b: list[str], env: dict[str, str], runs: int, env_a: dict[str, str] | None = None
) -> Paired:
    """``a`` and ``b`` run in turn, so that a shared machine's load falls on both alike."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(timed(a, env_a or env))
        tb.append(timed(b, env))
    return by_pairs(ta, tb)


def plus(a: Timing, b: Timing) -> Timing:
    return Timing(a.wall + b.wall, a.cpu + b.cpu, max(a.rss, b.rss))


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if not found:
        raise SystemExit(f"{name} is not installed")
    return found


def row(label: str, t: Timing, anchor: Timing | None, target: str, ratios: tuple[float, float] | None = None) -> None:
    if ratios is None and anchor is not None:
        ratios = (t.wall / anchor.wall, t.cpu / anchor.cpu)
    ratio = f"{ratios[0]:6.2f}x {ratios[1]:6.2f}x" if ratios else "     -       -   "
    peak = f"{t.rss / 1024:6.1f} MB" if t.rss else " " * 9  # the start-up rounds keep no peak
    print(f"{label:<48} {t.wall * 1000:9.1f} {t.cpu * 1000:9.1f}  {ratio}  {peak}  {target}")


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
    ap.add_argument(
        "--only", choices=("all", "encrypted", "check"), default="all", help="run one group of the benchmark"
    )
    ap.add_argument("--bulk-clients", type=int, default=100_000, help="clients of the bulk import figures (issue 13)")
    ap.add_argument(
        "--five-clients",
        type=int,
        default=100_000,
        help="clients of the five-file import figure (10000: a quicker run)",
    )
    ap.add_argument("--only-bulk", action="store_true", help="only the import and year-report figures of issue 13")
    ap.add_argument("--million", type=Path, help="a generated 1,000,000-client file for the report figures at 1M")
    ap.add_argument("--skip-import", action="store_true", help="with --only-bulk: the report figures only")
    args = ap.parse_args()
    # An installed package has its byte-code; with PYTHONDONTWRITEBYTECODE set every run would
    # compile again each module changed since its cache was written (tens of milliseconds of
    # `--version`, the anchor). The first run of each command below writes the caches.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([tool("mentorcli"), "--version"], check=True, capture_output=True)
    if args.only_bulk:
        bulk_figures(args)
        return
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
    if args.only == "check":
        check_figures(mentorcli, db, env, args.runs)
        return

    # By turns with both anchors of issue 13; the ratio is the median of the rounds' ratios.
    show = [mentorcli, "client", "show", code, "--format", "json"]
    anchors = {
        "sqlite-utils rows (one row)": [
            sqlite_utils,
            "rows",
            str(db),
            "clients",
            "--where",
            "code = :c",
            "-p",
            "c",
            code,
        ],
        "hello-world Typer 0.29": [typer_029_python(args.work), str(HERE / "hello" / "hello_typer.py")],
    }
    got = by_turns(
        {"show": show, **anchors}, {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}, max(args.runs, 11)
    )
    for label in anchors:
        anchor, t, ratios = by_pairs(got[label], got["show"])
        row(f"{label}  [anchor]", anchor, None, "")
        row("mentorcli client show --format json", t, anchor, "target <= 0.60x", ratios)

    # Each figure by turns with --version: on a shared machine the load falls on both alike.
    busy = {**env, "MENTORCLI_TODAY": BUSY_DAY}  # a day inside the generated years: at TODAY nobody is served
    print()
    for label, cmd, run_env, target in (
        (f"report month, {args.clients} clients", ["report", "month", "2021-07"], env, "target <= 2x, < 150 MB"),
        (f"report year, {args.clients} clients", ["report", "year", "2021"], env, "target <= 3x, < 150 MB"),
        (
            "client list --served-in 2021-07 --format json",
            ["client", "list", "--served-in", "2021-07"],
            env,
            "target <= 2x",
        ),
        (f"due --format json (today {BUSY_DAY})", ["due"], busy, "target <= 2x"),
    ):
        version, t, ratios = paired_commands(
            [mentorcli, "--version"], [mentorcli, *cmd, "--format", "json"], run_env, args.runs
        )
        row("mentorcli --version  [anchor]", version, None, "")
        row(label, t, version, target, ratios)
    print()
    check_figures(mentorcli, db, env, args.runs)

    print()
    encrypted(mentorcli, db, env, args.runs)
    month = [mentorcli, "report", "month", "2021-07", "--format", "json"]
    plain, as_of, ratios = paired_commands(month, [*month, "--as-of", AS_OF_DAY], env, args.runs)
    row("report month 2021-07  [anchor]", plain, None, "")
    row(f"report month 2021-07 --as-of {AS_OF_DAY}", as_of, plain, "target <= 2x", ratios)
    year = [mentorcli, "report", "year", "2021", "--format", "json"]
    plain, as_of, ratios = paired_commands(year, [*year, "--as-of", "2022-01-10"], env, args.runs)
    row("report year 2021  [anchor]", plain, None, "")
    row("report year 2021 --as-of 2022-01-10", as_of, plain, "target <= 2x", ratios)
    due = [mentorcli, "due", "--format", "json"]
    plain, as_of, ratios = paired_commands(due, [*due, "--as-of", BUSY_DAY], env, args.runs, env_a=busy)
    row(f"due (today {BUSY_DAY})  [anchor]", plain, None, "")
    row(f"due --as-of {BUSY_DAY}", as_of, plain, "target <= 2x", ratios)

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


# --- issue 13: the bulk import and the year report in sets --------------------------------------


def cpu_timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """``timed`` as the plain triple the paired runs of issue 13 take."""
    one = timed(cmd, env)
    return one.wall, one.cpu, one.rss


def paired_runs(
    runs: int, anchor: Callable[[], tuple[float, float, int]], other: Callable[[], tuple[float, float, int]]
) -> tuple[tuple[float, float, int], tuple[float, float, int], float, float]:
    """Anchor and other run in turns; medians of each, and the medians of the run-by-run ratios (wall, CPU)."""
    a_runs, o_runs = [], []
    for _ in range(runs):
        a_runs.append(anchor())
        o_runs.append(other())

    def med(rs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
        return statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs), max(r[2] for r in rs)

    wall = statistics.median(o[0] / a[0] for a, o in zip(a_runs, o_runs, strict=True))
    cpu = statistics.median(o[1] / a[1] for a, o in zip(a_runs, o_runs, strict=True))
    return med(a_runs), med(o_runs), wall, cpu


def cpu_row(label: str, fig: tuple[float, float, int], ratios: tuple[float, float] | None, target: str) -> None:
    wall, cpu, rss = fig
    r = f"{ratios[0]:5.2f}x wall {ratios[1]:5.2f}x cpu" if ratios else " " * 23
    print(f"{label:<50} {wall:7.2f} s {cpu:7.2f} s cpu  {r}  {rss / 1024:6.1f} MB  {target}")


def write_casework_csv(db: Path, folder: Path) -> None:
    """staff.csv, assignments.csv and activities.csv of a generated register, in the import format."""
    import csv
    import sqlite3

    conn = sqlite3.connect(db)
    files = {
        "staff.csv": (
            ["name", "role", "team", "from", "to"],
            "SELECT name, role, '', active_from, COALESCE(active_to, '') FROM staff ORDER BY role DESC, id",
        ),
        "assignments.csv": (
            ["code", "worker", "mentor", "from", "to"],
            "SELECT c.code, w.name, m.name, a.start, COALESCE(a.\"end\", '') FROM assignments a "
            "JOIN clients c ON c.id = a.client_id JOIN staff w ON w.id = a.worker_id JOIN staff m ON m.id = a.mentor_id "
            "ORDER BY a.id",
        ),
        "activities.csv": (
            ["code", "date", "type", "staff", "minutes", "interpreter", "note"],
            "SELECT c.code, a.date, a.type, s.name, COALESCE(a.minutes, ''), '', '' FROM activities a "
            "JOIN activity_clients ac ON ac.activity_id = a.id JOIN clients c ON c.id = ac.client_id "
            "JOIN staff s ON s.id = a.staff_id ORDER BY a.id",
        ),
    }
    # A staff name takes letters only: "mentor 033" becomes "mentor add".
    letters = str.maketrans("0123456789", "abcdefghij")
    for name, (header, sql) in files.items():
        with (folder / name).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            for row in conn.execute(sql):
                w.writerow(
                    [
                        v.translate(letters) if header[i] in ("name", "worker", "mentor", "staff") else v
                        for i, v in enumerate(row)
                    ]
                )
    conn.close()


def sqlite3_floor(src: Path, out: Path) -> None:
    """The plain floor: csv rows into the same schema with executemany, unchecked, one transaction."""
    import csv
    import sqlite3

    from mentorcli.store.db import connect

    out, src = Path(out), Path(src)
    connect(out, create=True).close()
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("BEGIN")
    with (src / "clients.csv").open(encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        conn.executemany(
            "INSERT INTO clients (code, sex, born, country, arrived, route, residence, family, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), 'now')",
            (r[:1] + r[2:9] for r in rows),
        )
    ids = dict(conn.execute("SELECT code, id FROM clients"))
    with (src / "events.csv").open(encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        conn.executemany(
            "INSERT INTO events (client_id, date, event, value, recorded) VALUES (?, ?, ?, NULLIF(?, ''), 'now')",
            ((ids[r[0]], r[1], r[2], r[3]) for r in rows),
        )
    conn.execute("COMMIT")
    conn.close()


def bulk_figures(args: argparse.Namespace) -> None:
    """Issue 13's targets: bulk import vs sqlite-utils, the plain floor, five files at once, report year."""
    mentorcli, sqlite_utils = tool("mentorcli"), tool("sqlite-utils")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"median of {args.runs} paired runs (anchor and command in turns); ratios are medians of run-by-run ratios\n")
    n = args.bulk_clients
    src = args.work / f"csv-{n}"
    ensure(args.work / f"bench-{n}.db", n, src)
    if args.skip_import:
        return report_figures(args, mentorcli, n)
    target, su_db, floor_db = args.work / "bulk.db", args.work / "bulk-su.db", args.work / "bulk-floor.db"

    def fresh(*dbs: Path) -> None:
        for p in dbs:
            for suffix in ("", "-wal", "-shm"):
                Path(str(p) + suffix).unlink(missing_ok=True)

    env = {**os.environ, "MENTORCLI_DB": str(target), "MENTORCLI_TODAY": TODAY}

    def su() -> tuple[float, float, int]:
        fresh(su_db)
        a = cpu_timed([sqlite_utils, "insert", str(su_db), "clients", str(src / "clients.csv"), "--csv"], env)
        b = cpu_timed([sqlite_utils, "insert", str(su_db), "events", str(src / "events.csv"), "--csv"], env)
        return a[0] + b[0], a[1] + b[1], max(a[2], b[2])

    def imp() -> tuple[float, float, int]:
        fresh(target)
        return cpu_timed([mentorcli, "import", str(src / "clients.csv"), str(src / "events.csv")], env)

    def floor() -> tuple[float, float, int]:
        fresh(floor_db)
        code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import run; run.sqlite3_floor({str(src)!r}, {str(floor_db)!r})"
        return cpu_timed([sys.executable, "-c", code], env)

    a, m, wall, cpu = paired_runs(args.runs, su, imp)
    cpu_row(f"sqlite-utils insert --csv clients+events ({n})  [anchor]", a, None, "")
    cpu_row("mentorcli import clients.csv events.csv", m, (wall, cpu), "target <= 1.00x, < 300 MB")
    a, f, wall, cpu = paired_runs(args.runs, su, floor)
    cpu_row("plain sqlite3 executemany (floor, unchecked)", f, (wall, cpu), "")

    print()
    k = args.five_clients
    five = args.work / f"csv-{k}"
    ensure(args.work / f"bench-{k}.db", k, five)
    write_casework_csv(args.work / f"bench-{k}.db", five)
    names = ["clients", "events", "staff", "assignments", "activities"]

    def su5() -> tuple[float, float, int]:
        fresh(su_db)
        figs = [
            cpu_timed([sqlite_utils, "insert", str(su_db), name, str(five / f"{name}.csv"), "--csv"], env)
            for name in names
        ]
        return sum(x[0] for x in figs), sum(x[1] for x in figs), max(x[2] for x in figs)

    def imp5() -> tuple[float, float, int]:
        fresh(target)
        return cpu_timed([mentorcli, "import", str(five)], env)

    a, m, wall, cpu = paired_runs(max(1, args.runs // 2), su5, imp5)
    rows = sum(sum(1 for _ in (five / f"{name}.csv").open()) - 1 for name in names)
    cpu_row(f"sqlite-utils insert --csv, five files ({k}; {rows} rows)  [anchor]", a, None, "")
    cpu_row("mentorcli import FOLDER (five files, one transaction)", m, (wall, cpu), "ratio printed")

    report_figures(args, mentorcli, n)


def report_figures(args: argparse.Namespace, mentorcli: str, n: int) -> None:
    print()
    db = args.work / f"bench-{n}.db"
    renv = {**os.environ, "MENTORCLI_DB": str(db), "MENTORCLI_TODAY": TODAY}
    version = [mentorcli, "--version"]
    year = [mentorcli, "report", "year", "2021", "--format", "json"]
    month = [mentorcli, "report", "month", "2021-07", "--format", "json"]
    a, y, wall, cpu = paired_runs(args.runs, lambda: cpu_timed(version, renv), lambda: cpu_timed(month, renv))
    cpu_row("mentorcli --version  [anchor]", a, None, "")
    cpu_row(f"report month 2021-07, {n} clients", y, (wall, cpu), "target <= 2x")
    a, y, wall, cpu = paired_runs(args.runs, lambda: cpu_timed(version, renv), lambda: cpu_timed(year, renv))
    cpu_row("mentorcli --version  [anchor]", a, None, "")
    cpu_row(f"report year 2021, {n} clients", y, (wall, cpu), "target <= 3x")
    if args.million is None:
        return
    print()
    menv = {**os.environ, "MENTORCLI_DB": str(args.million), "MENTORCLI_TODAY": TODAY}
    # A file from an earlier mentorcli gets its missing migrations here, not inside a timed run.
    subprocess.run([mentorcli, "db", "info"], env=menv, check=True, capture_output=True)
    a, y, wall, cpu = paired_runs(args.runs, lambda: cpu_timed(version, menv), lambda: cpu_timed(year, menv))
    cpu_row("mentorcli --version  [anchor]", a, None, "")
    cpu_row(f"report year 2021, {args.million.name}", y, (wall, cpu), "target <= 15x, < 300 MB")
    for args_ in (["month", "2021-07"], ["period", "--from", "2021-01-01", "--to", "2021-06-30"]):
        fig = cpu_timed([mentorcli, "report", *args_, "--format", "json"], menv)
        cpu_row(f"report {' '.join(args_)}, {args.million.name} (one run)", fig, None, "< 300 MB")


if __name__ == "__main__":
    main()
