"""Personal data by the book (UU 27/2022 on personal data protection, PDP): erasure,
restriction, the access log, a person's own data, the retention period.

Erasure (``anonimkan``, ``retensi --jalankan``) and the history chain. The chain keeps the
identity only as a salted digest (:mod:`lapor_cli.case_state`): each entry's ``keadaan`` is
SHA-256 over the case's row with the six identity values replaced by
``SHA-256([garam, [nama, nik, kk, hp, email, alamat]])``. An erasure sets the six values, the
salt and the import's unsalted fingerprint (``sidik``) to null, takes every NIK, KK, phone
number and the erased values themselves out of the case's own free text (uraian, hasil,
komentar, jawaban normatif), and appends an entry (aksi ``anonimkan``) whose state commits to
the erased row. Earlier entries are not touched: their hashes still verify (each commits to
the stored digest, not to the values), and the newest entry matches the row, so ``periksa``
passes. What they keep is a digest of a salt that no longer exists: nothing in the register
can confirm a guessed NIK any more. The erasure is also written to ``penghapusan`` (number,
who, when, why, which fields; no value), which a restore of an older backup keeps and
applies again.

The bytes: on SQLite the erasure runs with ``secure_delete`` on (overwritten cells are
zeroed), and after the commit the WAL is checkpointed and truncated and the file rebuilt
(``VACUUM``), so neither free pages nor the WAL keep the old row. On a server the old row
versions are the server's to vacuum.

Restriction (``batasi``/``lepas``) is kept in the history only (entries ``batasi`` and
``lepas``): the newest of them says whether a case is restricted, so the chain protects it.
A restricted case's identity is not opened (``lihat --lengkap``) nor exported.

The access log (``akses``) is the history's ``lihat-lengkap`` entries together with the
``akses`` table's rows: workbooks exported and subject-access reports handed out, one row per
case whose identity they held.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from lapor_cli import history as chain
from lapor_cli.case_state import IDENTITY_COLUMNS
from lapor_cli.entries import append_history, case_history
from lapor_cli.errors import StatusError, ValidationError
from lapor_cli.handling import get_case
from lapor_cli.identity import erase_from_text, parse_nik, parse_phone
from lapor_cli.models import Access, Case, Erasure, History
from lapor_cli.settings import set_setting
from lapor_cli.validation import clean_text
from lapor_cli.views import case_view, history_view, iso
from lapor_cli.workflow import CLOSED_STATUSES, OPEN_STATUSES

__all__ = [
    "ERASED_TEXT",
    "RESTRICTED_TEXT",
    "RETENTION_KEY",
    "AccessRow",
    "Erased",
    "access_log",
    "erase_case",
    "erased_numbers",
    "is_restricted",
    "keep_erasures",
    "lift_case",
    "record_access",
    "record_exemption",
    "reerase",
    "restrict_case",
    "restricted_ids",
    "retention_due",
    "run_retention",
    "set_retention",
    "subject_access",
]

ERASED_TEXT = "[dihapus]"
#: What an export shows instead of a restricted case's reporter.
RESTRICTED_TEXT = "(dibatasi)"
RETENTION_KEY = "retensi_tahun"
#: The case's own free text, from which an erasure takes the identity.
FREE_TEXT = ("uraian", "hasil", "komentar", "jawaban_normatif")
FINAL_STATUSES = (*CLOSED_STATUSES, "dibatalkan", "digabung")


# ------------------------------------------------------------------------------ restriction


def _restriction(session: Session, case_id: int) -> History | None:
    """The newest ``batasi``/``lepas`` entry of a case (None: never restricted)."""
    t = History.__table__
    row = session.execute(
        sa.select(t.c.id)
        .where(t.c.kasus_id == case_id, t.c.aksi.in_(("batasi", "lepas")))
        .order_by(t.c.id.desc())
        .limit(1)
    ).scalar()
    return None if row is None else session.get(History, row)


def is_restricted(session: Session, case: Case) -> str | None:
    """The reason a case is restricted now, or None."""
    entry = _restriction(session, case.id)
    if entry is None or entry.aksi != "batasi":
        return None
    return entry.catatan or "dibatasi"


def restricted_ids(session: Session) -> set[int]:
    """The ids of every case restricted now (one query, for exports)."""
    t = History.__table__
    newest = (
        sa.select(sa.func.max(t.c.id).label("m"))
        .where(t.c.aksi.in_(("batasi", "lepas")))
        .group_by(t.c.kasus_id)
        .subquery()
    )
    query = sa.select(t.c.kasus_id).join(newest, t.c.id == newest.c.m).where(t.c.aksi == "batasi")
    return set(session.execute(query).scalars())


def _reason(alasan: str | None, what: str) -> str:
    text = clean_text("alasan", alasan, multiline=True)
    if not text:
        raise ValidationError("alasan", f"--alasan wajib: {what}.")
    return text


def restrict_case(
    session: Session, nomor: str, *, now: datetime, petugas: str, alasan: str | None
) -> dict[str, object]:
    """``batasi``: the case's identity may not be opened nor exported until ``lepas``."""
    text = _reason(alasan, "mengapa pemrosesan data pelapor dibatasi (mis. permintaan pelapor)")
    case = get_case(session, nomor)
    if is_restricted(session, case):
        raise StatusError(f"Kasus {case.nomor} sudah dibatasi; lepaskan dengan `lapor lepas`.")
    _step(session, case, now=now, petugas=petugas, aksi="batasi", catatan=text)
    return {"nomor": case.nomor, "dibatasi": True, "alasan": text}


