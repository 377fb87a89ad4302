"""The monev core without the CLI: the period, privacy helpers, the output file, and the
workbook writer's text safety on hand-made facts (no register needed)."""

from __future__ import annotations

import zipfile
from copy import copy
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from lapor_cli import monev
from lapor_cli.errors import ValidationError

NOW = datetime(2026, 11, 23, 10, 0)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAPOR_DB", str(tmp_path / "register.db"))
    monkeypatch.setenv("LAPOR_WAKTU", "2026-11-23 10:00")
    monkeypatch.setenv("LAPOR_LEBAR", "120")
    monkeypatch.delenv("LAPOR_DATA", raising=False)
    for var in ("HOME", "XDG_CONFIG_HOME", "APPDATA"):
        monkeypatch.setenv(var, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------- the period


def test_past_month_ends_at_its_last_second() -> None:
    period = monev.month_period(2026, 2, now=NOW)
    assert (period.start, period.stop) == (datetime(2026, 2, 1), datetime(2026, 3, 1))
    assert period.as_of == datetime(2026, 2, 28, 23, 59, 59)
    assert not period.current and period.key == "2026-02" and period.label == "Februari 2026"


def test_december_runs_into_the_next_year() -> None:
    period = monev.month_period(2025, 12, now=NOW)
    assert period.stop == datetime(2026, 1, 1)
    assert period.last_day.isoformat() == "2025-12-31"


def test_running_month_is_taken_as_of_now() -> None:
    period = monev.month_period(2026, 11, now=NOW)
    assert period.current and period.as_of == NOW
    first_moment = monev.month_period(2026, 11, now=datetime(2026, 11, 1))
    assert first_moment.as_of == datetime(2026, 11, 1)


def test_future_month_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        monev.month_period(2026, 12, now=NOW)
    assert info.value.field == "bulan"
    assert "belum dimulai" in info.value.message


# ---------------------------------------------------------------- privacy helpers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NIK saya 3171014101900001.", "NIK saya 3171********0001."),
        ("KK 5371 0215 0585 0002 ya", "KK 5371********0002 ya"),
        ("hubungi 0812-3456-7890 sore", "hubungi 0812****7890 sore"),
        ("WA +6281234567890", "WA +62812****7890"),
        ("Rp 300.000 untuk 2026, RT 05/RW 02", "Rp 300.000 untuk 2026, RT 05/RW 02"),
        ("tanpa angka", "tanpa angka"),
    ],
)
def test_numbers_typed_into_text_are_masked(text: str, expected: str) -> None:
    assert monev.scrub_text(text) == expected


def _detail(**kw: object) -> monev.Detail:
    base: dict = {
        "nomor_lapor": None,
        "nama": "Siti",
        "nik": "3171014101900001",
        "hp": "+6281234567890",
        "anonim": False,
        "rahasia": False,
        "uraian": "isi",
    }
    return monev.Detail(**{**base, **kw})


def test_identity_and_description_as_the_workbook_shows_them() -> None:
    assert monev.identity_cells(_detail()) == ("Siti", "3171********0001", "+62812****7890")
    # Anonim: nothing, even if a stored value slipped through some other door.
    assert monev.identity_cells(_detail(anonim=True)) == ("(anonim)", None, None)
    assert monev.uraian_cell(_detail(rahasia=True, uraian="rahasia sekali")) == "(rahasia)"


# ---------------------------------------------------------------- the output file


def test_output_path_default_folder_and_refusals(isolated: Path) -> None:
    period = monev.month_period(2026, 10, now=NOW)
    assert monev.output_path(None, period, overwrite=False) == Path("monev-2026-10.xlsx")
    (isolated / "arsip").mkdir()
    assert monev.output_path("arsip", period, overwrite=False) == Path("arsip/monev-2026-10.xlsx")
    with pytest.raises(ValidationError, match="tidak ada"):
        monev.output_path("hilang/monev.xlsx", period, overwrite=False)
    Path("monev-2026-10.xlsx").write_bytes(b"x")
    with pytest.raises(ValidationError, match="--timpa"):
        monev.output_path(None, period, overwrite=False)
    assert monev.output_path(None, period, overwrite=True) == Path("monev-2026-10.xlsx")


