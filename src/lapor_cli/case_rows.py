"""Cases, their history and their attachments read as plain rows (``sqlread``), not ORM
objects: what ``lihat`` and ``daftar`` show, with the same attribute names and Python values
as the models (``models.Case``, ``History``, ``Attachment``) give, so the views take either.

The column lists name the models' columns; ``tests/test_sqlread.py`` holds them to the models
and every read here to the ORM's own answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

from lapor_cli.errors import NotFoundError
from lapor_cli.sqlread import Reader, doc, flag, record_type, when

__all__ = [
    "ATTACHMENT_COLUMNS",
    "CASE_COLUMNS",
    "HISTORY_COLUMNS",
    "LIST_COLUMNS",
    "case_rows",
    "counted_case_rows",
    "find_case",
    "history_rows",
    "attachment_rows",
    "linked_rows",
    "normalize_nomor",
    "not_found",
    "row_maker",
]

_TEXT: Callable[[Any], Any] | None = None  # stored as it is

#: Every column of ``kasus`` and how its stored value becomes the model's.
CASE_COLUMNS: dict[str, Callable[[Any], Any] | None] = {
    "id": _TEXT,
    "nomor": _TEXT,
    "meja": _TEXT,
    "prefiks": _TEXT,
    "tahun": _TEXT,
    "urut": _TEXT,
    "status": _TEXT,
    "kanal": _TEXT,
    "jenis": _TEXT,
    "uraian": _TEXT,
    "nama": _TEXT,
    "nik": _TEXT,
    "kk": _TEXT,
    "hp": _TEXT,
    "email": _TEXT,
    "alamat": _TEXT,
    "anonim": flag,
    "rahasia": flag,
    "segera": flag,
    "nomor_lapor": _TEXT,
    "nomor_formulir": _TEXT,
    "sidik": _TEXT,
    "diterima": when,
    "dicatat": when,
    "petugas": _TEXT,
    "kategori": _TEXT,
    "kewenangan": flag,
    "unit": _TEXT,
    "tembusan": doc,
    "jawaban_normatif": _TEXT,
    "didistribusikan": when,
    "tindaklanjut_terakhir": when,
    "ditutup": when,
    "hasil": _TEXT,
    "tepat_waktu": flag,
    "dilaporkan_balik": flag,
    "skor": _TEXT,
    "komentar": _TEXT,
    "sla_profil": _TEXT,
    "sla_satuan": _TEXT,
    "sla_nilai": _TEXT,
    "sla_perpanjangan": _TEXT,
    "diperpanjang": flag,
    "digabung_ke": _TEXT,
    "dibuka": when,
    "klasifikasi": _TEXT,
    "garam": _TEXT,
}
#: What lists and screens read of a case: all but the identity digest and its salt.
LIST_COLUMNS = tuple(c for c in CASE_COLUMNS if c not in ("sidik", "garam"))

HISTORY_COLUMNS: dict[str, Callable[[Any], Any] | None] = {
    "id": _TEXT,
    "kasus_id": _TEXT,
    "waktu": when,
    "oleh": _TEXT,
    "aksi": _TEXT,
    "dari_status": _TEXT,
    "ke_status": _TEXT,
    "catatan": _TEXT,
    "data": doc,
    "hash_sebelum": _TEXT,
    "hash": _TEXT,
    "keadaan": _TEXT,
    "dicatat": when,
}
ATTACHMENT_COLUMNS: dict[str, Callable[[Any], Any] | None] = {
    "id": _TEXT,
    "kasus_id": _TEXT,
    "sha256": _TEXT,
    "nama": _TEXT,
    "jenis": _TEXT,
    "ukuran": _TEXT,
    "keterangan": _TEXT,
    "ditambahkan": when,
    "oleh": _TEXT,
}


def row_maker(table: dict[str, Callable[[Any], Any] | None], names: tuple[str, ...]) -> Callable:
    """A function making a named row of ``names`` from a stored row, values converted."""
    kind = record_type(names)
    converters = [(i, table[name]) for i, name in enumerate(names) if table[name] is not None]

    def make(stored: tuple) -> Any:
        values = list(stored)
        for i, convert in converters:
            values[i] = convert(values[i])
        return kind._make(values)

    return make


def _select(table: str, names: tuple[str, ...]) -> str:
    return f"SELECT {', '.join(names)} FROM {table}"


def case_rows(db: Reader, where: str = "", params: tuple | list = (), *, columns=LIST_COLUMNS):
    """The cases ``where`` selects (SQL after ``FROM kasus``: a WHERE, an ORDER BY, a LIMIT),
    as rows with the model's attribute names, streamed."""
    make = row_maker(CASE_COLUMNS, tuple(columns))
    return map(make, db.iter(f"{_select('kasus', tuple(columns))} {where}", params))


def counted_case_rows(
    db: Reader, where: str, params: tuple | list = (), *, columns=LIST_COLUMNS
) -> tuple[int, Iterator[Any]]:
    """How many cases ``where`` (a WHERE, an ORDER BY, a LIMIT) selects before its LIMIT, and
    those cases as :func:`case_rows` gives them, from one query: the count rides on each row
    as a window over every match. For a filter no index serves (a search in the text), where
    a separate count would read every case a second time."""
    make = row_maker(CASE_COLUMNS, tuple(columns))
    query = f"SELECT {', '.join(columns)}, count(*) OVER () FROM kasus {where}"
    found = db.iter(query, params)
    first = next(found, None)
    if first is None:
        return 0, iter(())
    return first[-1], (make(row[:-1]) for row in itertools.chain((first,), found))


def normalize_nomor(nomor: str) -> str:
    return nomor.strip().upper()


def not_found(nomor: str) -> NotFoundError:
    """The refusal for a case number the register does not hold."""
    return NotFoundError(
        f"Kasus {nomor.strip()!r} tidak ada di register. Cek dengan `lapor daftar`."
    )


def find_case(source: Any, nomor: str, *, columns=LIST_COLUMNS) -> Any:
    """The case numbered ``nomor`` (any case, spaces around), or the refusal that it is not
    in the register."""
    db = Reader.of(source)
    found = next(case_rows(db, "WHERE nomor = ?", (normalize_nomor(nomor),), columns=columns), None)
    if found is None:
        raise not_found(nomor)
    return found


def linked_rows(source: Any, nomor: str) -> list:
    """The duplicates merged into case ``nomor`` (``gabung``), oldest first."""
    return list(case_rows(Reader.of(source), "WHERE digabung_ke = ? ORDER BY id", (nomor,)))


def history_rows(source: Any, case_id: int) -> list:
    """A case's history entries, oldest first."""
    names = tuple(HISTORY_COLUMNS)
    make = row_maker(HISTORY_COLUMNS, names)
    query = f"{_select('riwayat', names)} WHERE kasus_id = ? ORDER BY id"
    return [make(r) for r in Reader.of(source).rows(query, (case_id,))]


def attachment_rows(source: Any, case_id: int) -> list:
    """A case's attachments, in the order they were added."""
    names = tuple(ATTACHMENT_COLUMNS)
    make = row_maker(ATTACHMENT_COLUMNS, names)
    query = f"{_select('lampiran', names)} WHERE kasus_id = ? ORDER BY id"
    return [make(r) for r in Reader.of(source).rows(query, (case_id,))]
