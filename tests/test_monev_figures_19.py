"""Issue 19, the figures' side: one rounding rule for every percentage and average (the same
in ``rekap``, its JSON and the workbook; a breakdown's shares add up to 100,0 %), the figures
national evaluators ask for, hand-checked on a register built step by step, periods beyond
the month (``--periode``), and the demo register's workbook that cannot pass for a real one.
"""

from __future__ import annotations

import json
import random
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from conftest import Runner, dump_register, ok_json
from lapor_cli.monev import rounding

# ---------------------------------------------------------------- the rounding rule


def test_half_up_on_the_exact_fraction() -> None:
    # 9/16 = 56,25 %: a float formatted with "%.1f" says 56,2, Excel's 0.0% says 56,3.
    assert rounding.share(9, 16) == Decimal("0.563")
    assert rounding.percent_text(rounding.share(9, 16)) == "56,3%"
    assert rounding.share(1, 3) == Decimal("0.333") and rounding.share(2, 3) == Decimal("0.667")
    assert rounding.share(0, 5) == Decimal("0.000") and rounding.share(3, 0) is None
    # 0,125 and 0,625: half up, where round() (half to even on the float) gives 0,12 / 0,62.
    assert rounding.mean([0, 0, 0, 0, 0, 0, 0, 1]) == Decimal("0.13")
    assert rounding.mean([1, 1, 0, 1, 2, 0, 0, 0]) == Decimal("0.63")
    assert rounding.mean([]) is None
    assert rounding.median([3, 1, 2, 4]) == Decimal("2.50") and rounding.median([5]) == 5
    assert rounding.round_half_up(Fraction(-5, 8), 2) == Decimal("-0.63")
    assert rounding.percent_text(None) == "-"


def test_breakdown_shares_add_up_to_exactly_100() -> None:
    assert rounding.shares([1, 1, 1]) == [Decimal("0.334"), Decimal("0.333"), Decimal("0.333")]
    assert rounding.shares([0, 0]) == [None, None]
    assert rounding.shares([7, 0]) == [Decimal("1.000"), Decimal("0.000")]
    rng = random.Random(19)
    for _ in range(500):
        counts = [rng.choice((0, 0, 1, 2, 3, 7, 13, 50, 999)) for _ in range(rng.randint(1, 14))]
        if not sum(counts):
            continue
        portions = rounding.shares(counts)
        assert sum(portions) == Decimal("1.000"), counts
        for n, p in zip(counts, portions, strict=True):
            # never more than 0,1 point from the exact share, and a zero stays zero
            assert abs(Fraction(p) - Fraction(n, sum(counts))) < Fraction(1, 1000), counts
            assert (p == 0) == (n == 0) or n * 1000 < sum(counts)


# ---------------------------------------------------------------- a register built by hand

OCT = "2026-10-"


def step(run: Runner, at: str, *args: str) -> None:
    code, _out, err = run(*args, waktu=at)
    assert code == 0, (args, err)


def catat(run: Runner, at: str, **extra: str) -> str:
    args = ["catat", "--kanal", extra.pop("kanal", "surat"), "--jenis", "aduan"]
    args += ["--uraian", "Bantuan PKH belum cair", "--nama", "Siti Aminah", "--diterima", at]
    return ok_json(run, *args, waktu=at)["nomor"]  # type: ignore[index]


def verif(run: Runner, at: str, nomor: str, *extra: str) -> None:
    step(run, at, "verifikasi", nomor, "--kategori", "PKH", *extra)


def dist(run: Runner, at: str, nomor: str) -> None:
    step(run, at, "distribusi", nomor, "--unit", "Sekretariat")


def tl(run: Runner, at: str, nomor: str, *extra: str) -> None:
    step(run, at, "tindaklanjut", nomor, "--catatan", "Survei lapangan.", *extra)


def tutup(run: Runner, at: str, nomor: str) -> None:
    step(run, at, "tutup", nomor, "--hasil", "Ditangani sesuai SOP.")


