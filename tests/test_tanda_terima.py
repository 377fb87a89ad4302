"""`lapor tanda-terima` (issue 21): the reporter's receipt slip — number, time received,
channel, one-line summary, deadline in words, how to ask — as a one-page PDF (its text read
back with pypdf) and as plain text; never the NIK, nothing of a rahasia case's content."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import HP, NIK, Runner, dump_register, ok_json, record

pypdf = pytest.importorskip("pypdf")


def pdf_text(path: Path) -> tuple[int, str]:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def kasus(run: Runner) -> str:
    ok_json(run, "kantor", "--nama", "Dinas Sosial Kota Kupang", "--kontak", "WA 0812-3900-1111")
    return record(
        run,
        kanal="sp4n-lapor",
        nomor_lapor="LAP2611230012",
        nama="Maria Bere",
        nik=NIK,
        hp=HP,
        uraian=f"Bantuan PKH tahap 4 belum cair, NIK saya {NIK}, HP {HP}",
        diterima="2026-11-20 09:15",
    )["nomor"]


def test_the_pdf_holds_the_number_the_deadline_and_no_nik(run: Runner, kasus: str, tmp_path):
    target = tmp_path / "tt.pdf"
    code, out, err = run("tanda-terima", kasus, "--keluaran", str(target))
    assert code == 0, err
    assert out == "" and str(target) in err
    assert target.stat().st_mode & 0o077 == 0
    pages, text = pdf_text(target)
    flat = " ".join(text.split())
    assert pages == 1
    assert kasus in flat and "LAP2611230012" in flat
    assert "TANDA TERIMA PENGADUAN" in flat and "Dinas Sosial Kota Kupang" in flat
    # received Friday 20 Nov 09:15; kemensos: 3 working days → Wednesday 25 November 2026
    assert "paling lambat Rabu, 25 November 2026" in flat
    assert "Jumat, 20 November 2026 09:15" in flat and "SP4N-LAPOR!" in flat
    assert "WA 0812-3900-1111" in flat and "Maria Bere" in flat
    assert NIK not in flat.replace(" ", "") and "812345" not in flat.replace(" ", "")
    assert "Bantuan PKH tahap 4 belum cair" in flat
    entry = ok_json(run, "lihat", kasus)["riwayat"][-1]
    assert entry["aksi"] == "tanda-terima" and entry["data"] == {"format": "pdf"}


def test_default_name_a4_and_no_overwrite_without_timpa(
    run: Runner, kasus: str, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    ok_json(run, "tanda-terima", kasus, "--kertas", "a4")
    made = tmp_path / f"tanda-terima-{kasus}.pdf"
    first = made.read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(first))
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4 in points
    before = dump_register()
    code, out, err = run("tanda-terima", kasus)
    assert code == 1 and out == "" and "--timpa" in err and err.count("\n") == 1
    assert dump_register() == before and made.read_bytes() == first
    ok_json(run, "tanda-terima", kasus, "--timpa")
    code, _, err = run("tanda-terima", kasus, "--kertas", "letter")
    assert code == 1 and "a5, a4" in err


def test_plain_text_for_a_thermal_printer(run: Runner, kasus: str):
    code, out, err = run("tanda-terima", kasus, "--teks", "--lebar", "32")
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(line) for line in lines) <= 32
    flat = " ".join(out.split())
    assert kasus in flat and "paling lambat Rabu, 25 November 2026" in flat
    assert NIK not in out and "Maria Bere" in out
    assert ok_json(run, "lihat", kasus)["riwayat"][-1]["data"] == {"format": "teks"}
    doc = ok_json(run, "tanda-terima", kasus, "--teks")
    assert doc["nomor"] == kasus and doc["berkas"] is None and kasus in doc["teks"]
    assert doc["batas_waktu"] == "paling lambat Rabu, 25 November 2026"


def test_a_rahasia_case_shows_neither_content_nor_name(run: Runner, tmp_path):
    nomor = record(run, rahasia=True, nama="Yohana", uraian="Kekerasan dalam rumah tangga")["nomor"]
    target = tmp_path / "r.pdf"
    ok_json(run, "tanda-terima", nomor, "--keluaran", str(target))
    _, text = pdf_text(target)
    assert nomor in text and "Kekerasan" not in text and "Yohana" not in text
    assert "dirahasiakan" in text


def test_an_anonim_case_names_no_one(run: Runner, tmp_path):
    nomor = record(run, anonim=True, uraian="Pungutan liar penyaluran BPNT")["nomor"]
    doc = ok_json(run, "tanda-terima", nomor, "--teks")
    assert doc["pelapor"] == "Anonim" and "Pungutan liar" in doc["teks"]


def test_text_outside_latin1_does_not_break_the_pdf(run: Runner, tmp_path):
    nomor = record(run, nama="Ngurah Ṛṣi", uraian="Bantuan “PKH” — belum cair… 😟")["nomor"]
    target = tmp_path / "u.pdf"
    ok_json(run, "tanda-terima", nomor, "--keluaran", str(target))
    _, text = pdf_text(target)
    assert "Ngurah Rsi" in text and '"PKH" - belum cair...' in text


def test_unknown_case_is_refused_and_nothing_is_written(run: Runner, tmp_path):
    record(run)
    before = dump_register()
    target = tmp_path / "x.pdf"
    code, out, err = run("tanda-terima", "DS-2026-00099", "--keluaran", str(target))
    assert code == 1 and out == "" and err.startswith("Ditolak: ") and err.count("\n") == 1
    assert not target.exists() and dump_register() == before


def test_a_slip_of_another_desks_case_names_that_desk(run: Runner, tmp_path):
    ok_json(run, "kantor", "--nama", "Dinas Sosial Provinsi NTT")
    ok_json(run, "meja", "tambah", "kupang", "--nama", "Meja Kota Kupang", "--prefiks", "KPG")
    nomor = record(run, meja="kupang")["nomor"]
    doc = ok_json(run, "tanda-terima", nomor, "--teks")
    assert nomor.startswith("KPG-") and doc["meja"] == "Meja Kota Kupang"
    assert doc["kantor"] == "Dinas Sosial Provinsi NTT"
