"""XLSX files that unpack to more than an import can hold (``importing.xlsx_limits``).

The hostile files are written here, part by part, as small zips: a part is a list of
``(bytes, times)``, and a piece repeated a million times is compressed once (after a full
flush deflate starts afresh, so each repeat packs to the same bytes). So a 1.2 MB workbook
with one 1.2 GB cell takes a second to make. The worst of them are imported by the real
``lapor`` in a process of its own under a 1 GB address-space cap, to show that they are
refused in one line rather than killed.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import (
    POSIX_CAP,
    assert_refused_in_one_line,
    dump_register,
    invoke,
    lapor_capped,
    query_register,
)
from lapor_cli.errors import LaporError
from lapor_cli.importing import sheets, xlsx_limits
from lapor_cli.importing.xlsx_limits import survey

MiB = 1024 * 1024
HEADER = ["nomor_formulir", "diterima", "kanal", "jenis", "uraian", "nama"]
GOOD = ["F-1", "2026-11-20 09:15", "surat", "aduan", "Bantuan PKH belum cair", "Siti"]

Part = list[tuple[bytes, int]]

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    b'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    b'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    b'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    b'<sheet name="Formulir" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"'
    b' Target="sharedStrings.xml"/></Relationships>'
)
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def letters(index: int) -> str:
    name, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def cells(row: int, values: list[str]) -> bytes:
    return b"".join(
        f'<c r="{letters(i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>'.encode()
        for i, v in enumerate(values)
    )


def row(number: int, values: list[str]) -> bytes:
    return f'<row r="{number}">'.encode() + cells(number, values) + b"</row>"


def sheet(*body: tuple[bytes, int], dimension: str | None = None) -> Part:
    """A worksheet part: the header row, then ``body``."""
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ' + NS + b">"
    if dimension:
        head += f'<dimension ref="{dimension}"/>'.encode()
    head += b"<sheetData>" + row(1, HEADER)
    return [(head, 1), *body, (b"</sheetData></worksheet>", 1)]


def shared_strings(*texts: bytes) -> Part:
    items = b"".join(b"<si><t>" + text + b"</t></si>" for text in texts)
    return [(b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b">" + items + b"</sst>", 1)]


def write_zip(
    path: Path, parts: dict[str, Part], *, declared: dict[str, int] | None = None
) -> Path:
    """A zip of deflated ``parts``; ``declared`` gives a part a false unpacked size."""
    local, central = bytearray(), bytearray()
    for name, pieces in parts.items():
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        data, crc, size = bytearray(), 0, 0
        for piece, times in pieces:
            packed = packer.compress(piece) + packer.flush(zlib.Z_FULL_FLUSH)
            data += packed * times
            for _ in range(times):
                crc = zlib.crc32(piece, crc)
            size += len(piece) * times
        data += packer.flush()
        size = (declared or {}).get(name, size)
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        central += struct.pack("<4sH", b"PK\x01\x02", 20) + struct.pack("<HHHHHIIIH", *fields)
        central += struct.pack("<HHHHII", 0, 0, 0, 0, 0, len(local)) + encoded
        local += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", *fields, 0) + encoded + data
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(local), 0
    )
    path.write_bytes(bytes(local + central + end))
    return path


def workbook(
    path: Path,
    worksheet: Part,
    *,
    strings: Part | None = None,
    declared: dict[str, int] | None = None,
) -> Path:
    parts = {
        "[Content_Types].xml": [(CONTENT_TYPES, 1)],
        "_rels/.rels": [(ROOT_RELS, 1)],
        "xl/workbook.xml": [(WORKBOOK, 1)],
        "xl/_rels/workbook.xml.rels": [(WORKBOOK_RELS, 1)],
        "xl/worksheets/sheet1.xml": worksheet,
        "xl/sharedStrings.xml": strings or shared_strings(),
    }
    return write_zip(path, parts, declared=declared)


def no_cases() -> bool:
    return dump_register() is None or query_register("SELECT count(*) FROM kasus") == [(0,)]


def refusal(path: Path) -> str:
    with pytest.raises(LaporError) as refused:
        survey(path, calamine=True)
    return refused.value.message


# ------------------------------------------------------------------ in a capped process


def huge_cell(path: Path, size: int) -> Path:
    """One good row but for its uraian: ``size`` bytes of the letter A (a multiple of 64 KiB)."""
    block = b"A" * (64 * 1024)
    body = [
        (b'<row r="2">' + cells(2, GOOD[:4]), 1),
        (b'<c r="E2" t="inlineStr"><is><t>', 1),
        (block, size // len(block)),
        (b"</t></is></c></row>", 1),
    ]
    return workbook(path, sheet(*body))


@pytest.fixture(scope="module")
def gigabyte_cell(tmp_path_factory) -> Path:
    """The issue's file: 1.2 MB holding one cell of 1.2 GB."""
    return huge_cell(tmp_path_factory.mktemp("sel") / "sel-raksasa.xlsx", 1200 * MiB)


