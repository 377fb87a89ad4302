"""Checking what a desk officer or a paper form gives us: one code path for `catat` and `impor`.

NIKs are checked by python-stdnum (16 digits, a known registration region, a real encoded
birth date with +40 for women; never compared with a real birth date), phone numbers are
parsed as Indonesian by phonenumbers and stored as E.164. Every problem names its field.
"""

from __future__ import annotations

import hashlib
import operator
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime

from lapor_cli.dates import parse_datetime
from lapor_cli.errors import ValidationError
from lapor_cli.identity import (
    parse_kk,
    parse_nik,
    parse_phone,
)
from lapor_cli.indonesian import tanggal
from lapor_cli.references import normalize_jenis, normalize_kanal

#: A case received before this year is a typo (``0999``, ``1926`` for ``2026``): its deadline
#: would be centuries overdue.
EARLIEST_YEAR = 2000
#: A receipt date in an earlier calendar year than "now", or more days ago than this, is taken
#: for a slip (``2025-11-27`` typed for ``2026-11-27``) unless the officer confirms it
#: (``--lama``).
OLD_AFTER_DAYS = 30
#: How the officer confirms an old receipt date on ``catat`` (the import says its own).
CONFIRM_OLD = "ulangi dengan --lama"

MAX_LEN = {
    "uraian": 20_000,
    "nama": 200,
    "alamat": 500,
    "email": 200,
    "nomor_lapor": 60,
    "nomor_formulir": 60,
    "petugas": 100,
}
FIELD_LABEL = {
    "uraian": "Uraian",
    "nama": "Nama",
    "alamat": "Alamat",
    "email": "Email",
    "nomor_lapor": "Nomor SP4N-LAPOR!",
    "nomor_formulir": "Nomor formulir",
    "petugas": "Petugas",
    "alasan": "Alasan",
    "catatan": "Catatan",
    "hasil": "Hasil",
    "komentar": "Komentar",
    "keterangan": "Keterangan",
    "sk": "Nomor SK",
    "unit": "Unit",
    "tembusan": "Tembusan",
    "oleh": "Oleh",
    "tugaskan": "Ditugaskan",
    "dirujuk_ke": "Dirujuk ke",
    "nomor_surat": "Nomor surat",
    "jawaban_normatif": "Jawaban normatif",
    "kategori": "Kategori",
}

#: What no stored text may hold: controls (Cc; newline and tab only in long text), surrogates
#: (Cs), and the invisible format and separator characters (Cf: bidirectional overrides such
#: as U+202E, zero-width spaces, the BOM U+FEFF, soft hyphens; Zl U+2028, Zp U+2029), which
#: make a screen or a printed letter show something other than what is stored.
REFUSED_CATEGORIES = frozenset(("Cc", "Cs", "Cf", "Zl", "Zp"))

TRUE_WORDS = {"ya", "y", "1", "true", "benar"}
FALSE_WORDS = {"tidak", "t", "0", "false", "salah", "", "n", "no"}