def lift_case(
    session: Session, nomor: str, *, now: datetime, petugas: str, alasan: str | None = None
) -> dict[str, object]:
    """``lepas``: lift a restriction."""
    case = get_case(session, nomor)
    if not is_restricted(session, case):
        raise StatusError(f"Kasus {case.nomor} tidak sedang dibatasi.")
    text = clean_text("alasan", alasan, multiline=True) or "Pembatasan dilepas"
    _step(session, case, now=now, petugas=petugas, aksi="lepas", catatan=text)
    return {"nomor": case.nomor, "dibatasi": False, "alasan": text}


def _step(
    session: Session,
    case: Case,
    *,
    now: datetime,
    petugas: str,
    aksi: str,
    catatan: str,
    data: dict | None = None,
) -> History:
    return append_history(
        session,
        case,
        waktu=now,
        oleh=petugas,
        aksi=aksi,
        dari=case.status,
        ke=case.status,
        catatan=catatan,
        data=data or {},
    )


# ------------------------------------------------------------------------------ erasure


@dataclass
class Erased:
    """One case erased: which identity fields held a value, which free texts were changed,
    the earlier history entries whose notes or data were blanked, and how many attachments
    (scans of a KK, photos: personal data) were removed."""

    nomor: str
    kolom: list[str]
    teks: list[str] = field(default_factory=list)
    catatan_riwayat: list[int] = field(default_factory=list)
    lampiran: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "nomor": self.nomor,
            "kolom": self.kolom,
            "teks": self.teks,
            "riwayat_disamarkan": len(self.catatan_riwayat),
            "lampiran_dihapus": self.lampiran,
        }


def has_identity(case: Case) -> bool:
    return any(getattr(case, c) is not None for c in (*IDENTITY_COLUMNS, "garam", "sidik"))


def record_exemption(
    session: Session, nomor: str, *, now: datetime, petugas: str, alasan: str | None
) -> dict[str, object]:
    """``anonimkan --pengecualian``: a request to erase (or restrict) that the office declines
    under the public-service exemption (UU 27/2022 Pasal 15), recorded in the history with
    its ground; nothing is erased."""
    text = _reason(alasan, "dasar pengecualian, mis. 'Pasal 15 ayat (1): kasus masih ditangani'")
    case = get_case(session, nomor)
    _step(session, case, now=now, petugas=petugas, aksi="pengecualian", catatan=text)
    return {"nomor": case.nomor, "pengecualian": text}


def erase_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    alasan: str | None,
    paksa: bool = False,
) -> Erased:
    """``anonimkan``: erase a case's identity for good (see the module's docstring). An open
    case is refused unless ``paksa``; a case with nothing left to erase is refused."""
    text = _reason(alasan, "permintaan pelapor, atau tujuan pemrosesan sudah selesai")
    case = get_case(session, nomor)
    if not has_identity(case):
        raise StatusError(f"Identitas kasus {case.nomor} sudah dihapus; tidak ada yang dihapus.")
    if case.status in OPEN_STATUSES and not paksa:
        raise StatusError(
            f"Kasus {case.nomor} masih terbuka ({case.status}); identitas pelapor masih "
            "diperlukan untuk penanganannya. Tambahkan --paksa bila pelapor memintanya."
        )
    _secure_delete(session)
    return _erase(session, case, now=now, petugas=petugas, alasan=text, paksa=paksa)


