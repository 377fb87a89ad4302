"""`lapor impor --perbarui`: the changed rows of paper forms imported before become `ubah`
corrections (the reason: the file's name and row) instead of being skipped; without it the
skip warning says how; every correction is checked as `ubah` checks one, and one refused
correction refuses the whole file (SPEC §5, §7; issue 17)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from conftest import dump_register, query_register
from lapor_cli.cli import app
from lapor_cli.importing import run
from test_cli_impor import form, write_csv

runner = CliRunner()


@pytest.fixture(autouse=True, params=["kecil", "besar"])
def way(request, monkeypatch) -> str:
    """A large file is normally checked in a second process while this one writes; with
    --perbarui it is checked first, then written, whatever its size: both must update."""
    monkeypatch.setenv("LAPOR_PETUGAS", "meja-impor")
    if request.param == "besar":
        monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    return request.param


def lapor(*args: object, waktu: str | None = None):
    env = {"LAPOR_WAKTU": waktu} if waktu else None
    return runner.invoke(app, [str(a) for a in args], env=env)


def lapor_json(*args: object, waktu: str | None = None) -> dict:
    result = lapor(*args, "--json", waktu=waktu)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def first(tmp_path):
    """Forms F-00001 and F-00002 imported (received Friday 20 Nov: due Wed 25 Nov)."""
    doc = lapor_json("impor", write_csv(tmp_path / "senin.csv", [form(1), form(2)]))
    assert doc["diimpor"] == 2
    return tmp_path


def test_without_perbarui_the_changed_row_is_skipped_and_the_warning_says_how(first):
    again = write_csv(first / "koreksi.csv", [form(1, uraian="diketik ulang"), form(2)])
    before = dump_register()
    doc = lapor_json("impor", again)
    assert (doc["diimpor"], doc["dilewati"], doc["diperbarui"]) == (0, 2, 0)
    assert "--perbarui" in doc["peringatan"][0]
    assert dump_register() == before


def test_perbarui_corrects_the_case_with_the_file_as_reason(first):
    again = write_csv(
        first / "koreksi.csv",
        [
            form(1, uraian="PKH belum cair sejak Agustus", diterima="2026-11-19 09:15"),
            form(2),
            form(3),
        ],
    )
    result = lapor("impor", again, "--perbarui")
    assert result.exit_code == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert said == (
        "Diimpor: 1 kasus (DS-2026-00003); 1 kasus yang sudah ada dikoreksi (DS-2026-00001); "
        "1 baris dilewati karena sudah ada (di register atau di baris sebelumnya)."
    )
    shown = lapor_json("lihat", "DS-2026-00001")
    assert shown["uraian"] == "PKH belum cair sejak Agustus"
    assert (shown["diterima"], shown["batas_waktu"]) == ("2026-11-19T09:15", "2026-11-24")
    entry = shown["riwayat"][-1]
    assert (entry["aksi"], entry["oleh"]) == ("ubah", "meja-impor")
    assert entry["catatan"] == (
        "Koreksi diterima, uraian: Diperbarui dari berkas impor koreksi.csv, baris 2"
    )
    assert entry["data"]["perubahan"]["diterima"] == {
        "lama": "2026-11-20T09:15",
        "baru": "2026-11-19T09:15",
    }
    # the same file once more: nothing left to change, nothing new
    before = dump_register()
    doc = lapor_json("impor", again, "--perbarui")
    assert (doc["diimpor"], doc["dilewati"], doc["diperbarui"]) == (0, 3, 0)
    assert doc["peringatan"] == []
    assert dump_register() == before
    assert lapor("periksa").exit_code == 0


def test_identity_changes_are_kept_masked_in_the_history(first):
    again = write_csv(first / "koreksi.csv", [form(1, nik="5371010101850002", hp="")])
    doc = lapor_json("impor", again, "--perbarui")
    assert (doc["diperbarui"], doc["nomor_diperbarui"]) == (1, ["DS-2026-00001"])
    assert query_register("SELECT nik, hp FROM kasus WHERE nomor = 'DS-2026-00001'") == [
        ("5371010101850002", None)
    ]
    change = lapor_json("lihat", "DS-2026-00001")["riwayat"][-1]["data"]["perubahan"]
    assert change["nik"] == {"lama": "3171********0001", "baru": "5371********0002"}
    assert change["hp"] == {"lama": "+62812****7890", "baru": None}
    assert "3171014101900001" not in json.dumps(change)


def test_uji_tells_which_cases_would_be_corrected_and_writes_nothing(first):
    again = write_csv(first / "koreksi.csv", [form(1, uraian="diketik ulang"), form(2)])
    before = dump_register()
    result = lapor("impor", again, "--perbarui", "--uji")
    assert result.exit_code == 0, result.stderr
    assert "1 kasus yang sudah ada akan dikoreksi (DS-2026-00001)" in " ".join(
        result.stdout.split()
    )
    assert dump_register() == before


def test_a_refused_correction_refuses_the_whole_file(first):
    """The unit already answered on Monday 23 Nov: the form cannot have arrived on the 24th."""
    assert lapor("verifikasi", "DS-2026-00001", "--kategori", "pkh").exit_code == 0
    lapor("distribusi", "DS-2026-00001", "--unit", "linjamsos")
    again = write_csv(
        first / "koreksi.csv",
        [form(1, diterima="2026-11-23 11:00"), form(3)],
    )
    before = dump_register()
    result = lapor("impor", again, "--perbarui", waktu="2026-11-24 10:00")
    assert result.exit_code == 1
    assert "Kasus DS-2026-00001 tidak dapat diperbarui" in " ".join(result.stdout.split())
    assert result.stderr.startswith("Ditolak: 1 baris bermasalah (baris 2)")
    assert dump_register() == before
    for uji in ((), ("--uji",)):
        doc = json.loads(lapor("impor", again, "--perbarui", "--json", *uji).stdout)
        assert [(e["baris"], e["kolom"]) for e in doc["galat"]] == [(2, "diterima")]
    assert dump_register() == before


def test_a_voided_case_is_not_brought_back_by_a_form(first):
    assert lapor("batal", "DS-2026-00002", "--alasan", "uji coba").exit_code == 0
    again = write_csv(first / "koreksi.csv", [form(2, uraian="diketik ulang")])
    before = dump_register()
    doc = lapor_json("impor", again, "--perbarui")
    assert (doc["diperbarui"], doc["dilewati"]) == (0, 1)
    assert any("DS-2026-00002 tidak diperbarui" in n for n in doc["peringatan"])
    assert dump_register() == before


def test_an_old_corrected_receipt_needs_lama_as_a_new_one_does(first):
    again = write_csv(first / "koreksi.csv", [form(1, diterima="2025-11-20 09:15")])
    before = dump_register()
    result = lapor("impor", again, "--perbarui")
    assert result.exit_code == 1
    assert dump_register() == before
    doc = lapor_json("impor", again, "--perbarui", "--lama")
    assert doc["diperbarui"] == 1
    assert lapor_json("lihat", "DS-2026-00001")["diterima"] == "2025-11-20T09:15"


def test_a_row_already_corrected_by_hand_changes_nothing_and_says_so(first):
    done = lapor("ubah", "DS-2026-00001", "--uraian", "diketik ulang", "--alasan", "x")
    assert done.exit_code == 0, done.stderr
    again = write_csv(first / "koreksi.csv", [form(1, uraian="diketik ulang")])
    before = dump_register()
    doc = lapor_json("impor", again, "--perbarui")
    assert (doc["diperbarui"], doc["dilewati"]) == (0, 1)
    assert any("sudah sama dengan kasus DS-2026-00001" in n for n in doc["peringatan"])
    assert dump_register() == before
