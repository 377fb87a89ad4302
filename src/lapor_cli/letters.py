"""Letters to the reporter (``lapor surat``), written from the case's own data on the
office's template (``data/surat.toml``, overridable like the other reference files).

Three kinds, each fitting a case's outcome:

- ``jawaban``: the answer — the handling result of a closed case (``tutup --hasil``) or the
  normative answer (``distribusi --jawaban-normatif``);
- ``rujukan``: the case was outside the office's authority and referred to another agency
  (``verifikasi --bukan-kewenangan --dirujuk-ke … --nomor-surat …``);
- ``arsip``: the case was archived, with the reason the reporter was given.

A kind that does not fit the case is refused with what to do instead. The text a person
wrote (result, reason, summary) is put in with any NIK or phone number in it masked; the
letter never carries the reporter's NIK, KK or phone. Making a letter is a history entry.
Laying it out as PDF or DOCX is :mod:`lapor_cli.documents`.
"""

from __future__ import annotations

import string
import tomllib
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from lapor_cli.documents import Letter
from lapor_cli.entries import append_history, case_history
from lapor_cli.errors import LaporError, StatusError, ValidationError
from lapor_cli.handling import get_case
from lapor_cli.identity import scrub_text
from lapor_cli.indonesian import tanggal
from lapor_cli.models import Case
from lapor_cli.receipts import summary_line
from lapor_cli.references import KANAL_LABEL
from lapor_cli.resources import data_file
from lapor_cli.validation import clean_text

__all__ = ["KINDS", "TEMPLATE", "letter", "load_template"]

KINDS = ("jawaban", "rujukan", "arsip")
TEMPLATE = "surat.toml"
_JENIS_WORD = {"aduan": "pengaduan", "aspirasi": "aspirasi", "informasi": "permintaan informasi"}
_FIELDS = (
    "kantor kontak nomor nomor_lapor diterima kanal jenis ringkasan pelapor alamat hasil unit "
    "dirujuk_ke nomor_surat_rujukan alasan tanggal tempat"
).split()


def load_template() -> tuple[dict, Path]:
    """The letter template in force (the office's copy wins) and where it is."""
    path = data_file(TEMPLATE)
    try:
        with path.open("rb") as handle:
            template = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LaporError(f"Templat surat {path} tidak dapat dibaca: {exc}") from None
    for kind in KINDS:
        part = template.get(kind)
        if not isinstance(part, dict) or not isinstance(part.get("paragraf"), list):
            raise LaporError(
                f"Templat surat {path}: bagian [{kind}] dengan daftar 'paragraf' tidak ada."
            )
    return template, path


