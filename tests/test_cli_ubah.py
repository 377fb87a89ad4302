"""`lapor ubah`: intake fields corrected through the CLI, with the reason; the deadline follows
the corrected facts; the history keeps old and new values, the identity masked; a refusal is
one `Ditolak:` line and writes nothing (SPEC §4, §7)."""

from __future__ import annotations

import json

import pytest

from conftest import CASE_KEYS, HP, NIK, NIK_KUPANG, Runner, dump_register, ok_json, refused


def test_a_corrected_receipt_date_moves_the_deadline(run: Runner, catat) -> None:
    case = catat(diterima="2026-11-20 09:15")  # Friday: due Wednesday 25 November
    assert case["batas_waktu"] == "2026-11-25"
    code, out, err = run(
        "ubah",
        case["nomor"],
        "--diterima",
        "19/11/2026 09:15",
        "--alasan",
        "Tanggal formulir 19/11",
    )
    assert code == 0, err
    assert out == "DS-2026-00001\n"
    assert err.splitlines() == [
        "Dikoreksi: DS-2026-00001 (status diterima)",
        "  diterima: 20 November 2026 09:15 → 19 November 2026 09:15",
        "Batas waktu: Rabu, 25 November 2026 → Selasa, 24 November 2026.",
    ]
    shown = ok_json(run, "lihat", case["nomor"])
    assert (shown["diterima"], shown["batas_waktu"]) == ("2026-11-19T09:15", "2026-11-24")
    (line,) = ok_json(run, "sla")
    assert line["batas_waktu"] == "2026-11-24"
    entry = shown["riwayat"][-1]
    assert (entry["aksi"], entry["dari"], entry["ke"], entry["oleh"]) == (
        "ubah",
        "diterima",
        "diterima",
        "Petugas Uji",
    )
    assert entry["catatan"] == "Koreksi diterima: Tanggal formulir 19/11"
    assert entry["data"]["perubahan"] == {
        "diterima": {"lama": "2026-11-20T09:15", "baru": "2026-11-19T09:15"}
    }


def test_json_prints_the_case_and_the_changes_masked_as_on_screens(run: Runner, catat) -> None:
    nomor = catat(nik=NIK, hp=HP, nama="Siti Aminha")["nomor"]
    view = ok_json(
        run, "ubah", nomor, "--nama", "Siti Aminah", "--nik", NIK_KUPANG, "--alasan", "Salah ketik"
    )
    assert CASE_KEYS <= set(view)
    assert (view["nama"], view["nik"]) == ("Siti Aminah", "5371********0002")
    assert view["perubahan"] == {
        "nama": {"lama": "Siti Aminha", "baru": "Siti Aminah"},
        "nik": {"lama": "3171********0001", "baru": "5371********0002"},
    }
    shown = ok_json(run, "lihat", nomor)
    assert shown["riwayat"][-1]["data"]["perubahan"] == {
        "nama": {"lama": "S*** A*****", "baru": "S*** A*****"},
        "nik": {"lama": "3171********0001", "baru": "5371********0002"},
    }
    everything = dump_register() or ""
    assert NIK_KUPANG in everything  # the row holds it
    code, out, _ = run("lihat", nomor)
    assert code == 0 and "nik: 3171********0001 → 5371********0002" in out
    assert NIK not in out and NIK_KUPANG not in out


def test_identity_can_come_from_standard_input(run: Runner, catat) -> None:
    nomor = catat(nik=NIK)["nomor"]
    code, _, err = run("ubah", nomor, "--nik", "-", "--alasan", "KTP baru", input=f"{NIK_KUPANG}\n")
    assert code == 0, err
    assert "NIK: 3171********0001 → 5371********0002" in err


def test_a_channel_correction_chooses_the_rule_of_the_cases_profile(run: Runner, catat) -> None:
    assert run("profil", "kota-kupang")[0] == 0
    nomor = catat(kanal="surat", diterima="2026-11-23 08:00")["nomor"]  # 7 working days
    assert run("profil", "kemensos")[0] == 0  # the register moved on; the case keeps its own
    view = ok_json(
        run,
        "ubah",
        nomor,
        "--kanal",
        "sp4n-lapor",
        "--nomor-lapor",
        "LAP-9",
        "--alasan",
        "Dari LAPOR",
    )
    assert view["sla"]["profil"] == "kota-kupang" and view["sla"]["nilai"] == 8
    assert view["batas_waktu"] == "2026-12-03"
    shown = ok_json(run, "lihat", nomor)
    assert shown["riwayat"][-1]["data"]["sla"] == {"lama": "7 hari kerja", "baru": "8 hari kerja"}


