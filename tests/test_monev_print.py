"""The monev workbook as a printed report (issue 19): page setup of every sheet, the case
list's printed columns, human labels and day units, the signature block set with `lapor
kantor`, the per-unit chart, and privacy (rahasia, `--tanpa-nama`, the file's mode).

The register is the demo's (`lapor demo`: every status, anonim and rahasia cases, cases
without a unit), built once; each test exports from it."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from lapor_cli.cli import app
from lapor_cli.monev import CASE_COLUMNS
from lapor_cli.monev.cells import PAGE_FOOTER, text_lines
from lapor_cli.monev.sheets import IDENTITY_HEADERS, PRINTED_CASE_COLUMNS
from lapor_cli.references import KANAL, KANAL_LABEL

NOW = "2026-11-30 10:00"
runner = CliRunner()
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
TABLES = ("Per unit", "Kasus", "Terlambat", "Terbawa")


def lapor(*args: str, code: int = 0):
    result = runner.invoke(app, list(args), env={"LAPOR_WAKTU": NOW})
    assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo register, made once (its cases are relative to NOW)."""
    home = tmp_path_factory.mktemp("demo-home")
    with pytest.MonkeyPatch.context() as mp:
        for var in ("HOME", "XDG_CONFIG_HOME", "APPDATA"):
            mp.setenv(var, str(home))
        mp.setenv("LAPOR_DB", str(home / "unused.db"))
        mp.setenv("LAPOR_PETUGAS", "uji")
        mp.delenv("LAPOR_DATA", raising=False)
        doc = lapor("demo", "--json").stdout
    return Path(json.loads(doc)["register"])


@pytest.fixture
def demo(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own copy of the demo register, at $LAPOR_DB (a SQLite file in both runs:
    these tests are about the workbook)."""
    target = tmp_path / "demo.db"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    os.chmod(target, 0o600)
    monkeypatch.setenv("LAPOR_DB", str(target))
    return target


def export(*extra: str, name: str = "monev.xlsx") -> openpyxl.Workbook:
    lapor("ekspor", "--bulan", "2026-11", "--keluaran", name, *extra)
    return openpyxl.load_workbook(name)


def column_widths(ws) -> dict[int, float]:
    """Each column's width (one <col> element may hold several adjacent columns)."""
    return {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}


def texts(wb: openpyxl.Workbook) -> str:
    """Every cell of every sheet, one a line."""
    return "\n".join(
        str(cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    )


def reporters(db: Path, where: str) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute(f"SELECT nama FROM kasus WHERE {where}") if r[0]]


# ---------------------------------------------------------------- the page


def test_every_sheet_prints_a4_landscape_with_page_header_and_page_numbers(demo: Path) -> None:
    wb = export()
    assert wb.sheetnames == ["Ringkasan", "Per unit", "Kasus", "Terlambat", "Terbawa"]
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert setup.paperSize == 9, ws.title  # A4
        assert ws.oddHeader.left.text == "Dinas Sosial Kota Contoh (DEMO)", ws.title
        assert ws.oddHeader.center.text == (
            f"Monev pengaduan November 2026 (bulan berjalan) — {ws.title}"
        )
        assert ws.oddHeader.right.text == "Keadaan per 30 November 2026 10:00"
        assert ws.oddFooter.center.text == PAGE_FOOTER == "Halaman &P dari &N"
    for ws in wb.worksheets:  # fitted to the width, as tall as it takes
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        # fitToWidth left out is its default, 1 page (ECMA-376 §18.3.1.63)
        setup = ws.page_setup
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), ws.title
    for name in TABLES:  # the header row on every page
        assert wb[name].print_title_rows in ("1:1", "$1:$1"), name
    # Ringkasan's width: its tables, charts and notes (A:J), nothing further right
    summary = wb["Ringkasan"]
    assert summary.print_area == "'Ringkasan'!$A$1:$J$" + str(summary.max_row)


def test_an_ampersand_in_the_office_name_is_not_a_page_header_code(demo: Path) -> None:
    lapor("kantor", "--nama", "Dinas Sosial P3A & PMD Kota Contoh")
    wb = export()
    assert wb["Kasus"].oddHeader.left.text == "Dinas Sosial P3A && PMD Kota Contoh"


def test_two_line_headers_get_a_row_tall_enough(demo: Path) -> None:
    wb = export()
    for name in TABLES:
        ws = wb[name]
        widths = [column_widths(ws)[c.column] for c in ws[1]]
        lines = max(text_lines(c.value, w, bold=True) for c, w in zip(ws[1], widths, strict=True))
        assert lines > 1, name  # e.g. "Hari terlambat (hari kerja)"
        assert ws.row_dimensions[1].height >= 14.5 * lines, name