def parse_bool(field: str, value: object) -> bool:
    """Yes/no as files and prompts give it: ya/tidak, y/t, 1/0, true/false; empty = no."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int | float):
        if value in (0, 1):
            return bool(value)
    else:
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValidationError(field, f"{field}: {value!r} bukan ya/tidak (pakai ya, tidak, 1 atau 0).")


def clean_text(
    field: str, value: object, multiline: bool = False, *, label: str | None = None
) -> str | None:
    """Trim; refuse control characters (newlines and tabs only in long text), invisible
    format and separator characters (``REFUSED_CATEGORIES``) and huge values, naming the
    field (``label``, else its ``FIELD_LABEL``)."""
    if value is None:
        return None
    text = str(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    if not text:
        return None
    plain = text.replace("\n", "").replace("\t", "") if multiline else text
    # printable text holds none of them: the loop runs only for the rare other text
    for index, ch in enumerate(() if plain.isprintable() else text):
        if not (multiline and ch in "\n\t") and unicodedata.category(ch) in REFUSED_CATEGORIES:
            raise ValidationError(field, _hidden_character(label or _label(field), text, index))
    limit = MAX_LEN.get(field)
    if limit and len(text) > limit:
        raise ValidationError(
            field,
            f"{label or _label(field)} terlalu panjang ({len(text)} karakter, "
            f"paling banyak {limit}).",
        )
    return text


def _label(field: str) -> str:
    return FIELD_LABEL.get(field, field)


def _hidden_character(label: str, text: str, index: int) -> str:
    """The refusal: ``Nama berisi karakter tak terlihat (U+202E) pada karakter ke-5, sesudah
    'Siti'; …``."""
    ch = text[index]
    kind = "kendali" if unicodedata.category(ch) in ("Cc", "Cs") else "tak terlihat"
    before = "".join(c for c in text[max(0, index - 12) : index] if c.isprintable()).strip()
    where = f"sesudah {before!r}" if before else "di awal"
    tail = (
        "hapus karakter itu."
        if kind == "kendali"
        else "hapus karakter itu (sering ikut tersalin dari WhatsApp, Word atau PDF): "
        "ketik ulang bagian itu."
    )
    return (
        f"{label} berisi karakter {kind} (U+{ord(ch):04X}) pada karakter ke-{index + 1}, "
        f"{where}; {tail}"
    )


def parse_email(value: str) -> str:
    text = clean_text("email", value) or ""
    local, at, domain = text.rpartition("@")
    if (
        not at
        or text.count("@") != 1
        or not local
        or "." not in domain.strip(".")
        or any(ch.isspace() for ch in text)
        or domain.startswith(".")
        or domain.endswith(".")
    ):
        raise ValidationError("email", f"Alamat email {value!r} tidak sah.")
    return text


@dataclass(frozen=True)
class CaseInput:
    """A new case, fully checked and normalised."""

    kanal: str
    jenis: str
    uraian: str
    diterima: datetime
    nama: str | None = None
    nik: str | None = None
    kk: str | None = None
    hp: str | None = None
    email: str | None = None
    alamat: str | None = None
    nomor_lapor: str | None = None
    nomor_formulir: str | None = None
    anonim: bool = False
    rahasia: bool = False
    segera: bool = False
    petugas: str = "petugas"

    def fingerprint(self) -> str:
        """A hash of the content a paper form carries: the import's key without a form number."""
        # "name=value" for each field of _FINGERPRINTED, joined by U+001F; the date in ISO form.
        values = list(_fingerprinted(self))
        values[_DATE_AT] = self.diterima.isoformat()
        text = _FINGERPRINT_TEXT % tuple(values)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: What a fingerprint covers, in name order: everything but who typed the form in and the
#: form's number.
_FINGERPRINTED = tuple(
    sorted(f.name for f in fields(CaseInput) if f.name not in ("petugas", "nomor_formulir"))
)
_FINGERPRINT_TEXT = "\x1f".join(f"{name}=%s" for name in _FINGERPRINTED)
_fingerprinted = operator.attrgetter(*_FINGERPRINTED)
_DATE_AT = _FINGERPRINTED.index("diterima")

IDENTITY_FIELDS = ("nama", "nik", "kk", "hp", "email", "alamat")


_IDENTITY_PARSERS = (
    ("nik", parse_nik),
    ("kk", parse_kk),
    ("hp", parse_phone),
    ("email", parse_email),
)
_TEXT_FIELDS = ("uraian", "nama", "alamat", "nomor_lapor", "nomor_formulir", "petugas")
_MULTILINE = frozenset(("uraian", "alamat"))


def _checker(errors: list[ValidationError]) -> Callable[..., object]:
    """``check(fn, *args)``: ``fn(*args)``, or None with its refusal added to ``errors``."""

    def check(fn: Callable[..., object], *args: object) -> object:
        try:
            return fn(*args)
        except ValidationError as exc:
            errors.append(exc)
            return None

    return check


