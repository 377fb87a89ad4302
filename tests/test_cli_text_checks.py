"""Free text through the CLI (issue 16, item 6): invisible and bidirectional formatting
characters are refused in every text field, naming it, and nothing is written; a NIK or a
phone number typed into an uraian or a note is masked on screens and in JSON unless
``lihat --lengkap``."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from conftest import HP, NIK, Runner, dump_register, ok_json, query_register

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Siti‮nimA" reads backwards from there on

#: (id, setup: the case's status before, the command with {nomor}, the field's label).
#: ``X`` marks where the invisible character goes (inside: a separator at an end is trimmed).
FIELDS = [
    ("catat-nama", None, ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "u",
                          "--nama", "SiXti"], "Nama"),
    ("catat-uraian", None, ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian",
                            "PKH X belum cair", "--nama", "Siti"], "Uraian"),
    ("catat-alamat", None, ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "u",
                            "--nama", "Siti", "--alamat", "Jl. XMawar"], "Alamat"),
    ("catat-email", None, ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "u",
                           "--nama", "Siti", "--email", "siXti@contoh.id"], "Email"),
    ("catat-petugas", None, ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "u",
                             "--nama", "Siti", "--petugas", "AXni"], "Petugas"),
    ("verifikasi-catatan", "diterima", ["verifikasi", "{nomor}", "--kategori", "PKH",
                                        "--catatan", "ceXk"], "Catatan"),
    ("verifikasi-alasan", "diterima", ["verifikasi", "{nomor}", "--kategori", "PKH",
                                       "--bukan-kewenangan", "--alasan", "aXb"], "Alasan"),
    ("verifikasi-dirujuk", "diterima", ["verifikasi", "{nomor}", "--kategori", "PKH",
                                        "--bukan-kewenangan", "--alasan", "a",
                                        "--dirujuk-ke", "DukXcapil"], "Dirujuk ke"),
    ("verifikasi-surat", "diterima", ["verifikasi", "{nomor}", "--kategori", "PKH",
                                      "--bukan-kewenangan", "--alasan", "a", "--dirujuk-ke",
                                      "D", "--nomor-surat", "1X2"], "Nomor surat"),
    ("verifikasi-petugas", "diterima", ["verifikasi", "{nomor}", "--kategori", "PKH",
                                        "--petugas", "aXb"], "Petugas"),
    ("distribusi-tembusan", "terverifikasi", ["distribusi", "{nomor}", "--unit", "PFM",
                                              "--tembusan", "UXPT"], "Tembusan"),
    ("distribusi-catatan", "terverifikasi", ["distribusi", "{nomor}", "--unit", "PFM",
                                             "--catatan", "aXb"], "Catatan"),
    ("distribusi-jawaban", "terverifikasi", ["distribusi", "{nomor}", "--jawaban-normatif",
                                             "aXb"], "Jawaban normatif"),
    ("tindaklanjut-catatan", "didisposisikan", ["tindaklanjut", "{nomor}", "--catatan",
                                                "aXb"], "Catatan"),
    ("tindaklanjut-oleh", "didisposisikan", ["tindaklanjut", "{nomor}", "--catatan", "c",
                                             "--oleh", "KaXsi"], "Oleh"),
    ("tindaklanjut-tugaskan", "didisposisikan", ["tindaklanjut", "{nomor}", "--catatan", "c",
                                                 "--tugaskan", "TKXSK"], "Ditugaskan"),
    ("tutup-hasil", "ditindaklanjuti", ["tutup", "{nomor}", "--hasil", "caXir"], "Hasil"),
    ("nilai-komentar", "selesai", ["nilai", "{nomor}", "--skor", "4", "--komentar", "aXb"],
     "Komentar"),
    ("tunda-alasan", "diterima", ["tunda", "{nomor}", "--alasan", "KXK"], "Alasan"),
    ("lihat-lengkap-petugas", "diterima", ["lihat", "{nomor}", "--lengkap", "--petugas",
                                           "aXb"], "Petugas"),
    ("libur-keterangan", None, ["libur", "tambah", "2026-12-01", "HUT XKota"], "Keterangan"),
    ("libur-sk", None, ["libur", "tambah", "2026-12-01", "HUT", "--sk", "SE X1"], "Nomor SK"),
    ("libur-hapus", None, ["libur", "hapus", "2026-12-24", "--keterangan", "SKB X1"],
     "Keterangan"),
    ("meja-nama", None, ["meja", "tambah", "kupang", "--nama", "KuXpang", "--prefiks", "KPG"],
     "Nama meja"),
    ("kantor-nama", None, ["kantor", "--nama", "Dinas XKota"], "Nama kantor"),
]  # fmt: skip


@pytest.mark.parametrize(
    "char", [RLO, "\u200b", "\ufeff", "\u2028"], ids=["rlo", "zwsp", "bom", "ls"]
)
@pytest.mark.parametrize(
    ("label_id", "status", "command", "label"), FIELDS, ids=[f[0] for f in FIELDS]
)
def test_invisible_characters_refused_in_every_text_field(
    run: Runner, populated: dict[str, str], label_id, status, command, label, char
) -> None:
    nomor = populated[status] if status else ""
    args = [part.replace("{nomor}", nomor).replace("X", char) for part in command]
    before = dump_register()
    code, out, err = run(*args)
    assert code == 1, err
    assert err.startswith(f"Ditolak: {label} berisi karakter") and err.count("\n") == 1, err
    assert f"U+{ord(char):04X}" in err
    assert out == ""
    assert dump_register() == before


def test_uraian_keeps_newlines_and_tabs(run: Runner, catat: Callable[..., dict]) -> None:
    case = catat(uraian="baris satu\n\tbaris dua")
    assert ok_json(run, "lihat", case["nomor"])["uraian"] == "baris satu\n\tbaris dua"


def test_a_stored_invisible_character_is_shown_not_obeyed(
    run: Runner, catat: Callable[..., dict]
) -> None:
    # A register from before this check may hold one: the screen shows where it is instead
    # of letting it turn the rest of the line around.
    nomor = catat(nama="Siti")["nomor"]
    query_register("UPDATE kasus SET nama = ? WHERE nomor = ?", f"Siti{RLO}nimA", nomor)
    code, out, _ = run("lihat", nomor)
    assert code == 0
    assert "Siti<U+202E>nimA" in out and RLO not in out
    code, out, _ = run("daftar")
    assert "Siti<U+202E>nimA" in out and RLO not in out
    assert ok_json(run, "lihat", nomor)["nama"] == f"Siti{RLO}nimA"  # JSON: the data itself


# --------------------------------------------------------- NIK and phone typed into free text

NIK_MASKED = "3171********0001"
URAIAN = f"Saya NIK {NIK}, hubungi 0812-3456-7890. PKH belum cair."
URAIAN_MASKED = f"Saya NIK {NIK_MASKED}, hubungi 0812****7890. PKH belum cair."


def test_nik_and_phone_in_uraian_masked_in_lihat_and_daftar(
    run: Runner, catat: Callable[..., dict]
) -> None:
    case = catat(uraian=URAIAN, nik=NIK, hp=HP)
    assert case["uraian"] == URAIAN_MASKED  # catat --json
    nomor = case["nomor"]
    assert ok_json(run, "lihat", nomor)["uraian"] == URAIAN_MASKED
    assert ok_json(run, "daftar")[0]["uraian"] == URAIAN_MASKED
    code, screen, _ = run("lihat", nomor)
    assert code == 0
    assert NIK not in screen and "3456" not in screen.replace(NIK_MASKED, "")
    assert NIK_MASKED in screen


def test_lihat_lengkap_shows_the_uraian_whole(run: Runner, catat: Callable[..., dict]) -> None:
    nomor = catat(uraian=URAIAN)["nomor"]
    assert ok_json(run, "lihat", nomor, "--lengkap")["uraian"] == URAIAN
    code, screen, _ = run("lihat", nomor, "--lengkap")
    assert code == 0 and NIK in screen


def test_numbers_in_notes_results_and_comments_masked(
    run: Runner, catat: Callable[..., dict]
) -> None:
    nomor = catat()["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    ok_json(run, "distribusi", nomor, "--unit", "PFM")
    ok_json(run, "tindaklanjut", nomor, "--catatan", f"Pelapor ditelepon di {HP}")
    closed = ok_json(run, "tutup", nomor, "--hasil", f"Data NIK {NIK} diperbaiki")
    assert closed["hasil"] == f"Data NIK {NIK_MASKED} diperbaiki"
    rated = ok_json(run, "nilai", nomor, "--skor", "5", "--komentar", f"Terima kasih, WA {HP}")
    assert rated["komentar"] == "Terima kasih, WA 0812****7890"
    view = ok_json(run, "lihat", nomor)
    text = json.dumps(view)
    assert NIK not in text and HP not in text
    notes = [entry["catatan"] for entry in view["riwayat"]]
    assert "Pelapor ditelepon di 0812****7890" in notes
    whole = json.dumps(ok_json(run, "lihat", nomor, "--lengkap"))
    assert NIK in whole and HP in whole