@pytest.fixture
def october(run: Runner) -> dict[str, str]:
    """October 2026 has no holiday: Thu 1, Fri 2, Mon 5 … Fri 30; Sat 31 is period end.

    ====  ========  ===========================================  =========  ======  ========
    case  received  steps (by 31 Oct; ``waktu`` = when it happened) respons  ≤5 HK   LAPOR!
    ====  ========  ===========================================  =========  ======  ========
    A     Thu 1     verif 2, dist 5, tl 13 (6 HK), tutup 13, 4   1          no      selesai
    B     Mon 5     verif --pada 6 (typed 12), dist 12, tl 19    1          yes     selesai
                    (5 HK), tutup 20, nilai 5
    C     Wed 7     verif 7, jawaban normatif 8, tutup 9         0          -       selesai
    D     Fri 9     verif 12: bukan kewenangan                   1          -       arsip
    E     Mon 19    verif 21, dist 22, no tl (6 HK by 31)         2          no      terdisp.
    F     Tue 27    verif 27, dist 29, tl only on 2 Nov           0          open    terdisp.
    G     Wed 28    tunda 28 (lanjut only on 3 Nov)              none       -       tertunda
    H     Thu 29    nothing                                      none       -       belum
    I     Fri 30    verif 30                                     0          -       diproses
    J     Tue 13    verif 13, dist 14, tl 15 (1 HK)              0          yes     diproses
    V, M  Fri 2 / Thu 8: voided (batal) / merged into A (gabung): in no figure
    ====  ========  ===========================================  =========  ======  ========
    """
    n: dict[str, str] = {}
    n["A"] = catat(run, OCT + "01 09:00")
    n["V"] = catat(run, OCT + "02 08:00")
    step(run, OCT + "02 08:30", "batal", n["V"], "--alasan", "Salah catat, dobel ketik.")
    verif(run, OCT + "02 10:00", n["A"])
    n["B"] = catat(run, OCT + "05 09:00")
    dist(run, OCT + "05 11:00", n["A"])
    n["C"] = catat(run, OCT + "07 09:00")
    verif(run, OCT + "07 14:00", n["C"])
    n["M"] = catat(run, OCT + "08 08:00")
    step(run, OCT + "08 08:30", "gabung", n["M"], "--ke", n["A"], "--alasan", "Aduan yang sama.")
    step(
        run,
        OCT + "08 09:00",
        "distribusi",
        n["C"],
        "--jawaban-normatif",
        "Syarat PKH dijelaskan kepada pelapor.",
    )
    tutup(run, OCT + "09 08:00", n["C"])
    n["D"] = catat(run, OCT + "09 09:00")
    # B's verification typed in on Monday the 12th; it happened on Tuesday the 6th.
    verif(run, OCT + "12 08:00", n["B"], "--pada", OCT + "06 09:00")
    verif(
        run,
        OCT + "12 08:30",
        n["D"],
        "--bukan-kewenangan",
        "--alasan",
        "Urusan Dinas Dukcapil; pelapor diberi tahu.",
    )
    dist(run, OCT + "12 10:00", n["B"])
    tl(run, OCT + "13 07:00", n["A"])
    tutup(run, OCT + "13 08:00", n["A"])
    step(run, OCT + "13 08:30", "nilai", n["A"], "--skor", "4")
    n["J"] = catat(run, OCT + "13 09:00")
    verif(run, OCT + "13 10:00", n["J"])
    dist(run, OCT + "14 10:00", n["J"])
    tl(run, OCT + "15 10:00", n["J"])
    n["E"] = catat(run, OCT + "19 09:00")
    tl(run, OCT + "19 10:00", n["B"])
    tutup(run, OCT + "20 08:00", n["B"])
    step(run, OCT + "20 08:30", "nilai", n["B"], "--skor", "5")
    verif(run, OCT + "21 09:00", n["E"])
    dist(run, OCT + "22 09:00", n["E"])
    n["F"] = catat(run, OCT + "27 09:00")
    verif(run, OCT + "27 10:00", n["F"])
    n["G"] = catat(run, OCT + "28 09:00")
    step(run, OCT + "28 10:00", "tunda", n["G"], "--alasan", "Menunggu fotokopi KK.")
    n["H"] = catat(run, OCT + "29 09:00")
    dist(run, OCT + "29 10:00", n["F"])
    n["I"] = catat(run, OCT + "30 09:00")
    verif(run, OCT + "30 10:00", n["I"])
    # After period end: must not count for October.
    tl(run, "2026-11-02 09:00", n["F"])
    step(run, "2026-11-03 09:00", "lanjut", n["G"])
    return n


