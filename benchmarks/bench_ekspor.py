"""The monthly monev export of N cases against a plain xlsxwriter write of the same rows.

    PYTHONPATH=src python benchmarks/bench_ekspor.py [-n 100000] [--repeat 3] [--keep DIR]

1. Builds a register with ``n`` cases received in October 2026 (a realistic mix of statuses,
   channels, units, identities, anonim/rahasia and formula-looking texts, 1–5 history entries
   each, a tenth closed only in November) with plain ``sqlite3`` — fast, and not what is
   measured.
2. Runs each phase in a fresh process, so that its peak memory (max RSS) is its own:

   - ``rekap``: open the register, read the month with Core, derive every case's facts and
     the figures (``monev.monthly`` + ``Monev.as_json``);
   - ``ekspor``: the same plus the whole workbook in-process (five sheets, formats, widths,
     autofilters, three charts, the case list streamed from a second Core cursor), split
     into reading and figures, then writing;
   - ``floor``: the very rows of the row-by-row sheets (*Kasus*, *Terlambat*, *Terbawa*, the
     values their columns give), prepared in memory *before* the clock starts, written with
     ``write_row`` to a bare xlsxwriter constant-memory workbook: no formats but a default
     date format, no widths, no summary sheets, no charts, no text safety. The least
     xlsxwriter can do with these rows.
   - ``cli``: the real command, ``python -m lapor_cli ekspor``, wall clock, start-up included.

   The floor and the command run ``--repeat`` times, alternately; their medians are compared.
3. Prints the times, the peak memory, and the ratio command / floor (the goal: ≤ 1.3×).

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median

GOAL = 1.3


NOW = datetime(2026, 11, 23, 10, 0)
YEAR, MONTH = 2026, 10
KANAL = ["whatsapp", "tatap-muka", "sp4n-lapor", "surat", "telepon", "email", "instagram", "sms"]
JENIS = ["aduan"] * 6 + ["aspirasi"] * 2 + ["informasi"] * 2
KATEGORI = ["PKH", "BPNT", "DTKS", "DTSEN", "PBI-JK", "REHSOS", "LINJAMSOS", "PELAYANAN"]
UNITS = [
    "Sekretariat",
    "Bidang Rehabilitasi Sosial",
    "Bidang Perlindungan dan Jaminan Sosial",
    "Bidang Pemberdayaan Sosial",
    "Bidang Penanganan Fakir Miskin",
]
NAMES = ["Maria Goreti Bere", "Yohanes Tefa", "Siti Aminah", "I Ketut Arsana", "Dewi Lestari"]
TEXTS = [
    "Bantuan PKH tahap {t} belum masuk rekening KKS padahal tetangga sudah menerima.",
    "Saldo BPNT/Sembako bulan ini kosong saat diambil di e-warong kelurahan {t}.",
    "Keluarga kami tidak lagi terdaftar di DTKS setelah pindah RT {t}; mohon dicek ulang "
    "karena kondisi ekonomi kami tidak berubah dan anak masih sekolah.",
    "Kartu KIS PBI nonaktif saat berobat ke puskesmas, padahal iuran ditanggung pemerintah.",
    "Ada lansia terlantar di pasar {t} yang perlu dijemput dan dirawat.",
]
RISKY = ['=HYPERLINK("http://contoh.invalid","klik")', "+62 812 tolong telepon", "-2 hari lagi"]
# Share of cases ending in each status (the rest are still being handled).
STATUSES = (
    ["selesai"] * 55
    + ["diarsipkan"] * 8
    + ["ditindaklanjuti"] * 10
    + ["didisposisikan"] * 7
    + ["dijawab"] * 5
    + ["terverifikasi"] * 5
    + ["diterima"] * 10
)
PATH = {
    "diterima": [],
    "terverifikasi": ["terverifikasi"],
    "diarsipkan": ["diarsipkan"],
    "didisposisikan": ["terverifikasi", "didisposisikan"],
    "dijawab": ["terverifikasi", "dijawab"],
    "ditindaklanjuti": ["terverifikasi", "didisposisikan", "ditindaklanjuti"],
    "selesai": ["terverifikasi", "didisposisikan", "ditindaklanjuti", "selesai"],
}


def _ts(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%d %H:%M:%S.000000")


def build(path: Path, n: int, seed: int = 2026) -> None:
    """A migrated register (through lapor-cli), then ``n`` cases inserted with sqlite3."""
    from lapor_cli.db import open_register

    open_register(str(path), write=True).engine.dispose()
    rng = random.Random(seed)
    received = []
    for _ in range(n):
        day = datetime(YEAR, MONTH, 1) + timedelta(days=rng.randrange(31))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        received.append(day.replace(hour=rng.randint(8, 15), minute=rng.choice((0, 15, 30, 45))))
    received.sort()
    cases, history = [], []
    for i, got in enumerate(received, start=1):
        status = rng.choice(STATUSES)
        kanal = rng.choice(KANAL)
        anonim = rng.random() < 0.08
        closed = status in ("selesai", "diarsipkan")
        moment, steps = got, []
        for step in PATH[status]:
            moment += timedelta(hours=rng.choice((2, 5, 20, 26, 50, 75)))
            steps.append((moment, step))
        if closed and rng.random() < 0.1:  # closed only in November: open at month end
            steps[-1] = (max(moment, datetime(YEAR, MONTH + 1, 2, 9)), steps[-1][1])
        ditutup = steps[-1][0] if closed else None
        verified = status != "diterima"
        distributed = status in ("didisposisikan", "ditindaklanjuti", "selesai")
        text = rng.choice(RISKY) if rng.random() < 0.01 else rng.choice(TEXTS).format(t=i % 9)
        cases.append(
            (
                i,
                f"DS-{YEAR}-{i:06d}",
                "DS",
                YEAR,
                i,
                status,
                kanal,
                rng.choice(JENIS),
                text,
                None if anonim else rng.choice(NAMES),
                None
                if anonim
                else f"5371{rng.randint(10, 99)}{rng.randint(410150, 711299)}"[:12]
                + f"{rng.randint(1, 9999):04d}",
                None if anonim else f"+62812{rng.randint(10_000_000, 99_999_999)}",
                int(anonim),
                int(rng.random() < 0.03),
                0,
                f"LAP{i:08d}" if kanal == "sp4n-lapor" else None,
                _ts(got),
                _ts(got),
                "bench",
                rng.choice(KATEGORI) if verified else None,
                (0 if status == "diarsipkan" else 1) if verified else None,
                rng.choice(UNITS) if distributed else None,
                "[]",
                _ts(ditutup),
                (int(ditutup <= got + timedelta(days=5)) if ditutup else None),
                (int(rng.random() < 0.7) if closed and kanal == "sp4n-lapor" else None),
                rng.randint(1, 5) if status == "selesai" and rng.random() < 0.3 else None,
                "kemensos",
                "hari_kerja",
                3,
                0,
            )
        )
        before = "diterima"
        history.append((i, _ts(got), "bench", "catat", None, "diterima", "{}", "-", "-"))
        for when, step in steps:
            history.append((i, _ts(when), "bench", "langkah", before, step, "{}", "-", "-"))
            before = step
    with sqlite3.connect(path) as con:
        con.executemany(
            "INSERT INTO kasus (id, nomor, prefiks, tahun, urut, status, kanal, jenis, uraian, "
            "nama, nik, hp, anonim, rahasia, segera, nomor_lapor, diterima, dicatat, petugas, "
            "kategori, kewenangan, unit, tembusan, ditutup, tepat_waktu, dilaporkan_balik, skor, "
            "sla_profil, sla_satuan, sla_nilai, sla_perpanjangan) VALUES "
            "(" + ", ".join("?" * 31) + ")",
            cases,
        )
        con.executemany(
            "INSERT INTO riwayat (kasus_id, waktu, oleh, aksi, dari_status, ke_status, data, "
            "hash_sebelum, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            history,
        )
        con.execute(
            "INSERT OR REPLACE INTO pengaturan (kunci, nilai) VALUES ('kantor_nama', ?)",
            ("Dinas Sosial Kota Contoh (bench)",),
        )
    print(f"register: {n:,} cases in {YEAR}-{MONTH:02d}, {len(history):,} history entries")


# ---------------------------------------------------------------- phases (child processes)


def _max_rss_mb() -> float | None:
    """This process's peak resident memory. On Linux ``VmHWM``: ``ru_maxrss`` would report the
    parent's peak (the one that built the register) since it survives fork and exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _monthly(session):
    """The month's report, as `lapor rekap` / `lapor ekspor` compute it."""
    from lapor_cli import monev
    from lapor_cli.settings import get_settings

    period = monev.month_period(YEAR, MONTH, now=NOW)
    return monev.monthly(session, period, now=NOW, kantor=get_settings(session)["kantor_nama"])


