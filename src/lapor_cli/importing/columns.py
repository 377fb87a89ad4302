"""The columns of an import file (SPEC §5: ``catat``'s options with ``_`` for ``-``), declared
once in :data:`COLUMN_TABLE`: a new column is one entry there.

A :class:`Column` holds what the check needs (is the column required, is it yes/no) and what
the blank template shows of it (width, cell format, drop-down, its line on the 'Petunjuk'
sheet). Also here: how a header cell names a column, and spreadsheet column letters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lapor_cli.references import JENIS, KANAL

YES_NO = ("ya", "tidak")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the import file."""

    name: str
    #: The 'Wajib' cell of the guide; "wajib" also makes the header refuse a file without it.
    need: str
    #: The 'Isi' cell of the guide: what to write.
    help: str
    #: The 'Contoh' cell of the guide.
    example: str = ""
    #: "text"; "date" (a date cell, kept as a date); "number" (digits, kept as text, and the
    #: template formats the column as Teks); "yes-no" (parsed as a boolean).
    kind: str = "text"
    #: The template's column width; None: the name's length + 4, at least 12.
    width: int | None = None
    #: The template wraps long text in this column.
    wrap: bool = False
    #: The template's drop-down list, and the hint it shows.
    choices: tuple[str, ...] = ()
    prompt: str = ""
    #: Other headings people type for this column, comma-separated; as the name, matched
    #: whatever their case, spaces and punctuation (``No. HP`` is also ``no hp``, ``NO.HP``).
    aliases: str = ""

    @property
    def required(self) -> bool:
        return self.need == "wajib"


COLUMN_TABLE: tuple[Column, ...] = (
    Column(
        "nomor_formulir",
        "dianjurkan",
        "Nomor formulir kertas. Baris yang nomor formulirnya sudah ada di register dilewati, "
        "jadi berkas yang sama aman diimpor dua kali. Tanpa nomor formulir, isi barislah yang "
        "dibandingkan.",
        "F-2026-0001",
        kind="number",
        aliases="No. Formulir, Nomor Form, No. Form",
    ),
    Column(
        "diterima",
        "wajib",
        "Tanggal (dan jam) formulir diterima, disalin dari formulirnya: 2026-11-23, "
        "23/11/2026, 23-11-2026, 23.11.2026, 23 November 2026 atau 23 Nov 2026 (hari dulu), "
        "jam boleh menyusul (14:05 atau 14.05), atau isian tanggal Excel. Tidak boleh di masa "
        "depan; tanggal tahun lalu atau lebih dari 30 hari lalu perlu --lama.",
        "2026-11-20 09:15",
        kind="date",
        width=18,
        aliases="Tanggal Diterima, Tgl Diterima, Tanggal Masuk, Tgl Masuk, Tanggal, Tgl",
    ),
    Column(
        "kanal",
        "wajib",
        f"Kanal masuk; pilih dari daftar: {', '.join(KANAL)}.",
        "kotak-saran",
        choices=KANAL,
        prompt="Kanal masuk formulir ini.",
        aliases="Kanal Pengaduan, Kanal Masuk, Saluran, Saluran Pengaduan, Media Pengaduan",
    ),
    Column(
        "jenis",
        "wajib",
        "aduan (pengaduan), aspirasi (saran) atau informasi (permintaan informasi).",
        "aduan",
        choices=JENIS,
        prompt="aduan, aspirasi atau informasi.",
        aliases="Jenis Laporan, Jenis Pengaduan, Jenis Aduan",
    ),
    Column(
        "uraian",
        "wajib",
        "Isi aduan/aspirasi/permintaan seperti tertulis di formulir.",
        width=60,
        wrap=True,
        aliases="Isi Aduan, Uraian Aduan, Isi Laporan, Uraian Laporan, Isi Pengaduan, Aduan, Isi",
    ),
    Column(
        "nama",
        "wajib kecuali anonim",
        "Nama pelapor.",
        "Siti Aminah",
        width=28,
        aliases="Nama Pelapor, Nama Lengkap, Nama Pengadu",
    ),
    Column(
        "nik",
        "tidak",
        "NIK pelapor, 16 digit sesuai KTP. Kolom ini berformat Teks agar Excel tidak "
        "membulatkan digit terakhir.",
        "3171014101900001",
        kind="number",
        aliases="NIK Pelapor, No. NIK, Nomor NIK, No. KTP, Nomor KTP",
    ),
    Column(
        "kk",
        "tidak",
        "Nomor Kartu Keluarga, 16 digit.",
        "3171010101090001",
        kind="number",
        aliases="No. KK, Nomor KK, KK Pelapor, Nomor Kartu Keluarga, No. Kartu Keluarga",
    ),
    Column(
        "hp",
        "tidak",
        "Nomor HP/telepon pelapor; disimpan sebagai +62…",
        "0812-3456-7890",
        kind="number",
        aliases="No. HP, Nomor HP, HP Pelapor, No. HP Pelapor, Telepon, No. Telp, Telp, No. WA",
    ),
    Column(
        "email",
        "tidak",
        "Email pelapor.",
        "siti@contoh.id",
        width=28,
        aliases="E-mail, Email Pelapor, Alamat Email, Surel",
    ),
    Column(
        "alamat",
        "tidak",
        "Alamat pelapor.",
        "Jl. Merdeka 1, Kupang",
        width=40,
        wrap=True,
        aliases="Alamat Pelapor, Alamat Lengkap, Alamat Rumah",
    ),
    Column(
        "nomor_lapor",
        "tidak",
        "Nomor tiket SP4N-LAPOR! bila laporan datang dari SP4N-LAPOR!.",
        kind="number",
        aliases="Nomor Tiket LAPOR, No. Tiket LAPOR, Nomor Tiket, Nomor SP4N-LAPOR, No. LAPOR",
    ),
    Column(
        "anonim",
        "tidak",
        "ya = identitas pelapor tidak disimpan; kosongkan nama, nik, kk, hp, email dan alamat.",
        "tidak",
        kind="yes-no",
        choices=YES_NO,
        prompt="ya = identitas pelapor tidak disimpan.",
        aliases="Anonim?, Tanpa Identitas",
    ),
    Column(
        "rahasia",
        "tidak",
        "ya = isi laporan rahasia: tidak tampil di daftar dan ekspor.",
        "tidak",
        kind="yes-no",
        choices=YES_NO,
        prompt="ya = isi laporan rahasia.",
        aliases="Rahasia?, Isi Rahasia, Laporan Rahasia",
    ),
    Column(
        "segera",
        "tidak",
        "ya = kasus mendesak (profil SLA boleh memberi batas waktu lebih pendek).",
        "tidak",
        kind="yes-no",
        choices=YES_NO,
        prompt="ya = kasus mendesak.",
        aliases="Segera?, Mendesak, Urgen",
    ),
)

