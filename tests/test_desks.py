"""`lapor_cli.desks` without the CLI: adding, changing and removing desks (a prefix is one
desk's for good; a desk with cases stays), which desk a command records for or covers, and
the cases per desk.

A new register has one desk: ``utama``, "Dinas Sosial", prefix ``DS``.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session

from conftest import register_rows
from lapor_cli.desks import (
    DeskInfo,
    add_desk,
    all_desks,
    change_desk,
    desk_counts,
    desk_for_write,
    desk_scope,
    normalize_prefix,
    remove_desk,
)
from lapor_cli.errors import NotFoundError, ValidationError
from lapor_cli.handling import close_case, distribute_case, verify_case
from lapor_cli.numbering import reserve_numbers
from lapor_cli.recording import record

NOW = datetime(2026, 11, 23, 10, 0)
UTAMA = DeskInfo("utama", "Dinas Sosial", "DS")
KUPANG = DeskInfo("kupang", "Dinas Sosial Kota Kupang", "KPG")


def catat(session: Session, meja: str | None = None) -> str:
    raw = {"kanal": "surat", "jenis": "aduan", "uraian": "PKH", "nama": "Ani", "petugas": "uji"}
    return str(record(session, raw, now=NOW, profile="kemensos", meja=meja).view["nomor"])


def refused(session: Session, field: str, call, *args, **kwargs) -> str:
    """Run a call that must be refused with a ValidationError on ``field`` and write nothing;
    its message."""
    before = register_rows(session)
    with pytest.raises(ValidationError) as refusal:
        call(session, *args, **kwargs)
    assert refusal.value.field == field
    assert register_rows(session) == before
    return refusal.value.message


# -- adding --------------------------------------------------------------------------------------


def test_a_new_register_has_one_desk(session: Session) -> None:
    assert all_desks(session) == [UTAMA]
    assert desk_for_write(session, None) == UTAMA
    assert desk_counts(session) == {}


def test_add_desk_normalizes_code_name_and_prefix(session: Session) -> None:
    made = add_desk(session, " Kupang ", "  Dinas Sosial   Kota Kupang ", " kpg ")
    assert made == KUPANG
    assert all_desks(session) == [KUPANG, UTAMA]  # by code
    assert made.as_json() == {
        "kode": "kupang",
        "nama": "Dinas Sosial Kota Kupang",
        "prefiks": "KPG",
    }


def test_add_desk_refusals(session: Session) -> None:
    add_desk(session, "kupang", "Dinas Sosial Kota Kupang", "KPG")
    assert "sudah ada" in refused(session, "meja", add_desk, "KUPANG", "Lain", "LN")
    message = refused(session, "prefiks", add_desk, "sabu", "Sabu Raijua", "ds")
    assert message == "Awalan DS sudah dipakai meja utama; pilih awalan lain."
    assert "tidak sah" in refused(session, "meja", add_desk, "kab kupang", "Kab. Kupang", "KK")
    assert "tidak sah" in refused(session, "meja", add_desk, "-rote", "Rote", "RT")
    assert "tidak sah" in refused(session, "prefiks", add_desk, "rote", "Rote", "R/T")
    assert "tidak sah" in refused(session, "prefiks", add_desk, "rote", "Rote", "A" * 13)
    assert "kosong" in refused(session, "nama", add_desk, "rote", "   ", "RT")
    assert "200" in refused(session, "nama", add_desk, "rote", "x" * 201, "RT")


def test_a_prefix_numbers_were_given_under_is_not_given_again(session: Session) -> None:
    # Numbers once given under LAMA (say, by an earlier prefix of the register).
    reserve_numbers(session, "LAMA", 2025)
    message = refused(session, "prefiks", add_desk, "rote", "Rote Ndao", "lama")
    assert message == "Awalan LAMA sudah pernah dipakai untuk nomor; pilih awalan lain."
    refused(session, "prefiks", change_desk, "utama", prefiks="LAMA")


def test_normalize_prefix() -> None:
    assert normalize_prefix(" dinsos ") == "DINSOS"
    assert normalize_prefix("ds-1") == "DS-1"
    assert normalize_prefix("-kpg-") == "KPG"
    for bad in ("", "   ", "D S", "D_S", "A" * 13):
        with pytest.raises(ValidationError):
            normalize_prefix(bad)


@pytest.mark.parametrize("dashes", ["-", "--"])
def test_a_prefix_of_dashes_only_is_refused(session: Session, dashes: str) -> None:
    with pytest.raises(ValidationError):
        add_desk(session, "rote", "Rote Ndao", dashes)


# -- changing ------------------------------------------------------------------------------------


def test_change_name_and_prefix_before_the_first_case(session: Session) -> None:
    add_desk(session, "kupang", "Kupang", "KPG")
    changed = change_desk(session, "KUPANG", nama="Dinas Sosial Kota Kupang", prefiks="kota")
    assert changed == DeskInfo("kupang", "Dinas Sosial Kota Kupang", "KOTA")
    assert catat(session, "kupang") == "KOTA-2026-00001"


def test_prefix_change_is_refused_once_the_desk_has_a_case(session: Session) -> None:
    catat(session)
    message = refused(session, "prefiks", change_desk, "utama", prefiks="DINSOS")
    assert message == (
        "Awalan nomor meja utama sudah dipakai 1 kasus (DS); tidak dapat diubah lagi."
    )
    # The same prefix again is no change, and the name may still change.
    assert change_desk(session, "utama", nama="Dinsos Kota", prefiks=" ds") == DeskInfo(
        "utama", "Dinsos Kota", "DS"
    )


def test_prefix_of_another_desk_is_refused(session: Session) -> None:
    add_desk(session, "kupang", "Kupang", "KPG")
    message = refused(session, "prefiks", change_desk, "kupang", prefiks="DS")
    assert message == "Awalan DS sudah dipakai meja utama; pilih awalan lain."
    with pytest.raises(NotFoundError, match="Meja 'rote' tidak ada"):
        change_desk(session, "rote", nama="Rote")


# -- removing ------------------------------------------------------------------------------------


def test_remove_a_desk_added_by_mistake(session: Session) -> None:
    add_desk(session, "kupang", "Kupang", "KPG")
    assert remove_desk(session, "kupang") == DeskInfo("kupang", "Kupang", "KPG")
    assert all_desks(session) == [UTAMA]
    with pytest.raises(NotFoundError):
        remove_desk(session, "kupang")


def test_the_last_desk_is_not_removed(session: Session) -> None:
    message = refused(session, "meja", remove_desk, "utama")
    assert message == "Meja utama satu-satunya meja register ini."


def test_a_desk_with_cases_is_not_removed(session: Session) -> None:
    add_desk(session, "kupang", "Kupang", "KPG")
    catat(session, "kupang")
    message = refused(session, "meja", remove_desk, "kupang")
    assert message == "Meja kupang sudah punya 1 kasus; meja itu tidak dapat dihapus."
    assert remove_desk(session, "utama") == UTAMA  # no case: it may go, kupang remains
    assert all_desks(session) == [DeskInfo("kupang", "Kupang", "KPG")]


# -- which desk ----------------------------------------------------------------------------------


def test_desk_for_write_and_desk_scope(session: Session) -> None:
    add_desk(session, "kupang", "Dinas Sosial Kota Kupang", "KPG")
    message = refused(session, "meja", desk_for_write, None)
    assert message.startswith("Register ini punya 2 meja (kupang, utama)")
    refused(session, "meja", desk_for_write, "  ")
    assert desk_for_write(session, " Kupang") == KUPANG
    with pytest.raises(NotFoundError) as unknown:
        desk_for_write(session, "rote")
    assert "meja yang ada: kupang, utama" in unknown.value.message

    assert desk_scope(session, None) is None  # every desk
    assert desk_scope(session, " ") is None
    assert desk_scope(session, "KUPANG") == KUPANG
    assert desk_scope(session, "kupang", every=True) is None
    assert desk_scope(session, "rote", every=True) is None  # --semua-meja wins, nothing looked up
    with pytest.raises(NotFoundError):
        desk_scope(session, "rote")


def test_desk_counts_cases_and_open_cases(session: Session) -> None:
    add_desk(session, "kupang", "Kupang", "KPG")
    add_desk(session, "rote", "Rote Ndao", "RTN")
    closed = catat(session, "utama")
    catat(session, "utama")
    catat(session, "kupang")
    verify_case(session, closed, now=NOW, petugas="uji", kategori="PKH", kewenangan=True)
    distribute_case(session, closed, now=NOW, petugas="uji", jawaban_normatif="Ya")
    close_case(session, closed, now=NOW, petugas="uji", hasil="Dijawab")
    assert desk_counts(session) == {"utama": (2, 1), "kupang": (1, 1)}  # rote: no case yet
