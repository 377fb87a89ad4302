"""A reporter's identity numbers: NIK and KK (python-stdnum's ``stdnum.id.nik``: 16 digits,
a known registration region, a real encoded birth date with +40 for women; never compared
with a real birth date), phone numbers (phonenumbers, stored as E.164), and their masks on
screens, in JSON and in the workbook — also inside free text (:func:`scrub_text`)."""

from __future__ import annotations

import functools
import re
from datetime import date

from lapor_cli.errors import ValidationError


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
    """Whether python-stdnum reads a real birth date from a NIK's digits 7–12: its
    ``stdnum.id.nik.get_birth_date`` step by step (day mod 40, month, year 19xx else 20xx),
    without its per-character clean-up of a code that is digits already; a property test
    holds the two equal. Remembered: a file of 100,000 forms has fewer distinct birth dates
    than rows."""
    day, month, year = int(code[0:2]) % 40, int(code[2:4]), int(code[4:6])
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


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


def erase_from_text(text: str, values, replacement: str) -> str:
    """``text`` without the given identity values (a name, an address, an e-mail, a NIK or a
    phone number, compared without regard to case; a phone also as ``08…``) nor any NIK/KK
    or mobile number at all, each replaced by ``replacement`` (``anonimkan``)."""
    for value in values:
        if not value:
            continue
        forms = {str(value)}
        if str(value).startswith("+62"):
            forms.add("0" + str(value)[3:])
            forms.add("62" + str(value)[3:])
        for form in sorted(forms, key=len, reverse=True):
            if len(form) >= 3:
                text = re.sub(re.escape(form), replacement, text, flags=re.IGNORECASE)
    if _DIGIT.search(text) is None:
        return text
    text = _NIK_IN_TEXT.sub(replacement, text)
    return _PHONE_IN_TEXT.sub(replacement, text)
