"""`lapor sla --per-unit`: the morning digest per responsible unit (issue 18, SPEC §7): each
unit's overdue and nearly-due open cases with their stage and case deadlines, as plain text
that pastes into a message or a letter, or as JSON; never anything of the reporter."""

from __future__ import annotations

import json

import pytest

from conftest import HP, NIK_KUPANG, Runner, dump_register, ok_json

# The register's "now" is Monday 23 November 2026 10:00 (conftest.NOW).
PFM = "Bidang Penanganan Fakir Miskin"
REHSOS = "Bidang Rehabilitasi Sosial"


def _case(
    run: Runner,
    diterima: str,
    *,
    unit: str | None = None,
    verified: str | None = None,
    distributed: str | None = None,
    **extra: str,
) -> str:
    args = ["catat", "--kanal", "surat", "--jenis", "aduan", "--diterima", diterima]
    args += ["--uraian", "Bantuan PKH belum cair", "--nama", "Maria Bere"]
    for key, value in extra.items():
        args += [f"--{key}", value]
    nomor = ok_json(run, *args)["nomor"]
    if unit:
        ok_json(run, "verifikasi", nomor, "--kategori", "PKH", "--pada", verified or diterima)
        ok_json(run, "distribusi", nomor, "--unit", unit, "--pada", distributed or diterima)
    return nomor


def _build(run: Runner) -> dict[str, str]:
    """Five cases under the kemensos profile (3 working days; unit stage 5):

    - late: received Mon 16/11, due Thu 19/11; forwarded to PFM Tue 17/11 (stage Tue 24/11)
    - soon: received Fri 20/11, due Wed 25/11; forwarded to REHSOS Fri 20/11 (stage Fri 27/11)
    - calm: received Mon 23/11, due Thu 26/11; forwarded to PFM Mon 23/11 (stage Mon 30/11)
    - desk: received Mon 23/11, not verified yet: no unit, in no digest
    - done: forwarded to LINJAMSOS and closed: in no digest
    """
    numbers = {
        "late": _case(
            run,
            "2026-11-16 09:00",
            unit="PFM",
            verified="2026-11-17 09:00",
            distributed="2026-11-17 13:00",
            nik=NIK_KUPANG,
            hp=HP,
        ),
        "soon": _case(run, "2026-11-20 09:00", unit="REHSOS", distributed="2026-11-20 13:00"),
        "calm": _case(run, "2026-11-23 08:00", unit="PFM", distributed="2026-11-23 09:00"),
        "desk": _case(run, "2026-11-23 08:30"),
        "done": _case(run, "2026-11-23 08:45", unit="LINJAMSOS"),
    }
    ok_json(run, "tindaklanjut", numbers["done"], "--catatan", "Dicek")
    ok_json(run, "tutup", numbers["done"], "--hasil", "Selesai")
    return numbers


@pytest.fixture
def cases(install_template) -> dict[str, str]:
    return install_template("sla-per-unit", _build)


EXPECTED = """\
Bidang Rehabilitasi Sosial
Kasus terlambat dan jatuh tempo per Senin, 23 November 2026 — Dinas Sosial
0 terlambat, 1 jatuh tempo dalam 2 hari kerja, dari 1 kasus terbuka di unit ini.

Jatuh tempo:
1. DS-2026-00002 (didisposisikan): tahap tindak lanjut s.d. Jumat 27/11/2026 (4 hari kerja lagi); batas kasus Rabu 25/11/2026 (2 hari kerja lagi)

Bidang Penanganan Fakir Miskin
Kasus terlambat dan jatuh tempo per Senin, 23 November 2026 — Dinas Sosial
1 terlambat, 0 jatuh tempo dalam 2 hari kerja, dari 2 kasus terbuka di unit ini.

Terlambat:
1. DS-2026-00001 (didisposisikan): tahap tindak lanjut s.d. Selasa 24/11/2026 (1 hari kerja lagi); batas kasus Kamis 19/11/2026 (lewat 2 hari kerja)
"""  # noqa: E501


