"""Register operations on cases: record, find, apply a workflow step, list.

The thin layer between the pure SOP (``workflow``), validation and SLA rules and the tables:
each function takes an open session (one transaction, owned by the caller) and "now" as a
parameter. Lists read columns through SQLAlchemy Core, not ORM objects.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from lapor_cli import history as chain
from lapor_cli.desks import DeskInfo
from lapor_cli.errors import LaporError, NotFoundError, ValidationError
from lapor_cli.models import Case, Counter, History, Setting
from lapor_cli.validation import CaseInput, mask_nik, mask_phone
from lapor_cli.workflow import OPEN_STATUSES, Status, Step

DEFAULT_SETTINGS = {
    "kantor_nama": "Dinas Sosial",
    "zona_waktu": "Asia/Jakarta",
    "profil_sla": "kemensos",
    "rantai": chain.GENESIS,
}
ZONE_ALIASES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}

# ---------------------------------------------------------------- settings


def get_setting(session: Session, key: str) -> str:
    row = session.get(Setting, key)
    return row.nilai if row else DEFAULT_SETTINGS[key]


def get_settings(session: Session) -> dict[str, str]:
    stored = {k: v for k, v in session.exec(select(Setting.kunci, Setting.nilai))}
    return {**DEFAULT_SETTINGS, **stored}


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(kunci=key, nilai=value))
    else:
        row.nilai = value
        session.add(row)
    session.flush()


def normalize_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = ZONE_ALIASES.get(value.strip().upper(), value.strip())
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "zona", f"Zona waktu {value!r} tidak dikenal. Pakai WIB, WITA atau WIT."
        ) from None
    return name


def normalize_prefix(value: str) -> str:
    text = value.strip().upper()
    if not text or len(text) > 12 or not all(ch.isalnum() or ch == "-" for ch in text):
        raise ValidationError(
            "prefiks", f"Prefiks {value!r} tidak sah: 1–12 huruf/angka, misalnya DS atau DINSOS."
        )
    return text.strip("-")


def office_now(zone: str) -> datetime:
    """The office's wall-clock time (naive); only the shell calls this."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)


# ---------------------------------------------------------------- history


def append_history(
    session: Session,
    case: Case,
    *,
    waktu: datetime,
    oleh: str,
    aksi: str,
    dari: str | None,
    ke: str | None,
    catatan: str | None,
    data: dict,
) -> History:
    """Append one entry to the hash chain (the caller holds the write transaction)."""
    head = session.get(Setting, "rantai")
    entry = History(
        **chained_entry(
            head.nilai if head else chain.GENESIS,
            kasus_id=case.id,
            nomor=case.nomor,
            waktu=waktu,
            oleh=oleh,
            aksi=aksi,
            dari=dari,
            ke=ke,
            catatan=catatan,
            data=data,
        )
    )
    session.add(entry)
    set_setting(session, "rantai", entry.hash)
    return entry


def chained_entry(
    prev: str,
    *,
    kasus_id: int,
    nomor: str,
    waktu: datetime,
    oleh: str,
    aksi: str,
    dari: str | None,
    ke: str | None,
    catatan: str | None,
    data: dict,
) -> dict[str, object]:
    """The columns of one history entry chained from ``prev``; its ``hash`` is the new head."""
    return {
        "kasus_id": kasus_id,
        "waktu": waktu,
        "oleh": oleh,
        "aksi": aksi,
        "dari_status": dari,
        "ke_status": ke,
        "catatan": catatan,
        "data": data,
        "hash_sebelum": prev,
        "hash": chain.entry_hash(
            prev,
            nomor=nomor,
            waktu=waktu,
            oleh=oleh,
            aksi=aksi,
            dari_status=dari,
            ke_status=ke,
            catatan=catatan,
            data=data,
        ),
    }


# ---------------------------------------------------------------- numbers


