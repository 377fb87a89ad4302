"""`lapor impor`: CSV and XLSX in, every bad row named, all or nothing, nothing twice."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from conftest import dump_register, query_register
from lapor_cli.cli import app
from lapor_cli.history import verify_chain
from lapor_cli.importing import COLUMNS, checks, run

runner = CliRunner()

HEADER = ["nomor_formulir", "diterima", "kanal", "jenis", "uraian", "nama", "nik", "hp", "anonim"]


@pytest.fixture(autouse=True)
def _officer(monkeypatch):
    """conftest isolates the register, the clock and the width; imports here are by one desk."""
    monkeypatch.setenv("LAPOR_PETUGAS", "meja-impor")


@pytest.fixture(autouse=True, params=["kecil", "besar"])
def way(request, monkeypatch) -> str:
    """Every test runs both ways `impor` goes: a small file is checked, then written; a large
    one (``PARALLEL_FROM_BYTES`` and up) is checked in a second process while this one
    writes. Here "besar" makes every file large."""
    if request.param == "besar":
        monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    return request.param


def form(i: int, **changes: str) -> dict[str, str]:
    row = {
        "nomor_formulir": f"F-{i:05d}",
        "diterima": "2026-11-20 09:15",
        "kanal": "surat",
        "jenis": "aduan",
        "uraian": f"Bantuan PKH belum cair (formulir {i})",
        "nama": f"Pelapor {i}",
        "nik": "3171014101900001",
        "hp": "0812-3456-7890",
        "anonim": "tidak",
    }
    row.update(changes)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    *,
    header: list[str] | None = None,
    delimiter: str = ",",
    bom: bool = False,
) -> Path:
    header = header or HEADER
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(column_name(h), "") for h in header])
    return path


def column_name(header: str) -> str:
    return "_".join(header.replace("-", " ").split()).lower()


def impor(*args: str):
    return runner.invoke(app, ["impor", *map(str, args)])


def impor_json(*args: str) -> tuple[int, dict]:
    result = impor(*args, "--json")
    return result.exit_code, json.loads(result.stdout)


def db_path() -> Path:
    return Path(os.environ["LAPOR_DB"])


query = query_register


def case_count() -> int:
    if dump_register() is None:
        return 0
    return query("SELECT count(*) FROM kasus")[0][0]


def dump() -> str | None:
    return dump_register()


def catat(*extra: str) -> str:
    result = runner.invoke(
        app,
        [
            "catat",
            "--kanal",
            "whatsapp",
            "--jenis",
            "aduan",
            "--uraian",
            "Dicatat langsung di meja",
            "--nama",
            "Pelapor Meja",
            "--json",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["nomor"]


def chain_breaks() -> list:
    head = query("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'")[0][0]
    rows = query(
        """SELECT r.id, k.nomor, r.waktu, r.oleh, r.aksi, r.dari_status, r.ke_status,
                  r.catatan, r.data, r.hash_sebelum, r.hash, r.keadaan, r.dicatat
           FROM riwayat r JOIN kasus k ON k.id = r.kasus_id ORDER BY r.id"""
    )
    keys = ("id", "nomor", "waktu", "oleh", "aksi", "dari_status", "ke_status", "catatan")
    entries = [
        {
            **dict(zip(keys, r[:8], strict=True)),
            "waktu": datetime.fromisoformat(r[2]),
            "data": json.loads(r[8]),
            "hash_sebelum": r[9],
            "hash": r[10],
            "keadaan": r[11],
            "dicatat": r[12] and datetime.fromisoformat(r[12]),
        }
        for r in rows
    ]
    return verify_chain(entries, head)


# ---------------------------------------------------------------- reading


def test_csv_with_commas(tmp_path):
    path = write_csv(tmp_path / "koma.csv", [form(1), form(2), form(3)])
    result = impor(path)
    assert result.exit_code == 0, result.stderr
    assert "Diimpor: 3 kasus (DS-2026-00001 s.d. DS-2026-00003)" in result.stdout
    assert result.stderr == ""
    rows = query("SELECT nomor, nomor_formulir, nik, hp, petugas FROM kasus ORDER BY id")
    assert rows[0] == (
        "DS-2026-00001",
        "F-00001",
        "3171014101900001",
        "+6281234567890",
        "meja-impor",
    )
    assert [r[1] for r in rows] == ["F-00001", "F-00002", "F-00003"]


def test_csv_with_semicolons_and_bom(tmp_path):
    path = write_csv(tmp_path / "excel.csv", [form(1), form(2)], delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    code, doc = impor_json(path)
    assert code == 0
    assert doc["diimpor"] == 2 and doc["galat"] == []
    assert query("SELECT nomor_formulir FROM kasus ORDER BY id") == [("F-00001",), ("F-00002",)]


def test_commas_inside_text_do_not_confuse_a_semicolon_file(tmp_path):
    row = form(1, uraian="Bansos, PKH, dan BPNT; semuanya belum cair", alamat="Jl. A, No. 1")
    path = write_csv(tmp_path / "a.csv", [row], header=[*HEADER, "alamat"], delimiter=";")
    code, doc = impor_json(path)
    assert code == 0, doc
    assert query("SELECT uraian, alamat FROM kasus") == [(row["uraian"], row["alamat"])]


def test_header_names_ignore_case_and_spaces(tmp_path):
    header = [
        " Nomor Formulir ",
        "DITERIMA",
        "Kanal ",
        " jenis",
        "Uraian",
        "NAMA",
        "nik",
        "HP",
        "Anonim",
        "nomor-lapor",
    ]
    rows = [form(1, nomor_lapor="LAPOR-123")]
    path = write_csv(tmp_path / "judul.csv", rows, header=header)
    code, doc = impor_json(path)
    assert code == 0, doc
    assert query("SELECT nomor_formulir, nomor_lapor FROM kasus") == [("F-00001", "LAPOR-123")]


def test_xlsx_with_real_dates_numbers_and_text(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(HEADER + ["rahasia", "kk"])
    ws.append(
        [
            "F-1",
            datetime(2026, 11, 20, 9, 15),
            "surat",
            "aduan",
            "Formulir dari Excel",
            "Siti",
            3171014101900001,  # typed as a number
            812345678,  # a phone typed as a number: its leading 0 is gone
            False,
            "ya",
            "3171010101090001",
        ]
    )
    ws.append(["F-2", "23/11/2026", "Kotak Saran", "Aspirasi", "x", None, None, None, "ya", 0])
    ws.append(["F-3", "2026-11-21", "wa", "aduan", None, "Ani"])
    ws["E4"].value = "=SUM(A1)"
    ws["E4"].data_type = "s"  # text that looks like a formula, as a typist would enter it
    path = tmp_path / "formulir.xlsx"
    book.save(path)

    result = impor(path)
    assert result.exit_code == 0, result.stdout + result.stderr
    rows = query(
        "SELECT nomor_formulir, diterima, kanal, jenis, nik, hp, anonim, rahasia, kk, uraian "
        "FROM kasus ORDER BY id"
    )
    assert rows[0] == (
        "F-1",
        "2026-11-20 09:15:00.000000",
        "surat",
        "aduan",
        "3171014101900001",
        "+62812345678",
        0,
        1,
        "3171010101090001",
        "Formulir dari Excel",
    )
    assert rows[1][:4] == ("F-2", "2026-11-23 00:00:00.000000", "kotak-saran", "aspirasi")
    assert rows[1][6] == 1
    assert rows[2][9] == "=SUM(A1)"
    # a NIK that Excel kept as a number may have lost its 16th digit: the officer is told
    assert "tersimpan sebagai angka" in result.stderr and "baris 2" in result.stderr


def test_values_that_look_like_markup_are_shown_as_they_are(tmp_path):
    rows = [form(1, nik="[bold]x[/]"), form(2, kanal="[/]")]
    result = impor(write_csv(tmp_path / "markup.csv", rows))
    assert result.exit_code == 1
    assert "[bold]x[/]" in result.stdout and "'[/]'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_formula_looking_text_is_stored_exactly(tmp_path):
    texts = ["=SUM(A1)", "+62 812 minta info", "-1 bantuan", "@admin tolong", '=HYPERLINK("x")']
    rows = [form(i, uraian=t) for i, t in enumerate(texts)]
    code, doc = impor_json(write_csv(tmp_path / "rumus.csv", rows))
    assert code == 0, doc
    assert [r[0] for r in query("SELECT uraian FROM kasus ORDER BY id")] == texts


def test_empty_rows_are_skipped_but_counted_in_row_numbers(tmp_path):
    path = tmp_path / "kosong.csv"
    good = ",".join(form(1)[h] for h in HEADER)
    bad = ",".join(form(2, nik="123")[h] for h in HEADER)
    path.write_text(",".join(HEADER) + "\n" + good + "\n\n,,,,,,,,\n" + bad + "\n", "utf-8")
    code, doc = impor_json(path)
    assert code == 1
    assert [(e["baris"], e["kolom"]) for e in doc["galat"]] == [(5, "nik")]


# ---------------------------------------------------------------- refusals


def test_unknown_columns_are_refused_by_name(tmp_path):
    header = [*HEADER, "keterangan", "petugas"]
    code, doc = impor_json(write_csv(tmp_path / "asing.csv", [form(1)], header=header))
    assert code == 1
    named = {(e["baris"], e["kolom"]) for e in doc["galat"]}
    assert named == {(1, "keterangan"), (1, "petugas")}
    assert all("tidak dikenal" in e["pesan"] for e in doc["galat"])
    # not the whole list of columns: the template is named instead
    assert all("nomor_formulir, diterima" not in e["pesan"] for e in doc["galat"])
    assert all("--templat" in e["pesan"] for e in doc["galat"])
    result = impor(tmp_path / "asing.csv")
    assert result.exit_code == 1
    assert "Ditolak: judul kolom (baris 1) bermasalah: Kolom 'keterangan'" in result.stderr
    assert "Traceback" not in result.stderr
    assert dump_register() is None  # a refused import does not even create the register


def test_missing_required_column_is_named(tmp_path):
    header = [h for h in HEADER if h != "diterima"]
    code, doc = impor_json(write_csv(tmp_path / "tanpa.csv", [form(1)], header=header))
    assert code == 1
    assert [(e["baris"], e["kolom"]) for e in doc["galat"]] == [(1, "diterima")]


def test_every_bad_row_is_reported_at_once(tmp_path):
    rows = [form(i) for i in range(1, 301)]
    rows[15]["nik"] = "3171014101900"  # spreadsheet row 17
    rows[247]["diterima"] = ""  # row 249: a paper form always has its date
    rows[247]["kanal"] = "merpati"  # and a second problem in the same row
    path = write_csv(tmp_path / "dua-salah.csv", rows)

    code, doc = impor_json(path)
    assert code == 1
    assert doc["diimpor"] == 0
    assert [(e["baris"], e["kolom"]) for e in doc["galat"]] == [
        (17, "nik"),
        (249, "diterima"),  # in the file's column order
        (249, "kanal"),
    ]
    nik = doc["galat"][0]
    assert nik["nilai"] == "3171014101900" and "16 digit" in nik["pesan"]
    assert "wajib diisi" in doc["galat"][1]["pesan"]

    result = impor(path)
    assert result.exit_code == 1
    assert "Ditolak: 2 baris bermasalah (baris 17, 249)" in result.stderr
    assert result.stderr.count("\n") == 1  # one line
    for text in ("17", "249", "nik", "kanal", "merpati", "3171014101900"):
        assert text in result.stdout  # the table
    assert dump_register() is None


def test_only_the_first_bad_rows_are_listed_and_the_others_counted(tmp_path, monkeypatch):
    """Bug: every bad row's problems stayed in memory (1.16 million bad rows: 737 MB). Now
    the first ``MAX_LISTED_ROWS`` are listed and the others counted, and the output says so."""
    monkeypatch.setattr(checks, "MAX_LISTED_ROWS", 5, raising=False)  # (new)
    rows = [form(i, kanal="merpati") for i in range(1, 41)]
    rows[2]["nik"] = "123"  # two problems in one listed row
    path = write_csv(tmp_path / "salah-semua.csv", rows)

    code, doc = impor_json(path)
    assert code == 1
    assert sorted({e["baris"] for e in doc["galat"]}) == [2, 3, 4, 5, 6]
    assert len(doc["galat"]) == 6
    assert doc["baris_bermasalah"] == 40 and doc["baris_bermasalah_lainnya"] == 35

    result = impor(path)
    assert result.exit_code == 1
    assert result.stderr == (
        "Ditolak: 40 baris bermasalah (baris 2, 3, 4, 5, 6, …); tidak ada yang ditulis. "
        "Perbaiki berkasnya lalu impor lagi (periksa dulu dengan --uji).\n"
    )
    assert "… dan 35 baris bermasalah lainnya (dirinci hanya 5 baris bermasalah pertama" in (
        result.stdout
    )
    assert dump_register() is None


def test_a_row_full_of_cells_under_no_header_is_a_few_problems(tmp_path):
    """A line of a hundred stray cells names three of them and counts the rest."""
    path = tmp_path / "lebar.csv"
    good = ",".join(form(1)[h] for h in HEADER)
    path.write_text(",".join(HEADER) + "\n" + good + ",x" * 100 + "\n", "utf-8")
    code, doc = impor_json(path)
    assert code == 1
    stray = [e for e in doc["galat"] if e["kolom"] is None]
    assert [e["nilai"] for e in stray] == ["x", "x", "x", None]
    assert "kolom J" in stray[0]["pesan"] and "kolom L" in stray[2]["pesan"]
    assert stray[3]["pesan"].startswith("… dan 97 isian lain di kolom tanpa judul")


def test_a_csv_line_of_more_than_a_million_characters_is_refused_unread(tmp_path):
    """Bug: a line was read whole, however long: a file of one line of commas made a list of
    millions of cells and as many problems."""
    path = tmp_path / "satu-baris.csv"
    good = ",".join(form(1)[h] for h in HEADER)
    path.write_text(",".join(HEADER) + "\n" + good + "\n" + "a," * 600_000, "utf-8")
    result = impor(path)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "Ditolak: satu-baris.csv: baris 3 lebih dari 1.048.576 karakter (batas impor; satu "
        "formulir hanya beberapa ribu). Periksa tanda kutip dan akhir barisnya, atau simpan "
        "ulang sebagai CSV dari Excel.\n"
    )
    assert dump_register() is None
    # A long line within the limit is read (and its long uraian refused by the check).
    path.write_text(
        ",".join(HEADER) + "\n" + good.replace("Bantuan PKH", "x" * 100_000) + "\n", "utf-8"
    )
    code, doc = impor_json(path)
    assert code == 1 and doc["galat"][0]["kolom"] == "uraian"


def test_nothing_is_written_when_one_row_is_bad(tmp_path):
    catat()
    before = dump()
    rows = [form(1), form(2), form(3, email="bukan-email")]
    result = impor(write_csv(tmp_path / "x.csv", rows, header=[*HEADER, "email"]))
    assert result.exit_code == 1
    assert "Ditolak: 1 baris bermasalah (baris 4)" in result.stderr
    assert dump() == before


def test_uji_checks_and_writes_nothing(tmp_path):
    catat()
    before = dump()
    path = write_csv(tmp_path / "uji.csv", [form(1), form(2), form(2)])
    result = impor(path, "--uji")
    assert result.exit_code == 0, result.stderr
    assert (
        "Uji saja, tidak ada yang ditulis: 3 baris sah; 2 akan diimpor; 1 baris dilewati"
        in result.stdout
    )
    code, doc = impor_json(path, "--uji")
    assert (code, doc["uji"], doc["diimpor"], doc["dilewati"]) == (0, True, 2, 1)
    assert dump() == before
    bad = write_csv(tmp_path / "uji-salah.csv", [form(1, jenis="protes")])
    code, doc = impor_json(bad, "--uji")
    assert code == 1 and doc["galat"][0]["kolom"] == "jenis"
    assert dump() == before


def test_uji_on_a_new_register_creates_nothing(tmp_path):
    code, doc = impor_json(write_csv(tmp_path / "a.csv", [form(1)]), "--uji")
    assert (code, doc["diimpor"]) == (0, 1)
    assert dump_register() is None


def test_not_utf8_and_missing_files_are_refused_clearly(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes(
        ",".join(HEADER).encode() + "\nF-1,2026-11-20,surat,aduan,Caf\xe9".encode("cp1252")
    )
    result = impor(latin)
    assert result.exit_code == 1
    assert "bukan teks UTF-8" in result.stderr and "CSV UTF-8" in result.stderr
    result = impor(tmp_path / "tidak-ada.csv")
    assert result.exit_code == 1 and "tidak ada" in result.stderr
    assert "Traceback" not in result.stderr


def test_usage_errors_exit_2(tmp_path):
    assert impor().exit_code == 2
    assert impor(tmp_path / "a.csv", "--templat", tmp_path / "t.xlsx").exit_code == 2


# ---------------------------------------------------------------- nothing twice


def test_importing_the_same_file_again_adds_nothing(tmp_path):
    rows = [form(1), form(2), form(3, nomor_formulir=""), form(4, nomor_formulir="")]
    path = write_csv(tmp_path / "sama.csv", rows)
    assert impor_json(path) == (0, impor_json_expected(4, 0))
    code, doc = impor_json(path)
    assert (code, doc["diimpor"], doc["dilewati"]) == (0, 0, 4)
    result = impor(path)
    assert "Tidak ada kasus baru; 4 baris dilewati" in result.stdout
    assert case_count() == 4


def test_6000_forms_one_bad_then_fixed_then_again(tmp_path):
    # Three chunks of the check: a bad row in the third refuses the whole file (the writer
    # has written the first two by then, the large way) and nothing stays; the fixed file
    # goes in whole, the chain verifies; the same file again adds nothing.
    catat()
    before = dump()
    rows = [form(i, nik="", hp="") for i in range(1, 6_001)]
    rows[4_499]["jenis"] = "protes"
    code, doc = impor_json(write_csv(tmp_path / "salah.csv", rows))
    assert code == 1 and [(e["baris"], e["kolom"]) for e in doc["galat"]] == [(4_501, "jenis")]
    assert dump() == before
    rows[4_499]["jenis"] = "aduan"
    fixed = write_csv(tmp_path / "benar.csv", rows)
    code, doc = impor_json(fixed)
    assert (code, doc["diimpor"], doc["nomor_awal"], doc["nomor_akhir"]) == (
        0,
        6_000,
        "DS-2026-00002",
        "DS-2026-06001",
    )
    assert chain_breaks() == []
    code, doc = impor_json(fixed)
    assert (code, doc["diimpor"], doc["dilewati"]) == (0, 0, 6_000)
    assert case_count() == 6_001


def impor_json_expected(diimpor: int, dilewati: int) -> dict:
    return {
        "diimpor": diimpor,
        "dilewati": dilewati,
        "diperbarui": 0,
        "nomor_diperbarui": [],
        "galat": [],
        "baris_bermasalah": 0,
        "baris_bermasalah_lainnya": 0,
        "peringatan": [],
        "baris": diimpor + dilewati,
        "uji": False,
        "nomor_awal": "DS-2026-00001",
        "nomor_akhir": f"DS-2026-{diimpor:05d}",
    }


def test_overlapping_files(tmp_path):
    first = [form(i) for i in range(1, 6)] + [form(90, nomor_formulir="", uraian="tanpa nomor")]
    second = [form(i) for i in range(4, 9)] + [form(90, nomor_formulir="", uraian="tanpa nomor")]
    assert impor_json(write_csv(tmp_path / "a.csv", first))[1]["diimpor"] == 6
    code, doc = impor_json(write_csv(tmp_path / "b.csv", second))
    assert (code, doc["diimpor"], doc["dilewati"]) == (0, 3, 3)
    assert (doc["nomor_awal"], doc["nomor_akhir"]) == ("DS-2026-00007", "DS-2026-00009")
    formulir = [r[0] for r in query("SELECT nomor_formulir FROM kasus WHERE nomor_formulir > ''")]
    assert sorted(formulir) == [f"F-{i:05d}" for i in range(1, 9)]


def test_duplicates_inside_one_file(tmp_path):
    rows = [
        form(1),
        form(1),  # the same form typed twice
        form(2, nomor_formulir=""),
        form(2, nomor_formulir=""),  # the same content without a form number
        form(3),
    ]
    code, doc = impor_json(write_csv(tmp_path / "ganda.csv", rows))
    assert (code, doc["diimpor"], doc["dilewati"]) == (0, 3, 2)


def test_a_form_and_its_unnumbered_copy_in_later_chunks_both_go_in(tmp_path, monkeypatch):
    # Bug (found in review): checked while writing, a later chunk was looked up against the
    # cases earlier chunks had just written, so an unnumbered row with the content of a
    # numbered one was skipped as "already there"; checked first, it was written. Both ways
    # now look up only the cases that were there before the import.
    monkeypatch.setattr(checks, "BATCH", 2)
    rows = [form(1), form(2), form(3), form(1, nomor_formulir=""), form(4)]
    code, doc = impor_json(write_csv(tmp_path / "salinan.csv", rows))
    assert (code, doc["diimpor"], doc["dilewati"]) == (0, 5, 0), doc
    code, doc = impor_json(write_csv(tmp_path / "salinan.csv", rows))
    assert (code, doc["diimpor"], doc["dilewati"]) == (0, 0, 5), doc


def test_one_form_number_with_two_contents_is_an_error(tmp_path):
    rows = [form(1), form(2), form(1, uraian="isi lain")]
    code, doc = impor_json(write_csv(tmp_path / "bentrok.csv", rows))
    assert code == 1
    assert [(e["baris"], e["kolom"]) for e in doc["galat"]] == [(4, "nomor_formulir")]
    assert "baris 2" in doc["galat"][0]["pesan"]


def test_a_form_number_already_registered_with_other_content_is_skipped_with_a_warning(
    tmp_path,
):
    impor_json(write_csv(tmp_path / "a.csv", [form(1)]))
    code, doc = impor_json(write_csv(tmp_path / "b.csv", [form(1, uraian="diketik ulang")]))
    assert (code, doc["diimpor"], doc["dilewati"]) == (0, 0, 1)
    assert "DS-2026-00001" in doc["peringatan"][0]
    # it says the row was skipped and the case was not updated
    assert doc["peringatan"][0].startswith("1 baris dilewati: nomor formulirnya sudah ada")
    assert "Kasus itu tidak diperbarui" in doc["peringatan"][0]
    assert query("SELECT uraian FROM kasus") == [(form(1)["uraian"],)]
    result = impor(tmp_path / "b.csv")
    assert "tidak diperbarui" in " ".join(result.stderr.split())


# ---------------------------------------------------------------- slips caught at the door


def test_old_receipt_dates_need_lama_for_the_whole_file(tmp_path):
    rows = [
        form(1),
        form(2, diterima="2025-11-20 09:15"),  # 2025 typed for 2026
        form(3, diterima="01/10/2026"),  # 53 days ago
    ]
    path = write_csv(tmp_path / "lama.csv", rows)
    code, doc = impor_json(path)
    assert code == 1 and doc["diimpor"] == 0
    assert [(e["baris"], e["kolom"]) for e in doc["galat"]] == [(3, "diterima"), (4, "diterima")]
    first, second = (e["pesan"] for e in doc["galat"])
    assert first.startswith("Tanggal diterima Kamis, 20 November 2025 09:15 jatuh di tahun 2025")
    assert "sudah 53 hari yang lalu" in second
    for message in (first, second):
        assert message.endswith("impor lagi dengan --lama (berlaku untuk seluruh berkas).")
    result = impor(path)
    assert result.exit_code == 1
    assert result.stderr.startswith("Ditolak: 2 baris bermasalah (baris 3, 4)")
    assert "--lama" in result.stdout
    assert dump_register() is None  # refused: not even a register
    code, doc = impor_json(path, "--lama", "--uji")
    assert (code, doc["diimpor"], doc["galat"]) == (0, 3, [])
    assert dump_register() is None
    code, doc = impor_json(path, "--lama")
    assert (code, doc["diimpor"]) == (0, 3)
    assert query("SELECT diterima FROM kasus ORDER BY id") == [
        ("2026-11-20 09:15:00.000000",),
        ("2025-11-20 09:15:00.000000",),
        ("2026-10-01 00:00:00.000000",),
    ]


def test_dates_as_desks_write_them(tmp_path):
    written = {
        "20-11-2026": "2026-11-20 00:00",
        "20.11.2026 09.15": "2026-11-20 09:15",
        "20 November 2026": "2026-11-20 00:00",
        "20 Nov 2026 14:05": "2026-11-20 14:05",
        "Jumat, 20 Nov 2026": "2026-11-20 00:00",
        "hari ini": "2026-11-23 00:00",  # the office clock (conftest: 2026-11-23 10:00)
        "kemarin 16.30": "2026-11-22 16:30",
        "46346": "2026-11-20 00:00",  # an Excel date serial in a CSV column
        "46346.5": "2026-11-20 12:00",
        "2026-11-20": "2026-11-20 00:00",  # as before
        "2026-11-20 14:05": "2026-11-20 14:05",
        "20/11/2026": "2026-11-20 00:00",
    }
    rows = [form(i, diterima=typed) for i, typed in enumerate(written, start=1)]
    code, doc = impor_json(write_csv(tmp_path / "tanggal.csv", rows, delimiter=";"))
    assert code == 0, doc
    stored = [r[0][:16] for r in query("SELECT diterima FROM kasus ORDER BY id")]
    assert stored == list(written.values())


def test_a_date_that_does_not_exist_is_named_in_its_row(tmp_path):
    rows = [form(1), form(2, diterima="31/11/2026"), form(3, diterima="29-02-2026 10.00")]
    code, doc = impor_json(write_csv(tmp_path / "tidak-ada.csv", rows))
    assert code == 1
    assert [(e["baris"], e["kolom"], e["pesan"]) for e in doc["galat"]] == [
        (3, "diterima", "Tanggal 31/11/2026 tidak ada: November hanya 30 hari."),
        (4, "diterima", "Tanggal 29-02-2026 10.00 tidak ada: Februari 2026 hanya 28 hari."),
    ]
    assert dump_register() is None


def test_a_nik_that_excel_rounded_is_refused_with_how_to_fix_the_cell(tmp_path):
    book = Workbook()
    ws = book.active
    ws.append(HEADER)
    good = form(1)
    ws.append([good[h] for h in HEADER])
    damaged = form(2)
    ws.append([3171014101900000 if h == "nik" else damaged[h] for h in HEADER])  # a number
    path = tmp_path / "excel.xlsx"
    book.save(path)
    code, doc = impor_json(path)
    assert code == 1
    assert [(e["baris"], e["kolom"], e["nilai"]) for e in doc["galat"]] == [
        (3, "nik", "3171014101900000")
    ]
    message = doc["galat"][0]["pesan"]
    assert "Excel" in message and "Format kolom nik sebagai Teks" in message
    assert dump_register() is None
    # the CSV that Excel saves shows the number as 5,37101E+15
    rows = [form(1), form(2, nik="5,37101E+15")]
    code, doc = impor_json(write_csv(tmp_path / "excel.csv", rows, delimiter=";"))
    assert code == 1
    assert [(e["baris"], e["kolom"]) for e in doc["galat"]] == [(3, "nik")]
    assert "notasi ilmiah" in doc["galat"][0]["pesan"]
    # typed as text, a serial 0000 is refused too
    code, doc = impor_json(write_csv(tmp_path / "nol.csv", [form(1, nik="3171014101900000")]))
    assert code == 1 and "nomor urut" in doc["galat"][0]["pesan"]
    assert dump_register() is None


def test_headings_as_people_type_them(tmp_path):
    headings = {
        "nomor_formulir": "No. Formulir",
        "diterima": "Tanggal Diterima",
        "kanal": "Kanal",
        "jenis": "Jenis Laporan",
        "uraian": "Isi Aduan",
        "nama": "Nama Pelapor",
        "nik": "NIK Pelapor",
        "hp": "No. HP",
        "alamat": "Alamat Pelapor",
        "nomor_lapor": "Nomor Tiket LAPOR",
    }
    rows = [form(1, alamat="Jl. Merdeka 1", nomor_lapor="LAP-1")]
    path = tmp_path / "judul.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headings.values())
        writer.writerows([[row[name] for name in headings] for row in rows])
    code, doc = impor_json(path)
    assert code == 0, doc
    assert query("SELECT nomor_formulir, nik, hp, alamat, nomor_lapor FROM kasus") == [
        ("F-00001", "3171014101900001", "+6281234567890", "Jl. Merdeka 1", "LAP-1")
    ]
    others = ["No Formulir", "Tgl Diterima", "KANAL", "jenis", "Uraian Aduan", "nama", "nik"]
    others += ["No HP", "anonim"]
    path = tmp_path / "lain.csv"  # in HEADER's order, as others name them
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(others)
        writer.writerow([form(2)[h] for h in HEADER])
    code, doc = impor_json(path)
    assert (code, doc["diimpor"]) == (0, 1), doc


def test_an_unknown_heading_is_named_with_the_closest_match(tmp_path):
    header = ["nomor_formulir", "Tgl Terima", "kanal", "jenis", "uraian", "nama", "Nomer HP"]
    path = tmp_path / "mirip.csv"
    path.write_text(",".join(header) + "\n", "utf-8")
    code, doc = impor_json(path)
    assert code == 1
    messages = {e["kolom"]: e["pesan"] for e in doc["galat"]}
    assert messages["Tgl Terima"] == (
        "Kolom 'Tgl Terima' (kolom B) tidak dikenal; maksudnya 'Tgl Diterima' (kolom "
        "diterima)? Ganti judulnya, atau hapus kolom itu."
    )
    assert "maksudnya 'Nomor HP' (kolom hp)?" in messages["Nomer HP"]
    assert "Kolom wajib 'diterima' tidak ada" in messages["diterima"]
    assert dump_register() is None


def test_a_likely_duplicate_of_an_open_case_is_warned_per_row(tmp_path):
    by_nik = catat("--nik", "3171014101900001")
    by_hp = catat("--hp", "+62 813 1111 2222")
    rows = [
        form(1, nik="5371010101850002", hp=""),  # no one's
        form(2),  # the NIK of DS-2026-00001 (and its own phone)
        form(3, nik="", hp="0813-1111-2222"),  # the phone of DS-2026-00002
        form(4, nik="", hp="081311112222"),  # the same again, written otherwise
    ]
    path = write_csv(tmp_path / "ganda.csv", rows)
    code, doc = impor_json(path)
    assert (code, doc["diimpor"]) == (0, 4)  # warnings do not stop the import
    assert doc["peringatan"] == [
        f"Baris 3: NIK/HP yang sama sudah ada di kasus terbuka {by_nik} — mungkin kasus ganda "
        "dari kanal lain.",
        f"Baris 4: NIK/HP yang sama sudah ada di kasus terbuka {by_hp} — mungkin kasus ganda "
        "dari kanal lain.",
        f"Baris 5: NIK/HP yang sama sudah ada di kasus terbuka {by_hp} — mungkin kasus ganda "
        "dari kanal lain.",
    ]
    # imported again: the rows are skipped, and nothing is a duplicate of itself
    code, doc = impor_json(path)
    assert (code, doc["diimpor"], doc["peringatan"]) == (0, 0, [])
    # on a terminal: one warning per row, on stderr
    rows = [form(10, nik="", hp="0813-1111-2222")]
    result = impor(write_csv(tmp_path / "lagi.csv", rows), "--uji")
    assert result.exit_code == 0
    assert f"Peringatan: Baris 2: NIK/HP yang sama sudah ada di kasus terbuka {by_hp}" in (
        " ".join(result.stderr.split())
    )


def test_a_closed_case_with_the_same_nik_is_no_duplicate(tmp_path):
    nomor = catat("--nik", "3171014101900001")
    refuse = ["verifikasi", nomor, "--kategori", "LAINNYA", "--bukan-kewenangan"]
    assert runner.invoke(app, [*refuse, "--alasan", "Urusan Dukcapil"]).exit_code == 0
    code, doc = impor_json(write_csv(tmp_path / "a.csv", [form(1)]))
    assert (code, doc["peringatan"]) == (0, [])


# ---------------------------------------------------------------- what is written


def test_numbers_follow_existing_cases_and_the_chain_verifies(tmp_path):
    assert catat() == "DS-2026-00001"
    assert catat() == "DS-2026-00002"
    code, doc = impor_json(write_csv(tmp_path / "a.csv", [form(i) for i in range(1, 4)]))
    assert (doc["nomor_awal"], doc["nomor_akhir"]) == ("DS-2026-00003", "DS-2026-00005")
    assert catat() == "DS-2026-00006"
    assert query("SELECT terakhir FROM nomor_urut") == [(6,)]
    assert [r[0] for r in query("SELECT urut FROM kasus ORDER BY id")] == [1, 2, 3, 4, 5, 6]
    assert chain_breaks() == []
    result = runner.invoke(app, ["periksa"])
    assert result.exit_code == 0, result.stdout + result.stderr


def test_imported_history_entry_is_the_one_catat_writes(tmp_path):
    catat("--nomor-formulir", "F-00001", "--diterima", "2026-11-20 09:15")
    row = form(2, kanal="whatsapp", uraian="Dicatat langsung di meja", nama="Pelapor Meja")
    impor_json(write_csv(tmp_path / "a.csv", [row]))
    entries = query("SELECT aksi, oleh, dari_status, ke_status, catatan, data FROM riwayat")
    by_catat, by_impor = entries
    assert (
        by_catat[:5]
        == by_impor[:5]
        == (
            "catat",
            "meja-impor",
            None,
            "diterima",
            "Diterima lewat whatsapp pada 2026-11-20 09:15",
        )
    )
    assert json.loads(by_catat[5]) | {"nomor_formulir": "F-00002"} == json.loads(by_impor[5])


def test_deadline_rule_comes_from_the_profile_and_the_rows_own_date(tmp_path):
    assert runner.invoke(app, ["profil", "kota-kupang"]).exit_code == 0
    rows = [
        form(1, kanal="tatap-muka", diterima="2026-11-20 09:15"),
        form(2, kanal="surat", diterima="2026-11-16"),
    ]
    impor_json(write_csv(tmp_path / "a.csv", rows))
    rules = query("SELECT sla_profil, sla_satuan, sla_nilai FROM kasus ORDER BY id")
    assert rules == [("kota-kupang", "menit", 15), ("kota-kupang", "hari_kerja", 7)]
    due = [
        json.loads(runner.invoke(app, ["lihat", n, "--json"]).stdout)["batas_waktu"]
        for n in ("DS-2026-00001", "DS-2026-00002")
    ]
    assert due == ["2026-11-20T09:30", "2026-11-25"]


def test_petugas_option_names_the_officer(tmp_path):
    result = impor(write_csv(tmp_path / "a.csv", [form(1)]), "--petugas", "Yohanes")
    assert result.exit_code == 0
    assert query("SELECT petugas FROM kasus") == [("Yohanes",)]
    assert query("SELECT oleh FROM riwayat") == [("Yohanes",)]


# ---------------------------------------------------------------- the template


def test_template_has_headers_dropdowns_formats_and_help(tmp_path):
    path = tmp_path / "templat.xlsx"
    result = impor("--templat", path)
    assert result.exit_code == 0, result.stderr
    book = load_workbook(path)
    ws = book["Formulir"]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    letter = {c.value: c.column_letter for c in ws[1]}
    lists = {}
    for rule in ws.data_validations.dataValidation:
        assert rule.type == "list"
        for cells in str(rule.sqref).split():
            lists[cells.split(":")[0]] = rule.formula1
    assert lists[f"{letter['kanal']}2"].strip('"').split(",")[:3] == [
        "tatap-muka",
        "surat",
        "kotak-saran",
    ]
    assert lists[f"{letter['jenis']}2"] == '"aduan,aspirasi,informasi"'
    for name in ("anonim", "rahasia", "segera"):
        assert lists[f"{letter[name]}2"] == '"ya,tidak"'
    assert ws.column_dimensions[letter["diterima"]].number_format == "yyyy-mm-dd hh:mm"
    for name in ("nik", "kk", "hp", "nomor_formulir", "nomor_lapor"):
        assert ws.column_dimensions[letter[name]].number_format == "@"
    guide = book["Petunjuk"]
    explained = {row[0] for row in guide.iter_rows(values_only=True)}
    assert set(COLUMNS) <= explained

    again = impor("--templat", path)
    assert again.exit_code == 1 and "sudah ada" in again.stderr
    assert impor("--templat", path, "--timpa").exit_code == 0
    assert impor("--templat", tmp_path / "templat.csv").exit_code == 1


def test_a_filled_in_template_imports(tmp_path):
    path = tmp_path / "templat.xlsx"
    impor("--templat", path)
    book = load_workbook(path)
    ws = book["Formulir"]
    values = form(1) | {"diterima": datetime(2026, 11, 20, 9, 15), "rahasia": "ya"}
    ws.append([values.get(name) for name in COLUMNS])
    book.save(path)
    code, doc = impor_json(path)
    assert code == 0, doc
    assert query("SELECT nomor_formulir, rahasia FROM kasus") == [("F-00001", 1)]


# ---------------------------------------------------------------- a killed import


@pytest.mark.sqlite_only  # watches the SQLite file's WAL; the server's own atomicity is its own
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_killed_import_leaves_the_register_as_it_was(tmp_path, way):
    if way == "besar" and not Path(f"/proc/{os.getpid()}/task").exists():
        pytest.skip("finds the checking process through /proc")
    catat()
    before_count = case_count()
    before_head = query("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'")
    before_counter = query("SELECT * FROM nomor_urut")
    path = write_csv(tmp_path / "besar.csv", [form(i) for i in range(1, 20_001)])
    wal = Path(f"{db_path()}-wal")
    base = wal.stat().st_size if wal.exists() else 0
    threshold = 0 if way == "besar" else 1 << 60
    command = (
        "import sys; from lapor_cli.importing import run; "
        f"run.PARALLEL_FROM_BYTES = {threshold}; "
        "from lapor_cli.cli import app; app(sys.argv[1:])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", command, "impor", str(path), "--json"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        # A small file: kill it once the transaction's pages start reaching the WAL (at the
        # commit). A large one: while the second process is still checking, so the writer is
        # between chunks (it cannot commit before the check has read all 20,000 rows).
        deadline = time.monotonic() + 90
        while proc.poll() is None and time.monotonic() < deadline:
            if way == "besar" and (workers := _children(proc.pid)):
                time.sleep(0.3)
                break
            if way == "kecil" and wal.exists() and wal.stat().st_size > base + 512 * 1024:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the import ended before it could be killed"
        if way == "besar":
            assert _running(workers[0]), "the check ended before the import could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    for pid in workers:  # the checking process does not outlive the import it served
        deadline = time.monotonic() + 30
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(pid)
    assert query("PRAGMA integrity_check") == [("ok",)]
    assert case_count() == before_count
    assert query("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'") == before_head
    assert query("SELECT * FROM nomor_urut") == before_counter
    assert chain_breaks() == []
    assert catat() == "DS-2026-00002"  # the register works on, numbering continues


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _running(pid: int) -> bool:
    """Still there and not a zombie (an orphan's zombie waits for a reaper that may not come)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def test_the_shipped_template_is_the_one_the_command_writes(tmp_path):
    from lapor_cli.resources import shipped_data_dir

    fresh = tmp_path / "baru.xlsx"
    assert impor("--templat", fresh).exit_code == 0

    def shape(path):
        book = load_workbook(path)
        ws = book["Formulir"]
        rules = sorted((str(r.sqref), r.formula1) for r in ws.data_validations.dataValidation)
        guide = [row for row in book["Petunjuk"].iter_rows(values_only=True)]
        return [c.value for c in ws[1]], rules, guide

    shipped = shipped_data_dir() / "templat-impor.xlsx"
    assert shape(shipped) == shape(fresh), (
        "regenerate: lapor impor --templat data/templat-impor.xlsx --timpa"
    )


def test_one_imported_case_is_named_once(tmp_path):
    result = impor(write_csv(tmp_path / "satu.csv", [form(1)]))
    assert result.exit_code == 0, result.stderr
    assert "Diimpor: 1 kasus (DS-2026-00001)." in result.stdout