def phase_rekap(db: Path, out: Path) -> dict:
    from lapor_cli.db import open_register

    start = time.perf_counter()
    register = open_register(str(db), write=False)
    with register.transaction(False) as session:
        doc = _monthly(session).as_json()
    register.engine.dispose()
    return {"seconds": time.perf_counter() - start, "rows": doc["diterima"]}


def phase_ekspor(db: Path, out: Path) -> dict:
    import xlsxwriter  # noqa: F401 - imported before the clock, as in the floor

    from lapor_cli import monev
    from lapor_cli.db import open_register

    start = time.perf_counter()
    register = open_register(str(db), write=False)
    with register.transaction(False) as session:
        report = _monthly(session)
        computed = time.perf_counter()
        monev.write_workbook(report, monev.case_details(session, report), out, overwrite=True)
    register.engine.dispose()
    end = time.perf_counter()
    return {
        "seconds": end - start,
        "compute": computed - start,
        "rows": len(report.cases),
        "late": len(report.overdue),
    }


def phase_floor(db: Path, out: Path) -> dict:
    """The workbook's row-by-row sheets (Kasus, Terlambat, Terbawa) as the values their
    columns give, then only xlsxwriter's constant-memory ``write_row`` and ``close``."""
    from xlsxwriter import Workbook

    from lapor_cli import monev
    from lapor_cli.db import open_register

    register = open_register(str(db), write=False)
    with register.transaction(False) as session:
        report = _monthly(session)  # the floor's rows are the same cases, prepared off the clock
        getters = [c.value for c in monev.CASE_COLUMNS]
        cases = [[get(f, d) for get in getters] for f, d in monev.case_details(session, report)]
        late = [[c.value(f) for c in monev.LATE_COLUMNS] for f in report.overdue]
        carried = [[c.value(f) for c in monev.CARRIED_COLUMNS] for f in report.carried]
    register.engine.dispose()
    start = time.perf_counter()
    wb = Workbook(out, {"constant_memory": True, "default_date_format": "dd/mm/yyyy hh:mm"})
    for title, header, rows in (
        ("Kasus", monev.KASUS_HEADERS, cases),
        ("Terlambat", monev.LATE_HEADERS, late),
        ("Terbawa", monev.CARRIED_HEADERS, carried),
    ):
        ws = wb.add_worksheet(title)
        ws.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            ws.write_row(r, 0, row)
    wb.close()
    return {"seconds": time.perf_counter() - start, "rows": len(cases) + len(late) + len(carried)}


