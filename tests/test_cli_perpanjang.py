"""`lapor perpanjang`: the one extension a rule grants (UU 14/2008: 10 + 7 working days)."""

from __future__ import annotations

import pytest

from conftest import ok_json
from lapor_cli.errors import StatusError, ValidationError
from lapor_cli.workflow import Status, extend


@pytest.fixture
def informasi(run, catat) -> str:
    assert run("profil", "kemensos-uu14")[0] == 0
    case = catat(jenis="informasi", kanal="email", waktu="2026-11-23 10:00")
    assert case["batas_waktu"].startswith("2026-12-07")  # 10 working days
    return case["nomor"]


def test_extension_adds_seven_working_days_once(run, informasi) -> None:
    view = ok_json(
        run, "perpanjang", informasi, "--alasan", "Data dari 3 kecamatan", waktu="2026-11-30 10:00"
    )
    assert view["batas_waktu"].startswith("2026-12-16")  # 8,9,10,11,14,15,16 Dec
    assert view["sla"]["diperpanjang"] is True
    shown = ok_json(run, "lihat", informasi)
    assert shown["riwayat"][-1]["aksi"] == "perpanjang"
    assert shown["riwayat"][-1]["catatan"] == "Diperpanjang 7 hari kerja: Data dari 3 kecamatan"
    (line,) = ok_json(run, "sla", waktu="2026-11-30 10:00")
    assert line["batas_waktu"] == "2026-12-16"
    explained = ok_json(run, "sla", informasi, "--jelaskan", waktu="2026-11-30 10:00")
    assert explained["batas_waktu"].startswith("2026-12-16")

    code, _, err = run("perpanjang", informasi, "--alasan", "lagi", waktu="2026-12-01 10:00")
    assert code == 1 and "sudah pernah diperpanjang" in err


def test_refusals_write_nothing(run, catat, informasi) -> None:
    before = ok_json(run, "lihat", informasi)
    code, _, err = run("perpanjang", informasi)
    assert code == 1 and err.startswith("Ditolak: --alasan wajib")
    code, _, err = run("perpanjang", informasi, "--alasan", "telat", waktu="2026-12-08 09:00")
    assert code == 1 and "sudah lewat" in err
    aduan = catat(waktu="2026-11-23 11:00")["nomor"]  # 3 working days, no extension
    code, _, err = run("perpanjang", aduan, "--alasan", "x")
    assert code == 1 and "tidak mengenal perpanjangan" in err
    assert ok_json(run, "lihat", informasi) == before


def test_extend_step_is_pure() -> None:
    step = extend(
        "DS-1", "terverifikasi", allowed_days=7, already=False, alasan=" perlu ", overdue=False
    )
    assert (step.aksi, step.dari, step.ke) == ("perpanjang", Status.TERVERIFIKASI, "terverifikasi")
    assert step.changes == {"diperpanjang": True} and step.data == {"hari_kerja": 7}
    with pytest.raises(StatusError):
        extend("DS-1", "selesai", allowed_days=7, already=False, alasan="x", overdue=False)
    with pytest.raises(ValidationError):
        extend("DS-1", "diterima", allowed_days=7, already=False, alasan=" ", overdue=False)
