"""validation: NIK, KK, phone, email, dates, yes/no words, free text, a whole new case, masks."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lapor_cli.dates import parse_date, parse_datetime, parse_month
from lapor_cli.errors import ValidationError
from lapor_cli.identity import mask_nik, mask_phone, parse_kk, parse_nik, parse_phone
from lapor_cli.validation import CaseInput, clean_text, parse_bool, parse_email, validate_case

NOW = datetime(2026, 11, 23, 10, 0)


def refusal(fn, *args, field: str) -> str:
    """Call ``fn`` expecting a ValidationError for ``field``; its message."""
    with pytest.raises(ValidationError) as info:
        fn(*args)
    assert info.value.field == field
    return info.value.message


# ---------------------------------------------------------------------------------- NIK


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3171014101900001", "3171014101900001"),  # woman (day 01 + 40), 1 Jan 1990
        ("5371010101850002", "5371010101850002"),  # Kota Kupang, man, 1 Jan 1985
        ("3171010101900001", "3171010101900001"),  # the same date for a man
        ("3171017101900001", "3171017101900001"),  # woman born 31 Jan (31 + 40 = 71)
        ("3171012902000001", "3171012902000001"),  # 29 Feb 2000 (a leap year)
        (" 3171 0141 0190 0001 ", "3171014101900001"),  # spaces as copied from a form
        ("3171-0141-0190-0001", "3171014101900001"),
        ("3171.0141.0190.0001", "3171014101900001"),
    ],
)
def test_nik_accepted_and_compacted(raw: str, expected: str) -> None:
    assert parse_nik(raw) == expected


def test_nik_fifteen_digits_says_how_many() -> None:
    message = refusal(parse_nik, "317101410190001", field="nik")
    assert "16 digit" in message
    assert "15" in message


@pytest.mark.parametrize("raw", ["31710141019000a1", "NIK3171014101900", "3171O14101900001"])
def test_nik_with_letters_refused(raw: str) -> None:
    assert "angka" in refusal(parse_nik, raw, field="nik")


def test_nik_unknown_region_refused() -> None:
    message = refusal(parse_nik, "9999014101900001", field="nik")
    assert "wilayah" in message
    assert "9999" in message


@pytest.mark.parametrize(
    "raw",
    [
        "3171013201900001",  # 32 January
        "3171010113900001",  # month 13
        "3171010100900001",  # month 00
        "3171013002900001",  # 30 February
        "3171012902010001",  # 29 February 2001 (not a leap year)
        "3171014001900001",  # woman, day 40 - 40 = 0
        "3171017201900001",  # woman, day 72 - 40 = 32
        "3171010001900001",  # day 00
    ],
)
def test_nik_impossible_encoded_birth_date_refused(raw: str) -> None:
    assert "tanggal lahir" in refusal(parse_nik, raw, field="nik")


@settings(max_examples=400, deadline=None)
@given(
    code=st.tuples(st.integers(0, 79), st.integers(0, 13), st.integers(0, 99)).map(
        lambda t: f"{t[0]:02d}{t[1]:02d}{t[2]:02d}"
    ),
    region=st.sampled_from(["3171", "5301", "9999"]),
    serial=st.integers(0, 9999),
)
def test_nik_birth_date_answer_is_python_stdnums(code: str, region: str, serial: int) -> None:
    # parse_nik remembers python-stdnum's answer per encoded birth date (digits 7-12): the
    # answer must be stdnum's own for every NIK, seen before or not.
    from stdnum.exceptions import InvalidComponent
    from stdnum.id import nik as stdnum_nik

    number = f"{region}01{code}{serial:04d}"
    try:
        stdnum_nik.get_birth_date(number)
        real = True
    except InvalidComponent:
        real = False
    for _twice in range(2):
        if not real:
            assert "tanggal lahir" in refusal(parse_nik, number, field="nik")
        elif region == "9999":
            assert "kode wilayah" in refusal(parse_nik, number, field="nik")
        elif serial == 0:
            assert "nomor urut" in refusal(parse_nik, number, field="nik")
        else:
            assert parse_nik(number) == number


def test_nik_women_date_is_day_plus_forty() -> None:
    # 41 = the 1st for a woman; 01 = the 1st for a man: both real dates, both accepted.
    assert parse_nik("3171014101900001") != parse_nik("3171010101900001")
    # 71 (31 + 40) is fine, 31 + 40 + 1 is not.
    parse_nik("3171017101900001")
    refusal(parse_nik, "3171017201900001", field="nik")


# ----------------------------------------------------------------------------------- KK


def test_kk_accepted_and_compacted() -> None:
    assert parse_kk("3171 0101 0100 0001") == "3171010101000001"


@pytest.mark.parametrize("raw", ["317101010100000", "31710101010000011", "3171o10101000001"])
def test_kk_wrong_length_or_letters_refused(raw: str) -> None:
    message = refusal(parse_kk, raw, field="kk")
    assert "KK" in message
    assert "16 digit" in message


def test_kk_unknown_region_refused() -> None:
    assert "9999" in refusal(parse_kk, "9999010101000001", field="kk")


# -------------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("0812 3456 7890", "+6281234567890"),
        ("+6281234567890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("0380-821234", "+62380821234"),  # landline, Kupang
        ("(0380) 821234", "+62380821234"),
        ("021-5551234", "+62215551234"),  # landline, Jakarta
    ],
)
def test_phone_normalised_to_e164(raw: str, expected: str) -> None:
    assert parse_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "0812", "abc", "0812-3456-7890-1234-5", "+62"])
def test_phone_invalid_refused(raw: str) -> None:
    message = refusal(parse_phone, raw, field="hp")
    assert "telepon" in message
    assert repr(raw) in message


def _phonenumbers_own(raw: str) -> str | None:
    """What phonenumbers' general parser makes of ``raw``: E.164, or None when not valid."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


