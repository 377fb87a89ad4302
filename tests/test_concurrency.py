"""Several desks writing at once: every case is recorded and no number is given twice."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import catat_as_desk

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
