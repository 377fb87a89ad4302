"""`lapor impor` of a CSV, the whole command, against a floor measured in the same run.

    PYTHONPATH=src python benchmarks/bench_import.py [-n 10000 100000] [--repeat 5] [--xlsx]

For each size ``n`` it makes a CSV of ``n`` typed-up paper forms (distinct reporters: every
form has its own NIK and phone number, as real forms do) and then, each on a fresh register in
a temporary folder, runs the command as a process (``python -m lapor_cli impor FILE --lama
--json``, with ``LAPOR_DB``, ``LAPOR_WAKTU="2026-11-23 10:00"``, ``LAPOR_PETUGAS=bench`` and
``HOME`` in the folder):

1. the file with two bad rows is refused, both rows named, nothing written;
2. the good file is imported; ``lapor periksa``'s checks (integrity, history chain,
   numbering) find nothing;
3. the same file imported again adds nothing;
4. timing, ``--repeat`` times, alternating: the import on a fresh register, wall clock of the
   whole process (Python start-up included), with its peak memory (of the process and of any
   process it started) and CPU time; and the floor;
5. the floor, also a whole process (``python -c``, so both sides pay Python's start-up): it
   opens a fresh register with ``sqlite3`` as the register is opened (WAL, ``synchronous =
   FULL``, ``foreign_keys = ON``), reads the file with ``csv.reader`` and inserts every row
   into the register's own ``kasus`` table (its schema, all its indexes) with one
   ``executemany`` in one transaction: no checks, no history, no numbering, no fingerprint;

and prints ``RATIO`` = the median of the ratios import / floor of each pair (the issue's
goal: ≤ 2.5× at 100,000 rows, ≤ 3× at 10,000). Every process is started by a small launcher
process that measures it (``wait4``): the peak memory is the command's own, not this
script's (Linux carries the peak of a process into the program it execs). ``--xlsx`` also
times an XLSX copy of the largest size (slow to make: openpyxl write-only) against the floor
of the same rows from the CSV.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from lapor_cli import importing
from lapor_cli.db import KNOWN_REVISIONS, open_register
from lapor_cli.maintenance import check
from lapor_cli.references import JENIS, KANAL

NOW = datetime(2026, 11, 23, 10, 0)
REGIONS = ("3171", "3172", "3173", "3273", "5171", "5301", "5371", "7371", "1271", "3578")
OPERATORS = ("0811", "0812", "0813", "0821", "0852", "0857", "0878", "0896")
GIVEN = ("Siti", "Budi", "Ani", "Yohanes", "Maria", "Made", "Wayan", "Dewi", "Agus", "Rina")
FAMILY = ("Aminah", "Santoso", "Lestari", "Ndun", "Bere", "Suartini", "Pratama", "Tefa")
TOPICS = (
    "Bantuan PKH belum cair sejak bulan lalu",
    "Nama tidak terdaftar di DTSEN padahal keluarga miskin",
    "BPNT tidak sesuai jumlah yang dijanjikan",
    "Mohon informasi syarat pengajuan PBI-JK",
    "Usul agar penyaluran bansos diumumkan di kelurahan",
    "Lansia terlantar di lingkungan RT kami perlu rehabilitasi sosial",
)
#: Every column of a paper form (``segera`` is never set on paper).
HEADER = [name for name in importing.COLUMNS if name != "segera"]


def make_rows(n: int, seed: int = 2026) -> list[list[str]]:
    rnd = random.Random(seed)
    start = datetime(2026, 1, 2, 8, 0)
    rows = []
    for i in range(n):
        anonim = rnd.random() < 0.05
        received = start + timedelta(minutes=rnd.randrange(0, 320 * 24 * 60))
        day = rnd.randint(1, 28) + (40 if rnd.random() < 0.5 else 0)
        nik = f"{rnd.choice(REGIONS)}{rnd.randint(1, 40):02d}{day:02d}{rnd.randint(1, 12):02d}"
        nik += f"{rnd.randint(50, 99):02d}{i % 9_999 + 1:04d}"  # a serial is never 0000
        hp = f"{rnd.choice(OPERATORS)}-{i // 10_000:04d}-{i % 10_000:04d}"
        rows.append(
            [
                f"F-{i + 1:06d}" if rnd.random() < 0.8 else "",
                received.strftime("%Y-%m-%d %H:%M") if i % 2 else received.strftime("%d/%m/%Y"),
                rnd.choice(KANAL),
                rnd.choice(JENIS),
                f"{rnd.choice(TOPICS)}. Formulir nomor {i}, RT {rnd.randint(1, 20)}.",
                "" if anonim else f"{rnd.choice(GIVEN)} {rnd.choice(FAMILY)}",
                "" if anonim else nik,
                "",
                "" if anonim else hp,
                "",
                "" if anonim else f"Jl. Merdeka {rnd.randint(1, 200)}, Kupang",
                "",
                "ya" if anonim else "tidak",
                "tidak",
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet("Formulir")
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    book.save(path)


def fresh_register(folder: Path, name: str) -> Path:
    path = folder / name
    register = open_register(str(path), write=True)
    register.engine.dispose()
    return path


#: The launcher: runs argv[1:] with its own environment, waits for it with ``wait4`` and prints
#: its wall clock, peak memory (the process's or any it started), CPU time, exit code and
#: output as JSON. This script holds every row in memory; the launcher is small, so the peak
#: of the process it starts is that process's own.
LAUNCH = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
out, err = [], []
import threading
readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()))
           for s, b in ((child.stdout, out), (child.stderr, err))]
for r in readers: r.start()
_, status, usage = os.wait4(child.pid, 0)
wall = time.perf_counter() - start
for r in readers: r.join()
json.dump({"wall": wall, "peak_kib": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime,
           "rc": os.waitstatus_to_exitcode(status), "out": out[0].decode(errors="replace"),
           "err": err[0].decode(errors="replace")[-3000:]}, sys.stdout)
"""


