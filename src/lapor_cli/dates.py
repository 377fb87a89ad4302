"""Dates and times as desks write them, read by one parser (``catat --diterima``, ``--per``,
``impor`` rows, ``libur tambah``): a date that does not exist is named as such."""

from __future__ import annotations

import calendar
import difflib
import re
from datetime import date, datetime, timedelta

from lapor_cli.errors import ValidationError
from lapor_cli.indonesian import BULAN, HARI, tanggal

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
