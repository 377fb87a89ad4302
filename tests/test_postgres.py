"""The register on a PostgreSQL server: the same commands give the same answers as on SQLite.

Tests that need a server use the ``pg_url`` fixture (conftest): each gets new databases on the
server named by ``LAPOR_UJI_PG``; without one they skip, except in CI (``.ci/run`` starts a
server and sets ``LAPOR_UJI_PG_WAJIB=1``). The refusals at the top need no server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import HP, NIK_KUPANG, Runner, catat_as_desk, ok_json, psycopg_args, record


def _pg(url: str):
    import psycopg

    return psycopg.connect(**psycopg_args(url))


def _password(url: str) -> str:
    import sqlalchemy as sa

    password = sa.engine.make_url(url).password
    assert password, "the test server's account needs a password (LAPOR_UJI_PG)"
    return password


def _tables(url: str) -> set[str]:
    with _pg(url) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {row[0] for row in rows}


# -- refused plainly, no server needed -----------------------------------------------------------


def test_unreachable_server_is_refused_without_showing_the_password(run: Runner, monkeypatch):
    monkeypatch.setenv("LAPOR_DB", "postgresql+psycopg://petugas:rahasia123@127.0.0.1:1/lapor")
    code, out, err = run("daftar")
    assert code == 1
    assert err.startswith("Ditolak: Server register postgresql+psycopg://petugas:***@127.0.0.1:1")
    assert "rahasia123" not in out + err
    assert "PostgreSQL berjalan" in err


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://petugas@localhost/lapor", "Register 'mysql' tidak didukung"),
        ("postgresql+pg8000://petugas@localhost/lapor", "Driver PostgreSQL belum terpasang"),
        ("postgresql+psycopg://petugas@localhost:port/lapor", "tidak dapat dibaca"),
    ],
)
def test_unusable_addresses_are_refused(run: Runner, monkeypatch, url: str, expected: str):
    monkeypatch.setenv("LAPOR_DB", url)
    code, _, err = run("catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x")
    assert code == 1
    assert expected in err, err


def test_cadangan_of_a_server_register_points_to_the_server_tools(run: Runner, monkeypatch):
    monkeypatch.setenv("LAPOR_DB", "postgresql+psycopg://petugas@127.0.0.1:1/lapor")
    code, _, err = run("cadangan", "salinan.db")
    assert code == 1
    assert "pg_dump" in err


# -- the same walk on both databases -------------------------------------------------------------


def _walk(run: Runner, folder: Path) -> dict[str, object]:
    """One office's week: every SOP step, a pause, an office holiday, an import; then every
    view a desk or a script reads."""
    ok_json(run, "kantor", "--nama", "Dinas Sosial Kota Kupang", "--zona", "WITA")
    a = record(
        run,
        kanal="sp4n-lapor",
        nik=NIK_KUPANG,
        hp=HP,
        nomor_lapor="LAP-0001",
        diterima="2026-11-20 09:15",
    )["nomor"]
    b = record(run, anonim=True, uraian="Pungutan saat penyaluran BPNT")["nomor"]
    c = record(run, kanal="whatsapp", jenis="permintaan-informasi", segera=True)["nomor"]
    for step in (
        ["verifikasi", a, "--kategori", "PKH"],
        ["distribusi", a, "--unit", "PFM", "--tembusan", "Sekretariat"],
        ["tindaklanjut", a, "--catatan", "Survei lapangan"],
        ["tutup", a, "--hasil", "Bantuan sudah cair"],
        ["laporbalik", a],
        ["nilai", a, "--skor", "5"],
        ["verifikasi", b, "--kategori", "LAINNYA", "--bukan-kewenangan"],
        ["tunda", c, "--alasan", "menunggu fotokopi KK"],
    ):
        if step[0] == "verifikasi" and "--bukan-kewenangan" in step:
            step += ["--alasan", "Urusan Dukcapil"]
        ok_json(run, *step)
    code, _, err = run("libur", "tambah", "2026-11-25", "Hari jadi kota", "--sk", "SK 12/2026")
    assert code == 0, err
    form = folder / "formulir.csv"
    form.write_text(
        "nomor_formulir;diterima;kanal;jenis;uraian;nama;nik;hp;anonim\n"
        "F-1;19/11/2026;surat;aduan;BPNT kurang;Maria Ndun;5371014101900003;0813-1111-2222;\n"
        "F-2;21/11/2026 09.30;kotak-saran;saran;Antrean diperbaiki;;;;ya\n",
        encoding="utf-8",
    )
    imported = ok_json(run, "impor", str(form))
    again = ok_json(run, "impor", str(form))
    checked = ok_json(run, "periksa")
    checked.pop("register")
    # The file's own checks are SQLite's; a server keeps its storage and foreign keys itself.
    file_checks = {"integritas SQLite", "kunci asing"}
    checked["pemeriksaan"] = [c for c in checked["pemeriksaan"] if c["nama"] not in file_checks]
    return {
        "impor": (imported, again),
        "lihat": [ok_json(run, "lihat", n) for n in (a, b, c)],
        "lengkap": ok_json(run, "lihat", a, "--lengkap"),
        "daftar": ok_json(run, "daftar"),
        "cari": ok_json(run, "daftar", "--cari", "maria"),
        "sla": ok_json(run, "sla"),
        "jelaskan": ok_json(run, "sla", c, "--jelaskan"),
        "rekap": ok_json(run, "rekap", "--bulan", "2026-11"),
        "libur": ok_json(run, "libur", "--tahun", "2026"),
        "periksa": checked,
    }


def test_the_same_week_gives_the_same_answers_on_sqlite_and_postgresql(
    run: Runner, pg_url: Callable[[], str], monkeypatch, tmp_path: Path, same_salts
):
    # With the same salts, the same cases digest alike on both: the chain's anchor too.
    on_sqlite = _walk(run, tmp_path)
    monkeypatch.setenv("LAPOR_DB", pg_url())
    same_salts()
    on_server = _walk(run, tmp_path)
    for key in on_sqlite:
        assert on_server[key] == on_sqlite[key], key
    assert on_server["periksa"]["masalah"] == []
    assert on_server["impor"][0]["diimpor"] == 2 and on_server["impor"][1]["diimpor"] == 0


def test_monev_workbook_from_postgresql_matches_sqlite(
    run: Runner, pg_url: Callable[[], str], monkeypatch, tmp_path: Path, same_salts
):
    """The same cases give the same workbook on both, the chain's anchor on it included (the
    identity salts drawn alike: the anchor commits to the cases' states)."""
    from openpyxl import load_workbook

    def workbook(name: str) -> list[list[object]]:
        path = tmp_path / f"{name}.xlsx"
        for i in range(3):
            record(run, diterima=f"2026-11-0{i + 2}")
        ok_json(run, "verifikasi", "DS-2026-00001", "--kategori", "PKH")
        code, _, err = run("ekspor", "--bulan", "2026-11", "--keluaran", str(path))
        assert code == 0, err
        book = load_workbook(path, read_only=True)
        return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]

    on_sqlite = workbook("sqlite")
    monkeypatch.setenv("LAPOR_DB", pg_url())
    same_salts()
    assert workbook("server") == on_sqlite


