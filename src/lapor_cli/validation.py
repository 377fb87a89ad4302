"""Checking what a desk officer or a paper form gives us: one code path for `catat` and `impor`.

NIKs are checked by python-stdnum (16 digits, a known registration region, a real encoded
birth date with +40 for women; never compared with a real birth date), phone numbers are
parsed as Indonesian by phonenumbers and stored as E.164. Every problem names its field.
"""

from __future__ import annotations

import calendar
import difflib
import functools
import hashlib
import operator
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from lapor_cli.errors import ValidationError
from lapor_cli.indonesian import BULAN, HARI, tanggal
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


# ---------------------------------------------------------------------------- dates
#
# Dates as desks write them, all read by one parser (:func:`read_datetime`): ISO
# ``2026-11-23``; day first with ``/``, ``-`` or ``.`` (``23/11/2026``, ``23-11-2026``,
# ``23.11.2026``); the month as a word, Indonesian or English, whole or short
# (``23 November 2026``, ``23 Nov 2026``, ``23-Nov-2026``), perhaps after the day's name as this
# tool prints it (``Senin, 23 November 2026``); ``hari ini`` and ``kemarin`` (relative to the
# office clock's "now"); and an Excel date serial (``46349``), as a CSV column of dates
# formatted as numbers holds them. A time may follow: ``14:05`` or ``14.05`` (Excel in an
# Indonesian locale), also after ``pukul``/``jam``. A date that does not exist (``31/11/2026``)
# is refused as such, not as unrecognised.

#: Month words (lower case) → month: Indonesian and English names and their usual short forms.
MONTH_WORDS: dict[str, int] = {
    word: number
    for number, words in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "pebruari", "february", "feb", "peb"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "ags", "agst", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nopember", "nov", "nop"),
            ("desember", "december", "des", "dec"),
        ),
        start=1,
    )
    for word in words
}
#: Day names (lower case) → ``date.weekday()``, Indonesian and English.
WEEKDAY_WORDS: dict[str, int] = {
    word: number
    for number, words in enumerate(
        (
            ("senin", "monday"),
            ("selasa", "tuesday"),
            ("rabu", "wednesday"),
            ("kamis", "thursday"),
            ("jumat", "jum'at", "friday"),
            ("sabtu", "saturday"),
            ("minggu", "ahad", "sunday"),
        )
    )
    for word in words
}
#: Days back from today that each relative word means.
RELATIVE_DAYS = {"hari ini": 0, "kemarin": 1}
#: An Excel date serial counts days from this day (the 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
#: Serials read as dates: 2000-01-01 (36526) to 2099-12-31 (73050); other numbers are not.
EXCEL_SERIALS = range((date(2000, 1, 1) - EXCEL_EPOCH).days, (date(2100, 1, 1) - EXCEL_EPOCH).days)

_DAY_NAME = r"(?:([a-z']+),? )?"
_CLOCK = r"(?:(?:[ t]|, |,? (?:pukul|pkl\.?|jam) )(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?"
#: The shapes of a date (read on the text in lower case, spaces collapsed), in the order tried.
_YMD = re.compile(_DAY_NAME + r"(\d{4})-(\d{1,2})-(\d{1,2})" + _CLOCK)
_DMY = re.compile(_DAY_NAME + r"(\d{1,2})([/.-])(\d{1,2})\3(\d{4})" + _CLOCK)
_WORDS = re.compile(_DAY_NAME + r"(\d{1,2})[ -]?([a-z]+)\.?[ -]?(\d{4})" + _CLOCK)
_RELATIVE = re.compile(r"(hari ini|kemarin)" + _CLOCK)
_SERIAL = re.compile(r"(\d{5})(?:[.,](\d+))?")

_DATE_EXAMPLES = (
    "2026-11-23, 23/11/2026, 23-11-2026, 23.11.2026, 23 November 2026, 23 Nov 2026, "
    "'hari ini' atau 'kemarin'"
)


def _unrecognised(field: str, value: object, why: str = "") -> ValidationError:
    return ValidationError(
        field,
        f"Tanggal {value!r} tidak dikenali{why}. Tulis mis. {_DATE_EXAMPLES}; jam boleh "
        "menyusul: 2026-11-23 14:05 atau 23/11/2026 14.05.",
    )


