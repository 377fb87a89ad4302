"""What an import reports: one row's problem (:class:`RowError`), the whole outcome
(:class:`ImportResult`), the refusal of a file with bad rows (:class:`ImportRefused`), and the
shape of the progress callback the caller may pass in (:data:`Progress`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from lapor_cli.errors import LaporError
from lapor_cli.indonesian import angka

#: A shown value is cut after this many characters.
SHOWN = 80

#: ``progress(phase, done, total)``: phase "periksa" (units: bytes of a CSV, rows of a
#: workbook), "tulis" (rows) or "impor" (checking and writing at once, in the check's units);
#: total None when unknown.
Progress = Callable[[str, int, int | None], None]


def shown(value: object) -> str | None:
    """A cell's value as a :class:`RowError` quotes it (cut after ``SHOWN`` characters)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.isoformat(sep=" ", timespec="minutes")
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem of one row: the spreadsheet row number (the header is row 1), the column,
    the value as the file gives it and the reason."""

    baris: int
    kolom: str | None
    nilai: str | None
    pesan: str

    def as_json(self) -> dict[str, object]:
        return {"baris": self.baris, "kolom": self.kolom, "nilai": self.nilai, "pesan": self.pesan}


class ImportRefused(LaporError):
    """The file has bad rows (or a bad header): nothing was written. ``bad_rows``: how many
    rows are bad, when ``errors`` lists only the first ones' problems."""

    def __init__(
        self,
        errors: list[RowError],
        *,
        header_row: int | None = None,
        result: ImportResult | None = None,
        bad_rows: int | None = None,
    ) -> None:
        self.errors = errors
        self.result = result  # the whole report, when the refusal ended a write
        rows = sorted({e.baris for e in errors})
        total = max(bad_rows or 0, len(rows))
        listed = ", ".join(str(r) for r in rows[:10]) + (", …" if total > 10 else "")
        if header_row is not None and rows == [header_row]:
            text = f"judul kolom (baris {header_row}) bermasalah: {errors[0].pesan}"
            if len(errors) > 1:
                text += f" (dan {len(errors) - 1} masalah lain)"
            text += " Tidak ada yang ditulis."
        else:
            text = (
                f"{angka(total)} baris bermasalah (baris {listed}); tidak ada yang ditulis. "
                "Perbaiki berkasnya lalu impor lagi (periksa dulu dengan --uji)."
            )
        super().__init__(text)


@dataclass
class ImportResult:
    """What an import did (or, with ``uji``, would do)."""

    diimpor: int = 0
    dilewati: int = 0
    galat: list[RowError] = field(default_factory=list)
    peringatan: list[str] = field(default_factory=list)
    baris: int = 0
    uji: bool = False
    nomor_awal: str | None = None
    nomor_akhir: str | None = None
    header_row: int | None = None  # where the header was found (not part of the JSON)
    #: Bad rows in all; ``galat`` lists the problems of the first ones only
    #: (``checks.MAX_LISTED_ROWS``). 0: as many as ``galat`` names.
    baris_bermasalah: int = 0
    #: ``--perbarui``: the cases corrected (or, with ``uji``, to be corrected) by changed rows.
    diperbarui: int = 0
    nomor_diperbarui: list[str] = field(default_factory=list)

    @property
    def bad_rows(self) -> int:
        """How many rows are bad (the header counts as one)."""
        return max(self.baris_bermasalah, len({e.baris for e in self.galat}))

    @property
    def unlisted_rows(self) -> int:
        """Bad rows whose problems ``galat`` does not list."""
        return self.bad_rows - len({e.baris for e in self.galat})

    def as_json(self) -> dict[str, object]:
        return {
            "diimpor": self.diimpor,
            "dilewati": self.dilewati,
            "diperbarui": self.diperbarui,
            "nomor_diperbarui": list(self.nomor_diperbarui),
            "galat": [e.as_json() for e in self.galat],
            "baris_bermasalah": self.bad_rows,
            "baris_bermasalah_lainnya": self.unlisted_rows,
            "peringatan": list(self.peringatan),
            "baris": self.baris,
            "uji": self.uji,
            "nomor_awal": self.nomor_awal,
            "nomor_akhir": self.nomor_akhir,
        }