_GROUPS = st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=5)


@settings(max_examples=600, deadline=None)
@given(
    prefix=st.sampled_from(
        ["08", "+628", "+62 8", "0 8", "08-", "+62-8", "08.", "628", "+6208", "008"]
    ),
    groups=_GROUPS,
    separator=st.sampled_from(["", " ", "-", ".", " - "]),
)
def test_phone_fast_path_agrees_with_phonenumbers(prefix: str, groups, separator: str) -> None:
    # The plain-mobile shortcut must give exactly what phonenumbers' own parser gives: the same
    # number, or the same refusal.
    raw = prefix + separator.join(groups)
    expected = _phonenumbers_own(raw)
    if expected is None:
        refusal(parse_phone, raw, field="hp")
    else:
        assert parse_phone(raw) == expected


# -------------------------------------------------------------------------------- email


@pytest.mark.parametrize("raw", ["siti@contoh.id", "  siti.aminah+pkh@dinsos.kupangkota.go.id "])
def test_email_accepted(raw: str) -> None:
    assert parse_email(raw) == raw.strip()


@pytest.mark.parametrize(
    "raw",
    ["siti", "siti@", "@contoh.id", "siti@contoh", "siti aminah@contoh.id", "siti@.id"],
)
def test_email_invalid_refused(raw: str) -> None:
    assert "email" in refusal(parse_email, raw, field="email").lower()


@pytest.mark.parametrize("raw", ["siti@@contoh.id", "si@ti@contoh.id"])
def test_email_with_two_at_signs_refused(raw: str) -> None:
    refusal(parse_email, raw, field="email")


# -------------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-23", datetime(2026, 11, 23, 0, 0)),
        ("2026-11-23 14:05", datetime(2026, 11, 23, 14, 5)),
        ("23/11/2026", datetime(2026, 11, 23, 0, 0)),  # day first
        ("01/02/2026", datetime(2026, 2, 1, 0, 0)),  # 1 February, not 2 January
        ("  2026-11-23   14:05 ", datetime(2026, 11, 23, 14, 5)),
        (date(2026, 11, 23), datetime(2026, 11, 23)),
        (datetime(2026, 11, 23, 14, 5, 7, 123), datetime(2026, 11, 23, 14, 5, 7)),
    ],
)
def test_datetime_accepted_forms(raw: object, expected: datetime) -> None:
    assert parse_datetime("diterima", raw) == expected


