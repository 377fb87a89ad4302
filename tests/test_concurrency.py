"""Several desks writing at once: every case is recorded and no number is given twice."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import HEAVY_PROBE, assert_refused_in_one_line, catat_as_desk

pytestmark = pytest.mark.slow  # desks in processes of their own: ~20 s a test


def test_concurrent_desks_get_unique_sequential_numbers(tmp_path):
    db = tmp_path / "register.db"
    env = {**os.environ, "LAPOR_DB": str(db), "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja"}
    first = catat_as_desk(env, 0)  # the register exists before the crowd arrives
    assert first.returncode == 0, first.stderr
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: catat_as_desk(env, i), range(1, 17)))
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    numbers = [json.loads(r.stdout)["nomor"] for r in [first, *results]]
    assert len(set(numbers)) == 17
    with sqlite3.connect(db) as conn:
        urut = sorted(row[0] for row in conn.execute("SELECT urut FROM kasus"))
        assert urut == list(range(1, 18))
        assert conn.execute("SELECT count(*) FROM riwayat").fetchone()[0] == 17
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_concurrent_first_use_of_a_new_register(tmp_path):
    """Desks that all start on a register that does not exist yet: one creates and migrates it,
    the others wait and then write."""
    db = tmp_path / "baru.db"
    env = {**os.environ, "LAPOR_DB": str(db), "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja"}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: catat_as_desk(env, i), range(4)))
    for result in results:
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 4


def test_a_refused_first_command_does_not_lose_another_desks_case(tmp_path):
    """One desk's first command on a new register is refused while others record: the refused
    one removes nothing but its own attempt (creation is guarded by a lock file)."""
    db = tmp_path / "baru.db"
    env = {**os.environ, "LAPOR_DB": str(db), "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja"}

    def desk(i: int) -> subprocess.CompletedProcess:
        # the even desks are refused: a pigeon is no channel
        return catat_as_desk(env, i, kanal="whatsapp" if i % 2 else "merpati")

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(desk, range(6)))
    assert [r.returncode for r in results] == [1, 0, 1, 0, 1, 0]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 3
    assert not (tmp_path / "baru.db.sedang-dibuat").exists()


def test_desks_of_a_province_recording_at_once_number_per_desk_without_gaps(tmp_path):
    """Three desks of one register, sixteen processes at once: each desk's numbers run
    1, 2, 3… with no gap and none twice, whatever the others do."""
    db = tmp_path / "provinsi.db"
    env = {**os.environ, "LAPOR_DB": str(db), "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja"}
    env.pop("LAPOR_MEJA", None)
    for kode, prefiks in (("kupang", "KPG"), ("belu", "BLU")):
        added = subprocess.run(
            [sys.executable, "-m", "lapor_cli", "meja", "tambah", kode, "--nama", kode,
             "--prefiks", prefiks],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    desks = ("utama", "kupang", "belu")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: catat_as_desk(env, i, meja=desks[i % 3]), range(16)))
    for result in results:
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT meja, prefiks, urut FROM kasus ORDER BY meja, urut").fetchall()
    per_desk = {kode: [u for m, _, u in rows if m == kode] for kode in desks}
    assert per_desk == {"utama": list(range(1, 7)), "kupang": list(range(1, 6)),
                        "belu": list(range(1, 6))}  # fmt: skip
    assert {(m, p) for m, p, _ in rows} == {("utama", "DS"), ("kupang", "KPG"), ("belu", "BLU")}


# ------------------------------------------------------------ waiting for the write lock

#: Another writer that keeps the register's write lock nearly all the time for argv[2]
#: seconds, committing a change every 0.1 s (the queue moves, it never stops).
BUSY_WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=60)
stop = time.monotonic() + float(sys.argv[2])
turn = 0
while time.monotonic() < stop:
    conn.execute("BEGIN IMMEDIATE")
    if turn == 0:
        print("menulis", flush=True)
    conn.execute(
        "INSERT OR REPLACE INTO pengaturan (kunci, nilai) VALUES ('uji-antrean', ?)", (turn,)
    )
    time.sleep(0.1)
    conn.execute("COMMIT")
    turn += 1
"""