def test_the_digest_is_plain_text_per_unit(run: Runner, cases):
    code, out, err = run("sla", "--per-unit")
    assert code == 0, err
    assert out == EXPECTED
    assert err == "2 unit dengan kasus terlambat atau jatuh tempo.\n"
    # pastes as it is: no table rules, box characters or markup
    assert not set(out) & set("│─┃━┏┓┗┛┌┐└┘*_[]")


def test_the_digest_holds_nothing_of_the_reporter(run: Runner, cases):
    text = run("sla", "--per-unit", "--dalam", "10")[1]
    document = run("sla", "--per-unit", "--dalam", "10", "--json")[1]
    for output in (text, document):
        for secret in ("Maria", "M***", "5371", "0001", "0002\n", "+62", "0812", "PKH belum"):
            assert secret not in output.replace("DS-2026-0000", ""), secret


def test_json_lists_every_unit_holding_open_cases(run: Runner, cases):
    document = ok_json(run, "sla", "--per-unit")
    assert document["per"] == "2026-11-23T10:00"
    assert (document["dalam_hari_kerja"], document["kantor"]) == (2, "Dinas Sosial")
    units = {u["unit"]: u for u in document["unit"]}
    assert list(units) == [REHSOS, PFM]  # the order of data/unit.toml
    assert units[PFM]["terbuka"] == 2 and units[PFM]["jatuh_tempo"] == []
    assert units[PFM]["terlambat"] == [
        {
            "nomor": cases["late"],
            "status": "didisposisikan",
            "batas_waktu": "2026-11-19",
            "sisa_hari_kerja": -2,
            "terlambat": True,
            "tahap": "tindak lanjut",
            "tahap_batas": "2026-11-24",
            "tahap_sisa_hari_kerja": 1,
            "tahap_terlambat": False,
            "ditunda": False,
            "segera": False,
            "siap_ditutup": False,
        }
    ]
    assert [line["nomor"] for line in units[REHSOS]["jatuh_tempo"]] == [cases["soon"]]


@pytest.mark.parametrize(
    ("dalam", "expected"),
    [("0", {"late"}), ("2", {"late", "soon"}), ("5", {"late", "soon", "calm"})],
)
def test_dalam_sets_how_near_is_nearly_due(run: Runner, cases, dalam, expected):
    document = ok_json(run, "sla", "--per-unit", "--dalam", dalam)
    found = {
        line["nomor"] for u in document["unit"] for key in ("terlambat", "jatuh_tempo")
        for line in u[key]
    }  # fmt: skip
    assert found == {cases[label] for label in expected}


def test_per_judges_the_digest_as_of_another_day(run: Runner, cases):
    # as of Wednesday 18 November the first case was due the next day, not yet late
    document = ok_json(run, "sla", "--per-unit", "--per", "2026-11-18")
    (unit,) = [u for u in document["unit"] if u["unit"] == PFM]
    assert unit["terlambat"] == []
    (line,) = unit["jatuh_tempo"]
    assert (line["nomor"], line["sisa_hari_kerja"], line["tahap_sisa_hari_kerja"]) == (
        cases["late"],
        1,
        4,
    )


def test_one_unit_by_its_short_name(run: Runner, cases):
    code, out, err = run("sla", "--per-unit", "--unit", "pfm")
    assert code == 0, err
    assert out == EXPECTED.split("\n\n", 2)[2]
    code, out, err = run("sla", "--per-unit", "--unit", "Sekretariat")
    assert code == 0, err
    assert out.splitlines() == [
        "Sekretariat",
        "Kasus terlambat dan jatuh tempo per Senin, 23 November 2026 — Dinas Sosial",
        "0 terlambat, 0 jatuh tempo dalam 2 hari kerja, dari 0 kasus terbuka di unit ini.",
    ]
    assert err == "0 unit dengan kasus terlambat atau jatuh tempo; 1 unit lain dengan kasus " \
        "terbuka tanpa itu.\n"  # fmt: skip


def test_terlambat_keeps_only_the_overdue(run: Runner, cases):
    code, out, err = run("sla", "--per-unit", "--terlambat")
    assert code == 0, err
    assert out.splitlines()[:3] == [
        PFM,
        "Kasus terlambat per Senin, 23 November 2026 — Dinas Sosial",
        "1 terlambat, dari 2 kasus terbuka di unit ini.",
    ]
    assert REHSOS not in out
    document = ok_json(run, "sla", "--per-unit", "--terlambat")
    assert document["dalam_hari_kerja"] is None
    assert all(u["jatuh_tempo"] == [] for u in document["unit"])


