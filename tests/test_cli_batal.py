"""`lapor batal`: a case recorded by mistake is voided (status `dibatalkan`, final): it leaves
`sla`, `rekap` and the monev workbook, stays findable with `daftar --status dibatalkan`, keeps
its number and history; refusals write nothing (SPEC §7)."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from conftest import CASE_KEYS, Runner, ok_json, refused


def test_a_voided_case_is_gone_from_sla_rekap_and_ekspor(run: Runner, catat, tmp_path: Path):
    kept = catat(uraian="PKH belum cair")["nomor"]
    voided = catat(uraian="Uji coba aplikasi")["nomor"]
    assert {line["nomor"] for line in ok_json(run, "sla")} == {kept, voided}
    before = ok_json(run, "rekap")
    assert before["diterima"] == 2 and before["dibatalkan"] == 0

    code, out, err = run("batal", voided, "--alasan", "Data uji coba saat pelatihan")
    assert code == 0, err
    assert out == f"{voided}\n"
    assert err == f"Dibatalkan: {voided} diterima → dibatalkan\n"

    assert [line["nomor"] for line in ok_json(run, "sla")] == [kept]
    after = ok_json(run, "rekap")
    assert (after["diterima"], after["terbuka"], after["dibatalkan"]) == (1, 1, 1)
    assert after["per_status"] == {
        "diterima": 1, "terverifikasi": 0, "diarsipkan": 0, "didisposisikan": 0, "dijawab": 0,
        "ditindaklanjuti": 0, "selesai": 0,
    }  # fmt: skip
    code, screen, _ = run("rekap")
    assert code == 0 and "Dibatalkan karena salah catat" in screen

    written = ok_json(run, "ekspor", "--keluaran", str(tmp_path))
    assert written["kasus"] == 1
    book = openpyxl.load_workbook(written["berkas"])
    listed = [row[0] for row in book["Kasus"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert voided not in listed and kept in listed
    summary = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(values_only=True) if len(r) > 1}
    assert summary["Dibatalkan karena salah catat (tidak dihitung di angka lain)"] == 1

    # still findable, number and history kept; the next case gets the next number
    found = ok_json(run, "daftar", "--status", "dibatalkan")
    assert [v["nomor"] for v in found] == [voided] and CASE_KEYS <= set(found[0])
    assert found[0]["status"] == "dibatalkan"
    history = ok_json(run, "lihat", voided)["riwayat"]
    assert [(e["aksi"], e["ke"]) for e in history] == [
        ("catat", "diterima"),
        ("batal", "dibatalkan"),
    ]
    assert history[-1]["catatan"] == "Dibatalkan: Data uji coba saat pelatihan"
    assert catat()["nomor"] == "DS-2026-00003"
    code, screen, _ = run("daftar", "--status", "dibatalkan")
    assert code == 0 and "dibatalkan" in screen


def test_json_prints_the_voided_case(run: Runner, catat) -> None:
    nomor = catat()["nomor"]
    view = ok_json(run, "batal", nomor, "--alasan", "Formulir diketik dua kali")
    assert CASE_KEYS <= set(view) and view["status"] == "dibatalkan"


def test_refusals_write_nothing(run: Runner, catat) -> None:
    main, dup = catat()["nomor"], catat()["nomor"]
    assert "--alasan wajib" in refused(run, "batal", main)
    assert run("gabung", dup, "--ke", main, "--alasan", "Sama")[0] == 0
    assert "kasus utama bagi" in refused(run, "batal", main, "--alasan", "x")
    assert "final" in refused(run, "batal", dup, "--alasan", "x")
    assert "tidak ada di register" in refused(run, "batal", "DS-2026-00042", "--alasan", "x")
    assert "masa depan" in refused(run, "batal", main, "--alasan", "x", "--pada", "2026-12-01")
    voided = catat()["nomor"]
    assert run("batal", voided, "--alasan", "Uji")[0] == 0
    for args in (
        ["verifikasi", voided, "--kategori", "PKH"],
        ["tunda", voided, "--alasan", "x"],
        ["buka", voided, "--alasan", "x"],
        ["batal", voided, "--alasan", "x"],
    ):
        assert "dibatalkan" in refused(run, *args)
