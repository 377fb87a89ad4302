"""`lapor_cli.handling` without the CLI: the SOP walk (verifikasi → distribusi → tindaklanjut →
tutup → nilai, laporbalik for SP4N-LAPOR!), refusals that change nothing, archiving outside
the office's authority, a profile's category rule taking over at verification, and the steps
that move a deadline: tunda/lanjut and perpanjang (SPEC §2, §3).

Dates are hand-checked on the 2026 calendar: no holiday in November; Mon 2, Mon 9, Mon 23 and
Mon 30 Nov 2026 are Mondays.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlmodel import Session

from conftest import LIBRARY_OFFICER as PETUGAS
from conftest import MON_23, at, eod, register_rows
from conftest import record_letter as catat
from lapor_cli.db import KNOWN_REVISIONS
from lapor_cli.entries import case_history
from lapor_cli.errors import NotFoundError, StatusError, ValidationError
from lapor_cli.handling import (
    Handled,
    close_case,
    distribute_case,
    extend_case,
    follow_up_case,
    get_case,
    pause_case,
    rate_case,
    report_back_case,
    resume_case,
    verify_case,
)
from lapor_cli.maintenance import check_connection


def steps(session: Session, nomor: str) -> list[tuple[str, str | None, str | None]]:
    """The case's history as (aksi, from, to), oldest first."""
    entries = case_history(session, get_case(session, nomor))
    return [(e.aksi, e.dari_status, e.ke_status) for e in entries]


def verify(session: Session, nomor: str, now: datetime, **kw: object) -> Handled:
    kw.setdefault("kategori", "PKH")
    kw.setdefault("kewenangan", True)
    return verify_case(session, nomor, now=now, petugas=PETUGAS, **kw)


def answer(session: Session, nomor: str) -> Handled:
    """Verified at 11:00 and answered normatively at 12:00 on Mon 23 Nov."""
    verify(session, nomor, at("2026-11-23 11:00"))
    return distribute_case(
        session, nomor, now=at("2026-11-23 12:00"), petugas=PETUGAS, jawaban_normatif="Ya"
    )


# -- the SOP walk --------------------------------------------------------------------------------


def test_forwarded_case_walks_the_whole_sop(session: Session) -> None:
    nomor = catat(session)
    done = verify(session, nomor, at("2026-11-24 09:00"), kategori="pkh")
    assert (done.step.aksi, done.view["status"], done.view["kategori"]) == (
        "verifikasi",
        "terverifikasi",
        "PKH",  # the category's code, whatever its case
    )
    assert done.batas_waktu == eod("2026-11-26") and done.batas_sebelum is None

    done = distribute_case(
        session, nomor, now=at("2026-11-24 11:00"), petugas=PETUGAS, unit="pfm",
        tembusan=["UPT Kupang", "  "], catatan="Mohon survei",
    )  # fmt: skip
    assert done.view["status"] == "didisposisikan"
    assert done.view["unit"] == "Bidang Penanganan Fakir Miskin"  # the unit's short name
    assert done.view["tembusan"] == ["UPT Kupang"]
    assert get_case(session, nomor).didistribusikan == at("2026-11-24 11:00")

    for day, note in (("2026-11-25 10:00", "Survei TKSK"), ("2026-11-26 09:00", "Bantuan cair")):
        done = follow_up_case(
            session, nomor, now=at(day), petugas=PETUGAS, catatan=note, oleh="TKSK Oebobo",
            tugaskan="SDM Kesos",
        )  # fmt: skip
        assert done.view["status"] == "ditindaklanjuti"
    assert get_case(session, nomor).tindaklanjut_terakhir == at("2026-11-26 09:00")

    done = close_case(
        session, nomor, now=at("2026-11-26 15:00"), petugas=PETUGAS, hasil="Bantuan sudah cair"
    )
    assert done.view["status"] == "selesai"
    assert (done.view["ditutup"], done.view["hasil"]) == ("2026-11-26T15:00", "Bantuan sudah cair")
    assert done.view["tepat_waktu"] is True
    assert done.view["dilaporkan_balik"] is None  # not an SP4N-LAPOR! case

    done = rate_case(
        session, nomor, now=at("2026-11-27 10:00"), petugas=PETUGAS, skor=4, komentar=" Cepat "
    )
    assert (done.view["status"], done.view["skor"], done.view["komentar"]) == (
        "selesai",
        4,
        "Cepat",
    )

    assert steps(session, nomor) == [
        ("catat", None, "diterima"),
        ("verifikasi", "diterima", "terverifikasi"),
        ("distribusi", "terverifikasi", "didisposisikan"),
        ("tindaklanjut", "didisposisikan", "ditindaklanjuti"),
        ("tindaklanjut", "ditindaklanjuti", "ditindaklanjuti"),
        ("tutup", "ditindaklanjuti", "selesai"),
        ("nilai", "selesai", "selesai"),
    ]
    entries = case_history(session, get_case(session, nomor))
    assert entries[3].data == {"oleh": "TKSK Oebobo", "ditugaskan": "SDM Kesos"}
    # the closing keeps the deadline its verdict was given against (issue 18 item 7)
    assert entries[5].data == {
        "tepat_waktu": True,
        "batas_waktu_saat_ditutup": "2026-11-26T23:59:59",
    }
    assert {e.oleh for e in entries} == {PETUGAS}
    assert check_connection(session.connection(), KNOWN_REVISIONS).problems == []


