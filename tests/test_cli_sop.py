"""The SOP walked through the CLI: catat → verifikasi → distribusi → tindaklanjut → tutup →
nilai → laporbalik, the normative-answer path and the archive path, with the history."""

from __future__ import annotations

import json

import pytest

from conftest import CASE_KEYS, NIK, PETUGAS, ok_json


def history(run, nomor: str) -> list[tuple[str, str | None, str]]:
    return [(e["aksi"], e["dari"], e["ke"]) for e in ok_json(run, "lihat", nomor)["riwayat"]]


def test_whole_sop_walk(run, catat) -> None:
    case = catat(
        kanal="sp4n-lapor",
        nomor_lapor="LAP-2026-0042",
        nik=NIK,
        uraian="Bantuan PKH tahap 3 belum diterima",
        waktu="2026-11-23 09:00",
    )
    nomor = case["nomor"]
    assert nomor == "DS-2026-00001"

    verified = ok_json(
        run, "verifikasi", nomor, "--kategori", "pkh", "--kewenangan", waktu="2026-11-23 10:00"
    )
    assert (verified["status"], verified["kategori"]) == ("terverifikasi", "PKH")

    sent = ok_json(
        run,
        "distribusi", nomor,
        "--unit", "bidang penanganan fakir miskin",
        "--tembusan", "UPT Kesos Kupang",
        "--tembusan", "Balai Besar Rehsos",
        "--catatan", "Mohon dicek di SIKS-NG",
        waktu="2026-11-23 11:00",
    )  # fmt: skip
    assert sent["status"] == "didisposisikan"
    assert sent["unit"] == "Bidang Penanganan Fakir Miskin"
    assert sent["tembusan"] == ["UPT Kesos Kupang", "Balai Besar Rehsos"]

    step1 = ok_json(
        run,
        "tindaklanjut", nomor,
        "--catatan", "Pendamping PKH ditugaskan mengecek",
        "--oleh", "Kabid PFM",
        "--tugaskan", "Pendamping PKH",
        waktu="2026-11-24 09:00",
    )  # fmt: skip
    assert step1["status"] == "ditindaklanjuti"
    step2 = ok_json(
        run, "tindaklanjut", nomor, "--catatan", "Data diperbaiki di SIKS-NG",
        waktu="2026-11-25 09:00",
    )  # fmt: skip
    assert step2["status"] == "ditindaklanjuti"

    closed = ok_json(
        run, "tutup", nomor, "--hasil", "Bantuan cair 25/11", "--belum-dilaporkan",
        waktu="2026-11-25 15:00",
    )  # fmt: skip
    assert closed["status"] == "selesai"
    assert closed["tepat_waktu"] is True  # deadline Thursday 26 November
    assert closed["dilaporkan_balik"] is False
    assert closed["ditutup"] == "2026-11-25T15:00"

    rated = ok_json(
        run, "nilai", nomor, "--skor", "5", "--komentar", "Cepat", waktu="2026-11-26 08:00"
    )
    assert (rated["status"], rated["skor"], rated["komentar"]) == ("selesai", 5, "Cepat")

    reported = ok_json(run, "laporbalik", nomor, waktu="2026-11-26 08:30")
    assert reported["dilaporkan_balik"] is True
    assert reported["status"] == "selesai"

    shown = ok_json(run, "lihat", nomor)
    assert CASE_KEYS | {"riwayat"} <= set(shown)
    assert shown["hasil"] == "Bantuan cair 25/11"
    riwayat = shown["riwayat"]
    assert [(e["aksi"], e["dari"], e["ke"]) for e in riwayat] == [
        ("catat", None, "diterima"),
        ("verifikasi", "diterima", "terverifikasi"),
        ("distribusi", "terverifikasi", "didisposisikan"),
        ("tindaklanjut", "didisposisikan", "ditindaklanjuti"),
        ("tindaklanjut", "ditindaklanjuti", "ditindaklanjuti"),
        ("tutup", "ditindaklanjuti", "selesai"),
        ("nilai", "selesai", "selesai"),
        ("laporbalik", "selesai", "selesai"),
    ]
    times = [e["waktu"] for e in riwayat]
    assert times == sorted(times)  # oldest first
    assert times[0] == "2026-11-23T09:00"
    assert times[-1] == "2026-11-26T08:30"
    assert all(e["oleh"] == PETUGAS for e in riwayat)
    assert riwayat[3]["data"] == {"oleh": "Kabid PFM", "ditugaskan": "Pendamping PKH"}
    assert "UPT Kesos Kupang" in riwayat[2]["catatan"]
    assert riwayat[5]["catatan"] == "Bantuan cair 25/11"

    # the same timeline on screen
    code, screen, _ = run("lihat", nomor)
    assert code == 0
    for text in ("Riwayat", "Ditindaklanjuti", "Ditutup", "Dinilai", "5/5"):
        assert text in screen


