"""lapor-cli benchmarks: time, peak memory and the ratio to a floor measured in the same run.

    python benchmarks/run.py                 # 10k and 100k cases
    python benchmarks/run.py --ukuran 10000 100000 1000000

For each register size it builds a register with a fixed seed (plain sqlite3, so building is
not what is measured), then runs the real `lapor` commands in subprocesses and compares:

- start-up: `lapor --help` against `python -c "import typer"` (goal ≤ 2×), `lapor sla --help`
  and `lapor lihat NOMOR` (goal ≤ 3×) against it too, and a register command on an empty
  register against `python -c "import typer, sqlmodel"` (goal ≤ 1.5×);
- catat: one case recorded, against the same floor;
- sla: the open cases judged in-process (`sla_report`: the summary and the 50 on screen)
  against reading the same rows once with plain sqlite3 (goal ≤ 3×), plus the command's time;
- daftar --cari: the search in-process against the same LIKE query in plain sqlite3;
- impor and ekspor, when those commands exist: their own benchmark scripts.

Not part of the test suite; CI stays fast. Peak memory is the child process's max RSS.
"""

from __future__ import annotations

import argparse
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

HERE = Path(__file__).resolve().parent
PY = sys.executable
STATUSES = [
    "diterima",
    "terverifikasi",
    "didisposisikan",
    "dijawab",
    "ditindaklanjuti",
    "selesai",
    "diarsipkan",
]
KANAL = ["tatap-muka", "surat", "kotak-saran", "whatsapp", "sp4n-lapor", "telepon"]
NAMES = ["Maria", "Yohanes", "Siti", "Agustinus", "Made", "Ketut", "Dewi", "Abdul", "Yuliana"]


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} gagal ({proc.returncode}): {proc.stderr.read()}")
    return elapsed, usage.ru_maxrss // 1024


def best(cmd: list[str], env: dict[str, str], repeat: int = 5) -> tuple[float, int]:
    runs = [run(cmd, env) for _ in range(repeat)]
    return median(t for t, _ in runs), max(m for _, m in runs)


def build_register(path: Path, size: int, env: dict[str, str]) -> None:
    """A register of ``size`` cases with history, through the real schema (fixed seed)."""
    subprocess.run(
        [PY, "-m", "lapor_cli", "kantor", "--nama", "Bench"],
        env=env,
        check=True,
        capture_output=True,
    )
    rng = random.Random(2026)
    base = datetime(2025, 1, 1, 8, 0)
    conn = sqlite3.connect(path)
    cases, entries = [], []
    for i in range(1, size + 1):
        received = base + timedelta(minutes=rng.randint(0, 690 * 24 * 60))
        status = rng.choices(STATUSES, weights=[2, 1, 2, 1, 2, 10, 1])[0]
        stamp = received.isoformat(" ")
        cases.append(
            (
                i,
                f"DS-2026-{i:07d}",
                "DS",
                2026,
                i,
                status,
                rng.choice(KANAL),
                "aduan",
                f"Bantuan belum cair nomor {i}",
                f"{rng.choice(NAMES)} {i}",
                0,
                0,
                0,
                stamp,
                stamp,
                "bench",
                "[]",
                "kemensos",
                "hari_kerja",
                3,
                0,
            )
        )
        entries.append((i, stamp, "bench", "catat", None, "diterima", "{}", "0" * 64, "0" * 64))
    conn.executemany(
        "INSERT INTO kasus (id, nomor, prefiks, tahun, urut, status, kanal, jenis, uraian, nama,"
        " anonim, rahasia, segera, diterima, dicatat, petugas, tembusan, sla_profil,"
        " sla_satuan, sla_nilai, sla_perpanjangan) VALUES"
        " (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        cases,
    )
    conn.executemany(
        "INSERT INTO riwayat (kasus_id, waktu, oleh, aksi, dari_status, ke_status, data,"
        " hash_sebelum, hash) VALUES (?,?,?,?,?,?,?,?,?)",
        entries,
    )
    conn.execute("INSERT INTO nomor_urut VALUES ('DS', 2026, ?)", (size,))
    conn.commit()
    conn.close()
    # As a register in use has them: each year's package holidays stored by the writing
    # commands of that year (otherwise every reading command computes them, ~0.1 s a year).
    from lapor_cli.db import open_register
    from lapor_cli.deadlines import Deadlines

    register = open_register(str(path), write=True)
    with register.transaction(True) as session:
        Deadlines(session).ensure_years(2025, 2027)
    register.engine.dispose()


def in_process(db: Path, code: str, env: dict[str, str]) -> float:
    """Run ``code`` (which sets ``elapsed``) in a fresh interpreter against the register."""
    out = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


