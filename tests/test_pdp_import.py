"""An erased identity does not come back through the bulk import: a paper form imported
before, imported again (also with `--perbarui`), leaves the erased case as it is."""

from __future__ import annotations

from conftest import NIK, dump_register, ok_json
from test_cli_impor import form, write_csv


def test_an_old_form_imported_again_does_not_bring_the_identity_back(run, tmp_path):
    path = write_csv(tmp_path / "senin.csv", [form(1), form(2)])
    assert ok_json(run, "impor", str(path), "--lama")["diimpor"] == 2
    ok_json(run, "anonimkan", "DS-2026-00001", "--alasan", "Permintaan pelapor", "--paksa")

    again = ok_json(run, "impor", str(path), "--lama")
    assert (again["diimpor"], again["diperbarui"]) == (0, 0)
    updated = ok_json(run, "impor", str(path), "--lama", "--perbarui")
    assert (updated["diimpor"], updated["diperbarui"]) == (0, 0)
    assert any("sudah dihapus" in note for note in updated["peringatan"])
    assert ok_json(run, "lihat", "DS-2026-00001")["nama"] is None
    assert ok_json(run, "periksa")["masalah"] == []
    assert "Pelapor 1" not in (dump_register() or "")
    assert [c["nomor"] for c in ok_json(run, "pelapor", "--nik", NIK)["kasus"]] == ["DS-2026-00002"]