def test_the_case_list_prints_its_first_columns_and_never_an_identity(demo: Path) -> None:
    wb = export()
    kasus = wb["Kasus"]
    last = kasus.max_row
    assert kasus.print_area == f"'Kasus'!$A$1:$L${last}"
    header = [c.value for c in kasus[1]]
    assert header == [c.header for c in CASE_COLUMNS]  # the full table, for filtering
    printed = header[:PRINTED_CASE_COLUMNS]
    assert printed[-1] == "Hari terlambat (hari kerja)"
    assert not set(printed) & {*IDENTITY_HEADERS, "Anonim", "Rahasia", "Nomor SP4N-LAPOR!"}
    assert kasus.auto_filter.ref == f"A1:V{last}"
    # a row with wrapped text is tall enough, and its values stand at its top
    uraian = header.index("Uraian") + 1
    width = column_widths(kasus)[uraian]
    tall = [
        r
        for r in range(2, last + 1)
        if text_lines(kasus.cell(r, uraian).value, width) > 1
        and kasus.cell(r, uraian).value != "(rahasia)"
    ]
    assert tall
    for r in tall:
        assert kasus.row_dimensions[r].height >= 14.5 * 2
        assert kasus.cell(r, uraian).alignment.wrap_text
        assert kasus.cell(r, 1).alignment.vertical == "top"


