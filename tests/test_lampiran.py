"""`lapor lampiran` (issue 21): scans, photos and documents kept with a case — inside the
register, stored once per content, recognised by content, covered by `periksa`, `cadangan`
and `pindah`; refused plainly when too big, executable or of another kind."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from conftest import Runner, dump_register, ok_json, query_register, record
from lapor_cli.attachment_files import recognise
from lapor_cli.errors import ValidationError

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(40)
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(200)


def _office(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _office({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def _file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def _count(table: str) -> int:
    return query_register(f"SELECT count(*) FROM {table}")[0][0]


@pytest.fixture
def nomor(run: Runner) -> str:
    return record(run)["nomor"]


# -- recognised by content, not by name -----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "surat.pdf", "pdf"),
        (JPEG, "foto.jpg", "jpeg"),
        (PNG, "layar.png", "png"),
        (HEIC, "IMG_0001.HEIC", "heic"),
        (DOCX, "kronologi.docx", "docx"),
        (XLSX, "daftar.xlsx", "xlsx"),
        ("Kronologi: bantuan belum cair — sudah 3 bulan.\r\n".encode(), "catatan.txt", "txt"),
        (PDF, "tanpa-akhiran", "pdf"),  # the name does not decide
        (JPEG, "foto.pdf", "jpeg"),
    ],
)
def test_types_are_recognised_from_the_content(data: bytes, name: str, kind: str):
    assert recognise(data, name) == kind


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (EXE, "surat.pdf", "program Windows"),
        (b"\x7fELF\x02\x01\x01" + bytes(60), "foto.jpg", "program Linux"),
        (b"#!/bin/sh\nrm -rf ~\n", "catatan.txt", "skrip"),
        (PDF, "surat.exe", ".exe"),
        (b"@echo off\r\n", "jalankan.bat", ".bat"),
        (
            _office(
                {"[Content_Types].xml": b"", "word/document.xml": b"", "word/vbaProject.bin": b""}
            ),
            "makro.docx",
            "makro",
        ),
        (_office({"a.txt": b"x"}), "arsip.docx", "ZIP"),
        (b"PK\x03\x04rusak", "rusak.xlsx", "rusak"),
        (b"GIF89a\x01\x00\x01\x00\x00\xff\x00", "animasi.gif", "tidak dikenali"),
        (b"", "kosong.pdf", "kosong"),
    ],
)
def test_executables_and_other_kinds_are_refused(data: bytes, name: str, said: str):
    with pytest.raises(ValidationError) as refused:
        recognise(data, name)
    assert said in refused.value.message


# -- the desk scenario ----------------------------------------------------------------------------


def test_three_files_attached_one_twice_is_stored_once(run: Runner, nomor: str, tmp_path):
    surat = _file(tmp_path, "surat.pdf", PDF)
    foto = _file(tmp_path, "foto.jpg", JPEG)
    kk = _file(tmp_path, "kk.png", PNG)
    first = ok_json(run, "lampiran", "tambah", nomor, str(surat), str(foto), "--keterangan", "KK")
    assert [a["nama"] for a in first["ditambahkan"]] == ["surat.pdf", "foto.jpg"]
    again = _file(tmp_path, "surat-lagi.pdf", PDF)  # the same content under another name
    second = ok_json(run, "lampiran", "tambah", nomor, str(kk), str(again))
    assert [a["nama"] for a in second["ditambahkan"]] == ["kk.png"]
    assert second["sudah_ada"][0]["id"] == first["ditambahkan"][0]["id"]
    assert _count("lampiran") == 3 and _count("lampiran_isi") == 3

    listed = ok_json(run, "lampiran", nomor)["lampiran"]
    assert [(a["nama"], a["jenis"], a["ukuran"]) for a in listed] == [
        ("surat.pdf", "pdf", len(PDF)),
        ("foto.jpg", "jpeg", len(JPEG)),
        ("kk.png", "png", len(PNG)),
    ]
    assert listed[0]["keterangan"] == "KK" and listed[0]["oleh"] == "Petugas Uji"
    view = ok_json(run, "lihat", nomor)
    assert [a["id"] for a in view["lampiran"]] == [a["id"] for a in listed]
    entries = [e for e in view["riwayat"] if e["aksi"] == "lampiran"]
    assert len(entries) == 3
    import hashlib

    assert entries[0]["data"]["lampiran"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert "isi" not in str(entries[0]["data"])  # name, type, size, hash: never the content
    assert ok_json(run, "periksa")["masalah"] == []

    # The same file for a second case: a new attachment, the content still stored once.
    other = record(run, nama="Yohanes")["nomor"]
    ok_json(run, "lampiran", "tambah", other, str(surat))
    assert _count("lampiran") == 4 and _count("lampiran_isi") == 3

    code, out, err = run("lampiran", nomor)
    assert code == 0 and "surat.pdf" in out and "foto.jpg" in out
    code, out, err = run("lihat", nomor)
    assert code == 0 and "Lampiran" in out and "kk.png" in out


def test_periksa_catches_a_swapped_attachment(run: Runner, nomor: str, tmp_path):
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "a.pdf", PDF)))
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "b.png", PNG)))
    assert ok_json(run, "periksa")["masalah"] == []
    import hashlib

    pdf_hash = hashlib.sha256(PDF).hexdigest()
    before = dump_register()
    # The content swapped under its key ...
    query_register("UPDATE lampiran_isi SET isi = ? WHERE sha256 = ?", b"%PDF-1.4 palsu", pdf_hash)
    code, out, _ = run("periksa", "--json")
    assert code == 1 and "isi lampiran" in out
    # ... and taking it out refuses to hand over a file that is not the one attached.
    code, _, err = run("lampiran", "ambil", nomor, "1", "--keluaran", str(tmp_path / "x.pdf"))
    assert code == 1 and "SHA-256" in err and not (tmp_path / "x.pdf").exists()
    query_register("UPDATE lampiran_isi SET isi = ? WHERE sha256 = ?", PDF, pdf_hash)
    assert ok_json(run, "periksa")["masalah"] == []
    # An attachment pointed at another stored content (a consistent swap of hash and row).
    png_hash = hashlib.sha256(PNG).hexdigest()
    query_register("UPDATE lampiran SET sha256 = ?, ukuran = ? WHERE id = 1", png_hash, len(PNG))
    code, out, _ = run("periksa", "--json")
    assert code == 1 and "lampiran = riwayat" in out and nomor in out
    assert before is not None


def test_a_50_mb_file_is_refused_before_it_is_read(run: Runner, nomor: str, tmp_path):
    big = tmp_path / "pindaian.pdf"
    with big.open("wb") as handle:  # sparse: 50 MB that cost nothing to make
        handle.write(PDF)
        handle.truncate(50 * 1024 * 1024)
    before = dump_register()
    code, out, err = run("lampiran", "tambah", nomor, str(big))
    assert code == 1 and out == ""
    assert err.startswith("Ditolak: ") and err.count("\n") == 1
    assert "terlalu besar (50,0 MB; paling besar 20,0 MB" in err
    assert dump_register() == before
    # The office raises its cap: then it fits.
    ok_json(run, "kantor", "--lampiran-maks", "60")
    assert ok_json(run, "lampiran", "tambah", nomor, str(big))["ditambahkan"][0]["ukuran"] == (
        50 * 1024 * 1024
    )


def test_an_exe_renamed_pdf_is_refused_and_nothing_is_written(run: Runner, nomor: str, tmp_path):
    good = _file(tmp_path, "surat.pdf", PDF)
    evil = _file(tmp_path, "scan.pdf", EXE)
    before = dump_register()
    code, out, err = run("lampiran", "tambah", nomor, str(good), str(evil))
    assert code == 1 and out == ""
    assert err.startswith("Ditolak: Berkas ") and "scan.pdf" in err and "program" in err
    assert err.count("\n") == 1
    assert dump_register() == before  # one refused file refuses them all


def test_links_devices_and_folders_are_refused(run: Runner, nomor: str, tmp_path):
    real = _file(tmp_path, "asli.pdf", PDF)
    link = tmp_path / "tautan.pdf"
    link.symlink_to(real)
    code, _, err = run("lampiran", "tambah", nomor, str(link))
    assert code == 1 and "tautan simbolik" in err
    code, _, err = run("lampiran", "tambah", nomor, str(tmp_path))
    assert code == 1 and "bukan berkas biasa" in err
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipa.pdf"
        os.mkfifo(fifo)
        code, _, err = run("lampiran", "tambah", nomor, str(fifo))
        assert code == 1 and "bukan berkas biasa" in err
    code, _, err = run("lampiran", "tambah", nomor, str(tmp_path / "tidak-ada.pdf"))
    assert code == 1 and "tidak ada" in err
    code, _, err = run("lampiran", "tambah", "DS-2026-09999", str(real))
    assert code == 1 and "tidak ada di register" in err


def test_ambil_writes_the_file_privately_and_is_recorded(run: Runner, nomor: str, tmp_path):
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "kk.docx", DOCX)))
    target = tmp_path / "keluar" / "kk.docx"
    target.parent.mkdir()
    got = ok_json(run, "lampiran", "ambil", nomor, "1", "--keluaran", str(target))
    assert got["jenis"] == "docx" and target.read_bytes() == DOCX
    assert target.stat().st_mode & 0o077 == 0
    assert ok_json(run, "lihat", nomor)["riwayat"][-1]["aksi"] == "lampiran-ambil"
    code, _, err = run("lampiran", "ambil", nomor, "1", "--keluaran", str(target))
    assert code == 1 and "--timpa" in err
    ok_json(run, "lampiran", "ambil", nomor, "1", "--keluaran", str(target), "--timpa")
    link = tmp_path / "tautan.docx"
    link.symlink_to(tmp_path / "ke-mana-saja")
    code, _, err = run("lampiran", "ambil", nomor, "1", "--keluaran", str(link), "--timpa")
    assert code == 1 and "tautan simbolik" in err and not (tmp_path / "ke-mana-saja").exists()
    other = record(run, nama="Yohanes")["nomor"]
    code, _, err = run("lampiran", "ambil", other, "1", "--keluaran", str(tmp_path / "y"))
    assert code == 1 and "tidak punya lampiran #1" in err


def test_a_rahasia_cases_attachment_names_are_hidden(run: Runner, tmp_path):
    nomor = record(run, rahasia=True)["nomor"]
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "bukti-kekerasan.jpg", JPEG)))
    listed = ok_json(run, "lampiran", nomor)["lampiran"]
    assert listed[0]["nama"] == "(rahasia)" and listed[0]["jenis"] == "jpeg"
    view = ok_json(run, "lihat", nomor)
    assert "bukti-kekerasan" not in str(view)
    assert ok_json(run, "lihat", nomor, "--lengkap")["lampiran"][0]["nama"] == (
        "bukti-kekerasan.jpg"
    )


def test_attachments_stay_out_of_the_monev_workbook(run: Runner, nomor: str, tmp_path):
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "ktp-pelapor.png", PNG)))
    code, _, err = run("ekspor", "--bulan", "2026-11", "--keluaran", str(tmp_path / "m.xlsx"))
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "m.xlsx") as book:
        text = b"".join(book.read(n) for n in book.namelist())
    assert b"ktp-pelapor" not in text and b"\x89PNG" not in text


@pytest.mark.sqlite_only
def test_cadangan_carries_the_files(run: Runner, nomor: str, tmp_path):
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "a.pdf", PDF)))
    backup = tmp_path / "cadangan.db"
    code, _, err = run("cadangan", str(backup))
    assert code == 0, err
    out = tmp_path / "dari-cadangan.pdf"
    ok_json(run, "--db", str(backup), "lampiran", "ambil", nomor, "1", "--keluaran", str(out))
    assert out.read_bytes() == PDF
    assert ok_json(run, "--db", str(backup), "periksa")["masalah"] == []


def test_pindah_carries_the_files(run: Runner, nomor: str, tmp_path):
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "a.pdf", PDF)))
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "b.xlsx", XLSX)))
    target = tmp_path / "pindahan.db"
    moved = ok_json(run, "pindah", "--ke", str(target))
    assert moved["jumlah"]["lampiran"] == 2 and moved["jumlah"]["lampiran_isi"] == 2
    out = tmp_path / "b.xlsx.keluar"
    ok_json(run, "--db", str(target), "lampiran", "ambil", nomor, "2", "--keluaran", str(out))
    assert out.read_bytes() == XLSX
    assert ok_json(run, "--db", str(target), "periksa")["masalah"] == []


def test_pindah_to_postgresql_carries_the_files(run: Runner, nomor: str, tmp_path, pg_url):
    big = bytes(range(256)) * (3 * 4096) + PDF  # a few MB through bytea
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "a.txt", b"Kronologi\n")))
    ok_json(run, "lampiran", "tambah", nomor, str(_file(tmp_path, "b.pdf", b"%PDF-1.7\n" + big)))
    server = pg_url()
    assert ok_json(run, "pindah", "--ke", server)["jumlah"]["lampiran_isi"] == 2
    out = tmp_path / "b.pdf"
    out.unlink()
    ok_json(run, "--db", server, "lampiran", "ambil", nomor, "2", "--keluaran", str(out))
    assert out.read_bytes() == b"%PDF-1.7\n" + big
    assert ok_json(run, "--db", server, "periksa")["masalah"] == []


def test_erasing_a_cases_attachments_keeps_the_register_sound(run: Runner, tmp_path):
    """For `anonimkan`/`retensi`: attachments are personal data and go with the identity."""
    from datetime import datetime

    from lapor_cli.attachments import erase_attachments
    from lapor_cli.db import open_register
    from lapor_cli.handling import get_case

    first = record(run)["nomor"]
    second = record(run, nama="Yohanes")["nomor"]
    shared = _file(tmp_path, "a.pdf", PDF)
    ok_json(run, "lampiran", "tambah", first, str(shared), str(_file(tmp_path, "b.png", PNG)))
    ok_json(run, "lampiran", "tambah", second, str(shared))
    register = open_register(os.environ["LAPOR_DB"], write=True)
    try:
        with register.transaction(True) as session:
            case = get_case(session, first)
            removed = erase_attachments(
                session, case, now=datetime(2026, 11, 23, 11), petugas="uji", alasan="anonimkan"
            )
    finally:
        register.engine.dispose()
    assert removed == 2
    assert ok_json(run, "lampiran", first)["lampiran"] == []
    assert _count("lampiran") == 1 and _count("lampiran_isi") == 1  # the shared PDF stays
    assert ok_json(run, "periksa")["masalah"] == []
