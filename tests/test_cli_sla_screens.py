"""Issue 18: one deadline the desk can defend. The screens around a deadline (`sla`, `sla NOMOR
--jelaskan`, `lihat`, the monev) agree with each other and with the day they are asked about.

Hand-checked on the 2026 calendar: no holiday in November or early December 2026.
"""

from __future__ import annotations

from conftest import Runner, ok_json, record


def _sla(run: Runner, *extra: str, waktu: str | None = None) -> list[dict]:
    return ok_json(run, "sla", *extra, waktu=waktu)  # type: ignore[return-value]


def _line(run: Runner, nomor: str, *extra: str, waktu: str | None = None) -> dict:
    return next(line for line in _sla(run, *extra, waktu=waktu) if line["nomor"] == nomor)


def _ok(run: Runner, *args: str, waktu: str | None = None) -> str:
    code, out, err = run(*args, waktu=waktu)
    assert code == 0, err
    return out


# -- 1. a pause started after the deadline does not make a late case on time --------------------


def test_pause_after_the_deadline_does_not_turn_a_late_case_on_time(run: Runner) -> None:
    # received Tue 17 Nov, due Fri 20 Nov; paused Sat 21, resumed and closed Mon 23 Nov
    nomor = record(run, waktu="2026-11-17 09:00")["nomor"]
    _ok(run, "verifikasi", nomor, "--kategori", "PKH", waktu="2026-11-18 09:00")
    _ok(run, "distribusi", nomor, "--jawaban-normatif", "Dijelaskan.", waktu="2026-11-18 10:00")
    paused = ok_json(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-21 09:00")
    assert paused["batas_waktu"] == "2026-11-20"
    resumed = ok_json(run, "lanjut", nomor, waktu="2026-11-23 08:00")
    assert resumed["batas_waktu"] == "2026-11-20"
    closed = ok_json(run, "tutup", nomor, "--hasil", "Selesai", waktu="2026-11-23 09:00")
    assert closed["tepat_waktu"] is False
    assert closed["batas_waktu"] == "2026-11-20"


def test_pause_the_day_before_the_deadline_stops_the_clock(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-17 09:00")["nomor"]  # due Fri 20 Nov
    ok_json(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-19 15:00")
    # Fri 20 and Mon 23 frozen: the 3rd working day not frozen after Tue 17 is Tue 24
    resumed = ok_json(run, "lanjut", nomor, waktu="2026-11-23 08:00")
    assert resumed["batas_waktu"] == "2026-11-24"


def test_pause_begun_on_the_due_day_freezes_only_days_after_it(run: Runner) -> None:
    # a pause freezes the working days after the day it began: begun on the deadline's own
    # day, it freezes only days after the deadline, and the deadline stays where it was
    nomor = record(run, waktu="2026-11-17 09:00")["nomor"]  # due Fri 20 Nov
    ok_json(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-20 15:00")
    resumed = ok_json(run, "lanjut", nomor, waktu="2026-11-24 08:00")
    assert resumed["batas_waktu"] == "2026-11-20"
    view = ok_json(run, "sla", nomor, "--jelaskan", waktu="2026-11-24 09:00")
    assert view["hari"][-1]["tanggal"] == "2026-11-20" and view["terlambat"] is True


def test_pause_while_late_keeps_it_late_in_sla(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-17 09:00")["nomor"]  # due Fri 20 Nov
    ok_json(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-23 09:00")
    line = _line(run, nomor, waktu="2026-11-25 09:00")
    assert (line["batas_waktu"], line["terlambat"], line["tanda"]) == (
        "2026-11-20",
        True,
        "terlambat",
    )
    assert line["sisa_hari_kerja"] == -3


# -- 2. a paused case is not "jatuh tempo", and its explanation shows the paused days -------------


def test_paused_case_is_flagged_ditunda_not_due_soon(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-23 09:00")["nomor"]  # due Thu 26 Nov
    _ok(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-24 09:00")
    line = _line(run, nomor, waktu="2026-11-26 09:00")
    assert line["ditunda"] is True
    assert line["tanda"] == "ditunda"
    assert line["terlambat"] is False
    code, out, _ = run("sla", waktu="2026-11-26 09:00")
    assert code == 0
    row = next(r for r in out.splitlines() if r.startswith(nomor))
    assert "jatuh tempo" not in row and "ditunda" in row


def test_explanation_of_a_paused_case_shows_the_paused_days(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-23 09:00")["nomor"]  # Mon 23, due Thu 26 Nov
    _ok(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-24 09:00")
    view = ok_json(run, "sla", nomor, "--jelaskan", waktu="2026-11-26 09:00")
    paused = [d["tanggal"] for d in view["hari"] if d["keterangan"] == "ditunda"]
    assert paused == ["2026-11-25", "2026-11-26"]
    counted = [d for d in view["hari"] if d["ke"] is not None]
    assert counted[-1]["tanggal"] == view["batas_waktu"] == "2026-11-30"
    assert view["ditunda"] is True
    code, out, _ = run("sla", nomor, "--jelaskan", waktu="2026-11-26 09:00")
    assert "ditunda" in out


# -- 3. as of DATE means as of DATE --------------------------------------------------------------


def test_explanation_per_date_before_the_pause_ended_agrees_with_its_deadline(
    run: Runner,
) -> None:
    nomor = record(run, waktu="2026-11-02 09:00")["nomor"]  # Mon 2 Nov, due Thu 5 Nov
    _ok(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-03 09:00")
    _ok(run, "lanjut", nomor, waktu="2026-11-10 09:00")
    view = ok_json(run, "sla", nomor, "--jelaskan", "--per", "2026-11-05", waktu="2026-11-23 09:00")
    counted = [d for d in view["hari"] if d["ke"] is not None]
    # as of Thu 5 Nov: paused since Tue 3, so Wed 4 and Thu 5 frozen -> Mon 9 Nov
    assert view["batas_waktu"] == "2026-11-09"
    assert counted[-1]["tanggal"] == "2026-11-09"
    line = _line(run, nomor, "--per", "2026-11-05", waktu="2026-11-23 09:00")
    assert line["batas_waktu"] == "2026-11-09"
    assert line["ditunda"] is True


def test_ditunda_per_date_is_the_state_at_that_date(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-02 09:00")["nomor"]
    _ok(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-10 09:00")
    # paused now, but not yet on 4 Nov
    line = _line(run, nomor, "--per", "2026-11-04", waktu="2026-11-23 09:00")
    assert line["ditunda"] is False
    assert line["tanda"] == "jatuh_tempo"


def test_sla_per_date_leaves_out_cases_received_later(run: Runner) -> None:
    early = record(run, waktu="2026-11-02 09:00")["nomor"]
    late = record(run, waktu="2026-11-20 09:00")["nomor"]
    numbers = [line["nomor"] for line in _sla(run, "--per", "2026-11-05", waktu="2026-11-23 09:00")]
    assert early in numbers and late not in numbers


# -- 5. sisa_hari_kerja is negative whenever the case is late -----------------------------------


def test_sisa_is_negative_on_the_weekend_after_a_friday_deadline(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-17 09:00")["nomor"]  # due Fri 20 Nov
    for day, sisa in (
        ("2026-11-20", 0),
        ("2026-11-21", -1),
        ("2026-11-22", -1),
        ("2026-11-23", -1),
        ("2026-11-24", -2),
    ):
        line = _line(run, nomor, "--per", day, waktu="2026-11-25 09:00")
        assert (day, line["sisa_hari_kerja"], line["terlambat"]) == (day, sisa, day != "2026-11-20")
    view = ok_json(run, "sla", nomor, "--jelaskan", "--per", "2026-11-21", waktu="2026-11-25 09:00")
    assert (view["sisa_hari_kerja"], view["terlambat"]) == (-1, True)


# -- 8. the summary line adds up ----------------------------------------------------------------


def test_summary_line_numbers_add_up(run: Runner) -> None:
    record(run, waktu="2026-11-17 09:00")  # due Fri 20 Nov: late on Tue 24
    record(run, waktu="2026-11-19 09:00")  # due Tue 24 Nov: due today
    record(run, waktu="2026-11-20 09:00")  # due Wed 25 Nov: in 1 working day
    record(run, waktu="2026-11-24 09:00")  # due Fri 27 Nov: 3 working days left, aman
    paused = record(run, waktu="2026-11-23 09:00")["nomor"]
    _ok(run, "tunda", paused, "--alasan", "Menunggu KK", waktu="2026-11-24 08:00")
    code, out, _ = run("sla", waktu="2026-11-24 10:00")
    summary = out.splitlines()[0]
    assert summary == (
        "Per Selasa, 24 November 2026 10:00: 1 terlambat, 1 jatuh tempo hari ini, "
        "1 jatuh tempo 1–2 hari kerja lagi, 1 aman, 1 ditunda; 5 kasus terbuka."
    )


# -- 6. a closed case's explanation ends at its closing, one "working days to close" -------------


def _close(run: Runner, nomor: str, waktu: str) -> dict:
    _ok(run, "verifikasi", nomor, "--kategori", "PKH", waktu=waktu)
    _ok(run, "distribusi", nomor, "--jawaban-normatif", "Dijelaskan.", waktu=waktu)
    return ok_json(run, "tutup", nomor, "--hasil", "Selesai", waktu=waktu)


def test_closed_case_explanation_has_its_verdict_and_no_days_left(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-23 09:00")["nomor"]  # Mon 23, due Thu 26 Nov
    _close(run, nomor, "2026-11-24 10:00")
    view = ok_json(run, "sla", nomor, "--jelaskan", waktu="2026-11-30 09:00")
    assert view["sisa_hari_kerja"] is None
    assert (view["ditutup"], view["tepat_waktu"], view["terlambat"]) == (
        "2026-11-24T10:00",
        True,
        False,
    )
    assert view["hari_kerja_sampai_selesai"] == 1
    closing = next(d for d in view["hari"] if d["tanggal"] == "2026-11-24")
    assert closing["ke"] == 1 and "ditutup pukul 10:00" in closing["keterangan"]
    code, out, _ = run("sla", nomor, "--jelaskan", waktu="2026-11-30 09:00")
    assert "sisa hari kerja" not in out
    assert "ditutup 2026-11-24 10:00: tepat waktu; hari kerja sampai selesai: 1" in out


def test_working_days_to_close_are_the_same_in_the_explanation_and_the_monev(run: Runner) -> None:
    # received on a Saturday (day 0 is Monday 23), paused Tue 24 -> Wed 25, closed Fri 27
    nomor = record(run, waktu="2026-11-21 09:00")["nomor"]
    _ok(run, "tunda", nomor, "--alasan", "Menunggu KK", waktu="2026-11-24 09:00")
    _ok(run, "lanjut", nomor, waktu="2026-11-25 09:00")
    _close(run, nomor, "2026-11-27 10:00")
    view = ok_json(run, "sla", nomor, "--jelaskan", waktu="2026-11-30 09:00")
    closing = next(d for d in view["hari"] if d["tanggal"] == "2026-11-27")
    # Mon 23 = 0, Tue 24 = 1, Wed 25 paused, Thu 26 = 2, Fri 27 = 3
    assert closing["ke"] == view["hari_kerja_sampai_selesai"] == 3
    rekap = ok_json(run, "rekap", "--bulan", "2026-11", waktu="2026-11-30 09:00")
    assert rekap["rata_hari_kerja"] == 3


def test_a_late_closing_is_counted_on_to_the_closing_day(run: Runner) -> None:
    nomor = record(run, waktu="2026-11-17 09:00")["nomor"]  # due Fri 20 Nov
    _close(run, nomor, "2026-11-24 10:00")
    view = ok_json(run, "sla", nomor, "--jelaskan", waktu="2026-11-30 09:00")
    assert view["hari"][-1]["tanggal"] == "2026-11-24"
    assert view["hari"][-1]["ke"] == view["hari_kerja_sampai_selesai"] == 5
    due = [d for d in view["hari"] if "batas waktu" in d["keterangan"]]
    assert [d["tanggal"] for d in due] == [view["batas_waktu"]] == ["2026-11-20"]
    assert (view["terlambat"], view["tepat_waktu"]) == (True, False)


# -- 9. warnings: cuti bersama added by the office, estimated holidays ---------------------------


def _notes(run: Runner, nomor: str, waktu: str) -> list[str]:
    return ok_json(run, "sla", nomor, "--jelaskan", waktu=waktu)["catatan"]


def test_cuti_bersama_added_by_the_office_silences_the_warning(run: Runner) -> None:
    nomor = record(run, waktu="2028-06-05 09:00")["nomor"]  # Mon 5 Jun 2028: no estimate near
    assert [n for n in _notes(run, nomor, "2028-06-05 10:00") if "Cuti bersama tahun 2028" in n]
    _ok(
        run,
        "libur",
        "tambah",
        "2028-12-26",
        "Cuti Bersama Hari Raya Natal",
        "--sk",
        "SKB 3 Menteri 2027",
        waktu="2028-06-05 10:00",
    )
    assert not [n for n in _notes(run, nomor, "2028-06-05 11:00") if "Cuti bersama" in n]


def test_an_estimated_holiday_in_the_count_is_warned_about(run: Runner) -> None:
    nomor = record(run, waktu="2027-03-08 09:00")["nomor"]  # Idul Fitri 10-11 Mar 2027 (perkiraan)
    notes = _notes(run, nomor, "2027-03-08 10:00")
    assert any("perkiraan" in n and "10/03/2027" in n for n in notes), notes
    # the office confirms the day: its own day replaces the estimate
    _ok(run, "libur", "tambah", "2027-03-10", "Hari Raya Idul Fitri", waktu="2027-03-08 10:00")
    notes = _notes(run, nomor, "2027-03-08 11:00")
    assert not any("10/03/2027" in n for n in notes), notes
    assert any("11/03/2027" in n for n in notes), notes


# -- 4. one binding deadline per row ------------------------------------------------------------


def test_a_late_case_does_not_show_a_later_stage_deadline(run: Runner) -> None:
    # kemensos: 3 working days for the case, 5 for the unit's stage from distribution
    nomor = record(run, waktu="2026-11-23 09:00")["nomor"]  # due Thu 26 Nov
    _ok(run, "verifikasi", nomor, "--kategori", "PKH", waktu="2026-11-24 09:00")
    _ok(run, "distribusi", nomor, "--unit", "Sekretariat", waktu="2026-11-25 09:00")
    line = _line(run, nomor, waktu="2026-11-30 09:00")
    assert (line["tahap"], line["tahap_batas"]) == ("tindak lanjut", "2026-12-02")
    assert (line["mengikat"], line["batas_mengikat"], line["batas_waktu"]) == (
        "kasus",
        "2026-11-26",
        "2026-11-26",
    )
    assert (line["tanda"], line["sisa_hari_kerja"]) == ("terlambat", -2)
    code, out, _ = run("sla", waktu="2026-11-30 09:00")
    row = next(r for r in out.splitlines() if r.startswith(nomor))
    assert "terlambat" in row and "02/12" not in row and "tindak lanjut" not in row


def test_a_walk_in_case_is_bound_by_its_minutes(run: Runner) -> None:
    _ok(run, "profil", "kota-kupang")
    nomor = record(run, kanal="tatap-muka", waktu="2026-11-30 09:00")["nomor"]
    line = _line(run, nomor, waktu="2026-11-30 09:30")
    assert (line["mengikat"], line["batas_mengikat"], line["tanda"]) == (
        "kasus",
        "2026-11-30T09:15",
        "terlambat",
    )
    code, out, _ = run("sla", waktu="2026-11-30 09:30")
    row = next(r for r in out.splitlines() if r.startswith(nomor))
    assert "verifikasi" not in row and "03/12" not in row


def test_a_stage_that_comes_first_binds_and_is_named(run: Runner) -> None:
    _ok(run, "profil", "kota-kupang")  # letter: 7 working days; verification stage: 3
    nomor = record(run, kanal="surat", waktu="2026-11-16 09:00")["nomor"]
    line = _line(run, nomor, waktu="2026-11-20 09:00")  # Fri 20: verification was due Thu 19
    assert (line["batas_waktu"], line["mengikat"], line["batas_mengikat"]) == (
        "2026-11-25",
        "verifikasi",
        "2026-11-19",
    )
    assert (line["tanda"], line["terlambat"], line["sisa_hari_kerja"]) == ("terlambat", True, -1)
    view = ok_json(run, "sla", nomor, "--jelaskan", waktu="2026-11-20 09:00")
    assert (view["mengikat"], view["terlambat"], view["sisa_hari_kerja"]) == (
        "verifikasi",
        True,
        -1,
    )
    code, out, _ = run("sla", waktu="2026-11-20 09:00")
    row = next(r for r in out.splitlines() if r.startswith(nomor))
    assert "19/11/2026" in row and " verifikasi " in row and "batas kasus 25/11/2026" in row
    # once verified, the stage is over: the case's own deadline binds again
    _ok(run, "verifikasi", nomor, "--kategori", "PKH", waktu="2026-11-20 10:00")
    line = _line(run, nomor, waktu="2026-11-20 11:00")
    assert (line["mengikat"], line["tanda"], line["sisa_hari_kerja"]) == ("kasus", "aman", 3)


# -- 7. a closed case's verdict and deadline are fixed at its closing ----------------------------


def test_a_day_off_added_later_moves_neither_verdict_nor_deadline_of_a_closed_case(
    run: Runner,
) -> None:
    nomor = record(run, waktu="2026-11-23 09:00")["nomor"]  # due Thu 26 Nov
    closed = _close(run, nomor, "2026-11-27 10:00")  # Fri 27: late
    assert (closed["batas_waktu"], closed["tepat_waktu"]) == ("2026-11-26", False)
    _ok(run, "libur", "tambah", "2026-11-25", "Kantor tutup", waktu="2026-11-30 09:00")
    seen = ok_json(run, "lihat", nomor, waktu="2026-11-30 10:00")
    assert (seen["batas_waktu"], seen["tepat_waktu"]) == ("2026-11-26", False)
    listed = next(
        c for c in ok_json(run, "daftar", waktu="2026-11-30 10:00") if c["nomor"] == nomor
    )
    assert (listed["batas_waktu"], listed["tepat_waktu"]) == ("2026-11-26", False)
    view = ok_json(run, "sla", nomor, "--jelaskan", waktu="2026-11-30 10:00")
    assert (view["batas_waktu"], view["tepat_waktu"], view["terlambat"]) == (
        "2026-11-26",
        False,
        True,
    )
    assert "saat ditutup: 2026-11-26" in view["catatan"][0]
    assert "kalender kini 2026-11-27" in view["catatan"][0]
    # an open case received the same day does move: the calendar applies as it stands now
    other = record(run, waktu="2026-11-23 09:00")["nomor"]
    assert ok_json(run, "lihat", other, waktu="2026-11-30 10:00")["batas_waktu"] == "2026-11-27"


def test_sla_per_date_shows_the_cases_open_then_in_their_status_then(run: Runner) -> None:
    closed_later = record(run, waktu="2026-11-02 09:00")["nomor"]  # due Thu 5 Nov
    _close(run, closed_later, "2026-11-10 09:00")
    distributed_later = record(run, waktu="2026-11-03 09:00")["nomor"]
    _ok(run, "verifikasi", distributed_later, "--kategori", "PKH", waktu="2026-11-09 09:00")
    closed_before = record(run, waktu="2026-11-02 10:00")["nomor"]
    _close(run, closed_before, "2026-11-03 09:00")
    lines = {line["nomor"]: line for line in _sla(run, "--per", "2026-11-06", waktu="2026-11-23")}
    assert closed_before not in lines
    assert (lines[closed_later]["status"], lines[closed_later]["terlambat"]) == ("diterima", True)
    assert lines[closed_later]["sisa_hari_kerja"] == -1
    assert lines[distributed_later]["status"] == "diterima"
    # today, the closed case has left the list
    assert closed_later not in {line["nomor"] for line in _sla(run, waktu="2026-11-23 09:00")}
