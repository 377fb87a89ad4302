"""A new case's rows as ``catat`` and the bulk import write them, worked out without the
register: its column values (:func:`case_values`) and its ``catat`` entry
(:func:`recording_entry`), and all of both that does not depend on its number
(:func:`prepare_case`). Light to import (no SQLAlchemy): the bulk import's checking process,
started before the register is opened, prepares its rows with it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from lapor_cli import case_state
from lapor_cli import history as chain
from lapor_cli.sqlread import stored_json
from lapor_cli.workflow import Status

if TYPE_CHECKING:
    from lapor_cli.desks import DeskInfo
    from lapor_cli.sla import SlaRule
    from lapor_cli.validation import CaseInput

#: The columns of a new case: its number's, those every case of one recording shares, and
#: those of the case itself (``case_values``), in that order.
NUMBER_COLUMNS = ("nomor", "urut")
SHARED_COLUMNS = ("meja", "prefiks", "tahun", "status", "dicatat", "tembusan", "diperpanjang")
CASE_COLUMNS = (
    "kanal",
    "jenis",
    "uraian",
    "nama",
    "nik",
    "kk",
    "hp",
    "email",
    "alamat",
    "anonim",
    "rahasia",
    "segera",
    "nomor_lapor",
    "nomor_formulir",
    "sidik",
    "diterima",
    "petugas",
    "sla_profil",
    "sla_satuan",
    "sla_nilai",
    "sla_perpanjangan",
)
NEW_CASE_COLUMNS = NUMBER_COLUMNS + SHARED_COLUMNS + CASE_COLUMNS
PETUGAS_AT = CASE_COLUMNS.index("petugas")


def shared_values(desk: DeskInfo, now: datetime) -> tuple[object, ...]:
    """What every case recorded at ``desk`` at ``now`` has, in ``SHARED_COLUMNS`` order."""
    return (desk.kode, desk.prefiks, now.year, Status.DITERIMA.value, now, [], False)


def case_values(data: CaseInput, rule: SlaRule, sidik: str) -> tuple[object, ...]:
    """A new case's own column values, in ``CASE_COLUMNS`` order."""
    return (
        data.kanal,
        data.jenis,
        data.uraian,
        data.nama,
        data.nik,
        data.kk,
        data.hp,
        data.email,
        data.alamat,
        data.anonim,
        data.rahasia,
        data.segera,
        data.nomor_lapor,
        data.nomor_formulir,
        sidik,
        data.diterima,
        data.petugas,
        rule.profil,
        rule.satuan,
        rule.nilai,
        rule.perpanjangan,
    )


def recording_entry(data: CaseInput, rule: SlaRule) -> tuple[str, dict[str, object]]:
    """The catatan and data of a new case's first history entry (aksi ``catat``), exactly as
    ``record_case`` writes them."""
    detail: dict[str, object] = {"kanal": data.kanal, "jenis": data.jenis}
    if data.nomor_lapor:
        detail["nomor_lapor"] = data.nomor_lapor
    if data.nomor_formulir:
        detail["nomor_formulir"] = data.nomor_formulir
    detail["sla"] = f"{rule.nilai} {'menit' if rule.satuan == 'menit' else 'hari kerja'}"
    # isoformat, not strftime: the same text for years 1000+ (a receipt date is 2000+), faster.
    return f"Diterima lewat {data.kanal} pada {data.diterima.isoformat(' ', 'minutes')}", detail


#: A new case worked out as far as it can be before its number is known (``prepare_case``):
#: its ``case_values``; its ``catat`` entry's catatan, data (as stored: JSON text) and hash
#: tail; and its state's identity values and tail (``case_state.identity_json``,
#: ``case_state.state_tail``).
Prepared = tuple[tuple[object, ...], str, str, str, str, str]


def prepare_case(data: CaseInput, rule: SlaRule, sidik: str, *, now: datetime) -> Prepared:
    """All of a new case and its first entry that does not depend on its number, its salt or
    its place in the history chain: the bulk import does this in its checking process, so
    that the writing one has less to do."""
    values = case_values(data, rule, sidik)
    catatan, detail = recording_entry(data, rule)
    tail = chain.entry_tail(
        waktu=now,
        oleh=data.petugas,
        aksi="catat",
        dari_status=None,
        ke_status=Status.DITERIMA.value,
        catatan=catatan,
        data=detail,
        dicatat=now,
    )
    identity, state = _state_parts(values)  # the columns a new case leaves empty: null
    return values, catatan, stored_json(detail), tail, identity, state


def prepare_under(
    rules: dict[tuple[str, str, bool], SlaRule], data: CaseInput, sidik: str, *, now: datetime
) -> Prepared:
    """``prepare_case`` with the rule ``rules`` (``Deadlines.rules_for_new``) gives the case's
    channel, kind and urgency: how the bulk import's two processes prepare each row."""
    return prepare_case(data, rules[data.kanal, data.jenis, data.segera], sidik, now=now)


_state_parts = case_state.new_case_parts(CASE_COLUMNS)
