"""Where the shipped reference data (``data/``) and the office's own copies live.

Lookup order for a file such as ``kategori.toml``: the folder in ``$LAPOR_DATA``, then
``data/`` in the user's application directory (the office's edited copies), then the data
shipped with the package. In a wheel the shipped folder is ``lapor_cli/data``; in a source
checkout (editable install) it is the repository's top-level ``data/``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

APP_NAME = "lapor-cli"


def app_dir() -> Path:
    """The user's application directory (as click/typer define it), not created here."""
    from typer import get_app_dir

    return Path(get_app_dir(APP_NAME))


@cache
def shipped_data_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parents[1] / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("folder data/ bawaan lapor-cli tidak ditemukan; pasang ulang paket")


def office_data_dirs() -> list[Path]:
    """The folders whose files override the shipped ones, most specific first."""
    dirs: list[Path] = []
    env = os.environ.get("LAPOR_DATA")
    if env:
        dirs.append(Path(env))
    dirs.append(app_dir() / "data")
    return dirs


def data_file(name: str) -> Path:
    """The file ``name`` (e.g. ``kategori.toml`` or ``sla/kemensos.toml``) that is in force."""
    for folder in office_data_dirs():
        path = folder / name
        if path.is_file():
            return path
    return shipped_data_dir() / name


def data_files(subdir: str, pattern: str = "*.toml") -> dict[str, Path]:
    """All files of a kind (e.g. the SLA profiles), keyed by stem; office copies win."""
    found: dict[str, Path] = {}
    for folder in [shipped_data_dir(), *reversed(office_data_dirs())]:
        for path in sorted((folder / subdir).glob(pattern)):
            found[path.stem] = path
    return found