def _secure_delete(session: Session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")


def _erase(
    session: Session, case: Case, *, now: datetime, petugas: str, alasan: str, paksa: bool
) -> Erased:
    from lapor_cli.attachments import erase_attachments

    values = [getattr(case, c) for c in IDENTITY_COLUMNS]
    kolom = [c for c in IDENTITY_COLUMNS if getattr(case, c) is not None]
    done = Erased(case.nomor, kolom)
    # the files kept with the case are the reporter's papers: gone with the identity (an
    # identity value in a file's name in the earlier entries is blanked below with the rest)
    done.lampiran = erase_attachments(session, case, now=now, petugas=petugas, alasan=alasan)
    for name in FREE_TEXT:
        old = getattr(case, name)
        if old:
            new = erase_from_text(old, values, ERASED_TEXT)
            if new != old:
                setattr(case, name, new)
                done.teks.append(name)
    for c in (*IDENTITY_COLUMNS, "garam", "sidik"):
        setattr(case, c, None)
    blanked = {}
    for entry in case_history(session, case):
        note = entry.catatan
        new_note = erase_from_text(note, values, ERASED_TEXT) if note else note
        new_data = _erase_data(entry.data or {}, values)
        if new_note == note and new_data == (entry.data or {}):
            continue
        entry.catatan, entry.data = new_note, new_data
        session.add(entry)
        blanked[str(entry.id)] = chain.entry_hash(
            entry.hash_sebelum,
            nomor=case.nomor,
            waktu=entry.waktu,
            oleh=entry.oleh,
            aksi=entry.aksi,
            dari_status=entry.dari_status,
            ke_status=entry.ke_status,
            catatan=new_note,
            data=new_data,
            keadaan=entry.keadaan,
            dicatat=entry.dicatat,
        )
        done.catatan_riwayat.append(entry.id)
    session.add(case)
    data: dict[str, object] = {"kolom": kolom, "teks": done.teks}
    if done.lampiran:
        data["lampiran"] = done.lampiran
    if blanked:
        data["disamarkan"] = blanked
    if paksa:
        data["paksa"] = True
    _step(session, case, now=now, petugas=petugas, aksi="anonimkan", catatan=alasan, data=data)
    session.add(Erasure(nomor=case.nomor, waktu=now, oleh=petugas, alasan=alasan, kolom=kolom))
    session.flush()
    return done


def _erase_data(value: object, values: list, whole: bool = False) -> object:
    """A history entry's data with the identity taken out: the value under an identity
    field's key (an ``ubah``'s masked old and new name, NIK…) blanked whole, any text
    cleaned."""
    if isinstance(value, dict):
        return {k: _erase_data(v, values, whole or k in IDENTITY_COLUMNS) for k, v in value.items()}
    if isinstance(value, list):
        return [_erase_data(v, values, whole) for v in value]
    if whole and value is not None:
        return ERASED_TEXT
    if isinstance(value, str):
        return erase_from_text(value, values, ERASED_TEXT)
    return value


def erased_numbers(session: Session, numbers: Iterable[str]) -> set[str]:
    """Which of these case numbers had their identity erased (the erasure log)."""
    wanted = list(dict.fromkeys(numbers))
    t = Erasure.__table__
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.execute(sa.select(t.c.nomor).where(t.c.nomor.in_(chunk))).scalars())
    return found


def reerase(session: Session, *, now: datetime, petugas: str) -> list[str]:
    """After a restore: erase again every case the erasure log names that holds an identity
    (the backup was older than its erasure). The numbers erased."""
    t = Erasure.__table__
    logged: dict[str, str] = {}
    for nomor, alasan in session.execute(sa.select(t.c.nomor, t.c.alasan).order_by(t.c.id)):
        logged[nomor] = alasan
    again = []
    if logged:
        _secure_delete(session)
    for nomor, alasan in logged.items():
        case = session.exec(sa.select(Case).where(Case.nomor == nomor)).scalars().first()
        if case is None or not has_identity(case):
            continue
        _erase(
            session,
            case,
            now=now,
            petugas=petugas,
            alasan=f"Diterapkan ulang setelah pemulihan cadangan: {alasan}",
            paksa=case.status in OPEN_STATUSES,
        )
        again.append(nomor)
    return again


