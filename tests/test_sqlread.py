"""The reads through the database driver (``sqlread``, ``case_rows``) against the ORM's own
answer, on a register with every kind of row, on SQLite and (in the PostgreSQL run) on the
server: the two can never drift.

Every read of the driver path is here: settings, desks, office days, the holiday cache,
pauses, closing deadlines, cases (every column), history, attachments, merged duplicates,
``daftar``'s filters and ``sla``'s open-case scan (the month ``rekap`` reads:
``test_monev_reads``). And the reading commands on an up-to-date
register file import neither SQLAlchemy nor SQLModel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from conftest import HEAVY_PROBE, HP, NIK, POPULATED, Runner, at, ok_json, reading_session
from lapor_cli import models
from lapor_cli.case_rows import (
    ATTACHMENT_COLUMNS,
    CASE_COLUMNS,
    HISTORY_COLUMNS,
    attachment_rows,
    case_rows,
    find_case,
    history_rows,
    linked_rows,
)
from lapor_cli.db import open_register
from lapor_cli.deadline_report import SLA_COLUMNS, sla_report
from lapor_cli.deadlines import CLOSING_DUE, Deadlines
from lapor_cli.desks import all_desks
from lapor_cli.listing import list_cases
from lapor_cli.settings import get_settings
from lapor_cli.sqlread import Reader, open_reader
from lapor_cli.workflow import OPEN_STATUSES

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def full(populated: dict[str, str], run: Runner, tmp_path: Path) -> dict[str, str]:
    """The populated register with what it lacks: a second desk and its case, a pause still
    running and one ended, a reopened case, a merged duplicate, office days,
    an attachment, and settings of its own."""
    ok_json(run, "kantor", "--nama", "Dinas Sosial Uji", "--kota", "Kupang")
    ok_json(run, "meja", "tambah", "kupang", "--nama", "Meja Kupang", "--prefiks", "KPG")
    kupang = ok_json(
        run, "catat", "--meja", "kupang", "--kanal", "surat", "--jenis", "aduan",
        "--uraian", "Aduan 50% dari_meja", "--nama", "Yohanes", "--hp", HP, "--segera",
    )["nomor"]  # fmt: skip
    assert run("tunda", populated["ditindaklanjuti"], "--alasan", "menunggu KK")[0] == 0
    assert run("tunda", populated["didisposisikan"], "--alasan", "menunggu")[0] == 0
    assert run("lanjut", populated["didisposisikan"])[0] == 0
    assert run("buka", populated["dinilai"], "--alasan", "Pelapor: belum cair")[0] == 0
    dup = ok_json(
        run, "catat", "--meja", "utama", "--kanal", "sp4n-lapor", "--jenis", "aduan",
        "--uraian", "Sama", "--nomor-lapor", "LAP-900", "--anonim",
    )["nomor"]  # fmt: skip
    assert run("gabung", dup, "--ke", populated["selesai"], "--alasan", "Sama")[0] == 0
    assert run("libur", "tambah", "2026-12-01", "HUT Kota", "--sk", "SK 1/2026")[0] == 0
    assert run("libur", "hapus", "2026-12-24")[0] in (0, 1)
    scan = tmp_path / "surat.pdf"
    scan.write_bytes(PDF)
    ok_json(run, "lampiran", "tambah", populated["diterima"], str(scan), "--keterangan", "KTP")
    return {**populated, "kupang": kupang, "duplikat": dup}


@pytest.fixture
def read(full: dict[str, str]) -> Iterator[Session]:
    """A reading transaction on the full register."""
    yield from reading_session()


def _orm(session: Session, model: type, *order: object) -> list:
    return list(session.exec(select(model).order_by(*order)))


def _same(row: object, model_row: object, names: list[str]) -> None:
    for name in names:
        assert getattr(row, name) == getattr(model_row, name), name


def test_the_column_lists_are_the_models() -> None:
    assert list(CASE_COLUMNS) == [c.name for c in models.Case.__table__.columns]
    assert list(HISTORY_COLUMNS) == [c.name for c in models.History.__table__.columns]
    assert list(ATTACHMENT_COLUMNS) == [c.name for c in models.Attachment.__table__.columns]
    assert set(SLA_COLUMNS) <= set(CASE_COLUMNS)
    index = {i.name: i for i in models.Case.__table__.indexes}["ix_kasus_terbuka"]
    assert set(SLA_COLUMNS) | {"meja"} <= {c.name for c in index.columns}


def test_cases_history_and_attachments_are_the_orms(read: Session, full) -> None:
    db = Reader.of(read)
    cases = _orm(read, models.Case, models.Case.id)
    assert len(cases) == len(full)
    rows = list(case_rows(db, "ORDER BY id", columns=tuple(CASE_COLUMNS)))
    assert len(rows) == len(cases)
    for row, case in zip(rows, cases, strict=True):
        _same(row, case, list(CASE_COLUMNS))
        assert find_case(db, f" {case.nomor.lower()} ", columns=tuple(CASE_COLUMNS)) == row
        entries = _orm(read, models.History, models.History.id)
        mine = [e for e in entries if e.kasus_id == case.id]
        got = history_rows(db, case.id)
        assert len(got) == len(mine) > 0
        for entry, model_entry in zip(got, mine, strict=True):
            _same(entry, model_entry, list(HISTORY_COLUMNS))
        attached = [a for a in _orm(read, models.Attachment, models.Attachment.id)]
        attached = [a for a in attached if a.kasus_id == case.id]
        got = attachment_rows(db, case.id)
        assert len(got) == len(attached)
        for one, model_one in zip(got, attached, strict=True):
            _same(one, model_one, list(ATTACHMENT_COLUMNS))
        merged = [c.nomor for c in cases if c.digabung_ke == case.nomor]
        assert [r.nomor for r in linked_rows(db, case.nomor)] == merged
    assert [r.nomor for r in linked_rows(db, full["selesai"])] == [full["duplikat"]]
    assert any(attachment_rows(db, c.id) for c in cases)


def test_settings_desks_and_calendar_are_the_orms(read: Session) -> None:
    db = Reader.of(read)
    stored = {s.kunci: s.nilai for s in _orm(read, models.Setting, models.Setting.kunci)}
    assert get_settings(db).items() >= stored.items()
    assert get_settings(db)["kantor_nama"] == "Dinas Sosial Uji"
    desks = _orm(read, models.Desk, models.Desk.kode)
    assert [(d.kode, d.nama, d.prefiks) for d in all_desks(db)] == [
        (d.kode, d.nama, d.prefiks) for d in desks
    ]
    book = Deadlines(db, at("2026-11-23 10:00"))
    pauses: dict[int, list] = {}
    for p in _orm(read, models.Pause, models.Pause.id):
        pauses.setdefault(p.kasus_id, []).append(
            (p.mulai.date(), p.selesai.date() if p.selesai else None)
        )
    assert dict(book.all_pauses()) == pauses
    assert any(end is None for spans in pauses.values() for _, end in spans)
    closing = {}
    for entry in _orm(read, models.History, models.History.id):
        if entry.aksi in ("tutup", "verifikasi", "ubah") and entry.data.get(CLOSING_DUE):
            closing[entry.kasus_id] = datetime.fromisoformat(entry.data[CLOSING_DUE])
    assert book.closing_dues() == closing != {}
    days = _orm(read, models.OfficeDay, models.OfficeDay.tanggal)
    added, removed = book._office_days()
    assert [d.tanggal for d in added] == [d.tanggal for d in days if d.jenis == "libur"]
    assert [(d.keterangan, d.sk) for d in added] == [
        (d.keterangan, d.sk) for d in days if d.jenis == "libur"
    ]
    assert removed == [d.tanggal for d in days if d.jenis != "libur"]


def _orm_list(session: Session, **filters: object) -> list[str]:
    """``daftar``'s filters written with the ORM: the answer the driver path must give."""
    c = models.Case
    query = select(c.nomor)
    if "status" in filters:
        query = query.where(c.status.in_(filters["status"]))
    if "kanal" in filters:
        query = query.where(c.kanal == filters["kanal"])
    if "meja" in filters:
        query = query.where(c.meja == filters["meja"])
    if "bulan" in filters:
        year, month = filters["bulan"]
        query = query.where(
            c.diterima >= datetime(year, month, 1), c.diterima < datetime(year, month + 1, 1)
        )
    if "cari" in filters:
        needle = filters["cari"]
        query = query.where(
            sa.or_(
                c.nomor.icontains(needle, autoescape=True),
                c.nomor_lapor.icontains(needle, autoescape=True),
                c.nomor_formulir.icontains(needle, autoescape=True),
                sa.and_(c.anonim.is_(False), c.nama.icontains(needle, autoescape=True)),
                sa.and_(c.rahasia.is_(False), c.uraian.icontains(needle, autoescape=True)),
            )
        )
    if "nik" in filters:
        query = query.where(c.nik == filters["nik"], c.anonim.is_(False))
    if "belum_dilaporkan" in filters:
        main = sa.orm.aliased(c)
        closed = select(main.nomor).where(main.status.in_(("selesai", "diarsipkan")))
        query = query.where(
            c.kanal == "sp4n-lapor",
            c.dilaporkan_balik.is_(False),
            c.status != "dibatalkan",
            sa.or_(c.status != "digabung", c.digabung_ke.in_(closed)),
        )
    return list(session.exec(query.order_by(c.diterima.desc(), c.id.desc())))