def test_national_figures_hand_checked(run: Runner, october: dict[str, str]) -> None:
    doc = ok_json(run, "rekap", "--bulan", "2026-10")
    assert isinstance(doc, dict)
    assert doc["diterima"] == 10 and doc["dibatalkan"] == 1 and doc["digabung"] == 1
    national = doc["indikator_nasional"]
    assert national == {
        "tingkat_penyelesaian": 0.4,  # A, B, C closed, D archived: 4 of 10
        # A 1, B 1 (the --pada time, not the day it was typed in), C 0, D 1, E 2, F 0, I 0,
        # J 0: 5 working days over 8 cases = 0,625 → 0,63 (half up)
        "rata_respons_awal": 0.63,
        "jumlah_direspons": 8,
        # distributed to a unit: A (6 HK: late), B (5 HK), E (lapsed), J (1 HK); F undecided
        "porsi_tindak_lanjut_5_hari": 0.5,
        "tindak_lanjut_5_hari": 2,
        "jumlah_disposisi_dinilai": 4,
        "rhp": 4.5,
        "jumlah_dinilai": 2,
        "status_lapor": {
            "belum_terverifikasi": 1,  # H
            "terdisposisi_belum_ditindaklanjuti": 2,  # E, F
            "sedang_diproses": 2,  # I (terverifikasi), J (ditindaklanjuti)
            "selesai": 3,  # A, B, C
            "tertunda": 1,  # G
            "arsip": 1,  # D
        },
    }
    assert doc["porsi"]["status_lapor"] == {
        "belum_terverifikasi": 0.1,
        "terdisposisi_belum_ditindaklanjuti": 0.2,
        "sedang_diproses": 0.2,
        "selesai": 0.3,
        "tertunda": 0.1,
        "arsip": 0.1,
    }
    # The same on the screen and on Ringkasan.
    code, out, _ = run("rekap", "--bulan", "2026-10")
    assert code == 0
    assert re.search(r"Rata-rata waktu respons awal .* 0,63", out)
    assert re.search(r"Porsi ditindaklanjuti ≤ 5 hari kerja .* 50,0%", out)
    assert re.search(r"RHP: .* 4,50", out) and re.search(r"Tertunda\s+1\s+10,0%", out)
    code, _, _ = run("ekspor", "--bulan", "2026-10")
    ws = openpyxl.load_workbook("monev-2026-10.xlsx")["Ringkasan"]
    values = {row[0]: row[1:3] for row in ws.iter_rows(values_only=True) if row[0]}
    assert values["Rata-rata waktu respons awal (hari kerja, diterima → langkah pertama)"][0] == (
        0.63
    )
    assert values["RHP: rata-rata penilaian hasil penanganan (1–5)"][0] == 4.5
    assert values["Tertunda"] == (1, 0.1)


def test_the_period_end_moves_the_figures(run: Runner, october: dict[str, str]) -> None:
    """As of now (23 November) F's follow-up of 2 November and G's lanjut count: F is
    followed up within 5 working days, G is no longer paused."""
    doc = ok_json(run, "rekap", "--periode", "2026-Q4")
    national = doc["indikator_nasional"]  # type: ignore[index]
    assert national["tindak_lanjut_5_hari"] == 3 and national["jumlah_disposisi_dinilai"] == 5
    assert national["status_lapor"]["tertunda"] == 0


# ---------------------------------------------------------------- screen = JSON = workbook


def _ringkasan_blocks(ws) -> dict[str, dict[str, tuple]]:
    out: dict[str, dict[str, tuple]] = {}
    current = None
    for row in ws.iter_rows(values_only=True):
        a, b, c = (list(row) + [None, None, None])[:3]
        if a is None and b is None:
            current = None
        elif current is None:
            current = out.setdefault(str(a), {})
        else:
            current[str(a)] = (b, c)
    return out


def _screen_rows(out: str) -> list[tuple[str, str]]:
    """(label, last cell) of every table row the screen prints."""
    rows = []
    for line in out.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) >= 2:
            rows.append((cells[0], cells[-1]))
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{Decimal(str(value)) * 100:.1f}".replace(".", ",") + "%"