# -- the server's own behaviour ------------------------------------------------------------------


def test_reading_an_empty_database_leaves_it_empty(run: Runner, pg_url, monkeypatch):
    url = pg_url()
    monkeypatch.setenv("LAPOR_DB", url)
    for command in (["daftar"], ["sla"], ["rekap", "--bulan", "2026-11"]):
        code, _, err = run(*command)
        assert code == 0, err
    assert _tables(url) == set()
    code, _, err = run("periksa")
    assert code == 1 and "kosong" in err


def test_a_refused_command_writes_no_case(run: Runner, pg_url, monkeypatch):
    url = pg_url()
    monkeypatch.setenv("LAPOR_DB", url)
    code, _, err = run("catat", "--kanal", "fax", "--jenis", "aduan", "--uraian", "x")
    assert code == 1 and "fax" in err
    record(run)
    code, _, _ = run("nilai", "DS-2026-00001", "--skor", "5")  # not closed yet
    assert code == 1
    with _pg(url) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM riwayat").fetchone()[0] == 1


def test_periksa_on_postgresql_finds_a_changed_history_entry(run: Runner, pg_url, monkeypatch):
    url = pg_url()
    monkeypatch.setenv("LAPOR_DB", url)
    nomor = record(run)["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    assert ok_json(run, "periksa")["masalah"] == []
    with _pg(url) as conn:
        conn.execute("UPDATE riwayat SET catatan = 'diubah diam-diam' WHERE aksi = 'verifikasi'")
    code, out, err = run("periksa", "--json")
    assert code == 1
    report = json.loads(out)
    assert any("rantai riwayat" in problem for problem in report["masalah"])
    assert "isi entri berubah" in err


def test_twenty_desks_at_once_on_a_new_server_register(pg_url, tmp_path: Path):
    """Twenty desks start on a database that is not a register yet: one migrates it, all
    record; no case lost, no number twice, numbers without a gap, the chain intact."""
    url = pg_url()
    env = {**os.environ, "LAPOR_DB": url, "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja"}

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda i: catat_as_desk(env, i), range(20)))
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    numbers = [json.loads(r.stdout)["nomor"] for r in results]
    assert len(set(numbers)) == 20
    with _pg(url) as conn:
        urut = sorted(row[0] for row in conn.execute("SELECT urut FROM kasus"))
        assert urut == list(range(1, 21))
        assert conn.execute("SELECT count(*) FROM riwayat").fetchone()[0] == 20
    checked = subprocess.run(
        [sys.executable, "-m", "lapor_cli", "periksa", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    password = _password(url)
    assert "***" in json.loads(checked.stdout)["register"]
    assert f":{password}@" not in checked.stdout


# -- lapor pindah --------------------------------------------------------------------------------


def _views(run: Runner, numbers: dict[str, str]) -> dict[str, object]:
    return {
        "rekap": ok_json(run, "rekap", "--bulan", "2026-11"),
        "daftar": ok_json(run, "daftar", "--batas", "0"),
        "sla": ok_json(run, "sla"),
        "lihat": {label: ok_json(run, "lihat", nomor) for label, nomor in numbers.items()},
    }


def test_pindah_to_postgresql_and_back_keeps_every_answer(
    run: Runner, populated: dict[str, str], pg_url, monkeypatch, tmp_path: Path
):
    before = _views(run, populated)
    server = pg_url()
    moved = ok_json(run, "pindah", "--ke", server)
    assert moved["jumlah"]["kasus"] == len(populated)
    assert "***" in moved["tujuan"] and f":{_password(server)}@" not in moved["tujuan"]
    monkeypatch.setenv("LAPOR_DB", server)
    assert _views(run, populated) == before
    assert ok_json(run, "periksa")["masalah"] == []

    back = tmp_path / "kembali.db"
    assert ok_json(run, "pindah", "--ke", str(back))["jumlah"] == moved["jumlah"]
    assert back.stat().st_mode & 0o077 == 0  # a new register file is the owner's only
    # The server's register goes on where the file left off: next number, fresh ids.
    assert record(run)["nomor"] == f"DS-2026-{len(populated) + 1:05d}"
    assert ok_json(run, "periksa")["masalah"] == []
    monkeypatch.setenv("LAPOR_DB", str(back))
    assert _views(run, populated) == before


def test_pindah_refuses_a_target_that_holds_data_and_writes_nothing(
    run: Runner, populated: dict[str, str], pg_url
):
    server = pg_url()
    args = ["--db", server, "catat", "--kanal", "surat", "--jenis", "aduan", "--nama", "Ani"]
    code, _, err = run(*args, "--uraian", "Sudah ada di server")
    assert code == 0, err
    code, _, err = run("pindah", "--ke", server)
    assert code == 1 and "sudah berisi data" in err
    with _pg(server) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 1


def test_pindah_from_an_empty_server_database_is_refused_without_its_password(
    run: Runner, pg_url, tmp_path: Path
):
    source = pg_url()
    code, _, err = run("--db", source, "pindah", "--ke", str(tmp_path / "salinan.db"))
    assert code == 1 and "belum ada" in err
    assert "***" in err and f":{_password(source)}@" not in err
    assert not (tmp_path / "salinan.db").exists()


@pytest.mark.sqlite_only
def test_pindah_refusals_need_no_server(run: Runner, populated, isolated_register, tmp_path):
    code, _, err = run("pindah", "--ke", str(isolated_register))
    assert code == 1 and "sama dengan register asal" in err
    code, _, err = run("--db", str(tmp_path / "tidak-ada.db"), "pindah", "--ke", "baru.db")
    assert code == 1 and "belum ada" in err
    assert not (tmp_path / "baru.db").exists()


def test_a_move_that_fails_its_check_leaves_no_new_file(
    run: Runner, populated, monkeypatch, tmp_path: Path
):
    from lapor_cli import moving
    from lapor_cli.register_checks import Report

    def broken(conn, known):
        report = Report()
        report.add("rantai riwayat", False, "entri 3: isi entri berubah")
        return report

    monkeypatch.setattr("lapor_cli.maintenance.check_connection", broken)
    target = tmp_path / "salinan.db"
    code, _, err = run("pindah", "--ke", str(target))
    assert code == 1 and "tidak lolos pemeriksaan" in err
    assert not target.exists()
    assert not list(tmp_path.glob("salinan.db*"))
    assert moving.TABLES  # the module really is the one patched through


@pytest.mark.parametrize("revision", ["0001", "0002", "0003", "0004"])
def test_an_older_server_register_is_brought_to_head(run: Runner, pg_url, monkeypatch, revision):
    import sqlalchemy as sa

    from lapor_cli.db import SCHEMA_HEAD, run_migrations

    url = pg_url()
    engine = sa.create_engine(url)
    try:
        run_migrations(engine, revision)
    finally:
        engine.dispose()
    with _pg(url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == revision
    monkeypatch.setenv("LAPOR_DB", url)
    nomor = record(run)["nomor"]
    assert ok_json(run, "lihat", nomor)["status"] == "diterima"
    with _pg(url) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    assert ok_json(run, "periksa")["masalah"] == []


def test_a_server_register_before_desks_keeps_its_prefix_as_desk_utama(
    run: Runner, pg_url, monkeypatch
):
    import sqlalchemy as sa

    from lapor_cli.db import run_migrations

    url = pg_url()
    engine = sa.create_engine(url)
    try:
        run_migrations(engine, "0004")
    finally:
        engine.dispose()
    with _pg(url) as conn:
        conn.execute("INSERT INTO pengaturan (kunci, nilai) VALUES ('prefiks', 'DINSOS')")
    monkeypatch.setenv("LAPOR_DB", url)
    monkeypatch.delenv("LAPOR_MEJA", raising=False)
    assert record(run)["nomor"] == "DINSOS-2026-00001"
    assert [(d["kode"], d["prefiks"]) for d in ok_json(run, "meja")] == [("utama", "DINSOS")]


# -- several desks on one server register --------------------------------------------------------


def _add_desks(env: dict[str, str], desks: tuple[tuple[str, str], ...]) -> None:
    for kode, prefiks in desks:
        added = subprocess.run(
            [sys.executable, "-m", "lapor_cli", "meja", "tambah", kode, "--nama",
             f"Dinas Sosial {kode}", "--prefiks", prefiks],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr


def test_twenty_writers_at_three_desks_number_each_desk_without_gaps(pg_url, tmp_path: Path):
    url = pg_url()
    env = {**os.environ, "LAPOR_DB": url, "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja"}
    env.pop("LAPOR_MEJA", None)
    _add_desks(env, (("kupang", "KPG"), ("belu", "BLU")))
    desks = ("utama", "kupang", "belu")
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda i: catat_as_desk(env, i, meja=desks[i % 3]), range(20)))
    for result in results:
        assert result.returncode == 0, result.stderr
    numbers = [json.loads(r.stdout)["nomor"] for r in results]
    assert len(set(numbers)) == 20
    with _pg(url) as conn:
        rows = conn.execute("SELECT meja, prefiks, urut FROM kasus ORDER BY meja, urut").fetchall()
        assert conn.execute("SELECT count(*) FROM riwayat").fetchone()[0] == 20
    per_desk = {kode: [u for m, _, u in rows if m == kode] for kode in desks}
    assert per_desk == {"utama": list(range(1, 8)), "kupang": list(range(1, 8)),
                        "belu": list(range(1, 7))}  # fmt: skip
    assert {(m, p) for m, p, _ in rows} == {("utama", "DS"), ("kupang", "KPG"), ("belu", "BLU")}


def test_pindah_of_a_province_register_keeps_its_desks_and_their_numbers(
    run: Runner, pg_url, monkeypatch, tmp_path: Path
):
    monkeypatch.delenv("LAPOR_MEJA", raising=False)
    source = tmp_path / "provinsi.db"
    monkeypatch.setenv("LAPOR_DB", str(source))
    for kode, prefiks in (("kupang", "KPG"), ("belu", "BLU")):
        ok_json(run, "meja", "tambah", kode, "--nama", f"Dinsos {kode}", "--prefiks", prefiks)
    for i, desk in enumerate(("kupang", "belu", "kupang", "utama")):
        record(run, meja=desk, uraian=f"Aduan {i}", diterima=f"2026-11-1{i}")

    def answers() -> dict[str, object]:
        return {
            "meja": ok_json(run, "meja"),
            "rekap": ok_json(run, "rekap"),
            "rekap_kupang": ok_json(run, "rekap", "--meja", "kupang"),
            "daftar_belu": ok_json(run, "daftar", "--meja", "belu"),
        }

    before = answers()
    server = pg_url()
    moved = ok_json(run, "pindah", "--ke", server)
    assert moved["jumlah"]["meja"] == 3 and moved["jumlah"]["kasus"] == 4
    monkeypatch.setenv("LAPOR_DB", server)
    assert answers() == before
    assert record(run, meja="kupang")["nomor"] == "KPG-2026-00003"
    assert record(run, meja="belu")["nomor"] == "BLU-2026-00002"
    back = tmp_path / "kembali.db"
    ok_json(run, "pindah", "--ke", str(back))
    monkeypatch.setenv("LAPOR_DB", str(back))
    assert ok_json(run, "meja") == ok_json(run, "--db", server, "meja")
    assert ok_json(run, "periksa")["masalah"] == []


def test_cases_on_a_server_get_their_salts_when_the_state_digest_arrives(
    run: Runner, pg_url, monkeypatch
):
    # Migration 0006 on a server that already holds cases: each gets its own random salt
    # (gen_random_uuid), the old entry keeps its hash, and the next entry commits to a state.
    from datetime import datetime

    import sqlalchemy as sa

    from lapor_cli import history as chain
    from lapor_cli.db import run_migrations

    url = pg_url()
    engine = sa.create_engine(url)
    try:
        run_migrations(engine, "0005")
    finally:
        engine.dispose()
    waktu = datetime(2026, 11, 23, 9, 0)
    catatan, data = "Diterima lewat surat pada 2026-11-23 09:00", {"kanal": "surat"}
    with _pg(url) as conn:
        for i in (1, 2):
            nomor = f"DS-2026-0000{i}"
            conn.execute(
                """INSERT INTO kasus (id, nomor, meja, prefiks, tahun, urut, status, kanal,
                       jenis, uraian, nama, anonim, rahasia, segera, diterima, dicatat,
                       petugas, tembusan, sla_profil, sla_satuan, sla_nilai, sla_perpanjangan,
                       diperpanjang)
                   VALUES (%s, %s, 'utama', 'DS', 2026, %s, 'diterima', 'surat', 'aduan',
                       'PKH belum cair', 'Siti', false, false, false, %s, %s, 'lama', '[]',
                       'kemensos', 'hari_kerja', 3, 0, false)""",
                (i, nomor, i, waktu, waktu),
            )
        prev = chain.GENESIS
        for i in (1, 2):
            digest = chain.entry_hash(
                prev,
                nomor=f"DS-2026-0000{i}",
                waktu=waktu,
                oleh="lama",
                aksi="catat",
                dari_status=None,
                ke_status="diterima",
                catatan=catatan,
                data=data,
            )
            conn.execute(
                """INSERT INTO riwayat (id, kasus_id, waktu, oleh, aksi, ke_status, catatan,
                       data, hash_sebelum, hash)
                   VALUES (%s, %s, %s, 'lama', 'catat', 'diterima', %s, %s, %s, %s)""",
                (i, i, waktu, catatan, json.dumps(data), prev, digest),
            )
            prev = digest
        conn.execute("INSERT INTO pengaturan (kunci, nilai) VALUES ('rantai', %s)", (prev,))
        conn.execute("INSERT INTO nomor_urut (prefiks, tahun, terakhir) VALUES ('DS', 2026, 2)")
        conn.execute("SELECT setval(pg_get_serial_sequence('kasus', 'id'), 2)")
        conn.execute("SELECT setval(pg_get_serial_sequence('riwayat', 'id'), 2)")
    monkeypatch.setenv("LAPOR_DB", url)
    ok_json(run, "verifikasi", "DS-2026-00001", "--kategori", "PKH")  # migrates, then a step
    with _pg(url) as conn:
        salts = [r[0] for r in conn.execute("SELECT garam FROM kasus ORDER BY id")]
        states = [r[0] for r in conn.execute("SELECT keadaan FROM riwayat ORDER BY id")]
    assert len(set(salts)) == 2 and all(len(s) == 32 and int(s, 16) >= 0 for s in salts)
    assert states[:2] == [None, None] and states[2].startswith("3:")  # the current state version
    assert ok_json(run, "periksa")["masalah"] == []
    with _pg(url) as conn:
        conn.execute("UPDATE kasus SET uraian = 'diubah' WHERE id = 1")
    code, out, _ = run("periksa", "--json")
    assert code == 1
    assert json.loads(out)["masalah"] == ["keadaan kasus: diubah di luar riwayat: DS-2026-00001"]


# -- waiting for the writers' lock ---------------------------------------------------------------


def _hold_writer_lock(url: str):
    """A connection holding the register's writers' lock in an open transaction."""
    from lapor_cli.locking import WRITER_LOCK

    conn = _pg(url)
    conn.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
    return conn


def test_a_stuck_writer_on_the_server_is_refused_after_the_wait(pg_url, tmp_path: Path):
    """A transaction that holds the writers' lock and does nothing: a desk waits
    LAPOR_TUNGGU_KUNCI seconds (1.5 here instead of 15), then is refused in one line."""
    import time

    url = pg_url()
    env = {**os.environ, "LAPOR_DB": url, "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja",
           "LAPOR_TUNGGU_KUNCI": "1.5"}  # fmt: skip
    assert catat_as_desk(env, 0).returncode == 0
    holder = _hold_writer_lock(url)
    try:
        started = time.monotonic()
        refused = catat_as_desk(env, 1)
        waited = time.monotonic() - started
    finally:
        holder.close()
    assert refused.returncode == 1
    assert refused.stderr.startswith("Ditolak: ") and refused.stderr.count("\n") == 1
    assert "sedang dikunci" in refused.stderr
    assert _password(url) not in refused.stderr
    assert waited < 12, waited
    with _pg(url) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 1


def test_server_writers_wait_their_turn_while_the_queue_moves(pg_url, tmp_path: Path):
    """Writers that pass the lock on every 0.3 s for 6 s hold a desk up far longer than its
    stuck-lock wait (1 s): it waits its turn all the same, and records."""
    import threading
    import time

    url = pg_url()
    env = {**os.environ, "LAPOR_DB": url, "HOME": str(tmp_path), "LAPOR_PETUGAS": "meja",
           "LAPOR_TUNGGU_KUNCI": "1"}  # fmt: skip
    assert catat_as_desk(env, 0).returncode == 0
    stop = time.monotonic() + 6
    from lapor_cli.locking import WRITER_LOCK

    def writer() -> None:
        with _pg(url) as conn:
            while time.monotonic() < stop:
                with conn.transaction():
                    conn.execute(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")
                    time.sleep(0.3)

    writers = [threading.Thread(target=writer) for _ in range(4)]
    for thread in writers:
        thread.start()
    try:
        time.sleep(0.5)  # the queue is full
        started = time.monotonic()
        queued = catat_as_desk(env, 1)
        waited = time.monotonic() - started
    finally:
        for thread in writers:
            thread.join()
    assert queued.returncode == 0, queued.stderr
    assert waited > 1, waited  # it did wait longer than its stuck-lock wait
    with _pg(url) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone()[0] == 2