@pytest.mark.parametrize(
    "raw", ["11/23/2026", "lusa", "", "23 11 2026", "2026/11/23", "23-11-26", "12345", "x 2026"]
)
def test_datetime_unrecognised_refused_with_the_accepted_forms(raw: str) -> None:
    message = refusal(parse_datetime, "diterima", raw, field="diterima")
    assert "2026-11-23" in message
    assert "23/11/2026" in message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("30-11-2026", datetime(2026, 11, 30)),
        ("30.11.2026", datetime(2026, 11, 30)),
        ("30 November 2026", datetime(2026, 11, 30)),
        ("30 Nov 2026", datetime(2026, 11, 30)),
        ("30 nov. 2026", datetime(2026, 11, 30)),
        ("30-Nov-2026", datetime(2026, 11, 30)),  # Excel's d-mmm-yyyy
        ("17 Agustus 2026", datetime(2026, 8, 17)),
        ("17 Agu 2026", datetime(2026, 8, 17)),
        ("17 Agt 2026", datetime(2026, 8, 17)),
        ("17 Ags 2026", datetime(2026, 8, 17)),
        ("17 August 2026", datetime(2026, 8, 17)),
        ("17 Aug 2026", datetime(2026, 8, 17)),
        ("1 Mei 2026", datetime(2026, 5, 1)),
        ("1 May 2026", datetime(2026, 5, 1)),
        ("1 Okt 2026", datetime(2026, 10, 1)),
        ("1 Oct 2026", datetime(2026, 10, 1)),
        ("25 Des 2026", datetime(2026, 12, 25)),
        ("25 Dec 2026", datetime(2026, 12, 25)),
        ("10 Nopember 2026", datetime(2026, 11, 10)),
        ("2 JANUARI 2026", datetime(2026, 1, 2)),
        ("30-11-2026 14.05", datetime(2026, 11, 30, 14, 5)),
        ("30.11.2026 14:05", datetime(2026, 11, 30, 14, 5)),
        ("30 November 2026 14.05", datetime(2026, 11, 30, 14, 5)),
        ("30 Nov 2026, 14.05", datetime(2026, 11, 30, 14, 5)),
        ("30 Nov 2026 pukul 14.05", datetime(2026, 11, 30, 14, 5)),
        ("Senin, 30 November 2026 14:05", datetime(2026, 11, 30, 14, 5)),  # as lapor prints
        ("hari ini", datetime(2026, 11, 23)),
        ("Hari Ini 08.30", datetime(2026, 11, 23, 8, 30)),
        ("kemarin", datetime(2026, 11, 22)),
        ("kemarin 16:45", datetime(2026, 11, 22, 16, 45)),
        ("46349", datetime(2026, 11, 23)),  # an Excel serial
        ("46349.5", datetime(2026, 11, 23, 12, 0)),
        ("46349,75", datetime(2026, 11, 23, 18, 0)),
        ("36526", datetime(2000, 1, 1)),
        ("73050", datetime(2099, 12, 31)),
        # unchanged
        ("2026-11-23", datetime(2026, 11, 23)),
        ("2026-11-23 14:05", datetime(2026, 11, 23, 14, 5)),
        ("23/11/2026", datetime(2026, 11, 23)),
        ("2026-11-23T14:05:07", datetime(2026, 11, 23, 14, 5, 7)),
    ],
)
def test_datetime_as_desks_write_it(raw: str, expected: datetime) -> None:
    assert parse_datetime("diterima", raw, NOW) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31/11/2026", "Tanggal 31/11/2026 tidak ada: November hanya 30 hari."),
        ("31-11-2026", "Tanggal 31-11-2026 tidak ada: November hanya 30 hari."),
        ("31 November 2026", "Tanggal 31 November 2026 tidak ada: November hanya 30 hari."),
        ("2026-02-30", "Tanggal 2026-02-30 tidak ada: Februari 2026 hanya 28 hari."),
        ("29/02/2027", "Tanggal 29/02/2027 tidak ada: Februari 2027 hanya 28 hari."),
        ("00/11/2026", "Tanggal 00/11/2026 tidak ada: tidak ada tanggal 0."),
    ],
)
def test_a_date_that_does_not_exist_is_named_as_such(raw: str, expected: str) -> None:
    assert refusal(parse_datetime, "diterima", raw, field="diterima") == expected


def test_a_leap_day_exists_in_a_leap_year() -> None:
    assert parse_datetime("diterima", "29/02/2028") == datetime(2028, 2, 29)


def test_month_and_time_that_do_not_exist_say_what_to_write() -> None:
    month = refusal(parse_datetime, "diterima", "11/23/2026", field="diterima")
    assert month.startswith("Tanggal 11/23/2026 tidak ada: tidak ada bulan ke-23.")
    assert "23/11/2026" in month  # day first
    time = refusal(parse_datetime, "diterima", "2026-11-23 25:00", field="diterima")
    assert time.startswith("Waktu 2026-11-23 25:00 tidak ada")


def test_a_misspelt_month_is_named_with_the_closest() -> None:
    message = refusal(parse_datetime, "diterima", "30 Novmber 2026", field="diterima")
    assert "bulan 'novmber' tidak dikenal (maksudnya November?)" in message


def test_a_day_name_must_fit_the_date() -> None:
    message = refusal(parse_datetime, "diterima", "Selasa, 23 November 2026", field="diterima")
    assert "23 November 2026 adalah hari Senin, bukan Selasa" in message
    pagi = refusal(parse_datetime, "diterima", "Pagi, 23 Nov 2026", field="diterima")
    assert "bukan nama hari" in pagi


def test_relative_words_need_the_office_clock() -> None:
    # without "now" (LAPOR_WAKTU itself, say) they are refused, naming the field
    assert "tidak dapat dipakai" in refusal(
        parse_datetime, "LAPOR_WAKTU", "kemarin", field="LAPOR_WAKTU"
    )