def test_screen_json_and_workbook_agree_on_every_percentage(
    run: Runner, october: dict[str, str]
) -> None:
    # 16 cases of which 9 closed: 56,25 % exactly, the case the issue names.
    for day in range(1, 7):
        nomor = catat(run, f"2026-11-0{day + 1} 09:00", kanal="whatsapp")
        verif(run, f"2026-11-0{day + 1} 10:00", nomor)
        step(run, f"2026-11-0{day + 1} 11:00", "distribusi", nomor, "--jawaban-normatif", "Ok.")
        if day <= 5:
            tutup(run, f"2026-11-0{day + 1} 12:00", nomor)
    doc = ok_json(run, "rekap", "--periode", "2026-Q4")
    assert isinstance(doc, dict)
    assert (doc["diterima"], doc["selesai"]) == (16, 9) and doc["tingkat_penyelesaian"] == 0.563
    code, screen, _ = run("rekap", "--periode", "2026-Q4")
    assert code == 0 and "56,3%" in screen and "56,2%" not in screen
    run("ekspor", "--periode", "2026-Q4")
    wb = openpyxl.load_workbook("monev-2026-Q4.xlsx")
    blocks = _ringkasan_blocks(wb["Ringkasan"])
    shown = _screen_rows(screen)

    # Every key figure and evaluators' figure: the cell holds the JSON number, the screen
    # prints it (percentages "0.0%", averages "0.00": the cell's format has nothing to round).
    for title, figures in (
        ("Angka utama", doc),
        ("Indikator evaluasi nasional", doc["indikator_nasional"]),
    ):
        for label, (cell, _) in blocks[title].items():
            matches = [v for v in figures.values() if v == cell or (cell == "-" and v is None)]
            assert matches, (label, cell)
            assert (label, _text(cell, label)) in shown, (label, cell)
    # Every breakdown: the workbook's Persen column = the JSON shares = the screen, and they
    # add up to exactly 100,0 %.
    pairs = (
        ("Menurut jenis", "jenis"),
        ("Menurut kanal", "kanal"),
        ("Status per akhir periode", "status"),
        ("Status menurut SP4N-LAPOR!", "status_lapor"),
    )
    for title, key in pairs:
        cells = [share for _, share in blocks[title].values()]
        assert cells == list(doc["porsi"][key].values()), title
        assert sum(Decimal(str(c)) for c in cells) == Decimal("1"), title
        for label, (n, share) in blocks[title].items():
            if n:
                assert (label, _pct(share)) in shown, (title, label)
    kategori = [share for _, share in blocks["Menurut kategori"].values()]
    assert kategori == [line["porsi"] for line in doc["per_kategori"]]
    assert sum(Decimal(str(c)) for c in kategori) == 1
    # Per unit and per month: on-time shares and averages as the JSON has them.
    for sheet, lines in (("Per unit", doc["per_unit"]), ("Per bulan", doc["per_bulan"])):
        rows = list(wb[sheet].iter_rows(values_only=True))
        for row, line in zip(rows[1:], lines, strict=False):
            assert (row[4], row[6]) == (line["porsi_tepat_waktu"], line["rata_hari_kerja"])
        for cell in wb[sheet]["E"][1:]:
            assert cell.number_format in ("0.0%", "General")
    for name in ("Per unit",):
        assert {c.number_format for c in wb[name]["G"][1:] if c.value is not None} <= {"0.00"}


def _text(cell: object, label: str) -> str:
    if cell == "-" or cell is None:
        return "-"
    if isinstance(cell, float) and ("Porsi" in label or "Tingkat" in label):
        return _pct(cell)
    if isinstance(cell, float) or label.startswith(("Rata-rata", "Median", "RHP")):
        return f"{Decimal(str(cell)):.2f}".replace(".", ",")
    return str(cell)


# ---------------------------------------------------------------- periods


