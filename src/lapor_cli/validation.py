"""Checking what a desk officer or a paper form gives us: one code path for `catat` and `impor`.

NIKs are checked by python-stdnum (16 digits, a known registration region, a real encoded
birth date with +40 for women; never compared with a real birth date), phone numbers are
parsed as Indonesian by phonenumbers and stored as E.164. Every problem names its field.
"""

from __future__ import annotations

import functools
import hashlib
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime

from lapor_cli.errors import ValidationError
from lapor_cli.references import normalize_jenis, normalize_kanal

DATE_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
)
DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
#: The same forms as DATE_FORMATS + DAY_FORMATS, read without strptime (a bulk import reads
#: one date per row), also with the Indonesian time separator (``09.15``, as Excel in an
#: Indonesian locale writes it); anything else still goes through strptime.
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2})[:.](\d{2})(?::(\d{2}))?)?")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2})[:.](\d{2}))?")

#: A case received before this year is a typo (``0999``, ``1926`` for ``2026``): its deadline
#: would be centuries overdue.
EARLIEST_YEAR = 2000

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


def parse_datetime(field: str, value: str | datetime | date) -> datetime:
    """``2026-11-23``, ``2026-11-23 14:05`` or ``23/11/2026`` (day first); a bare date = 00:00."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = " ".join(str(value).split())
    if (match := _ISO.fullmatch(text)) is not None:
        y, m, d, hh, mm, ss = match.groups()
    elif (match := _DMY.fullmatch(text)) is not None:
        d, m, y, hh, mm = match.groups()
        ss = None
    if match is not None:
        try:
            return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            pass  # 2026-02-30: strptime below refuses it too
    for fmt in DATE_FORMATS + DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValidationError(
        field,
        f"Tanggal {value!r} tidak dikenali. Tulis 2026-11-23, 2026-11-23 14:05 atau 23/11/2026.",
    )


def parse_date(field: str, value: str | date) -> date:
    """A calendar date in one of the accepted forms (a time part is refused)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = " ".join(str(value).split())
    for fmt in DAY_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        field, f"Tanggal {value!r} tidak dikenali. Tulis 2026-11-23 atau 23/11/2026."
    )


def parse_month(value: str) -> tuple[int, int]:
    """``YYYY-MM`` → (year, month)."""
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m")
    except ValueError:
        raise ValidationError("bulan", f"Bulan {value!r} tidak dikenali. Tulis 2026-11.") from None
    return parsed.year, parsed.month


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


def _digits_only(value: str) -> str:
    return "".join(value.split()).replace("-", "").replace(".", "")


def parse_nik(value: str, field: str = "nik") -> str:
    """A valid NIK, compacted, or a refusal that says which part is wrong."""
    label = "NIK" if field == "nik" else field.upper()
    number = _digits_only(value)
    if not number.isdigit():
        raise ValidationError(field, f"{label} hanya boleh berisi angka (diberikan {value!r}).")
    if len(number) != 16:
        raise ValidationError(
            field, f"{label} harus 16 digit (diberikan {len(number)}). Periksa KTP pelapor."
        )
    if not _real_birth_date(number[6:12]):
        raise ValidationError(
            field,
            f"{label} {number}: tanggal lahir tersandi (digit 7–12) tidak ada. "
            "Periksa KTP pelapor.",
        )
    if not _known_region(number):
        raise ValidationError(
            field,
            f"{label} {number}: kode wilayah {number[:4]} tidak dikenal. Periksa KTP pelapor.",
        )
    return number


@functools.lru_cache(maxsize=100_000)
def _real_birth_date(code: str) -> bool:
    """Whether python-stdnum reads a real birth date from a NIK's digits 7–12, all that its
    ``get_birth_date`` reads (remembered: a file of 100,000 forms has far fewer distinct
    birth dates than rows)."""
    from stdnum.exceptions import InvalidComponent
    from stdnum.id import nik as stdnum_nik

    try:
        stdnum_nik.get_birth_date(f"000000{code}0000")
    except InvalidComponent:
        return False
    return True


def _known_region(number: str) -> bool:
    return _known_region_code(number[:4])


@functools.lru_cache(maxsize=1024)
def _known_region_code(code: str) -> bool:
    from stdnum import numdb

    return bool(numdb.get("id/loc").info(code)[0][1])