def read_datetime(
    field: str, value: str | datetime | date, now: datetime | None = None
) -> tuple[datetime, bool]:
    """A moment as a desk writes it (see above), and whether it carried a time of day (a bare
    date is 00:00). ``now`` is the office clock's, for ``hari ini`` and ``kemarin``; without it
    those words are refused. Every refusal names ``field`` and says what to write."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0), True
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), False
    text = " ".join(str(value).split())
    lowered = text.lower()
    if (match := _YMD.fullmatch(lowered)) is not None:
        day_name, y, m, d, *clock = match.groups()
    elif (match := _DMY.fullmatch(lowered)) is not None:
        day_name, d, _sep, m, y, *clock = match.groups()
    elif (match := _WORDS.fullmatch(lowered)) is not None:
        day_name, d, word, y, *clock = match.groups()
        m = MONTH_WORDS.get(word)
        if m is None:
            close = difflib.get_close_matches(word, MONTH_WORDS, n=1, cutoff=0.6)
            hint = f" (maksudnya {BULAN[MONTH_WORDS[close[0]] - 1]}?)" if close else ""
            raise _unrecognised(field, value, f": bulan {word!r} tidak dikenal{hint}")
    elif (match := _RELATIVE.fullmatch(lowered)) is not None:
        word, *clock = match.groups()
        if now is None:
            raise ValidationError(
                field, f"{text!r} tidak dapat dipakai di sini: tulis tanggalnya, mis. 2026-11-23."
            )
        day = now.date() - timedelta(days=RELATIVE_DAYS[word])
        day_name, y, m, d = None, day.year, day.month, day.day
    elif (match := _SERIAL.fullmatch(lowered)) is not None:
        return _excel_serial(field, value, match[1], match[2])
    else:
        raise _unrecognised(field, value)
    hh, mm, ss = clock
    moment = _real_moment(field, text, int(y), int(m), int(d), hh, mm, ss)
    if day_name is not None:
        _check_day_name(field, value, day_name, moment)
    return moment, hh is not None


def _real_moment(
    field: str,
    text: str,
    y: int,
    m: int,
    d: int,
    hh: str | None,
    mm: str | None,
    ss: str | None,
) -> datetime:
    """The moment, or a refusal that says which part does not exist (``31/11/2026``:
    November has 30 days)."""
    if not 1 <= m <= 12:
        raise ValidationError(
            field,
            f"Tanggal {text} tidak ada: tidak ada bulan ke-{m}. Tulis hari dulu, lalu bulan: "
            "23/11/2026 (atau 2026-11-23).",
        )
    if y < 1:
        raise ValidationError(field, f"Tanggal {text} tidak ada: tidak ada tahun 0.")
    last = calendar.monthrange(y, m)[1]
    if not 1 <= d <= last:
        month = BULAN[m - 1] + (f" {y}" if m == 2 else "")
        why = f"{month} hanya {last} hari" if d else "tidak ada tanggal 0"
        raise ValidationError(field, f"Tanggal {text} tidak ada: {why}.")
    hour, minute, second = int(hh or 0), int(mm or 0), int(ss or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValidationError(
            field, f"Waktu {text} tidak ada: jam ditulis 00.00 sampai 23.59 (mis. 14.05)."
        )
    return datetime(y, m, d, hour, minute, second)


def _check_day_name(field: str, value: object, day_name: str, moment: datetime) -> None:
    weekday = WEEKDAY_WORDS.get(day_name)
    if weekday is None:
        raise _unrecognised(field, value, f": {day_name!r} bukan nama hari")
    if weekday != moment.weekday():
        raise ValidationError(
            field,
            f"Tanggal {value!r}: {tanggal(moment)} adalah hari {HARI[moment.weekday()]}, "
            f"bukan {HARI[weekday]}. Periksa tanggalnya.",
        )


def _excel_serial(
    field: str, value: object, whole: str, fraction: str | None
) -> tuple[datetime, bool]:
    """An Excel date serial (``46349`` = 2026-11-23; ``46349.5`` = its noon)."""
    days = int(whole)
    if days not in EXCEL_SERIALS:
        raise _unrecognised(
            field, value, ": sebagai nomor tanggal Excel angka itu jatuh di luar tahun 2000–2099"
        )
    moment = datetime.combine(EXCEL_EPOCH + timedelta(days=days), datetime.min.time())
    if fraction is None:
        return moment, False
    seconds = min(round(float(f"0.{fraction}") * 86_400), 86_399)
    return moment + timedelta(seconds=seconds), True


def parse_datetime(
    field: str, value: str | datetime | date, now: datetime | None = None
) -> datetime:
    """A moment as a desk writes it (:func:`read_datetime`); a bare date is 00:00."""
    return read_datetime(field, value, now)[0]


def parse_date(field: str, value: str | date, now: datetime | None = None) -> date:
    """A calendar date as a desk writes it (:func:`read_datetime`); a time part is refused."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    moment, has_time = read_datetime(field, value, now)
    if has_time:
        raise ValidationError(
            field, f"Tanggal {value!r}: tulis tanggalnya saja, tanpa jam (mis. 2026-11-23)."
        )
    return moment.date()


