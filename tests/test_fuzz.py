"""Hostile input: every value is either stored exactly and shown safely, or refused by name."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lapor_cli.cli import app
from lapor_cli.errors import ValidationError
from lapor_cli.importing import COLUMNS
from lapor_cli.validation import validate_case

pytestmark = pytest.mark.slow  # many generated inputs: ~10 s a test

NOW = datetime(2026, 11, 23, 10, 0)
FIELDS = tuple(name for name in COLUMNS if name != "segera")  # what a form can carry

nasty = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            '=HYPERLINK("http://x")',
            "+62 812",
            "-1",
            "@SUM(A1)",
            "'; DROP TABLE kasus; --",
            "Robert'); DELETE FROM riwayat;--",
            "\x00",
            "\u202e",
            "😀" * 10,
            "a" * 30_000,
            " ",
            "3171014101900001",
            "0812-3456-7890",
            "2026-11-23",
            "ya",
            "tidak",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), nasty))
def test_validate_case_never_crashes(raw):
    base = {"kanal": "surat", "jenis": "aduan", "uraian": "isi", "nama": "Nama"}
    data, errors = validate_case({**base, **raw}, now=NOW)
    assert (data is None) == bool(errors)
    for error in errors:
        assert isinstance(error, ValidationError)
        assert error.field in FIELDS
        assert "\n" not in error.message
    if data is not None and "uraian" in raw:
        assert data.uraian == raw["uraian"].replace("\r\n", "\n").replace("\r", "\n").strip()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(uraian=nasty, nama=nasty)
def test_catat_stores_exactly_or_refuses(tmp_path, monkeypatch, uraian, nama):
    monkeypatch.setenv("LAPOR_DB", str(tmp_path / "fuzz.db"))
    monkeypatch.setenv("LAPOR_WAKTU", "2026-11-23 10:00")
    monkeypatch.setenv("HOME", str(tmp_path))
    runner = CliRunner()
    args = ["catat", "--kanal", "surat", "--jenis", "aduan", "--json"]
    result = runner.invoke(app, [*args, "--uraian", uraian, "--nama", nama])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        case = json.loads(result.stdout)
        # --lengkap: as stored (a plain view masks a NIK or phone number typed into uraian)
        shown = runner.invoke(app, ["lihat", case["nomor"], "--lengkap", "--json"])
        assert shown.exit_code == 0
        view = json.loads(shown.stdout)
        assert view["uraian"] == uraian.replace("\r\n", "\n").replace("\r", "\n").strip()
        assert view["nama"] == nama.strip()
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("Ditolak:")
        assert result.stderr.count("\n") == 1


# ---------------------------------------------------------------- the import parser

IMPORT_COLUMNS = ["nomor_formulir", "diterima", "kanal", "jenis", "uraian", "nama", "hp"]


def _import(runner: CliRunner, folder, name: str, content: bytes):
    import sqlite3

    path = folder / f"{name}.csv"
    path.write_bytes(content)
    db = folder / f"{name}.db"
    result = runner.invoke(app, ["impor", str(path), "--json"], env={"LAPOR_DB": str(db)})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    stored: list[tuple[str, str]] = []
    if db.exists():
        with sqlite3.connect(db) as conn:
            stored = conn.execute("SELECT uraian, nama FROM kasus ORDER BY urut").fetchall()
    return result, stored


_examples = iter(range(10**9))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.tuples(nasty, nasty, nasty), min_size=1, max_size=4),
    delimiter=st.sampled_from([",", ";"]),
    bom=st.booleans(),
)
def test_import_stores_every_row_exactly_or_refuses_the_file(
    tmp_path, monkeypatch, cells, delimiter, bom
):
    import csv
    import io

    monkeypatch.setenv("LAPOR_WAKTU", "2026-11-23 10:00")
    monkeypatch.setenv("HOME", str(tmp_path))
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(IMPORT_COLUMNS)
    for uraian, nama, formulir in cells:
        writer.writerow([formulir, "2026-11-20 09:15", "surat", "aduan", uraian, nama, ""])
    content = ("\ufeff" if bom else "") + text.getvalue()
    result, stored = _import(CliRunner(), tmp_path, f"f{next(_examples)}", content.encode())
    if result.exit_code == 0:
        doc = json.loads(result.stdout)
        assert doc["galat"] == []
        assert doc["diimpor"] == len(stored) <= len(cells)
        wanted = {
            (u.replace("\r\n", "\n").replace("\r", "\n").strip(), n.strip()) for u, n, _ in cells
        }
        assert set(stored) <= wanted  # repeats of a row are skipped, nothing else changes
    else:
        assert result.exit_code == 1
        assert stored == []  # refused: nothing written
        assert result.stderr.startswith("Ditolak:") and result.stderr.count("\n") == 1


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=400))
def test_import_of_any_bytes_never_crashes(tmp_path, monkeypatch, content):
    monkeypatch.setenv("LAPOR_WAKTU", "2026-11-23 10:00")
    monkeypatch.setenv("HOME", str(tmp_path))
    result, stored = _import(CliRunner(), tmp_path, f"b{next(_examples)}", content)
    assert result.exit_code in (0, 1)
    if result.exit_code == 1:
        assert stored == []
        assert result.stderr.startswith("Ditolak:") and result.stderr.count("\n") == 1
