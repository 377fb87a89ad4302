"""`lapor_cli.listing` and `lapor_cli.views` without the CLI: `list_cases` with each `daftar`
filter (the count of all matches beside the first ``limit`` views), `parse_statuses`, and
`show_case`, whose revealing of an identity is itself recorded; NIK, phone and e-mail masked
on screens, an anonim case showing no identity anywhere (SPEC §4).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session

from conftest import CASE_KEYS, HP, HP_E164, NIK, register_rows
from lapor_cli.db import KNOWN_REVISIONS
from lapor_cli.desks import add_desk
from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.handling import (
    close_case,
    distribute_case,
    extend_case,
    get_case,
    verify_case,
)
from lapor_cli.listing import identity_search, list_cases, list_query, parse_statuses, show_case
from lapor_cli.maintenance import check_connection
from lapor_cli.recording import record
from lapor_cli.workflow import OPEN_STATUSES

NOW = datetime(2027, 1, 5, 10, 0)
IDENTITY = ("nama", "nik", "kk", "hp", "email", "alamat")

#: The register of these tests, oldest first: label -> (received, fields).
CASES: dict[str, tuple[str, dict[str, object]]] = {
    "oktober": (
        "2026-10-15 10:00",
        {
            "uraian": "PKH tidak cair",
            "nama": "Siti Aminah",
            "nik": NIK,
            "hp": HP,
            "email": "siti@contoh.id",
            "alamat": "Jl. Merdeka 1",
        },
    ),  # fmt: skip
    "whatsapp": ("2026-11-02 10:00", {"kanal": "whatsapp", "uraian": "BPNT terlambat"}),
    "lapor": ("2026-11-10 10:00", {"kanal": "sp4n-lapor", "nomor_lapor": "LAP-777"}),
    "anonim": (
        "2026-11-20 10:00",
        {"kanal": "email", "anonim": True, "nama": None, "uraian": "Pungutan liar PKH"},
    ),
    "rahasia": (
        "2026-11-23 10:00",
        {"rahasia": True, "nama": "Rahasia Orang", "uraian": "Kekerasan di penerima PKH"},
    ),
    "akhir-tahun": ("2026-12-31 23:30", {}),
    "tahun-baru": ("2027-01-01 00:00", {}),
}
NEWEST_FIRST = list(reversed(CASES))


@pytest.fixture
def cases(session: Session) -> dict[str, str]:
    """CASES recorded as they came in; oktober answered and closed, whatsapp verified, lapor
    closed without being reported back. Label -> nomor."""
    numbers = {}
    for label, (received, fields) in CASES.items():
        raw: dict[str, object] = {
            "kanal": "surat",
            "jenis": "aduan",
            "uraian": "Bantuan sembako",
            "nama": "Maria Bere",
            "petugas": "uji",
            **fields,
        }
        moment = datetime.fromisoformat(received)
        numbers[label] = record(session, raw, now=moment, profile="kemensos").view["nomor"]
    when = datetime(2027, 1, 4, 9, 0)
    for label in ("oktober", "whatsapp", "lapor"):
        nomor = numbers[label]
        verify_case(session, nomor, now=when, petugas="uji", kategori="PKH", kewenangan=True)
    for label in ("oktober", "lapor"):
        distribute_case(session, numbers[label], now=when, petugas="uji", jawaban_normatif="Ya")
        close_case(session, numbers[label], now=when, petugas="uji", hasil="Dijawab")
    return numbers


def listed(session: Session, numbers: dict[str, str], **filters: object) -> list[str]:
    """The labels of the cases `list_cases` gives, in its order."""
    labels = {nomor: label for label, nomor in numbers.items()}
    found = list_cases(session, now=NOW, **filters)
    views = list(found.views)
    assert found.total == len(views)  # no limit: the count is what is listed
    return [labels[view["nomor"]] for view in views]


# -- filters -------------------------------------------------------------------------------------


def test_every_case_newest_first(session: Session, cases: dict[str, str]) -> None:
    assert listed(session, cases) == NEWEST_FIRST


def test_status_filter(session: Session, cases: dict[str, str]) -> None:
    still_open = ["tahun-baru", "akhir-tahun", "rahasia", "anonim", "whatsapp"]
    assert listed(session, cases, status=parse_statuses(["terbuka"])) == still_open
    assert listed(session, cases, status=parse_statuses(["selesai"])) == ["lapor", "oktober"]
    mixed = parse_statuses(["Terverifikasi, selesai"])
    assert listed(session, cases, status=mixed) == ["lapor", "whatsapp", "oktober"]
    assert listed(session, cases, status=parse_statuses(["diarsipkan"])) == []


def test_channel_and_month_filters(session: Session, cases: dict[str, str]) -> None:
    assert listed(session, cases, kanal="sp4n-lapor") == ["lapor"]
    assert listed(session, cases, kanal="surat") == [
        "tahun-baru",
        "akhir-tahun",
        "rahasia",
        "oktober",
    ]
    assert listed(session, cases, bulan=(2026, 10)) == ["oktober"]
    assert listed(session, cases, bulan=(2026, 11)) == ["rahasia", "anonim", "lapor", "whatsapp"]
    # December ends at the year's last minute, January starts at its first.
    assert listed(session, cases, bulan=(2026, 12)) == ["akhir-tahun"]
    assert listed(session, cases, bulan=(2027, 1)) == ["tahun-baru"]
    assert listed(session, cases, bulan=(2026, 9)) == []
    assert listed(session, cases, kanal="surat", bulan=(2026, 11)) == ["rahasia"]


def test_search_in_numbers_names_and_descriptions(session: Session, cases: dict[str, str]) -> None:
    # Any case; not the confidential description of the rahasia case.
    assert listed(session, cases, cari="pkh") == ["anonim", "oktober"]
    assert listed(session, cases, cari=" SITI ") == ["oktober"]
    assert listed(session, cases, cari="rahasia orang") == ["rahasia"]  # its name is not secret
    assert listed(session, cases, cari="lap-777") == ["lapor"]
    assert listed(session, cases, cari=cases["whatsapp"].lower()) == ["whatsapp"]
    assert listed(session, cases, cari="%") == []  # a wildcard is searched as text
    assert listed(session, cases, cari="sembako", status=["diterima"]) == [
        "tahun-baru",
        "akhir-tahun",
    ]


@pytest.mark.parametrize(
    "typed",
    [NIK, "3171 0141 0190 0001", "3171.0141.0190.0001", HP, "+62 812-3456-7890", "6281234567890"],
)
def test_search_by_a_whole_nik_or_phone_in_any_form(
    session: Session, cases: dict[str, str], typed: str
) -> None:
    assert listed(session, cases, cari=typed) == ["oktober"]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("3171 0141 0190 0001", ("nik", NIK)),
        ("3171-0141-0190-0001", ("nik", NIK)),
        ("0812 3456 7890", ("hp", HP_E164)),
        ("+62 812 3456 7890", ("hp", HP_E164)),
        ("62 812 3456 7890", ("hp", HP_E164)),
        ("(0380) 821 234", ("hp", "+62380821234")),  # a landline
        ("3171014101900000", None),  # no NIK (serial 0000): searched as text
        ("LAP-777", None),
        ("1234567", None),
        ("DS-2026-00001", None),
        ("Siti", None),
    ],
)
def test_identity_search_normalises_with_the_validators(typed: str, found) -> None:
    assert identity_search(typed) == found


@pytest.mark.sqlite_only
def test_search_by_nik_or_phone_uses_their_indexes(session: Session) -> None:
    for typed, index in ((NIK, "ix_kasus_nik"), (HP, "ix_kasus_hp")):
        where, params = list_query(cari=typed)
        raw = session.connection().connection.driver_connection
        plan = raw.execute(f"EXPLAIN QUERY PLAN SELECT id FROM kasus {where}", params).fetchall()
        assert any(index in str(row) for row in plan), plan


def test_not_reported_back(session: Session, cases: dict[str, str]) -> None:
    assert listed(session, cases, belum_dilaporkan=True) == ["lapor"]


def test_desk_filter(session: Session, cases: dict[str, str]) -> None:
    add_desk(session, "kupang", "Dinas Sosial Kota Kupang", "KPG")
    raw = {"kanal": "surat", "jenis": "aduan", "uraian": "x", "nama": "Ani", "petugas": "uji"}
    cases["kupang"] = record(session, raw, now=NOW, profile="kemensos", meja="kupang").view["nomor"]
    assert listed(session, cases, meja="kupang") == ["kupang"]
    assert listed(session, cases, meja="utama") == NEWEST_FIRST
    assert listed(session, cases) == ["kupang", *NEWEST_FIRST]
    assert listed(session, cases, meja="kupang", semua_meja=True) == ["kupang", *NEWEST_FIRST]
    with pytest.raises(NotFoundError, match="Meja 'kantin' tidak ada"):
        list_cases(session, now=NOW, meja="kantin")


def test_limit_keeps_the_total(session: Session, cases: dict[str, str]) -> None:
    found = list_cases(session, now=NOW, limit=3)
    assert found.total == 7
    assert [view["nomor"] for view in found.views] == [cases[x] for x in NEWEST_FIRST[:3]]
    found = list_cases(session, now=NOW, status=parse_statuses(["terbuka"]), limit=2)
    assert found.total == 5 and len(list(found.views)) == 2
    found = list_cases(session, now=NOW, limit=0)  # 0 = every case
    assert found.total == 7 and len(list(found.views)) == 7


def test_parse_statuses() -> None:
    assert parse_statuses([]) == []
    assert parse_statuses(["terbuka"]) == list(OPEN_STATUSES)
    assert parse_statuses([" SELESAI ,", "diarsipkan"]) == ["selesai", "diarsipkan"]
    with pytest.raises(ValidationError) as refused:
        parse_statuses(["selesai,tutup"])
    assert refused.value.field == "status"
    assert refused.value.message == (
        "Status 'tutup' tidak dikenal. Pilihan: terbuka, diterima, terverifikasi, diarsipkan, "
        "didisposisikan, dijawab, ditindaklanjuti, selesai, dibatalkan, digabung."
    )


# -- what lists show -----------------------------------------------------------------------------


def test_list_views_mask_identity_and_hide_secrets(session: Session, cases: dict[str, str]) -> None:
    views = {view["nomor"]: view for view in list_cases(session, now=NOW).views}
    named = views[cases["oktober"]]
    assert CASE_KEYS <= set(named)
    assert (named["nama"], named["alamat"]) == ("Siti Aminah", "Jl. Merdeka 1")
    assert named["nik"] == "3171********0001"
    assert named["hp"] == "+62812****7890"
    assert named["email"] == "s***@contoh.id"
    assert named["batas_waktu"] == "2026-10-20"  # Thu 15 Oct + 3 working days
    anonymous = views[cases["anonim"]]
    assert {k: anonymous[k] for k in IDENTITY} == dict.fromkeys(IDENTITY)
    assert anonymous["uraian"] == "Pungutan liar PKH"
    secret = views[cases["rahasia"]]
    assert (secret["uraian"], secret["nama"]) == ("(rahasia)", "Rahasia Orang")


# -- show_case -----------------------------------------------------------------------------------


def test_show_case_masks_unless_revealed_and_records_the_reveal(
    session: Session, cases: dict[str, str]
) -> None:
    nomor = cases["oktober"]
    before = register_rows(session)
    shown = show_case(session, nomor, now=NOW)
    assert register_rows(session) == before  # looking writes nothing
    assert (shown["nik"], shown["hp"]) == ("3171********0001", "+62812****7890")
    actions = [entry["aksi"] for entry in shown["riwayat"]]
    assert actions == ["catat", "verifikasi", "distribusi", "tutup"]
    assert shown["sla_keterangan"] == "3 hari kerja"

    revealed = show_case(session, f" {nomor.lower()}", now=NOW, reveal=True, petugas="Ani")
    assert (revealed["nik"], revealed["hp"], revealed["email"]) == (NIK, HP_E164, "siti@contoh.id")
    last = revealed["riwayat"][-1]
    assert last == {
        "waktu": "2027-01-05T10:00",
        "dicatat": "2027-01-05T10:00",
        "oleh": "Ani",
        "aksi": "lihat-lengkap",
        "dari": "selesai",
        "ke": "selesai",
        "catatan": "Identitas/isi lengkap dibuka dengan --lengkap",
        "data": {},
    }
    again = show_case(session, nomor, now=NOW)
    assert len(again["riwayat"]) == 5  # the reveal is in the history, once
    assert get_case(session, nomor).status == "selesai"  # the case itself is untouched
    assert check_connection(session.connection(), KNOWN_REVISIONS).problems == []


def test_show_case_secret_and_anonymous(session: Session, cases: dict[str, str]) -> None:
    secret = cases["rahasia"]
    assert show_case(session, secret, now=NOW)["uraian"] == "(rahasia)"
    full = show_case(session, secret, now=NOW, reveal=True, petugas="uji")
    assert full["uraian"] == "Kekerasan di penerima PKH"
    anonymous = cases["anonim"]
    for reveal in (False, True):
        shown = show_case(session, anonymous, now=NOW, reveal=reveal, petugas="uji")
        assert {k: shown[k] for k in IDENTITY} == dict.fromkeys(IDENTITY)
        assert shown["anonim"] is True


def test_show_case_of_an_extended_case_and_an_unknown_one(session: Session) -> None:
    raw = {"kanal": "email", "jenis": "informasi", "uraian": "Data penerima PKH", "nama": "Ani"}
    moment = datetime(2026, 11, 23, 10, 0)
    nomor = record(session, raw, now=moment, profile="kemensos-uu14").view["nomor"]
    extend_case(session, nomor, now=moment, petugas="uji", alasan="Data 3 kecamatan")
    shown = show_case(session, nomor, now=moment)
    # The rule's own words, then that its one extension has been granted.
    assert shown["sla_keterangan"].startswith("10 hari kerja")
    assert shown["sla_keterangan"].endswith(", diperpanjang 7 hari kerja")
    assert shown["batas_waktu"] == "2026-12-16"
    before = register_rows(session)
    with pytest.raises(NotFoundError, match="DS-2026-00404"):
        show_case(session, "DS-2026-00404", now=moment, reveal=True, petugas="uji")
    assert register_rows(session) == before
