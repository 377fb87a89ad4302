"""`lapor gabung`: the same complaint arrived twice. The duplicate becomes `digabung` (final)
and is counted once, as its main case; `lihat UTAMA` lists every reporter and channel linked
to it (identity masked); an SP4N-LAPOR! duplicate is reported back once the main case is
closed. Also across desks of one register (SPEC §7)."""

from __future__ import annotations

from conftest import HP, NIK, Runner, ok_json, record, refused


def test_a_merged_duplicate_is_counted_once_with_both_reporters_shown(run: Runner, catat):
    main = catat(kanal="whatsapp", nama="Maria Bere", nik=NIK, hp=HP)["nomor"]
    dup = catat(
        kanal="sp4n-lapor", nomor_lapor="LAP2611230012", nama="Yohanes Lado", hp="081311112222"
    )["nomor"]
    assert ok_json(run, "rekap")["diterima"] == 2

    code, out, err = run("gabung", dup, "--ke", main, "--alasan", "Aduan yang sama lewat SP4N")
    assert code == 0, err
    assert out == f"{dup}\n"
    assert err == f"Digabung: {dup} diterima → digabung, kasus utama {main}\n"

    figures = ok_json(run, "rekap")
    assert (figures["diterima"], figures["digabung"]) == (1, 1)
    assert figures["per_kanal"]["whatsapp"] == 1 and figures["per_kanal"]["sp4n-lapor"] == 0
    assert [line["nomor"] for line in ok_json(run, "sla")] == [main]

    shown = ok_json(run, "lihat", main)
    assert [(c["nomor"], c["kanal"], c["nama"], c["hp"]) for c in shown["gabungan"]] == [
        (dup, "sp4n-lapor", "Yohanes Lado", "+62813****2222")
    ]
    assert ok_json(run, "lihat", dup)["digabung_ke"] == main
    code, screen, _ = run("lihat", main)
    assert code == 0
    assert "Aduan ganda" in screen and "Yohanes Lado" in screen and "+62813****2222" in screen
    assert "081311112222" not in screen and "+6281311112222" not in screen
    assert NIK not in screen  # the main reporter too stays masked

    found = ok_json(run, "daftar", "--status", "digabung")
    assert [(v["nomor"], v["status"], v["digabung_ke"]) for v in found] == [(dup, "digabung", main)]


def test_the_linked_sp4n_report_is_reported_back_after_the_main_case_closes(run: Runner, catat):
    main = catat(kanal="surat")["nomor"]
    dup = catat(kanal="sp4n-lapor", nomor_lapor="LAP-1", nama="Yohanes Lado")["nomor"]
    assert run("gabung", dup, "--ke", main, "--alasan", "Sama")[0] == 0
    assert ok_json(run, "daftar", "--belum-dilaporkan") == []
    assert "belum selesai" in refused(run, "laporbalik", dup)
    for step in (
        ["verifikasi", main, "--kategori", "PKH"],
        ["distribusi", main, "--unit", "PFM"],
        ["tindaklanjut", main, "--catatan", "Survei"],
        ["tutup", main, "--hasil", "Bantuan cair"],
    ):
        assert run(*step)[0] == 0
    assert [v["nomor"] for v in ok_json(run, "daftar", "--belum-dilaporkan")] == [dup]
    view = ok_json(run, "laporbalik", dup)
    assert (view["status"], view["dilaporkan_balik"]) == ("digabung", True)
    assert ok_json(run, "daftar", "--belum-dilaporkan") == []
    assert "sudah dilaporkan balik" in refused(run, "laporbalik", dup)


def test_refusals_write_nothing(run: Runner, catat) -> None:
    a, b, c, voided = (catat()["nomor"] for _ in range(4))
    assert run("gabung", b, "--ke", a, "--alasan", "Sama")[0] == 0
    assert run("batal", voided, "--alasan", "Uji")[0] == 0
    assert "dirinya sendiri" in refused(run, "gabung", c, "--ke", c.lower(), "--alasan", "x")
    assert "sudah dibatalkan" in refused(run, "gabung", c, "--ke", voided, "--alasan", "x")
    err = refused(run, "gabung", c, "--ke", b, "--alasan", "x")
    assert f"sendiri sudah digabung ke {a}" in err and f"--ke {a}" in err
    assert "kasus utama bagi" in refused(run, "gabung", a, "--ke", c, "--alasan", "x")
    assert "--alasan wajib" in refused(run, "gabung", c, "--ke", a)
    assert "tidak ada di register" in refused(
        run, "gabung", c, "--ke", "DS-2026-00077", "--alasan", "x"
    )
    code, _, err = run("gabung", c, "--alasan", "x")
    assert code == 2 and "--ke" in err  # usage: the main case is required


def test_merging_across_the_desks_of_a_province(run: Runner, monkeypatch) -> None:
    monkeypatch.delenv("LAPOR_MEJA", raising=False)
    for kode, nama, prefiks in (("kupang", "Kota Kupang", "KPG"), ("belu", "Kab. Belu", "BLU")):
        ok_json(run, "meja", "tambah", kode, "--nama", nama, "--prefiks", prefiks)
    main = record(run, meja="kupang", uraian="Jembatan putus, bantuan tertahan")["nomor"]
    dup = record(run, meja="belu", uraian="Jembatan putus, bantuan tertahan")["nomor"]
    assert (main, dup) == ("KPG-2026-00001", "BLU-2026-00001")
    assert ok_json(run, "gabung", dup, "--ke", main, "--alasan", "Sama")["digabung_ke"] == main
    province = ok_json(run, "rekap")
    assert (province["diterima"], province["digabung"]) == (1, 1)
    assert ok_json(run, "rekap", "--meja", "belu")["diterima"] == 0
    assert ok_json(run, "rekap", "--meja", "kupang")["diterima"] == 1
    assert [c["nomor"] for c in ok_json(run, "lihat", main)["gabungan"]] == [dup]
    assert ok_json(run, "periksa")["masalah"] == []