def next_number(session: Session, prefiks: str, tahun: int) -> tuple[str, int]:
    """The next register number of the year, e.g. ``DS-2026-00042``, under the write lock."""
    table = Counter.__table__
    bumped = session.execute(
        sa.update(table)
        .where(table.c.prefiks == prefiks, table.c.tahun == tahun)
        .values(terakhir=table.c.terakhir + 1)
    )
    if bumped.rowcount == 0:
        session.execute(sa.insert(table).values(prefiks=prefiks, tahun=tahun, terakhir=1))
    urut = session.execute(
        sa.select(table.c.terakhir).where(table.c.prefiks == prefiks, table.c.tahun == tahun)
    ).scalar_one()
    return format_number(prefiks, tahun, urut), urut


def format_number(prefiks: str, tahun: int, urut: int) -> str:
    return f"{prefiks}-{tahun}-{urut:05d}"


# ---------------------------------------------------------------- recording


@dataclass(frozen=True)
class SlaRule:
    profil: str
    satuan: str
    nilai: int
    perpanjangan: int = 0


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
_PETUGAS = CASE_COLUMNS.index("petugas")


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


def shared_values(desk: DeskInfo, now: datetime) -> tuple[object, ...]:
    """What every case recorded at ``desk`` at ``now`` has, in ``SHARED_COLUMNS`` order."""
    return (desk.kode, desk.prefiks, now.year, Status.DITERIMA.value, now, [], False)


def case_row(
    data: CaseInput, rule: SlaRule, sidik: str, *, now: datetime, desk: DeskInfo, urut: int
) -> dict[str, object]:
    """The column values of a newly recorded case (``catat`` and the bulk import alike)."""
    number = (format_number(desk.prefiks, now.year, urut), urut)
    values = number + shared_values(desk, now) + case_values(data, rule, sidik)
    return dict(zip(NEW_CASE_COLUMNS, values, strict=True))


def record_case(
    session: Session, data: CaseInput, *, now: datetime, rule: SlaRule, desk: DeskInfo
) -> Case:
    """SOP step 2: record a checked case for ``desk`` with its number (the desk's next of the
    year), its SLA rule and its first entry."""
    _nomor, urut = next_number(session, desk.prefiks, now.year)
    case = Case(**case_row(data, rule, data.fingerprint(), now=now, desk=desk, urut=urut))
    session.add(case)
    session.flush()
    catatan, detail = recording_entry(data, rule)
    append_history(
        session,
        case,
        waktu=now,
        oleh=data.petugas,
        aksi="catat",
        dari=None,
        ke=Status.DITERIMA,
        catatan=catatan,
        data=detail,
    )
    return case


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
#: its ``case_values``, and its ``catat`` entry's catatan, data and hash tail.
Prepared = tuple[tuple[object, ...], str, dict[str, object], str]


def prepare_case(data: CaseInput, rule: SlaRule, sidik: str, *, now: datetime) -> Prepared:
    """All of a new case and its first entry that does not depend on its number or its
    place in the history chain: the bulk import does this in its checking process."""
    catatan, detail = recording_entry(data, rule)
    tail = chain.entry_tail(
        waktu=now,
        oleh=data.petugas,
        aksi="catat",
        dari_status=None,
        ke_status=Status.DITERIMA.value,
        catatan=catatan,
        data=detail,
    )
    return case_values(data, rule, sidik), catatan, detail, tail


def reserve_numbers(session: Session, prefiks: str, tahun: int, count: int) -> int:
    """Reserve ``count`` consecutive register numbers of the year in one step (bulk import),
    under the write lock; returns the first ``urut`` of the block."""
    table = Counter.__table__
    bumped = session.execute(
        sa.update(table)
        .where(table.c.prefiks == prefiks, table.c.tahun == tahun)
        .values(terakhir=table.c.terakhir + count)
    )
    if bumped.rowcount == 0:
        session.execute(sa.insert(table).values(prefiks=prefiks, tahun=tahun, terakhir=count))
    last = session.execute(
        sa.select(table.c.terakhir).where(table.c.prefiks == prefiks, table.c.tahun == tahun)
    ).scalar_one()
    return last - count + 1


