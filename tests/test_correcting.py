"""`lapor_cli.correcting` without the CLI (``ubah``): a corrected case is checked as `catat`
checks a new one, its deadline and on-time verdict follow the corrected facts, the history
keeps old and new values (the identity only masked) with the reason, and every refusal
writes nothing (SPEC §7).

Dates are hand-checked on the 2026 calendar: no holiday in November; Mon 16, Mon 23 and
Mon 30 Nov 2026 are Mondays.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from conftest import HP, HP_E164, KK, MON_23, NIK, NIK_KUPANG, at, eod, register_rows
from conftest import LIBRARY_OFFICER as PETUGAS
from conftest import record_letter as catat
from lapor_cli.correcting import correct_case
from lapor_cli.db import KNOWN_REVISIONS
from lapor_cli.entries import case_history
from lapor_cli.errors import NotFoundError, StatusError, ValidationError
from lapor_cli.handling import (
    close_case,
    distribute_case,
    follow_up_case,
    get_case,
    void_case,
)
from lapor_cli.handling import verify_case as verify_case_
from lapor_cli.listing import show_case
from lapor_cli.maintenance import check_connection


def ubah(session: Session, nomor: str, *, now: datetime = MON_23, alasan="Salah ketik", **fields):
    return correct_case(session, nomor, fields, now=now, petugas=PETUGAS, alasan=alasan)


def last_entry(session: Session, nomor: str):
    return case_history(session, get_case(session, nomor))[-1]


def verify(session: Session, nomor: str, now: datetime, **kw: object):
    kw.setdefault("kategori", "PKH")
    kw.setdefault("kewenangan", True)
    return verify_case_(session, nomor, now=now, petugas=PETUGAS, **kw)


# -- what a correction does ----------------------------------------------------------------------


def test_a_corrected_receipt_moves_the_deadline(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-20 09:15")  # Fri → due Wed 25 Nov
    assert get_case(session, nomor).diterima == at("2026-11-20 09:15")
    done = ubah(session, nomor, diterima="2026-11-17 09:15", alasan="Tanggal di formulir 17/11")
    assert (done.batas_sebelum, done.batas_waktu) == (eod("2026-11-25"), eod("2026-11-20"))
    assert done.view["diterima"] == "2026-11-17T09:15"
    assert done.view["batas_waktu"] == "2026-11-20"
    assert done.perubahan == {"diterima": ("2026-11-20T09:15", "2026-11-17T09:15")}
    entry = last_entry(session, nomor)
    assert (entry.aksi, entry.dari_status, entry.ke_status) == ("ubah", "diterima", "diterima")
    assert entry.catatan == "Koreksi diterima: Tanggal di formulir 17/11"
    assert entry.data == {
        "alasan": "Tanggal di formulir 17/11",
        "perubahan": {"diterima": {"lama": "2026-11-20T09:15", "baru": "2026-11-17T09:15"}},
    }
    assert (entry.waktu, entry.dicatat) == (MON_23, MON_23)
    assert check_connection(session.connection(), KNOWN_REVISIONS).problems == []


def test_identity_is_kept_in_the_history_only_masked(session: Session) -> None:
    nomor = catat(session, nama="Siti Aminha", nik=NIK, hp=HP, email="siti@contoh.id")
    done = ubah(
        session,
        nomor,
        nama="Siti Aminah",
        nik=NIK_KUPANG,
        kk=KK,
        hp="0813 1111 2222",
        email="aminah@contoh.id",
        alamat="Jl. Eltari 6",
    )
    case = get_case(session, nomor)  # the row holds the real values
    assert (case.nama, case.nik, case.kk, case.hp) == (
        "Siti Aminah",
        NIK_KUPANG,
        KK,
        "+6281311112222",
    )
    assert (case.email, case.alamat) == ("aminah@contoh.id", "Jl. Eltari 6")
    entry = last_entry(session, nomor)
    assert entry.data["perubahan"] == {
        "nama": {"lama": "S*** A*****", "baru": "S*** A*****"},
        "nik": {"lama": "3171********0001", "baru": "5371********0002"},
        "kk": {"lama": None, "baru": "3171********0001"},
        "hp": {"lama": "+62812****7890", "baru": "+62813****2222"},
        "email": {"lama": "s***@contoh.id", "baru": "a***@contoh.id"},
        "alamat": {"lama": None, "baru": "J** E***** 6"},
    }
    stored = repr((entry.catatan, entry.data))
    for secret in (NIK, NIK_KUPANG, KK, HP_E164, "+6281311112222", "Aminah", "Eltari"):
        assert secret not in stored
    # screens show what screens show everywhere: the name, NIK and phone masked
    assert done.perubahan["nama"] == ("Siti Aminha", "Siti Aminah")
    assert done.perubahan["nik"] == ("3171********0001", "5371********0002")
    revealed = show_case(session, nomor, now=MON_23, reveal=True, petugas="Ani")
    assert revealed["nik"] == NIK_KUPANG  # --lengkap opens the row, never the history
    assert revealed["riwayat"][1]["data"]["perubahan"]["nik"]["lama"] == "3171********0001"


def test_an_empty_text_clears_an_optional_field(session: Session) -> None:
    nomor = catat(session, hp=HP, email="siti@contoh.id")
    ubah(session, nomor, hp="", email="  ")
    case = get_case(session, nomor)
    assert (case.hp, case.email) == (None, None)
    assert last_entry(session, nomor).data["perubahan"]["hp"] == {
        "lama": "+62812****7890",
        "baru": None,
    }


def test_a_value_equal_to_the_recorded_one_is_no_change(session: Session) -> None:
    nomor = catat(session, hp=HP)
    done = ubah(session, nomor, nama=" Maria Bere ", hp="+62 812-3456-7890", kanal="WhatsApp")
    assert list(done.perubahan) == ["kanal"]  # the name and the phone are the same


PROFILE = """
judul = "Uji: per kanal, segera dan kategori"
sumber = "Uji"