def test_a_closed_case_is_judged_again(run: Runner, catat) -> None:
    nomor = catat(diterima="2026-11-23 08:00")["nomor"]  # due Thursday 26 November
    for step in (
        ["verifikasi", nomor, "--kategori", "PKH", "--pada", "2026-11-23 09:00"],
        ["distribusi", nomor, "--unit", "PFM", "--pada", "2026-11-23 10:00"],
        ["tindaklanjut", nomor, "--catatan", "Survei", "--pada", "2026-11-24 10:00"],
        ["tutup", nomor, "--hasil", "Cair", "--pada", "2026-11-26 15:00"],
    ):
        assert run(*step, waktu="2026-11-27 09:00")[0] == 0
    assert ok_json(run, "lihat", nomor, waktu="2026-11-27 09:00")["tepat_waktu"] is True
    code, _, err = run(
        "ubah", nomor, "--diterima", "2026-11-20 08:00", "--alasan", "Cap pos 20/11",
        waktu="2026-11-27 09:30",
    )  # fmt: skip
    assert code == 0, err
    assert "Dinilai ulang: kasus ini ditutup terlambat menurut data yang benar." in err
    assert ok_json(run, "lihat", nomor, waktu="2026-11-27 09:30")["tepat_waktu"] is False


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--alasan", "x"], "Sebutkan isian yang dikoreksi"),
        (["--nama", "Budi"], "--alasan wajib"),
        (["--nama", "Siti Aminah", "--alasan", "x"], "Tidak ada yang berubah"),
        (["--nik", "12345", "--alasan", "x"], "NIK harus 16 digit (diberikan 5)"),
        (["--kanal", "fax", "--jenis", "keluhan", "--alasan", "x"], "Kanal 'fax' tidak dikenal"),
        (["--diterima", "2026-12-01", "--alasan", "x"], "masa depan"),
        (["--kategori", "PKH", "--alasan", "x"], "belum diverifikasi"),
        (["--nama", "", "--alasan", "x"], "Nama pelapor wajib diisi"),
    ],
)
def test_refusals_write_nothing(run: Runner, catat, args, said) -> None:
    nomor = catat()["nomor"]
    err = refused(run, "ubah", nomor, *args)
    assert said in err


def test_unknown_and_voided_cases_are_refused(run: Runner, catat) -> None:
    nomor = catat()["nomor"]
    assert run("batal", nomor, "--alasan", "Uji coba")[0] == 0
    assert "sudah dibatalkan" in refused(run, "ubah", nomor, "--nama", "Budi", "--alasan", "x")
    assert "tidak ada di register" in refused(
        run, "ubah", "DS-2026-00099", "--nama", "Budi", "--alasan", "x"
    )


def test_the_chain_still_verifies(run: Runner, catat) -> None:
    nomor = catat(nik=NIK)["nomor"]
    ok_json(run, "ubah", nomor, "--uraian", "PKH tahap 4 belum cair", "--alasan", "Lengkapi")
    code, out, err = run("periksa", "--json")
    assert code == 0, err
    assert json.loads(out)["masalah"] == []


def test_a_case_recorded_long_ago_can_still_be_corrected(run: Runner, catat) -> None:
    """Bug: every correction of a case received over 30 days ago was refused as an old-receipt
    slip, with advice (--lama) that ubah did not take."""
    case = catat(diterima="2026-09-01 09:00", lama=True)
    code, out, err = run("ubah", case["nomor"], "--nama", "Siti Aminah Daud", "--alasan", "typo")
    assert code == 0, err
    assert ok_json(run, "lihat", case["nomor"])["riwayat"][-1]["aksi"] == "ubah"


def test_a_corrected_receipt_long_ago_needs_lama_as_in_catat(run: Runner, catat) -> None:
    case = catat(diterima="2026-09-01 09:00", lama=True)
    err = refused(run, "ubah", case["nomor"], "--diterima", "2026-09-02 09:00", "--alasan", "x")
    assert "2 September 2026" in err and "--lama" in err
    code, out, err = run(
        "ubah", case["nomor"], "--diterima", "2026-09-02 09:00", "--lama", "--alasan", "x"
    )
    assert code == 0, err
    assert ok_json(run, "lihat", case["nomor"])["diterima"] == "2026-09-02T09:00"