_UNSEEN = object()


def insert_rows(
    session: Session, table: sa.Table, names: tuple[str, ...], rows: list[tuple[object, ...]]
) -> None:
    """Insert many rows (tuples of the ``names`` columns) in one ``executemany``.

    Each value goes through its column type's own bind processor (the text SQLAlchemy stores
    for a datetime, JSON, a boolean), then straight to the driver: SQLAlchemy's per-row
    parameter machinery costs more than the insert itself on a bulk import.
    """
    if not rows:
        return
    conn = session.connection()
    dialect = conn.dialect
    compiled = sa.insert(table).compile(dialect=dialect, column_keys=list(names))
    # The compiled insert also fills columns with a Python-side default (e.g. a model's
    # ``= False``) that the rows leave out: give those their default, or say which is missing.
    extra = {}
    for key in [b.key for b in compiled.binds.values() if b.key not in names]:
        default = table.c[key].default
        if default is None or not getattr(default, "is_scalar", False):
            raise LaporError(f"insert_rows: kolom {key!r} tanpa nilai")  # a bug, not input
        extra[key] = default.arg
    if extra:
        names = (*names, *extra)
        rows = [(*row, *extra.values()) for row in rows]
    processors = {}
    for name in names:
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
    position = {name: i for i, name in enumerate(names)}
    if compiled.positional:
        order = [compiled.binds[b].key for b in compiled.positiontup]
    else:
        order = list(names)
    # Only a few columns have a processor (datetimes, JSON, booleans): convert those in
    # place. A bulk insert repeats values (the same "now", False, []): a value that is the
    # very object the previous row had in that column gets the previous row's conversion.
    if order == list(names):
        pick = None
    else:
        pick = operator.itemgetter(*(position[name] for name in order))
    convert = [(i, processors[name]) for i, name in enumerate(order) if name in processors]
    seen: list[object] = [_UNSEEN] * len(convert)
    done: list[object] = [None] * len(convert)
    params: list = []
    append = params.append
    for row in rows:
        param = list(row) if pick is None else list(pick(row))
        for k, (i, process) in enumerate(convert):
            value = param[i]
            if value is not seen[k]:
                seen[k], done[k] = value, process(value)
            param[i] = done[k]
        append(tuple(param))
    if not compiled.positional:
        params = [dict(zip(order, param, strict=True)) for param in params]
    conn.exec_driver_sql(compiled.string, params)


def write_prepared(
    session: Session, items: list[Prepared], *, now: datetime, desk: DeskInfo, first_urut: int
) -> list[str]:
    """Record prepared cases (``prepare_case`` with the same ``now``) as ``desk``'s cases:
    ``record_case`` for many checked cases at once (the bulk import path).

    The numbers ``first_urut`` onwards must have been reserved with ``reserve_numbers``.
    Cases and their ``catat`` entries go in as two inserts (``insert_rows``); each entry's
    hash is chained from the stored head exactly as ``append_history`` would, and the head is
    stored once at the end. The caller holds the write transaction. Returns the numbers.
    """
    if not items:
        return []
    kasus, riwayat = Case.__table__, History.__table__
    tahun, prefiks = now.year, desk.prefiks
    last_urut = first_urut + len(items) - 1
    numbers = [format_number(prefiks, tahun, urut) for urut in range(first_urut, last_urut + 1)]
    shared = shared_values(desk, now)
    insert_rows(
        session,
        kasus,
        NEW_CASE_COLUMNS,
        [
            (nomor, urut, *shared, *item[0])
            for nomor, urut, item in zip(
                numbers, range(first_urut, last_urut + 1), items, strict=True
            )
        ],
    )
    ids = (
        session.execute(
            sa.select(kasus.c.id)
            .where(
                kasus.c.prefiks == prefiks,
                kasus.c.tahun == tahun,
                kasus.c.urut.between(first_urut, last_urut),
            )
            .order_by(kasus.c.urut)
        )
        .scalars()
        .all()
    )
    if len(ids) != len(items):  # the reserved numbers were not free: a bug, not input
        raise RuntimeError(f"write_prepared: {len(ids)} kasus untuk {len(items)} nomor")
    head = session.get(Setting, "rantai")
    prev = head.nilai if head else chain.GENESIS
    aksi, ke = "catat", Status.DITERIMA.value
    hashed = chain.chained_hash
    entries = []
    append = entries.append
    for kasus_id, nomor, (values, catatan, detail, tail) in zip(ids, numbers, items, strict=True):
        digest = hashed(prev, nomor, tail)
        append((kasus_id, now, values[_PETUGAS], aksi, None, ke, catatan, detail, prev, digest))
        prev = digest
    insert_rows(session, riwayat, _ENTRY_COLUMNS, entries)
    set_setting(session, "rantai", prev)
    return numbers