def parse_kk(value: str) -> str:
    """A Kartu Keluarga number: 16 digits with a known registration region."""
    number = _digits_only(value)
    if not number.isdigit() or len(number) != 16:
        raise ValidationError(
            "kk", f"Nomor KK harus 16 digit angka (diberikan {value!r}). Periksa Kartu Keluarga."
        )
    if not _known_region(number):
        raise ValidationError("kk", f"Nomor KK {number}: kode wilayah {number[:4]} tidak dikenal.")
    return number


#: The shape nearly every form has: an Indonesian mobile number, ``08…`` or ``+628…``, digits
#: grouped by spaces, dashes or dots. Read directly, it skips phonenumbers' general parser
#: (~50 µs a number, a third of checking an imported row); whether the number is valid and
#: how it is written stay phonenumbers' own (a property test holds the two paths equal).
_PLAIN_MOBILE = re.compile(r"(?:\+62|0)(8[0-9]{6,12})")
_GROUPING = str.maketrans("", "", " -.")


def parse_phone(value: str) -> str:
    """An Indonesian mobile or landline number in E.164 (``+62…``); a number with its own
    country code (a migrant worker's ``+60…``) stays in that country."""
    import phonenumbers

    plain = _PLAIN_MOBILE.fullmatch(value.translate(_GROUPING))
    if plain is not None:
        if _indonesian_mobile(plain[1]):
            return "+62" + plain[1]
        parsed = phonenumbers.PhoneNumber(country_code=62, national_number=int(plain[1]))
    else:
        try:
            parsed = phonenumbers.parse(value, "ID")
        except phonenumbers.NumberParseException:
            parsed = None
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        raise ValidationError(
            "hp", f"Nomor telepon {value!r} tidak sah. Tulis misalnya 0812-3456-7890 atau +62…"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _indonesian_mobile(national: str) -> bool:
    """True when phonenumbers' own metadata for Indonesia says ``national`` (digits after
    +62, no leading 0) is a mobile number, and so valid (``is_valid_number`` tries ten number
    types in turn; a number that fits the mobile one is valid whatever else it fits). False
    means only "not that": the caller asks ``is_valid_number``."""
    general, mobile = _indonesian_number_descs()
    return all(
        len(national) in lengths and pattern.fullmatch(national) is not None
        for pattern, lengths in (general, mobile)
    )


@functools.cache
def _indonesian_number_descs() -> tuple[tuple[re.Pattern[str], frozenset[int]], ...]:
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region("ID")
    return tuple(
        (re.compile(desc.national_number_pattern), frozenset(desc.possible_length))
        for desc in (metadata.general_desc, metadata.mobile)
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
    raw: Mapping[str, object], *, now: datetime
) -> tuple[CaseInput | None, list[ValidationError]]:
    """Check every field of a new case; return the case or all the problems found."""
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
        diterima = check(parse_datetime, "diterima", raw_diterima)
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

    identity: dict[str, object] = {"nama": text["nama"], "alamat": text["alamat"]}
    for field, parse in _IDENTITY_PARSERS:
        value = get(field)
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


#: A NIK or KK (16 digits, perhaps grouped by spaces, dots or dashes) or an Indonesian mobile
#: number typed into free text (an uraian, a note).
_DIGIT = re.compile(r"\d")
_NIK_IN_TEXT = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?!\d)")
_NOT_DIGIT = re.compile(r"\D")
_NOT_PHONE = re.compile(r"[^\d+]")


def scrub_text(text: str) -> str:
    """``text`` with every NIK/KK (16 digits) and mobile number in it masked as
    ``mask_nik`` and ``mask_phone`` mask them: ``NIK 3171********0001``."""
    if _DIGIT.search(text) is None:  # most text has no digit at all
        return text
    text = _NIK_IN_TEXT.sub(lambda m: mask_nik(_NOT_DIGIT.sub("", m[0])) or "", text)
    return _PHONE_IN_TEXT.sub(lambda m: mask_phone(_NOT_PHONE.sub("", m[0])) or "", text)


def mask_nik(value: str | None) -> str | None:
    """``3171********0001``."""
    if not value:
        return value
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    """``+62812*****7890``: country code and operator prefix, then the last four digits."""
    if not value:
        return value
    keep_head = 6 if value.startswith("+") else 4
    if len(value) <= keep_head + 4:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - 4) + value[-4:]