@pytest.mark.parametrize(
    ("given", "orm"),
    [
        ({}, {}),
        ({"status": list(OPEN_STATUSES)}, {"status": list(OPEN_STATUSES)}),
        ({"kanal": "surat"}, {"kanal": "surat"}),
        ({"meja": "kupang"}, {"meja": "kupang"}),
        ({"bulan": (2026, 11)}, {"bulan": (2026, 11)}),
        ({"cari": "pelapor 1"}, {"cari": "pelapor 1"}),
        ({"cari": "aduan"}, {"cari": "aduan"}),
        ({"cari": "50%"}, {"cari": "50%"}),
        ({"cari": "dari_meja"}, {"cari": "dari_meja"}),
        ({"cari": "LAP-9"}, {"cari": "LAP-9"}),
        ({"cari": "kupang"}, {"cari": "kupang"}),
        ({"cari": NIK}, {"nik": NIK}),
        ({"belum_dilaporkan": True}, {"belum_dilaporkan": True}),
    ],
)
def test_daftar_filters_are_the_orms(read: Session, given: dict, orm: dict) -> None:
    found = list_cases(Reader.of(read), now=at("2026-11-23 10:00"), **given)
    listed = [v["nomor"] for v in found.views]
    assert listed == _orm_list(read, **orm)
    assert found.total == len(listed)
    # a screenful: the first cases, and the count of them all (a text search counts in the
    # same pass, over every match, not over the screenful)
    found = list_cases(Reader.of(read), now=at("2026-11-23 10:00"), limit=2, **given)
    assert [v["nomor"] for v in found.views] == listed[:2]
    assert found.total == len(listed)


