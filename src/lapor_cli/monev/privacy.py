"""What the workbook shows of a reporter and of what they wrote (SPEC §6).

- NIK and phone are masked (``mask_nik``, ``mask_phone``); KK, email and address are left out
  (they are never read). An anonim case shows no identity at all: name ``(anonim)``, NIK and
  HP empty.
- A rahasia case shows ``(rahasia)`` instead of its description. In other descriptions, runs
  of 16 digits (a NIK or KK typed into the text) and Indonesian mobile numbers are masked.

That text is never turned into a formula is the writer's part (:mod:`lapor_cli.monev.cells`).
"""

from __future__ import annotations

import re

from lapor_cli.monev.facts import Detail
from lapor_cli.validation import mask_nik, mask_phone
from lapor_cli.views import RAHASIA_TEXT

__all__ = [
    "ANONIM_TEXT",
    "identity_cells",
    "name_cell",
    "nik_cell",
    "phone_cell",
    "scrub_text",
    "uraian_cell",
]

ANONIM_TEXT = "(anonim)"

_DIGIT = re.compile(r"\d")
_NIK_IN_TEXT = re.compile(r"(?<!\d)\d(?:[ .-]?\d){15}(?!\d)")
_PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+62|62|0)[ .-]?8(?:[ .-]?\d){7,11}(?!\d)")


def _mask_digits(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return mask_nik(digits) or ""


def _mask_phone_text(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = re.sub(r"[^\d+]", "", text)
    return mask_phone(digits) or ""


def scrub_text(text: str) -> str:
    """Mask a NIK/KK (16 digits) or a mobile number that someone typed into free text."""
    if _DIGIT.search(text) is None:
        return text
    text = _NIK_IN_TEXT.sub(_mask_digits, text)
    return _PHONE_IN_TEXT.sub(_mask_phone_text, text)


def name_cell(detail: Detail) -> str | None:
    return ANONIM_TEXT if detail.anonim else detail.nama


def nik_cell(detail: Detail) -> str | None:
    return None if detail.anonim else mask_nik(detail.nik)


def phone_cell(detail: Detail) -> str | None:
    return None if detail.anonim else mask_phone(detail.hp)


def identity_cells(detail: Detail) -> tuple[str | None, str | None, str | None]:
    """(name, masked NIK, masked phone) as the workbook shows them; anonim: no identity."""
    return name_cell(detail), nik_cell(detail), phone_cell(detail)


def uraian_cell(detail: Detail) -> str:
    return RAHASIA_TEXT if detail.rahasia else scrub_text(detail.uraian)
