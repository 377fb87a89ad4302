"""A person's own data (`pelapor`), restriction (`batasi`/`lepas`) and the access log
(`akses`): who opened or exported whose identity, and when."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from conftest import HP, NIK, Runner, dump_register, ok_json, query_register

NIK_LAIN = "5371010101850002"


def _case(run: Runner, nama: str, **more: str) -> str:
    args = ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "PKH tidak cair"]
    args += ["--nama", nama]
    for key, value in more.items():
        args += [f"--{key}", value]
    return ok_json(run, *args)["nomor"]


def test_pelapor_lists_exactly_one_persons_cases_and_openings(run: Runner, tmp_path: Path):
    first = _case(run, "Siti Aminah", nik=NIK, hp=HP)
    other = _case(run, "Ahmad", nik=NIK_LAIN)
    second = _case(run, "Siti A.", nik=NIK)
    anonymous = ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x",
                        "--anonim")["nomor"]  # fmt: skip
    ok_json(run, "lihat", first, "--lengkap", "--petugas", "Rina")
    ok_json(run, "lihat", other, "--lengkap", "--petugas", "Rina")
    ok_json(run, "lihat", second, "--lengkap", "--petugas", "Dodi", waktu="2026-11-24 08:00")

    report = ok_json(run, "pelapor", "--nik", NIK, waktu="2026-11-25 09:00")
    assert [c["nomor"] for c in report["kasus"]] == [first, second]
    assert report["kasus"][0]["nik"] == NIK and report["kasus"][0]["hp"] == "+6281234567890"
    assert [e["aksi"] for e in report["kasus"][0]["riwayat"]] == ["catat", "lihat-lengkap"]
    assert [(a["nomor"], a["petugas"], a["jenis"]) for a in report["akses"]] == [
        (first, "Rina", "lihat-lengkap"),
        (second, "Dodi", "lihat-lengkap"),
    ]
    assert other not in json.dumps(report) and anonymous not in json.dumps(report)
    # by phone number, in any way it is written
    by_phone = ok_json(run, "pelapor", "--hp", "0812-3456-7890")
    assert [c["nomor"] for c in by_phone["kasus"]] == [first]

    # the file to hand over: owner-only, the same report; the request itself is recorded
    target = tmp_path / "data-siti.json"
    code, out, err = run("pelapor", "--nik", NIK, "--keluaran", str(target))
    assert code == 0, err
    assert first in out and "Laporan ditulis" in err
    handed = json.loads(target.read_text("utf-8"))
    assert [c["nomor"] for c in handed["kasus"]] == [first, second]
    assert stat.S_IMODE(target.stat().st_mode) & 0o077 == 0
    log = ok_json(run, "akses", "--nomor", first)
    assert [r["jenis"] for r in log] == ["lihat-lengkap", "pelapor", "pelapor", "pelapor"]
    assert any(str(target.resolve()) in r["keterangan"] for r in log)
    # the log holds no identity value
    assert not [row for row in query_register("SELECT * FROM akses") if NIK in str(row)]


def test_pelapor_refusals_write_nothing(run: Runner, tmp_path: Path):
    _case(run, "Siti Aminah", nik=NIK)
    before = dump_register()
    for args, word in (
        (["pelapor"], "--nik"),
        (["pelapor", "--nik", NIK, "--hp", HP], "--nik"),
        (["pelapor", "--nik", "12345"], "NIK"),
    ):
        code, out, err = run(*args)
        assert code == 1 and out == "", args
        assert err.startswith("Ditolak:") and word in err and err.count("\n") == 1, err
    existing = tmp_path / "ada.json"
    existing.write_text("{}")
    code, _, err = run("pelapor", "--nik", NIK, "--keluaran", str(existing))
    assert code == 1 and "--timpa" in err
    assert dump_register() == before


def test_a_restricted_case_refuses_lihat_lengkap_and_export_until_lifted(
    run: Runner, tmp_path: Path
):
    nomor = _case(run, "Siti Aminah", nik=NIK, hp=HP)
    other = _case(run, "Ahmad", nik=NIK_LAIN)
    code, _, err = run("batasi", nomor)
    assert code == 1 and "--alasan" in err
    done = ok_json(run, "batasi", nomor, "--alasan", "Pelapor keberatan (Pasal 11)")
    assert done == {"nomor": nomor, "dibatasi": True, "alasan": "Pelapor keberatan (Pasal 11)"}

    before = dump_register()
    code, out, err = run("lihat", nomor, "--lengkap")
    assert code == 1 and out == ""
    assert err.startswith("Ditolak:") and "dibatasi" in err and err.count("\n") == 1
    code, _, err = run("batasi", nomor, "--alasan", "lagi")
    assert code == 1 and "sudah dibatasi" in err
    assert dump_register() == before
    # the masked screen still works
    assert ok_json(run, "lihat", nomor)["nik"] == "3171********0001"

    written = ok_json(run, "ekspor", "--keluaran", str(tmp_path))
    with zipfile.ZipFile(written["berkas"]) as book:
        text = "".join(book.read(n).decode("utf-8") for n in book.namelist())
    assert "Siti Aminah" not in text and "(dibatasi)" in text and "Ahmad" in text
    exported = [(r["nomor"], r["jenis"]) for r in ok_json(run, "akses")]
    assert exported == [(other, "ekspor")]

    ok_json(run, "lepas", nomor)
    assert ok_json(run, "lihat", nomor, "--lengkap")["nik"] == NIK
    code, _, err = run("lepas", nomor)
    assert code == 1 and "tidak sedang dibatasi" in err
    actions = [e["aksi"] for e in ok_json(run, "lihat", nomor)["riwayat"]]
    assert actions == ["catat", "batasi", "lepas", "lihat-lengkap"]
    assert ok_json(run, "periksa")["masalah"] == []


def test_a_restriction_cannot_be_removed_behind_the_registers_back(run: Runner):
    nomor = _case(run, "Siti Aminah", nik=NIK)
    ok_json(run, "batasi", nomor, "--alasan", "Permintaan pelapor")
    query_register("DELETE FROM riwayat WHERE aksi = 'batasi'")
    code, out, _ = run("periksa", "--json")
    assert code == 1 and any("rantai" in p for p in json.loads(out)["masalah"])


def test_akses_filters_by_date_officer_and_number(run: Runner):
    a = _case(run, "Siti", nik=NIK)
    b = _case(run, "Ahmad", nik=NIK_LAIN)
    ok_json(run, "lihat", a, "--lengkap", "--petugas", "Rina", waktu="2026-11-20 09:00")
    ok_json(run, "lihat", b, "--lengkap", "--petugas", "Dodi", waktu="2026-11-21 09:00")
    ok_json(run, "lihat", a, "--lengkap", "--petugas", "Dodi", waktu="2026-11-22 09:00")
    everything = ok_json(run, "akses")
    assert [(r["nomor"], r["petugas"]) for r in everything] == [
        (a, "Rina"),
        (b, "Dodi"),
        (a, "Dodi"),
    ]
    assert [r["nomor"] for r in ok_json(run, "akses", "--petugas", "dodi")] == [b, a]
    assert [r["petugas"] for r in ok_json(run, "akses", "--nomor", a.lower())] == ["Rina", "Dodi"]
    assert len(ok_json(run, "akses", "--sejak", "21/11/2026")) == 2
    code, out, err = run("akses", "--sejak", "kemarin dulu")
    assert code == 1 and err.startswith("Ditolak:")
    code, screen, _ = run("akses")
    assert code == 0 and "Rina" in screen


@pytest.mark.parametrize("command", ["pelapor", "akses", "retensi"])
def test_a_desk_narrows_the_answer(run: Runner, command: str):
    ok_json(run, "meja", "tambah", "kupang", "--nama", "Meja Kupang", "--prefiks", "KPG")
    here = _case(run, "Siti", nik=NIK, meja="utama")
    there = ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x",
                    "--nama", "Siti", "--nik", NIK, "--meja", "kupang")["nomor"]  # fmt: skip
    ok_json(run, "lihat", here, "--lengkap")
    ok_json(run, "lihat", there, "--lengkap")
    if command == "pelapor":
        found = ok_json(run, "pelapor", "--nik", NIK, "--meja", "kupang")["kasus"]
        assert [c["nomor"] for c in found] == [there]
    elif command == "akses":
        assert [r["nomor"] for r in ok_json(run, "akses", "--meja", "kupang")] == [there]
    else:
        assert ok_json(run, "retensi", "--tahun", "1", "--meja", "kupang")["kasus"] == []


def test_a_request_that_finds_nothing_is_recorded_too(run: Runner):
    assert ok_json(run, "pelapor", "--nik", NIK)["kasus"] == []
    log = ok_json(run, "akses")
    assert [(r["jenis"], r["nomor"]) for r in log] == [("pelapor", None)]


def test_an_exemption_is_recorded_and_erases_nothing(run: Runner):
    nomor = _case(run, "Siti Aminah", nik=NIK)
    code, _, err = run("anonimkan", nomor, "--pengecualian", "")
    assert code == 1 and err.startswith("Ditolak:")
    noted = ok_json(
        run, "anonimkan", nomor, "--pengecualian", "Pasal 15 ayat (1): kasus masih ditangani"
    )
    assert noted == {"nomor": nomor, "pengecualian": "Pasal 15 ayat (1): kasus masih ditangani"}
    view = ok_json(run, "lihat", nomor)
    assert view["nama"] == "Siti Aminah" and view["riwayat"][-1]["aksi"] == "pengecualian"
    assert ok_json(run, "periksa")["masalah"] == []