def test_an_excel_serial_out_of_range_is_not_a_date() -> None:
    message = refusal(parse_datetime, "diterima", "12345", field="diterima")
    assert "nomor tanggal Excel" in message and "2000–2099" in message
    refusal(parse_datetime, "diterima", "73051", field="diterima")


def test_date_accepts_every_day_form_and_refuses_a_time() -> None:
    assert parse_date("per", "2026-11-23") == date(2026, 11, 23)
    assert parse_date("per", "23/11/2026") == date(2026, 11, 23)
    assert parse_date("per", "23 November 2026") == date(2026, 11, 23)
    assert parse_date("per", "24 Des 2026") == date(2026, 12, 24)
    assert parse_date("per", "kemarin", NOW) == date(2026, 11, 22)
    assert "tanpa jam" in refusal(parse_date, "per", "23/11/2026 14.05", field="per")
    refusal(parse_date, "per", "31/11/2026", field="per")


def test_month() -> None:
    assert parse_month("2026-11") == (2026, 11)
    assert parse_month(" 2026-01 ") == (2026, 1)
    assert parse_month("11/2026") == (2026, 11)
    assert parse_month("November 2026") == (2026, 11)
    assert parse_month("Nov 2026") == (2026, 11)
    assert parse_month("agt 2026") == (2026, 8)
    for raw in ("2026-13", "13-2026", "2026", "November", "Novmber 2026"):
        refusal(parse_month, raw, field="bulan")


# ------------------------------------------------------------------------------ yes/no


@pytest.mark.parametrize("raw", ["ya", "Ya", " YA ", "y", "Y", "1", "true", "TRUE", 1, True, 1.0])
def test_bool_yes_words(raw: object) -> None:
    assert parse_bool("anonim", raw) is True


@pytest.mark.parametrize(
    "raw", ["tidak", "Tidak", "t", "T", "0", "false", "FALSE", "", "  ", None, 0, False]
)
def test_bool_no_words_and_empty(raw: object) -> None:
    assert parse_bool("anonim", raw) is False


@pytest.mark.parametrize("raw", ["mungkin", "yes please", "2", 2, -1, 0.5])
def test_bool_other_words_refused(raw: object) -> None:
    assert "anonim" in refusal(parse_bool, "anonim", raw, field="anonim")


# ---------------------------------------------------------------------------- free text


def test_clean_text_trims_and_empty_is_none() -> None:
    assert clean_text("nama", "  Siti Aminah  ") == "Siti Aminah"
    assert clean_text("nama", "   ") is None
    assert clean_text("nama", None) is None


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\n", "\t"])
def test_clean_text_control_characters_refused_in_one_line_fields(char: str) -> None:
    message = refusal(clean_text, "nama", f"Siti{char}Aminah", field="nama")
    assert "Nama" in message
    assert f"U+{ord(char):04X}" in message


def test_clean_text_multiline_keeps_newlines_and_tabs_but_not_other_controls() -> None:
    assert clean_text("uraian", "baris 1\r\nbaris 2\r\tb", multiline=True) == (
        "baris 1\nbaris 2\n\tb"
    )
    refusal(lambda: clean_text("uraian", "a\x00b", multiline=True), field="uraian")


#: Invisible format and separator characters (Unicode Cf, Zl, Zp): they reorder or hide what
#: a screen or a letter shows, and the README promises such characters are refused.
INVISIBLE = {
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u200e": "LEFT-TO-RIGHT MARK",
    "\u200b": "ZERO WIDTH SPACE",
    "\u200d": "ZERO WIDTH JOINER",
    "\u2060": "WORD JOINER",
    "\ufeff": "BYTE ORDER MARK",
    "\u00ad": "SOFT HYPHEN",
    "\u061c": "ARABIC LETTER MARK",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
    "\U000e0041": "TAG LATIN CAPITAL LETTER A",
}


@pytest.mark.parametrize("char", INVISIBLE, ids=INVISIBLE.values())
@pytest.mark.parametrize(
    ("field", "multiline"), [("nama", False), ("petugas", False), ("uraian", True)]
)
def test_clean_text_invisible_characters_refused(char: str, field: str, multiline: bool) -> None:
    message = refusal(clean_text, field, f"Siti{char}Aminah", multiline, field=field)
    assert message.startswith(field.capitalize())
    assert f"U+{ord(char):04X}" in message
    assert "ke-5" in message and "'Siti'" in message  # where it is: it cannot be seen


def test_email_with_an_invisible_character_refused() -> None:
    message = refusal(parse_email, "siti\u200b@contoh.id", field="email")
    assert message.startswith("Email berisi karakter tak terlihat (U+200B)")