#: The column names, in the template's order.
COLUMNS = tuple(column.name for column in COLUMN_TABLE)
#: Columns the header must have.
REQUIRED_COLUMNS = tuple(column.name for column in COLUMN_TABLE if column.required)
#: Columns read as yes/no (a workbook's booleans and 0/1 pass through as they are).
BOOL_COLUMNS = frozenset(column.name for column in COLUMN_TABLE if column.kind == "yes-no")


_NOT_WORD = re.compile(r"[\W_]+")


def column_key(name: object) -> str:
    """A header cell as a key: case, spaces, ``-`` vs ``_`` and punctuation do not matter
    (``" Nomor Formulir "`` → ``nomor_formulir``, ``"No. HP"`` → ``no_hp``)."""
    text = "" if name is None else str(name)
    return "_".join(_NOT_WORD.sub(" ", text).split()).lower()


def _headings() -> dict[str, tuple[str, str]]:
    headings: dict[str, tuple[str, str]] = {}
    for column in COLUMN_TABLE:
        for heading in (column.name, *column.aliases.split(",")):
            key, heading = column_key(heading), heading.strip()
            if key and headings.setdefault(key, (column.name, heading))[0] != column.name:
                raise AssertionError(f"{heading!r}: kolom {headings[key][0]} dan {column.name}")
    return headings


#: Every heading a header row may use, as :func:`column_key` reads it → (its column's name,
#: the heading as declared).
HEADINGS = _headings()


def column_for(heading: object) -> str | None:
    """The column a header cell names (its name or one of its aliases), or None."""
    known = HEADINGS.get(column_key(heading))
    return known[0] if known else None


def closest_heading(heading: object) -> tuple[str, str] | None:
    """For an unknown header cell, the closest known heading (difflib): (its column's name,
    the heading as declared); None when none is close."""
    import difflib

    close = difflib.get_close_matches(column_key(heading), HEADINGS, n=1, cutoff=0.6)
    return HEADINGS[close[0]] if close else None


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