@POSIX_CAP
@pytest.mark.parametrize("uji", [True, False], ids=["uji", "impor"])
def test_a_1_2_gb_cell_in_a_1_2_mb_file_is_refused_not_killed(gigabyte_cell, uji):
    """Bug: python-calamine built the cell whole (3.75 GB); under a cap it aborted (134)."""
    assert gigabyte_cell.stat().st_size < 2 * MiB
    done = lapor_capped("impor", str(gigabyte_cell), *(["--uji"] if uji else []))
    err = assert_refused_in_one_line(done)
    assert "terlalu besar setelah dibuka" in err and "batasnya 200 MiB" in err
    assert no_cases()


@POSIX_CAP
def test_a_million_rows_of_sixteen_empty_cells_are_refused_not_killed(tmp_path):
    """Bug: 1,048,576 × 16 cells in a 2.6 MB file: MemoryError, or under a cap exit 134."""
    empty_row = b"<row>" + b'<c t="inlineStr"><is><t></t></is></c>' * 16 + b"</row>"
    path = workbook(tmp_path / "kosong.xlsx", sheet((empty_row * 1023, 1025)))
    assert path.stat().st_size < 4 * MiB
    err = assert_refused_in_one_line(lapor_capped("impor", str(path), "--uji"))
    assert "terlalu besar setelah dibuka" in err or "(batas 100×)" in err


@POSIX_CAP
def test_a_far_cell_makes_no_sheet_of_a_million_rows_in_memory(tmp_path):
    """Bug: two cells, A1 and XFD1048576, made python-calamine build their whole range
    (17 billion cells): the process aborted. Such a sheet streams through openpyxl."""
    far = row(2, GOOD) + b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
    path = workbook(tmp_path / "jauh.xlsx", sheet((far + b"</c></row>", 1)))
    assert survey(path, calamine=True).calamine is False
    done = lapor_capped("impor", str(path), "--uji", "--json")
    assert_refused_in_one_line(done)
    doc = json.loads(done.stdout)
    assert {e["baris"] for e in doc["galat"]} == {1_048_576}
    assert "kolom XFD" in doc["galat"][-1]["pesan"]


@POSIX_CAP
def test_a_shared_string_copied_into_many_cells_is_not_read_by_calamine(tmp_path):
    """Bug: python-calamine copies a shared string into every cell that refers to it: 2,000
    cells of one 512 KiB string, a 13 KB file, took 1 GB."""
    refs = b"".join(
        f'<row r="{n}"><c r="H{n}" t="s"><v>0</v></c></row>'.encode() for n in range(2, 2002)
    )
    path = workbook(
        tmp_path / "salinan.xlsx",
        sheet((refs, 1)),
        strings=shared_strings(b"B" * (512 * 1024)),
    )
    assert path.stat().st_size < 64 * 1024
    assert survey(path, calamine=True).calamine is False
    done = lapor_capped("impor", str(path), "--uji", "--json")
    assert_refused_in_one_line(done)
    doc = json.loads(done.stdout)
    assert doc["baris_bermasalah"] == 2000  # every row: no date, kanal, … and a cell in H


