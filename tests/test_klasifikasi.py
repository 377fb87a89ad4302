"""An aduan's LAPOR!-style classification (`verifikasi --klasifikasi`), the profile key
`klasifikasi`, the shipped profile `permenpan-62`, and `ubah --klasifikasi` (issue 18,
SPEC §7): the deadline follows the classification; anything but a verified aduan is refused
with one `Ditolak:` line and nothing written."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from conftest import Runner, dump_register, ok_json, query_register
from lapor_cli.errors import ValidationError
from lapor_cli.profiles import load_profile, parse_profile

BERKADAR = "berkadar-pengawasan"
TIDAK = "tidak-berkadar-pengawasan"


def refused(run: Runner, *args: str) -> str:
    """Exit 1, one `Ditolak:` line on stderr, nothing on stdout, the register unchanged."""
    before = dump_register()
    code, out, err = run(*args)
    assert code == 1, (out, err)
    assert out == "" and err.startswith("Ditolak: ") and err.count("\n") == 1, err
    assert dump_register() == before
    return err


@pytest.fixture
def permenpan(run: Runner) -> None:
    code, _, err = run("profil", "permenpan-62")
    assert code == 0, err


# ------------------------------------------------------------------------- the profiles


def test_the_shipped_profile_gives_the_guideline_numbers():
    profile = load_profile("permenpan-62")
    assert "PANRB Nomor 62 Tahun 2018" in profile.sumber
    rule = profile.rule_for
    assert rule("surat", "aduan", klasifikasi=BERKADAR).nilai == 60
    assert rule("surat", "aduan", klasifikasi=TIDAK).nilai == 14
    assert rule("sp4n-lapor", "aspirasi").nilai == 5
    assert rule("email", "informasi").nilai == 5
    # an aduan not classified (at catat, or verified without one): the shorter of the two
    assert rule("surat", "aduan").nilai == 14
    # the classification is an aduan's only: it never moves another kind's rule
    assert rule("surat", "aspirasi", klasifikasi=BERKADAR).nilai == 5


def _profile(folder: Path, rules: str) -> Path:
    path = folder / "uji.toml"
    path.write_text(f'judul = "Uji"\nsumber = "SOP uji"\n{rules}', encoding="utf-8")
    return path


def test_klasifikasi_is_a_match_key_of_any_profile(tmp_path: Path):
    profile = parse_profile(
        _profile(
            tmp_path,
            """
[[aturan]]
klasifikasi = ["Berkadar-Pengawasan"]
kategori = "PKH"
hari_kerja = 30

[[aturan]]
klasifikasi = "berkadar-pengawasan"
hari_kerja = 40

