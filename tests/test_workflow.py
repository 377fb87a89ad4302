"""workflow: the SOP as pure functions — which command fits which status, and what it records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest

from lapor_cli.errors import StatusError, ValidationError
from lapor_cli.workflow import (
    ALLOWED_FROM,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    VOID_STATUSES,
    Status,
    Step,
    close,
    distribute,
    follow_up,
    merge,
    rate,
    reopen,
    report_back,
    require_status,
    step_moment,
    verify,
    void,
)

NOW = datetime(2026, 11, 24, 9, 30)
NOMOR = "DS-2026-00007"

S = Status
#: The SOP (SPEC §2), written out independently of the code: command -> {from: to}.
EXPECTED: dict[str, dict[Status, Status]] = {
    "verifikasi": {S.DITERIMA: S.TERVERIFIKASI},
    "distribusi": {S.TERVERIFIKASI: S.DIDISPOSISIKAN},
    "tindaklanjut": {S.DIDISPOSISIKAN: S.DITINDAKLANJUTI, S.DITINDAKLANJUTI: S.DITINDAKLANJUTI},
    "tutup": {S.DIJAWAB: S.SELESAI, S.DITINDAKLANJUTI: S.SELESAI},
    "nilai": {S.SELESAI: S.SELESAI},
    "laporbalik": {S.SELESAI: S.SELESAI, S.DIARSIPKAN: S.DIARSIPKAN, S.DIGABUNG: S.DIGABUNG},
    # after the fact: a disputed answer reopened (back to the unit, see test_reopen_*), a
    # case recorded by mistake voided, a duplicate merged while it is still open
    "buka": {S.SELESAI: S.DIDISPOSISIKAN},
    "batal": {s: S.DIBATALKAN for s in S if s not in (S.DIBATALKAN, S.DIGABUNG)},
    "gabung": {
        s: S.DIGABUNG
        for s in (S.DITERIMA, S.TERVERIFIKASI, S.DIDISPOSISIKAN, S.DIJAWAB, S.DITINDAKLANJUTI)
    },
}
#: How a refusal names the statuses a command takes, when it does not list them one by one.
SUMMARY = {"batal": "yang belum dibatalkan atau digabung", "gabung": "yang masih terbuka"}

#: One call of each command with valid input; only the status varies.
CALLS: dict[str, Callable[[str], Step]] = {
    "verifikasi": lambda status: verify(NOMOR, status, now=NOW, kategori="PKH", kewenangan=True),
    "distribusi": lambda status: distribute(NOMOR, status, now=NOW, unit="Sekretariat"),
    "tindaklanjut": lambda status: follow_up(NOMOR, status, now=NOW, catatan="Survei"),
    "tutup": lambda status: close(
        NOMOR, status, kanal="surat", now=NOW, hasil="Sudah cair", tepat_waktu=True
    ),
    "nilai": lambda status: rate(NOMOR, status, current_score=None, skor=5, komentar=None),
    "laporbalik": lambda status: report_back(
        NOMOR, status, kanal="sp4n-lapor", dilaporkan_balik=False, utama="DS-1", utama_closed=True
    ),
    "buka": lambda status: reopen(NOMOR, status, unit="Sekretariat", alasan="Keberatan", now=NOW),
    "batal": lambda status: void(NOMOR, status, alasan="Salah catat", linked=[]),
    "gabung": lambda status: merge(
        NOMOR,
        status,
        kanal="surat",
        utama="DS-2026-00001",
        utama_status="diterima",
        utama_digabung_ke=None,
        linked=[],
        alasan="Aduan yang sama",
    ),
}

MATRIX = [(command, status) for command in ALLOWED_FROM for status in Status]


def test_the_matrix_covers_every_command_of_the_sop() -> None:
    assert set(ALLOWED_FROM) == set(EXPECTED) == set(CALLS)
    for command, allowed in ALLOWED_FROM.items():
        assert set(allowed) == set(EXPECTED[command]), command


def test_open_closed_and_void_statuses_partition_the_statuses() -> None:
    assert set(OPEN_STATUSES) | set(CLOSED_STATUSES) | set(VOID_STATUSES) == set(Status)
    assert not set(OPEN_STATUSES) & set(CLOSED_STATUSES)
    assert not (set(OPEN_STATUSES) | set(CLOSED_STATUSES)) & set(VOID_STATUSES)
    assert set(CLOSED_STATUSES) == {S.SELESAI, S.DIARSIPKAN}
    assert set(VOID_STATUSES) == {S.DIBATALKAN, S.DIGABUNG}


@pytest.mark.parametrize(("command", "status"), MATRIX, ids=[f"{c}-{s}" for c, s in MATRIX])
def test_command_in_status(command: str, status: Status) -> None:
    if status in EXPECTED[command]:
        step = CALLS[command](status.value)
        assert step.aksi == command
        assert step.dari == status
        assert step.ke == EXPECTED[command][status]
        assert require_status(command, NOMOR, status.value) == status
    else:
        with pytest.raises(StatusError) as info:
            CALLS[command](status.value)
        message = info.value.message
        assert NOMOR in message
        assert f"'{status.value}'" in message
        assert f"`{command}`" in message
        if command in SUMMARY:
            assert SUMMARY[command] in message
        else:
            for allowed in ALLOWED_FROM[command]:
                assert f"'{allowed.value}'" in message
        if status in VOID_STATUSES:
            assert "final" in message
        assert info.value.exit_code == 1


def test_refusal_names_the_next_step() -> None:
    with pytest.raises(StatusError, match="lapor verifikasi"):
        require_status("distribusi", NOMOR, "diterima")
    with pytest.raises(StatusError, match="lapor tutup"):
        require_status("tindaklanjut", NOMOR, "dijawab")
    with pytest.raises(StatusError, match="sudah selesai"):
        require_status("tutup", NOMOR, "diarsipkan")


# ------------------------------------------------------------------------------ verifikasi


def test_verify_in_authority() -> None:
    step = verify(NOMOR, "diterima", now=NOW, kategori="DTKS", kewenangan=True, catatan="cek")
    assert step.ke == S.TERVERIFIKASI
    assert step.changes == {"kategori": "DTKS", "kewenangan": True}
    assert "DTKS" in step.catatan
    assert "cek" in step.catatan
    assert "ditutup" not in step.changes


@pytest.mark.parametrize("alasan", [None, "", "   "])
def test_verify_not_in_authority_needs_a_reason(alasan: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        verify(NOMOR, "diterima", now=NOW, kategori="LAINNYA", kewenangan=False, alasan=alasan)
    assert info.value.field == "alasan"
    assert "--alasan" in info.value.message


def test_verify_not_in_authority_archives_with_reason_and_referral() -> None:
    step = verify(
        NOMOR,
        "diterima",
        now=NOW,
        kategori="LAINNYA",
        kewenangan=False,
        alasan="Urusan administrasi kependudukan",
        dirujuk_ke="Dinas Dukcapil",
        nomor_surat="400/12/DS",
        tepat_waktu=True,
    )
    assert step.ke == S.DIARSIPKAN
    assert step.changes["kewenangan"] is False
    assert step.changes["ditutup"] == NOW
    assert step.changes["tepat_waktu"] is True
    for text in ("Urusan administrasi kependudukan", "Dinas Dukcapil", "400/12/DS"):
        assert text in step.catatan
        assert text in step.changes["hasil"]
    assert step.data["dirujuk_ke"] == "Dinas Dukcapil"
    assert step.data["nomor_surat"] == "400/12/DS"


@pytest.mark.parametrize("option", ["dirujuk_ke", "nomor_surat"])
def test_verify_referral_only_when_not_in_authority(option: str) -> None:
    with pytest.raises(ValidationError, match="--bukan-kewenangan"):
        verify(NOMOR, "diterima", now=NOW, kategori="PKH", kewenangan=True, **{option: "x"})


# ------------------------------------------------------------------------------ distribusi


def test_distribute_to_a_unit_with_copies() -> None:
    step = distribute(
        NOMOR,
        "terverifikasi",
        now=NOW,
        unit="Bidang Rehabilitasi Sosial",
        tembusan=["UPT Panti", "  ", "Balai Besar Kupang "],
        catatan="Segera",
    )
    assert step.ke == S.DIDISPOSISIKAN
    assert step.changes["unit"] == "Bidang Rehabilitasi Sosial"
    assert step.changes["tembusan"] == ["UPT Panti", "Balai Besar Kupang"]
    assert step.changes["didistribusikan"] == NOW
    assert "UPT Panti" in step.catatan
    assert "Segera" in step.catatan


def test_distribute_normative_answer() -> None:
    step = distribute(NOMOR, "terverifikasi", now=NOW, jawaban_normatif="  Syarat PKH: ...  ")
    assert step.ke == S.DIJAWAB
    assert step.changes["jawaban_normatif"] == "Syarat PKH: ..."
    assert "unit" not in step.changes


def test_distribute_unit_xor_normative_answer() -> None:
    with pytest.raises(ValidationError) as both:
        distribute(NOMOR, "terverifikasi", now=NOW, unit="Sekretariat", jawaban_normatif="x")
    assert both.value.field == "unit"
    for blank in (None, "  "):
        with pytest.raises(ValidationError) as neither:
            distribute(NOMOR, "terverifikasi", now=NOW, jawaban_normatif=blank)
        assert neither.value.field == "unit"
        assert "--jawaban-normatif" in neither.value.message


def test_distribute_copies_only_when_forwarded() -> None:
    with pytest.raises(ValidationError) as info:
        distribute(NOMOR, "terverifikasi", now=NOW, jawaban_normatif="x", tembusan=["UPT"])
    assert info.value.field == "tembusan"


# ---------------------------------------------------------------------------- tindaklanjut


def test_follow_up_records_who_and_assignment_and_repeats() -> None:
    first = follow_up(
        NOMOR, "didisposisikan", now=NOW, catatan="Survei", oleh=" Kabid ", tugaskan=" TKSK "
    )
    assert (first.dari, first.ke) == (S.DIDISPOSISIKAN, S.DITINDAKLANJUTI)
    assert first.data == {"oleh": "Kabid", "ditugaskan": "TKSK"}
    assert first.changes == {"tindaklanjut_terakhir": NOW}
    again = follow_up(NOMOR, "ditindaklanjuti", now=NOW, catatan="Verifikasi ulang")
    assert (again.dari, again.ke) == (S.DITINDAKLANJUTI, S.DITINDAKLANJUTI)
    assert again.catatan == "Verifikasi ulang"


@pytest.mark.parametrize("catatan", [None, "", "  "])
def test_follow_up_needs_a_note(catatan: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        follow_up(NOMOR, "didisposisikan", now=NOW, catatan=catatan)
    assert info.value.field == "catatan"


# ----------------------------------------------------------------------------------- tutup


@pytest.mark.parametrize("hasil", [None, "", "  "])
def test_close_needs_a_result(hasil: str | None) -> None:
    with pytest.raises(ValidationError) as info:
        close(NOMOR, "dijawab", kanal="surat", now=NOW, hasil=hasil, tepat_waktu=True)
    assert info.value.field == "hasil"


@pytest.mark.parametrize("reported", [True, False, None])
def test_close_sp4n_lapor_case_records_whether_reported_back(reported: bool | None) -> None:
    step = close(
        NOMOR,
        "ditindaklanjuti",
        kanal="sp4n-lapor",
        now=NOW,
        hasil=" Cair ",
        tepat_waktu=False,
        dilaporkan_balik=reported,
    )
    assert step.ke == S.SELESAI
    assert step.changes == {
        "hasil": "Cair",
        "ditutup": NOW,
        "tepat_waktu": False,
        "dilaporkan_balik": bool(reported),
    }


def test_close_other_channel_has_nothing_to_report_back() -> None:
    step = close(NOMOR, "dijawab", kanal="surat", now=NOW, hasil="Dijawab", tepat_waktu=True)
    assert "dilaporkan_balik" not in step.changes
    with pytest.raises(ValidationError) as info:
        close(
            NOMOR,
            "dijawab",
            kanal="surat",
            now=NOW,
            hasil="Dijawab",
            tepat_waktu=True,
            dilaporkan_balik=True,
        )
    assert info.value.field == "dilaporkan"


# ------------------------------------------------------------------------------ laporbalik


@pytest.mark.parametrize("status", ["selesai", "diarsipkan"])
def test_report_back_keeps_the_status(status: str) -> None:
    step = report_back(NOMOR, status, kanal="sp4n-lapor", dilaporkan_balik=None)
    assert step.dari == step.ke == Status(status)
    assert step.changes == {"dilaporkan_balik": True}


def test_report_back_only_for_sp4n_lapor_and_only_once() -> None:
    with pytest.raises(ValidationError) as info:
        report_back(NOMOR, "selesai", kanal="whatsapp", dilaporkan_balik=None)
    assert info.value.field == "kanal"
    with pytest.raises(StatusError, match="sudah dilaporkan"):
        report_back(NOMOR, "selesai", kanal="sp4n-lapor", dilaporkan_balik=True)


# ----------------------------------------------------------------------------------- nilai


@pytest.mark.parametrize("skor", [1, 2, 3, 4, 5])
def test_rate_accepts_one_to_five(skor: int) -> None:
    step = rate(NOMOR, "selesai", current_score=None, skor=skor, komentar="  Cepat  ")
    assert step.dari == step.ke == S.SELESAI
    assert step.changes == {"skor": skor, "komentar": "Cepat"}


@pytest.mark.parametrize("skor", [0, 6, -1, 10])
def test_rate_out_of_range_refused(skor: int) -> None:
    with pytest.raises(ValidationError) as info:
        rate(NOMOR, "selesai", current_score=None, skor=skor, komentar=None)
    assert info.value.field == "skor"
    assert str(skor) in info.value.message


def test_rate_blank_comment_is_none() -> None:
    step = rate(NOMOR, "selesai", current_score=None, skor=3, komentar="   ")
    assert step.changes["komentar"] is None


def test_rate_only_once() -> None:
    with pytest.raises(StatusError, match="sudah dinilai"):
        rate(NOMOR, "selesai", current_score=4, skor=5, komentar=None)


# ------------------------------------------------------------------- after the fact


def test_reopen_goes_back_to_the_unit_or_to_the_desk() -> None:
    step = reopen(NOMOR, "selesai", unit="Sekretariat", alasan=" Belum cair ", now=NOW)
    assert (step.dari, step.ke) == (S.SELESAI, S.DIDISPOSISIKAN)
    assert step.changes == {
        "dibuka": NOW,
        "ditutup": None,
        "tepat_waktu": None,
        "hasil": None,
        "skor": None,
        "komentar": None,
        "dilaporkan_balik": None,
    }
    assert step.data == {"alasan": "Belum cair", "unit": "Sekretariat"}
    answered = reopen(NOMOR, "selesai", unit=None, alasan="Perlu survei", now=NOW)
    assert answered.ke == S.TERVERIFIKASI
    assert "meja pengaduan" in answered.catatan
    with pytest.raises(ValidationError, match="--alasan wajib"):
        reopen(NOMOR, "selesai", unit=None, alasan="  ", now=NOW)


def test_void_and_merge_keep_no_chains() -> None:
    with pytest.raises(StatusError, match="kasus utama bagi DS-2026-00009"):
        void(NOMOR, "diterima", alasan="x", linked=["DS-2026-00009"])
    kw = dict(kanal="surat", utama_digabung_ke=None, linked=[], alasan="Sama")
    with pytest.raises(ValidationError, match="dirinya sendiri"):
        merge(NOMOR, "diterima", utama=NOMOR, utama_status="diterima", **kw)
    with pytest.raises(StatusError, match="sudah dibatalkan"):
        merge(NOMOR, "diterima", utama="DS-1", utama_status="dibatalkan", **kw)
    with pytest.raises(StatusError, match="gabungkan ke DS-2"):
        merge(NOMOR, "diterima", utama="DS-1", utama_status="digabung",
              **{**kw, "utama_digabung_ke": "DS-2"})  # fmt: skip
    with pytest.raises(StatusError, match="bukan sebaliknya"):
        merge(NOMOR, "diterima", utama="DS-1", utama_status="selesai",
              **{**kw, "linked": ["DS-3"]})  # fmt: skip
    step = merge(NOMOR, "dijawab", utama="DS-1", utama_status="selesai",
                 **{**kw, "kanal": "sp4n-lapor"})  # fmt: skip
    assert step.changes == {"digabung_ke": "DS-1", "dilaporkan_balik": False}
    assert step.data == {"ke": "DS-1", "alasan": "Sama"}


def test_report_back_of_a_merged_duplicate_waits_for_its_main_case() -> None:
    with pytest.raises(StatusError, match="laporkan balik setelah `lapor tutup DS-1`"):
        report_back(NOMOR, "digabung", kanal="sp4n-lapor", dilaporkan_balik=False, utama="DS-1")


MONDAY = datetime(2026, 11, 23, 10, 0)
FRIDAY = datetime(2026, 11, 20, 9, 0)


@pytest.mark.parametrize(
    ("pada", "moment"),
    [
        (None, MONDAY),
        ("2026-11-20 15:30", datetime(2026, 11, 20, 15, 30)),
        ("20/11/2026 15:30", datetime(2026, 11, 20, 15, 30)),
        ("2026-11-20", datetime(2026, 11, 20, 23, 59, 59)),  # a bare date: the day's end
        (" 21/11/2026 ", datetime(2026, 11, 21, 23, 59, 59)),
        ("2026-11-23", MONDAY),  # today: now, not the end of today (that is to come)
        ("2026-11-20 09:00", FRIDAY),  # the previous step's very moment
        (datetime(2026, 11, 22, 8, 0), datetime(2026, 11, 22, 8, 0)),
    ],
)
def test_step_moment(pada, moment) -> None:
    kw = dict(now=MONDAY, after=FRIDAY, after_what="langkah `verifikasi`", nomor=NOMOR)
    assert step_moment(pada, **kw) == moment


@pytest.mark.parametrize(
    ("pada", "said"),
    [
        ("2026-11-23 10:01", "ada di masa depan"),
        ("2026-11-24", "ada di masa depan"),
        ("2026-11-20 08:59", "sebelum langkah `verifikasi` kasus DS-2026-00007 (20/11/2026 09:00)"),
        ("19/11/2026", "sebelum langkah `verifikasi`"),
        ("Jumat", "tidak dikenali"),
        ("2026-02-30", "tidak ada"),
    ],
)
def test_step_moment_refusals(pada: str, said: str) -> None:
    kw = dict(now=MONDAY, after=FRIDAY, after_what="langkah `verifikasi`", nomor=NOMOR)
    with pytest.raises(ValidationError) as refused:
        step_moment(pada, **kw)
    assert refused.value.field == "pada"
    assert said in refused.value.message