def keep_erasures(
    session: Session, log: Iterable[tuple], *, now: datetime, petugas: str
) -> list[str]:
    """After a restore: the erasure log of the register it replaced (``log``: rows of
    ``nomor, waktu, oleh, alasan, kolom``) added to the restored one where missing, then every
    erasure applied again (:func:`reerase`). The numbers erased again."""
    import json

    t = Erasure.__table__
    have = {
        (nomor, waktu.isoformat() if isinstance(waktu, datetime) else str(waktu))
        for nomor, waktu in session.execute(sa.select(t.c.nomor, t.c.waktu))
    }
    for nomor, waktu, oleh, alasan, kolom in log:
        when = datetime.fromisoformat(waktu) if isinstance(waktu, str) else waktu
        if (nomor, when.isoformat()) in have:
            continue
        fields = json.loads(kolom) if isinstance(kolom, str) else kolom
        session.add(Erasure(nomor=nomor, waktu=when, oleh=oleh, alasan=alasan, kolom=fields))
    session.flush()
    return reerase(session, now=now, petugas=petugas)


def scrub_storage(register) -> str | None:
    """After an erasure's commit: checkpoint and truncate the WAL and rebuild the SQLite file,
    so that no free page and no WAL frame keeps an erased value (nothing on a server). What
    could not be done (another program holds the register open), or None."""
    import sqlite3

    engine = register.engine
    if engine.dialect.name != "sqlite":
        return None
    try:
        with engine.connect() as conn:
            raw = conn.connection.driver_connection
            old = raw.isolation_level
            raw.isolation_level = None
            try:
                raw.execute("PRAGMA secure_delete = ON")
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                raw.execute("VACUUM")
                busy = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                raw.isolation_level = old
    except sqlite3.OperationalError as exc:
        return f"berkas register belum dibersihkan ({exc})"
    finally:
        engine.dispose()
    if busy:
        return "berkas WAL belum dikosongkan: program lain sedang membaca register"
    return None


# ------------------------------------------------------------------------------ retention


def set_retention(session: Session, years: int) -> None:
    if not 1 <= years <= 100:
        raise ValidationError("retensi", f"Masa retensi 1–100 tahun (diberikan {years}).")
    set_setting(session, RETENTION_KEY, str(years))


