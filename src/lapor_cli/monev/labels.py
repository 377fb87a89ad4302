"""How a reader sees the register's codes in the workbook: ``tatap-muka`` is *Tatap muka*,
``sp4n-lapor`` *SP4N-LAPOR!*, ``didisposisikan`` *Didisposisikan*, ``PKH`` *Program Keluarga
Harapan (PKH)*. The codes stay the register's data (and ``--json``'s); the workbook is read
by people."""

from __future__ import annotations

from lapor_cli.references import JENIS_LABEL, KANAL_LABEL, categories

__all__ = ["jenis_label", "kanal_label", "kategori_label", "status_label"]


def kanal_label(code: str | None) -> str | None:
    return None if code is None else KANAL_LABEL.get(code, code)


def jenis_label(code: str | None) -> str | None:
    return None if code is None else JENIS_LABEL.get(code, code)


def status_label(code: str | None) -> str | None:
    """``didisposisikan`` → ``Didisposisikan``."""
    return None if not code else code[:1].upper() + code[1:]


_made: list[tuple[object, dict[str, str]]] = []


def _category_labels() -> dict[str, str]:
    """The labels of the list ``categories()`` holds now (it is reloaded when it changes)."""
    listed = categories()
    if not _made or _made[0][0] is not listed:
        _made[:] = [(listed, {c.kode: c.label for c in listed})]
    return _made[0][1]


def kategori_label(code: str | None) -> str | None:
    """The category's label from the office's list; a code the list no longer has, as it is."""
    return None if code is None else _category_labels().get(code, code)