_MONTH_NUMBERS = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})[/.-](\d{4})")
_MONTH_WORD = re.compile(r"([a-z]+)\.?[ -]?(\d{4})")


def parse_month(value: str) -> tuple[int, int]:
    """A month: ``2026-11``, also ``11/2026``, ``November 2026`` or ``Nov 2026`` (the month
    words of :data:`MONTH_WORDS`) → (year, month)."""
    text = " ".join(value.split()).lower()
    month = None
    if (match := _MONTH_NUMBERS.fullmatch(text)) is not None:
        year, month = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
    elif (match := _MONTH_WORD.fullmatch(text)) is not None:
        year, month = int(match[2]), MONTH_WORDS.get(match[1])
    if month is None or not 1 <= month <= 12 or year < 1:
        raise ValidationError(
            "bulan", f"Bulan {value!r} tidak dikenali. Tulis 2026-11 atau November 2026."
        )
    return year, month


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


#: What Excel shows of a long number in a General cell, and writes so into a CSV file:
#: ``5,37101E+15`` or ``5.37101E+15`` (the digits past the sixth are gone).
_EXCEL_SCIENTIFIC = re.compile(r"\d[.,]\d*e\+?\d{1,2}", re.IGNORECASE)
#: The serial of a NIK (its last four digits) is never 0000.
_NO_SERIAL = "0000"


def parse_nik(value: str | int, field: str = "nik") -> str:
    """A valid NIK, compacted, or a refusal that says which part is wrong.

    An int is a spreadsheet's number cell: Excel keeps 15 digits of a number, so a 16-digit
    NIK typed into one lost its last digit (3171014101900001 became 3171014101900000); a
    serial ``0000`` there, or Excel's scientific display as text (``5,37101E+15``), is refused
    with how to fix the cell."""
    label = "NIK" if field == "nik" else field.upper()
    if isinstance(value, int):
        number = str(value)
        if len(number) == 16 and number.endswith(_NO_SERIAL):
            raise ValidationError(field, _excel_number_damage(label, field, number))
    else:
        if _EXCEL_SCIENTIFIC.fullmatch(value.strip()):
            raise ValidationError(field, _excel_scientific(label, field, value.strip()))
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
    if number.endswith(_NO_SERIAL):
        raise ValidationError(
            field,
            f"{label} {number}: nomor urut (4 digit terakhir) 0000 tidak pernah diberikan. "
            "Periksa KTP pelapor; bila NIK disalin dari Excel, digit terakhirnya mungkin "
            "hilang: ketik ulang dari KTP atau formulirnya.",
        )
    return number


def _excel_number_damage(label: str, field: str, number: str) -> str:
    return (
        f"{label} {number} berakhir 0000: Excel menyimpannya sebagai angka, dan angka hanya "
        f"disimpan 15 digit, jadi digit terakhirnya hilang. Format kolom {field} sebagai Teks, "
        f"lalu ketik ulang {label} dari formulirnya."
    )


def _excel_scientific(label: str, field: str, text: str) -> str:
    return (
        f"{label} {text!r} adalah tampilan Excel untuk angka panjang (notasi ilmiah): "
        f"digit-digitnya sudah hilang. Format kolom {field} sebagai Teks, lalu ketik ulang "
        f"{label} dari formulirnya."
    )


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
    if _EXCEL_SCIENTIFIC.fullmatch(value.strip()):
        raise ValidationError("kk", _excel_scientific("Nomor KK", "kk", value.strip()))
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
