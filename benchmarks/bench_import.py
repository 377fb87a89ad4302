"""`lapor impor` on a large file against a floor measured in the same run.

    PYTHONPATH=src python benchmarks/bench_import.py [-n 100000] [--repeat 1] [--xlsx] [--memory]

Makes a CSV of ``n`` typed-up paper forms (distinct reporters: every form has its own NIK and
phone number, as real forms do), then, each on a fresh register in a temporary folder:

1. the file with two bad rows is refused, both rows named, nothing written;
2. the fixed file is imported as `lapor impor` does it (a file of
   ``importing.run.PARALLEL_FROM_BYTES`` or more: checked in a second process while this one
   writes, in one transaction; a smaller one: checked, then written, timed per phase);
3. the same file imported again adds nothing;
4. the floor: the same rows read from the same file (``csv.reader``; an XLSX with openpyxl
   in read-only mode) and inserted into the register's own ``kasus`` table (same schema,
   indexes and pragmas) with plain ``sqlite3.executemany`` in one transaction: no checks, no
   history, no numbering (an XLSX is also compared with the same rows read from a CSV);

and prints the import's time as a multiple of the floor (the issue's target: at most 3×);
``--repeat R`` takes the best of R imports and of R floors (on a busy machine).
``--xlsx`` does the same for an XLSX copy (slow to make: openpyxl write-only). ``--memory``
runs the real command on n/10 and n rows in child processes and prints their peak memory.

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from lapor_cli import importing
from lapor_cli.db import KNOWN_REVISIONS, open_register
from lapor_cli.desks import desk_for_write
from lapor_cli.importing import run
from lapor_cli.maintenance import check
from lapor_cli.references import JENIS, KANAL
from lapor_cli.settings import get_settings

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


def run_import(db: Path, path: Path) -> tuple[importing.ImportResult, float, float]:
    """As `lapor impor` does: (result, check s, write s).

    A file of ``importing.run.PARALLEL_FROM_BYTES`` or more is checked in a second process while
    this one writes (the phases overlap: the whole time is reported as "write", check 0);
    a smaller one is checked without the lock, then written in one transaction."""
    register = open_register(str(db), write=True)
    try:
        if path.stat().st_size >= run.PARALLEL_FROM_BYTES:
            start = time.perf_counter()
            try:
                with register.transaction(True) as session:
                    result = importing.import_parallel(
                        session,
                        path,
                        now=NOW,
                        petugas="meja-impor",
                        lama=True,  # forms of the whole year, not only the last 30 days
                        settings=get_settings(session),
                        desk=desk_for_write(session, None),
                    )
            except importing.ImportRefused as refused:
                result = refused.result
            return result, 0.0, time.perf_counter() - start
        start = time.perf_counter()
        checked = importing.check_file(path, now=NOW, petugas="meja-impor", lama=True)
        checked_at = time.perf_counter()
        try:
            if checked.errors:
                refused = importing.ImportResult(
                    galat=checked.errors, baris=checked.rows, baris_bermasalah=checked.bad_rows
                )
                return refused, checked_at - start, 0.0
            with register.transaction(True) as session:
                settings = get_settings(session)
                desk = desk_for_write(session, None)
                result = importing.write_checked(
                    session, checked, now=NOW, settings=settings, desk=desk
                )
        finally:
            checked.close()
        return result, checked_at - start, time.perf_counter() - checked_at
    finally:
        register.engine.dispose()


FLOOR_SQL = """INSERT INTO kasus (nomor, prefiks, tahun, urut, status, kanal, jenis, uraian,
    nama, nik, kk, hp, email, alamat, anonim, rahasia, segera, nomor_lapor, nomor_formulir,
    diterima, dicatat, petugas, tembusan, sla_profil, sla_satuan, sla_nilai, sla_perpanjangan)
    VALUES (?, 'DS', 2026, ?, 'diterima', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?,
            '2026-11-23 10:00:00.000000', 'meja-impor', '[]', 'kemensos', 'hari_kerja', 3, 0)"""


def floor(db: Path, path: Path) -> float:
    """The same rows read and inserted with plain sqlite3.executemany in one transaction:
    a CSV through ``csv.reader``, an XLSX through openpyxl in read-only mode."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = FULL")
    start = time.perf_counter()
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        records = (
            ["" if v is None else str(v) for v in r]
            for r in book.worksheets[0].iter_rows(values_only=True)
        )
        _floor_insert(conn, records)
        book.close()
    else:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            _floor_insert(conn, csv.reader(fh, delimiter=";"))
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _floor_insert(conn: sqlite3.Connection, records) -> None:
    next(records)
    rows = (
        (
            f"DS-2026-{i:05d}",
            i,
            *r[2:5],
            *(v or None for v in r[5:11]),
            r[12] == "ya",
            r[13] == "ya",
            r[11] or None,
            r[0] or None,
            r[1],
        )
        for i, r in enumerate(records, start=1)
    )
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(FLOOR_SQL, rows)
    conn.execute("COMMIT")


def count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM kasus").fetchone()[0]