[[aturan]]
hari_kerja = 3
""",
        )
    )
    assert profile.rule_for("surat", "aduan", kategori="pkh", klasifikasi=BERKADAR).nilai == 30
    assert profile.rule_for("surat", "aduan", kategori="DTKS", klasifikasi=BERKADAR).nilai == 40
    assert profile.rule_for("surat", "aduan", kategori="PKH", klasifikasi=TIDAK).nilai == 3
    assert profile.rule_for("surat", "aduan", kategori="PKH").nilai == 3


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            '[[aturan]]\nklasifikasi = "berat"\nhari_kerja = 9\n[[aturan]]\nhari_kerja = 3\n',
            "klasifikasi 'berat' di aturan ke-1 tidak dikenal; pilih dari: "
            "berkadar-pengawasan, tidak-berkadar-pengawasan.",
        ),
        (
            '[[aturan]]\njenis = "aspirasi"\nklasifikasi = "berkadar-pengawasan"\n'
            "hari_kerja = 9\n[[aturan]]\nhari_kerja = 3\n",
            "'klasifikasi' di aturan ke-1 hanya berlaku untuk jenis aduan, tetapi aturan ini "
            "untuk jenis aspirasi; aturan itu tidak akan pernah cocok.",
        ),
        (
            "[[aturan]]\nklasifikasi = []\nhari_kerja = 9\n[[aturan]]\nhari_kerja = 3\n",
            "'klasifikasi' di aturan ke-1 harus teks atau daftar teks yang tidak kosong.",
        ),
    ],
    ids=["unknown-value", "not-an-aduan", "empty-list"],
)
def test_a_bad_klasifikasi_in_a_profile_is_refused_naming_the_file(
    tmp_path: Path, rules: str, expected: str
):
    path = _profile(tmp_path, rules)
    with pytest.raises(ValidationError) as caught:
        parse_profile(path)
    assert caught.value.field == "klasifikasi"
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_an_office_profile_keyed_on_klasifikasi_moves_the_deadline(
    run: Runner, catat, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    office = tmp_path / "kantor"
    (office / "sla").mkdir(parents=True)
    (office / "sla" / "kantor-uji.toml").write_text(
        'judul = "Kantor uji"\nsumber = "SOP kantor"\n'
        '[[aturan]]\nklasifikasi = "berkadar-pengawasan"\nhari_kerja = 20\n'
        "[[aturan]]\nhari_kerja = 3\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("LAPOR_DATA", str(office))
    assert run("profil", "kantor-uji")[0] == 0
    nomor = catat()["nomor"]  # Monday 23 November 2026 10:00: 3 working days
    assert ok_json(run, "lihat", nomor)["batas_waktu"] == "2026-11-26"
    view = ok_json(run, "verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", BERKADAR)
    assert view["batas_waktu"] == "2026-12-21"  # 20 working days
    assert "klasifikasi berkadar-pengawasan: 20 hari kerja" in run("profil")[1]


# ------------------------------------------------------------------------- verifikasi


def test_the_sop_step_keeps_the_classification_of_an_aduan_only():
    from datetime import datetime

    from lapor_cli import workflow

    when = datetime(2026, 11, 23, 11, 0)
    step = workflow.verify(
        "DS-1", "diterima", now=when, kategori="PKH", kewenangan=True, jenis="aduan",
        klasifikasi=BERKADAR,
    )  # fmt: skip
    assert step.changes == {"kategori": "PKH", "kewenangan": True, "klasifikasi": BERKADAR}
    assert step.data["klasifikasi"] == BERKADAR
    assert step.catatan == "Kategori PKH, berkadar pengawasan; kewenangan Dinas Sosial."
    plain = workflow.verify("DS-1", "diterima", now=when, kategori="PKH", kewenangan=True)
    assert "klasifikasi" not in plain.changes and plain.catatan.startswith("Kategori PKH;")
    with pytest.raises(ValidationError, match="hanya untuk aduan"):
        workflow.verify(
            "DS-1", "diterima", now=when, kategori="PKH", kewenangan=True, jenis="informasi",
            klasifikasi=TIDAK,
        )  # fmt: skip


def test_verifikasi_klasifikasi_chooses_the_rule_and_is_kept(run: Runner, catat, permenpan):
    nomor = catat()["nomor"]
    assert ok_json(run, "lihat", nomor)["batas_waktu"] == "2026-12-11"  # 14: not classified
    view = ok_json(run, "verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", BERKADAR)
    assert (view["klasifikasi"], view["batas_waktu"]) == (BERKADAR, "2027-02-22")
    assert view["sla"]["nilai"] == 60
    shown = ok_json(run, "lihat", nomor)
    assert shown["klasifikasi"] == BERKADAR
    entry = shown["riwayat"][-1]
    assert entry["data"] == {
        "kategori": "PKH",
        "kewenangan": True,
        "klasifikasi": BERKADAR,
        "sla": "60 hari kerja",
    }
    assert entry["catatan"] == "Kategori PKH, berkadar pengawasan; kewenangan Dinas Sosial."
    code, out, _ = run("lihat", nomor)
    assert code == 0 and "Klasifikasi    berkadar pengawasan" in out
    assert "60 hari kerja" in out
    assert ok_json(run, "periksa")["masalah"] == []
    states = query_register("SELECT keadaan FROM riwayat ORDER BY id")
    assert all(k.startswith("3:") for (k,) in states)


@pytest.mark.parametrize(
    ("jenis", "klasifikasi", "nilai", "batas"),
    [
        ("aduan", TIDAK, 14, "2026-12-11"),
        ("aduan", None, 14, "2026-12-11"),
        ("aspirasi", None, 5, "2026-11-30"),
        ("informasi", None, 5, "2026-11-30"),
    ],
)
def test_each_kind_gets_its_guideline_deadline(
    run: Runner, catat, permenpan, jenis, klasifikasi, nilai, batas
):
    nomor = catat(jenis=jenis)["nomor"]
    args = ["verifikasi", nomor, "--kategori", "PKH"]
    if klasifikasi:
        args += ["--klasifikasi", klasifikasi]
    view = ok_json(run, *args)
    assert (view["klasifikasi"], view["sla"]["nilai"], view["batas_waktu"]) == (
        klasifikasi,
        nilai,
        batas,
    )


def test_the_screen_tells_the_deadline_the_classification_gives(run: Runner, catat, permenpan):
    nomor = catat()["nomor"]
    code, out, err = run("verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", BERKADAR)
    assert (code, out) == (0, f"{nomor}\n")
    assert err.splitlines() == [
        f"Diverifikasi: {nomor} diterima → terverifikasi",
        "Batas waktu kini Senin, 22 Februari 2027 (60 hari kerja, profil permenpan-62).",
    ]
    other = catat()["nomor"]  # no rule of its own: nothing more to tell
    code, _, err = run("verifikasi", other, "--kategori", "PKH", "--klasifikasi", TIDAK)
    assert err.splitlines() == [f"Diverifikasi: {other} diterima → terverifikasi"]


def test_the_value_is_matched_as_the_office_types_it(run: Runner, catat, permenpan):
    nomor = catat()["nomor"]
    view = ok_json(
        run, "verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", " Berkadar Pengawasan "
    )
    assert view["klasifikasi"] == BERKADAR


def test_a_profile_without_klasifikasi_rules_keeps_the_deadline(run: Runner, catat):
    nomor = catat()["nomor"]  # kemensos: 3 working days whatever the classification
    view = ok_json(run, "verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", BERKADAR)
    assert (view["klasifikasi"], view["batas_waktu"]) == (BERKADAR, "2026-11-26")
    assert "sla" not in ok_json(run, "lihat", nomor)["riwayat"][-1]["data"]


def test_an_archived_aduan_keeps_its_classification_and_its_deadline(run: Runner, catat, permenpan):
    nomor = catat()["nomor"]
    view = ok_json(
        run,
        "verifikasi",
        nomor,
        "--kategori",
        "DTKS",
        "--bukan-kewenangan",
        "--alasan",
        "Urusan Dukcapil",
        "--klasifikasi",
        BERKADAR,
    )
    assert (view["status"], view["klasifikasi"], view["batas_waktu"]) == (
        "diarsipkan",
        BERKADAR,
        "2026-12-11",
    )


@pytest.mark.parametrize("jenis", ["aspirasi", "informasi"])
def test_klasifikasi_is_refused_for_anything_but_an_aduan(run: Runner, catat, permenpan, jenis):
    nomor = catat(jenis=jenis)["nomor"]
    err = refused(run, "verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", BERKADAR)
    assert err == (
        f"Ditolak: --klasifikasi hanya untuk aduan; kasus {nomor} berjenis {jenis}. "
        "Verifikasi tanpa --klasifikasi.\n"
    )


def test_an_unknown_klasifikasi_is_refused(run: Runner, catat, permenpan):
    nomor = catat()["nomor"]
    err = refused(run, "verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", "berat")
    assert err == (
        "Ditolak: Klasifikasi 'berat' tidak dikenal. Pilihan: berkadar-pengawasan, "
        "tidak-berkadar-pengawasan.\n"
    )


def test_klasifikasi_is_offered_in_the_help(run: Runner):
    code, out, _ = run("verifikasi", "--help")
    assert code == 0 and "--klasifikasi" in out and "berkadar-pengawasan" in out


# ------------------------------------------------------------------------- ubah


@pytest.fixture
def verified(run: Runner, catat, permenpan) -> str:
    nomor = catat()["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH", "--klasifikasi", BERKADAR)
    return nomor


def test_ubah_klasifikasi_chooses_the_rule_again(run: Runner, verified: str):
    code, out, err = run(
        "ubah", verified, "--klasifikasi", TIDAK, "--alasan", "Tidak menyangkut pengawasan"
    )
    assert code == 0, err
    assert out == f"{verified}\n"
    assert err.splitlines() == [
        f"Dikoreksi: {verified} (status terverifikasi)",
        f"  klasifikasi: {BERKADAR} → {TIDAK}",
        "Batas waktu: Senin, 22 Februari 2027 → Jumat, 11 Desember 2026.",
    ]
    shown = ok_json(run, "lihat", verified)
    assert (shown["klasifikasi"], shown["batas_waktu"]) == (TIDAK, "2026-12-11")
    assert shown["riwayat"][-1]["data"]["perubahan"] == {
        "klasifikasi": {"lama": BERKADAR, "baru": TIDAK}
    }
    assert shown["riwayat"][-1]["data"]["sla"] == {"lama": "60 hari kerja", "baru": "14 hari kerja"}
    assert ok_json(run, "periksa")["masalah"] == []


def test_ubah_can_clear_the_classification(run: Runner, verified: str):
    view = ok_json(run, "ubah", verified, "--klasifikasi", "", "--alasan", "Belum jelas")
    assert (view["klasifikasi"], view["batas_waktu"]) == (None, "2026-12-11")


def test_a_kind_corrected_away_from_aduan_must_clear_the_classification(run: Runner, verified: str):
    err = refused(run, "ubah", verified, "--jenis", "aspirasi", "--alasan", "Salah jenis")
    assert err == (
        f"Ditolak: Kasus {verified} berklasifikasi {BERKADAR}, yang hanya untuk aduan; jenis "
        "aspirasi tanpa klasifikasi. Kosongkan sekaligus dengan --klasifikasi ''.\n"
    )
    view = ok_json(
        run, "ubah", verified, "--jenis", "aspirasi", "--klasifikasi", "", "--alasan", "Salah"
    )
    assert (view["jenis"], view["klasifikasi"], view["batas_waktu"]) == (
        "aspirasi",
        None,
        "2026-11-30",
    )


def test_ubah_klasifikasi_is_refused_before_verification(run: Runner, catat, permenpan):
    nomor = catat()["nomor"]
    err = refused(run, "ubah", nomor, "--klasifikasi", BERKADAR, "--alasan", "x")
    assert err == (
        f"Ditolak: Kasus {nomor} belum diverifikasi: klasifikasinya ditetapkan dengan "
        f"`lapor verifikasi {nomor} --kategori … --klasifikasi …`.\n"
    )


def test_ubah_klasifikasi_is_refused_on_another_kind(run: Runner, catat, permenpan):
    nomor = catat(jenis="aspirasi")["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PKH")
    err = refused(run, "ubah", nomor, "--klasifikasi", BERKADAR, "--alasan", "x")
    assert err == f"Ditolak: Klasifikasi hanya untuk aduan; kasus {nomor} berjenis aspirasi.\n"
    refused(run, "ubah", nomor, "--klasifikasi", "berat", "--alasan", "x")


def test_ubah_to_the_same_classification_changes_nothing(run: Runner, verified: str):
    refused(run, "ubah", verified, "--klasifikasi", BERKADAR, "--alasan", "x")


# ------------------------------------------------------------------------- schema


@pytest.mark.sqlite_only
def test_migration_0008_goes_down_and_up_again(run: Runner, verified: str, isolated_register):
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    engine = sa.create_engine(f"sqlite:///{isolated_register}")
    try:
        cfg = Config()
        cfg.set_main_option("script_location", "lapor_cli:migrations")
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0007")
            columns = {c["name"] for c in sa.inspect(conn).get_columns("kasus")}
            assert "klasifikasi" not in columns and "dibuka" in columns
            command.upgrade(cfg, "0008")
            conn.commit()
    finally:
        engine.dispose()
    with sqlite3.connect(isolated_register) as conn:
        assert conn.execute("SELECT klasifikasi FROM kasus").fetchall() == [(None,)]