SLA_CODE = """
import time
from datetime import datetime
from lapor_cli.db import open_register
from lapor_cli.deadline_report import sla_report
reg = open_register({db!r}, write=False)
with reg.transaction(False) as s:
    sla_report(s, datetime(2026, 11, 23, 10))  # warm: calendar years
    t = time.perf_counter(); report = sla_report(s, datetime(2026, 11, 23, 10), limit=50)
    print(time.perf_counter() - t)
"""
SLA_FLOOR = """
import sqlite3, time
c = sqlite3.connect({db!r})
t = time.perf_counter()
rows = c.execute("SELECT id, nomor, status, diterima, didistribusikan, tindaklanjut_terakhir,"
    " ditutup, segera, unit, sla_profil, sla_satuan, sla_nilai, sla_perpanjangan FROM kasus"
    " WHERE status IN ('diterima','terverifikasi','didisposisikan','dijawab','ditindaklanjuti')"
).fetchall()
print(time.perf_counter() - t)
"""
CARI_CODE = """
import time
from lapor_cli import listing
from lapor_cli.db import open_register
reg = open_register({db!r}, write=False)
with reg.transaction(False) as s:
    q = listing.list_query(cari="Maria 12").limit(50)
    t = time.perf_counter(); rows = s.connection().execute(q).all()
    print(time.perf_counter() - t)
"""
CARI_FLOOR = """
import sqlite3, time
c = sqlite3.connect({db!r})
t = time.perf_counter()
rows = c.execute("SELECT * FROM kasus WHERE nomor LIKE '%Maria 12%' OR nama LIKE '%Maria 12%'"
    " OR uraian LIKE '%Maria 12%' ORDER BY diterima DESC LIMIT 50").fetchall()
print(time.perf_counter() - t)
"""


def line(name: str, value: float, floor: float, mem: int | None = None, goal: str = "") -> None:
    mem_text = f"{mem:5d} MiB" if mem is not None else "         "
    print(f"  {name:<34} {value * 1000:9.1f} ms  {mem_text}  {value / floor:5.2f}× lantai {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ukuran", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--tanpa-impor-ekspor",
        action="store_true",
        help="lewati bench_import.py dan bench_ekspor.py (beberapa menit)",
    )
    parser.add_argument("--bangun", nargs=2, metavar=("DB", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bangun:  # the child that builds a register (see below)
        build_register(Path(args.bangun[0]), int(args.bangun[1]), dict(os.environ))
        return
    lapor = [PY, "-m", "lapor_cli"]
    catat = [*lapor, "catat", "--kanal", "surat", "--jenis", "aduan"]
    catat += ["--uraian", "x", "--nama", "y"]
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "HOME": tmp,
            "LAPOR_WAKTU": "2026-11-23 10:00",
            "LAPOR_PETUGAS": "bench",
        }
        print(f"mesin: {os.cpu_count()} inti, Python {sys.version.split()[0]}")
        bare, _ = best([PY, "-c", "pass"], env)
        typer_floor, _ = best([PY, "-c", "import typer"], env)
        db_floor, _ = best([PY, "-c", "import typer, sqlmodel"], env)
        print(
            f"lantai: python {bare * 1000:.0f} ms, import typer {typer_floor * 1000:.0f} ms,"
            f" import typer+sqlmodel {db_floor * 1000:.0f} ms"
        )
        empty = Path(tmp) / "kosong.db"
        env_empty = {**env, "LAPOR_DB": str(empty)}
        subprocess.run(
            [*lapor, "kantor", "--nama", "X"], env=env_empty, check=True, capture_output=True
        )
        print("start-up")
        t, m = best([*lapor, "--help"], env_empty)
        line("lapor --help", t, typer_floor, m, "(sasaran ≤ 2×)")
        t, m = best([*lapor, "sla", "--help"], env_empty)  # one command built, not all
        line("lapor sla --help", t, typer_floor, m)
        t, m = best([*lapor, "daftar"], env_empty)
        line("lapor daftar (register kosong)", t, db_floor, m, "(sasaran ≤ 1.5×)")
        t, m = best(catat, env_empty)
        line("lapor catat (register kosong)", t, db_floor, m)
        t, m = best([*lapor, "lihat", "DS-2026-00001"], env_empty)
        line("lapor lihat NOMOR (1 kasus)", t, typer_floor, m, "(sasaran ≤ 3× import typer)")
        for size in args.ukuran:
            db = Path(tmp) / f"r{size}.db"
            env_db = {**env, "LAPOR_DB": str(db)}
            started = time.perf_counter()
            # In a child: a forked child inherits its parent's peak RSS, so building 1M cases
            # here would make every command after it report ~650 MiB.
            subprocess.run([PY, __file__, "--bangun", str(db), str(size)], env=env_db, check=True)
            print(f"{size:,} kasus (dibangun dalam {time.perf_counter() - started:.1f} s)")
            t, m = best(catat, env_db, repeat=3)
            line("lapor catat", t, db_floor, m)
            sla_t = in_process(db, SLA_CODE.format(db=str(db)), env_db)
            sla_floor = in_process(db, SLA_FLOOR.format(db=str(db)), env_db)
            line("sla (dalam proses)", sla_t, sla_floor, None, "(sasaran ≤ 3×)")
            t, m = best([*lapor, "sla"], {**env_db, "LAPOR_LEBAR": "120"}, repeat=3)
            line("lapor sla, layar (seluruh perintah)", t, db_floor, m)
            t, m = best([*lapor, "sla", "--json"], env_db, repeat=3)
            line("lapor sla --json (seluruh perintah)", t, db_floor, m)
            cari_t = in_process(db, CARI_CODE.format(db=str(db)), env_db)
            cari_floor = in_process(db, CARI_FLOOR.format(db=str(db)), env_db)
            line("daftar --cari (dalam proses)", cari_t, cari_floor)
            t, m = best([*lapor, "daftar", "--cari", "Maria 12"], env_db, repeat=3)
            line("lapor daftar --cari (seluruh perintah)", t, db_floor, m)
        for script in ("bench_import.py", "bench_ekspor.py"):
            if (HERE / script).exists() and not args.tanpa_impor_ekspor:
                print(f"--- {script}")
                subprocess.run([PY, str(HERE / script)], env=env, check=False)


if __name__ == "__main__":
    main()