def test_labels_are_what_a_reader_reads_and_days_say_which_days(demo: Path) -> None:
    wb = export()
    kasus = wb["Kasus"]
    header = [c.value for c in kasus[1]]
    column = {
        name: [row[i] for row in kasus.iter_rows(min_row=2, values_only=True)]
        for i, name in enumerate(header)
    }
    assert set(column["Kanal"]) <= set(KANAL_LABEL.values())
    assert {"Tatap muka", "SP4N-LAPOR!", "Kotak saran"} <= set(column["Kanal"])
    assert not set(column["Kanal"]) & (set(KANAL) - set(KANAL_LABEL.values()))  # no code
    assert "Didisposisikan" in column["Status akhir bulan"]
    assert all(s is None or s[0].isupper() for s in column["Status akhir bulan"])
    assert "Program Keluarga Harapan (PKH)" in column["Kategori"]
    assert "Pengaduan" in column["Jenis"] and "aduan" not in column["Jenis"]
    for sheet in ("Terlambat", "Terbawa"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        assert "Umur (hari kalender)" in rows[0] and "Hari terlambat (hari kerja)" in rows[0]
        kanal = rows[0].index("Kanal")
        assert all(r[kanal] in KANAL_LABEL.values() for r in rows[1:]), sheet
    # every header that counts days says which days
    for ws in wb.worksheets:
        if ws.title == "Ringkasan":
            continue
        for cell in ws[1]:
            if cell.value and "hari" in str(cell.value).lower():
                assert "(hari kerja)" in cell.value or "(hari kalender)" in cell.value, cell.value
    summary = [r[0] for r in wb["Ringkasan"].iter_rows(values_only=True)]
    assert "Tatap muka" in summary and "SP4N-LAPOR!" in summary and "tatap-muka" not in summary
    assert "Didisposisikan" in summary and "didisposisikan" not in summary


def test_ringkasan_breaks_pages_only_between_blocks(demo: Path) -> None:
    wb = export()
    ws = wb["Ringkasan"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks  # the month's summary is several pages
    for row in breaks:  # the row after each break is the blank line before a block
        assert all(c.value is None for c in ws[row + 1]), row


# ---------------------------------------------------------------- the signature


def signature_rows(wb: openpyxl.Workbook) -> list[str]:
    ws = wb["Ringkasan"]
    rows = [
        next(str(c) for c in row if c is not None)
        for row in ws.iter_rows(values_only=True)
        if any(c is not None for c in row)
    ]
    start = next(i for i, text in enumerate(rows) if text == "Mengetahui,") - 1
    return rows[start : start + 5]


def test_without_settings_the_signature_block_has_dotted_lines(demo: Path) -> None:
    place, knows, title, name, nip = signature_rows(export())
    assert place.startswith("....") and place.endswith(", 30 November 2026")
    assert knows == "Mengetahui,"
    assert title == "Kepala Dinas Sosial Kota Contoh (DEMO)"
    assert name.startswith("(....") and nip.startswith("NIP. ....")


def test_kantor_sets_who_signs_and_shows_it(demo: Path) -> None:
    shown = lapor(
        "kantor",
        "--kota",
        "Kupang",
        "--kepala",
        "Maria Bere, S.Sos.",
        "--nip",
        "19750101 200012 1 001",
    ).stdout
    assert "Kota        : Kupang" in shown
    assert "Kepala      : Maria Bere, S.Sos." in shown
    assert "NIP         : 19750101 200012 1 001" in shown
    doc = json.loads(lapor("kantor", "--json").stdout)
    assert (doc["kota"], doc["kepala"], doc["nip"]) == (
        "Kupang",
        "Maria Bere, S.Sos.",
        "197501012000121001",
    )
    assert doc["jabatan_kepala"] == "Kepala Dinas Sosial Kota Contoh (DEMO)"
    lapor("kantor", "--jabatan", "Plt. Kepala Dinas Sosial Kota Contoh")
    wb = export()
    assert signature_rows(wb) == [
        "Kupang, 30 November 2026",
        "Mengetahui,",
        "Plt. Kepala Dinas Sosial Kota Contoh",
        "Maria Bere, S.Sos.",
        "NIP. 19750101 200012 1 001",
    ]
    name = next(
        c for row in wb["Ringkasan"].iter_rows() for c in row if c.value == "Maria Bere, S.Sos."
    )
    assert name.font.b and name.font.u == "single"
    # an empty value clears a setting: dotted lines again
    lapor("kantor", "--kepala", "")
    assert signature_rows(export(name="lagi.xlsx"))[3].startswith("(....")


@pytest.mark.parametrize(
    ("nip", "given"),
    [("1975010120001210", "16 digit"), ("19750101 200012 1 00x", "17 digit dan tanda lain")],
)
def test_a_nip_that_is_not_18_digits_is_refused_and_nothing_changes(
    demo: Path, nip: str, given: str
) -> None:
    result = lapor("kantor", "--kota", "Kupang", "--nip", nip, code=1)
    assert result.stdout == ""
    assert result.stderr.startswith(f"Ditolak: NIP harus 18 digit angka (diberikan {given})")
    assert result.stderr.count("\n") == 1
    assert "Kota        : (belum diisi)" in lapor("kantor").stdout


# ---------------------------------------------------------------- the per-unit chart


def test_cases_without_a_unit_have_their_line_but_no_bar(demo: Path) -> None:
    wb = export()
    ws = wb["Per unit"]
    rows = list(ws.iter_rows(values_only=True))
    no_unit = next(i for i, r in enumerate(rows, start=1) if str(r[0]).startswith("Tanpa unit"))
    (chart,) = ws._charts
    ref = chart.series[0].val.numRef.f
    last = int(ref.rsplit("$", 1)[1])
    assert last == no_unit - 1, ref  # the bars stop above the line without a unit
    assert rows[no_unit - 1][4] is not None  # which has its share in the table
    labels = (
        chart.series[0].cat.strRef.f if chart.series[0].cat.strRef else chart.series[0].cat.numRef.f
    )
    assert labels.endswith(f"$A${last}")


# ---------------------------------------------------------------- privacy


def test_a_rahasia_reporter_is_named_in_no_cell_of_any_sheet(demo: Path) -> None:
    """A confidential complaint (rahasia, not anonim) of a reporter with no other case: their
    name, NIK and phone are in no cell of any sheet; the case itself is listed."""
    made = lapor(
        "catat",
        "--kanal",
        "sp4n-lapor",
        "--jenis",
        "aduan",
        "--nomor-lapor",
        "LAP2611251",
        "--uraian",
        "Pendamping meminta imbalan saat pencairan.",
        "--nama",
        "Theresia Kolo",
        "--nik",
        "5371014101900001",
        "--hp",
        "081234567890",
        "--rahasia",
        "--diterima",
        "2026-11-25 09:00",
        "--json",
    )
    nomor = json.loads(made.stdout)["nomor"]
    assert reporters(demo, "rahasia = 1 AND anonim = 0")  # the demo's own are there too
    wb = export()
    blob = texts(wb)
    for secret in ("Theresia Kolo", "Pendamping meminta", "5371********0001", "****7890"):
        assert secret not in blob, secret
    kasus = list(wb["Kasus"].iter_rows(values_only=True))
    row = dict(zip(kasus[0], next(r for r in kasus if r[0] == nomor), strict=True))
    assert row["Rahasia"] == "ya" and row["Nama pelapor"] == row["Uraian"] == "(rahasia)"
    assert row["NIK"] is None and row["HP"] is None and row["Kanal"] == "SP4N-LAPOR!"


def test_tanpa_nama_leaves_every_identity_out(demo: Path) -> None:
    names = reporters(demo, "anonim = 0")
    wb = export("--tanpa-nama")
    blob = texts(wb)
    for name in names:
        assert name not in blob
    header = [c.value for c in wb["Kasus"][1]]
    assert not set(header) & set(IDENTITY_HEADERS)
    assert wb["Kasus"].auto_filter.ref.startswith("A1:S")
    summary = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(values_only=True)}
    assert summary["Identitas pelapor"] == "tidak dimuat (--tanpa-nama)"
    assert any(str(k).startswith("Tanpa identitas pelapor") for k in summary)
    # without the option the names are there (for the office's own use)
    assert names[0] in texts(export(name="kantor.xlsx"))


@POSIX
def test_the_workbook_is_readable_by_its_owner_only(demo: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)  # a usual umask: a file made the ordinary way would be 0644
    try:
        export()
        assert stat.S_IMODE((tmp_path / "monev.xlsx").stat().st_mode) == 0o600
        (tmp_path / "monev.xlsx").chmod(0o644)
        lapor("ekspor", "--bulan", "2026-11", "--keluaran", "monev.xlsx", "--timpa")
        assert stat.S_IMODE((tmp_path / "monev.xlsx").stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_text_lines_counts_wrapped_lines() -> None:
    assert text_lines(None, 10) == 1
    assert text_lines("Pengaduan", 11) == 1
    assert text_lines("Bidang Perlindungan dan Jaminan Sosial", 18) == 2
    assert text_lines("satu\ndua", 30) == 2
    assert text_lines("x" * 50, 10) == 5  # a word longer than the line is broken
    assert text_lines("Hari terlambat (hari kerja)", 12, bold=True) == 3