@POSIX_CAP
def test_a_real_workbook_imports_under_the_same_cap(tmp_path):
    book = Workbook()
    ws = book.active
    ws.title = "Formulir"
    ws.append(HEADER)
    for i in range(1, 201):
        ws.append([f"F-{i}", "2026-11-20 09:15", "surat", "aduan", f"Aduan {i}", f"Pelapor {i}"])
    book.save(tmp_path / "formulir.xlsx")
    done = lapor_capped("impor", str(tmp_path / "formulir.xlsx"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["diimpor"] == 200


# ------------------------------------------------------------------ each limit, in process


def test_a_cell_over_one_mib_is_refused_naming_the_limit(tmp_path):
    long = b"A" * (xlsx_limits.MAX_TEXT_BYTES + 1)
    inline = huge_cell(tmp_path / "panjang.xlsx", 2 * MiB)
    assert "lebih dari 1 MiB teks" in refusal(inline)
    shared = workbook(
        tmp_path / "panjang-bersama.xlsx",
        sheet((b'<row r="2"><c r="E2" t="s"><v>0</v></c></row>', 1)),
        strings=shared_strings(long),
    )
    assert "lebih dari 1 MiB teks" in refusal(shared)
    # Up to the limit: read, and the check says the uraian is too long.
    fits = huge_cell(tmp_path / "pas.xlsx", MiB // 2)
    code, out, err = invoke("impor", str(fits), "--uji", "--json")
    assert code == 1 and "Uraian terlalu panjang" in out


def test_the_cli_refuses_an_over_limit_workbook_in_one_line(tmp_path):
    code, out, err = invoke("impor", str(huge_cell(tmp_path / "panjang.xlsx", 2 * MiB)))
    assert code == 1 and out == ""
    assert err.startswith("Ditolak: panjang.xlsx: ada sel berisi lebih dari 1 MiB teks")
    assert err.count("\n") == 1
    assert dump_register() is None


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused(tmp_path):
    """The sizes checked are the real ones: a part that lies about its size fails."""
    path = workbook(
        tmp_path / "bohong.xlsx",
        sheet((row(2, GOOD), 20_000)),
        declared={"xl/worksheets/sheet1.xml": 1000},
    )
    assert "tidak dapat dibaca sebagai XLSX" in refusal(path)


def test_a_declared_range_beyond_a_form_stack_is_refused(tmp_path):
    path = workbook(tmp_path / "rentang.xlsx", sheet((row(2, GOOD), 1), dimension="A1:P1048576"))
    message = refusal(path)
    assert "A1:P1048576 (16.777.216 sel)" in message
    assert "1.048.576 baris × 15 kolom (15.728.640 sel)" in message
    ok = workbook(tmp_path / "wajar.xlsx", sheet((row(2, GOOD), 1), dimension="A1:O1048576"))
    assert survey(ok).cells > 0


def test_ratio_cells_rows_and_shared_strings_are_each_bounded(tmp_path, monkeypatch):
    empty = b"<row>" + b"<c/>" * 16 + b"</row>"
    path = workbook(tmp_path / "filler.xlsx", sheet((empty * 1000, 200)))
    assert "(batas 100×)" in refusal(path)

    monkeypatch.setattr(xlsx_limits, "MAX_CELLS", 1000)
    path = workbook(tmp_path / "banyak.xlsx", sheet((row(2, GOOD), 200)))
    assert "lebih dari 1.000 sel" in refusal(path)
    monkeypatch.undo()

    wide = b'<row r="2">' + b"<c/>" * (xlsx_limits.MAX_ROW_CELLS + 1) + b"</row>"
    assert "lebih dari 16.384 sel" in refusal(workbook(tmp_path / "lebar.xlsx", sheet((wide, 1))))
    narrow = b'<row r="2">' + b"<c/>" * xlsx_limits.MAX_ROW_CELLS + b"</row>"
    assert survey(workbook(tmp_path / "pas.xlsx", sheet((narrow, 1)))).cells > 16_384

    monkeypatch.setattr(xlsx_limits, "MAX_SHARED_STRINGS", 10)
    path = workbook(
        tmp_path / "teks.xlsx", sheet(), strings=shared_strings(*[b"x%d" % i for i in range(11)])
    )
    assert "lebih dari 10 teks berbeda" in refusal(path)


def test_entities_cdata_and_comments_are_refused(tmp_path):
    """A billion laughs, and markup inside which "<" no longer separates texts."""
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet ' + NS + b"><sheetData>"
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>'
    )
    path = workbook(tmp_path / "entitas.xlsx", [(laughs, 1)])
    assert "DOCTYPE/ENTITY, CDATA atau komentar" in refusal(path)
    cdata = (b'<row r="2"><c r="E2" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c></row>', 1)
    path = workbook(tmp_path / "cdata.xlsx", sheet(cdata))
    assert "DOCTYPE/ENTITY, CDATA atau komentar" in refusal(path)


def test_a_row_number_beyond_the_sheet_is_refused(tmp_path):
    """Bug: openpyxl fills the rows up to a cell's row: one at row 2,000,000 made a sheet
    of two million rows (and at row 10^12, a check that never ends)."""
    far = b'<row r="2000000"><c r="A2000000" t="inlineStr"><is><t>x</t></is></c></row>'
    path = workbook(tmp_path / "bawah.xlsx", sheet((far, 1)))
    code, out, err = invoke("impor", str(path), "--uji")
    assert code == 1 and out == ""
    assert "lebih dari 1.048.576 baris" in err and err.count("\n") == 1


def test_a_cell_name_openpyxl_cannot_read_is_a_refusal_not_a_traceback(tmp_path):
    bad = b'<row r="2"><c r="ZZZZ2" t="inlineStr"><is><t>x</t></is></c></row>'
    path = workbook(tmp_path / "kolom.xlsx", sheet((bad, 1)))
    code, out, err = invoke("impor", str(path), "--uji")
    assert code == 1 and out == ""
    assert err.startswith("Ditolak: kolom.xlsx rusak di sekitar baris 2") and err.count("\n") == 1


def test_python_calamine_reads_only_a_sheet_proven_small(tmp_path, monkeypatch):
    """What python-calamine would build is bounded before it is asked to read: the used
    range, and every shared string counted once per cell that refers to it."""
    plain = workbook(tmp_path / "biasa.xlsx", sheet((row(2, GOOD), 1)))
    assert survey(plain, calamine=True).calamine is True
    assert survey(plain, calamine=False).calamine is False
    far = workbook(
        tmp_path / "jauh.xlsx", sheet((b'<row r="300000">' + cells(300_000, GOOD) + b"</row>", 1))
    )
    assert survey(far, calamine=True).calamine is False  # 300,000 rows × 15 columns
    odd = workbook(tmp_path / "aneh.xlsx", sheet((b"<row><c t='s'><v>0</v></c></row>", 1)))
    assert survey(odd, calamine=True).calamine is False  # a cell without its name
    monkeypatch.setattr(xlsx_limits, "CALAMINE_MAX_TEXT_BYTES", 100_000)
    refs = b"".join(
        b'<row r="%d"><c r="E%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(2, 12)
    )
    copied = workbook(
        tmp_path / "salin.xlsx", sheet((refs, 1)), strings=shared_strings(b"x" * 20_000)
    )
    assert survey(copied, calamine=True).calamine is False  # 10 × 20,000 bytes


def test_the_reader_follows_the_survey(tmp_path, monkeypatch):
    """A sheet the survey does not prove small is read by openpyxl, with the same rows."""
    path = workbook(tmp_path / "dua.xlsx", sheet((row(2, GOOD), 1)))
    read = []

    def openpyxl_sheet(p):
        read.append(p)
        return original(p)

    original = sheets._openpyxl_sheet
    monkeypatch.setattr(sheets, "_openpyxl_sheet", openpyxl_sheet)
    with sheets.open_sheet(path) as sheet_:
        by_calamine = list(sheet_.rows)
    assert read == []
    monkeypatch.setattr(xlsx_limits, "CALAMINE_MAX_CELLS", 10)
    with sheets.open_sheet(path) as sheet_:
        by_openpyxl = list(sheet_.rows)
    assert read == [path]
    assert by_calamine == by_openpyxl
