"""``impor --perbarui``: the changed rows of paper forms imported before, applied as ``ubah``
corrections (:func:`lapor_cli.correcting.correct_case`) instead of being skipped.

A row is *changed* when its form number is among the desk's cases with other content (a form
without a number is keyed by its content, so it is never "changed": it is a new case). Each
field in which the row differs from the case becomes part of one correction, the reason the
file's name and row; the case then carries the row's fingerprint, so the same file imported
once more finds nothing to change. Every correction is checked as ``ubah`` checks one; a row
the correction refuses (a receipt after the case's first step, say) is a bad row, and then
nothing of the file is written. A voided case is never brought back by a form: such a row is
skipped with a warning, as is one whose "anonim" mark differs (``ubah`` does not turn a named
report into an anonymous one or back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from lapor_cli.errors import StatusError, ValidationError
from lapor_cli.importing.results import RowError, shown

if TYPE_CHECKING:
    from sqlmodel import Session

    from lapor_cli.models import Case
    from lapor_cli.validation import CaseInput

#: (spreadsheet row, the row's case, its fingerprint, the number of the case it changes).
Changed = tuple[int, "CaseInput", str, str]
#: Fields ``ubah`` corrects that a form does not: the form number is the key, and a form has
#: no category nor classification (verification sets them).
NOT_ON_FORMS = frozenset(("kategori", "klasifikasi", "nomor_formulir"))


@dataclass
class Updates:
    """What applying (or, for ``--uji``, checking) the changed rows came to."""

    nomor: list[str] = field(default_factory=list)  # the cases corrected, in row order
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def differences(data: CaseInput, case: Case) -> dict[str, object]:
    """The form fields in which ``data`` differs from ``case``, as ``correct_case`` takes
    them (a field the form leaves empty clears the case's: "")."""
    from lapor_cli.correcting import CORRECTABLE  # (the register's side, imported on use)

    found: dict[str, object] = {}
    for name in (n for n in CORRECTABLE if n not in NOT_ON_FORMS):
        new, old = getattr(data, name), getattr(case, name)
        if isinstance(new, bool):
            old = bool(old)
        if new != old:
            found[name] = "" if new is None else new
    return found


def apply_updates(
    session: Session,
    rows: list[Changed],
    *,
    now: datetime,
    source: str,
    lama: bool,
    write: bool = True,
) -> Updates:
    """Correct the case of every changed row (``write``) or only check that each correction
    would be accepted (``--uji``). The caller holds the transaction and refuses the whole file
    when ``errors`` is not empty."""
    from lapor_cli.correcting import check_correction, correct_case
    from lapor_cli.handling import get_case
    from lapor_cli.privacy import erased_numbers

    done = Updates()
    erased = erased_numbers(session, [r[3] for r in rows])
    for row, data, sidik, nomor in sorted(rows, key=lambda r: r[0]):
        case = get_case(session, nomor)
        if nomor in erased:
            done.notes.append(
                f"Baris {row}: identitas kasus {nomor} sudah dihapus (`lapor anonimkan`); "
                "kasus itu tidak diperbarui dari formulir lama."
            )
            continue
        if bool(case.anonim) != data.anonim:
            done.notes.append(
                f"Baris {row}: tanda anonim berbeda dengan kasus {nomor}; kasus itu tidak "
                "diperbarui (koreksi tidak mengubah anonim; bila perlu, `lapor batal` lalu "
                "catat ulang)."
            )
            continue
        fields = differences(data, case)
        if not fields:  # corrected by hand already (`ubah`): the case holds what the row says
            done.notes.append(
                f"Baris {row}: isi formulir sudah sama dengan kasus {nomor} (dikoreksi "
                "sebelumnya); tidak ada yang diubah."
            )
            continue
        try:
            if write:
                correct_case(
                    session,
                    nomor,
                    fields,
                    now=now,
                    petugas=data.petugas,
                    alasan=f"Diperbarui dari berkas impor {source}, baris {row}",
                    lama=lama,
                    sidik=sidik,
                )
            else:
                check_correction(session, nomor, fields, now=now, lama=lama)
        except StatusError as refused:
            done.notes.append(f"Baris {row}: kasus {nomor} tidak diperbarui: {refused.message}")
            continue
        except ValidationError as refused:
            value = fields.get(refused.field)
            done.errors.append(
                RowError(
                    row,
                    refused.field if value is not None else None,
                    shown(value),
                    f"Kasus {nomor} tidak dapat diperbarui: {refused.message}",
                )
            )
            continue
        done.nomor.append(nomor)
    return done


def listed(nomor: list[str]) -> str:
    """The numbers of the cases corrected, the first ten named and the rest counted."""
    more = f" dan {len(nomor) - 10} lagi" if len(nomor) > 10 else ""
    return ", ".join(nomor[:10]) + more