_ENTRY_COLUMNS = (
    "kasus_id",
    "waktu",
    "oleh",
    "aksi",
    "dari_status",
    "ke_status",
    "catatan",
    "data",
    "hash_sebelum",
    "hash",
)


def open_duplicates(session: Session, data: CaseInput, *, exclude: int | None = None) -> list[str]:
    """Open cases with the same NIK or phone: a likely duplicate from another channel."""
    conds = []
    if data.nik:
        conds.append(Case.nik == data.nik)
    if data.hp:
        conds.append(Case.hp == data.hp)
    if not conds:
        return []
    query = select(Case.nomor).where(sa.or_(*conds), Case.status.in_(OPEN_STATUSES))
    if exclude is not None:
        query = query.where(Case.id != exclude)
    return list(session.exec(query.order_by(Case.id)))


# ---------------------------------------------------------------- finding and stepping


def normalize_nomor(nomor: str) -> str:
    return nomor.strip().upper()


def get_case(session: Session, nomor: str) -> Case:
    key = normalize_nomor(nomor)
    case = session.exec(select(Case).where(Case.nomor == key)).first()
    if case is None:
        raise NotFoundError(
            f"Kasus {nomor.strip()!r} tidak ada di register. Cek dengan `lapor daftar`."
        )
    return case


def apply_step(session: Session, case: Case, step: Step, *, now: datetime, oleh: str) -> History:
    """Apply a workflow step: column changes, the new status, one history entry — together."""
    for column, value in step.changes.items():
        if not hasattr(case, column):
            raise LaporError(f"kolom {column!r} tidak ada")  # a bug in workflow, not user input
        setattr(case, column, value)
    case.status = step.ke
    session.add(case)
    return append_history(
        session,
        case,
        waktu=now,
        oleh=oleh,
        aksi=step.aksi,
        dari=step.dari,
        ke=step.ke,
        catatan=step.catatan,
        data=step.data,
    )


def case_history(session: Session, case: Case) -> list[History]:
    return list(
        session.exec(select(History).where(History.kasus_id == case.id).order_by(History.id))
    )


# ---------------------------------------------------------------- views


def identity_view(row, *, reveal: bool) -> dict[str, object]:
    """The reporter's identity as a screen may show it: masked unless revealed; anonim: none."""
    if row.anonim:
        return {"nama": None, "nik": None, "kk": None, "hp": None, "email": None, "alamat": None}
    if reveal:
        return {k: getattr(row, k) for k in ("nama", "nik", "kk", "hp", "email", "alamat")}
    return {
        "nama": row.nama,
        "nik": mask_nik(row.nik),
        "kk": mask_nik(row.kk),
        "hp": mask_phone(row.hp),
        "email": _mask_email(row.email),
        "alamat": row.alamat,
    }


def _mask_email(value: str | None) -> str | None:
    if not value or "@" not in value:
        return value
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


RAHASIA_TEXT = "(rahasia)"


def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="minutes") if value else None


def due_iso(row, due: datetime | None) -> str | None:
    """A deadline in working days is a date (end of that day); one in minutes a moment."""
    if due is None:
        return None
    return iso(due) if row.sla_satuan == "menit" else due.date().isoformat()