def test_quarter_semester_and_year(run: Runner, october: dict[str, str]) -> None:
    november = catat(run, "2026-11-02 09:00")
    quarter = ok_json(run, "rekap", "--periode", "2026-q4")
    assert isinstance(quarter, dict)
    assert quarter["bulan"] is None and quarter["periode"] == {
        "kode": "2026-Q4",
        "jenis": "triwulan",
        "label": "Triwulan IV 2026",
        "mulai": "2026-10-01",
        "sampai": "2026-12-31",
        "berjalan": True,
    }
    assert quarter["bulan_berjalan"] is True and quarter["keadaan_per"] == "2026-11-23T10:00"
    assert quarter["diterima"] == 11
    months = quarter["per_bulan"]
    assert [m["bulan"] for m in months] == ["2026-10", "2026-11"]  # December has not begun
    assert [m["diterima"] for m in months] == [10, 1]
    for key, total in _total(quarter).items():
        assert sum(m[key] for m in months) == total, key
    # the same cases whatever the longer period
    for code in ("2026-S2", "2026"):
        doc = ok_json(run, "rekap", "--periode", code)
        assert doc["diterima"] == 11, code  # type: ignore[index]
    assert ok_json(run, "rekap", "--periode", "2026-S1")["diterima"] == 0  # type: ignore[index]
    # a month as --periode is the month
    assert ok_json(run, "rekap", "--periode", "2026-10")["bulan"] == "2026-10"  # type: ignore[index]

    code, out, err = run("rekap", "--periode", "2026-Q4")
    assert code == 0, err
    assert "Triwulan IV 2026 (periode berjalan)" in out and "Per bulan" in out
    assert re.search(r"Oktober 2026\s+10\s", out) and re.search(r"November 2026\s+1\s", out)

    code, out, err = run("ekspor", "--periode", "2026-Q4", "--json")
    written = json.loads(out)
    assert written["berkas"] == str(Path("monev-2026-Q4.xlsx").resolve())
    assert written["periode"] == "2026-Q4" and written["bulan"] is None
    wb = openpyxl.load_workbook("monev-2026-Q4.xlsx")
    assert wb.sheetnames == ["Ringkasan", "Per unit", "Per bulan", "Kasus", "Terlambat", "Terbawa"]
    rows = list(wb["Per bulan"].iter_rows(values_only=True))
    assert rows[0][0] == "Bulan"
    assert [r[:2] for r in rows[1:]] == [("Oktober 2026", 10), ("November 2026", 1), ("Jumlah", 11)]
    assert len(list(wb["Kasus"].iter_rows())) == 12 and november
    for code_, name in (("2026-S2", "monev-2026-S2.xlsx"), ("2026", "monev-2026.xlsx")):
        assert run("ekspor", "--periode", code_)[0] == 0
        assert Path(name).is_file()


def _total(doc: dict) -> dict:
    return {k: doc[k] for k in ("diterima", "selesai")} | {
        "tepat_waktu": doc["selesai_tepat_waktu"],
        "terlambat": doc["terlambat"],
    }


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--bulan", "2026-10", "--periode", "2026-Q4"], "tidak bisa dipakai bersama"),
        (["--periode", "2026-Q5"], "tidak dikenali"),
        (["--periode", "2026-S3"], "tidak dikenali"),
        (["--periode", "Q4-2026"], "tidak dikenali"),
        (["--periode", "2026-13"], "tidak dikenali"),
        (["--periode", "2027"], "Periode 2027 belum dimulai"),
        (["--periode", "2027-Q1"], "belum dimulai"),
        (["--bulan", "2026-12"], "Bulan 2026-12 belum dimulai"),
    ],
)
@pytest.mark.parametrize("command", ["rekap", "ekspor"])
def test_bad_periods_are_one_refusal_and_nothing_written(
    run: Runner, command: str, args: list[str], says: str, tmp_path: Path
) -> None:
    _one_case(run)
    before = dump_register(tmp_path / "register.db")
    files = set(tmp_path.iterdir())
    code, out, err = run(command, *args)
    assert code == 1 and out == ""
    assert err.startswith("Ditolak: ") and err.count("\n") == 1 and says in err, err
    assert set(tmp_path.iterdir()) == files
    assert dump_register(tmp_path / "register.db") == before


def _one_case(run: Runner) -> None:
    catat(run, "2026-11-20 09:00")


# ---------------------------------------------------------------- the demo register


def test_demo_workbook_cannot_pass_for_a_real_monev(run: Runner, tmp_path: Path) -> None:
    code, _, err = run("demo", "--json")
    assert code == 0, err
    code, out, err = run("--demo", "ekspor", "--json")
    assert code == 0, err
    written = json.loads(out)
    assert Path(written["berkas"]).name == "DEMO-monev-2026-11.xlsx" and written["demo"] is True
    ws = openpyxl.load_workbook(written["berkas"])["Ringkasan"]
    first = [row[0] for row in ws.iter_rows(max_row=3, values_only=True)]
    assert any(str(v).startswith("DEMO") for v in first), first
    code, out, err = run("--demo", "ekspor")
    assert code == 1 and "DEMO-monev-2026-11.xlsx sudah ada" in err
    code, out, err = run("--demo", "ekspor", "--periode", "2026-Q4")
    assert code == 0 and out.strip() == "DEMO-monev-2026-Q4.xlsx" and "demo" in err.lower()
    code, out, _ = run("--demo", "rekap")
    assert out.startswith("DEMO")
    assert ok_json(run, "--demo", "rekap")["demo"] is True  # type: ignore[index]
    # an office's own register is not marked
    catat(run, "2026-11-20 09:00")
    assert ok_json(run, "ekspor")["demo"] is False  # type: ignore[index]
    assert Path("monev-2026-11.xlsx").is_file()