def test_a_stage_overdue_alone_puts_the_case_among_the_late(run: Runner):
    assert run("profil", "permenpan-62")[0] == 0  # aduan: 14 working days
    nomor = _case(run, "2026-11-13 09:00", unit="DAYASOS", distributed="2026-11-13 13:00")
    document = ok_json(run, "sla", "--per-unit")
    (unit,) = document["unit"]
    (line,) = unit["terlambat"]
    # each deadline with its own lateness: the case's 14 days still run, its stage's are over
    assert (line["nomor"], line["terlambat"], line["tahap_terlambat"]) == (nomor, False, True)
    assert (line["tahap_batas"], line["tahap_sisa_hari_kerja"]) == ("2026-11-20", -1)
    out = run("sla", "--per-unit")[1]
    assert (
        f"1. {nomor} (didisposisikan): tahap tindak lanjut s.d. Jumat 20/11/2026 (lewat 1 hari "
        "kerja); batas kasus Kamis 03/12/2026 (8 hari kerja lagi)"
    ) in out


def test_nothing_to_report(run: Runner, catat):
    catat()
    code, out, err = run("sla", "--per-unit")
    assert (code, out) == (0, "")
    assert err == "0 unit dengan kasus terlambat atau jatuh tempo.\n"
    assert ok_json(run, "sla", "--per-unit")["unit"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dalam", "3"], "--dalam hanya berlaku dengan --per-unit."),
        (["--unit", "PFM"], "--unit hanya berlaku dengan --per-unit."),
        (["--per-unit", "--dalam", "-1"], "--dalam tidak boleh negatif."),
        (["--per-unit", "--batas", "5"], "--batas tidak berlaku untuk --per-unit."),
        (
            ["DS-2026-00001", "--per-unit"],
            "--per-unit meringkas semua kasus per unit; tanpa NOMOR dan --jelaskan.",
        ),
        (
            ["--per-unit", "--unit", "Bidang Entah"],
            "Unit 'Bidang Entah' tidak dikenal. Pilihan: Sekretariat; Bidang Rehabilitasi "
            "Sosial; Bidang Perlindungan dan Jaminan Sosial; Bidang Pemberdayaan Sosial; "
            "Bidang Penanganan Fakir Miskin.",
        ),
        (["--per-unit", "--per", "kemarin lusa"], None),
    ],
)
def test_refusals_are_one_line_and_write_nothing(run: Runner, catat, args, message):
    catat()
    before = dump_register()
    code, out, err = run("sla", *args)
    assert (code, out) == (1, "")
    assert err.startswith("Ditolak: ") and err.count("\n") == 1, err
    if message:
        assert err == f"Ditolak: {message}\n"
    assert dump_register() == before


def test_a_deadline_in_minutes_is_shown_with_its_time(run: Runner):
    assert run("profil", "kota-kupang")[0] == 0  # tatap muka: 15 minutes
    args = ["catat", "--kanal", "tatap-muka", "--jenis", "aduan", "--uraian", "Antre"]
    nomor = ok_json(run, *args, "--nama", "Yosef", "--diterima", "2026-11-23 08:00")["nomor"]
    ok_json(run, "verifikasi", nomor, "--kategori", "PELAYANAN", "--pada", "2026-11-23 08:05")
    ok_json(run, "distribusi", nomor, "--unit", "SEKRE", "--pada", "2026-11-23 08:10")
    out = run("sla", "--per-unit")[1]
    assert "batas kasus Senin 23/11/2026 08:15 (lewat 1 hari kerja)" in out
    line = json.loads(run("sla", "--per-unit", "--json")[1])["unit"][0]["terlambat"][0]
    assert line["batas_waktu"] == "2026-11-23T08:15"


def test_help_names_the_digest(run: Runner):
    code, out, _ = run("sla", "--help")
    assert code == 0 and "--per-unit" in out and "--dalam" in out