PHASES = {"rekap": phase_rekap, "ekspor": phase_ekspor, "floor": phase_floor}


def run_phase(name: str, db: Path, out: Path) -> dict:
    result = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--db", str(db), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"phase {name} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


#: Times one command in a small process of its own and reports its child's peak memory:
#: a child forked from this (large) process would report this one's peak as its own
#: (``ru_maxrss`` survives fork and exec).
LAUNCHER = """
import json, os, subprocess, sys, time
with open(sys.argv[1], "wb") as out:
    start = time.perf_counter()
    child = subprocess.Popen(sys.argv[2:], stdout=out)
    if hasattr(os, "wait4"):
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    else:
        code, rss = child.wait(), None
        seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "code": code, "max_rss_mb": rss}))
"""


def run_cli(db: Path, out: Path) -> dict:
    """``python -m lapor_cli ekspor``: wall clock and the command's own peak memory."""
    env = {**os.environ, "LAPOR_WAKTU": NOW.strftime("%Y-%m-%d %H:%M"), "LAPOR_DB": str(db)}
    command = [sys.executable, "-m", "lapor_cli", "ekspor", "--bulan", f"{YEAR}-{MONTH:02d}"]
    command += ["--keluaran", str(out), "--timpa", "--json"]
    printed = out.with_suffix(".json")
    result = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(printed), *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0 or not result.stdout.strip():
        raise SystemExit(f"lapor ekspor failed:\n{result.stderr}")
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    if measured["code"] != 0:
        raise SystemExit(f"lapor ekspor failed:\n{result.stderr}")
    measured["rows"] = json.loads(printed.read_text())["kasus"]
    printed.unlink()
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000, help="cases in the month")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and the command")
    parser.add_argument("--keep", type=Path, help="build the register and workbooks here")
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    # The commands run as an installed lapor does, from bytecode (pip compiles it when it
    # installs; here the first run writes it): without, each run compiles it anew (~50 ms).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

    if args.phase:
        result = PHASES[args.phase](args.db, args.out)
        result["max_rss_mb"] = _max_rss_mb()
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        build(db, args.n)
        rekap = run_phase("rekap", db, folder / "unused.xlsx")
        ekspor = run_phase("ekspor", db, folder / "monev.xlsx")
        floors, clis = [], []
        for _ in range(max(args.repeat, 1)):
            floors.append(run_phase("floor", db, folder / "floor.xlsx"))
            clis.append(run_cli(db, folder / "monev-cli.xlsx"))
        size = (folder / "monev-cli.xlsx").stat().st_size / 1e6

        def mem(result: dict) -> str:
            rss = result.get("max_rss_mb")
            return f"peak RSS {rss:6.0f} MB" if rss else ""

        def times(results: list[dict]) -> str:
            return ", ".join(f"{r['seconds']:.2f}" for r in results)

        rows = ekspor["rows"]
        floor_s = median(r["seconds"] for r in floors)
        cli_s = median(r["seconds"] for r in clis)
        cli_mem = {"max_rss_mb": max((r["max_rss_mb"] or 0) for r in clis) or None}
        print(f"rekap   read + figures               {rekap['seconds']:6.2f} s   {mem(rekap)}")
        print(
            f"ekspor  in-process, whole workbook   {ekspor['seconds']:6.2f} s   {mem(ekspor)}"
            f"   ({ekspor['compute']:.2f} s reading + figures, "
            f"{ekspor['seconds'] - ekspor['compute']:.2f} s writing)"
        )
        print(
            f"        sheets: Kasus {rows:,} rows, Terlambat {ekspor['late']:,} rows "
            "(open cases past their deadline at month end), Ringkasan, Per unit, Terbawa"
        )
        print(
            f"floor   same {floors[0]['rows']:,} rows, bare xlsxwriter constant_memory "
            f"{floor_s:6.2f} s   {mem(floors[0])}   (median of {times(floors)}; "
            "rows prepared before the clock)"
        )
        print(
            f"cli     python -m lapor_cli ekspor   {cli_s:6.2f} s   {mem(cli_mem)}   "
            f"(wall clock, median of {times(clis)}; {size:.1f} MB file)"
        )
        print(f"ratio   lapor ekspor / floor         {cli_s / floor_s:6.2f}×   (sasaran ≤ {GOAL}×)")


if __name__ == "__main__":
    main()