def test_normative_answer_then_close_late(session: Session) -> None:
    nomor = catat(session, nomor_formulir="F-1")
    verify(session, nomor, at("2026-11-23 11:00"), kategori="DTKS")
    done = distribute_case(
        session, nomor, now=at("2026-11-23 12:00"), petugas=PETUGAS,
        jawaban_normatif="Pendaftaran DTKS lewat kelurahan",
    )  # fmt: skip
    assert done.view["status"] == "dijawab" and done.view["unit"] is None
    # Closed the first second after the deadline (end of Thu 26 Nov): not on time.
    done = close_case(session, nomor, now=at("2026-11-27 00:00"), petugas=PETUGAS, hasil="Dijawab")
    assert (done.view["status"], done.view["tepat_waktu"]) == ("selesai", False)


def test_sp4n_lapor_case_is_reported_back_once(session: Session) -> None:
    nomor = catat(session, kanal="sp4n-lapor", nomor_lapor="LAP-2611")
    verify(session, nomor, at("2026-11-23 11:00"))
    distribute_case(session, nomor, now=at("2026-11-23 12:00"), petugas=PETUGAS, unit="Sekretariat")
    follow_up_case(session, nomor, now=at("2026-11-24 10:00"), petugas=PETUGAS, catatan="Dicek")
    done = close_case(session, nomor, now=at("2026-11-25 10:00"), petugas=PETUGAS, hasil="Beres")
    assert done.view["dilaporkan_balik"] is False  # still to be done on SP4N-LAPOR!
    assert done.step.data == {
        "tepat_waktu": True,
        "dilaporkan_balik": False,
        "batas_waktu_saat_ditutup": "2026-11-26T23:59:59",
    }

    done = report_back_case(session, nomor, now=at("2026-11-25 11:00"), petugas=PETUGAS)
    assert (done.step.aksi, done.view["status"], done.view["dilaporkan_balik"]) == (
        "laporbalik",
        "selesai",
        True,
    )
    before = register_rows(session)
    with pytest.raises(StatusError, match="sudah dilaporkan balik"):
        report_back_case(session, nomor, now=at("2026-11-25 12:00"), petugas=PETUGAS)
    assert register_rows(session) == before
    assert steps(session, nomor)[-1] == ("laporbalik", "selesai", "selesai")

    at_once = catat(session, kanal="sp4n-lapor", nomor_lapor="LAP-2612")
    answer(session, at_once)
    done = close_case(
        session, at_once, now=at("2026-11-23 13:00"), petugas=PETUGAS, hasil="Ya", dilaporkan=True
    )
    assert done.view["dilaporkan_balik"] is True


def test_report_back_is_only_for_sp4n_lapor_cases(session: Session) -> None:
    nomor = catat(session)
    answer(session, nomor)
    with pytest.raises(ValidationError, match="dilaporkan") as refused:
        close_case(session, nomor, now=MON_23, petugas=PETUGAS, hasil="Ya", dilaporkan=True)
    assert refused.value.field == "dilaporkan"
    close_case(session, nomor, now=at("2026-11-23 13:00"), petugas=PETUGAS, hasil="Ya")
    before = register_rows(session)
    with pytest.raises(ValidationError, match="bukan dari kanal sp4n-lapor") as refused:
        report_back_case(session, nomor, now=at("2026-11-23 14:00"), petugas=PETUGAS)
    assert refused.value.field == "kanal"
    assert register_rows(session) == before


# -- refusals ------------------------------------------------------------------------------------

WHEN = datetime(2026, 11, 24, 9, 0)