def validate_case(
    raw: Mapping[str, object],
    *,
    now: datetime,
    lama: bool = False,
    confirm_old: str = CONFIRM_OLD,
) -> tuple[CaseInput | None, list[ValidationError]]:
    """Check every field of a new case; return the case or all the problems found.

    A receipt date in an earlier year than ``now``'s or more than ``OLD_AFTER_DAYS`` days
    before it is refused as a likely slip unless ``lama`` confirms it; the refusal ends with
    ``confirm_old``, how to confirm it. A NIK may be given as an int: a spreadsheet's number
    cell (see :func:`parse_nik`)."""
    case = _plain_case(raw, now, lama)
    if case is not None:
        return case, []
    return _every_problem(raw, now=now, lama=lama, confirm_old=confirm_old)


def _plain_case(raw: Mapping[str, object], now: datetime, lama: bool) -> CaseInput | None:
    """``validate_case``'s case for input without a problem, found quicker (the bulk import
    runs this for every row of a file): the same checks in the same way, without collecting
    problems. None at the first sign of one: :func:`_every_problem` then finds and names them
    all. (A property test holds the two equal on good input.)"""
    get = raw.get
    try:
        uraian = clean_text("uraian", get("uraian"), True)
        nama = clean_text("nama", get("nama"))
        alamat = clean_text("alamat", get("alamat"), True)
        nomor_lapor = clean_text("nomor_lapor", get("nomor_lapor"))
        nomor_formulir = clean_text("nomor_formulir", get("nomor_formulir"))
        petugas = clean_text("petugas", get("petugas"))
        kanal = clean_text("kanal", get("kanal"))
        jenis = clean_text("jenis", get("jenis"))
        if kanal is None or jenis is None or uraian is None:
            return None
        kanal = normalize_kanal(kanal)
        jenis = normalize_jenis(jenis)
        anonim = parse_bool("anonim", get("anonim"))
        rahasia = parse_bool("rahasia", get("rahasia"))
        segera = parse_bool("segera", get("segera"))
        raw_diterima = get("diterima")
        if raw_diterima is None or (isinstance(raw_diterima, str) and not raw_diterima.strip()):
            diterima = now.replace(microsecond=0)
        else:
            diterima = parse_datetime("diterima", raw_diterima, now)
            if diterima > now or diterima.year < EARLIEST_YEAR:
                return None
            if not lama and old_receipt(diterima, now):
                return None
        identity: dict[str, object] = {"nama": nama, "alamat": alamat}
        for field, parse in _IDENTITY_PARSERS:
            value = get(field)
            if type(value) is not int or field != "nik":  # a NIK's number cell stays one
                value = None if value is None else str(value).strip() or None
            identity[field] = None if value is None else parse(value)
    except ValidationError:
        return None
    if anonim:
        if any(get(f) not in (None, "") for f in IDENTITY_FIELDS):
            return None
    elif nama is None:
        return None
    return CaseInput(
        kanal=kanal,
        jenis=jenis,
        uraian=uraian,
        diterima=diterima,
        nomor_lapor=nomor_lapor,
        nomor_formulir=nomor_formulir,
        anonim=anonim,
        rahasia=rahasia,
        segera=segera,
        petugas=petugas or "petugas",
        **identity,
    )