def bench(folder: Path, rows: list[list[str]], suffix: str, repeat: int) -> None:
    n = len(rows)
    writer = write_xlsx if suffix == "xlsx" else write_csv
    print(f"\n== {suffix.upper()}, {n:,} rows")
    bad_rows = [list(r) for r in rows]
    bad = (15, n - 10)  # data rows (0-based) → spreadsheet rows 17 and n - 8
    bad_rows[bad[0]][6] = "3171014101900"  # a NIK of 13 digits
    bad_rows[bad[1]][1] = ""  # no receipt date
    bad_file, good_file = folder / f"salah.{suffix}", folder / f"benar.{suffix}"
    start = time.perf_counter()
    writer(bad_file, bad_rows)
    writer(good_file, rows)
    print(f"files written in {time.perf_counter() - start:.1f} s")

    db = fresh_register(folder, f"register-{suffix}.db")
    result, t_check, t_write = run_import(db, bad_file)
    named = sorted({e.baris for e in result.galat})
    print(
        f"bad file: refused after {t_check + t_write:.2f} s; rows named {named} "
        f"(expected {[bad[0] + 2, bad[1] + 2]}); cases in the register: {count(db)}"
    )
    assert named == [bad[0] + 2, bad[1] + 2] and count(db) == 0

    result, t_check, t_write = run_import(db, good_file)
    for i in range(1, repeat):  # best of `repeat`, each on a fresh register
        _, more_check, more_write = run_import(
            fresh_register(folder, f"r{i}-{suffix}.db"), good_file
        )
        t_check, t_write = min(t_check, more_check), min(t_write, more_write)
    total = t_check + t_write
    print(
        f"import: {result.diimpor:,} imported, {result.dilewati:,} skipped in {total:.2f} s "
        f"({_phases(t_check, t_write)}) = "
        f"{n / total:,.0f} rows/s"
    )
    problems = check(db, KNOWN_REVISIONS).problems
    print(f"periksa (integrity, history chain, numbering): {problems or 'ok'}")

    again, t2_check, t2_write = run_import(db, good_file)
    print(
        f"again: {again.diimpor} imported, {again.dilewati:,} skipped "
        f"in {t2_check + t2_write:.2f} s"
    )
    assert again.diimpor == 0 and count(db) == n

    t_floor = min(
        floor(fresh_register(folder, f"floor{i}-{suffix}.db"), good_file) for i in range(repeat)
    )
    reader = "openpyxl read-only" if suffix == "xlsx" else "csv.reader"
    print(f"floor: {reader} + sqlite3.executemany into kasus, one transaction: {t_floor:.2f} s")
    print(
        f"RATIO import / floor = {total / t_floor:.1f}x "
        f"({_phases(t_check / t_floor, t_write / t_floor, 'x')}; target ≤ 3x)"
    )
    if suffix != "csv":  # and against the same rows' cheapest form
        source = folder / "floor.csv"
        write_csv(source, rows)
        t_csv = min(floor(fresh_register(folder, f"floorcsv{i}.db"), source) for i in range(repeat))
        print(
            f"(the same rows from a CSV, csv.reader + executemany: {t_csv:.2f} s; "
            f"this import / that = {total / t_csv:.1f}x)"
        )


def _phases(check_part: float, write_part: float, unit: str = " s") -> str:
    if not check_part:
        return f"checked in a second process while writing: {write_part:.2f}{unit} under the lock"
    return f"check {check_part:.2f}{unit} without the lock + write {write_part:.2f}{unit} under it"


PEAK = """
import os, sys
from lapor_cli.cli import app
from lapor_cli.importing import parallel


def hwm_kb():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec (the parent's peak would show).
    lines = [l for l in open("/proc/self/status") if l.startswith("VmHWM")]
    return lines[0].split()[1] if lines else "0"


checking = parallel._check_worker


def measured_worker(*args):  # the second process of a large import reports its own peak
    try:
        checking(*args)
    finally:
        with open(os.environ["LAPOR_BENCH_WORKER_PEAK"], "w") as fh:
            fh.write(hwm_kb())


parallel._check_worker = measured_worker
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(hwm_kb(), file=sys.stderr)
"""


def memory(folder: Path, n: int, suffixes: tuple[str, ...]) -> None:
    if not Path("/proc/self/status").exists():
        print("\n(--memory needs /proc; skipped)")
        return
    env = {**os.environ, "LAPOR_WAKTU": NOW.strftime("%Y-%m-%d %H:%M")}
    print("\n== peak memory of `lapor impor FILE --json` (child processes, VmHWM)")
    for suffix, size in [(s, size) for s in suffixes for size in (n // 10, n)]:
        path = folder / f"mem-{size}.{suffix}"
        (write_xlsx if suffix == "xlsx" else write_csv)(path, make_rows(size, seed=size))
        env["LAPOR_DB"] = str(folder / f"mem-{size}-{suffix}.db")
        worker_peak = folder / f"mem-{size}-{suffix}.worker"
        env["LAPOR_BENCH_WORKER_PEAK"] = str(worker_peak)
        done = subprocess.run(
            [sys.executable, "-c", PEAK, "impor", str(path), "--lama", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        peak_kb = int(done.stderr.strip().splitlines()[-1])
        line = f"{suffix.upper():>4} {size:>8,} rows: peak {peak_kb / 1024:.0f} MB"
        if worker_peak.exists():  # (fork: its peak includes the pages it shares with this one)
            line += f"; the checking process {int(worker_peak.read_text()) / 1024:.0f} MB"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="rows in the file")
    parser.add_argument("--xlsx", action="store_true", help="also an XLSX copy of the file")
    parser.add_argument("--memory", action="store_true", help="peak memory at n/10 and n rows")
    parser.add_argument("--repeat", type=int, default=1, help="best of R imports and floors")
    args = parser.parse_args()
    rows = make_rows(args.n)
    with tempfile.TemporaryDirectory(prefix="lapor-bench-") as tmp:
        folder = Path(tmp)
        os.environ.update(HOME=tmp, XDG_CONFIG_HOME=tmp, APPDATA=tmp)
        bench(folder, rows, "csv", args.repeat)
        if args.xlsx:
            bench(folder, rows, "xlsx", args.repeat)
        if args.memory:
            memory(folder, args.n, ("csv", "xlsx") if args.xlsx else ("csv",))


if __name__ == "__main__":
    main()