#: Each step with values that would be accepted in the right status.
STEPS = {
    "distribusi": lambda s, n: distribute_case(s, n, now=WHEN, petugas=PETUGAS, unit="PFM"),
    "tindaklanjut": lambda s, n: follow_up_case(s, n, now=WHEN, petugas=PETUGAS, catatan="x"),
    "tutup": lambda s, n: close_case(s, n, now=WHEN, petugas=PETUGAS, hasil="x"),
    "nilai": lambda s, n: rate_case(s, n, now=WHEN, petugas=PETUGAS, skor=5),
    "laporbalik": lambda s, n: report_back_case(s, n, now=WHEN, petugas=PETUGAS),
    "verifikasi": lambda s, n: verify(s, n, WHEN),
    "tunda": lambda s, n: pause_case(s, n, now=WHEN, petugas=PETUGAS, alasan="Menunggu KK"),
    "perpanjang": lambda s, n: extend_case(s, n, now=WHEN, petugas=PETUGAS, alasan="x"),
}


@pytest.mark.parametrize("command", ["distribusi", "tindaklanjut", "tutup", "nilai", "laporbalik"])
def test_a_step_that_does_not_fit_a_new_case_changes_nothing(
    session: Session, command: str
) -> None:
    nomor = catat(session, kanal="sp4n-lapor", nomor_lapor="LAP-1")
    before = register_rows(session)
    with pytest.raises(StatusError) as refused:
        STEPS[command](session, nomor)
    assert refused.value.message.startswith(f"Kasus {nomor} berstatus 'diterima'; `{command}`")
    assert refused.value.message.endswith("Langkah berikutnya: `lapor verifikasi`.")
    assert register_rows(session) == before


@pytest.mark.parametrize("command", ["verifikasi", "distribusi", "tunda", "perpanjang", "nilai"])
def test_a_step_that_does_not_fit_a_rated_case_changes_nothing(
    session: Session, command: str
) -> None:
    nomor = catat(session, profile="kemensos-uu14", jenis="informasi")  # extensible rule
    answer(session, nomor)
    close_case(session, nomor, now=at("2026-11-23 13:00"), petugas=PETUGAS, hasil="Ya")
    rate_case(session, nomor, now=at("2026-11-23 14:00"), petugas=PETUGAS, skor=3)
    before = register_rows(session)
    with pytest.raises(StatusError):
        STEPS[command](session, nomor)
    assert register_rows(session) == before


def test_bad_values_and_unknown_case_change_nothing(session: Session) -> None:
    nomor = catat(session)
    before = register_rows(session)
    with pytest.raises(NotFoundError, match="DS-2026-09999"):
        verify(session, "DS-2026-09999", WHEN)
    with pytest.raises(ValidationError) as refused:
        verify(session, nomor, WHEN, kategori="ZAKAT")
    assert refused.value.field == "kategori"
    with pytest.raises(ValidationError, match="--alasan wajib"):
        verify(session, nomor, WHEN, kewenangan=False, alasan="  ")
    assert register_rows(session) == before
    verify(session, f"  {nomor.lower()} ", WHEN)  # a number as typed: spaces, lower case
    before = register_rows(session)
    with pytest.raises(ValidationError, match="bukan keduanya"):
        distribute_case(session, nomor, now=WHEN, petugas=PETUGAS, unit="PFM", jawaban_normatif="x")
    with pytest.raises(ValidationError, match="--unit"):
        distribute_case(session, nomor, now=WHEN, petugas=PETUGAS)
    assert register_rows(session) == before


# -- outside the office's authority --------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "on_time"),
    [("2026-11-26 23:59", True), ("2026-11-27 08:00", False)],
)
def test_outside_authority_is_archived_on_time_or_not_as_of_then(
    session: Session, moment: str, on_time: bool
) -> None:
    nomor = catat(session, kanal="sp4n-lapor", nomor_lapor="LAP-3")
    done = verify(
        session, nomor, at(moment), kategori="lainnya", kewenangan=False,
        alasan="Urusan Dukcapil", dirujuk_ke="Dinas Dukcapil", nomor_surat="400/12/2026",
    )  # fmt: skip
    assert done.view["status"] == "diarsipkan"
    assert (done.view["ditutup"], done.view["tepat_waktu"]) == (moment.replace(" ", "T"), on_time)
    assert done.view["hasil"] == (
        "Pelapor diberi tahu: bukan kewenangan Dinas Sosial. Urusan Dukcapil. "
        "Dirujuk ke Dinas Dukcapil dengan surat 400/12/2026."
    )
    assert done.step.data["tepat_waktu"] is on_time
    assert done.view["dilaporkan_balik"] is False  # the reporter is still told on SP4N-LAPOR!
    assert done.view["sla"]["nilai"] == 3
    report_back_case(session, nomor, now=at("2026-11-30 09:00"), petugas=PETUGAS)
    assert steps(session, nomor)[-2:] == [
        ("verifikasi", "diterima", "diarsipkan"),
        ("laporbalik", "diarsipkan", "diarsipkan"),
    ]