def test_clean_text_invisible_character_first_is_placed_at_the_start() -> None:
    message = refusal(clean_text, "nama", "\ufeffSiti", field="nama")
    assert "ke-1" in message and "di awal" in message


def test_clean_text_label_names_the_field() -> None:
    message = refusal(lambda: clean_text("nama", "a\u202eb", label="Nama meja"), field="nama")
    assert message.startswith("Nama meja berisi")


@pytest.mark.parametrize(
    "text",
    ["Siti\u00a0Aminah", "Jl. Soekarno–Hatta № 5", "Ñoño Ł ß ğ ك 中文", "😀 👍🏽 ♥", "a  b"],
    ids=["nbsp", "typografi", "aksara", "emoji", "spasi"],
)
def test_clean_text_visible_text_of_any_script_is_kept(text: str) -> None:
    assert clean_text("nama", text) == text.strip()


def test_clean_text_multiline_still_keeps_newlines_and_tabs() -> None:
    assert clean_text("uraian", "a\n\tb", multiline=True) == "a\n\tb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK saya 3171014101900001.", "NIK saya 3171********0001."),
        ("KK 5371 0215 0585 0002 ya", "KK 5371********0002 ya"),
        ("hubungi 0812-3456-7890 sore", "hubungi 0812****7890 sore"),
        ("WA +6281234567890", "WA +62812****7890"),
        ("62 812 3456 7890", "6281*****7890"),
        ("Rp 300.000 untuk 2026, RT 05/RW 02", "Rp 300.000 untuk 2026, RT 05/RW 02"),
        (
            "Diterima lewat surat pada 2026-08-18 10:00",
            "Diterima lewat surat pada 2026-08-18 10:00",
        ),
        ("tanpa angka", "tanpa angka"),
        ("", ""),
    ],
)
def test_numbers_typed_into_text_are_masked(text: str, expected: str) -> None:
    from lapor_cli.identity import scrub_text  # one scrubber for screens, JSON and workbook

    assert scrub_text(text) == expected


@pytest.mark.parametrize(("field", "limit"), [("nama", 200), ("uraian", 20_000), ("alamat", 500)])
def test_clean_text_max_length(field: str, limit: int) -> None:
    multiline = field != "nama"
    assert clean_text(field, "x" * limit, multiline=multiline) == "x" * limit
    with pytest.raises(ValidationError) as info:
        clean_text(field, "x" * (limit + 1), multiline=multiline)
    assert info.value.field == field
    assert "terlalu panjang" in info.value.message
    assert str(limit) in info.value.message


# ------------------------------------------------------------------------- a whole case


def good(**overrides: object) -> dict[str, object]:
    raw: dict[str, object] = {
        "kanal": "whatsapp",
        "jenis": "aduan",
        "uraian": "PKH belum cair sejak Agustus",
        "nama": "Siti Aminah",
    }
    raw.update(overrides)
    return raw


def test_validate_case_normalises_everything() -> None:
    data, errors = validate_case(
        good(
            kanal="WA",
            jenis="Pengaduan",
            uraian="  PKH belum cair  ",
            nama=" Siti Aminah ",
            nik="3171 0141 0190 0001",
            kk="3171010101000001",
            hp="0812-3456-7890",
            email="siti@contoh.id",
            alamat="Jl. Merdeka 1\nKupang",
            diterima="20/11/2026 08:30",
            nomor_lapor="LAP-123",
            rahasia="ya",
            petugas="Budi",
        ),
        now=NOW,
    )
    assert errors == []
    assert data == CaseInput(
        kanal="whatsapp",
        jenis="aduan",
        uraian="PKH belum cair",
        diterima=datetime(2026, 11, 20, 8, 30),
        nama="Siti Aminah",
        nik="3171014101900001",
        kk="3171010101000001",
        hp="+6281234567890",
        email="siti@contoh.id",
        alamat="Jl. Merdeka 1\nKupang",
        nomor_lapor="LAP-123",
        rahasia=True,
        petugas="Budi",
    )


@pytest.mark.parametrize("kanal", ["SP4N-LAPOR!", "sp4n-lapor", "Tatap Muka", "kotak_saran"])
def test_validate_case_channel_is_case_insensitive(kanal: str) -> None:
    data, errors = validate_case(good(kanal=kanal), now=NOW)
    assert errors == []
    assert data is not None
    assert data.kanal in ("sp4n-lapor", "tatap-muka", "kotak-saran")


