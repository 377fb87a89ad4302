"""`lapor buka`: the reporter disputes the answer of a closed case; it goes back to its unit
with a new follow-up stage deadline from the reopening; the earlier closing stays in the
history; `rekap` counts reopened cases (SPEC §7)."""

from __future__ import annotations

import openpyxl

from conftest import CASE_KEYS, Runner, ok_json, refused


def closed_case(run: Runner, catat) -> str:
    nomor = catat(diterima="2026-11-17 09:00")["nomor"]
    for step in (
        ["verifikasi", nomor, "--kategori", "PKH", "--pada", "2026-11-17 10:00"],
        ["distribusi", nomor, "--unit", "PFM", "--pada", "2026-11-17 11:00"],
        ["tindaklanjut", nomor, "--catatan", "Survei", "--pada", "2026-11-18 10:00"],
        ["tutup", nomor, "--hasil", "Bantuan cair", "--pada", "2026-11-19 10:00"],
        ["nilai", nomor, "--skor", "2", "--pada", "2026-11-20 10:00"],
    ):
        code, _, err = run(*step)
        assert code == 0, err
    return nomor


def test_a_reopened_case_goes_back_to_its_unit(run: Runner, catat, tmp_path) -> None:
    nomor = closed_case(run, catat)
    assert ok_json(run, "rekap")["selesai"] == 1
    code, out, err = run("buka", nomor, "--alasan", "Pelapor: bantuan belum masuk rekening")
    assert code == 0, err
    assert out == f"{nomor}\n"
    assert err == (
        f"Dibuka kembali: {nomor} selesai → didisposisikan; batas waktu Senin, 30 November 2026\n"
    )
    view = ok_json(run, "lihat", nomor)
    assert (view["status"], view["dibuka"], view["batas_waktu"]) == (
        "didisposisikan",
        "2026-11-23T10:00",
        "2026-11-30",
    )
    assert (view["hasil"], view["ditutup"], view["skor"]) == (None, None, None)
    assert [e["aksi"] for e in view["riwayat"]][-3:] == ["tutup", "nilai", "buka"]
    assert view["riwayat"][-1]["catatan"] == (
        "Dibuka kembali, kembali ke Bidang Penanganan Fakir Miskin: "
        "Pelapor: bantuan belum masuk rekening"
    )
    (line,) = ok_json(run, "sla")
    assert (line["nomor"], line["tahap"], line["tahap_batas"], line["terlambat"]) == (
        nomor,
        "tindak lanjut",
        "2026-11-30",
        False,
    )
    explained = ok_json(run, "sla", nomor, "--jelaskan")
    assert explained["aturan"] == "dibuka kembali 23/11/2026: 5 hari kerja tahap tindak lanjut"
    assert (explained["hari"][0]["tanggal"], explained["hari"][0]["keterangan"]) == (
        "2026-11-23",
        "dibuka kembali",
    )
    assert "tidak diperpanjang" in refused(run, "perpanjang", nomor, "--alasan", "x")
    figures = ok_json(run, "rekap")
    assert (figures["dibuka_kembali"], figures["selesai"], figures["terbuka"]) == (1, 0, 1)
    written = ok_json(run, "ekspor", "--keluaran", str(tmp_path))
    book = openpyxl.load_workbook(written["berkas"])
    summary = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(values_only=True) if len(r) > 1}
    assert summary["Dibuka kembali (pelapor keberatan atas jawaban)"] == 1

    # handled again, closed and rated anew
    assert (
        run("tindaklanjut", nomor, "--catatan", "Rekening diperbaiki", waktu="2026-11-25 10:00")[0]
        == 0
    )
    view = ok_json(run, "tutup", nomor, "--hasil", "Cair 25/11", waktu="2026-11-25 11:00")
    assert (view["status"], view["tepat_waktu"]) == ("selesai", True)
    assert ok_json(run, "nilai", nomor, "--skor", "5", waktu="2026-11-25 12:00")["skor"] == 5
    assert ok_json(run, "periksa", waktu="2026-11-25 12:00")["masalah"] == []


def test_json_and_refusals(run: Runner, catat) -> None:
    nomor = closed_case(run, catat)
    open_case = catat()["nomor"]
    assert "--alasan wajib" in refused(run, "buka", nomor)
    assert "`buka` hanya untuk kasus 'selesai'" in refused(run, "buka", open_case, "--alasan", "x")
    assert "sebelum langkah `nilai`" in refused(
        run, "buka", nomor, "--alasan", "x", "--pada", "2026-11-20 09:00"
    )
    view = ok_json(run, "buka", nomor, "--alasan", "Keberatan", "--pada", "2026-11-21 09:00")
    assert CASE_KEYS <= set(view) and view["dibuka"] == "2026-11-21T09:00"
    assert view["batas_waktu"] == "2026-11-30"  # Saturday: day 0 is Mon 23, then 5 working days
    assert "hanya untuk kasus 'selesai'" in refused(run, "buka", nomor, "--alasan", "lagi")