def launched(argv: list[str], env: dict[str, str]) -> dict:
    """Run ``argv`` under the launcher: its wall clock, peak memory, CPU, exit code, output."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCH, *argv], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def lapor_env(folder: Path, db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LAPOR_DB": str(db),
        "LAPOR_WAKTU": NOW.strftime("%Y-%m-%d %H:%M"),
        "LAPOR_PETUGAS": "bench",
        "HOME": str(folder),
        "XDG_CONFIG_HOME": str(folder),
        "APPDATA": str(folder),
    }


def impor(folder: Path, db: Path, path: Path) -> tuple[dict, dict]:
    """``lapor impor FILE --lama --json`` as a process: (its JSON result, its measures)."""
    run = launched(
        [sys.executable, "-m", "lapor_cli", "impor", str(path), "--lama", "--json"],
        lapor_env(folder, db),
    )
    try:
        result = json.loads(run["out"])
    except ValueError:
        raise SystemExit(f"impor gave no JSON (exit {run['rc']}):\n{run['err']}") from None
    return result, run


#: The floor as its own process: csv.reader + one executemany into ``kasus``, one transaction,
#: the register's pragmas. The constant columns are what the import stores for these rows.
FLOOR = '''
import csv, sqlite3, sys
db, path = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA synchronous = FULL")
conn.execute("PRAGMA foreign_keys = ON")
assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
meja, prefiks = conn.execute("SELECT kode, prefiks FROM meja").fetchone()
SQL = """INSERT INTO kasus (nomor, meja, prefiks, tahun, urut, status, kanal, jenis, uraian,
    nama, nik, kk, hp, email, alamat, anonim, rahasia, segera, nomor_lapor, nomor_formulir,
    diterima, dicatat, petugas, tembusan, diperpanjang, sla_profil, sla_satuan, sla_nilai,
    sla_perpanjangan)
    VALUES (?, ?, ?, 2026, ?, 'diterima', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?,
            '2026-11-23 10:00:00.000000', 'bench', '[]', 0, 'kemensos', 'hari_kerja', 3, 0)"""
with open(path, encoding="utf-8-sig", newline="") as fh:
    records = csv.reader(fh, delimiter=";")
    next(records)
    rows = (
        (f"{prefiks}-2026-{i:05d}", meja, prefiks, i, *r[2:5], *(v or None for v in r[5:11]),
         r[12] == "ya", r[13] == "ya", r[11] or None, r[0] or None, r[1])
        for i, r in enumerate(records, start=1)
    )
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(SQL, rows)
    conn.execute("COMMIT")
conn.close()
'''


def floor(db: Path, path: Path) -> dict:
    run = launched([sys.executable, "-c", FLOOR, str(db), str(path)], dict(os.environ))
    if run["rc"] != 0:
        raise SystemExit(f"the floor failed:\n{run['err']}")
    return run


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM kasus").fetchone()[0]


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def bench(folder: Path, rows: list[list[str]], suffix: str, repeat: int) -> dict:
    n = len(rows)
    writer = write_xlsx if suffix == "xlsx" else write_csv
    print(f"\n== {suffix.upper()}, {n:,} rows", flush=True)
    bad_rows = [list(r) for r in rows]
    bad = (15, n - 10)  # data rows (0-based) → spreadsheet rows 17 and n - 8
    bad_rows[bad[0]][6] = "3171014101900"  # a NIK of 13 digits
    bad_rows[bad[1]][1] = ""  # no receipt date
    bad_file, good_file = folder / f"salah-{n}.{suffix}", folder / f"benar-{n}.{suffix}"
    csv_file = folder / f"benar-{n}.csv"
    start = time.perf_counter()
    writer(bad_file, bad_rows)
    writer(good_file, rows)
    if suffix != "csv":
        write_csv(csv_file, rows)
    print(f"files written in {time.perf_counter() - start:.1f} s", flush=True)

    db = fresh_register(folder, f"register-{n}-{suffix}.db")
    result, run = impor(folder, db, bad_file)
    named = sorted({e["baris"] for e in result["galat"]})
    print(
        f"bad file: refused in {run['wall']:.2f} s (exit {run['rc']}); rows named {named} "
        f"(expected {[bad[0] + 2, bad[1] + 2]}); cases in the register: {count(db)}"
    )
    assert run["rc"] != 0 and named == [bad[0] + 2, bad[1] + 2] and count(db) == 0

    result, run = impor(folder, db, good_file)
    assert run["rc"] == 0 and result["diimpor"] + result["dilewati"] == n, result
    problems = check(db, KNOWN_REVISIONS).problems
    print(
        f"good file: {result['diimpor']:,} imported, {result['dilewati']:,} skipped "
        f"in {run['wall']:.2f} s; periksa (integrity, history chain, numbering): "
        f"{problems or 'ok'}"
    )
    assert not problems
    imported = count(db)
    again, run = impor(folder, db, good_file)
    print(
        f"again: {again['diimpor']} imported, {again['dilewati']:,} skipped in {run['wall']:.2f} s"
    )
    assert run["rc"] == 0 and again["diimpor"] == 0 and count(db) == imported

    imports, floors = [], []
    for i in range(repeat):  # alternated: a busy moment of the machine hits both sides
        fresh = fresh_register(folder, f"t{i}-{n}-{suffix}.db")
        result, run = impor(folder, fresh, good_file)
        assert run["rc"] == 0 and result["diimpor"] == count(fresh), result
        imports.append(run)
        floor_db = fresh_register(folder, f"f{i}-{n}-{suffix}.db")
        floors.append(floor(floor_db, csv_file))
        assert count(floor_db) == n
        print(
            f"  run {i + 1}: impor {run['wall']:.2f} s (cpu {run['cpu']:.2f} s, "
            f"peak {run['peak_kib'] / 1024:.0f} MiB); floor {floors[-1]['wall']:.2f} s",
            flush=True,
        )
    t_import, t_floor = median(imports, "wall"), median(floors, "wall")
    cpu = median(imports, "cpu")
    peak = max(r["peak_kib"] for r in imports) / 1024
    floor_peak = max(r["peak_kib"] for r in floors) / 1024
    print(
        f"impor ({suffix}; the whole command `python -m lapor_cli impor FILE --lama --json`): "
        f"median {t_import:.2f} s of {repeat}, cpu {cpu:.2f} s ({cpu / t_import:.0%}), "
        f"peak {peak:.0f} MiB"
    )
    print(
        "floor (the whole process: python -c, csv.reader + sqlite3 executemany into kasus, "
        f"one transaction): median {t_floor:.2f} s of {repeat}, peak {floor_peak:.0f} MiB"
    )
    goal = 2.5 if n >= 100_000 else 3.0
    # Each import is paired with the floor run right after it: the median of those ratios,
    # as benchmarks/run.py gives, holds when the machine's speed drifts during the runs.
    ratio = statistics.median(i["wall"] / f["wall"] for i, f in zip(imports, floors, strict=True))
    print(
        f"RATIO {suffix} {n:,} rows: impor / floor = {ratio:.2f}× (median of {repeat} pairs; "
        f"medians {t_import:.2f} s / {t_floor:.2f} s; sasaran ≤ 2.5× at 100k, ≤ 3× at 10k: "
        f"{'ok' if ratio <= goal else 'OVER'})",
        flush=True,
    )
    return {
        "what": f"{suffix} {n:,}",
        "import": t_import,
        "floor": t_floor,
        "ratio": ratio,
        "peak": peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[10_000, 100_000], help="rows")
    parser.add_argument("--xlsx", action="store_true", help="also an XLSX copy, largest n")
    parser.add_argument("--repeat", type=int, default=5, help="pairs per median")
    args = parser.parse_args()
    # The commands run as an installed lapor does, from bytecode (pip compiles it when it
    # installs; here the first run writes it): without, each run compiles it anew (~50 ms).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    summary = []
    with tempfile.TemporaryDirectory(prefix="lapor-bench-") as tmp:
        folder = Path(tmp)
        os.environ.update(HOME=tmp, XDG_CONFIG_HOME=tmp, APPDATA=tmp)
        for n in args.n:
            summary.append(bench(folder, make_rows(n), "csv", args.repeat))
        if args.xlsx:
            summary.append(bench(folder, make_rows(max(args.n)), "xlsx", args.repeat))
    print("\n== summary (median pair ratios; sasaran ≤ 2.5× at 100k, ≤ 3× at 10k)")
    for s in summary:
        print(
            f"RATIO {s['what']:>12} rows: {s['ratio']:.2f}× (impor {s['import']:.2f} s, floor "
            f"{s['floor']:.2f} s), peak {s['peak']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
