"""Hostile input: every value is either stored exactly and shown safely, or refused by name."""

from __future__ import annotations

import json
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lapor_cli.cli import app
from lapor_cli.errors import ValidationError
from lapor_cli.validation import validate_case

NOW = datetime(2026, 11, 23, 10, 0)
FIELDS = (
    "kanal",
    "jenis",
    "uraian",
    "nama",
    "nik",
    "kk",
    "hp",
    "email",
    "alamat",
    "diterima",
    "nomor_lapor",
    "nomor_formulir",
    "anonim",
    "rahasia",
)

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
        shown = runner.invoke(app, ["lihat", case["nomor"], "--json"])
        assert shown.exit_code == 0
        view = json.loads(shown.stdout)
        assert view["uraian"] == uraian.replace("\r\n", "\n").replace("\r", "\n").strip()
        assert view["nama"] == nama.strip()
    else:
        assert result.exit_code == 1
        assert result.stderr.startswith("Ditolak:")
        assert result.stderr.count("\n") == 1