def test_validate_case_received_defaults_to_now_and_future_refused() -> None:
    data, _ = validate_case(good(), now=NOW)
    assert data is not None
    assert data.diterima == NOW
    data, _ = validate_case(good(diterima="  "), now=NOW)
    assert data is not None
    assert data.diterima == NOW
    _, errors = validate_case(good(diterima="2026-11-23 10:01"), now=NOW)
    assert [e.field for e in errors] == ["diterima"]
    assert "masa depan" in errors[0].message
    _, errors = validate_case(good(diterima="24/11/2026"), now=NOW)
    assert [e.field for e in errors] == ["diterima"]


def test_validate_case_collects_all_errors_at_once() -> None:
    data, errors = validate_case(
        {
            "kanal": "merpati",
            "jenis": "gosip",
            "uraian": "   ",
            "nik": "123",
            "kk": "abc",
            "hp": "12345",
            "email": "bukan-email",
            "diterima": "lusa",
        },
        now=NOW,
    )
    assert data is None
    assert {e.field for e in errors} == {
        "kanal",
        "jenis",
        "uraian",
        "nik",
        "kk",
        "hp",
        "email",
        "diterima",
        "nama",
    }
    assert all(isinstance(e, ValidationError) and e.message for e in errors)


def test_validate_case_required_fields() -> None:
    _, errors = validate_case({}, now=NOW)
    assert {e.field for e in errors} == {"kanal", "jenis", "uraian", "nama"}


def test_validate_case_name_required_unless_anonim() -> None:
    _, errors = validate_case(good(nama=None), now=NOW)
    assert [e.field for e in errors] == ["nama"]
    assert "anonim" in errors[0].message
    data, errors = validate_case(good(nama=None, anonim=True), now=NOW)
    assert errors == []
    assert data is not None
    assert data.anonim
    assert (data.nama, data.nik, data.kk, data.hp, data.email, data.alamat) == (None,) * 6


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("nama", "Siti Aminah"),
        ("nik", "3171014101900001"),
        ("kk", "3171010101000001"),
        ("hp", "081234567890"),
        ("email", "siti@contoh.id"),
        ("alamat", "Jl. Merdeka 1"),
    ],
)
def test_validate_case_anonim_with_identity_refused(field: str, value: str) -> None:
    raw = good(nama=None, anonim="ya")
    raw[field] = value
    data, errors = validate_case(raw, now=NOW)
    assert data is None
    assert [e.field for e in errors] == [field]
    assert "anonim" in errors[0].message
    assert field in errors[0].message


def test_validate_case_anonim_with_empty_identity_fields_is_fine() -> None:
    raw = good(anonim=True, nama="", nik="", hp=None)
    data, errors = validate_case(raw, now=NOW)
    assert errors == []
    assert data is not None
    assert data.nama is None


# ---------------------------------------------------------------------------------- masks


def test_mask_nik() -> None:
    assert mask_nik("3171014101900001") == "3171********0001"
    assert mask_nik(None) is None
    assert mask_nik("") == ""
    assert mask_nik("12345678") == "********"


def test_mask_phone() -> None:
    assert mask_phone("+6281234567890") == "+62812****7890"
    assert mask_phone("+62380821234") == "+62380**1234"
    assert mask_phone(None) is None
    masked = mask_phone("+6281234567890")
    assert "34567" not in masked
    assert masked.startswith("+62")
    assert masked.endswith("7890")


def test_landline_and_a_migrant_workers_foreign_number() -> None:
    # Decided: a number with its own country code (PMI in Malaysia) is kept, in E.164 too.
    from lapor_cli.identity import parse_phone

    assert parse_phone("(0380) 821234") == "+62380821234"
    assert parse_phone("+60 12-345 6789") == "+60123456789"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/11/2026 09.15", datetime(2026, 11, 20, 9, 15)),  # Excel, Indonesian locale
        ("2026-11-20 9.15", datetime(2026, 11, 20, 9, 15)),
        ("2026-11-20 14:05", datetime(2026, 11, 20, 14, 5)),
    ],
)
def test_time_with_the_indonesian_separator(text, expected) -> None:
    from lapor_cli.dates import parse_datetime

    assert parse_datetime("diterima", text) == expected


def test_a_date_that_does_not_exist_is_refused_whatever_the_separator() -> None:
    from lapor_cli.dates import parse_datetime

    for text in ("31/11/2026 09.15", "2026-02-30", "2026-11-20 25.00"):
        with pytest.raises(ValidationError):
            parse_datetime("diterima", text)