def test_the_sla_scan_is_the_orms(read: Session, full) -> None:
    as_of = at("2026-11-23 10:00")
    report = sla_report(Reader.of(read), as_of, limit=None, now=as_of)
    c = models.Case
    open_cases = read.exec(
        select(c).where(c.status.in_(OPEN_STATUSES), c.diterima <= as_of).order_by(c.nomor)
    ).all()
    assert sorted(line.nomor for line in report.lines) == [case.nomor for case in open_cases]
    book = Deadlines(read, as_of)
    for line in report.lines:
        case = next(x for x in open_cases if x.nomor == line.nomor)
        assert line.batas_waktu == book.due(case)
        assert (line.mengikat, line.batas_mengikat) == book.binding(case)
        assert line.status == case.status and line.unit == case.unit
        assert line.segera == case.segera and line.ditunda == book.paused(case)
    # the five open ones, the second desk's case and the reopened one
    assert report.terbuka == len(open_cases) == len(POPULATED) - 4 + 2
    assert any(line.ditunda for line in report.lines)


@pytest.mark.sqlite_only
def test_a_register_file_is_read_by_sqlite3_in_one_snapshot(full, tmp_path: Path) -> None:
    location = os.environ["LAPOR_DB"]
    reader = open_reader(location)
    assert reader is not None
    try:
        register = open_register(location, write=False)
        with register.transaction(False) as session:
            orm = Reader.of(session)
            assert get_settings(reader) == get_settings(orm)
            query = "ORDER BY id"
            assert list(case_rows(reader, query)) == list(case_rows(orm, query))
        register.engine.dispose()
    finally:
        reader.close()


@pytest.mark.sqlite_only
def test_what_is_not_an_up_to_date_register_file_is_opened_the_full_way(tmp_path: Path) -> None:
    import sqlite3

    assert open_reader(str(tmp_path / "belum-ada.db")) is None
    assert open_reader("postgresql+psycopg://u@localhost/db") is None
    assert open_reader(str(tmp_path)) is None  # a folder
    (tmp_path / "kosong.db").write_bytes(b"")
    assert open_reader(str(tmp_path / "kosong.db")) is None
    old = tmp_path / "lama.db"
    with sqlite3.connect(old) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('0011')")
    conn.close()
    assert open_reader(str(old)) is None  # to be migrated by open_register first


@pytest.mark.sqlite_only
def test_reading_commands_import_neither_sqlalchemy_nor_sqlmodel(full) -> None:
    code = HEAVY_PROBE
    for args in (
        ["sla", "--json"],
        ["sla"],
        ["daftar", "--cari", "Pelapor"],
        ["daftar", "--status", "terbuka", "--json"],
        ["lihat", full["diterima"]],
        ["lihat", full["diterima"], "--json"],
        ["rekap", "--bulan", "2026-11"],
        ["rekap", "--bulan", "2026-11", "--json"],
        ["rekap", "--periode", "2026-Q4", "--meja", "kupang"],
    ):
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "BERAT []" in done.stderr, (args, done.stderr)