def case_view(row, *, batas_waktu: datetime | None, reveal: bool = False) -> dict[str, object]:
    """A case as JSON and screens show it (keys per SPEC §4)."""
    return {
        "nomor": row.nomor,
        "meja": row.meja,
        "status": row.status,
        "kanal": row.kanal,
        "jenis": row.jenis,
        "diterima": iso(row.diterima),
        "batas_waktu": due_iso(row, batas_waktu),
        "kategori": row.kategori,
        "unit": row.unit,
        "skor": row.skor,
        "anonim": bool(row.anonim),
        "rahasia": bool(row.rahasia),
        "segera": bool(row.segera),
        "uraian": RAHASIA_TEXT if row.rahasia and not reveal else row.uraian,
        **identity_view(row, reveal=reveal),
        "nomor_lapor": row.nomor_lapor,
        "nomor_formulir": row.nomor_formulir,
        "tembusan": list(row.tembusan or []),
        "dicatat": iso(row.dicatat),
        "petugas": row.petugas,
        "ditutup": iso(row.ditutup),
        "hasil": row.hasil,
        "tepat_waktu": row.tepat_waktu,
        "dilaporkan_balik": row.dilaporkan_balik,
        "komentar": row.komentar,
        "sla": {
            "profil": row.sla_profil,
            "satuan": row.sla_satuan,
            "nilai": row.sla_nilai,
            "perpanjangan": row.sla_perpanjangan,
            "diperpanjang": bool(row.diperpanjang),
        },
    }


def history_view(entry: History) -> dict[str, object]:
    return {
        "waktu": iso(entry.waktu),
        "oleh": entry.oleh,
        "aksi": entry.aksi,
        "dari": entry.dari_status,
        "ke": entry.ke_status,
        "catatan": entry.catatan,
        "data": entry.data,
    }


# ---------------------------------------------------------------- listing

LIST_COLUMNS = [c for c in Case.__table__.c if c.name not in ("sidik",)]


def list_query(
    *,
    status: Iterable[str] = (),
    kanal: str | None = None,
    bulan: tuple[int, int] | None = None,
    cari: str | None = None,
    belum_dilaporkan: bool = False,
    meja: str | None = None,
    dialect: str = "sqlite",
) -> sa.Select:
    """A Core select of case columns with the `daftar` filters, newest first; ``meja``: one
    desk's cases only."""
    t = Case.__table__
    query = sa.select(*LIST_COLUMNS)
    if meja:
        query = query.where(t.c.meja == meja)
    statuses = list(status)
    if statuses:
        query = query.where(t.c.status.in_(statuses))
    if kanal:
        query = query.where(t.c.kanal == kanal)
    if bulan:
        year, month = bulan
        start = datetime(year, month, 1)
        end = datetime(year + (month == 12), month % 12 + 1, 1)
        query = query.where(t.c.diterima >= start, t.c.diterima < end)
    if belum_dilaporkan:
        query = query.where(t.c.kanal == "sp4n-lapor", t.c.dilaporkan_balik.is_(False))
    if cari:
        needle = cari.strip()

        def has(column: sa.Column) -> sa.ColumnElement[bool]:
            # SQLite's LIKE already ignores (ASCII) case and its lower() folds nothing more, so
            # lower(x) LIKE lower(y) only costs a call per row (1M cases: 1.1 s -> 0.5 s).
            if dialect == "sqlite":
                return column.contains(needle, autoescape=True)
            return column.icontains(needle, autoescape=True)

        query = query.where(
            sa.or_(
                has(t.c.nomor),
                has(t.c.nomor_lapor),
                has(t.c.nomor_formulir),
                sa.and_(t.c.anonim.is_(False), has(t.c.nama)),
                sa.and_(t.c.rahasia.is_(False), has(t.c.uraian)),
            )
        )
    return query.order_by(t.c.diterima.desc(), t.c.id.desc())
