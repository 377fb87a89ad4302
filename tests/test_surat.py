"""`lapor surat` (issue 21): a letter to the reporter from the case's own data — the answer,
the referral with its letter number, or why the case was archived — on the office's editable
template, as PDF (text read back with pypdf) and as DOCX (read back with python-docx)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from conftest import NIK, Runner, dump_register, ok_json, record

pypdf = pytest.importorskip("pypdf")


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    assert len(reader.pages) == 1
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return " ".join(" ".join(texts).split())


def _step(run: Runner, *args: str) -> None:
    code, _, err = run(*args)
    assert code == 0, err


@pytest.fixture
def closed(run: Runner) -> str:
    ok_json(run, "kantor", "--nama", "Dinas Sosial Kota Kupang", "--kontak", "WA 0812-3900-1111")
    nomor = record(
        run,
        nama="Maria Bere",
        nik=NIK,
        alamat="Jl. Timor Raya 12, Oesapa",
        uraian=f"PKH tahap 4 belum cair (NIK {NIK})",
        diterima="2026-11-20 09:15",
    )["nomor"]
    _step(run, "verifikasi", nomor, "--kategori", "PKH", "--kewenangan")
    _step(run, "distribusi", nomor, "--unit", "linjamsos")
    _step(run, "tindaklanjut", nomor, "--catatan", "Cek rekening KKS")
    _step(run, "tutup", nomor, "--hasil", f"Dana PKH tahap 4 sudah cair ke rekening NIK {NIK}.")
    return nomor


def test_answer_letter_as_pdf_and_docx(run: Runner, closed: str, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    doc = ok_json(run, "surat", closed, "--jenis", "jawaban", "--nomor-surat", "460/12/DS/2026")
    pdf, word = tmp_path / f"surat-jawaban-{closed}.pdf", tmp_path / f"surat-jawaban-{closed}.docx"
    assert doc["berkas"] == [pdf.name, word.name]
    for path in (pdf, word):
        assert path.stat().st_mode & 0o077 == 0
        text = pdf_text(path) if path.suffix == ".pdf" else docx_text(path)
        assert closed in text and "Dinas Sosial Kota Kupang" in text
        assert "Dana PKH tahap 4 sudah cair" in text and "460/12/DS/2026" in text
        assert "Maria Bere" in text and "Jl. Timor Raya 12" in text
        assert "20 November 2026" in text and "23 November 2026" in text  # received, dated
        assert NIK not in text.replace(" ", "")
    entry = ok_json(run, "lihat", closed)["riwayat"][-1]
    assert entry["aksi"] == "surat" and entry["data"]["jenis"] == "jawaban"
    assert entry["data"]["format"] == ["pdf", "docx"]


def test_referral_letter_names_the_agency_and_its_letter(run: Runner, tmp_path):
    nomor = record(run, nama="Yohanes", uraian="Sengketa tanah warisan")["nomor"]
    _step(
        run,
        "verifikasi",
        nomor,
        "--kategori",
        "LAINNYA",
        "--bukan-kewenangan",
        "--alasan",
        "Sengketa tanah adalah kewenangan pertanahan",
        "--dirujuk-ke",
        "Kantor Pertanahan Kota Kupang",
        "--nomor-surat",
        "005/77/DS/XI/2026",
    )
    target = tmp_path / "rujukan.pdf"
    ok_json(run, "surat", nomor, "--jenis", "rujukan", "--keluaran", str(target))
    text = pdf_text(target)
    assert "Kantor Pertanahan Kota Kupang" in text and "005/77/DS/XI/2026" in text
    assert nomor in text and "Sengketa tanah adalah kewenangan pertanahan" in text
    archive = tmp_path / "arsip.docx"
    ok_json(run, "surat", nomor, "--jenis", "arsip", "--keluaran", str(archive))
    assert "kami arsipkan" in docx_text(archive)
    code, _, err = run("surat", nomor, "--jenis", "jawaban", "--keluaran", str(tmp_path / "j.pdf"))
    assert code == 1 and "--jenis arsip" in err


def test_a_kind_that_does_not_fit_is_refused_and_nothing_is_written(run: Runner, tmp_path):
    nomor = record(run)["nomor"]
    before = dump_register()
    for jenis, said in (
        ("jawaban", "belum punya jawaban"),
        ("rujukan", "tidak diarsipkan"),
        ("arsip", "tidak diarsipkan"),
        ("teguran", "Pilihan: jawaban, rujukan, arsip"),
    ):
        target = tmp_path / f"{jenis}.pdf"
        code, out, err = run("surat", nomor, "--jenis", jenis, "--keluaran", str(target))
        assert code == 1 and out == "" and said in err, err
        assert err.startswith("Ditolak: ") and err.count("\n") == 1
        assert not target.exists()
    code, _, err = run("surat", nomor, "--jenis", "jawaban", "--keluaran", str(tmp_path / "x.odt"))
    assert code == 1 and ".pdf atau .docx" in err
    assert dump_register() == before


def test_archived_without_referral_has_no_referral_letter(run: Runner, tmp_path):
    nomor = record(run)["nomor"]
    _step(run, "verifikasi", nomor, "--kategori", "DTKS", "--bukan-kewenangan", "--alasan", "x")
    code, _, err = run("surat", nomor, "--jenis", "rujukan", "--keluaran", str(tmp_path / "r.pdf"))
    assert code == 1 and "tanpa rujukan" in err


def test_the_office_template_wins(run: Runner, closed: str, tmp_path, monkeypatch):
    from lapor_cli.resources import shipped_data_dir

    office = tmp_path / "data-kantor"
    office.mkdir()
    text = (shipped_data_dir() / "surat.toml").read_text(encoding="utf-8")
    text = text.replace('tempat = ""', 'tempat = "Kupang"').replace(
        '"(nama penandatangan)"', '"Drs. Yosef Lede, M.Si."'
    )
    (office / "surat.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("LAPOR_DATA", str(office))
    target = tmp_path / "s.pdf"
    ok_json(run, "surat", closed, "--jenis", "jawaban", "--keluaran", str(target))
    assert "Kupang, 23 November 2026" in pdf_text(target)
    assert "Drs. Yosef Lede, M.Si." in pdf_text(target)
    (office / "surat.toml").write_text(text.replace("{hasil}", "{isi_rahasia}"), "utf-8")
    before = dump_register()
    code, _, err = run("surat", closed, "--jenis", "jawaban", "--keluaran", str(tmp_path / "t.pdf"))
    assert code == 1 and "{isi_rahasia} tidak dikenal" in err and str(office) in err
    assert dump_register() == before and not (tmp_path / "t.pdf").exists()


def test_an_anonim_reporter_is_addressed_without_a_name(run: Runner, tmp_path):
    nomor = record(run, anonim=True, uraian="Pungli BPNT")["nomor"]
    _step(run, "verifikasi", nomor, "--kategori", "BPNT", "--kewenangan")
    _step(run, "distribusi", nomor, "--jawaban-normatif", "Penyaluran BPNT tanpa biaya apa pun.")
    target = tmp_path / "a.docx"
    ok_json(run, "surat", nomor, "--jenis", "jawaban", "--keluaran", str(target))
    text = docx_text(target)
    assert "Sdr. Pelapor" in text and "Penyaluran BPNT tanpa biaya" in text
