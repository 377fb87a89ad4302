"""`lapor catat` and the views `daftar` / `lihat`: numbers, JSON, duplicates, privacy, filters."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from conftest import (
    CASE_KEYS,
    HP,
    HP_E164,
    KK,
    NIK,
    NIK_KUPANG,
    PETUGAS,
    ok_json,
    query_register,
    record,
)

IDENTITY = ("nama", "nik", "kk", "hp", "email", "alamat")


def daftar(run, *args: str) -> list[dict]:
    return ok_json(run, "daftar", *args)


def numbers(run, *args: str) -> list[str]:
    return [c["nomor"] for c in daftar(run, *args)]


# ------------------------------------------------------------------------------ recording


def test_catat_prints_the_number_and_deadline(run) -> None:
    code, out, err = run(
        "catat", "--kanal", "whatsapp", "--jenis", "aduan", "--uraian", "PKH", "--nama", "Siti"
    )
    assert code == 0, err
    assert "DS-2026-00001" in out
    assert "26 November 2026" in out  # Monday + 3 working days = Thursday
    assert "Ditolak" not in err


def test_catat_json_is_the_new_case(run) -> None:
    code, out, err = run(
        "catat",
        "--kanal", "sp4n-lapor",
        "--jenis", "aspirasi",
        "--uraian", "Mohon jadwal penyaluran BPNT diumumkan",
        "--nama", "Siti Aminah",
        "--nik", NIK,
        "--kk", KK,
        "--hp", HP,
        "--email", "siti@contoh.id",
        "--alamat", "Jl. Merdeka 1, Kupang",
        "--nomor-lapor", "LAP-2026-1234",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    assert out.endswith("\n")
    assert out.count("\n") == 1  # exactly one document, nothing else on stdout
    case = json.loads(out)
    assert CASE_KEYS <= set(case)
    assert case["nomor"] == "DS-2026-00001"
    assert case["status"] == "diterima"
    assert (case["kanal"], case["jenis"]) == ("sp4n-lapor", "aspirasi")
    assert case["diterima"] == "2026-11-23T10:00"
    assert case["batas_waktu"] == "2026-11-26"  # ISO date: a working-day rule
    assert (case["kategori"], case["unit"], case["skor"]) == (None, None, None)
    assert case["nomor_lapor"] == "LAP-2026-1234"
    assert case["petugas"] == PETUGAS
    assert case["sla"]["profil"] == "kemensos"
    assert case["sla"]["nilai"] == 3
    # a screen (and catat's own JSON) never shows NIK or phone whole
    assert case["nik"] == "3171********0001"
    assert case["kk"] == "3171********0001"
    assert case["hp"] == "+62812****7890"
    assert NIK not in out
    assert HP_E164 not in out


def test_catat_stores_normalised_values(run, catat, isolated_register: Path) -> None:
    catat(nik="3171 0141 0190 0001", hp="0812-3456-7890", kanal="WA", jenis="Pengaduan")
    (row,) = query_register("SELECT nik, hp, kanal, jenis, petugas FROM kasus")
    assert row == (NIK, HP_E164, "whatsapp", "aduan", PETUGAS)


def test_catat_petugas_option_wins_over_environment(catat) -> None:
    assert catat(petugas="Budi Santoso")["petugas"] == "Budi Santoso"


@pytest.mark.parametrize(
    ("diterima", "iso", "batas"),
    [
        ("2026-11-20", "2026-11-20T00:00", "2026-11-25"),  # Friday: Mon, Tue, Wed
        ("2026-11-20 14:05", "2026-11-20T14:05", "2026-11-25"),
        ("20/11/2026", "2026-11-20T00:00", "2026-11-25"),
        ("21/11/2026", "2026-11-21T00:00", "2026-11-26"),  # Saturday: day 0 is Monday
    ],
)
def test_catat_received_in_the_three_forms(catat, diterima: str, iso: str, batas: str) -> None:
    case = catat(diterima=diterima)
    assert case["diterima"] == iso
    assert case["batas_waktu"] == batas


@pytest.mark.parametrize(
    ("diterima", "iso"),
    [
        ("20-11-2026", "2026-11-20T00:00"),
        ("20.11.2026 14.05", "2026-11-20T14:05"),
        ("20 November 2026", "2026-11-20T00:00"),
        ("20 Nov 2026 14:05", "2026-11-20T14:05"),
        ("Jumat, 20 November 2026", "2026-11-20T00:00"),
        ("hari ini 08.30", "2026-11-23T08:30"),
        ("kemarin", "2026-11-22T00:00"),
    ],
)
def test_catat_received_as_desks_write_it(catat, diterima: str, iso: str) -> None:
    assert catat(diterima=diterima)["diterima"] == iso


def test_catat_an_old_receipt_is_recorded_with_lama(run, catat) -> None:
    # A typed 2025-11-27 for 2026-11-27 is refused (test_cli_refusals); a true old receipt,
    # confirmed, is recorded with its own date and a deadline long past.
    code, _out, err = run(*CATAT_ARGS, "--diterima", "27/11/2025", waktu="2026-11-28 09:00")
    assert code == 1
    assert err == (
        "Ditolak: Tanggal diterima Kamis, 27 November 2025 jatuh di tahun 2025, bukan tahun ini "
        "(2026): salah ketik? Bila tanggal itu memang benar, ulangi dengan --lama.\n"
    )
    case = catat(diterima="27/11/2025", lama=True, waktu="2026-11-28 09:00")
    assert case["diterima"] == "2025-11-27T00:00"
    assert case["nomor"] == "DS-2026-00001"  # numbered in the year it is recorded
    assert catat(diterima="2026-10-01", lama=True)["diterima"] == "2026-10-01T00:00"
    # thirty days back in this year is a late entry, not a slip
    assert catat(diterima="2026-10-24")["diterima"] == "2026-10-24T00:00"


CATAT_ARGS = ("catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x", "--nama", "Siti")


def test_catat_received_defaults_to_now(catat) -> None:
    assert catat(waktu="2026-11-24 15:45")["diterima"] == "2026-11-24T15:45"


@pytest.mark.parametrize(
    ("kanal", "expected"),
    [("WhatsApp", "whatsapp"), ("SP4N-LAPOR!", "sp4n-lapor"), ("Kotak-Saran", "kotak-saran")],
)
def test_catat_channel_is_case_insensitive(catat, kanal: str, expected: str) -> None:
    assert catat(kanal=kanal)["kanal"] == expected


@pytest.mark.parametrize("jenis", ["aduan", "aspirasi", "informasi"])
def test_catat_every_kind(catat, jenis: str) -> None:
    assert catat(jenis=jenis)["jenis"] == jenis


def test_catat_in_a_script_missing_fields_are_an_error_not_a_prompt(run) -> None:
    code, out, err = run("catat", input="")
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Ditolak:")
    for field in ("Kanal", "Jenis", "Uraian", "Nama"):
        assert field in lines[0]


# ------------------------------------------------------------------------------ numbering


def test_numbers_are_sequential_and_unique(catat) -> None:
    got = [catat(uraian=f"Aduan {i}")["nomor"] for i in range(5)]
    assert got == [f"DS-2026-{i:05d}" for i in range(1, 6)]


def test_numbers_restart_each_year(catat) -> None:
    assert catat()["nomor"] == "DS-2026-00001"
    assert catat()["nomor"] == "DS-2026-00002"
    assert catat(waktu="2027-01-04 08:00")["nomor"] == "DS-2027-00001"
    assert catat(waktu="2027-01-04 08:05")["nomor"] == "DS-2027-00002"


def test_a_refused_catat_uses_no_number(run, catat) -> None:
    assert catat()["nomor"] == "DS-2026-00001"
    code, _, _ = run("catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x",
                     "--nama", "Siti", "--nik", "123")  # fmt: skip
    assert code == 1
    assert catat()["nomor"] == "DS-2026-00002"


def test_numbers_in_daftar_are_unique(run, catat) -> None:
    for i in range(4):
        catat(uraian=f"Aduan {i}")
    got = numbers(run)
    assert len(got) == len(set(got)) == 4


# ------------------------------------------------------------------------------ duplicates


def test_same_nik_with_an_open_case_warns_naming_it(run, catat) -> None:
    first = catat(nik=NIK)["nomor"]
    code, out, err = run(
        "catat", "--kanal", "telepon", "--jenis", "aduan", "--uraian", "Sama",
        "--nama", "Siti", "--nik", NIK, "--json",
    )  # fmt: skip
    assert code == 0, err  # a warning, not a refusal
    assert json.loads(out)["nomor"] == "DS-2026-00002"  # stdout is still exactly one document
    assert first in err
    assert "Ditolak" not in err


def test_same_phone_in_another_format_warns(run, catat) -> None:
    first = catat(hp="0812-3456-7890")["nomor"]
    code, _out, err = run(
        "catat", "--kanal", "sms", "--jenis", "aduan", "--uraian", "Sama",
        "--nama", "Budi", "--hp", "+62 812 3456 7890",
    )  # fmt: skip
    assert code == 0
    assert first in err


def test_no_warning_for_a_closed_case_or_another_person(run, catat) -> None:
    archived = catat(nik=NIK, kanal="surat")["nomor"]
    ok_json(run, "verifikasi", archived, "--kategori", "lainnya", "--bukan-kewenangan",
            "--alasan", "Bukan kewenangan")  # fmt: skip
    code, _out, err = run(
        "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Lagi",
        "--nama", "Siti", "--nik", NIK, "--hp", HP,
    )  # fmt: skip
    assert code == 0
    assert archived not in err
    assert "Peringatan" not in err
    code, _out, err = run(
        "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Orang lain",
        "--nama", "Yohanes", "--nik", NIK_KUPANG,
    )  # fmt: skip
    assert code == 0
    assert "Peringatan" not in err


def test_warning_names_every_open_duplicate(run, catat) -> None:
    a = catat(nik=NIK)["nomor"]
    b = catat(hp=HP)["nomor"]
    code, _out, err = run(
        "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Ketiga",
        "--nama", "Siti", "--nik", NIK, "--hp", HP,
    )  # fmt: skip
    assert code == 0
    assert a in err
    assert b in err


# ------------------------------------------------------------------------------ privacy


def test_masked_in_daftar_and_lihat(run, catat) -> None:
    nomor = catat(nik=NIK, kk=KK, hp=HP, email="siti@contoh.id")["nomor"]
    listed = daftar(run)[0]
    assert listed["nik"] == "3171********0001"
    assert listed["hp"] == "+62812****7890"
    assert listed["email"] != "siti@contoh.id"
    code, screen, _ = run("daftar")
    assert code == 0
    code, shown, _ = run("lihat", nomor)
    assert code == 0
    shown_json = ok_json(run, "lihat", nomor)
    for output in (json.dumps(listed), screen, shown, json.dumps(shown_json)):
        assert NIK not in output
        assert KK not in output
        assert HP_E164 not in output
        assert "81234567890" not in output
    assert "3171********0001" in shown
    assert shown_json["nik"] == "3171********0001"


def test_lihat_lengkap_shows_whole_identity_and_is_recorded(run, catat) -> None:
    nomor = catat(nik=NIK, kk=KK, hp=HP, email="siti@contoh.id")["nomor"]
    full = ok_json(run, "lihat", nomor, "--lengkap", waktu="2026-11-23 11:00")
    assert (full["nik"], full["kk"], full["hp"], full["email"]) == (
        NIK,
        KK,
        HP_E164,
        "siti@contoh.id",
    )
    code, screen, _ = run("lihat", nomor, "--lengkap")
    assert code == 0
    assert NIK in screen
    # the viewing is in the history, for good: a later plain lihat shows it too
    later = ok_json(run, "lihat", nomor)
    opened = [e for e in later["riwayat"] if e["aksi"] == "lihat-lengkap"]
    assert len(opened) == 2
    assert opened[0]["oleh"] == PETUGAS
    assert opened[0]["waktu"] == "2026-11-23T11:00"
    assert opened[0]["dari"] == opened[0]["ke"] == "diterima"
    assert later["status"] == "diterima"  # viewing changes no status
    assert later["nik"] == "3171********0001"


def test_plain_lihat_records_nothing(run, catat) -> None:
    nomor = catat(nik=NIK)["nomor"]
    run("lihat", nomor)
    ok_json(run, "lihat", nomor)
    assert [e["aksi"] for e in ok_json(run, "lihat", nomor)["riwayat"]] == ["catat"]


def test_anonim_case_shows_no_identity_anywhere(run, catat, isolated_register: Path) -> None:
    case = catat(anonim=True, kanal="sp4n-lapor", nomor_lapor="LAP-9", uraian="Pungli bansos")
    nomor = case["nomor"]
    assert case["anonim"] is True
    views = [
        case,
        daftar(run)[0],
        ok_json(run, "lihat", nomor),
        ok_json(run, "lihat", nomor, "--lengkap"),
    ]
    for view in views:
        assert all(view[key] is None for key in IDENTITY), view
    _, screen_list, _ = run("daftar")
    _, screen_case, _ = run("lihat", nomor, "--lengkap")
    assert "anonim" in screen_list
    assert "anonim" in screen_case
    (stored,) = query_register(f"SELECT {', '.join(IDENTITY)} FROM kasus")
    assert stored == (None,) * 6


def test_rahasia_content_hidden_unless_lengkap(run, catat) -> None:
    secret = "Kepala desa memotong BLT warga RT 03"
    nomor = catat(rahasia=True, uraian=secret, nama="Maria Bria")["nomor"]
    catat(uraian="Aduan biasa tentang PKH")
    assert daftar(run)[1]["uraian"] != secret
    assert ok_json(run, "lihat", nomor)["uraian"] != secret
    for args in (("daftar",), ("daftar", "--json"), ("lihat", nomor), ("lihat", nomor, "--json")):
        code, out, _ = run(*args)
        assert code == 0
        assert "memotong" not in out, args
    # not findable by its content, still findable by its name and number
    assert numbers(run, "--cari", "memotong") == []
    assert numbers(run, "--cari", "BLT") == []
    assert numbers(run, "--cari", "maria") == [nomor]
    assert numbers(run, "--cari", nomor) == [nomor]
    assert numbers(run, "--cari", "biasa") == ["DS-2026-00002"]
    assert ok_json(run, "lihat", nomor, "--lengkap")["uraian"] == secret


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
@pytest.mark.sqlite_only
def test_register_file_is_private(catat, isolated_register: Path) -> None:
    assert not isolated_register.exists()
    catat()
    assert stat.S_IMODE(isolated_register.stat().st_mode) == 0o600
    for companion in isolated_register.parent.glob(isolated_register.name + "-*"):
        assert stat.S_IMODE(companion.stat().st_mode) & 0o077 == 0, companion


# ------------------------------------------------------------------------------ daftar


def _build_assorted(run) -> dict[str, str]:
    made = {
        "wa_oktober": record(run, kanal="whatsapp", diterima="2026-10-15 09:00", lama=True,
                             nama="Budi Santoso", uraian="BPNT tidak diterima"),
        "surat_arsip": record(run, kanal="surat", diterima="2026-11-02", nama="Siti Aminah",
                              uraian="Minta kartu KIS"),
        "lapor_selesai": record(run, kanal="sp4n-lapor", diterima="2026-11-10", nama="Yohanes",
                                nomor_lapor="LAP-777", uraian="PKH 50% terpotong"),
        "lapor_terbuka": record(run, kanal="sp4n-lapor", diterima="2026-11-20", nama="Maria",
                                nomor_lapor="LAP-778", uraian="DTKS"),
        "email_baru": record(run, kanal="email", diterima="2026-11-23 08:00",
                             nama="Ani_Lestari", uraian="Informasi rehabilitasi"),
    }  # fmt: skip
    nomor = {k: v["nomor"] for k, v in made.items()}
    ok_json(run, "verifikasi", nomor["surat_arsip"], "--kategori", "PELAYANAN",
            "--bukan-kewenangan", "--alasan", "Urusan BPJS")  # fmt: skip
    done = nomor["lapor_selesai"]
    ok_json(run, "verifikasi", done, "--kategori", "PKH")
    ok_json(run, "distribusi", done, "--jawaban-normatif", "Potongan tidak dibenarkan")
    ok_json(run, "tutup", done, "--hasil", "Dijelaskan", "--belum-dilaporkan")
    ok_json(run, "verifikasi", nomor["email_baru"], "--kategori", "REHSOS")
    return nomor


@pytest.fixture
def assorted(install_template) -> dict[str, str]:
    """Five cases over two months, four channels and several statuses."""
    return dict(install_template("assorted", _build_assorted))


def test_daftar_newest_received_first(run, assorted) -> None:
    order = ["email_baru", "lapor_terbuka", "lapor_selesai", "surat_arsip", "wa_oktober"]
    assert numbers(run) == [assorted[k] for k in order]


def test_daftar_json_is_a_list_of_cases(run, assorted) -> None:
    code, out, err = run("daftar", "--json")
    assert code == 0, err
    listed = json.loads(out)
    assert isinstance(listed, list)
    assert all(CASE_KEYS <= set(case) for case in listed)


def test_daftar_status(run, assorted) -> None:
    assert numbers(run, "--status", "diarsipkan") == [assorted["surat_arsip"]]
    assert set(numbers(run, "--status", "selesai", "--status", "diarsipkan")) == {
        assorted["lapor_selesai"],
        assorted["surat_arsip"],
    }
    assert numbers(run, "--status", "TERVERIFIKASI") == [assorted["email_baru"]]


def test_daftar_terbuka_is_every_unfinished_case(run, assorted) -> None:
    assert set(numbers(run, "--status", "terbuka")) == {
        assorted["wa_oktober"],
        assorted["lapor_terbuka"],
        assorted["email_baru"],
    }


def test_daftar_kanal(run, assorted) -> None:
    assert set(numbers(run, "--kanal", "sp4n-lapor")) == {
        assorted["lapor_selesai"],
        assorted["lapor_terbuka"],
    }
    assert numbers(run, "--kanal", "WhatsApp") == [assorted["wa_oktober"]]
    assert numbers(run, "--kanal", "instagram") == []


def test_daftar_bulan(run, assorted) -> None:
    assert numbers(run, "--bulan", "2026-10") == [assorted["wa_oktober"]]
    assert len(numbers(run, "--bulan", "2026-11")) == 4
    assert numbers(run, "--bulan", "2026-12") == []


def test_daftar_cari(run, assorted) -> None:
    assert numbers(run, "--cari", "budi") == [assorted["wa_oktober"]]  # name, any case
    assert numbers(run, "--cari", "kartu kis") == [assorted["surat_arsip"]]  # uraian
    assert numbers(run, "--cari", "LAP-777") == [assorted["lapor_selesai"]]  # SP4N number
    assert numbers(run, "--cari", assorted["email_baru"].lower()) == [assorted["email_baru"]]
    # LIKE wildcards are plain characters
    assert numbers(run, "--cari", "50%") == [assorted["lapor_selesai"]]
    assert numbers(run, "--cari", "%") == [assorted["lapor_selesai"]]
    assert numbers(run, "--cari", "_") == [assorted["email_baru"]]


@pytest.mark.parametrize(
    "typed",
    [
        NIK,
        "3171 0141 0190 0001",
        "3171.0141.0190.0001",
        "3171-0141-0190-0001",
        HP,
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "62 812-3456-7890",
        "(0812) 3456 7890",
    ],
)
def test_daftar_cari_finds_a_whole_nik_or_phone_in_any_form(run, catat, typed: str) -> None:
    wanted = catat(nik=NIK, hp=HP)["nomor"]
    catat(nama="Orang Lain", nik=NIK_KUPANG, hp="0813-1111-2222")
    catat(nama="Tanpa identitas", uraian=f"Pelapor menyebut {NIK} di uraian")
    catat(anonim=True, uraian="Anonim")
    assert numbers(run, "--cari", typed) == [wanted]
    code, screen, err = run("daftar", "--cari", typed)
    assert code == 0, err
    listed = json.dumps(daftar(run, "--cari", typed))
    for output in (screen, listed):  # found by it, never shown whole
        assert NIK not in output and HP_E164 not in output and "81234567890" not in output
    assert "3171********0001" in listed and "+62812****7890" in listed


def test_daftar_cari_with_a_number_that_is_no_nik_or_phone_searches_the_text(run, catat) -> None:
    wanted = catat(nomor_lapor="1234567")["nomor"]
    catat(nik=NIK)
    assert numbers(run, "--cari", "1234567") == [wanted]
    assert numbers(run, "--cari", "3171014101900000") == []  # no such NIK, no such text


def test_daftar_belum_dilaporkan(run, assorted) -> None:
    assert numbers(run, "--belum-dilaporkan") == [assorted["lapor_selesai"]]
    ok_json(run, "laporbalik", assorted["lapor_selesai"])
    assert numbers(run, "--belum-dilaporkan") == []


def test_daftar_filters_combine(run, assorted) -> None:
    got = numbers(run, "--kanal", "sp4n-lapor", "--status", "terbuka", "--bulan", "2026-11")
    assert got == [assorted["lapor_terbuka"]]


def test_daftar_batas(run, assorted) -> None:
    assert len(daftar(run, "--batas", "2")) == 2
    assert numbers(run, "--batas", "2") == numbers(run)[:2]
    assert len(daftar(run, "--batas", "0")) == 5
    code, out, _ = run("daftar", "--batas", "2")
    assert code == 0
    assert "2 dari 5" in out


def test_daftar_screen_on_an_empty_register(run) -> None:
    code, out, err = run("daftar")
    assert code == 0, err
    assert "Tidak ada kasus" in out
    assert json.loads(run("daftar", "--json")[1]) == []


def test_daftar_shows_whole_dates_in_80_columns(run, catat, monkeypatch) -> None:
    # Bug: at 80 columns the Batas column was cut to "26/11/20", which reads as a year.
    monkeypatch.setenv("LAPOR_LEBAR", "80")
    catat(kanal="kotak-saran", nama="Siti Aminah binti Abdullah", waktu="2026-11-23 09:00")
    code, screen, _ = run("daftar")
    assert code == 0
    assert "23/11/2026" in screen and "26/11/2026" in screen
    assert max(len(line) for line in screen.splitlines()) <= 80


def test_lihat_history_reads_in_80_columns(run, catat, monkeypatch) -> None:
    # The five-column timeline left the note ~15 characters: every note came out in slivers.
    monkeypatch.setenv("LAPOR_LEBAR", "80")
    nomor = catat(kanal="kotak-saran", waktu="2026-11-23 09:00")["nomor"]
    code, screen, _ = run("lihat", nomor)
    assert code == 0
    assert "Diterima lewat kotak-saran pada 2026-11-23 09:00" in screen
    assert max(len(line.rstrip()) for line in screen.splitlines()) <= 80