def test_fingerprints_stay_what_registers_already_store():
    """A stored ``sidik`` is how a re-import recognises a form without a number: the
    fingerprint of the same content never changes between versions (values pinned from the
    first version that stored them)."""
    from lapor_cli.validation import CaseInput

    form = CaseInput(
        kanal="surat",
        jenis="aduan",
        uraian="PKH belum cair\nsejak Agustus",
        diterima=datetime(2026, 11, 20, 9, 15),
        nama="Siti Aminah",
        nik="3171014101900001",
        hp="+6281234567890",
        nomor_formulir="F-001",
        petugas="meja",
    )
    anonim = CaseInput(
        kanal="kotak-saran",
        jenis="aspirasi",
        uraian="Loket Sabtu",
        diterima=datetime(2026, 1, 2),
        anonim=True,
    )
    assert form.fingerprint() == "ee7aa69c47c32268253706961ce1579fc40701ff98922acd3f167e0f9793fcc9"
    assert anonim.fingerprint() == (
        "64b80a6812cb328ce5034000c2d841c523b2e9751b816311e006e499a1d641ed"
    )


@pytest.mark.parametrize("typed", ["0999-01-01", "1926-11-20 09:15", "20/11/1999"])
def test_a_receipt_date_centuries_ago_is_a_typo(typed: str) -> None:
    # Bug: 0999-01-01 was recorded, its deadline 268,162 working days overdue in `sla`.
    data, problems = validate_case(
        {"kanal": "surat", "jenis": "aduan", "uraian": "x", "nama": "A", "diterima": typed},
        now=datetime(2026, 11, 23, 10, 0),
    )
    assert data is None
    assert [p.field for p in problems] == ["diterima"]
    assert "sebelum tahun 2000" in problems[0].message


def test_a_receipt_date_in_2000_is_accepted_when_confirmed() -> None:
    data, problems = validate_case(
        {"kanal": "surat", "jenis": "aduan", "uraian": "x", "nama": "A", "diterima": "2000-01-03"},
        now=datetime(2026, 11, 23, 10, 0),
        lama=True,
    )
    assert problems == [] and data.diterima == datetime(2000, 1, 3)


def _received(typed: str, *, now: datetime, **options: object):
    return validate_case(
        {"kanal": "surat", "jenis": "aduan", "uraian": "x", "nama": "A", "diterima": typed},
        now=now,
        **options,
    )


@pytest.mark.parametrize(
    ("typed", "now", "why"),
    [
        # a year slip: 2025 typed for 2026
        ("2025-11-27", datetime(2026, 11, 28, 9, 0), "jatuh di tahun 2025, bukan tahun ini (2026)"),
        # last year, however recent: the turn of the year is where the slip happens
        ("31/12/2026", datetime(2027, 1, 2, 9, 0), "jatuh di tahun 2026, bukan tahun ini (2027)"),
        ("2026-10-23 09:00", datetime(2026, 11, 23, 10, 0), "sudah 31 hari yang lalu"),
        ("1 Agustus 2026", datetime(2026, 11, 23, 10, 0), "sudah 114 hari yang lalu"),
    ],
)
def test_an_old_receipt_date_is_refused_unless_confirmed(typed: str, now, why: str) -> None:
    data, problems = _received(typed, now=now)
    assert data is None and [p.field for p in problems] == ["diterima"]
    message = problems[0].message
    assert why in message
    assert message.endswith("Bila tanggal itu memang benar, ulangi dengan --lama.")
    data, problems = _received(typed, now=now, lama=True)
    assert problems == [] and data.diterima == parse_datetime("diterima", typed)


def test_an_old_receipt_message_names_the_date_and_its_day() -> None:
    _, problems = _received("2025-11-27 14:05", now=datetime(2026, 11, 28, 9, 0))
    assert problems[0].message.startswith(
        "Tanggal diterima Kamis, 27 November 2025 14:05 jatuh di tahun 2025"
    )
    # the import says how to confirm a whole file
    _, problems = _received(
        "2025-11-27", now=datetime(2026, 11, 28, 9, 0), confirm_old="impor lagi dengan --lama"
    )
    assert problems[0].message.endswith("memang benar, impor lagi dengan --lama.")


@pytest.mark.parametrize("typed", ["2026-10-24", "2026-10-24 23:59", "kemarin", "hari ini"])
def test_thirty_days_back_in_this_year_is_a_late_entry_not_a_slip(typed: str) -> None:
    data, problems = _received(typed, now=datetime(2026, 11, 23, 10, 0))
    assert problems == [], problems


def test_a_date_before_2000_is_refused_even_when_confirmed() -> None:
    _, problems = _received("1999-12-31", now=datetime(2026, 11, 23, 10, 0), lama=True)
    assert "sebelum tahun 2000" in problems[0].message


# ------------------------------------------------------------------ NIKs that Excel damaged


def test_a_nik_serial_0000_is_refused() -> None:
    message = refusal(parse_nik, "3171014101900000", field="nik")
    assert message.startswith("NIK 3171014101900000: nomor urut (4 digit terakhir) 0000")