#: A writer that takes the write lock and then makes no progress at all for argv[2] seconds.
STUCK_WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("terkunci", flush=True)
time.sleep(float(sys.argv[2]))
"""


def _helper(script: str, *args: str) -> subprocess.Popen:
    """A helper process, once it holds the lock (it has printed its first line)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    if not proc.stdout.readline().strip():
        proc.kill()
        raise AssertionError(f"helper did not start: {proc.communicate()[1]}")
    return proc


def test_writers_wait_their_turn_while_the_queue_moves(tmp_path):
    """Bug: under load, desks waiting more than 15 s for the write lock were refused
    ("sedang dikunci … terlalu lama") although the lock passed from writer to writer every
    fraction of a second (32 writers × 2: 48 of 64 succeeded). Here another writer keeps
    the lock for 20 s, committing all the while, and twelve desks queue behind it with a
    stuck-lock wait of only 2 s: every one of them waits its turn and records its case."""
    db = tmp_path / "register.db"
    env = {**os.environ, "LAPOR_DB": str(db), "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja",
           "LAPOR_TUNGGU_KUNCI": "2"}  # fmt: skip
    first = catat_as_desk(env, 0)
    assert first.returncode == 0, first.stderr
    busy = _helper(BUSY_WRITER, str(db), "20")
    try:
        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(lambda i: catat_as_desk(env, i), range(1, 13)))
        busy.communicate(timeout=120)
    finally:
        busy.kill()
    assert busy.returncode == 0
    for result in results:
        assert result.returncode == 0, result.stderr
    numbers = [json.loads(r.stdout)["nomor"] for r in [first, *results]]
    assert len(set(numbers)) == 13
    with sqlite3.connect(db) as conn:
        urut = sorted(row[0] for row in conn.execute("SELECT urut FROM kasus"))
        assert urut == list(range(1, 14))
        assert conn.execute("SELECT count(*) FROM riwayat").fetchone()[0] == 13
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_stuck_write_lock_is_refused_after_the_wait_and_readers_go_on(tmp_path):
    """A lock that sees no progress at all is refused after LAPOR_TUNGGU_KUNCI seconds (1.5
    here instead of 15), in one line and writing nothing; reading commands are not held up."""
    db = tmp_path / "register.db"
    env = {**os.environ, "LAPOR_DB": str(db), "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja",
           "LAPOR_TUNGGU_KUNCI": "1.5"}  # fmt: skip
    assert catat_as_desk(env, 0).returncode == 0
    stuck = _helper(STUCK_WRITER, str(db), "60")
    try:
        started = time.monotonic()
        refused = catat_as_desk(env, 1)
        waited = time.monotonic() - started
        listed = subprocess.run(
            [sys.executable, "-m", "lapor_cli", "daftar", "--json"],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        stuck.kill()
        stuck.communicate()
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert refused.stderr.startswith("Ditolak: ") and refused.stderr.count("\n") == 1
    assert "sedang dikunci" in refused.stderr and "1.5 detik" in refused.stderr
    assert waited < 12, waited
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 1
    conn.close()


def test_an_unusable_lock_wait_setting_is_refused(run, monkeypatch):
    monkeypatch.setenv("LAPOR_TUNGGU_KUNCI", "sebentar")
    code, out, err = run("daftar")
    assert code == 1
    assert out == ""
    assert err.startswith("Ditolak: LAPOR_TUNGGU_KUNCI='sebentar'") and err.count("\n") == 1


# ------------------------------------------------- a large import, written through the driver


def _large_csv(path, n: int):
    """``n`` distinct forms, a file large enough (> 1 MB) to be imported the large way:
    checked in a second process while the register file is written through ``sqlite3``."""
    lines = ["nomor_formulir;diterima;kanal;jenis;uraian;nama;hp;anonim"]
    filler = "Bantuan PKH belum cair sejak bulan lalu, mohon ditindaklanjuti segera. " * 2
    for i in range(n):
        hp = f"0812-{i // 10_000:04d}-{i % 10_000:04d}"
        lines.append(f"F-{i:06d};2026-11-20 09:15;surat;aduan;{filler}{i};Pelapor {i};{hp};tidak")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 1024 * 1024
    return path


def _lapor(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lapor_cli", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def _impor(env, path) -> subprocess.CompletedProcess:
    return _lapor(env, "impor", str(path), "--json")


def _register_and_large_file(tmp_path, wait: str):
    """A register with one case, its environment (a lock wait of ``wait`` seconds) and a
    large file of 5,000 forms."""
    db = tmp_path / "register.db"
    env = {**os.environ, "LAPOR_DB": str(db), "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja",
           "LAPOR_TUNGGU_KUNCI": wait}  # fmt: skip
    assert catat_as_desk(env, 0).returncode == 0
    return db, env, _large_csv(tmp_path / "besar.csv", 5_000)


def test_a_large_import_waits_for_a_stuck_lock_then_is_refused_writing_nothing(tmp_path):
    """The large import takes the write lock through ``sqlite3`` itself (no SQLAlchemy): it
    waits as every writer does and is refused in the same one line, and nothing is written."""
    db, env, path = _register_and_large_file(tmp_path, "1.5")
    stuck = _helper(STUCK_WRITER, str(db), "60")
    try:
        refused = _impor(env, path)
    finally:
        stuck.kill()
        stuck.communicate()
    said = assert_refused_in_one_line(refused)
    assert refused.stdout == ""
    assert "sedang dikunci" in said and "1.5 detik" in said
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 1
        assert conn.execute("SELECT terakhir FROM nomor_urut").fetchall() == [(1,)]
    conn.close()


def test_a_large_import_waits_its_turn_behind_a_moving_queue(tmp_path):
    db, env, path = _register_and_large_file(tmp_path, "2")
    busy = _helper(BUSY_WRITER, str(db), "5")
    try:
        done = _impor(env, path)
        busy.communicate(timeout=120)
    finally:
        busy.kill()
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["diimpor"] == 5_000
    checked = _lapor(env, "periksa")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with sqlite3.connect(db) as conn:
        urut = [row[0] for row in conn.execute("SELECT urut FROM kasus ORDER BY urut")]
        assert urut == list(range(1, 5_002))
    conn.close()


def test_a_large_import_into_an_up_to_date_register_file_needs_no_sqlalchemy(tmp_path):
    """Into a register file at this code's schema the large import writes through ``sqlite3``
    alone (~0.4 s of SQLAlchemy's import saved); into one that does not exist yet it goes the
    full way (the register is created and migrated first). Both write the same rows."""
    env = {**os.environ, "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja",
           "LAPOR_WAKTU": "2026-11-23 10:00"}  # fmt: skip
    path = _large_csv(tmp_path / "besar.csv", 5_000)
    new, existing = tmp_path / "baru.db", tmp_path / "ada.db"
    first = subprocess.run(
        [sys.executable, "-c", HEAVY_PROBE, "impor", str(path), "--json"],
        env={**env, "LAPOR_DB": str(new)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "BERAT ['sqlalchemy', 'sqlmodel']" in first.stderr  # created: the full way
    assert catat_as_desk({**env, "LAPOR_DB": str(existing)}, 0).returncode == 0
    second = subprocess.run(
        [sys.executable, "-c", HEAVY_PROBE, "impor", str(path), "--json"],
        env={**env, "LAPOR_DB": str(existing)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr
    assert "BERAT []" in second.stderr
    assert json.loads(second.stdout)["diimpor"] == 5_000
    # the same cases and entries either way (the numbers one on: a case was there first)
    columns = "k.nomor_formulir, k.urut, k.status, k.kanal, k.uraian, k.hp, k.diterima, "
    columns += "k.dicatat, k.tembusan, k.anonim, k.sla_nilai, r.aksi, r.catatan, r.data, r.waktu"
    query = (
        f"SELECT {columns} FROM kasus k JOIN riwayat r ON r.kasus_id = k.id"
        " WHERE k.nomor_formulir IS NOT NULL ORDER BY k.nomor_formulir"
    )
    rows = []
    for db in (new, existing):
        with sqlite3.connect(db) as conn:
            rows.append([(*r[:1], r[1] - (db == existing), *r[2:]) for r in conn.execute(query)])
        conn.close()
    assert len(rows[0]) == 5_000 and rows[0] == rows[1]
    for db in (new, existing):
        checked = _lapor({**env, "LAPOR_DB": str(db)}, "periksa")
        assert checked.returncode == 0, checked.stdout + checked.stderr
