"""`lapor_cli.deadlines` on a real register session: deadlines from today's calendar, pauses,
stage deadlines, "siap ditutup", the package-day cache, `sla_report` and `explain_case`
(SPEC §3).

Dates are hand-checked on the 2026 Indonesian calendar (see tests/test_cli_sla.py): no
holiday in November; 18-24 March Nyepi/Lebaran; 24 (cb) and 25 December Natal.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlmodel import Session, select

from lapor_cli import recording
from lapor_cli.deadline_report import as_of_moment, explain_case, sla_report
from lapor_cli.deadlines import Deadlines, cached_package_days
from lapor_cli.desks import desk_for_write
from lapor_cli.errors import ValidationError
from lapor_cli.holiday_calendar import holidays_version
from lapor_cli.models import Case, OfficeDay, PackageYear, Pause
from lapor_cli.sla import END_OF_DAY
from lapor_cli.validation import validate_case

NOW = datetime(2026, 11, 23, 10, 0)  # Monday


def record(
    session: Session,
    diterima: str,
    *,
    kanal: str = "surat",
    jenis: str = "aduan",
    profil: str = "kemensos",
) -> Case:
    raw = {
        "kanal": kanal,
        "jenis": jenis,
        "uraian": "Bantuan PKH belum cair",
        "nama": "Maria Bere",
        "diterima": diterima,
        "petugas": "uji",
    }
    # any receipt date accepted: an old one confirmed (lama), a later one before "now"
    data, errors = validate_case(raw, now=datetime(2027, 6, 30), lama=True)
    assert not errors, errors
    rule = Deadlines(session).rule_for_new(profil, data)
    desk = desk_for_write(session, None)
    return recording.record_case(session, data, now=NOW, rule=rule, desk=desk)


def eod(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), END_OF_DAY)


# -- due -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("diterima", "due"),
    [
        ("2026-03-19", "2026-03-30"),  # Nyepi
        ("2026-03-13", "2026-03-25"),  # across Nyepi and Lebaran
        ("2026-12-23", "2026-12-30"),  # across Natal
        ("2026-03-07", "2026-03-12"),  # a Saturday
        ("2026-11-20 16:30", "2026-11-25"),  # late on a Friday: still day 0
    ],
)
def test_due_is_end_of_the_nth_working_day(session: Session, diterima: str, due: str) -> None:
    case = record(session, diterima)
    assert Deadlines(session).due(case) == eod(due)
    assert Deadlines(session).due(case).time() == time(23, 59, 59)


def test_due_follows_office_days_added_and_removed(session: Session) -> None:
    april = record(session, "2026-04-13")
    natal = record(session, "2026-12-23")
    assert Deadlines(session).due(april) == eod("2026-04-16")
    session.add(OfficeDay(tanggal=date(2026, 4, 14), jenis="libur", keterangan="HUT Kota",
                          dicatat=NOW, oleh="uji"))  # fmt: skip
    session.add(OfficeDay(tanggal=date(2026, 12, 24), jenis="kerja", keterangan="SKB baru",
                          dicatat=NOW, oleh="uji"))  # fmt: skip
    session.flush()
    book = Deadlines(session)  # a new command sees the calendar as it stands now
    assert book.due(april) == eod("2026-04-17")
    assert book.due(natal) == eod("2026-12-29")


def test_due_per_profile_and_minutes(session: Session) -> None:
    kemensos = record(session, "2026-12-23")
    karangasem = record(session, "2026-12-23", profil="kab-karangasem")
    kupang_letter = record(session, "2026-12-23", profil="kota-kupang")
    kupang_desk = record(session, "2026-11-23 09:50", kanal="tatap-muka", profil="kota-kupang")
    book = Deadlines(session)
    assert book.due(kemensos) == eod("2026-12-30")
    assert book.due(karangasem) == eod("2026-12-28")  # 1 working day: Mon 28 Dec
    # 7 working days from Wed 23 Dec: 28, 29, 30, 31 Dec, 4, 6, 7 Jan 2027
    # (1 Jan 2027 Tahun Baru, 5 Jan 2027 Isra Mikraj)
    assert book.due(kupang_letter) == eod("2027-01-07")
    assert book.due(kupang_desk) == datetime(2026, 11, 23, 10, 5)
    assert Deadlines.describe(kupang_desk) == "15 menit"
    assert Deadlines.describe(kemensos) == "3 hari kerja"


def test_case_whose_profile_file_is_gone_falls_back_to_default(session: Session) -> None:
    case = record(session, "2026-03-13")
    case.sla_profil = "profil-yang-dihapus"
    session.add(case)
    session.flush()
    book = Deadlines(session)
    assert book.profile("profil-yang-dihapus").nama == "kemensos"
    assert book.due(case) == eod("2026-03-25")


def test_met_is_inclusive_of_the_last_second(session: Session) -> None:
    case = record(session, "2026-11-23")
    book = Deadlines(session)
    assert book.met(case, datetime(2026, 11, 26, 23, 59, 59))
    assert not book.met(case, datetime(2026, 11, 27, 0, 0))


# -- pauses --------------------------------------------------------------------------------------


def _pause(session: Session, case: Case, start: datetime, end: datetime | None) -> None:
    session.add(Pause(kasus_id=case.id, mulai=start, selesai=end, alasan="Menunggu KK"))
    session.flush()


def test_open_pause_runs_until_as_of(session: Session) -> None:
    case = record(session, "2026-11-02")  # due Thu 5 Nov
    _pause(session, case, datetime(2026, 11, 3, 9), None)
    assert Deadlines(session, datetime(2026, 11, 3, 12)).due(case) == eod("2026-11-05")
    assert Deadlines(session, datetime(2026, 11, 5, 12)).due(case) == eod("2026-11-09")
    # Sat/Sun do not count: as of Sun 8 Nov, 4-6 paused -> 3 + 3 after Mon 2 Nov = Tue 10
    assert Deadlines(session, datetime(2026, 11, 8, 12)).due(case) == eod("2026-11-10")


def test_closed_pause_counts_its_working_days(session: Session) -> None:
    case = record(session, "2026-11-02")
    _pause(session, case, datetime(2026, 11, 3, 9), datetime(2026, 11, 6, 9))
    assert Deadlines(session, NOW).due(case) == eod("2026-11-10")
    # as of Wed 4 Nov only Wed 4 has been paused so far
    assert Deadlines(session, datetime(2026, 11, 4, 12)).due(case) == eod("2026-11-06")


def test_pauses_across_a_holiday_and_two_pauses(session: Session) -> None:
    case = record(session, "2026-12-21")  # Mon 21 Dec: 22, 23, 28 -> due Mon 28 Dec
    assert Deadlines(session, NOW).due(case) == eod("2026-12-28")
    _pause(session, case, datetime(2026, 12, 22, 9), datetime(2026, 12, 28, 9))  # 23, 28
    _pause(session, case, datetime(2026, 12, 29, 9), datetime(2026, 12, 30, 9))  # 30
    # 3 + 3 working days after Mon 21 Dec: 22, 23, 28, 29, 30, 31 Dec
    assert Deadlines(session, datetime(2027, 1, 8, 9)).due(case) == eod("2026-12-31")


def test_closed_case_pause_ends_at_closing(session: Session) -> None:
    case = record(session, "2026-11-02")
    _pause(session, case, datetime(2026, 11, 3, 9), None)
    case.status = "selesai"
    case.ditutup = datetime(2026, 11, 4, 15)
    session.add(case)
    session.flush()
    # paused Wed 4 only, whatever the as-of date
    assert Deadlines(session, NOW).due(case) == eod("2026-11-06")


# -- stages, ready to close, notes ---------------------------------------------------------------


def test_stage_due(session: Session) -> None:
    case = record(session, "2026-03-13")
    assert Deadlines(session).stage_due(case) == ("verifikasi", eod("2026-03-25"))
    case.status = "didisposisikan"
    case.didistribusikan = datetime(2026, 11, 24, 10)
    # 5 working days from Tue 24 Nov: 25, 26, 27, 30 Nov, 1 Dec
    assert Deadlines(session).stage_due(case) == ("tindak lanjut", eod("2026-12-01"))
    case.status = "ditindaklanjuti"
    assert Deadlines(session).stage_due(case) is None


def test_ready_to_close_after_ten_working_days(session: Session) -> None:
    case = record(session, "2026-11-02")
    book = Deadlines(session)
    book.due(case)  # loads the years
    assert not book.ready_to_close(case, NOW)  # not followed up
    case.status = "ditindaklanjuti"
    case.tindaklanjut_terakhir = datetime(2026, 11, 3, 10)
    assert not book.ready_to_close(case, datetime(2026, 11, 16, 23))
    assert book.ready_to_close(case, datetime(2026, 11, 17, 8))


def test_ready_to_close_skips_holidays(session: Session) -> None:
    case = record(session, "2026-12-14")
    case.status = "ditindaklanjuti"
    case.tindaklanjut_terakhir = datetime(2026, 12, 16, 10)
    book = Deadlines(session)
    book.due(case)
    # Wed 16 Dec + 10 working days: 17, 18, 21, 22, 23, 28, 29, 30, 31 Dec, 4 Jan 2027
    assert not book.ready_to_close(case, datetime(2026, 12, 31, 12))
    assert book.ready_to_close(case, datetime(2027, 1, 4, 12))


def test_notes_warn_about_unknown_cuti_bersama(session: Session) -> None:
    known = record(session, "2026-11-23")
    assert Deadlines(session).notes(known) == []
    late_2027 = record(session, "2026-12-29")  # due 4 Jan 2027: 2027 is known
    assert Deadlines(session).notes(late_2027) == []
    future = record(session, "2026-11-23")
    future.diterima = datetime(2028, 3, 1, 10)
    notes = Deadlines(session).notes(future)
    assert len(notes) == 2 and "2028" in notes[0] and "libur tambah" in notes[0]
    # and Idul Fitri 27-28 Feb 2028, two days before, is still an estimate (issue 18 item 9)
    assert "perkiraan" in notes[1] and "28/02/2028" in notes[1]
    desk = record(session, "2026-11-23 09:00", kanal="tatap-muka", profil="kota-kupang")
    assert Deadlines(session).notes(desk) == []


# -- package-day cache ---------------------------------------------------------------------------


def test_package_days_are_cached_in_a_writing_session(register, session: Session) -> None:
    record(session, "2026-11-23")
    Deadlines(session).ensure_years(2026, 2027)
    session.flush()
    rows = {row.tahun: row for row in session.exec(select(PackageYear))}
    assert {2026, 2027} <= set(rows)
    assert rows[2026].versi == holidays_version()
    stored = {d["tanggal"]: d["sumber"] for d in rows[2026].hari}
    assert stored["2026-03-19"] == "nasional" and stored["2026-12-24"] == "cuti_bersama"


def test_stale_cache_is_recomputed(session: Session) -> None:
    session.add(PackageYear(tahun=2026, versi="0.0-lama", hari=[]))
    session.flush()
    days = cached_package_days(session, [2026])
    assert date(2026, 3, 19) in {d.tanggal for d in days}
    assert session.get(PackageYear, 2026).versi == holidays_version()


def test_a_writing_command_refreshes_every_stale_year_once(session: Session) -> None:
    # After a holidays upgrade every stored year is stale; reading commands cannot store, so
    # without this each `sla` recomputed every old year it touched, run after run.
    session.add(PackageYear(tahun=2024, versi="0.0-lama", hari=[]))
    session.flush()
    cached_package_days(session, [2026])
    session.flush()
    refreshed = session.get(PackageYear, 2024)
    assert refreshed.versi == holidays_version()
    assert "2024-12-25" in {d["tanggal"] for d in refreshed.hari}


def test_reading_session_stores_no_cache(register) -> None:
    with register.transaction(False) as reader:
        days = cached_package_days(reader, [2030])
        assert days
        reader.flush()
        assert reader.get(PackageYear, 2030) is None


# -- sla_report ----------------------------------------------------------------------------------


def test_sla_report(session: Session) -> None:
    aman = record(session, "2026-11-23")
    tempo = record(session, "2026-11-20")
    late = record(session, "2026-11-02")
    closed = record(session, "2026-11-02")
    closed.status = "selesai"
    closed.ditutup = NOW
    archived = record(session, "2026-11-02")
    archived.status = "diarsipkan"
    session.add_all([closed, archived])
    session.flush()
    report = sla_report(session, NOW)
    lines = report.lines
    assert [line.nomor for line in lines] == [late.nomor, tempo.nomor, aman.nomor]
    assert [line.tanda for line in lines] == ["terlambat", "jatuh_tempo", "aman"]
    assert [line.sisa_hari_kerja for line in lines] == [-12, 2, 3]
    assert [line.terlambat for line in lines] == [True, False, False]
    assert lines[0].as_json()["batas_waktu"] == "2026-11-05"
    assert lines[0].as_json()["tahap"] == "verifikasi"
    assert (report.terbuka, report.terlambat, report.jatuh_tempo, report.hari_ini) == (3, 1, 1, 0)
    only_late = sla_report(session, NOW, only_late=True)
    assert [line.nomor for line in only_late.lines] == [late.nomor]
    assert only_late.terbuka == 1
    assert sla_report(session, datetime(2026, 11, 2, 8)).lines != []
    assert sla_report(session, datetime(2026, 11, 2, 8), only_late=True).lines == []


def test_sla_report_limit_keeps_the_most_urgent_and_counts_all(session: Session) -> None:
    # The bounded heap must pick exactly the head of the full ordering, ties on the deadline
    # broken by number, and the counts must still cover every open case.
    days = ["2026-11-23", "2026-11-02", "2026-11-20", "2026-11-02", "2026-11-18", "2026-11-19"]
    for day in days * 3:
        record(session, day)
    session.flush()
    full = sla_report(session, NOW)
    for limit in (1, 4, 7, 18, 50):
        head = sla_report(session, NOW, limit=limit)
        assert [line.nomor for line in head.lines] == [line.nomor for line in full.lines][:limit]
        assert (head.terbuka, head.terlambat, head.jatuh_tempo, head.hari_ini) == (
            full.terbuka,
            full.terlambat,
            full.jatuh_tempo,
            full.hari_ini,
        )
    assert full.terbuka == 18
    # 18/11 is due 23/11 (today), 19 and 20/11 in 1-2 days (today not again: the counts of
    # the summary line do not overlap), 02/11 late, 23/11 safe.
    assert (full.terlambat, full.hari_ini, full.jatuh_tempo, full.aman) == (6, 3, 6, 3)
    assert full.terlambat + full.hari_ini + full.jatuh_tempo + full.aman == full.terbuka


def test_sla_report_minute_case_json(session: Session) -> None:
    desk = record(session, "2026-11-23 09:50", kanal="tatap-muka", profil="kota-kupang")
    (line,) = sla_report(session, datetime(2026, 11, 23, 10, 6)).lines
    assert line.nomor == desk.nomor
    assert line.terlambat is True
    assert line.as_json()["batas_waktu"] == "2026-11-23T10:05"
    (line,) = sla_report(session, datetime(2026, 11, 23, 10, 5)).lines
    assert line.terlambat is False


# -- explain_case, as_of_moment ------------------------------------------------------------------


def test_explain_case_counts_day_by_day(session: Session) -> None:
    case = record(session, "2026-12-23 10:00")  # Wed
    explained = explain_case(session, case.nomor.lower(), datetime(2026, 12, 28, 9, 0))
    assert (explained["nomor"], explained["aturan"], explained["profil"]) == (
        case.nomor,
        "3 hari kerja",
        "kemensos",
    )
    assert explained["batas_waktu"] == "2026-12-30"
    assert (explained["sisa_hari_kerja"], explained["terlambat"]) == (2, False)  # 29, 30 Dec
    assert [(d["tanggal"], d["hari"], d["ke"], d["keterangan"]) for d in explained["hari"]] == [
        ("2026-12-23", "Rabu", 0, "diterima"),
        ("2026-12-24", "Kamis", None, "Cuti Bersama Hari Raya Natal"),
        ("2026-12-25", "Jumat", None, "Hari Raya Natal"),
        ("2026-12-26", "Sabtu", None, "Sabtu"),
        ("2026-12-27", "Minggu", None, "Minggu"),
        ("2026-12-28", "Senin", 1, ""),
        ("2026-12-29", "Selasa", 2, ""),
        ("2026-12-30", "Rabu", 3, "batas waktu, pukul 23:59:59"),
    ]
    late = explain_case(session, case.nomor, datetime(2026, 12, 31, 8, 0))
    assert (late["sisa_hari_kerja"], late["terlambat"]) == (-1, True)


def test_explain_case_shows_paused_days(session: Session) -> None:
    case = record(session, "2026-11-02")  # Mon: due Thu 5 Nov
    _pause(session, case, datetime(2026, 11, 3, 9), None)
    explained = explain_case(session, case.nomor, datetime(2026, 11, 4, 12))
    assert explained["batas_waktu"] == "2026-11-06"  # Wed 4 Nov paused so far
    counted = {d["tanggal"]: (d["ke"], d["keterangan"]) for d in explained["hari"]}
    assert counted["2026-11-04"] == (None, "ditunda")
    assert counted["2026-11-06"] == (3, "batas waktu, pukul 23:59:59")


def test_explain_case_of_a_closed_case_keeps_its_verdict(session: Session) -> None:
    case = record(session, "2026-11-02")
    case.status, case.ditutup, case.tepat_waktu = "selesai", datetime(2026, 11, 5, 15), True
    session.add(case)
    session.flush()
    # Long after the deadline, the case was still closed on time.
    assert explain_case(session, case.nomor, NOW)["terlambat"] is False


def test_as_of_moment() -> None:
    assert as_of_moment(None, NOW) == NOW
    assert as_of_moment("", NOW) == NOW
    # A bare date means the end of that day (all of its deadlines still on time).
    assert as_of_moment("2026-11-30", NOW) == datetime(2026, 11, 30, 23, 59, 59)
    assert as_of_moment("30/11/2026", NOW) == datetime(2026, 11, 30, 23, 59, 59)
    assert as_of_moment("2026-11-30 08:15", NOW) == datetime(2026, 11, 30, 8, 15)
    # Every form a desk writes: a date in words is a bare date too, a time after it is not.
    assert as_of_moment("30 November 2026", NOW) == datetime(2026, 11, 30, 23, 59, 59)
    assert as_of_moment("Senin, 30 Nov 2026 14.05", NOW) == datetime(2026, 11, 30, 14, 5)
    assert as_of_moment("kemarin", NOW) == datetime(2026, 11, 22, 23, 59, 59)
    assert as_of_moment("hari ini 08.00", NOW) == datetime(2026, 11, 23, 8, 0)
    with pytest.raises(ValidationError) as refused:
        as_of_moment("lusa", NOW)
    assert refused.value.field == "per"
    with pytest.raises(ValidationError) as refused:
        as_of_moment("31/11/2026", NOW)
    assert refused.value.message == "Tanggal 31/11/2026 tidak ada: November hanya 30 hari."