# -- a category rule of the profile --------------------------------------------------------------

CATEGORY_PROFILE = """\
judul = "Uji: PKH perlu survei lapangan"
sumber = "SOP uji"

[[aturan]]
kategori = ["pkh", "bpnt"]
hari_kerja = 10
keterangan = "Bansos: survei lapangan"

[[aturan]]
hari_kerja = 3
"""


@pytest.fixture
def category_profile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An office profile (in LAPOR_DATA) whose PKH/BPNT cases get 10 working days."""
    folder = tmp_path / "kantor" / "sla"
    folder.mkdir(parents=True)
    (folder / "uji-kategori.toml").write_text(CATEGORY_PROFILE, encoding="utf-8")
    monkeypatch.setenv("LAPOR_DATA", str(tmp_path / "kantor"))
    return "uji-kategori"


def test_category_rule_replaces_the_case_rule_at_verification(
    session: Session, category_profile: str
) -> None:
    pkh = catat(session, profile=category_profile)
    dtks = catat(session, profile=category_profile)
    archived = catat(session, profile=category_profile)

    done = verify(session, pkh, at("2026-11-24 09:00"), kategori="PKH")
    assert done.view["sla"] == {
        "profil": "uji-kategori",
        "satuan": "hari_kerja",
        "nilai": 10,
        "perpanjangan": 0,
        "diperpanjang": False,
    }
    # 10 working days from Mon 23 Nov: 24-27, 30 Nov, 1-4, 7 Dec (was Thu 26 Nov)
    assert done.batas_waktu == eod("2026-12-07")
    assert done.step.data["sla"] == "10 hari kerja"

    done = verify(session, dtks, at("2026-11-24 09:00"), kategori="DTKS")
    assert (done.view["sla"]["nilai"], done.batas_waktu) == (3, eod("2026-11-26"))
    assert "sla" not in done.step.data

    # Outside the authority the case is over: its rule (and verdict) stay as recorded.
    done = verify(
        session, archived, at("2026-11-27 09:00"), kategori="PKH", kewenangan=False,
        alasan="Bukan urusan Dinsos",
    )  # fmt: skip
    assert (done.view["sla"]["nilai"], done.view["tepat_waktu"]) == (3, False)


# -- pausing the clock ---------------------------------------------------------------------------


def test_pause_and_resume_move_the_deadline_by_the_paused_working_days(
    session: Session,
) -> None:
    nomor = catat(session, now=at("2026-11-02 10:00"))  # Mon: due Thu 5 Nov
    done = pause_case(
        session, nomor, now=at("2026-11-03 09:00"), petugas=PETUGAS, alasan=" Menunggu KK "
    )
    assert (done.step.aksi, done.view["status"]) == ("tunda", "diterima")
    assert done.step.catatan == "Ditunda: Menunggu KK"
    assert done.batas_waktu == eod("2026-11-05")  # nothing paused yet

    done = resume_case(session, nomor, now=at("2026-11-06 09:00"), petugas=PETUGAS)
    assert done.step.aksi == "lanjut"
    assert done.step.catatan == "Dilanjutkan (ditunda sejak 03/11/2026 09:00)"
    # Paused Wed 4, Thu 5, Fri 6: 3 + 3 working days after Mon 2 Nov = Tue 10 Nov.
    assert done.batas_waktu == eod("2026-11-10")

    # A second pause adds its own days: Tue 10, Wed 11 and Thu 12 -> Fri 13 Nov.
    pause_case(session, nomor, now=at("2026-11-09 09:00"), petugas=PETUGAS, alasan="Menunggu SKTM")
    done = resume_case(session, nomor, now=at("2026-11-12 09:00"), petugas=PETUGAS)
    assert done.batas_waktu == eod("2026-11-13")
    # One begun on the deadline's own day freezes only days after the deadline: nothing moves
    # (issue 18: a pause stops only a clock still running; the day a pause begins counts).
    pause_case(session, nomor, now=at("2026-11-13 09:00"), petugas=PETUGAS, alasan="Menunggu KTP")
    done = resume_case(session, nomor, now=at("2026-11-17 09:00"), petugas=PETUGAS)
    assert done.batas_waktu == eod("2026-11-13")
    actions = [aksi for aksi, _, _ in steps(session, nomor)]
    assert actions == ["catat", "tunda", "lanjut", "tunda", "lanjut", "tunda", "lanjut"]
    assert {(d, k) for _, d, k in steps(session, nomor)[1:]} == {("diterima", "diterima")}


def test_a_pause_over_a_weekend_counts_only_working_days(session: Session) -> None:
    nomor = catat(session, now=at("2026-11-05 10:00"))  # Thu: due Tue 10 Nov
    pause_case(session, nomor, now=at("2026-11-06 10:00"), petugas=PETUGAS, alasan="Menunggu KK")
    done = resume_case(session, nomor, now=at("2026-11-09 10:00"), petugas=PETUGAS)
    assert done.batas_waktu == eod("2026-11-11")  # only Mon 9 Nov was paused


def test_double_pause_and_resume_without_pause_are_refused(session: Session) -> None:
    nomor = catat(session, now=at("2026-11-02 10:00"))
    before = register_rows(session)
    with pytest.raises(StatusError, match="tidak sedang ditunda"):
        resume_case(session, nomor, now=at("2026-11-03 09:00"), petugas=PETUGAS)
    with pytest.raises(ValidationError, match="--alasan wajib"):
        pause_case(session, nomor, now=at("2026-11-03 09:00"), petugas=PETUGAS, alasan=None)
    assert register_rows(session) == before

    pause_case(session, nomor, now=at("2026-11-03 09:00"), petugas=PETUGAS, alasan="Menunggu KK")
    before = register_rows(session)
    with pytest.raises(StatusError, match="sudah ditunda sejak 03/11/2026"):
        pause_case(session, nomor, now=at("2026-11-04 09:00"), petugas=PETUGAS, alasan="Lagi")
    assert register_rows(session) == before


# -- the one extension ---------------------------------------------------------------------------


def informasi(session: Session) -> str:
    """An information request under UU 14/2008: 10 working days, extendable once by 7."""
    return catat(session, profile="kemensos-uu14", jenis="informasi", kanal="email")


def test_extension_moves_the_deadline_once(session: Session) -> None:
    nomor = informasi(session)  # Mon 23 Nov + 10 working days = Mon 7 Dec
    done = extend_case(
        session, nomor, now=at("2026-11-30 10:00"), petugas=PETUGAS, alasan="Data 3 kecamatan"
    )
    assert done.batas_sebelum == eod("2026-12-07")
    assert done.batas_waktu == eod("2026-12-16")  # 8-11, 14-16 Dec
    assert done.view["sla"]["diperpanjang"] is True
    assert done.step.catatan == "Diperpanjang 7 hari kerja: Data 3 kecamatan"
    assert steps(session, nomor)[-1] == ("perpanjang", "diterima", "diterima")

    before = register_rows(session)
    with pytest.raises(StatusError, match="sudah pernah diperpanjang; hanya sekali"):
        extend_case(session, nomor, now=at("2026-12-01 10:00"), petugas=PETUGAS, alasan="Lagi")
    assert register_rows(session) == before


def test_extension_only_before_the_deadline(session: Session) -> None:
    late, last_second = informasi(session), informasi(session)
    before = register_rows(session)
    with pytest.raises(StatusError, match="sudah lewat"):
        extend_case(session, late, now=at("2026-12-08 00:00"), petugas=PETUGAS, alasan="Telat")
    assert register_rows(session) == before
    done = extend_case(
        session, last_second, now=at("2026-12-07 23:59:59"), petugas=PETUGAS, alasan="Tepat"
    )
    assert (done.batas_sebelum, done.batas_waktu) == (eod("2026-12-07"), eod("2026-12-16"))


def test_extension_needs_a_rule_that_grants_one(session: Session) -> None:
    nomor = catat(session)  # kemensos: 3 working days, no extension
    before = register_rows(session)
    with pytest.raises(StatusError, match="tidak mengenal perpanjangan"):
        extend_case(session, nomor, now=MON_23, petugas=PETUGAS, alasan="Perlu waktu")
    with pytest.raises(ValidationError, match="--alasan wajib"):
        extend_case(session, informasi(session), now=MON_23, petugas=PETUGAS, alasan=None)
    rows = register_rows(session)
    assert rows["kasus"][0] == before["kasus"][0] and len(rows["riwayat"]) == 2
