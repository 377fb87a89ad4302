"""`lapor_cli.recording` without the CLI: `record` (the `catat` use case) numbers a case per
desk and year, gives it the rule of the register's profile, writes its one `catat` history
entry chained from the head, refuses bad input as a whole; the bulk import's
`prepare_case` + `write_prepared` give the same rows and chain as `record_case` (SPEC §2–§4).

Dates are hand-checked on the 2026 calendar: Mon 23 Nov 2026, no holiday in November.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from conftest import HP, HP_E164, NIK, NIK_KUPANG, eod, register_rows
from lapor_cli import history
from lapor_cli.bulk_cases import write_prepared
from lapor_cli.db import KNOWN_REVISIONS
from lapor_cli.deadlines import Deadlines
from lapor_cli.desks import add_desk, desk_for_write
from lapor_cli.entries import case_history, case_state_of, chain_head
from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.handling import get_case, verify_case
from lapor_cli.maintenance import check_connection
from lapor_cli.models import Case, History
from lapor_cli.numbering import reserve_numbers
from lapor_cli.recording import Recorded, prepare_case, record, record_case
from lapor_cli.sqlread import Reader
from lapor_cli.validation import validate_case

NOW = datetime(2026, 11, 23, 10, 0)  # Monday


def raw(**fields: object) -> dict[str, object]:
    """A `catat` input as typed: a letter complaint by a named reporter, fields overridden."""
    values: dict[str, object] = {
        "kanal": "surat",
        "jenis": "aduan",
        "uraian": "Bantuan PKH belum cair",
        "nama": "Maria Bere",
        "petugas": "uji",
    }
    values.update(fields)
    return values


def catat(
    session: Session,
    *,
    now: datetime = NOW,
    profile: str = "kemensos",
    meja=None,
    lama: bool = False,
    **fields,
) -> Recorded:
    return record(session, raw(**fields), now=now, profile=profile, meja=meja, lama=lama)


# -- numbers -------------------------------------------------------------------------------------


def test_numbers_run_consecutively_per_desk_and_year(session: Session) -> None:
    first = catat(session).view["nomor"]
    second = catat(session, nama="Yohanes Lado").view["nomor"]
    assert (first, second) == ("DS-2026-00001", "DS-2026-00002")
    # A new year starts again at 1; the number's year is the year it was recorded in.
    january = catat(session, now=datetime(2027, 1, 4, 9), diterima="2026-12-30", lama=True)
    assert january.view["nomor"] == "DS-2027-00001"
    add_desk(session, "kupang", "Dinas Sosial Kota Kupang", "KPG")
    kupang = catat(session, meja="kupang")
    again = catat(session, meja="UTAMA ")  # codes are case- and space-insensitive
    assert (kupang.view["nomor"], kupang.view["meja"]) == ("KPG-2026-00001", "kupang")
    assert (again.view["nomor"], again.view["meja"]) == ("DS-2026-00003", "utama")
    case = get_case(session, "kpg-2026-00001")
    assert (case.prefiks, case.tahun, case.urut) == ("KPG", 2026, 1)


# -- the rule the profile gives ------------------------------------------------------------------


def test_kemensos_gives_three_working_days(session: Session) -> None:
    made = catat(session)
    assert made.view["sla"] == {
        "profil": "kemensos",
        "satuan": "hari_kerja",
        "nilai": 3,
        "perpanjangan": 0,
        "diperpanjang": False,
    }
    assert made.batas_waktu == eod("2026-11-26")  # Tue, Wed, Thu
    assert made.view["batas_waktu"] == "2026-11-26"
    assert made.aturan == "3 hari kerja"
    assert made.notes == [] and made.duplicates == []


def test_kota_kupang_rule_per_channel_is_stored_with_the_case(session: Session) -> None:
    desk = catat(session, profile="kota-kupang", kanal="tatap-muka", diterima="2026-11-23 09:50")
    letter = catat(session, profile="kota-kupang", kanal="surat")
    lapor = catat(session, profile="kota-kupang", kanal="sp4n-lapor", nomor_lapor="LAP-9")
    assert desk.aturan == "15 menit"
    assert desk.batas_waktu == datetime(2026, 11, 23, 10, 5)  # on the clock from receipt
    assert desk.view["batas_waktu"] == "2026-11-23T10:05"
    assert letter.aturan == "7 hari kerja"
    # 7 working days from Mon 23 Nov: 24, 25, 26, 27, 30 Nov, 1, 2 Dec
    assert letter.batas_waktu == eod("2026-12-02")
    assert lapor.batas_waktu == eod("2026-12-03")  # 8 working days
    stored = session.execute(
        sa.select(Case.nomor, Case.sla_profil, Case.sla_satuan, Case.sla_nilai).order_by(Case.id)
    ).all()
    assert [tuple(row) for row in stored] == [
        (desk.view["nomor"], "kota-kupang", "menit", 15),
        (letter.view["nomor"], "kota-kupang", "hari_kerja", 7),
        (lapor.view["nomor"], "kota-kupang", "hari_kerja", 8),
    ]


def test_deadline_in_a_year_without_known_cuti_bersama_is_noted(session: Session) -> None:
    made = catat(session, now=datetime(2028, 3, 1, 10))
    # 1 Mar 2028: cuti bersama unknown, and Idul Fitri 27-28 Feb 2028 still an estimate
    assert len(made.notes) == 2
    assert "2028" in made.notes[0] and "libur tambah" in made.notes[0]
    assert "perkiraan" in made.notes[1]


# -- the history entry ---------------------------------------------------------------------------


def test_one_catat_entry_chained_from_the_head(session: Session) -> None:
    assert chain_head(session) == history.GENESIS
    made = catat(session, kanal="sp4n-lapor", nomor_lapor="LAP-0042", nomor_formulir="F-7")
    case = get_case(session, made.view["nomor"])
    (entry,) = case_history(session, case)
    assert (entry.aksi, entry.dari_status, entry.ke_status) == ("catat", None, "diterima")
    assert (entry.waktu, entry.oleh) == (NOW, "uji")
    assert entry.catatan == "Diterima lewat sp4n-lapor pada 2026-11-23 10:00"
    assert entry.data == {
        "kanal": "sp4n-lapor",
        "jenis": "aduan",
        "nomor_lapor": "LAP-0042",
        "nomor_formulir": "F-7",
        "sla": "3 hari kerja",
    }
    assert entry.hash_sebelum == history.GENESIS
    assert entry.hash == history.entry_hash(
        history.GENESIS,
        nomor=case.nomor,
        waktu=NOW,
        oleh="uji",
        aksi="catat",
        dari_status=None,
        ke_status="diterima",
        catatan=entry.catatan,
        data=entry.data,
        keadaan=entry.keadaan,
        dicatat=NOW,  # typed in as it happened: catat has no --pada
    )
    assert entry.dicatat == entry.waktu == NOW
    assert entry.keadaan == case_state_of(case)  # the entry commits to the case's state
    assert chain_head(session) == entry.hash

    second = get_case(session, catat(session, nama="Yohanes Lado").view["nomor"])
    (next_entry,) = case_history(session, second)
    assert next_entry.hash_sebelum == entry.hash
    assert chain_head(session) == next_entry.hash
    session.flush()
    report = check_connection(session.connection(), KNOWN_REVISIONS)
    assert report.problems == [] and (report.cases, report.entries) == (2, 2)


# -- refusals ------------------------------------------------------------------------------------


def test_every_invalid_field_is_refused_together_and_nothing_is_written(register) -> None:
    with register.transaction(True) as session:
        catat(session)  # something to keep: the chain head is no longer the genesis
    with register.transaction(False) as session:
        before = register_rows(session)

    bad = raw(kanal="merpati", nik="12345", hp="12", uraian="  ", nama=None)
    with register.transaction(True) as session:
        with pytest.raises(ValidationError) as refused:
            record(session, bad, now=NOW, profile="kemensos")
        assert register_rows(session) == before  # not even in its own transaction
    message = refused.value.message
    assert refused.value.field == "kanal"  # the first field named
    for part in (
        "Kanal 'merpati' tidak dikenal",
        "Uraian tidak boleh kosong",
        "NIK harus 16 digit (diberikan 5)",
        "Nomor telepon '12' tidak sah",
        "Nama pelapor wajib diisi",
    ):
        assert part in message

    with pytest.raises(ValidationError):  # a refusal escaping the transaction rolls it back
        with register.transaction(True) as session:
            record(session, bad, now=NOW, profile="kemensos")
    with register.transaction(False) as session:
        assert register_rows(session) == before


def test_one_invalid_field_is_refused_as_it_is(session: Session) -> None:
    before = register_rows(session)
    with pytest.raises(ValidationError) as refused:
        catat(session, nik="317101410190000")
    assert refused.value.field == "nik"
    assert refused.value.message == "NIK harus 16 digit (diberikan 15). Periksa KTP pelapor."
    with pytest.raises(ValidationError, match="masa depan") as future:
        catat(session, diterima="2026-11-24")
    assert future.value.field == "diterima"
    with pytest.raises(ValidationError, match="anonim") as anonymous:
        catat(session, anonim=True)  # the default input names the reporter
    assert anonymous.value.field == "nama"
    assert register_rows(session) == before


def test_an_old_receipt_date_needs_lama_and_a_refusal_writes_nothing(session: Session) -> None:
    before = register_rows(session)
    for typed in ("2025-11-20", "1 Oktober 2026"):  # last year; 53 days before NOW
        with pytest.raises(ValidationError) as refused:
            catat(session, diterima=typed)
        assert refused.value.field == "diterima"
        assert refused.value.message.endswith("ulangi dengan --lama.")
        assert register_rows(session) == before
    made = catat(session, diterima="2025-11-20", lama=True)
    assert made.view["diterima"] == "2025-11-20T00:00"
    assert made.view["nomor"] == "DS-2026-00001"


def test_unknown_desk_is_refused(session: Session) -> None:
    before = register_rows(session)
    with pytest.raises(NotFoundError, match="Meja 'kantin' tidak ada") as refused:
        catat(session, meja="kantin")
    assert "meja yang ada: utama" in refused.value.message
    assert register_rows(session) == before


def test_a_profile_whose_file_has_gone_gives_the_default_rule(session: Session) -> None:
    # The register's profile is checked when it is chosen (`profil`); should its file go
    # later, `catat` goes on under the default profile, and the case says so.
    made = catat(session, profile="profil-yang-dihapus")
    assert made.view["sla"]["profil"] == "kemensos"
    assert made.batas_waktu == eod("2026-11-26")


def test_refuses_to_guess_the_desk_of_a_register_of_two(session: Session) -> None:
    add_desk(session, "kupang", "Dinas Sosial Kota Kupang", "KPG")
    before = register_rows(session)
    with pytest.raises(ValidationError) as refused:
        catat(session)
    assert refused.value.field == "meja"
    assert "2 meja (kupang, utama)" in refused.value.message
    assert "--meja KODE" in refused.value.message
    assert register_rows(session) == before
    assert catat(session, meja="kupang").view["nomor"] == "KPG-2026-00001"


# -- duplicates ----------------------------------------------------------------------------------


def test_open_cases_with_the_same_nik_or_phone_are_reported(session: Session) -> None:
    first = catat(session, nik=NIK, hp=HP).view["nomor"]
    assert first and catat(session, nama="Tanpa Identitas").duplicates == []
    same_nik = catat(session, kanal="whatsapp", nik=NIK, hp="081298765432")
    assert same_nik.duplicates == [first]
    # The phone as typed differently is the same number (+62…).
    same_phone = catat(session, kanal="telepon", hp="+62 812-3456-7890", nik=NIK_KUPANG)
    assert same_phone.view["nomor"] and same_phone.duplicates == [first]
    # Both: every open case that shares one of them, oldest first.
    both = catat(session, nik=NIK, hp=HP_E164)
    assert both.duplicates == [first, same_nik.view["nomor"], same_phone.view["nomor"]]
    # A case that is over is no longer a duplicate.
    verify_case(
        session, first, now=NOW, petugas="uji", kategori="LAINNYA", kewenangan=False,
        alasan="Urusan Dukcapil",
    )  # fmt: skip
    later = catat(session, nik=NIK)
    assert later.duplicates == [same_nik.view["nomor"], both.view["nomor"]]


# -- bulk path = one-by-one path -----------------------------------------------------------------

BULK_INPUTS = [
    raw(kanal="tatap-muka", diterima="2026-11-23 09:40"),
    raw(kanal="surat", nik=NIK, hp=HP, alamat="Jl. El Tari 1", nomor_formulir="F-001"),
    raw(kanal="sp4n-lapor", nomor_lapor="LAP-77", rahasia=True, jenis="informasi"),
    raw(kanal="whatsapp", anonim=True, nama=None, uraian="Pungutan liar\nsaat penyaluran"),
]


def _written(session: Session) -> tuple[list[tuple], list[tuple], str, list[tuple], list[tuple]]:
    """Cases and entries as the models read them and as the driver gives them (the very
    values stored: SQLite's text of a time or of a JSON value, 0/1), ids aside (a server's
    sequence does not roll back); and the chain head."""
    session.flush()
    kasus, riwayat = Case.__table__, History.__table__
    cases = session.execute(
        sa.select(*(c for c in kasus.c if c.name != "id")).order_by(kasus.c.urut)
    ).all()
    entries = session.execute(
        sa.select(kasus.c.nomor, *(c for c in riwayat.c if c.name not in ("id", "kasus_id")))
        .join(kasus, kasus.c.id == riwayat.c.kasus_id)
        .order_by(riwayat.c.id)
    ).all()
    db = Reader.of(session)
    case_columns = ", ".join(c.name for c in kasus.c if c.name != "id")
    stored_cases = db.rows(f"SELECT {case_columns} FROM kasus ORDER BY urut")
    entry_columns = ", ".join(f"r.{c.name}" for c in riwayat.c if c.name not in ("id", "kasus_id"))
    stored_entries = db.rows(
        f"SELECT k.nomor, {entry_columns} FROM riwayat r JOIN kasus k ON k.id = r.kasus_id"
        " ORDER BY r.id"
    )
    return (
        [tuple(r) for r in cases],
        [tuple(r) for r in entries],
        chain_head(session),
        [tuple(r) for r in stored_cases],
        [tuple(r) for r in stored_entries],
    )


def test_prepared_cases_are_written_exactly_as_record_case_writes_them(
    session: Session, same_salts: Callable[[], None]
) -> None:
    catat(session)  # an earlier case: both paths chain from a head that is not the genesis
    desk = desk_for_write(session, None)
    checked = []
    for item in BULK_INPUTS:
        data, errors = validate_case(item, now=NOW)
        assert not errors, errors
        checked.append((data, Deadlines(session).rule_for_new("kota-kupang", data)))

    same_salts()  # both paths draw the same identity salts, from here
    one_by_one = session.begin_nested()
    for data, rule in checked:
        record_case(session, data, now=NOW, rule=rule, desk=desk)
    expected = _written(session)
    one_by_one.rollback()
    same_salts()
    assert _written(session)[2] != expected[2]  # rolled back: the head is the earlier one

    items = [prepare_case(data, rule, data.fingerprint(), now=NOW) for data, rule in checked]
    first = reserve_numbers(session, desk.prefiks, NOW.year, len(items))
    numbers = write_prepared(session, items, now=NOW, desk=desk, first_urut=first)
    assert numbers == [f"DS-2026-{n:05d}" for n in range(2, 6)]
    assert _written(session) == expected
    report = check_connection(session.connection(), KNOWN_REVISIONS)
    assert report.problems == [] and report.entries == 5
