"""``lapor rekap`` of a month of N cases against its own queries run with plain sqlite3.

    PYTHONPATH=src python benchmarks/bench_rekap.py [-n 100000] [--runs 3] [--keep DIR]
                                                    [--db REGISTER]

1. Builds a register with ``n`` cases received in October 2026 (``bench_ekspor.build``: plain
   ``sqlite3``, not measured), and stores its holiday calendars (``kalender_paket``) as the
   first writing command of a register in use does: a reading command never computes them.
   ``--db`` reuses a register built before.
2. Records the SQL statements ``lapor rekap --bulan 2026-10`` runs (a ``sqlite3`` trace of
   one run, parameters written in).
3. Times, each in a fresh process, python start-up included, alternately ``--runs`` times:

   - ``rekap``: ``python -m lapor_cli rekap --bulan 2026-10`` (its screen to /dev/null);
   - ``floor``: a script that runs the very same statements with ``sqlite3`` and fetches
     every row: the least the command's reads can cost.

   Both run with bytecode caching on (in a scratch folder), as an installed package has it.
4. Prints the medians (wall clock and CPU time) and the ratio rekap / floor (goal: ≤ 2×).

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_ekspor import MONTH, NOW, YEAR, build  # noqa: E402

MONTH_ARG = f"{YEAR}-{MONTH:02d}"

#: Runs ``lapor rekap`` in this process with every sqlite3 connection traced; writes the
#: statements (parameters written in) as JSON to argv[1].
TRACE = """
import atexit, json, runpy, sqlite3, sqlite3.dbapi2, sys
statements = []
connect = sqlite3.connect
def traced(*args, **kwargs):
    conn = connect(*args, **kwargs)
    conn.set_trace_callback(statements.append)
    return conn
sqlite3.connect = sqlite3.dbapi2.connect = traced  # the driver's, or SQLAlchemy's
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(statements)))
sys.argv = ["lapor", "rekap", "--bulan", sys.argv[2]]
runpy.run_module("lapor_cli", run_name="__main__")
"""

#: The floor: the same statements through sqlite3 alone, every row fetched.
FLOOR = """
import json, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
for statement in json.loads(open(sys.argv[2]).read()):
    conn.execute(statement).fetchall()
"""


def prime_calendars(db: Path) -> None:
    """The holiday calendars of the months read, stored as a writing command stores them."""
    from lapor_cli.db import open_register
    from lapor_cli.deadlines import Deadlines

    register = open_register(str(db), write=True)
    with register.transaction(True) as session:
        Deadlines(session).ensure_years(YEAR, YEAR + 1)
    register.engine.dispose()


def environment(db: Path, scratch: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "LAPOR_DB": str(db),
        "LAPOR_WAKTU": NOW.strftime("%Y-%m-%d %H:%M"),
        "HOME": str(scratch),
        "PYTHONPYCACHEPREFIX": str(scratch / "pycache"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall clock and CPU time (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="cases in the month")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median)")
    parser.add_argument("--keep", type=Path, help="build the register here")
    parser.add_argument("--db", type=Path, help="a register built before (bench_ekspor.build)")
    args = parser.parse_args()
    # The commands run as an installed lapor does, from bytecode (pip compiles it when it
    # installs; here the first run writes it): without, each run compiles it anew (~50 ms).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        if args.db:
            db = args.db
        else:
            folder = args.keep or scratch
            folder.mkdir(parents=True, exist_ok=True)
            db = folder / "rekap.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            build(db, args.n)
        prime_calendars(db)
        env = environment(db, scratch)
        statements = scratch / "statements.json"
        rekap = [sys.executable, "-m", "lapor_cli", "rekap", "--bulan", MONTH_ARG]
        trace = [sys.executable, "-c", TRACE, str(statements), MONTH_ARG]
        floor = [sys.executable, "-c", FLOOR, str(db), str(statements)]
        timed(trace, env)  # the statements; also warms the bytecode cache and the page cache
        count = len(json.loads(statements.read_text()))
        timed(rekap, env)
        times: dict[str, list[tuple[float, float]]] = {"rekap": [], "floor": []}
        for _ in range(args.runs):
            times["rekap"].append(timed(rekap, env))
            times["floor"].append(timed(floor, env))

    def median(name: str, i: int) -> float:
        return statistics.median(t[i] for t in times[name])

    print(f"register: {db}; {count} SQL statements; medians of {args.runs} runs")
    for name, what in (
        ("rekap", f"python -m lapor_cli rekap --bulan {MONTH_ARG}"),
        ("floor", "the same statements, sqlite3, fetchall"),
    ):
        print(f"{name}  {median(name, 0):6.2f} s wall  {median(name, 1):6.2f} s CPU   ({what})")
    print(
        f"ratio  {median('rekap', 0) / median('floor', 0):6.2f}× wall  "
        f"{median('rekap', 1) / median('floor', 1):6.2f}× CPU   rekap / floor (sasaran ≤ 2×)"
    )


if __name__ == "__main__":
    main()
