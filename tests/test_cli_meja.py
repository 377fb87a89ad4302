"""Several desks on one register (`lapor meja`, `--meja`, `LAPOR_MEJA`, `--semua-meja`), as a
province would use them: each desk records under its own number prefix; lists, `sla` and the
monev cover one desk or all of them. Runs on SQLite and (in CI) on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from conftest import Runner, ok_json, query_register, record, refused

KUPANG = ("kupang", "Dinas Sosial Kota Kupang", "kpg")
BELU = ("belu", "Dinas Sosial Kabupaten Belu", "BLU")


def add_desk(run: Runner, kode: str, nama: str, prefiks: str) -> dict:
    return ok_json(run, "meja", "tambah", kode, "--nama", nama, "--prefiks", prefiks)


@pytest.fixture
def province(run: Runner, monkeypatch) -> dict[str, list[str]]:
    """A register with desks utama, kupang and belu, and cases at each: numbers by desk."""
    monkeypatch.delenv("LAPOR_MEJA", raising=False)
    add_desk(run, *KUPANG)
    add_desk(run, *BELU)
    numbers: dict[str, list[str]] = {"utama": [], "kupang": [], "belu": []}
    for desk, count in (("kupang", 3), ("belu", 2), ("utama", 1)):
        for i in range(count):
            case = record(run, meja=desk, uraian=f"Aduan {desk} {i}", diterima="2026-11-20")
            numbers[desk].append(case["nomor"])
    return numbers


def numbers_of(views: list[dict]) -> set[str]:
    return {view["nomor"] for view in views}


# -- one desk: nothing changes for an office on its own ----------------------------------------


def test_a_register_starts_with_one_desk_that_needs_no_choosing(run: Runner):
    assert ok_json(run, "meja") == [
        {"kode": "utama", "nama": "Dinas Sosial", "prefiks": "DS", "kasus": 0, "terbuka": 0}
    ]
    assert record(run)["nomor"] == "DS-2026-00001"
    assert record(run)["meja"] == "utama"
    assert ok_json(run, "meja")[0]["kasus"] == 2
    doc = ok_json(run, "rekap")
    assert doc["meja"] is None and "per_meja" not in doc


def test_kantor_sets_the_only_desks_prefix_and_name_until_its_first_case(run: Runner):
    view = ok_json(run, "kantor", "--prefiks", "dinsos", "--nama", "Dinas Sosial Kota Kupang")
    assert view["prefiks"] == "DINSOS" and view["meja"] == "utama"
    code, out, _ = run("kantor", "--nama", "Dinsos Kota Kupang")
    assert code == 0 and "Meja        : utama — Dinsos Kota Kupang" in out  # the new name
    ok_json(run, "kantor", "--nama", "Dinas Sosial Kota Kupang")
    assert ok_json(run, "meja")[0]["nama"] == "Dinas Sosial Kota Kupang"
    assert record(run)["nomor"] == "DINSOS-2026-00001"
    err = refused(run, "kantor", "--prefiks", "DS")
    assert "sudah dipakai 1 kasus" in err
    assert ok_json(run, "kantor", "--prefiks", "dinsos")["prefiks"] == "DINSOS"  # unchanged


# -- adding and changing desks -----------------------------------------------------------------


def test_each_desk_numbers_its_own_cases_from_one(run: Runner, province):
    assert province == {
        "kupang": ["KPG-2026-00001", "KPG-2026-00002", "KPG-2026-00003"],
        "belu": ["BLU-2026-00001", "BLU-2026-00002"],
        "utama": ["DS-2026-00001"],
    }
    desks = {d["kode"]: d for d in ok_json(run, "meja")}
    assert desks["kupang"] == {
        "kode": "kupang",
        "nama": "Dinas Sosial Kota Kupang",
        "prefiks": "KPG",
        "kasus": 3,
        "terbuka": 3,
    }
    assert [desks[k]["kasus"] for k in ("belu", "utama")] == [2, 1]
    assert ok_json(run, "lihat", "KPG-2026-00002")["meja"] == "kupang"
    rows = query_register(
        "SELECT meja, prefiks, urut FROM kasus WHERE meja = ? ORDER BY urut", "belu"
    )
    assert rows == [("belu", "BLU", 1), ("belu", "BLU", 2)]
    assert ok_json(run, "periksa")["masalah"] == []


def test_lapor_meja_env_chooses_the_desk_and_the_option_wins(run: Runner, province, monkeypatch):
    monkeypatch.setenv("LAPOR_MEJA", "belu")
    assert record(run)["nomor"] == "BLU-2026-00003"
    assert record(run, meja="kupang")["nomor"] == "KPG-2026-00004"
    assert record(run, meja="KUPANG ")["nomor"] == "KPG-2026-00005"  # as typed


def test_recording_on_several_desks_without_choosing_one_is_refused(run: Runner, province):
    err = refused(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x",
                  "--nama", "Siti")  # fmt: skip
    assert "3 meja (belu, kupang, utama)" in err and "--meja" in err and "LAPOR_MEJA" in err
    err = refused(run, "catat", "--meja", "sikka", "--kanal", "surat", "--jenis", "aduan",
                  "--uraian", "x", "--nama", "Siti")  # fmt: skip
    assert "Meja 'sikka' tidak ada" in err and "belu, kupang, utama" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["meja", "tambah", "Kota Kupang", "--nama", "X", "--prefiks", "KK"], "Kode meja"),
        (["meja", "tambah", "kupang-", "--nama", "X", "--prefiks", "KK"], "Kode meja"),
        (["meja", "tambah", "kupang", "--nama", "X", "--prefiks", "KK"], "sudah ada"),
        (["meja", "tambah", "sikka", "--nama", "X", "--prefiks", "kpg"], "dipakai meja kupang"),
        (["meja", "tambah", "sikka", "--nama", "X", "--prefiks", "S/K"], "Prefiks"),
        (["meja", "tambah", "sikka", "--nama", "  ", "--prefiks", "SKA"], "Nama meja"),
        (["meja", "ubah", "kupang", "--prefiks", "KUP"], "sudah dipakai 3 kasus"),
        (["meja", "ubah", "kupang", "--prefiks", "BLU"], "sudah dipakai"),
        (["meja", "ubah", "sikka", "--nama", "X"], "Meja 'sikka' tidak ada"),
        (["meja", "ubah", "kupang"], "Tidak ada yang diubah"),
        (["kantor", "--prefiks", "DSX"], "pilih mejanya"),
        (["meja", "hapus", "kupang"], "sudah punya 3 kasus"),
        (["meja", "hapus", "sikka"], "Meja 'sikka' tidak ada"),
    ],
)
def test_bad_desk_changes_are_refused_and_write_nothing(
    run: Runner, province, args: list[str], expected: str
):
    assert expected in refused(run, *args)


def test_a_desk_without_cases_may_change_its_prefix_and_any_desk_its_name(run: Runner, province):
    add_desk(run, "sikka", "Dinsos Sikka", "SK")
    assert ok_json(run, "meja", "ubah", "sikka", "--prefiks", "ska")["prefiks"] == "SKA"
    renamed = ok_json(run, "meja", "ubah", "kupang", "--nama", "Dinsos  Kota Kupang")
    assert renamed == {"kode": "kupang", "nama": "Dinsos Kota Kupang", "prefiks": "KPG"}
    assert record(run, meja="sikka")["nomor"] == "SKA-2026-00001"
    err = refused(run, "meja", "tambah", "x", "--nama", "X", "--prefiks", "ds")
    assert "Awalan DS sudah dipakai meja utama" in err


def test_a_desk_added_by_mistake_can_be_removed_but_not_the_last(run: Runner):
    add_desk(run, "kupnag", "Salah ketik", "KPX")
    assert ok_json(run, "meja", "hapus", "kupnag")["kode"] == "kupnag"
    assert [d["kode"] for d in ok_json(run, "meja")] == ["utama"]
    assert "satu-satunya meja" in refused(run, "meja", "hapus", "utama")
    add_desk(run, "kupang", "Dinas Sosial Kota Kupang", "KPX")  # the prefix is free again
    assert record(run, meja="kupang")["nomor"] == "KPX-2026-00001"


def test_meja_lists_desks_on_screen(run: Runner, province):
    code, out, err = run("meja")
    assert code == 0, err
    assert "kupang" in out and "Dinas Sosial Kota Kupang" in out and "KPG" in out
    assert "--meja KODE" in err


# -- reading: one desk, or all of them -----------------------------------------------------------


def test_daftar_and_sla_cover_the_chosen_desk_or_all(run: Runner, province, monkeypatch):
    every = {n for numbers in province.values() for n in numbers}
    assert numbers_of(ok_json(run, "daftar")) == every
    assert numbers_of(ok_json(run, "daftar", "--meja", "kupang")) == set(province["kupang"])
    assert numbers_of(ok_json(run, "sla")) == every
    assert numbers_of(ok_json(run, "sla", "--meja", "belu")) == set(province["belu"])
    monkeypatch.setenv("LAPOR_MEJA", "belu")
    assert numbers_of(ok_json(run, "daftar")) == set(province["belu"])
    assert numbers_of(ok_json(run, "daftar", "--semua-meja")) == every
    assert numbers_of(ok_json(run, "sla", "--semua-meja")) == every
    code, out, _ = run("sla")
    assert code == 0 and "BLU-2026-00001" in out and "KPG-2026-00001" not in out
    code, _, err = run("daftar", "--meja", "sikka")
    assert code == 1 and "Meja 'sikka' tidak ada" in err


def test_rekap_of_one_desk_and_of_the_province(run: Runner, province):
    kupang = ok_json(run, "rekap", "--meja", "kupang")
    assert kupang["meja"] == "kupang" and kupang["kantor"] == "Dinas Sosial Kota Kupang"
    assert kupang["diterima"] == 3 and "per_meja" not in kupang
    province_wide = ok_json(run, "rekap")
    assert province_wide["meja"] is None and province_wide["diterima"] == 6
    assert province_wide["per_meja"] == [
        {"meja": kode, "nama": nama, "diterima": n, "selesai": 0, "tepat_waktu": 0,
         "porsi_tepat_waktu": None, "terlambat": 0, "rata_hari_kerja": None}
        for kode, nama, n in (
            ("belu", "Dinas Sosial Kabupaten Belu", 2),
            ("kupang", "Dinas Sosial Kota Kupang", 3),
            ("utama", "Dinas Sosial", 1),
        )
    ]  # fmt: skip
    code, out, err = run("rekap")
    assert code == 0, err
    assert "Per meja" in out and "Semua meja (3" in out


def _summary(book) -> dict:
    return {r[0]: r[1] for r in book["Ringkasan"].iter_rows(values_only=True) if len(r) > 1}


def test_ekspor_of_the_province_has_a_sheet_per_desk(
    run: Runner, province, tmp_path: Path, monkeypatch
):
    target = tmp_path / "ntt.xlsx"
    doc = ok_json(run, "ekspor", "--keluaran", str(target))
    assert doc["lembar"] == ["Ringkasan", "Per unit", "Per meja", "Kasus", "Terlambat", "Terbawa"]
    book = openpyxl.load_workbook(target, read_only=True)
    assert book.sheetnames == doc["lembar"]
    desks = [row for row in book["Per meja"].iter_rows(values_only=True)]
    assert desks[0][:2] == ("Meja", "Diterima")
    assert [(r[0], r[1]) for r in desks[1:4]] == [
        ("belu — Dinas Sosial Kabupaten Belu", 2),
        ("kupang — Dinas Sosial Kota Kupang", 3),
        ("utama — Dinas Sosial", 1),
    ]
    assert desks[4][:2] == ("Jumlah", 6)
    summary = {
        row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if len(row) > 1
    }
    assert summary["Meja"].startswith("Semua meja (3")

    one = tmp_path / "kupang.xlsx"
    doc = ok_json(run, "ekspor", "--meja", "kupang", "--keluaran", str(one))
    assert "Per meja" not in doc["lembar"] and doc["kasus"] == 3
    monkeypatch.chdir(tmp_path)  # the default name says which desk
    assert ok_json(run, "ekspor", "--meja", "belu")["berkas"].endswith("monev-2026-11-belu.xlsx")
    assert ok_json(run, "ekspor")["berkas"].endswith("monev-2026-11.xlsx")
    book = openpyxl.load_workbook(one, read_only=True)
    rows = list(book["Kasus"].iter_rows(values_only=True))
    column = rows[0].index("Nomor")
    cases = [row[column] for row in rows[1:] if row and row[column]]
    assert sorted(cases) == province["kupang"]
    summary = {
        row[0]: row[1] for row in book["Ringkasan"].iter_rows(values_only=True) if len(row) > 1
    }
    assert summary["Kantor"] == "Dinas Sosial Kota Kupang"
    assert summary["Meja"].startswith("kupang — ")


# -- import: per desk ------------------------------------------------------------------------------


def test_import_goes_to_the_chosen_desk_and_form_numbers_are_per_desk(
    run: Runner, province, tmp_path: Path
):
    path = tmp_path / "formulir.csv"
    path.write_text(
        "nomor_formulir,diterima,kanal,jenis,uraian,nama\n"
        "F-001,2026-11-20,kotak-saran,aduan,PKH belum cair,Siti Aminah\n"
        "F-002,2026-11-20,surat,aspirasi,Loket dibuka Sabtu,Budi Santoso\n",
        "utf-8",
    )
    err = refused(run, "impor", str(path))
    assert "pilih mejanya" in err
    first = ok_json(run, "impor", str(path), "--meja", "kupang")
    assert (first["diimpor"], first["nomor_awal"]) == (2, "KPG-2026-00004")
    # Another office's paper forms may carry the same form numbers: they are its own.
    other = ok_json(run, "impor", str(path), "--meja", "belu")
    assert (other["diimpor"], other["nomor_akhir"]) == (2, "BLU-2026-00004")
    again = ok_json(run, "impor", str(path), "--meja", "kupang")
    assert (again["diimpor"], again["dilewati"]) == (0, 2)
    uji = ok_json(run, "impor", str(path), "--meja", "utama", "--uji")
    assert (uji["diimpor"], uji["dilewati"]) == (2, 0)
    assert ok_json(run, "periksa")["masalah"] == []


# -- integrity -------------------------------------------------------------------------------------


def test_periksa_finds_a_case_moved_to_another_desk(run: Runner, province):
    query_register("UPDATE kasus SET meja = 'belu' WHERE nomor = 'KPG-2026-00002'")
    code, out, _ = run("periksa", "--json")
    assert code == 1
    problems = json.loads(out)["masalah"]
    assert any("meja kasus" in p and "KPG-2026-00002" in p for p in problems), problems
