"""`retensi`: closed cases past the office's retention period lose their identity — a dry
run by default — and the monev of past months stays what it was."""

from __future__ import annotations

from conftest import NIK, Runner, dump_register, ok_json


def _closed(run: Runner, received: str, closed: str, nama: str) -> str:
    args = ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "PKH tidak cair"]
    nomor = ok_json(run, *args, "--nama", nama, "--nik", NIK, waktu=received)["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH", waktu=closed)
    ok_json(run, "distribusi", nomor, "--jawaban-normatif", "Syarat dijelaskan", waktu=closed)
    ok_json(run, "tutup", nomor, "--hasil", f"Selesai untuk {nama}", waktu=closed)
    return nomor


def _rekap(run: Runner, bulan: str) -> dict:
    report = ok_json(run, "rekap", "--bulan", bulan)
    for key in ("dibuat", "jangkar", "keadaan_per"):
        report.pop(key, None)
    return report


def test_retensi_anonymises_only_what_is_older_than_the_period(run: Runner):
    old = _closed(run, "2020-03-02 09:00", "2020-03-03 10:00", "Lama Sekali")
    edge = _closed(run, "2021-11-01 09:00", "2021-11-19 10:00", "Tepat Lewat")
    young = _closed(run, "2021-11-01 09:30", "2021-11-25 10:00", "Belum Lewat")
    recent = _closed(run, "2024-06-03 09:00", "2024-06-04 10:00", "Baru Saja")
    still_open = ok_json(run, "catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "x",
                         "--nama", "Masih Buka", waktu="2020-03-02 10:00")["nomor"]  # fmt: skip
    months = ("2020-03", "2021-11", "2024-06")
    before = {m: _rekap(run, m) for m in months}

    code, _, err = run("retensi")
    assert code == 1 and err.startswith("Ditolak:") and "kantor --retensi" in err
    assert ok_json(run, "kantor", "--retensi", "5")["retensi_tahun"] == 5
    code, screen, _ = run("kantor")
    assert "Retensi     : 5 tahun" in screen

    dry = dump_register()
    listed = ok_json(run, "retensi")
    assert listed["tahun"] == 5 and listed["dijalankan"] is False
    assert [c["nomor"] for c in listed["kasus"]] == [old, edge]
    assert listed["dianonimkan"] == []
    assert dump_register() == dry  # a dry run writes nothing

    done = ok_json(run, "retensi", "--jalankan")
    assert done["dianonimkan"] == [old, edge]
    for nomor in (old, edge):
        view = ok_json(run, "lihat", nomor)
        assert view["nama"] is None and view["nik"] is None
        assert view["riwayat"][-1]["catatan"] == "Masa retensi 5 tahun berakhir"
    for nomor in (young, recent, still_open):
        assert ok_json(run, "lihat", nomor)["nama"] is not None
    assert {m: _rekap(run, m) for m in months} == before
    assert ok_json(run, "periksa")["masalah"] == []
    dump = dump_register() or ""
    assert "Lama Sekali" not in dump and "Tepat Lewat" not in dump and "Belum Lewat" in dump

    # nothing left to do; --tahun overrides the setting for one run
    assert ok_json(run, "retensi", "--jalankan")["dianonimkan"] == []
    assert [c["nomor"] for c in ok_json(run, "retensi", "--tahun", "2")["kasus"]] == [young, recent]


def test_retensi_refuses_a_silly_period(run: Runner):
    for value in ("0", "101"):
        code, _, err = run("retensi", "--tahun", value)
        assert code == 1 and err.startswith("Ditolak:") and "1–100" in err
        code, _, err = run("kantor", "--retensi", value)
        assert code == 1 and err.startswith("Ditolak:")