def _every_problem(
    raw: Mapping[str, object],
    *,
    now: datetime,
    lama: bool,
    confirm_old: str,
) -> tuple[CaseInput | None, list[ValidationError]]:
    """``validate_case`` the long way: every field checked, every problem collected."""
    # No closure per field or per row: the bulk import runs this for every row of a file.
    errors: list[ValidationError] = []
    values: dict[str, object] = {}
    check = _checker(errors)
    get = raw.get
    text = {f: check(clean_text, f, get(f), f in _MULTILINE) for f in _TEXT_FIELDS}
    for field, normalize in (("kanal", normalize_kanal), ("jenis", normalize_jenis)):
        value = check(clean_text, field, get(field))
        if value is None and any(e.field == field for e in errors):
            continue
        if value is None:
            errors.append(ValidationError(field, f"{field.capitalize()} wajib diisi."))
        else:
            values[field] = check(normalize, value)
    if text["uraian"] is None and not any(e.field == "uraian" for e in errors):
        errors.append(ValidationError("uraian", "Uraian tidak boleh kosong."))
    for field in ("anonim", "rahasia", "segera"):
        values[field] = bool(check(parse_bool, field, get(field)))

    raw_diterima = raw.get("diterima")
    if raw_diterima is None or (isinstance(raw_diterima, str) and not raw_diterima.strip()):
        diterima = now.replace(microsecond=0)
    else:
        diterima = check(parse_datetime, "diterima", raw_diterima, now)
        if diterima is not None and diterima > now:
            errors.append(
                ValidationError(
                    "diterima",
                    f"Tanggal diterima {diterima:%Y-%m-%d %H:%M} ada di masa depan.",
                )
            )
        elif diterima is not None and diterima.year < EARLIEST_YEAR:
            errors.append(
                ValidationError(
                    "diterima",
                    f"Tanggal diterima {diterima.isoformat(' ', 'minutes')} sebelum tahun "
                    f"{EARLIEST_YEAR}: periksa tahunnya (salah ketik?).",
                )
            )
        elif diterima is not None and not lama and (why := old_receipt(diterima, now)):
            errors.append(
                ValidationError(
                    "diterima",
                    f"Tanggal diterima {_moment_words(diterima)} {why}: salah ketik? Bila "
                    f"tanggal itu memang benar, {confirm_old}.",
                )
            )

    identity: dict[str, object] = {"nama": text["nama"], "alamat": text["alamat"]}
    for field, parse in _IDENTITY_PARSERS:
        value = get(field)
        if type(value) is not int or field != "nik":  # a NIK's number cell stays one
            value = None if value is None else str(value).strip() or None
        identity[field] = None if value is None else check(parse, value)

    if values.get("anonim"):
        given = [f for f in IDENTITY_FIELDS if raw.get(f) not in (None, "")]
        if given:
            errors.append(
                ValidationError(
                    given[0],
                    "Kasus anonim tidak menyimpan identitas pelapor "
                    f"(diberikan: {', '.join(given)}). Hapus isian itu atau jangan pakai anonim.",
                )
            )
    elif identity["nama"] is None and not any(e.field == "nama" for e in errors):
        errors.append(ValidationError("nama", "Nama pelapor wajib diisi, kecuali kasus anonim."))

    if errors:
        return None, errors
    return (
        CaseInput(
            kanal=values["kanal"],
            jenis=values["jenis"],
            uraian=text["uraian"],
            diterima=diterima,
            nomor_lapor=text["nomor_lapor"],
            nomor_formulir=text["nomor_formulir"],
            anonim=values["anonim"],
            rahasia=values["rahasia"],
            segera=values["segera"],
            petugas=text["petugas"] or "petugas",
            **identity,
        ),
        [],
    )


def old_receipt(diterima: datetime, now: datetime) -> str | None:
    """Why a receipt date looks like a slip rather than a late entry (an earlier year than
    ``now``'s, or more than ``OLD_AFTER_DAYS`` days before it), or None when it does not."""
    if diterima.year < now.year:
        return f"jatuh di tahun {diterima.year}, bukan tahun ini ({now.year})"
    days = (now.date() - diterima.date()).days
    if days > OLD_AFTER_DAYS:
        return f"sudah {days} hari yang lalu (lebih dari {OLD_AFTER_DAYS} hari)"
    return None


def _moment_words(moment: datetime) -> str:
    """``Kamis, 27 November 2025`` (with `` 14:05`` when it has a time of day)."""
    return tanggal(moment, with_day=True, time=bool(moment.hour or moment.minute))
