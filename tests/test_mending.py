"""`lapor_cli.handling` after the fact, without the CLI: ``--pada`` (a step recorded later than
it happened is judged when it happened), ``buka`` (a disputed answer reopened), ``batal`` (a
case recorded by mistake voided) and ``gabung`` (a duplicate merged), each refusal writing
nothing; and what ``sla``, ``daftar`` and the monev make of them (SPEC §7).

Dates are hand-checked on the 2026 calendar: no holiday in November; Mon 16, Mon 23 and
Mon 30 Nov 2026 are Mondays.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from conftest import HP, MON_23, NIK, at, eod, register_rows
from conftest import LIBRARY_OFFICER as PETUGAS
from conftest import record_letter as catat
from lapor_cli.db import KNOWN_REVISIONS
from lapor_cli.deadline_report import sla_report
from lapor_cli.entries import case_history
from lapor_cli.errors import StatusError, ValidationError
from lapor_cli.handling import (
    close_case,
    distribute_case,
    extend_case,
    follow_up_case,
    get_case,
    merge_case,
    pause_case,
    rate_case,
    reopen_case,
    report_back_case,
    resume_case,
    verify_case,
    void_case,
)
from lapor_cli.listing import list_cases, show_case
from lapor_cli.maintenance import check_connection
from lapor_cli.monev import month_report


def walk_to_follow_up(session: Session, nomor: str, day: str = "2026-11-17") -> None:
    """Verified, forwarded and followed up on ``day`` (10:00, 11:00, 14:00)."""
    kw = {"petugas": PETUGAS}
    verify_case(session, nomor, now=at(f"{day} 10:00"), kategori="PKH", kewenangan=True, **kw)
    distribute_case(session, nomor, now=at(f"{day} 11:00"), unit="PFM", **kw)
    follow_up_case(session, nomor, now=at(f"{day} 14:00"), catatan="Survei", **kw)


def closed(session: Session, nomor: str, day: str = "2026-11-17") -> None:
    walk_to_follow_up(session, nomor, day)
    close_case(session, nomor, now=at(f"{day} 15:00"), petugas=PETUGAS, hasil="Bantuan cair")


def problems(session: Session) -> list[str]:
    return check_connection(session.connection(), KNOWN_REVISIONS).problems


# -- --pada: when it really happened -------------------------------------------------------------


def test_a_friday_close_typed_in_on_monday_is_on_time(session: Session) -> None:
    received = {"diterima": "2026-11-17 09:00", "now": at("2026-11-17 09:00")}
    late, on_time = catat(session, **received), catat(session, **received)  # due Fri 20 Nov
    for nomor in (late, on_time):
        walk_to_follow_up(session, nomor)
    typed = close_case(session, late, now=MON_23, petugas=PETUGAS, hasil="Cair")
    assert (typed.view["tepat_waktu"], typed.pada) == (False, None)

    done = close_case(
        session, on_time, now=MON_23, petugas=PETUGAS, hasil="Cair", pada="2026-11-20 15:00"
    )
    assert done.view["tepat_waktu"] is True
    assert done.view["ditutup"] == "2026-11-20T15:00"
    assert done.pada == at("2026-11-20 15:00")
    entry = case_history(session, get_case(session, on_time))[-1]
    assert (entry.aksi, entry.waktu, entry.dicatat) == ("tutup", at("2026-11-20 15:00"), MON_23)
    assert entry.data == {"tepat_waktu": True, "batas_waktu_saat_ditutup": "2026-11-20T23:59:59"}
    shown = show_case(session, on_time, now=MON_23)["riwayat"][-1]
    assert (shown["waktu"], shown["dicatat"]) == ("2026-11-20T15:00", "2026-11-23T10:00")
    # a bare date: the end of that day (a deadline is the end of a day)
    third = catat(session, **received)
    walk_to_follow_up(session, third)
    done = close_case(session, third, now=MON_23, petugas=PETUGAS, hasil="Cair", pada="20/11/2026")
    assert (done.view["ditutup"], done.view["tepat_waktu"]) == ("2026-11-20T23:59", True)
    assert problems(session) == []


def test_every_step_keeps_when_it_happened(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-16 08:00", now=at("2026-11-16 08:00"))
    kw = {"now": MON_23, "petugas": PETUGAS}
    verify_case(session, nomor, kategori="PKH", kewenangan=True, pada="2026-11-16 09:00", **kw)
    done = distribute_case(session, nomor, unit="PFM", pada="2026-11-16 10:00", **kw)
    assert get_case(session, nomor).didistribusikan == at("2026-11-16 10:00")
    # the unit's stage runs from the forwarding: 5 working days from Mon 16 Nov
    assert sla_report(session, MON_23).lines[0].tahap_batas == eod("2026-11-23")
    pause_case(session, nomor, alasan="Menunggu KK", pada="2026-11-17 09:00", **kw)
    resume_case(session, nomor, pada="2026-11-19 09:00", **kw)
    follow_up_case(session, nomor, catatan="Survei", pada="2026-11-19 10:00", **kw)
    done = close_case(session, nomor, hasil="Cair", pada="2026-11-20 10:00", **kw)
    # due Thu 19 Nov, plus the two working days paused (18, 19 Nov): Mon 23 Nov
    assert done.batas_waktu == eod("2026-11-23") and done.view["tepat_waktu"] is True
    report = rate_case(session, nomor, skor=5, pada="2026-11-21 10:00", **kw)
    assert report.pada == at("2026-11-21 10:00")
    entries = case_history(session, get_case(session, nomor))
    assert [e.waktu.isoformat(" ", "minutes") for e in entries[1:]] == [
        "2026-11-16 09:00",
        "2026-11-16 10:00",
        "2026-11-17 09:00",
        "2026-11-19 09:00",
        "2026-11-19 10:00",
        "2026-11-20 10:00",
        "2026-11-21 10:00",
    ]
    assert {e.dicatat for e in entries[1:]} == {MON_23}
    assert problems(session) == []  # the pauses agree with their entries' times


def test_an_extension_is_judged_when_it_was_granted(session: Session) -> None:
    nomor = catat(session, jenis="informasi", profile="kemensos-uu14", now=at("2026-11-02 10:00"))
    # due Mon 16 Nov (10 working days); typed in on Mon 23 Nov, granted on Fri 13 Nov
    with pytest.raises(StatusError, match="sudah lewat"):
        extend_case(session, nomor, now=MON_23, petugas=PETUGAS, alasan="Data banyak")
    done = extend_case(
        session, nomor, now=MON_23, petugas=PETUGAS, alasan="Data banyak", pada="2026-11-13"
    )
    assert done.batas_sebelum == eod("2026-11-16") and done.batas_waktu == eod("2026-11-25")


@pytest.mark.parametrize(
    ("pada", "said"),
    [
        ("2026-11-24 09:00", "ada di masa depan"),
        ("2026-11-23 10:01", "ada di masa depan"),
        ("2026-11-17 13:59", "sebelum langkah `distribusi`"),
        ("16/11/2026", "sebelum langkah `distribusi`"),
        ("besok", "tidak dikenali"),
    ],
)
def test_a_step_cannot_happen_before_the_last_one_nor_in_the_future(
    session: Session, pada: str, said: str
) -> None:
    nomor = catat(session, diterima="2026-11-17 09:00", now=at("2026-11-17 09:00"))
    verify_case(session, nomor, now=at("2026-11-17 10:00"), petugas=PETUGAS, kategori="PKH",
                kewenangan=True)  # fmt: skip
    distribute_case(
        session, nomor, now=MON_23, petugas=PETUGAS, unit="PFM", pada="2026-11-17 14:00"
    )
    before = register_rows(session)
    with pytest.raises(ValidationError, match=said) as refused:
        follow_up_case(session, nomor, now=MON_23, petugas=PETUGAS, catatan="Cek", pada=pada)
    assert refused.value.field == "pada"
    assert register_rows(session) == before


def test_a_step_cannot_happen_before_the_receipt(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-20 08:00")
    before = register_rows(session)
    with pytest.raises(ValidationError, match="sebelum waktu diterima"):
        verify_case(session, nomor, now=MON_23, petugas=PETUGAS, kategori="PKH", kewenangan=True,
                    pada="2026-11-19 16:00")  # fmt: skip
    assert register_rows(session) == before


# -- buka: a disputed answer reopened ------------------------------------------------------------


def test_a_reopened_case_goes_back_to_its_unit_with_a_new_stage_deadline(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-17 09:00", now=at("2026-11-17 09:00"))
    closed(session, nomor)
    rate_case(session, nomor, now=at("2026-11-18 09:00"), petugas=PETUGAS, skor=2)
    done = reopen_case(session, nomor, now=MON_23, petugas=PETUGAS, alasan="Bantuan belum diterima")
    assert (done.step.dari, done.step.ke) == ("selesai", "didisposisikan")
    view = done.view
    assert (view["status"], view["dibuka"], view["unit"]) == (
        "didisposisikan",
        "2026-11-23T10:00",
        "Bidang Penanganan Fakir Miskin",
    )
    assert (view["ditutup"], view["hasil"], view["tepat_waktu"], view["skor"]) == (None,) * 4
    # the unit's follow-up stage, 5 working days from the reopening (Mon 23 → Mon 30 Nov)
    assert done.batas_waktu == eod("2026-11-30")
    (line,) = sla_report(session, MON_23).lines
    assert (line.nomor, line.terlambat, line.tahap, line.tahap_batas) == (
        nomor,
        False,
        "tindak lanjut",
        eod("2026-11-30"),
    )
    shown = show_case(session, nomor, now=MON_23)
    assert [e["aksi"] for e in shown["riwayat"]][-3:] == ["tutup", "nilai", "buka"]
    assert shown["riwayat"][-3]["catatan"] == "Bantuan cair"  # the earlier closing stays
    assert shown["sla_keterangan"] == "dibuka kembali 23/11/2026: 5 hari kerja tahap tindak lanjut"

    # handled again and closed: judged against the deadline from the reopening; rated anew
    follow_up_case(session, nomor, now=at("2026-11-25 10:00"), petugas=PETUGAS, catatan="Cek")
    done = close_case(session, nomor, now=at("2026-11-27 10:00"), petugas=PETUGAS, hasil="Cair")
    assert done.view["tepat_waktu"] is True
    rate_case(session, nomor, now=at("2026-11-27 11:00"), petugas=PETUGAS, skor=5)
    assert problems(session) == []


def test_a_case_answered_normatively_goes_back_to_the_desk(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-17 09:00", now=at("2026-11-17 09:00"))
    verify_case(session, nomor, now=at("2026-11-17 10:00"), petugas=PETUGAS, kategori="PKH",
                kewenangan=True)  # fmt: skip
    distribute_case(session, nomor, now=at("2026-11-17 11:00"), petugas=PETUGAS,
                    jawaban_normatif="Syarat dijelaskan")  # fmt: skip
    close_case(session, nomor, now=at("2026-11-17 12:00"), petugas=PETUGAS, hasil="Dijawab")
    done = reopen_case(session, nomor, now=MON_23, petugas=PETUGAS, alasan="Perlu survei")
    assert done.view["status"] == "terverifikasi"
    done = distribute_case(session, nomor, now=at("2026-11-23 11:00"), petugas=PETUGAS, unit="PFM")
    assert done.view["status"] == "didisposisikan"


def test_only_a_closed_case_is_reopened_with_a_reason(session: Session) -> None:
    open_case = catat(session)
    done = catat(session, diterima="2026-11-17 09:00", now=at("2026-11-17 09:00"))
    closed(session, done)
    before = register_rows(session)
    with pytest.raises(StatusError, match="`buka` hanya untuk kasus 'selesai'"):
        reopen_case(session, open_case, now=MON_23, petugas=PETUGAS, alasan="x")
    with pytest.raises(ValidationError, match="--alasan wajib"):
        reopen_case(session, done, now=MON_23, petugas=PETUGAS, alasan=" ")
    with pytest.raises(ValidationError, match="sebelum langkah `tutup`"):
        reopen_case(session, done, now=MON_23, petugas=PETUGAS, alasan="x", pada="17/11/2026 14:00")
    assert register_rows(session) == before


# -- batal: recorded by mistake ------------------------------------------------------------------


def test_a_voided_case_leaves_sla_and_the_figures_but_stays_findable(session: Session) -> None:
    kept = catat(session)
    voided = catat(session)
    done = void_case(session, voided, now=MON_23, petugas=PETUGAS, alasan="Data uji coba")
    assert (done.step.dari, done.view["status"]) == ("diterima", "dibatalkan")
    assert [line.nomor for line in sla_report(session, MON_23).lines] == [kept]
    found = list_cases(session, now=MON_23, status=["dibatalkan"])
    assert [v["nomor"] for v in found.views] == [voided]
    report = month_report(session, year=2026, month=11, now=MON_23, kantor="Uji")
    figures = report.as_json()
    assert (figures["diterima"], figures["dibatalkan"], figures["digabung"]) == (1, 1, 0)
    assert [fact.nomor for fact in report.cases] == [kept]
    assert "dibatalkan" not in figures["per_status"]
    # final: nothing more happens to it, and its number is never given again
    before = register_rows(session)
    for step in (
        lambda: verify_case(session, voided, now=MON_23, petugas=PETUGAS, kategori="PKH",
                            kewenangan=True),
        lambda: void_case(session, voided, now=MON_23, petugas=PETUGAS, alasan="lagi"),
        lambda: pause_case(session, voided, now=MON_23, petugas=PETUGAS, alasan="x"),
        lambda: reopen_case(session, voided, now=MON_23, petugas=PETUGAS, alasan="x"),
    ):  # fmt: skip
        with pytest.raises(StatusError):
            step()
    assert register_rows(session) == before
    assert catat(session) == "DS-2026-00003"
    assert problems(session) == []


def test_a_closed_case_can_be_voided_and_leaves_its_month(session: Session) -> None:
    nomor = catat(session, diterima="2026-11-17 09:00", now=at("2026-11-17 09:00"))
    closed(session, nomor)
    void_case(
        session, nomor, now=MON_23, petugas=PETUGAS, alasan="Formulir yang sama diketik dua kali"
    )
    figures = month_report(session, year=2026, month=11, now=MON_23, kantor="Uji").as_json()
    assert (figures["diterima"], figures["selesai"], figures["dibatalkan"]) == (0, 0, 1)


def test_void_needs_a_reason(session: Session) -> None:
    nomor = catat(session)
    before = register_rows(session)
    with pytest.raises(ValidationError, match="--alasan wajib"):
        void_case(session, nomor, now=MON_23, petugas=PETUGAS, alasan=None)
    assert register_rows(session) == before


# -- gabung: the same complaint twice ------------------------------------------------------------


def test_a_merged_duplicate_is_counted_once_with_both_reporters_shown(session: Session) -> None:
    main = catat(session, nik=NIK, hp=HP)
    dup = catat(session, kanal="sp4n-lapor", nomor_lapor="LAP-7", nama="Yohanes Lado",
                hp="081311112222")  # fmt: skip
    done = merge_case(session, dup, ke=main.lower(), now=MON_23, petugas=PETUGAS, alasan="Sama")
    assert (done.view["status"], done.view["digabung_ke"]) == ("digabung", main)
    assert done.view["dilaporkan_balik"] is False  # its reporter is still to be answered
    assert done.step.data == {"ke": main, "alasan": "Sama"}

    shown = show_case(session, main, now=MON_23)
    assert shown["gabungan"] == [
        {
            "nomor": dup,
            "kanal": "sp4n-lapor",
            "diterima": "2026-11-23T10:00",
            "nomor_lapor": "LAP-7",
            "dilaporkan_balik": False,
            "anonim": False,
            "nama": "Yohanes Lado",
            "nik": None,
            "kk": None,
            "hp": "+62813****2222",
            "email": None,
            "alamat": None,
        }
    ]
    assert show_case(session, dup, now=MON_23)["digabung_ke"] == main
    assert [line.nomor for line in sla_report(session, MON_23).lines] == [main]
    figures = month_report(session, year=2026, month=11, now=MON_23, kantor="Uji").as_json()
    assert (figures["diterima"], figures["digabung"]) == (1, 1)
    assert figures["per_kanal"]["sp4n-lapor"] == 0

    # its reporter is told the main case's result: once that is closed
    def unreported() -> list[str]:
        found = list_cases(session, now=MON_23, belum_dilaporkan=True)
        return [v["nomor"] for v in found.views]

    assert unreported() == []
    before = register_rows(session)
    with pytest.raises(StatusError, match="belum selesai"):
        report_back_case(session, dup, now=MON_23, petugas=PETUGAS)
    assert register_rows(session) == before
    walk_to_follow_up(session, main, "2026-11-23")
    close_case(session, main, now=at("2026-11-23 15:00"), petugas=PETUGAS, hasil="Cair")
    assert unreported() == [dup]
    done = report_back_case(session, dup, now=at("2026-11-23 16:00"), petugas=PETUGAS)
    assert (done.view["status"], done.view["dilaporkan_balik"]) == ("digabung", True)
    assert unreported() == []
    assert problems(session) == []


@pytest.mark.parametrize(
    ("dup", "main", "error", "said"),
    [
        ("a", "a", ValidationError, "ke dirinya sendiri"),
        ("a", "voided", StatusError, "sudah dibatalkan"),
        ("a", "merged", StatusError, "sendiri sudah digabung ke"),
        ("main", "a", StatusError, "sudah menjadi kasus utama bagi"),
        ("closed", "a", StatusError, "`gabung` hanya untuk kasus yang masih terbuka"),
        ("a", "DS-2026-09999", Exception, "tidak ada di register"),
    ],
)
def test_merge_refusals_write_nothing(session: Session, dup, main, error, said) -> None:
    numbers = {name: catat(session) for name in ("a", "main", "merged", "voided")}
    numbers["closed"] = catat(session, diterima="2026-11-17 09:00", now=at("2026-11-17 09:00"))
    closed(session, numbers["closed"])
    merge_case(session, numbers["merged"], ke=numbers["main"], now=MON_23, petugas=PETUGAS,
               alasan="Sama")  # fmt: skip
    void_case(session, numbers["voided"], now=MON_23, petugas=PETUGAS, alasan="Uji")
    before = register_rows(session)
    with pytest.raises(error, match=said):
        merge_case(session, numbers.get(dup, dup), ke=numbers.get(main, main), now=MON_23,
                   petugas=PETUGAS, alasan="Sama")  # fmt: skip
    assert register_rows(session) == before


def test_merge_needs_a_reason_and_the_main_case_cannot_be_voided(session: Session) -> None:
    main, dup = catat(session), catat(session)
    before = register_rows(session)
    with pytest.raises(ValidationError, match="--alasan wajib"):
        merge_case(session, dup, ke=main, now=MON_23, petugas=PETUGAS, alasan="")
    assert register_rows(session) == before
    merge_case(session, dup, ke=main, now=MON_23, petugas=PETUGAS, alasan="Sama")
    before = register_rows(session)
    with pytest.raises(StatusError, match="kasus utama bagi"):
        void_case(session, main, now=MON_23, petugas=PETUGAS, alasan="x")
    assert register_rows(session) == before


# -- the monev of a month, told truly afterwards -------------------------------------------------


def test_a_case_reopened_later_stays_closed_in_the_month_it_was_closed(session: Session) -> None:
    nomor = catat(session, diterima="2026-10-27 09:00", now=at("2026-10-27 09:00"))
    closed(session, nomor, "2026-10-28")
    december = at("2026-12-02 10:00")
    reopen_case(session, nomor, now=at("2026-11-02 10:00"), petugas=PETUGAS, alasan="Keberatan")
    october = month_report(session, year=2026, month=10, now=december, kantor="Uji")
    (fact,) = october.cases
    assert (fact.status, fact.closed, fact.tepat_waktu) == ("selesai", True, True)
    assert fact.ditutup == at("2026-10-28 15:00") and fact.dibuka_kembali is False
    assert fact.batas_waktu == eod("2026-10-30")  # its own rule then, not the reopening's
    assert october.as_json()["dibuka_kembali"] == 0
    november = month_report(session, year=2026, month=11, now=december, kantor="Uji")
    assert [f.nomor for f in november.carried] == [nomor]  # open again at November's end
    assert november.carried[0].status == "didisposisikan"
    # reopened in its own month: counted there
    same = catat(session, diterima="2026-11-17 09:00", now=at("2026-11-17 09:00"))
    closed(session, same)
    reopen_case(session, same, now=MON_23, petugas=PETUGAS, alasan="Keberatan")
    figures = month_report(session, year=2026, month=11, now=december, kantor="Uji").as_json()
    assert (figures["dibuka_kembali"], figures["selesai"], figures["terbuka"]) == (1, 0, 1)
