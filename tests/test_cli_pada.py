"""`--pada WAKTU`: a step typed in later than it happened is recorded when it happened; the
deadline verdicts use that moment; the history shows both times; never in the future nor
before the previous step (SPEC §7)."""

from __future__ import annotations

import pytest

from conftest import Runner, ok_json, refused

MONDAY = "2026-11-23 10:00"


def handled_last_week(run: Runner, catat) -> str:
    """Received Tuesday 17 November (due Friday 20), handled that week, typed in on Monday."""
    nomor = catat(diterima="2026-11-17 09:00")["nomor"]
    for step in (
        ["verifikasi", nomor, "--kategori", "PKH", "--pada", "2026-11-17 10:00"],
        ["distribusi", nomor, "--unit", "PFM", "--pada", "17/11/2026 11:00"],
        ["tindaklanjut", nomor, "--catatan", "Survei", "--pada", "2026-11-19 14:00"],
    ):
        code, _, err = run(*step)
        assert code == 0, err
        assert ", pada " in err
    return nomor


def test_a_friday_close_typed_on_monday_counts_as_on_time(run: Runner, catat) -> None:
    typed_late = handled_last_week(run, catat)
    view = ok_json(run, "tutup", typed_late, "--hasil", "Cair")  # closed "now", Monday
    assert view["tepat_waktu"] is False

    nomor = handled_last_week(run, catat)
    code, out, err = run("tutup", nomor, "--hasil", "Bantuan cair", "--pada", "2026-11-20 15:00")
    assert code == 0, err
    assert out == f"{nomor}\n"
    assert err == (
        f"Ditutup: {nomor} ditindaklanjuti → selesai, pada Jumat, 20 November 2026 15:00; "
        "tepat waktu\n"
    )
    view = ok_json(run, "lihat", nomor)
    assert (view["ditutup"], view["tepat_waktu"]) == ("2026-11-20T15:00", True)
    closing = view["riwayat"][-1]
    assert (closing["aksi"], closing["waktu"], closing["dicatat"]) == (
        "tutup",
        "2026-11-20T15:00",
        "2026-11-23T10:00",
    )
    code, screen, _ = run("lihat", nomor)
    assert "(dicatat 23/11/2026" in screen  # typed in on Monday (the cell may wrap)
    figures = ok_json(run, "rekap")
    assert (figures["selesai"], figures["selesai_tepat_waktu"]) == (2, 1)
    assert ok_json(run, "periksa")["masalah"] == []


def test_pauses_and_reports_back_take_the_moment_too(run: Runner, catat) -> None:
    nomor = catat(kanal="sp4n-lapor", nomor_lapor="LAP-3", diterima="2026-11-16 09:00")["nomor"]
    assert run("tunda", nomor, "--alasan", "Menunggu KK", "--pada", "2026-11-16 10:00")[0] == 0
    code, _, err = run("lanjut", nomor, "--pada", "2026-11-18 09:00")
    assert code == 0, err
    assert "(pada Rabu, 18 November 2026 09:00)" in err
    # due Thu 19 Nov + 2 paused working days (17, 18 Nov) = Mon 23 Nov
    assert ok_json(run, "lihat", nomor)["batas_waktu"] == "2026-11-23"
    for step in (
        ["verifikasi", nomor, "--kategori", "PKH", "--pada", "2026-11-18 10:00"],
        ["distribusi", nomor, "--jawaban-normatif", "Syarat", "--pada", "2026-11-18 11:00"],
        ["tutup", nomor, "--hasil", "Dijawab", "--pada", "2026-11-18 12:00"],
        ["laporbalik", nomor, "--pada", "2026-11-19 08:00"],
    ):
        assert run(*step)[0] == 0
    entries = ok_json(run, "lihat", nomor)["riwayat"]
    assert [e["waktu"] for e in entries[1:]] == [
        "2026-11-16T10:00", "2026-11-18T09:00", "2026-11-18T10:00", "2026-11-18T11:00",
        "2026-11-18T12:00", "2026-11-19T08:00",
    ]  # fmt: skip
    assert ok_json(run, "periksa")["masalah"] == []


@pytest.mark.parametrize(
    ("pada", "said"),
    [
        ("2026-11-23 10:01", "ada di masa depan"),
        ("2026-11-24", "ada di masa depan"),
        ("2026-11-19 13:59", "sebelum langkah `tindaklanjut`"),
        ("2026-11-18", "sebelum langkah `tindaklanjut`"),
        ("Jumat", "tidak dikenali"),
    ],
)
def test_pada_refusals_write_nothing(run: Runner, catat, pada: str, said: str) -> None:
    nomor = handled_last_week(run, catat)
    assert said in refused(run, "tutup", nomor, "--hasil", "Cair", "--pada", pada)


def test_a_step_cannot_happen_before_the_receipt(run: Runner, catat) -> None:
    nomor = catat(diterima="2026-11-20 09:00")["nomor"]
    err = refused(run, "verifikasi", nomor, "--kategori", "PKH", "--pada", "2026-11-19 09:00")
    assert "sebelum waktu diterima" in err
