"""The columns of an import file (SPEC §5: ``catat``'s options with ``_`` for ``-``), declared
once in :data:`COLUMN_TABLE`: a new column is one entry there.

A :class:`Column` holds what the check needs (is the column required, is it yes/no) and what
the blank template shows of it (width, cell format, drop-down, its line on the 'Petunjuk'
sheet). Also here: how a header cell names a column, and spreadsheet column letters.
"""

from __future__ import annotations

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
    ),
    Column(
        "diterima",
        "wajib",
        "Tanggal (dan jam) formulir diterima, disalin dari formulirnya. Tulis 2026-11-23, "
        "2026-11-23 14:05 atau 23/11/2026 (hari dulu), atau isian tanggal Excel. Tidak boleh "
        "di masa depan.",
        "2026-11-20 09:15",
        kind="date",
        width=18,
    ),
    Column(
        "kanal",
        "wajib",
        f"Kanal masuk; pilih dari daftar: {', '.join(KANAL)}.",
        "kotak-saran",
        choices=KANAL,
        prompt="Kanal masuk formulir ini.",
    ),
    Column(
        "jenis",
        "wajib",
        "aduan (pengaduan), aspirasi (saran) atau informasi (permintaan informasi).",
        "aduan",
        choices=JENIS,
        prompt="aduan, aspirasi atau informasi.",
    ),
    Column(
        "uraian",
        "wajib",
        "Isi aduan/aspirasi/permintaan seperti tertulis di formulir.",
        width=60,
        wrap=True,
    ),
    Column("nama", "wajib kecuali anonim", "Nama pelapor.", "Siti Aminah", width=28),
    Column(
        "nik",
        "tidak",
        "NIK pelapor, 16 digit sesuai KTP. Kolom ini berformat Teks agar Excel tidak "
        "membulatkan digit terakhir.",
        "3171014101900001",
        kind="number",
    ),
    Column("kk", "tidak", "Nomor Kartu Keluarga, 16 digit.", "3171010101090001", kind="number"),
    Column(
        "hp",
        "tidak",
        "Nomor HP/telepon pelapor; disimpan sebagai +62…",
        "0812-3456-7890",
        kind="number",
    ),
    Column("email", "tidak", "Email pelapor.", "siti@contoh.id", width=28),
    Column("alamat", "tidak", "Alamat pelapor.", "Jl. Merdeka 1, Kupang", width=40, wrap=True),
    Column(
        "nomor_lapor",
        "tidak",
        "Nomor tiket SP4N-LAPOR! bila laporan datang dari SP4N-LAPOR!.",
        kind="number",
    ),
    Column(
        "anonim",
        "tidak",
        "ya = identitas pelapor tidak disimpan; kosongkan nama, nik, kk, hp, email dan alamat.",
        "tidak",
        kind="yes-no",
        choices=YES_NO,
        prompt="ya = identitas pelapor tidak disimpan.",
    ),
    Column(
        "rahasia",
        "tidak",
        "ya = isi laporan rahasia: tidak tampil di daftar dan ekspor.",
        "tidak",
        kind="yes-no",
        choices=YES_NO,
        prompt="ya = isi laporan rahasia.",
    ),
    Column(
        "segera",
        "tidak",
        "ya = kasus mendesak (profil SLA boleh memberi batas waktu lebih pendek).",
        "tidak",
        kind="yes-no",
        choices=YES_NO,
        prompt="ya = kasus mendesak.",
    ),
)

#: The column names, in the template's order.
COLUMNS = tuple(column.name for column in COLUMN_TABLE)
#: Columns the header must have.
REQUIRED_COLUMNS = tuple(column.name for column in COLUMN_TABLE if column.required)
#: Columns read as yes/no (a workbook's booleans and 0/1 pass through as they are).
BOOL_COLUMNS = frozenset(column.name for column in COLUMN_TABLE if column.kind == "yes-no")


def column_key(name: object) -> str:
    """A header cell as a column name: case, surrounding spaces, ``-`` vs ``_`` and inner
    spaces do not matter (``" Nomor Formulir "`` → ``nomor_formulir``)."""
    text = "" if name is None else str(name)
    return "_".join(text.replace("-", " ").replace("_", " ").split()).lower()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