def _cutoff(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def retention_due(
    session: Session, *, now: datetime, years: int | None, settings: dict[str, str], meja=None
) -> tuple[int, datetime, list[Case]]:
    """The closed cases whose closing (or receipt, when they have no closing time) lies more
    than the retention period before ``now`` and that still hold an identity."""
    if years is None:
        stored = settings.get(RETENTION_KEY)
        if not stored:
            raise ValidationError(
                "tahun",
                "Masa retensi belum diatur. Atur dengan `lapor kantor --retensi N` (tahun), "
                "atau beri --tahun N.",
            )
        years = int(stored)
    if not 1 <= years <= 100:
        raise ValidationError("tahun", f"Masa retensi 1–100 tahun (diberikan {years}).")
    cutoff = _cutoff(now, years)
    ended = sa.func.coalesce(Case.ditutup, Case.diterima)
    query = (
        sa.select(Case)
        .where(
            Case.status.in_(FINAL_STATUSES),
            ended < cutoff,
            sa.or_(*(getattr(Case, c).is_not(None) for c in (*IDENTITY_COLUMNS, "garam", "sidik"))),
        )
        .order_by(Case.id)
    )
    if meja:
        query = query.where(Case.meja == meja)
    return years, cutoff, list(session.execute(query).scalars())


def run_retention(
    session: Session, cases: Iterable[Case], *, now: datetime, petugas: str, years: int
) -> list[Erased]:
    _secure_delete(session)
    reason = f"Masa retensi {years} tahun berakhir"
    return [
        _erase(session, case, now=now, petugas=petugas, alasan=reason, paksa=False)
        for case in cases
    ]


# ------------------------------------------------------------------------------ access log


def record_access(
    session: Session,
    numbers: Iterable[str | None],
    *,
    now: datetime,
    petugas: str,
    jenis: str,
    keterangan: str | None,
) -> int:
    """One ``akses`` row per case number (bulk). The number of rows."""
    rows = [
        {"waktu": now, "petugas": petugas, "jenis": jenis, "nomor": n, "keterangan": keterangan}
        for n in numbers
    ]
    if rows:
        session.execute(sa.insert(Access.__table__), rows)
    return len(rows)


@dataclass(frozen=True)
class AccessRow:
    waktu: datetime
    petugas: str
    jenis: str
    nomor: str | None
    keterangan: str | None

    def as_json(self) -> dict[str, object]:
        return {
            "waktu": iso(self.waktu),
            "petugas": self.petugas,
            "jenis": self.jenis,
            "nomor": self.nomor,
            "keterangan": self.keterangan,
        }


def access_log(
    session: Session,
    *,
    sejak: datetime | None = None,
    petugas: str | None = None,
    nomor: str | None = None,
    meja: str | None = None,
) -> list[AccessRow]:
    """Every identity opening (``lihat --lengkap``, from the history) and every export of
    identities (``akses``), oldest first, filtered."""
    h, k, a = History.__table__, Case.__table__, Access.__table__
    opened = (
        sa.select(
            sa.literal(0).label("sumber"),
            h.c.id.label("urut"),
            h.c.waktu,
            h.c.oleh.label("petugas"),
            sa.literal("lihat-lengkap").label("jenis"),
            k.c.nomor,
            h.c.catatan.label("keterangan"),
        )
        .join(k, k.c.id == h.c.kasus_id)
        .where(h.c.aksi == "lihat-lengkap")
    )
    exported = sa.select(
        sa.literal(1).label("sumber"),
        a.c.id.label("urut"),
        a.c.waktu,
        a.c.petugas,
        a.c.jenis,
        a.c.nomor,
        a.c.keterangan,
    )
    if sejak is not None:
        opened = opened.where(h.c.waktu >= sejak)
        exported = exported.where(a.c.waktu >= sejak)
    if petugas:
        opened = opened.where(sa.func.lower(h.c.oleh) == petugas.strip().lower())
        exported = exported.where(sa.func.lower(a.c.petugas) == petugas.strip().lower())
    if nomor:
        key = nomor.strip().upper()
        opened = opened.where(k.c.nomor == key)
        exported = exported.where(a.c.nomor == key)
    if meja:
        opened = opened.where(k.c.meja == meja)
        exported = exported.where(a.c.nomor.in_(sa.select(k.c.nomor).where(k.c.meja == meja)))
    both = sa.union_all(opened, exported).subquery()
    query = sa.select(
        both.c.waktu, both.c.petugas, both.c.jenis, both.c.nomor, both.c.keterangan
    ).order_by(both.c.waktu, both.c.sumber, both.c.urut)
    return [AccessRow(*row) for row in session.execute(query)]


# ------------------------------------------------------------------------------ subject access


def subject_access(
    session: Session,
    *,
    nik: str | None,
    hp: str | None,
    now: datetime,
    petugas: str,
    meja: str | None = None,
    keluaran: str | None = None,
) -> dict[str, object]:
    """``pelapor``: everything the register holds about the person with this NIK or phone
    number: their cases (identity whole: it is theirs), each case's history, every opening of
    their identity and every export that held it. The request is recorded in ``akses``."""
    if bool(nik) == bool(hp):
        raise ValidationError("nik", "Beri tepat satu: --nik NIK atau --hp NOMOR.")
    where = Case.nik == parse_nik(nik) if nik else Case.hp == parse_phone(hp or "")
    query = sa.select(Case).where(where).order_by(Case.id)
    if meja:
        query = query.where(Case.meja == meja)
    cases = list(session.execute(query).scalars())
    from lapor_cli.deadlines import Deadlines

    book = Deadlines(session, now)
    out_cases = []
    numbers = [c.nomor for c in cases]
    for case in cases:
        view = case_view(case, batas_waktu=book.due(case), reveal=True)
        view["dibatasi"] = is_restricted(session, case) is not None
        view["riwayat"] = [
            history_view(e, reveal=True, rahasia=False) for e in case_history(session, case)
        ]
        out_cases.append(view)
    log = [row.as_json() for n in numbers for row in access_log(session, nomor=n)]
    log.sort(key=lambda r: (r["waktu"] or "", r["nomor"] or ""))
    where_text = f"berkas {keluaran}" if keluaran else "layar"
    record_access(
        session,
        numbers or [None],
        now=now,
        petugas=petugas,
        jenis="pelapor",
        keterangan=f"Permintaan data pribadi (UU 27/2022 Pasal 32) dijawab: {where_text}",
    )
    return {
        "dicari": "nik" if nik else "hp",
        "waktu": iso(now),
        "petugas": petugas,
        "jumlah_kasus": len(out_cases),
        "kasus": out_cases,
        "akses": log,
    }
