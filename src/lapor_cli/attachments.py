"""Attachments of a case in the register (``lapor lampiran``): add files, list them, take one
out, and erase a case's attachments with its identity.

Content is stored inside the register (so backups, ``pindah`` and ``periksa`` cover it),
once per distinct content (``lampiran_isi``, keyed by SHA-256): the same file attached twice
to a case is not attached again, and attached to two cases is stored once. Each attachment
added is a history entry (``lampiran``) carrying its id, name, type, size and SHA-256 —
never its content — so the hash chain commits to which file each case holds.

Attachments are personal data: not in the monev workbook, their names hidden for a
``rahasia`` case unless revealed, and taking one out (``ambil``) is itself recorded.
Reading and recognising a file is :mod:`lapor_cli.attachment_files`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from lapor_cli import files
from lapor_cli.attachment_files import (
    DEFAULT_CAP_MB,
    JENIS_LABEL,
    MB,
    RAHASIA_NAME,
    Upload,
    attachment_view,
    read_upload,
    size_text,
)
from lapor_cli.entries import append_history
from lapor_cli.errors import LaporError, NotFoundError, ValidationError
from lapor_cli.handling import get_case
from lapor_cli.models import Attachment, AttachmentContent, Case
from lapor_cli.settings import get_settings
from lapor_cli.validation import clean_text

__all__ = [
    "Added",
    "add_attachments",
    "attachment_cap",
    "attachment_view",
    "case_attachments",
    "erase_attachments",
    "fetch_attachment",
    "list_attachments",
]


def attachment_cap(session: Session) -> int:
    """The size cap of one attachment in bytes (office setting ``lampiran_maks_mb``)."""
    text = get_settings(session).get("lampiran_maks_mb") or str(DEFAULT_CAP_MB)
    try:
        return max(1, int(text)) * MB
    except ValueError:
        return DEFAULT_CAP_MB * MB


def case_attachments(session: Session, case: Case) -> list[Attachment]:
    return list(
        session.exec(
            select(Attachment).where(Attachment.kasus_id == case.id).order_by(Attachment.id)
        )
    )


@dataclass
class Added:
    """What ``lampiran tambah`` did: the attachments added, and files that the case
    already had (same content), with the attachment they already are."""

    nomor: str
    ditambahkan: list[dict]
    sudah_ada: list[dict]


def add_attachments(
    session: Session,
    nomor: str,
    paths: list[Path],
    *,
    now: datetime,
    petugas: str,
    keterangan: str | None = None,
) -> Added:
    """Attach ``paths`` to the case: every file is read and checked first (one refused file
    refuses them all), then each new content is stored once and each new attachment gets
    its history entry."""
    petugas = clean_text("petugas", petugas) or "petugas"
    note = clean_text("keterangan", keterangan, label="Keterangan")
    if not paths:
        raise ValidationError("berkas", "Sebutkan paling sedikit satu berkas untuk dilampirkan.")
    case = get_case(session, nomor)
    cap = attachment_cap(session)
    uploads: list[Upload] = []
    for path in paths:
        upload = read_upload(Path(path), cap)
        clean_text("berkas", upload.nama, label="Nama berkas")
        uploads.append(upload)
    have = {row.sha256: row for row in case_attachments(session, case)}
    added: list[dict] = []
    already: list[dict] = []
    for upload in uploads:
        if upload.sha256 in have:
            already.append({"berkas": str(upload.path), **attachment_view(have[upload.sha256])})
            continue
        if session.get(AttachmentContent, upload.sha256) is None:
            session.add(
                AttachmentContent(sha256=upload.sha256, ukuran=upload.ukuran, isi=upload.content)
            )
            session.flush()
        row = Attachment(
            kasus_id=case.id,
            sha256=upload.sha256,
            nama=upload.nama,
            jenis=upload.jenis,
            ukuran=upload.ukuran,
            keterangan=note,
            ditambahkan=now,
            oleh=petugas,
        )
        session.add(row)
        session.flush()
        item = {
            "id": row.id,
            "nama": row.nama,
            "jenis": row.jenis,
            "ukuran": row.ukuran,
            "sha256": row.sha256,
        }
        append_history(
            session,
            case,
            waktu=now,
            oleh=petugas,
            aksi="lampiran",
            dari=case.status,
            ke=case.status,
            catatan=(
                f"Lampiran #{row.id} ditambahkan: "
                f"{RAHASIA_NAME if case.rahasia else row.nama} "
                f"({JENIS_LABEL[row.jenis]}, {size_text(row.ukuran)})"
                + (f" — {note}" if note and not case.rahasia else "")
            ),
            data={"lampiran": item, **({"keterangan": note} if note else {})},
        )
        have[row.sha256] = row
        added.append(attachment_view(row))
    return Added(case.nomor, added, already)


def list_attachments(session: Session, nomor: str, *, reveal: bool = False) -> dict:
    """``lampiran NOMOR``: the case's attachments, oldest first."""
    case = get_case(session, nomor)
    rows = case_attachments(session, case)
    return {
        "nomor": case.nomor,
        "lampiran": [attachment_view(r, rahasia=case.rahasia, reveal=reveal) for r in rows],
    }