# ---------------------------------------------------------------- the writer


def _fact(i: int, **kw: object) -> monev.CaseFacts:
    base: dict = {
        "id": i,
        "nomor": f"DS-2026-{i:05d}",
        "meja": "utama",
        "diterima": datetime(2026, 10, 1 + i, 9, 0),
        "kanal": "whatsapp",
        "jenis": "aduan",
        "kategori": "PKH",
        "unit": "Sekretariat",
        "status": "selesai",
        "batas_waktu": datetime(2026, 10, 6 + i, 23, 59, 59),
        "satuan": "hari_kerja",
        "ditutup": datetime(2026, 10, 2 + i, 9, 0),
        "tepat_waktu": True,
        "hari_kerja": 1,
        "terlambat": False,
        "hari_terlambat": None,
        "umur_hari": None,
        "skor": None,
        "kewenangan": True,
        "dilaporkan_balik": None,
        "bulan_ini": True,
    }
    return monev.CaseFacts(**{**base, **kw})


HOSTILE = [
    '=HYPERLINK("http://contoh.invalid","klik")',
    "=1+1",
    "+62 812",
    "-1",
    "@SUM(A1)",
    "#REF!",
    "\tdiawali tab",
    "\rdiawali CR",
]


def test_hostile_text_stays_text_exactly(isolated: Path) -> None:
    period = monev.month_period(2026, 10, now=NOW)
    facts = [_fact(i + 1) for i in range(len(HOSTILE) + 2)]
    details = [_detail(uraian=text, nama=text, nomor_lapor=text) for text in HOSTILE]
    details.append(_detail(uraian="bel\x07l dan \x00 nol"))  # control characters: never a crash
    details.append(_detail(uraian="x" * 40_000))  # beyond Excel's 32,767 characters per cell
    report = monev.Monev("=Dinas Sosial", period, NOW, facts, [])
    seen: list[int] = []
    path = monev.write_workbook(
        report, zip(facts, details, strict=True), isolated / "uji.xlsx", progress=seen.append
    )
    assert seen == [len(facts)]
    with zipfile.ZipFile(path) as zf:
        for part in zf.namelist():
            if part.startswith("xl/worksheets/sheet"):
                xml = zf.read(part)
                assert b"<f>" not in xml and b"<f " not in xml, part
    wb = openpyxl.load_workbook(path)
    assert wb["Ringkasan"]["A1"].value == "Monitoring dan evaluasi pengaduan — =Dinas Sosial"
    assert wb["Ringkasan"]["B2"].value == "=Dinas Sosial" and wb["Ringkasan"]["B2"].data_type == "s"
    kasus = wb["Kasus"]
    header = [c.value for c in kasus[1]]
    columns = [header.index(name) + 1 for name in ("Nama pelapor", "Nomor SP4N-LAPOR!", "Uraian")]
    for row, text in enumerate(HOSTILE, start=2):
        for col in columns:
            cell = kasus.cell(row, col)
            assert cell.value == text.replace("\r", "\n") and cell.data_type == "s", (row, col)
            assert cell.quotePrefix
    uraian = header.index("Uraian") + 1
    assert kasus.cell(len(HOSTILE) + 2, uraian).value == "bel\ufffdl dan \ufffd nol"
    assert len(kasus.cell(len(HOSTILE) + 3, uraian).value) == 32_767


