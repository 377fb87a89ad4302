"""What the workbook shows of a reporter and of what they wrote (SPEC §6).

- NIK and phone are masked (``mask_nik``, ``mask_phone``); KK, email and address are left out
  (they are never read). An anonim case shows no identity at all: name ``(anonim)``, NIK and
  HP empty.
- A rahasia case shows no identity either (name ``(rahasia)``, NIK and HP empty) and
  ``(rahasia)`` instead of its description: a workbook is forwarded, and a confidential
  complaint's reporter must not travel with it. In other descriptions, runs of 16 digits (a
  NIK or KK typed into the text) and Indonesian mobile numbers are masked.
- ``ekspor --tanpa-nama`` leaves the identity columns out altogether
  (:data:`~lapor_cli.monev.sheets.IDENTITY_HEADERS`), for a reader outside the office.
- The printed page of the case list never holds an identity (its print area ends before).

That text is never turned into a formula is the writer's part (:mod:`lapor_cli.monev.cells`).
"""

from __future__ import annotations

from lapor_cli.identity import mask_nik, mask_phone, scrub_text
from lapor_cli.monev.facts import Detail
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


def name_cell(detail: Detail) -> str | None:
    if detail.anonim:
        return ANONIM_TEXT
    return RAHASIA_TEXT if detail.rahasia else detail.nama


def nik_cell(detail: Detail) -> str | None:
    return None if detail.anonim or detail.rahasia else mask_nik(detail.nik)


def phone_cell(detail: Detail) -> str | None:
    return None if detail.anonim or detail.rahasia else mask_phone(detail.hp)


def identity_cells(detail: Detail) -> tuple[str | None, str | None, str | None]:
    """(name, masked NIK, masked phone) as the workbook shows them; anonim or rahasia: no
    identity."""
    return name_cell(detail), nik_cell(detail), phone_cell(detail)


def uraian_cell(detail: Detail) -> str:
    return RAHASIA_TEXT if detail.rahasia else scrub_text(detail.uraian)