def _fill(text: object, values: dict[str, str], path: Path) -> str:
    """``text`` with its ``{isian}`` filled; an unknown one is refused, naming the file."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(str(text)) if name]
        for name in names:
            if name not in values:
                raise KeyError(name)
        return str(text).format_map(values)
    except KeyError as exc:
        raise LaporError(
            f"Templat surat {path}: isian {{{exc.args[0]}}} tidak dikenal. Yang tersedia: "
            + ", ".join(f"{{{f}}}" for f in _FIELDS)
            + "."
        ) from None
    except (ValueError, IndexError):
        raise LaporError(
            f"Templat surat {path}: kurung kurawal tidak berpasangan di {str(text)[:60]!r} "
            "(tulis {{ dan }} untuk kurung kurawal biasa)."
        ) from None


def _refusal(case: Case, jenis: str) -> str | None:
    """Why a letter of kind ``jenis`` does not fit ``case`` (None: it fits)."""
    status = case.status
    if status in ("dibatalkan", "digabung"):
        where = f" (surat untuk kasus utamanya: {case.digabung_ke})" if case.digabung_ke else ""
        return f"Kasus {case.nomor} {status}: tidak ada surat untuknya{where}."
    if jenis == "jawaban":
        if status == "diarsipkan":
            return (
                f"Kasus {case.nomor} diarsipkan (bukan kewenangan): buat surat "
                "--jenis arsip, atau --jenis rujukan bila dirujuk ke instansi lain."
            )
        if not (case.hasil or case.jawaban_normatif) or status not in ("selesai", "dijawab"):
            return (
                f"Kasus {case.nomor} belum punya jawaban (status {status}). Surat jawaban "
                "dibuat setelah `lapor tutup NOMOR --hasil …` atau "
                "`lapor distribusi NOMOR --jawaban-normatif …`."
            )
        return None
    if status != "diarsipkan":
        return (
            f"Kasus {case.nomor} tidak diarsipkan (status {status}): surat --jenis {jenis} "
            "hanya untuk kasus bukan kewenangan (`lapor verifikasi NOMOR --bukan-kewenangan`)"
            + (
                "; untuk jawaban pakai --jenis jawaban."
                if status in ("selesai", "dijawab")
                else "."
            )
        )
    return None


def _archive_data(session: Session, case: Case) -> dict:
    """The newest ``verifikasi`` entry that archived the case: its reason and referral."""
    for entry in reversed(case_history(session, case)):
        if entry.aksi == "verifikasi" and (entry.data or {}).get("kewenangan") is False:
            return dict(entry.data)
    return {}


def letter(
    session: Session,
    nomor: str,
    *,
    jenis: str,
    now: datetime,
    petugas: str,
    settings: dict[str, str],
    nomor_surat: str | None = None,
    formats: tuple[str, ...] = ("pdf",),
) -> Letter:
    """The letter of kind ``jenis`` for case ``nomor``, recorded in its history."""
    kind = (jenis or "").strip().lower()
    if kind not in KINDS:
        raise ValidationError(
            "jenis", f"Jenis surat {jenis!r} tidak dikenal. Pilihan: " + ", ".join(KINDS) + "."
        )
    petugas = clean_text("petugas", petugas) or "petugas"
    outgoing = clean_text("nomor_surat", nomor_surat, label="Nomor surat")
    case = get_case(session, nomor)
    why = _refusal(case, kind)
    if why:
        raise StatusError(why)
    archived = _archive_data(session, case) if kind != "jawaban" else {}
    if kind == "rujukan" and not archived.get("dirujuk_ke"):
        raise StatusError(
            f"Kasus {case.nomor} diarsipkan tanpa rujukan ke instansi lain: buat surat "
            "--jenis arsip (rujukan dicatat dengan `verifikasi … --dirujuk-ke INSTANSI "
            "--nomor-surat NOMOR`)."
        )
    template, path = load_template()
    kantor = settings.get("kantor_nama") or "Dinas Sosial"
    kontak = (settings.get("kantor_kontak") or "").strip()
    answer = case.hasil if case.status == "selesai" and case.hasil else case.jawaban_normatif
    tempat = str(template.get("tempat") or "").strip()
    values = {
        "kantor": kantor,
        "kontak": kontak or f"meja pengaduan {kantor}",
        "nomor": case.nomor,
        "nomor_lapor": case.nomor_lapor or "",
        "diterima": tanggal(case.diterima),
        "kanal": KANAL_LABEL.get(case.kanal, case.kanal),
        "jenis": _JENIS_WORD.get(case.jenis, case.jenis),
        "ringkasan": summary_line(case),
        "pelapor": "Pelapor" if case.anonim or not case.nama else case.nama,
        "alamat": "" if case.anonim else (case.alamat or ""),
        "hasil": scrub_text(answer or ""),
        "unit": case.unit or "",
        "dirujuk_ke": str(archived.get("dirujuk_ke") or ""),
        "nomor_surat_rujukan": str(archived.get("nomor_surat") or "-"),
        "alasan": scrub_text(str(archived.get("alasan") or "")),
        "tanggal": tanggal(now),
        "tempat": tempat,
    }
    part = template[kind]

    def lines(items: object) -> list[str]:
        filled = [_fill(item, values, path) for item in (items or [])]
        return [line for line in filled if line.strip()]

    made = Letter(
        kop=lines(template.get("kop")),
        tempat_tanggal=f"{tempat}, {values['tanggal']}" if tempat else values["tanggal"],
        nomor_surat=outgoing or "....................",
        sifat=_fill(template.get("sifat", "Biasa"), values, path),
        lampiran=_fill(template.get("lampiran", "-"), values, path),
        perihal=_fill(part.get("perihal", ""), values, path),
        penerima=lines(template.get("penerima")),
        paragraf=lines(part.get("paragraf")),
        penandatangan=lines(template.get("penandatangan")),
        tembusan=lines(template.get("tembusan")),
        judul=f"Surat {kind} {case.nomor}",
    )
    append_history(
        session,
        case,
        waktu=now,
        oleh=petugas,
        aksi="surat",
        dari=case.status,
        ke=case.status,
        catatan=f"Surat {kind} untuk pelapor dibuat ({', '.join(f.upper() for f in formats)})",
        data={
            "jenis": kind,
            "format": list(formats),
            **({"nomor_surat": outgoing} if outgoing else {}),
        },
    )
    return made