[[aturan]]
kanal = "sp4n-lapor"
hari_kerja = 8

[[aturan]]
segera = true
hari_kerja = 1

[[aturan]]
kategori = "PKH"
hari_kerja = 10

[[aturan]]
hari_kerja = 3
"""


@pytest.fixture
def profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    folder = tmp_path / "kantor" / "sla"
    folder.mkdir(parents=True)
    (folder / "uji-ubah.toml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.setenv("LAPOR_DATA", str(tmp_path / "kantor"))
    return "uji-ubah"


def test_corrected_facts_choose_the_rule_again_under_the_cases_profile(
    session: Session, profile: str
) -> None:
    nomor = catat(session, profile=profile)  # a letter: 3 working days
    assert get_case(session, nomor).sla_nilai == 3
    # the register has since moved to another profile: the case keeps its own
    done = ubah(session, nomor, kanal="sp4n-lapor", nomor_lapor="LAP-1", alasan="Dari SP4N")
    assert done.view["sla"]["profil"] == profile and done.view["sla"]["nilai"] == 8
    assert done.batas_waktu == eod("2026-12-03")  # 8 working days from Mon 23 Nov
    assert last_entry(session, nomor).data["sla"] == {
        "lama": "3 hari kerja",
        "baru": "8 hari kerja",
    }
    done = ubah(session, nomor, kanal="surat", segera=True, alasan="Surat, pelapor lansia sakit")
    assert done.view["sla"]["nilai"] == 1 and done.view["segera"] is True
    done = ubah(session, nomor, segera=False, alasan="Bukan mendesak")
    assert done.view["sla"]["nilai"] == 3

    # the category counts once verification put the case within the office's authority
    verify(session, nomor, at("2026-11-23 11:00"), kategori="DTKS")
    done = ubah(session, nomor, kategori="pkh", alasan="Salah kategori")
    assert (done.view["kategori"], done.view["sla"]["nilai"]) == ("PKH", 10)
    assert done.perubahan["kategori"] == ("DTKS", "PKH")


def test_a_closed_case_is_judged_again(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-23 08:00")  # due Thu 26 Nov
    verify(session, nomor, at("2026-11-23 11:00"))
    distribute_case(session, nomor, now=at("2026-11-23 12:00"), petugas=PETUGAS, unit="PFM")
    follow_up_case(session, nomor, now=at("2026-11-24 12:00"), petugas=PETUGAS, catatan="Cek")
    done = close_case(session, nomor, now=at("2026-11-26 15:00"), petugas=PETUGAS, hasil="Cair")
    assert done.view["tepat_waktu"] is True
    # the form says it came in on Fri 20 Nov: due Wed 25 Nov, closed Thursday: late
    later = at("2026-11-27 09:00")
    done = ubah(session, nomor, now=later, diterima="2026-11-20 08:00", alasan="Cap pos 20/11")
    assert done.view["tepat_waktu"] is False
    assert done.tepat_waktu == (True, False)
    assert last_entry(session, nomor).data["tepat_waktu"] == {"lama": True, "baru": False}
    assert get_case(session, nomor).status == "selesai"
    assert check_connection(session.connection(), KNOWN_REVISIONS).problems == []


def test_a_confidential_uraian_stays_hidden_in_the_history(session: Session) -> None:
    nomor = catat(session, uraian="Pendamping minta uang 3171014101900001", rahasia=True)
    ubah(session, nomor, uraian="Pendamping minta uang Rp200.000", alasan="Jumlah ditambah")
    shown = show_case(session, nomor, now=MON_23)
    change = shown["riwayat"][-1]["data"]["perubahan"]["uraian"]
    assert change == {"lama": "(rahasia)", "baru": "(rahasia)"}
    revealed = show_case(session, nomor, now=MON_23, reveal=True, petugas="Ani")
    assert revealed["riwayat"][-2]["data"]["perubahan"]["uraian"]["baru"] == (
        "Pendamping minta uang Rp200.000"
    )
    open_case = catat(session, uraian="NIK 3171014101900001 tidak terdaftar")
    ubah(session, open_case, uraian="NIK 3171014101900001 tidak terdaftar di DTKS")
    change = show_case(session, open_case, now=MON_23)["riwayat"][-1]["data"]["perubahan"]
    assert change["uraian"]["lama"] == "NIK 3171********0001 tidak terdaftar"  # masked in text


# -- refusals write nothing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "alasan", "field", "said"),
    [
        ({}, "x", "ubah", "Sebutkan isian yang dikoreksi"),
        ({"nama": "Budi"}, None, "alasan", "--alasan wajib"),
        ({"nama": "Budi"}, "  ", "alasan", "--alasan wajib"),
        ({"nama": "Maria Bere"}, "x", "ubah", "Tidak ada yang berubah"),
        ({"nik": "1234"}, "x", "nik", "NIK harus 16 digit"),
        ({"nama": ""}, "x", "nama", "Nama pelapor wajib diisi"),
        ({"uraian": " "}, "x", "uraian", "Uraian tidak boleh kosong"),
        ({"kanal": "fax"}, "x", "kanal", "Kanal 'fax' tidak dikenal"),
        ({"diterima": "2026-11-24 09:00"}, "x", "diterima", "masa depan"),
        ({"diterima": "kapan-kapan"}, "x", "diterima", "tidak dikenali"),
        ({"kategori": "PKH"}, "x", "kategori", "belum diverifikasi"),
        ({"nama": "Budi\u202e"}, "x", "nama", "karakter tak terlihat"),
    ],
)
def test_refusals_write_nothing(session: Session, fields, alasan, field, said) -> None:
    nomor = catat(session)
    before = register_rows(session)
    with pytest.raises(ValidationError) as refused:
        ubah(session, nomor, alasan=alasan, **fields)
    assert refused.value.field == field
    assert said in refused.value.message
    assert register_rows(session) == before


def test_a_receipt_after_recording_or_after_the_first_step_is_refused(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-20 09:00", now=at("2026-11-20 12:00"))
    verify(session, nomor, at("2026-11-20 12:30"), pada="2026-11-20 09:45")
    before = register_rows(session)
    with pytest.raises(ValidationError, match="sesudah kasus DS-2026-00001 dicatat"):
        ubah(session, nomor, diterima="2026-11-20 12:10")
    with pytest.raises(ValidationError, match="sesudah langkah `verifikasi`") as refused:
        ubah(session, nomor, diterima="2026-11-20 09:50")
    assert refused.value.field == "diterima"
    assert register_rows(session) == before
    ubah(session, nomor, diterima="2026-11-20 09:45")  # up to the first step itself


def test_anonim_voided_and_unknown_cases_are_refused(session: Session) -> None:
    anonim = catat(session, anonim=True, nama=None)
    voided = catat(session)
    void_case(session, voided, now=MON_23, petugas=PETUGAS, alasan="Salah catat")
    before = register_rows(session)
    with pytest.raises(ValidationError, match="anonim") as refused:
        ubah(session, anonim, nik=NIK)
    assert refused.value.field == "nik"
    with pytest.raises(StatusError, match="dibatalkan"):
        ubah(session, voided, nama="Budi")
    with pytest.raises(NotFoundError):
        ubah(session, "DS-2026-09999", nama="Budi")
    assert register_rows(session) == before