def test_each_sheet_is_written_from_its_column_table(isolated: Path) -> None:
    period = monev.month_period(2026, 10, now=NOW)
    open_late = {"ditutup": None, "tepat_waktu": None, "hari_kerja": None, "status": "diterima"}
    facts = [
        _fact(1),
        _fact(2, satuan="menit", terlambat=True, hari_terlambat=3, umur_hari=20, **open_late),
    ]
    carried = [_fact(3, diterima=datetime(2026, 9, 1, 9, 0), bulan_ini=False, **open_late)]
    report = monev.Monev("Dinas", period, NOW, facts, carried)
    details = zip(facts, [_detail(), _detail(anonim=True)], strict=True)
    wb = openpyxl.load_workbook(monev.write_workbook(report, details, isolated / "uji.xlsx"))
    for name, columns in (
        ("Per unit", monev.UNIT_COLUMNS),
        ("Kasus", monev.CASE_COLUMNS),
        ("Terlambat", monev.LATE_COLUMNS),
        ("Terbawa", monev.CARRIED_COLUMNS),
    ):
        sheet = wb[name]
        assert tuple(c.value for c in sheet[1]) == tuple(c.header for c in columns), name
        assert sheet.max_column == len(columns), name
    kasus = {r[0]: r for r in wb["Kasus"].iter_rows(min_row=2, values_only=True)}
    due = monev.KASUS_HEADERS.index("Batas waktu")
    assert kasus["DS-2026-00001"][due] == datetime(2026, 10, 7)  # a day: date format
    assert kasus["DS-2026-00002"][due] == datetime(2026, 10, 8, 23, 59, 59)  # a moment
    assert wb["Kasus"].cell(2, due + 1).number_format == "dd/mm/yyyy"
    assert wb["Kasus"].cell(3, due + 1).number_format == "dd/mm/yyyy hh:mm"
    nama = monev.KASUS_HEADERS.index("Nama pelapor")
    assert kasus["DS-2026-00002"][nama : nama + 3] == ("(anonim)", None, None)
    assert [r[0] for r in wb["Terlambat"].iter_rows(min_row=2, values_only=True)] == [
        "DS-2026-00002"
    ]


def test_per_unit_lists_every_configured_unit_then_others_then_none() -> None:
    period = monev.month_period(2026, 10, now=NOW)
    facts = [
        _fact(1, unit="Bidang Rehabilitasi Sosial"),
        _fact(2, unit="UPT Lama", tepat_waktu=False, hari_kerja=5),
        _fact(3, unit=None, ditutup=None, tepat_waktu=None, hari_kerja=None, terlambat=True),
    ]
    lines = monev.Monev("Dinas", period, NOW, facts, []).per_unit()
    names = [line.unit for line in lines]
    assert names[:5] == [
        "Sekretariat",
        "Bidang Rehabilitasi Sosial",
        "Bidang Perlindungan dan Jaminan Sosial",
        "Bidang Pemberdayaan Sosial",
        "Bidang Penanganan Fakir Miskin",
    ]
    assert names[5:] == ["UPT Lama", None]
    upt = lines[5]
    assert (upt.diterima, upt.selesai, upt.tepat_waktu, upt.porsi_tepat_waktu) == (1, 1, 0, 0)
    assert lines[6].terlambat == 1 and lines[6].rata_hari_kerja is None
    assert lines[0].porsi_tepat_waktu is None  # nothing closed: no share, not 0 %