def test_normative_answer_path(run, catat) -> None:
    nomor = catat(jenis="informasi", uraian="Syarat daftar PKH?")["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    answered = ok_json(run, "distribusi", nomor, "--jawaban-normatif", "Syarat PKH: KTP, KK, ...")
    assert answered["status"] == "dijawab"
    assert answered["unit"] is None
    closed = ok_json(run, "tutup", nomor, "--hasil", "Pelapor puas dengan jawaban")
    assert closed["status"] == "selesai"
    assert closed["dilaporkan_balik"] is None  # not an sp4n-lapor case
    assert history(run, nomor) == [
        ("catat", None, "diterima"),
        ("verifikasi", "diterima", "terverifikasi"),
        ("distribusi", "terverifikasi", "dijawab"),
        ("tutup", "dijawab", "selesai"),
    ]


def test_archive_path(run, catat) -> None:
    nomor = catat(uraian="Akta kelahiran anak belum terbit")["nomor"]
    archived = ok_json(
        run,
        "verifikasi", nomor,
        "--kategori", "Lainnya",
        "--bukan-kewenangan",
        "--alasan", "Akta kelahiran kewenangan Dukcapil",
        "--dirujuk-ke", "Dinas Dukcapil",
        "--nomor-surat", "400/77/DS/2026",
    )  # fmt: skip
    assert archived["status"] == "diarsipkan"
    assert archived["kategori"] == "LAINNYA"
    assert archived["ditutup"] == "2026-11-23T10:00"
    assert archived["tepat_waktu"] is True
    assert "Dinas Dukcapil" in archived["hasil"]
    (entry,) = ok_json(run, "lihat", nomor)["riwayat"][1:]
    assert (entry["dari"], entry["ke"]) == ("diterima", "diarsipkan")
    assert entry["data"]["alasan"] == "Akta kelahiran kewenangan Dukcapil"
    assert entry["data"]["nomor_surat"] == "400/77/DS/2026"
    # an archived case is done: it leaves the open list and takes no further step
    assert ok_json(run, "daftar", "--status", "terbuka") == []
    assert run("distribusi", nomor, "--unit", "Sekretariat")[0] == 1


def test_closing_after_the_deadline_is_recorded_as_late(run, catat) -> None:
    nomor = catat()["nomor"]  # Monday 23 November; deadline Thursday 26
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    ok_json(run, "distribusi", nomor, "--jawaban-normatif", "Dijelaskan")
    closed = ok_json(run, "tutup", nomor, "--hasil", "Selesai", waktu="2026-11-27 08:00")
    assert closed["tepat_waktu"] is False


def test_tutup_dilaporkan_marks_an_sp4n_case_reported(run, catat) -> None:
    nomor = catat(kanal="sp4n-lapor", nomor_lapor="LAP-1")["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "BPNT")
    ok_json(run, "distribusi", nomor, "--jawaban-normatif", "Jadwal penyaluran")
    closed = ok_json(run, "tutup", nomor, "--hasil", "Selesai", "--dilaporkan")
    assert closed["dilaporkan_balik"] is True
    assert ok_json(run, "daftar", "--belum-dilaporkan") == []
    code, out, err = run("laporbalik", nomor)
    assert code == 1
    assert out == ""
    assert "sudah dilaporkan" in err


def test_archived_sp4n_case_waits_to_be_reported_back(run, catat) -> None:
    """An archived SP4N-LAPOR! case must still be answered there (`laporbalik` accepts it):
    until it is, `daftar --belum-dilaporkan` lists it, as it does a closed one."""
    nomor = catat(kanal="sp4n-lapor", nomor_lapor="LAP-2")["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "LAINNYA", "--bukan-kewenangan",
            "--alasan", "Kewenangan Dukcapil")  # fmt: skip
    assert [c["nomor"] for c in ok_json(run, "daftar", "--belum-dilaporkan")] == [nomor]
    assert ok_json(run, "laporbalik", nomor)["dilaporkan_balik"] is True
    assert ok_json(run, "daftar", "--belum-dilaporkan") == []


@pytest.mark.parametrize(
    ("kategori", "kode"), [("dtks", "DTKS"), ("Sembako", "BPNT"), ("pbi-jk", "PBI-JK")]
)
def test_kategori_is_case_insensitive_with_aliases(run, catat, kategori: str, kode: str) -> None:
    nomor = catat()["nomor"]
    assert ok_json(run, "verifikasi", nomor, "--kategori", kategori)["kategori"] == kode


@pytest.mark.parametrize(
    ("unit", "nama"),
    [
        ("pfm", "Bidang Penanganan Fakir Miskin"),
        ("REHSOS", "Bidang Rehabilitasi Sosial"),
        ("sekretariat", "Sekretariat"),
        ("BIDANG  PEMBERDAYAAN SOSIAL", "Bidang Pemberdayaan Sosial"),
    ],
)
def test_unit_by_name_or_short_name_any_case(run, catat, unit: str, nama: str) -> None:
    nomor = catat()["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    assert ok_json(run, "distribusi", nomor, "--unit", unit)["unit"] == nama


def test_case_number_argument_any_case(run, catat) -> None:
    nomor = catat()["nomor"]
    assert ok_json(run, "lihat", nomor.lower())["nomor"] == nomor
    assert ok_json(run, "verifikasi", f" {nomor.lower()} ", "--kategori", "PKH")["nomor"] == nomor


def test_step_commands_json_is_one_case_document(run, catat) -> None:
    nomor = catat(kanal="sp4n-lapor")["nomor"]
    for args in (
        ("verifikasi", nomor, "--kategori", "PKH"),
        ("distribusi", nomor, "--unit", "PFM"),
        ("tindaklanjut", nomor, "--catatan", "Cek"),
        ("tutup", nomor, "--hasil", "Beres"),
        ("laporbalik", nomor),
        ("nilai", nomor, "--skor", "3"),
    ):
        code, out, err = run(*args, "--json")
        assert code == 0, err
        assert out.count("\n") == 1
        case = json.loads(out)
        assert CASE_KEYS <= set(case), args
        assert case["nomor"] == nomor


def test_step_commands_on_screen(run, catat) -> None:
    nomor = catat()["nomor"]
    code, out, err = run("verifikasi", nomor, "--kategori", "PKH")
    assert code == 0
    assert out.strip() == nomor  # data on stdout …
    assert "diterima → terverifikasi" in err  # … the message for the officer on stderr
    code, out, err = run("distribusi", nomor, "--unit", "PFM")
    assert code == 0
    assert "terverifikasi → didisposisikan" in err
