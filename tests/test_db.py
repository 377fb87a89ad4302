"""The register file: migrations on open, registers it must not touch, where it lives, the
models against the migrations, and the tamper-evident history chain."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from conftest import PETUGAS, dump_register, ok_json
from lapor_cli import history as chain
from lapor_cli.db import KNOWN_REVISIONS, SCHEMA_HEAD, run_migrations

#: About the SQLite file and its migrations; the server's are in test_postgres.py.
pytestmark = pytest.mark.sqlite_only


def migrated_engine(path: Path, target: str = "head") -> sa.Engine:
    engine = sa.create_engine(f"sqlite:///{path}")
    run_migrations(engine, target)
    return engine


def stored_revision(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def chain_entries(path: Path) -> tuple[list[dict], str]:
    """Every history entry in written order, as ``history.verify_chain`` wants them (with the
    state each committed to, from schema 0006 on, and when it was typed in, from 0007 on),
    and the stored head of the chain."""
    conn = sqlite3.connect(path)
    try:
        head = conn.execute("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'").fetchone()[0]
        rows = conn.execute(
            """SELECT r.id, k.nomor, r.waktu, r.oleh, r.aksi, r.dari_status, r.ke_status,
                      r.catatan, r.data, r.hash_sebelum, r.hash, r.keadaan, r.dicatat
               FROM riwayat r JOIN kasus k ON k.id = r.kasus_id ORDER BY r.id"""
        ).fetchall()
    finally:
        conn.close()
    keys = ("id", "nomor", "waktu", "oleh", "aksi", "dari_status", "ke_status", "catatan")
    keys += ("data", "hash_sebelum", "hash", "keadaan", "dicatat")
    entries = []
    for row in rows:
        entry = dict(zip(keys, row, strict=True))
        entry["waktu"] = datetime.fromisoformat(entry["waktu"])
        if entry["dicatat"] is not None:
            entry["dicatat"] = datetime.fromisoformat(entry["dicatat"])
        entry["data"] = json.loads(entry["data"])
        entries.append(entry)
    return entries, head


# ------------------------------------------------------------------------- an old register


def _old_register(path: Path) -> None:
    """A register as lapor-cli wrote it at migration 0001: one verified case, two entries."""
    migrated_engine(path, "0001").dispose()
    assert stored_revision(path) == "0001"
    nomor = "DS-2026-00001"
    entries = [
        (
            datetime(2026, 11, 23, 9, 0),
            "catat",
            None,
            "diterima",
            "Diterima lewat surat pada 2026-11-23 09:00",
            {"kanal": "surat", "jenis": "aduan", "sla": "3 hari kerja"},
        ),
        (
            datetime(2026, 11, 23, 9, 30),
            "verifikasi",
            "diterima",
            "terverifikasi",
            "Kategori PKH; kewenangan Dinas Sosial.",
            {"kategori": "PKH", "kewenangan": True},
        ),
    ]
    conn = sqlite3.connect(path)
    try:
        conn.execute(
            """INSERT INTO kasus (id, nomor, prefiks, tahun, urut, status, kanal, jenis, uraian,
                   nama, nik, hp, anonim, rahasia, diterima, dicatat, petugas, kategori,
                   kewenangan, tembusan, sla_profil, sla_satuan, sla_nilai, sla_perpanjangan)
               VALUES (1, ?, 'DS', 2026, 1, 'terverifikasi', 'surat', 'aduan',
                   'PKH belum cair sejak Agustus', 'Siti Aminah', '3171014101900001',
                   '+6281234567890', 0, 0, '2026-11-23 09:00:00.000000',
                   '2026-11-23 09:00:00.000000', 'lama', 'PKH', 1, '[]', 'kemensos',
                   'hari_kerja', 3, 0)""",
            (nomor,),
        )
        prev = chain.GENESIS
        for waktu, aksi, dari, ke, catatan, data in entries:
            digest = chain.entry_hash(
                prev,
                nomor=nomor,
                waktu=waktu,
                oleh="lama",
                aksi=aksi,
                dari_status=dari,
                ke_status=ke,
                catatan=catatan,
                data=data,
            )
            conn.execute(
                """INSERT INTO riwayat (kasus_id, waktu, oleh, aksi, dari_status, ke_status,
                       catatan, data, hash_sebelum, hash)
                   VALUES (1, ?, 'lama', ?, ?, ?, ?, ?, ?, ?)""",
                (
                    f"{waktu:%Y-%m-%d %H:%M:%S}.000000",
                    aksi,
                    dari,
                    ke,
                    catatan,
                    json.dumps(data),
                    prev,
                    digest,
                ),  # fmt: skip
            )
            prev = digest
        conn.execute("INSERT INTO pengaturan (kunci, nilai) VALUES ('rantai', ?)", (prev,))
        conn.execute("INSERT INTO nomor_urut (prefiks, tahun, terakhir) VALUES ('DS', 2026, 1)")
        conn.commit()
    finally:
        conn.close()


def test_register_at_migration_0001_opens_with_the_newest_code(run, isolated_register: Path):
    _old_register(isolated_register)
    case = ok_json(run, "lihat", "DS-2026-00001")
    assert stored_revision(isolated_register) == SCHEMA_HEAD
    assert case["status"] == "terverifikasi"
    assert case["kategori"] == "PKH"
    assert case["diterima"] == "2026-11-23T09:00"
    assert case["batas_waktu"] == "2026-11-26"
    assert case["segera"] is False  # added by migration 0002
    assert [(e["aksi"], e["ke"]) for e in case["riwayat"]] == [
        ("catat", "diterima"),
        ("verifikasi", "terverifikasi"),
    ]
    # … and it goes on working: the next step, the next number, an intact chain
    assert ok_json(run, "distribusi", "DS-2026-00001", "--unit", "PFM")["status"] == (
        "didisposisikan"
    )
    assert ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Baru",
                   "--nama", "Budi")["nomor"] == "DS-2026-00002"  # fmt: skip
    entries, head = chain_entries(isolated_register)
    assert len(entries) == 4
    assert chain.verify_chain(entries, head) == []


def test_an_old_register_becomes_desk_utama_with_its_prefix_and_name(run, isolated_register):
    _old_register(isolated_register)
    with sqlite3.connect(isolated_register) as conn:
        conn.executemany(
            "INSERT INTO pengaturan (kunci, nilai) VALUES (?, ?)",
            [("prefiks", "DS"), ("kantor_nama", "Dinas Sosial Kota Kupang")],
        )
    assert ok_json(run, "meja") == [
        {"kode": "utama", "nama": "Dinas Sosial Kota Kupang", "prefiks": "DS", "kasus": 1,
         "terbuka": 1}
    ]  # fmt: skip
    assert ok_json(run, "lihat", "DS-2026-00001")["meja"] == "utama"
    assert ok_json(run, "periksa")["masalah"] == []
    with sqlite3.connect(isolated_register) as conn:
        assert conn.execute("SELECT * FROM pengaturan WHERE kunci = 'prefiks'").fetchall() == []
    assert ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Baru",
                   "--nama", "Budi")["nomor"] == "DS-2026-00002"  # fmt: skip


def test_cases_under_another_prefix_keep_their_numbers_as_a_desk_of_their_own(
    run, isolated_register
):
    _old_register(isolated_register)
    with sqlite3.connect(isolated_register) as conn:
        conn.execute("UPDATE kasus SET prefiks = 'LAMA'")
    desks = {d["kode"]: (d["prefiks"], d["kasus"]) for d in ok_json(run, "meja")}
    assert desks == {"utama": ("DS", 0), "lama": ("LAMA", 1)}


def test_migration_0005_goes_down_and_up_again(tmp_path: Path):
    from alembic import command
    from alembic.config import Config

    path = tmp_path / "turun.db"
    _old_register(path)
    engine = migrated_engine(path, "0005")
    try:
        cfg = Config()
        cfg.set_main_option("script_location", "lapor_cli:migrations")
        with engine.connect() as conn:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")  # as lapor
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0004")
            assert (
                conn.exec_driver_sql(
                    "SELECT nilai FROM pengaturan WHERE kunci = 'prefiks'"
                ).scalar_one()
                == "DS"
            )
            assert "meja" not in sa.inspect(conn).get_table_names()
            command.upgrade(cfg, "0005")
            assert conn.exec_driver_sql("SELECT meja FROM kasus").scalar_one() == "utama"
    finally:
        engine.dispose()


@pytest.mark.parametrize("revision", KNOWN_REVISIONS[:-1])
def test_every_older_revision_is_brought_to_head(run, isolated_register: Path, revision: str):
    migrated_engine(isolated_register, revision).dispose()
    assert ok_json(run, "daftar") == []
    assert stored_revision(isolated_register) == SCHEMA_HEAD


# --------------------------------------------------------------- registers it must not touch


def _snapshot(path: Path) -> tuple[bytes, str | None]:
    return path.read_bytes(), dump_register(path)


@pytest.mark.parametrize(
    "args",
    [
        ["daftar"],
        ["daftar", "--json"],
        ["lihat", "DS-2026-00001"],
        ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x", "--nama", "Siti"],
        ["verifikasi", "DS-2026-00001", "--kategori", "PKH"],
    ],
    ids=["daftar", "daftar-json", "lihat", "catat", "verifikasi"],
)
def test_register_from_a_newer_version_is_refused_untouched(
    run, catat, isolated_register: Path, args: list[str]
):
    catat()
    with sqlite3.connect(isolated_register) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = _snapshot(isolated_register)
    code, out, err = run(*args)
    assert code == 1
    assert out == ""
    assert err.startswith("Ditolak: ")
    assert err.count("\n") == 1
    assert "9999" in err
    assert _snapshot(isolated_register) == before
    assert stored_revision(isolated_register) == "9999"


@pytest.mark.parametrize("command", [["daftar"], ["catat", "--kanal", "surat", "--jenis",
                                     "aduan", "--uraian", "x", "--nama", "Siti"]])  # fmt: skip
def test_a_file_that_is_not_sqlite_is_refused_untouched(
    run, isolated_register: Path, register_files, command: list[str]
):
    content = b"nomor;nama\nDS-2026-00001;Siti\n" * 50
    isolated_register.write_bytes(content)
    code, out, err = run(*command)
    assert code == 1
    assert out == ""
    assert err.startswith("Ditolak: ")
    assert err.count("\n") == 1
    assert "SQLite" in err
    assert isolated_register.read_bytes() == content
    assert register_files() == [isolated_register.name]


def test_another_programs_sqlite_file_is_refused_untouched(run, isolated_register: Path):
    """A SQLite database that is not a register (someone's --db typo) is refused, and lapor
    leaves it exactly as it was: no schema, no journal-mode change."""
    with sqlite3.connect(isolated_register) as conn:
        conn.execute("CREATE TABLE pelanggan (id INTEGER PRIMARY KEY, nama TEXT)")
        conn.execute("INSERT INTO pelanggan (nama) VALUES ('Toko Sembako')")
    conn.close()
    before = _snapshot(isolated_register)
    code, out, err = run("daftar")
    assert code == 1
    assert out == ""
    assert "bukan register" in err
    assert err.count("\n") == 1
    assert dump_register(isolated_register) == before[1]
    assert isolated_register.read_bytes() == before[0]


# ----------------------------------------------------------------------- where it lives


@pytest.mark.parametrize(
    "args", [["daftar"], ["daftar", "--json"], ["lihat", "DS-2026-00001"], ["lihat", "x"]]
)
def test_reading_a_missing_register_creates_no_file(run, tmp_path: Path, args: list[str]):
    code, out, _ = run(*args)
    assert code in (0, 1)
    if args == ["daftar", "--json"]:
        assert json.loads(out) == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_default_register_is_in_the_users_app_folder(run, catat, monkeypatch, tmp_path: Path):
    monkeypatch.delenv("LAPOR_DB")
    catat()
    (found,) = [p for p in tmp_path.rglob("register.db")]
    assert found.is_relative_to(tmp_path / "home")
    assert "lapor" in str(found.parent).lower()
    if os.name == "posix":
        assert stat.S_IMODE(found.stat().st_mode) == 0o600


def test_db_option_wins_over_environment(run, catat, tmp_path: Path, isolated_register: Path):
    other = tmp_path / "lain" / "kantor.db"
    code, out, err = run("--db", str(other), "catat", "--kanal", "surat", "--jenis", "aduan",
                         "--uraian", "x", "--nama", "Siti", "--json")  # fmt: skip
    assert code == 0, err
    assert other.exists()
    assert not isolated_register.exists()
    assert json.loads(out)["nomor"] == "DS-2026-00001"


# ------------------------------------------------------------------ models and migrations


def test_models_agree_with_the_newest_migration(tmp_path: Path):
    from sqlmodel import SQLModel

    import lapor_cli.models  # noqa: F401 - registers the tables

    engine = migrated_engine(tmp_path / "skema.db")
    try:
        inspector = sa.inspect(engine)
        in_db = set(inspector.get_table_names()) - {"alembic_version"}
        assert in_db == set(SQLModel.metadata.tables)
        for name, table in SQLModel.metadata.tables.items():
            columns = {c["name"]: c for c in inspector.get_columns(name)}
            assert set(columns) == {c.name for c in table.columns}, name  # order may differ
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
            pk = inspector.get_pk_constraint(name)["constrained_columns"]
            assert pk == [c.name for c in table.primary_key.columns], name
            db_indexes = {tuple(i["column_names"]) for i in inspector.get_indexes(name)}
            model_indexes = {tuple(c.name for c in i.columns) for i in table.indexes}
            assert db_indexes == model_indexes, name
            db_fks = {
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(name)
            }
            model_fks = {((f.parent.name,), f.column.table.name) for f in table.foreign_keys}
            assert db_fks == model_fks, name
    finally:
        engine.dispose()
    assert stored_revision(tmp_path / "skema.db") == SCHEMA_HEAD == KNOWN_REVISIONS[-1]


# ------------------------------------------------------------------------ history chain


def test_history_chain_verifies_after_a_walk(populated, isolated_register: Path, run):
    ok_json(run, "lihat", populated["dinilai"], "--lengkap")
    entries, head = chain_entries(isolated_register)
    assert len(entries) > len(populated)
    assert chain.verify_chain(entries, head) == []
    assert head == entries[-1]["hash"]
    assert entries[-1]["aksi"] == "lihat-lengkap"
    assert entries[-1]["oleh"] == PETUGAS


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE riwayat SET catatan = 'Bantuan tidak perlu' WHERE id = 3", "isi entri"),
        ("UPDATE riwayat SET data = '{\"skor\": 5}' WHERE id = 3", "isi entri"),
        ("UPDATE riwayat SET ke_status = 'selesai' WHERE id = 3", "isi entri"),
        ("DELETE FROM riwayat WHERE id = 3", "terputus"),
    ],
    ids=["catatan", "data", "status", "hapus"],
)
def test_history_chain_breaks_when_an_entry_is_altered(
    populated, isolated_register: Path, sql: str, reason: str
):
    with sqlite3.connect(isolated_register) as conn:
        conn.execute(sql)
    conn.close()
    entries, head = chain_entries(isolated_register)
    breaks = chain.verify_chain(entries, head)
    assert breaks
    assert reason in breaks[0].reason
    assert breaks[0].entry_id in (3, 4)


def test_a_register_opened_outside_a_command_is_kept_at_once(tmp_path) -> None:
    # Bug: open_register(write=True) on a new path left its creation lock behind, so the next
    # open (a benchmark, a script) waited and failed with "Register sedang dibuat proses lain".
    from lapor_cli.db import open_register

    path = tmp_path / "baru.db"
    open_register(str(path), write=True).engine.dispose()
    assert not (tmp_path / "baru.db.sedang-dibuat").exists()
    again = open_register(str(path), write=False)
    assert not again.in_memory
    again.engine.dispose()


def test_read_only_register_messages(monkeypatch, tmp_path) -> None:
    # Checked by hand as user nobody (root ignores permissions): a read-only file in a writable
    # folder reads fine and refuses writes; in a read-only folder SQLite cannot even read a WAL
    # register (it must create -shm), and the refusal says so instead of "needs to write".
    import sqlalchemy as sa

    from lapor_cli import db
    from lapor_cli.errors import RegisterError

    readonly = sa.exc.OperationalError(
        "INSERT", {}, Exception("attempt to write a readonly database")
    )
    location = str(tmp_path / "r.db")
    with pytest.raises(RegisterError, match="hanya-baca; perintah ini perlu menulis"):
        with db.translate_db_errors(location):
            raise readonly
    monkeypatch.setattr(db.os, "access", lambda path, mode: False)
    with pytest.raises(RegisterError, match="folder hanya-baca"):
        with db.translate_db_errors(location):
            raise readonly