def fetch_attachment(
    session: Session,
    nomor: str,
    ident: int,
    target: Path,
    *,
    now: datetime,
    petugas: str,
    overwrite: bool = False,
) -> dict:
    """``lampiran ambil``: write one attachment's content to ``target`` (owner-only,
    atomically, never through a link, not over a file without ``overwrite``); recorded in
    the history. The content is checked against its SHA-256 first."""
    import hashlib

    petugas = clean_text("petugas", petugas) or "petugas"
    case = get_case(session, nomor)
    row = session.get(Attachment, ident)
    if row is None or row.kasus_id != case.id:
        raise NotFoundError(
            f"Kasus {case.nomor} tidak punya lampiran #{ident}. Lihat daftarnya: "
            f"lapor lampiran {case.nomor}"
        )
    content = session.get(AttachmentContent, row.sha256)
    data = bytes(content.isi) if content is not None else b""
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise LaporError(
            f"Isi lampiran #{ident} di register tidak sesuai SHA-256-nya (rusak atau ditukar); "
            "tidak ada yang ditulis. Jalankan `lapor periksa`."
        )
    problem = files.target_problem(target, overwrite=overwrite)
    if problem:
        raise ValidationError("keluaran", problem)
    append_history(
        session,
        case,
        waktu=now,
        oleh=petugas,
        aksi="lampiran-ambil",
        dari=case.status,
        ke=case.status,
        catatan=f"Lampiran #{row.id} diambil ke berkas",
        data={"lampiran": row.id},
    )
    write_file(target, data, overwrite=overwrite)
    return {
        **attachment_view(row, rahasia=case.rahasia),
        "nomor": case.nomor,
        "keluaran": str(target),
    }


def write_file(target: Path, data: bytes, *, overwrite: bool) -> None:
    """``data`` to ``target`` through :func:`files.replacing` (owner-only, atomic)."""
    try:
        with files.replacing(target, overwrite=overwrite, field="keluaran") as partial:
            partial.file.write(data)
    except files.NotReplaced as exc:
        raise LaporError(
            f"Berkas {target} tidak dapat diganti ({exc.strerror}); tutup dulu di program lain."
        ) from None
    except OSError as exc:
        raise LaporError(f"Berkas {target} tidak dapat ditulis: {exc.strerror}.") from None


def erase_attachments(
    session: Session, case: Case, *, now: datetime, petugas: str, alasan: str
) -> int:
    """Remove every attachment of ``case`` (an identity erased for good: ``anonimkan``,
    ``retensi``), and each content no other case still holds; one history entry
    (``lampiran-hapus``) names the ids, so ``periksa`` knows they are gone on purpose.
    Returns how many were removed."""
    rows = case_attachments(session, case)
    if not rows:
        return 0
    ids = [r.id for r in rows]
    hashes = {r.sha256 for r in rows}
    for row in rows:
        session.delete(row)
    session.flush()
    still = set(session.exec(select(Attachment.sha256).where(Attachment.sha256.in_(hashes))).all())
    gone = hashes - still
    if gone:
        session.execute(
            sa.delete(AttachmentContent.__table__).where(
                AttachmentContent.__table__.c.sha256.in_(gone)
            )
        )
    append_history(
        session,
        case,
        waktu=now,
        oleh=petugas,
        aksi="lampiran-hapus",
        dari=case.status,
        ke=case.status,
        catatan=f"{len(ids)} lampiran dihapus: {alasan}",
        data={"dihapus": ids},
    )
    return len(ids)
