"""`anonimkan`: an identity erased for good — the case, its figures and its history chain
stay; no byte of the NIK, phone or name stays in the register file (free pages and WAL
too) nor in later exports; `periksa` still passes."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest

from conftest import BACKEND, HP, NIK, Runner, dump_register, ok_json, query_register

NAMA = "Siti Aminah"
HP_E164 = "+6281234567890"
SECRETS = (NIK, HP_E164, HP, "81234567890", NAMA, "siti@contoh.id", "Jl. Melati 5")


def _closed_case(run: Runner, *, waktu: str = "2026-10-05 09:00") -> str:
    """A case of October 2026 with a whole identity (and the NIK, phone and name typed into
    its text too), walked to `selesai`."""
    day = waktu[:10]
    case = ok_json(
        run,
        "catat",
        "--kanal", "surat", "--jenis", "aduan",
        "--uraian", f"Saya {NAMA}, NIK {NIK}, HP {HP}: PKH tidak cair",
        "--nama", NAMA, "--nik", NIK, "--hp", HP,
        "--email", "siti@contoh.id", "--alamat", "Jl. Melati 5",
        waktu=waktu,
    )  # fmt: skip
    nomor = case["nomor"]
    for step in (
        ["verifikasi", nomor, "--kategori", "PKH"],
        ["distribusi", nomor, "--unit", "PFM"],
        ["tindaklanjut", nomor, "--catatan", "Survei lapangan"],
        ["tutup", nomor, "--hasil", f"Bantuan untuk {NAMA} sudah cair"],
        ["nilai", nomor, "--skor", "4"],
    ):
        ok_json(run, *step, waktu=f"{day} 15:00")
    return nomor


def _register_bytes() -> bytes:
    db = Path(os.environ["LAPOR_DB"])
    found = b""
    for suffix in ("", "-wal", "-journal"):
        path = Path(f"{db}{suffix}")
        if path.exists():
            found += path.read_bytes()
    return found


def _rekap(run: Runner, bulan: str) -> dict:
    report = ok_json(run, "rekap", "--bulan", bulan)
    for key in ("dibuat", "jangkar", "keadaan_per"):
        report.pop(key, None)
    return report


def test_anonimkan_erases_the_identity_and_keeps_the_case_its_figures_and_chain(run: Runner):
    nomor = _closed_case(run)
    other = ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Lain",
                    "--nama", "Ahmad", "--nik", "5371010101850002")["nomor"]  # fmt: skip
    assert ok_json(run, "lihat", nomor, "--lengkap")["nik"] == NIK  # an opening
    before = _rekap(run, "2026-10")
    entries_before = query_register(
        "SELECT r.id, r.hash FROM riwayat r JOIN kasus k ON k.id = r.kasus_id "
        "WHERE k.nomor = ? ORDER BY r.id",
        nomor,
    )

    code, out, err = run("anonimkan", nomor, "--alasan", "Permintaan pelapor (Pasal 8)")
    assert code == 0, err
    assert out == f"{nomor}\n"
    assert "Identitas dihapus" in err

    view = ok_json(run, "lihat", nomor)
    assert {k: view[k] for k in ("nama", "nik", "kk", "hp", "email", "alamat")} == dict.fromkeys(
        ("nama", "nik", "kk", "hp", "email", "alamat")
    )
    assert view["status"] == "selesai" and view["skor"] == 4
    assert NIK not in view["uraian"] and NAMA not in view["uraian"]
    last = view["riwayat"][-1]
    assert last["aksi"] == "anonimkan" and last["catatan"] == "Permintaan pelapor (Pasal 8)"
    assert last["data"]["kolom"] == ["nama", "nik", "hp", "email", "alamat"]
    # the earlier entries are as they were: the chain still verifies
    assert (
        query_register(
            "SELECT r.id, r.hash FROM riwayat r JOIN kasus k ON k.id = r.kasus_id "
            "WHERE k.nomor = ? ORDER BY r.id",
            nomor,
        )[: len(entries_before)]
        == entries_before
    )
    assert ok_json(run, "periksa")["masalah"] == []
    assert _rekap(run, "2026-10") == before
    # the salt and the import's unsalted fingerprint are gone; the erasure is logged
    assert query_register("SELECT garam, sidik FROM kasus WHERE nomor = ?", nomor) == [(None, None)]
    logged = query_register("SELECT nomor, oleh, alasan FROM penghapusan")
    assert logged == [(nomor, "Petugas Uji", "Permintaan pelapor (Pasal 8)")]
    # the other reporter is untouched
    assert ok_json(run, "lihat", other, "--lengkap")["nik"] == "5371010101850002"
    dump = dump_register() or ""
    for secret in SECRETS:
        assert secret not in dump, secret


@pytest.mark.sqlite_only
def test_no_byte_of_the_erased_identity_stays_in_the_file_nor_in_a_later_export(
    run: Runner, tmp_path: Path
):
    nomor = _closed_case(run)
    ok_json(run, "lihat", nomor, "--lengkap")
    raw = _register_bytes()
    assert NIK.encode() in raw and NAMA.encode() in raw  # the test can see them

    assert run("anonimkan", nomor, "--alasan", "Tujuan pemrosesan selesai")[0] == 0
    raw = _register_bytes()
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    assert ok_json(run, "periksa")["masalah"] == []

    written = ok_json(run, "ekspor", "--bulan", "2026-10", "--keluaran", str(tmp_path))
    with zipfile.ZipFile(written["berkas"]) as book:
        text = "".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    for secret in (NIK, NAMA, "3171********0001"):
        assert secret not in text


def test_an_open_case_is_refused_without_paksa_and_nothing_is_written(run: Runner):
    nomor = ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x",
                    "--nama", NAMA, "--nik", NIK)["nomor"]  # fmt: skip
    before = dump_register()
    code, out, err = run("anonimkan", nomor, "--alasan", "Permintaan pelapor")
    assert code == 1 and out == ""
    assert err.startswith("Ditolak:") and "--paksa" in err and err.count("\n") == 1
    code, _, err = run("anonimkan", nomor)
    assert code == 1 and "--alasan" in err
    assert dump_register() == before

    done = ok_json(run, "anonimkan", nomor, "--alasan", "Permintaan pelapor", "--paksa")
    assert done["nomor"] == nomor and "nik" in done["kolom"]
    assert ok_json(run, "lihat", nomor)["riwayat"][-1]["data"]["paksa"] is True
    # a case can still be handled after its identity is gone, and the chain still holds
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    assert ok_json(run, "periksa")["masalah"] == []

    before = dump_register()
    code, _, err = run("anonimkan", nomor, "--alasan", "lagi")
    assert code == 1 and err.startswith("Ditolak:") and "sudah dihapus" in err
    assert dump_register() == before


def test_a_pelapor_request_no_longer_finds_an_erased_case(run: Runner):
    nomor = _closed_case(run)
    assert [c["nomor"] for c in ok_json(run, "pelapor", "--nik", NIK)["kasus"]] == [nomor]
    ok_json(run, "anonimkan", nomor, "--alasan", "Permintaan pelapor")
    assert ok_json(run, "pelapor", "--nik", NIK)["kasus"] == []
    assert ok_json(run, "daftar", "--cari", NIK) == []


@pytest.mark.sqlite_only
def test_a_restore_of_an_older_backup_erases_again(run: Runner, tmp_path: Path):
    nomor = _closed_case(run)
    backup = tmp_path / "sebelum.db"
    assert run("cadangan", str(backup))[0] == 0
    ok_json(run, "anonimkan", nomor, "--alasan", "Permintaan pelapor")

    done = ok_json(run, "cadangan", "--pulihkan", str(backup), "--ya", waktu="2026-11-23 11:00")
    assert done["dianonimkan_ulang"] == [nomor]
    assert ok_json(run, "lihat", nomor)["nik"] is None
    assert ok_json(run, "periksa")["masalah"] == []
    raw = _register_bytes()
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    # the log of the replaced register is kept, with the restore's own entry beside it
    assert [row[0] for row in query_register("SELECT nomor FROM penghapusan")] == [nomor, nomor]
    # a second restore of the same backup still erases it
    done = ok_json(run, "cadangan", "--pulihkan", str(backup), "--ya", waktu="2026-11-23 12:00")
    assert done["dianonimkan_ulang"] == [nomor]


def test_pindah_carries_the_erasure_and_access_logs(
    run: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    if BACKEND == "postgresql":
        pytest.skip("pindah from a server is covered by test_postgres")
    nomor = _closed_case(run)
    ok_json(run, "pelapor", "--nik", NIK)
    ok_json(run, "anonimkan", nomor, "--alasan", "Permintaan pelapor")
    target = tmp_path / "pindahan.db"
    moved = ok_json(run, "pindah", "--ke", str(target))
    assert moved["jumlah"]["penghapusan"] == 1 and moved["jumlah"]["akses"] == 1
    monkeypatch.setenv("LAPOR_DB", str(target))
    assert ok_json(run, "periksa")["masalah"] == []
    assert [r["jenis"] for r in ok_json(run, "akses", "--nomor", nomor)] == ["pelapor"]
    assert ok_json(run, "lihat", nomor)["nik"] is None


def test_anonimkan_json_is_one_document(run: Runner):
    nomor = _closed_case(run)
    code, out, err = run("anonimkan", nomor, "--alasan", "Permintaan pelapor", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["nomor"] == nomor and set(doc["teks"]) == {"uraian", "hasil"}


def test_earlier_entries_are_blanked_and_still_verified(run: Runner):
    nomor = ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x",
                    "--nama", "Siti Aminah", "--nik", NIK)["nomor"]  # fmt: skip
    ok_json(run, "ubah", nomor, "--nama", NAMA + " Binti Umar", "--alasan", "Nama lengkap")
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    ok_json(run, "distribusi", nomor, "--unit", "PFM")
    ok_json(run, "tindaklanjut", nomor, "--catatan", f"Ditelepon ke {HP}, NIK {NIK} cocok")
    done = ok_json(run, "anonimkan", nomor, "--alasan", "Permintaan pelapor", "--paksa")
    assert done["riwayat_disamarkan"] == 2
    entries = ok_json(run, "lihat", nomor, "--lengkap")["riwayat"]
    changed = next(e for e in entries if e["aksi"] == "ubah")["data"]["perubahan"]["nama"]
    assert changed == {"lama": "[dihapus]", "baru": "[dihapus]"}
    note = next(e for e in entries if e["aksi"] == "tindaklanjut")["catatan"]
    assert note == "Ditelepon ke [dihapus], NIK [dihapus] cocok"
    assert ok_json(run, "periksa")["masalah"] == []
    dump = dump_register() or ""
    for secret in (NIK, HP_E164, HP, NAMA, "S*** A*****"):
        assert secret not in dump, secret

    # a blanked entry is held to what the erasure left
    query_register(
        "UPDATE riwayat SET catatan = 'Ditelepon ke 0811111111' WHERE aksi = 'tindaklanjut'"
    )
    code, out, _ = run("periksa", "--json")
    assert code == 1
    assert any("setelah disamarkan" in p for p in json.loads(out)["masalah"])


def test_anonimkan_removes_the_cases_attachments_and_their_bytes(run: Runner, tmp_path: Path):
    """The reporter's papers (a scan of the KK) are personal data: they go with the identity;
    content another case still holds stays; periksa knows they left on purpose."""
    nomor = _closed_case(run)
    other = _closed_case(run, waktu="2026-10-06 09:00")
    scan = tmp_path / "kk-siti.txt"
    scan.write_text(f"Kartu Keluarga {NAMA} {NIK} ZZ-ISI-LAMPIRAN-UNIK\n", encoding="utf-8")
    shared = tmp_path / "surat-bersama.txt"
    shared.write_text("Surat edaran penyaluran PKH tahap 4\n", encoding="utf-8")
    assert run("lampiran", "tambah", nomor, str(scan), str(shared))[0] == 0
    assert run("lampiran", "tambah", other, str(shared))[0] == 0
    if BACKEND == "sqlite":
        assert b"ZZ-ISI-LAMPIRAN-UNIK" in _register_bytes()  # the test can see it

    code, out, err = run("anonimkan", nomor, "--alasan", "Permintaan pelapor")
    assert code == 0, err
    assert "2 lampiran (berkas pelapor) dihapus" in err
    assert ok_json(run, "lihat", nomor)["lampiran"] == []
    assert len(ok_json(run, "lihat", other)["lampiran"]) == 1  # the shared content stays
    assert ok_json(run, "periksa")["masalah"] == []
    assert query_register("SELECT count(*) FROM lampiran_isi") == [(1,)]
    if BACKEND == "sqlite":
        assert b"ZZ-ISI-LAMPIRAN-UNIK" not in _register_bytes()
