"""Paper the desk hands out, as files: the receipt slip as a one-page PDF, and a letter to
the reporter as PDF and as an editable Word document (DOCX).

Libraries (pure Python wheels, no system packages, so ``pip install .`` is all it takes):
``fpdf2`` writes the PDFs and ``python-docx`` the DOCX; each is imported only inside the
function that needs it (``lapor --help`` stays fast).

The PDFs use the PDF standard fonts (Helvetica), which every PDF reader has and which need no
font file shipped, but which know only Latin-1: text is brought to it first (:func:`latin1`)
— typographic dashes and quotes to their plain forms, accented letters outside Latin-1 to
their base letter, anything else to ``?``. Indonesian is written in plain Latin letters, so a
slip or a letter loses nothing in practice; the DOCX keeps every character as typed.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from lapor_cli.receipts import Receipt, receipt_rows

__all__ = ["Letter", "latin1", "letter_docx", "letter_pdf", "receipt_pdf"]

PAGES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
_PLAIN = {
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u2022": "-",
    "\u2192": "->",
    "\u00a0": " ",
}


def latin1(text: str) -> str:
    """``text`` in the characters the PDF standard fonts have (Latin-1)."""
    out = []
    for ch in text:
        if ch in _PLAIN:
            out.append(_PLAIN[ch])
        elif ord(ch) < 256:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1")
            out.append(base or "?")
    return "".join(out)


def _new_pdf(page: str, now: datetime, title: str):
    from fpdf import FPDF

    # Sizes in mm, not names: fpdf2 before 2.8.5 had A5 wrong (and warns about it since).
    pdf = FPDF(orientation="P", unit="mm", format=PAGES[page.upper()])
    pdf.set_creation_date(now)
    pdf.set_title(latin1(title))
    pdf.set_creator("lapor-cli")
    return pdf


def receipt_pdf(slip: Receipt, *, now: datetime, page: str = "A5") -> bytes:
    """The slip as a one-page PDF (A5 or A4)."""
    from fpdf.enums import XPos, YPos

    pdf = _new_pdf(page, now, f"{slip.judul.title()} {slip.nomor}")
    wide = page.upper() == "A4"
    margin = 20 if wide else 12
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(True, margin)
    pdf.add_page()
    scale = 1.2 if wide else 1.0
    line = dict(new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_font("Helvetica", "B", 13 * scale)
    pdf.multi_cell(0, 6 * scale, latin1(slip.kantor), align="C", **line)
    if slip.meja:
        pdf.set_font("Helvetica", "", 10 * scale)
        pdf.multi_cell(0, 5 * scale, latin1(slip.meja), align="C", **line)
    pdf.ln(1)
    pdf.set_line_width(0.5)
    pdf.line(margin, pdf.get_y(), pdf.w - margin, pdf.get_y())
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12 * scale)
    pdf.multi_cell(0, 6 * scale, latin1(slip.judul), align="C", **line)
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 20 * scale)
    pdf.cell(0, 13 * scale, latin1(slip.nomor), border=1, align="C", **line)
    pdf.ln(4)

    label_width = 40 * scale
    for label, value in receipt_rows(slip)[1:]:
        bold = label == "Batas waktu"
        pdf.set_font("Helvetica", "B", 10 * scale)
        pdf.cell(label_width, 5.5 * scale, latin1(label))
        pdf.set_font("Helvetica", "B" if bold else "", 10 * scale)
        pdf.multi_cell(0, 5.5 * scale, latin1(value), align="L", **line)
        pdf.ln(0.8)
    pdf.ln(2)
    pdf.set_line_width(0.2)
    pdf.line(margin, pdf.get_y(), pdf.w - margin, pdf.get_y())
    pdf.ln(3)
    pdf.set_font("Helvetica", "", 10 * scale)
    pdf.multi_cell(0, 5 * scale, latin1(slip.kontak), align="L", **line)
    pdf.ln(3)
    pdf.set_font("Helvetica", "I", 8 * scale)
    pdf.multi_cell(
        0,
        4 * scale,
        latin1(
            f"Diterima oleh {slip.petugas}; dicetak {slip.dicetak}. Simpan tanda terima ini "
            "sampai kasus Anda selesai. Layanan pengaduan tidak dipungut biaya."
        ),
        align="L",
        **line,
    )
    return bytes(pdf.output())


@dataclass
class Letter:
    """A letter to the reporter, laid out as an Indonesian official letter (surat dinas)."""

    kop: list[str]
    tempat_tanggal: str
    nomor_surat: str
    sifat: str
    lampiran: str
    perihal: str
    penerima: list[str]
    paragraf: list[str]
    penandatangan: list[str]
    tembusan: list[str] = field(default_factory=list)
    judul: str = "Surat"


def _heading_rows(letter: Letter) -> list[tuple[str, str]]:
    return [
        ("Nomor", letter.nomor_surat),
        ("Sifat", letter.sifat),
        ("Lampiran", letter.lampiran),
        ("Perihal", letter.perihal),
    ]


def letter_pdf(letter: Letter, *, now: datetime) -> bytes:
    """The letter as an A4 PDF."""
    from fpdf.enums import XPos, YPos

    pdf = _new_pdf("A4", now, letter.judul)
    margin = 25
    pdf.set_margins(margin, 20, 20)
    pdf.set_auto_page_break(True, 20)
    pdf.add_page()
    line = dict(new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for i, text in enumerate(letter.kop):
        pdf.set_font("Helvetica", "B" if i < 2 else "", 14 if i == 1 else 11)
        pdf.multi_cell(0, 6, latin1(text), align="C", **line)
    pdf.ln(1)
    pdf.set_line_width(0.8)
    pdf.line(margin, pdf.get_y(), pdf.w - 20, pdf.get_y())
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, latin1(letter.tempat_tanggal), align="R", **line)
    pdf.ln(2)
    for label, value in _heading_rows(letter):
        pdf.cell(25, 6, latin1(label))
        pdf.cell(4, 6, ":")
        pdf.multi_cell(0, 6, latin1(value), align="L", **line)
    pdf.ln(4)
    for text in letter.penerima:
        pdf.multi_cell(0, 6, latin1(text), align="L", **line)
    pdf.ln(4)
    for text in letter.paragraf:
        pdf.multi_cell(0, 6, latin1(text), align="J", **line)
        pdf.ln(3)
    pdf.ln(4)
    column = pdf.w / 2 + 5
    for i, text in enumerate(letter.penandatangan):
        if i == 1:
            pdf.ln(18)  # room for the signature and the stamp
        pdf.set_x(column)
        pdf.multi_cell(0, 6, latin1(text), align="L", **line)
    if letter.tembusan:
        pdf.ln(8)
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, "Tembusan:", align="L", **line)
        for number, text in enumerate(letter.tembusan, start=1):
            pdf.multi_cell(0, 5, latin1(f"{number}. {text}"), align="L", **line)
    return bytes(pdf.output())


def letter_docx(letter: Letter, *, now: datetime) -> bytes:
    """The letter as a Word document (A4) the desk can still edit before signing."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(11)
    props = doc.core_properties
    props.title = letter.judul
    props.author = "lapor-cli"
    props.created = props.modified = now
    props.last_modified_by = "lapor-cli"

    def para(text: str = "", *, align=None, bold: bool = False, size: int | None = None):
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        return p

    for i, text in enumerate(letter.kop):
        para(text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=i < 2, size=14 if i == 1 else None)
    para("_" * 78, align=WD_ALIGN_PARAGRAPH.CENTER)
    para()
    para(letter.tempat_tanggal, align=WD_ALIGN_PARAGRAPH.RIGHT)
    table = doc.add_table(rows=0, cols=3)
    for label, value in _heading_rows(letter):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, ":", value
        cells[0].width, cells[1].width, cells[2].width = Mm(25), Mm(5), Mm(130)
    para()
    for text in letter.penerima:
        para(text)
    para()
    for text in letter.paragraf:
        p = para(text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        p.paragraph_format.space_after = Pt(8)
    para()
    for i, text in enumerate(letter.penandatangan):
        if i == 1:
            for _ in range(3):
                para()
        p = para(text)
        p.paragraph_format.left_indent = Mm(85)
    if letter.tembusan:
        para()
        para("Tembusan:")
        for number, text in enumerate(letter.tembusan, start=1):
            para(f"{number}. {text}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