def test_a_nik_from_an_excel_number_cell_that_lost_its_last_digit_says_how_to_fix_it() -> None:
    # 3171014101900001 typed into a number cell: Excel keeps 15 digits
    message = refusal(parse_nik, 3171014101900000, field="nik")
    assert "Excel" in message and "Format kolom nik sebagai Teks" in message
    assert "ketik ulang" in message
    assert parse_nik(3171014101900001) == "3171014101900001"  # a number cell that kept it


@pytest.mark.parametrize("shown", ["5,37101E+15", "5.37101E+15", "3.17101E+15", " 5,37101e+15 "])
def test_a_nik_in_excels_scientific_notation_says_how_to_fix_it(shown: str) -> None:
    message = refusal(parse_nik, shown, field="nik")
    assert "notasi ilmiah" in message and "Format kolom nik sebagai Teks" in message
    assert "notasi ilmiah" in refusal(parse_kk, shown, field="kk")


def test_validate_case_takes_a_nik_number_cell() -> None:
    base = {"kanal": "surat", "jenis": "aduan", "uraian": "x", "nama": "A"}
    _, problems = validate_case({**base, "nik": 3171014101900000}, now=NOW)
    assert [p.field for p in problems] == ["nik"] and "Excel" in problems[0].message
    data, problems = validate_case({**base, "nik": 3171014101900001}, now=NOW)
    assert problems == [] and data.nik == "3171014101900001"


# ---------------------------------------------------------------- the quick way, the long way

_SAMPLES = {
    "kanal": st.sampled_from([None, "", " ", "WhatsApp", "surat", "tatap-muka", "faks", "email"]),
    "jenis": st.sampled_from([None, "aduan", "Saran", "informasi", "keluhan"]),
    "uraian": st.sampled_from(
        [None, "", "Bantuan belum cair", "a\r\nb\tc", "x\u202ey", "u" * 20_001]
    ),
    "nama": st.sampled_from([None, "", "Siti Aminah", " Budi ", "A\x00b"]),
    "nik": st.sampled_from(
        [
            None,
            "",
            "5371014101900001",
            "5371 0141 0190 0001",
            "5371014101900000",
            "123",
            3171014101900001,
            3171014101900000,
            "5,37101E+15",
            "9999014101900001",
        ]
    ),
    "kk": st.sampled_from([None, "", "5371010101900001", "12"]),
    "hp": st.sampled_from(
        [None, "", "0812-3456-7890", "+6281234567890", "021 555 1234", "12", "+60 12-345 6789"]
    ),
    "email": st.sampled_from([None, "", "siti@contoh.id", "bukan-email", "a@b"]),
    "alamat": st.sampled_from([None, "", "Jl. Merdeka 1\nKupang"]),
    "anonim": st.sampled_from([None, "", "ya", "tidak", "mungkin", 1, 0, True]),
    "rahasia": st.sampled_from([None, "tidak", "ya", 2]),
    "segera": st.sampled_from([None, "tidak", "ya"]),
    "diterima": st.sampled_from(
        [
            None,
            "",
            "2026-11-20 09:15",
            "20/11/2026",
            "2025-11-20",
            "2026-12-01",
            "1999-01-01",
            "2026-10-01 08:00",
            "kemarin",
            "31/02/2026",
        ]
    ),
    "nomor_formulir": st.sampled_from([None, "", "F-000001", "F" * 61]),
    "nomor_lapor": st.sampled_from([None, "LAPOR-1"]),
    "petugas": st.sampled_from([None, "", "meja 1"]),
}


@settings(max_examples=1_500, deadline=None)
@given(raw=st.fixed_dictionaries({}, optional=_SAMPLES), lama=st.booleans())
def test_the_quick_way_gives_the_long_ways_case_or_leaves_it_to_the_long_way(raw, lama):
    # validate_case tries the quick way first (_plain_case) and takes the long way
    # (_every_problem) only when the quick one gives up: on good input the two must agree.
    from lapor_cli import validation

    now = datetime(2026, 11, 23, 10, 0)
    quick = validation._plain_case(raw, now, lama)
    case, problems = validation._every_problem(
        raw, now=now, lama=lama, confirm_old=validation.CONFIRM_OLD
    )
    if problems:
        assert quick is None
    else:
        assert quick == case


def test_a_good_form_takes_the_quick_way():
    from lapor_cli import validation

    raw = {
        "kanal": "surat",
        "jenis": "aduan",
        "uraian": "Bantuan belum cair",
        "nama": "Siti",
        "nik": "5371014101900001",
        "hp": "0812-3456-7890",
        "diterima": "2026-11-20 09:15",
    }
    quick = validation._plain_case(raw, datetime(2026, 11, 23, 10, 0), False)
    assert quick is not None
    assert validate_case(raw, now=datetime(2026, 11, 23, 10, 0)) == (quick, [])