def test_the_figures_do_not_import_openpyxl() -> None:
    """`rekap` pays for the figures only; the workbook's writer (xlsxwriter) is imported when
    a workbook is written, and openpyxl (~200 ms) never by the monev modules."""
    import subprocess
    import sys

    code = (
        "import sys, lapor_cli.monev, lapor_cli.cli.monev; "
        "print('openpyxl' in sys.modules, 'xlsxwriter' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False False"


def test_rows_written_as_xml_read_back_as_written_through_xlsxwriter(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables' rows go straight into xlsxwriter's constant-memory row file as XML (the
    hot path of a long case list); written through xlsxwriter's own cell API instead, every
    cell of every sheet reads back the same: value, type, number format, alignment, font,
    quotePrefix, and each row's height."""
    from lapor_cli.monev import cells

    period = monev.month_period(2026, 10, now=NOW)
    texts = [
        *HOSTILE,
        "a & b < c > d",
        "_x0041_ bukan A",
        " spasi di depan",
        "baris satu\nbaris dua",
        "Uraian panjang yang harus dilipat di kolomnya, " * 4,
        "bel\x07l",
        "x" * 40_000,
    ]
    facts = [
        _fact(i + 1, satuan="menit" if i % 3 == 0 else "hari_kerja", skor=i % 5 or None)
        for i in range(len(texts))
    ]
    details = [_detail(uraian=t, nama=t, nomor_lapor=t, anonim=i == 2) for i, t in enumerate(texts)]
    report = monev.Monev("Dinas", period, NOW, facts, facts[:3])
    raw = monev.write_workbook(report, zip(facts, details, strict=True), isolated / "xml.xlsx")
    monkeypatch.setattr(cells.Sheet, "_row_file", lambda self: None)
    api = monev.write_workbook(report, zip(facts, details, strict=True), isolated / "api.xlsx")
    mine, theirs = openpyxl.load_workbook(raw), openpyxl.load_workbook(api)
    assert mine.sheetnames == theirs.sheetnames
    for ws in mine.worksheets:
        other = theirs[ws.title]
        assert (ws.max_row, ws.max_column) == (other.max_row, other.max_column), ws.title
        for row, row_other in zip(ws.iter_rows(), other.iter_rows(), strict=True):
            for cell, twin in zip(row, row_other, strict=True):
                where = (ws.title, cell.coordinate)
                assert (cell.value, cell.data_type) == (twin.value, twin.data_type), where
                assert cell.number_format == twin.number_format, where
                # (openpyxl's style proxies compare equal to a style, not to each other)
                assert cell.alignment == copy(twin.alignment), where
                assert cell.font == copy(twin.font) and cell.fill == copy(twin.fill), where
                assert cell.quotePrefix == twin.quotePrefix, where
        for r in range(1, ws.max_row + 1):  # xlsxwriter's API rounds a height to a pixel
            height = ws.row_dimensions[r].height or 15
            assert abs(height - (other.row_dimensions[r].height or 15)) < 0.75, (ws.title, r)
    uraian = monev.KASUS_HEADERS.index("Uraian") + 1
    shown = [mine["Kasus"].cell(r, uraian).value for r in range(2, len(texts) + 2)]
    assert "a & b < c > d" in shown
    # kept literal as Excel escapes it (Excel shows "_x0041_ bukan A"; openpyxl does not
    # undo the escape)
    assert "_x005F_x0041_ bukan A" in shown
    assert " spasi di depan" in shown and "baris satu\nbaris dua" in shown


def test_a_very_long_office_name_is_cut_in_the_page_header_never_dropped(isolated: Path) -> None:
    """Excel allows 255 characters in a page header (xlsxwriter leaves out a longer one)."""
    from lapor_cli.monev.cells import HEADER_LIMIT, PageHead, page_header

    kantor = "Dinas Sosial, P3A & PMD " * 12  # 288 characters
    head = page_header(PageHead(kantor, "Monev pengaduan Oktober 2026 — Kasus", "Keadaan per …"))
    assert len(head) <= HEADER_LIMIT and head.startswith("&L&9 Dinas Sosial, P3A && PMD")
    assert "&C&9 Monev pengaduan Oktober 2026 — Kasus&R&9 Keadaan per …" in head
    period = monev.month_period(2026, 10, now=NOW)
    report = monev.Monev(kantor, period, NOW, [_fact(1)], [])
    path = monev.write_workbook(report, [(report.cases[0], _detail())], isolated / "uji.xlsx")
    left = openpyxl.load_workbook(path)["Kasus"].oddHeader.left.text
    assert left.startswith("Dinas Sosial, P3A && PMD Dinas") and left.endswith("…")
