"""`lapor ekspor` and `lapor rekap` on a register built with the real commands.

Every Ringkasan figure is checked against a count made here straight from the SQLite file
(``kasus`` and ``riwayat``), with this file's own working-day arithmetic — not with
``lapor_cli.monev`` — and against `rekap --json` (one computation feeds both).
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from lapor_cli.cli import app
from lapor_cli.references import KANAL_LABEL

NOW = "2026-11-23 10:00"
runner = CliRunner()

NIK_1 = "3171014101900001"  # also typed into a description (O5)
NIK_2 = "5371021505850002"
NIK_3 = "3273015203920003"
HP_1 = "081234567890"
HP_2 = "0852-1234-5678"
PHONE_DIGITS = ("81234567890", "85212345678")

FORMULA_TEXTS = {
    "uraian_o2": '=HYPERLINK("http://contoh.invalid","klik")',
    "nama_o2": "+1 Budi Santoso",
    "uraian_o5": f"@admin mohon info syarat PKH, NIK saya {NIK_1}",
    "nomor_lapor_o7": "=1+2",
    "uraian_n2": "-2 bantuan belum cair bulan ini",
    "uraian_n3": "#N/A",
    "uraian_o3": "+1 usul loket Sabtu",
}
RAHASIA_URAIAN = "Pendamping sosial meminta uang saat pencairan bantuan."

# The Ringkasan labels, as a reader sees them, by the JSON key `rekap --json` uses.
LABELS = {
    "diterima": "Kasus diterima",
    "selesai": "Selesai per akhir bulan (selesai + diarsipkan)",
    "tingkat_penyelesaian": "Tingkat penyelesaian (selesai ÷ diterima)",
    "selesai_tepat_waktu": "Selesai tepat waktu",
    "porsi_tepat_waktu": "Porsi selesai tepat waktu (tepat waktu ÷ selesai)",
    "rata_hari_kerja": "Rata-rata hari kerja sampai selesai",
    "median_hari_kerja": "Median hari kerja sampai selesai",
    "terbuka": "Masih terbuka per akhir bulan",
    "terlambat": "Terlambat per akhir bulan (kasus bulan ini)",
    "terbawa_terbuka": "Kasus bulan sebelumnya masih terbuka per akhir bulan",
    "terbawa_terlambat": "Kasus bulan sebelumnya terlambat per akhir bulan",
    "rata_skor": "Rata-rata penilaian pelapor (1–5)",
    "jumlah_skor": "Jumlah penilaian",
    "bukan_kewenangan": "Bukan kewenangan (diarsipkan, pelapor diberi tahu/dirujuk)",
    "sp4n_belum_dilaporkan_balik": "SP4N-LAPOR! selesai tetapi belum dilaporkan balik",
}


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAPOR_DB", str(tmp_path / "register.db"))
    monkeypatch.setenv("LAPOR_WAKTU", NOW)
    monkeypatch.setenv("LAPOR_LEBAR", "120")
    monkeypatch.setenv("LAPOR_PETUGAS", "uji")
    monkeypatch.delenv("LAPOR_DATA", raising=False)
    for var in ("HOME", "XDG_CONFIG_HOME", "APPDATA"):
        monkeypatch.setenv(var, str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lapor(*args: str, at: str = NOW, code: int = 0):
    result = runner.invoke(app, list(args), env={"LAPOR_WAKTU": at})
    assert result.exit_code == code, (args, result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    return result


# ---------------------------------------------------------------- the register


def catat(at: str, kanal: str, jenis: str, uraian: str, *extra: str, diterima: str = "") -> str:
    result = lapor(
        "catat",
        "--kanal",
        kanal,
        "--jenis",
        jenis,
        f"--uraian={uraian}",
        "--diterima",
        diterima or at,
        *extra,
        "--json",
        at=at,
    )
    return json.loads(result.stdout)["nomor"]


def handle(nomor: str, *steps: tuple[str, str, tuple[str, ...]]) -> None:
    """Walk a case through the SOP: (time, command, options) each."""
    for at, command, options in steps:
        lapor(command, nomor, *options, at=at)


def verif(at: str, kategori: str) -> tuple[str, str, tuple[str, ...]]:
    return (at, "verifikasi", ("--kategori", kategori))


def dist(at: str, unit: str) -> tuple[str, str, tuple[str, ...]]:
    return (at, "distribusi", ("--unit", unit))


def tl(at: str) -> tuple[str, str, tuple[str, ...]]:
    return (at, "tindaklanjut", ("--catatan", "Survei lapangan oleh pendamping."))


def tutup(at: str, *extra: str) -> tuple[str, str, tuple[str, ...]]:
    return (at, "tutup", ("--hasil", "Ditangani sesuai SOP.", *extra))


def nilai(at: str, skor: int) -> tuple[str, str, tuple[str, ...]]:
    return (at, "nilai", ("--skor", str(skor)))


LINJAMSOS = "Bidang Perlindungan dan Jaminan Sosial"
PFM = "Bidang Penanganan Fakir Miskin"


def build_register() -> dict[str, str]:
    """September to November 2026 (no holidays in between), every kind of case the monev
    counts; returns the case numbers by the names used in the tests."""
    n: dict[str, str] = {}
    # September: S1 closed in October; S2 still open (carried into October and November).
    n["S1"] = catat("2026-09-28 09:00", "whatsapp", "aduan", "PKH belum cair", "--nama", "Ani")
    handle(
        n["S1"],
        verif("2026-09-29 09:00", "PKH"),
        dist("2026-09-29 10:00", LINJAMSOS),
        tl("2026-10-05 09:00"),
        tutup("2026-10-06 10:00"),
    )
    n["S2"] = catat("2026-09-30 10:00", "surat", "aduan", "Tidak masuk DTKS", "--nama", "Beni")
    handle(
        n["S2"],
        verif("2026-10-01 09:00", "DTKS"),
        dist("2026-10-02 09:00", PFM),
        tl("2026-10-20 09:00"),
    )
    # October, the month under test.
    n["O1"] = catat(
        "2026-10-01 09:00",
        "tatap-muka",
        "aduan",
        "Bantuan PKH tahap 3 belum masuk.",
        "--nama",
        "Maria Bere",
        "--nik",
        NIK_2,
        "--hp",
        HP_1,
    )
    handle(
        n["O1"],
        verif("2026-10-01 10:00", "PKH"),
        dist("2026-10-01 11:00", LINJAMSOS),
        tl("2026-10-02 09:00"),
        tutup("2026-10-05 14:00"),
        nilai("2026-10-06 09:00", 5),
    )
    n["O2"] = catat(
        "2026-10-02 10:00",
        "whatsapp",
        "aduan",
        FORMULA_TEXTS["uraian_o2"],
        "--nama",
        FORMULA_TEXTS["nama_o2"],
        "--nik",
        NIK_3,
        "--hp",
        HP_2,
    )
    handle(
        n["O2"],
        verif("2026-10-05 09:00", "BPNT"),
        dist("2026-10-06 09:00", PFM),
        tl("2026-10-09 09:00"),
        tutup("2026-10-14 09:00"),
        nilai("2026-10-15 09:00", 2),
    )
    n["O3"] = catat("2026-10-05 09:00", "sms", "aspirasi", FORMULA_TEXTS["uraian_o3"], "--anonim")
    handle(
        n["O3"],
        verif("2026-10-06 09:00", "PELAYANAN"),
        ("2026-10-06 10:00", "distribusi", ("--jawaban-normatif", "Loket buka Senin–Jumat.")),
        tutup("2026-10-07 09:00"),
    )
    n["O4"] = catat(
        "2026-10-06 09:00",
        "sp4n-lapor",
        "aduan",
        RAHASIA_URAIAN,
        "--nama",
        "Paulus",
        "--nik",
        NIK_1,
        "--rahasia",
        "--nomor-lapor",
        "LAP2610061",
    )
    handle(
        n["O4"],
        verif("2026-10-07 09:00", "BANSOS-LAIN"),
        dist("2026-10-07 10:00", "Sekretariat"),
        tl("2026-10-08 09:00"),
        tutup("2026-10-09 09:00"),  # not reported back on SP4N-LAPOR!
    )
    n["O5"] = catat(
        "2026-10-07 09:00", "email", "informasi", FORMULA_TEXTS["uraian_o5"], "--nama", "Siti"
    )
    handle(
        n["O5"],
        verif("2026-10-08 09:00", "PKH"),
        dist("2026-10-08 10:00", LINJAMSOS),
        tl("2026-10-09 09:00"),
        tutup("2026-11-03 09:00"),  # after month end: open (and overdue) at the end of October
    )
    n["O6"] = catat("2026-10-08 09:00", "telepon", "aduan", "Penyaluran oleh bank", "--nama", "Ira")
    lapor(
        "verifikasi",
        n["O6"],
        "--kategori",
        "LAINNYA",
        "--bukan-kewenangan",
        "--alasan",
        "Kewenangan bank penyalur.",
        "--dirujuk-ke",
        "Bank Himbara",
        at="2026-10-09 09:00",
    )
    n["O7"] = catat(
        "2026-10-12 09:00",
        "sp4n-lapor",
        "aduan",
        "Desil DTSEN tidak sesuai.",
        "--nama",
        "Yohanes",
        "--nomor-lapor",
        FORMULA_TEXTS["nomor_lapor_o7"],
    )
    handle(
        n["O7"],
        verif("2026-10-13 09:00", "DTSEN"),
        dist("2026-10-13 10:00", PFM),
        tl("2026-10-14 09:00"),
        tutup("2026-10-15 09:00", "--dilaporkan"),
        nilai("2026-10-16 09:00", 4),
    )
    n["O10"] = catat(
        "2026-10-15 09:00", "instagram", "aduan", "Lansia terlantar di pasar.", "--nama", "Eka"
    )
    handle(
        n["O10"],
        verif("2026-10-16 09:00", "REHSOS"),
        dist("2026-10-16 10:00", "Bidang Rehabilitasi Sosial"),
        tl("2026-10-19 09:00"),
        tutup("2026-10-28 09:00"),
        nilai("2026-11-02 09:00", 3),  # rated after month end: still this case's rating
    )
    n["O8"] = catat("2026-10-20 09:00", "kotak-saran", "aduan", "Usul kotak saran", "--nama", "Ed")
    # O9: received 30 October, recorded only on 2 November (no history by the end of October).
    n["O9"] = catat(
        "2026-11-02 08:00",
        "whatsapp",
        "aduan",
        "Pesan WA Jumat sore.",
        "--nama",
        "Fani",
        diterima="2026-10-30 15:00",
    )
    handle(n["O9"], verif("2026-11-02 09:00", "PKH"), dist("2026-11-02 10:00", LINJAMSOS))
    # November (the running month).
    n["N1"] = catat(
        "2026-11-02 09:00", "facebook", "aduan", "Tidak terdaftar DTKS", "--nama", "Gita"
    )
    handle(
        n["N1"],
        verif("2026-11-02 10:00", "DTKS"),
        dist("2026-11-03 09:00", PFM),
        tl("2026-11-04 09:00"),
        tutup("2026-11-05 09:00"),
        nilai("2026-11-06 09:00", 5),
    )
    n["N2"] = catat(
        "2026-11-16 09:00", "youtube", "aspirasi", FORMULA_TEXTS["uraian_n2"], "--anonim"
    )
    n["N3"] = catat(
        "2026-11-20 09:00", "whatsapp", "aduan", FORMULA_TEXTS["uraian_n3"], "--nama", "Hadi"
    )
    handle(n["N3"], verif("2026-11-20 10:00", "PKH"))
    n["N4"] = catat("2026-11-23 09:00", "lainnya", "informasi", "Tanya jadwal", "--anonim")
    return n


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("register")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAPOR_DB", str(folder / "register.db"))
        mp.setenv("LAPOR_PETUGAS", "uji")
        mp.delenv("LAPOR_DATA", raising=False)
        for var in ("HOME", "XDG_CONFIG_HOME", "APPDATA"):
            mp.setenv(var, str(folder))
        numbers = build_register()
    return folder / "register.db", numbers


@pytest.fixture
def register(built: tuple[Path, dict[str, str]], isolated: Path) -> dict[str, str]:
    """This test's own copy of the built register (at $LAPOR_DB)."""
    source, numbers = built
    with sqlite3.connect(source) as src, sqlite3.connect(isolated / "register.db") as dst:
        src.backup(dst)
    return numbers


# ---------------------------------------------------------------- the independent count


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _weekdays(a: date, b: date) -> int:
    """Mon–Fri in (a, b]; there are no holidays from September to November 2026."""
    sign, (a, b) = (1, (a, b)) if a <= b else (-1, (b, a))
    return sign * sum(1 for i in range(1, (b - a).days + 1) if (a + timedelta(i)).weekday() < 5)


def _due(received: datetime) -> datetime:
    """Kemensos: 3 working days after day 0 (the day of receipt or the next working day)."""
    day = received.date()
    while day.weekday() >= 5:
        day += timedelta(1)
    left = 3
    while left:
        day += timedelta(1)
        left -= day.weekday() < 5
    return datetime.combine(day, time(23, 59, 59))


def count(db: Path, year: int, month: int, as_of: datetime) -> dict:
    start = datetime(year, month, 1)
    stop = datetime(year + month // 12, month % 12 + 1, 1)
    with sqlite3.connect(db) as con:
        con.row_factory = sqlite3.Row
        cases = [dict(r) for r in con.execute("SELECT * FROM kasus ORDER BY id")]
        history = [dict(r) for r in con.execute("SELECT * FROM riwayat ORDER BY id")]
    for c in cases:
        assert (c["sla_satuan"], c["sla_nilai"], c["sla_perpanjangan"]) == ("hari_kerja", 3, 0)
        c["diterima"], c["ditutup"] = _dt(c["diterima"]), _dt(c["ditutup"])
        c["closed"] = c["ditutup"] is not None and c["ditutup"] <= as_of
        c["due"] = _due(c["diterima"])
        last = "diterima"
        for h in history:
            if h["kasus_id"] == c["id"] and _dt(h["waktu"]) <= as_of:
                last = h["ke_status"]
        c["status_end"] = c["status"] if c["closed"] else last
        c["overdue"] = not c["closed"] and c["diterima"] <= as_of and as_of > c["due"]
        if c["closed"]:
            assert bool(c["tepat_waktu"]) == (c["ditutup"] <= c["due"])
            c["days"] = _weekdays(c["diterima"].date(), c["ditutup"].date())
    month_cases = [c for c in cases if start <= c["diterima"] < stop]
    carried = [c for c in cases if c["diterima"] < start and not c["closed"]]
    closed = [c for c in month_cases if c["closed"]]
    days = [c["days"] for c in closed]
    scores = [c["skor"] for c in closed if c["skor"] is not None]
    on_time = sum(1 for c in closed if c["tepat_waktu"])

    def ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    figures = {
        "diterima": len(month_cases),
        "selesai": len(closed),
        "tingkat_penyelesaian": ratio(len(closed), len(month_cases)),
        "selesai_tepat_waktu": on_time,
        "porsi_tepat_waktu": ratio(on_time, len(closed)),
        "rata_hari_kerja": statistics.mean(days) if days else None,
        "median_hari_kerja": statistics.median(days) if days else None,
        "terbuka": len(month_cases) - len(closed),
        "terlambat": sum(c["overdue"] for c in month_cases),
        "terbawa_terbuka": len(carried),
        "terbawa_terlambat": sum(c["overdue"] for c in carried),
        "rata_skor": statistics.mean(scores) if scores else None,
        "jumlah_skor": len(scores),
        "bukan_kewenangan": sum(1 for c in closed if c["kewenangan"] == 0),
        "sp4n_belum_dilaporkan_balik": sum(
            1 for c in closed if c["kanal"] == "sp4n-lapor" and not c["dilaporkan_balik"]
        ),
    }
    by = {
        key: _tally(c[key] for c in month_cases)
        for key in ("jenis", "kanal", "kategori", "status_end")
    }
    units: dict[str | None, dict] = {}
    for c in month_cases:
        u = units.setdefault(
            c["unit"], {"diterima": 0, "selesai": 0, "tepat_waktu": 0, "terlambat": 0, "d": []}
        )
        u["diterima"] += 1
        u["terlambat"] += c["overdue"]
        if c["closed"]:
            u["selesai"] += 1
            u["tepat_waktu"] += bool(c["tepat_waktu"])
            u["d"].append(c["days"])
    return {
        "figures": figures,
        "by": by,
        "units": units,
        "cases": {c["nomor"]: c for c in month_cases},
        "late": {c["nomor"] for c in [*month_cases, *carried] if c["overdue"]},
        "carried": {c["nomor"] for c in carried},
    }


def _tally(values) -> dict:
    out: dict = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


# ---------------------------------------------------------------- reading the workbook


def blocks(ws) -> dict[str, dict[str, tuple]]:
    """Ringkasan as {block title: {label: (value, share)}}; blocks are separated by a blank
    row and start with their header row."""
    out: dict[str, dict[str, tuple]] = {}
    current: dict[str, tuple] | None = None
    for row in ws.iter_rows(values_only=True):
        a, b, c = (list(row) + [None, None, None])[:3]
        if a is None and b is None:
            current = None
            continue
        if current is None:
            current = out.setdefault(str(a), {})
            continue
        current[str(a)] = (b, c)
    return out


def rows_of(ws) -> list[dict[str, object]]:
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


def figure_value(value: object) -> object:
    return None if value == "-" else value


def approx(a: object, b: object, tolerance: float = 1e-9) -> bool:
    """Equal numbers (the monev rounds shares to 3 and averages to 2 decimals, half up, in
    JSON and in the workbook alike: see :func:`rounded`)."""
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= tolerance


#: The key figures that are shares (rounded to 0.001) and averages (to 0.01).
SHARE_KEYS = {"tingkat_penyelesaian", "porsi_tepat_waktu"}
AVERAGE_KEYS = {"rata_hari_kerja", "median_hari_kerja", "rata_skor"}


def rounded(key: str, a: object, b: object) -> bool:
    """``a`` (the monev's rounded figure) is the exact ``b`` rounded as the monev rounds."""
    if key in SHARE_KEYS:
        return approx(a, b, 0.0005 + 1e-9)
    if key in AVERAGE_KEYS:
        return approx(a, b, 0.005 + 1e-9)
    return approx(a, b)


# ---------------------------------------------------------------- tests


def test_october_workbook_agrees_with_an_independent_count(register: dict[str, str]) -> None:
    result = lapor("ekspor", "--bulan", "2026-10")
    path = Path("monev-2026-10.xlsx")
    assert result.stdout.strip() == str(path)
    assert "ditulis" in result.stderr
    expected = count(Path("register.db"), 2026, 10, datetime(2026, 10, 31, 23, 59, 59))
    fig = expected["figures"]
    # The scenario is what the register was built to be (so the count below means something).
    assert (fig["diterima"], fig["selesai"], fig["terlambat"]) == (10, 7, 2)
    assert (fig["terbawa_terbuka"], fig["terbawa_terlambat"], fig["jumlah_skor"]) == (1, 1, 4)
    assert (fig["bukan_kewenangan"], fig["sp4n_belum_dilaporkan_balik"]) == (1, 1)
    assert (fig["rata_hari_kerja"], fig["median_hari_kerja"], fig["rata_skor"]) == (4, 3, 3.5)

    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Ringkasan", "Per unit", "Kasus", "Terlambat", "Terbawa"]
    summary = blocks(wb["Ringkasan"])
    key_figures = summary["Angka utama"]
    for key, label in LABELS.items():
        assert rounded(key, figure_value(key_figures[label][0]), fig[key]), key_figures[label]

    # Breakdowns: every line against the count (zeros for what did not occur).
    jenis_labels = {
        "Pengaduan": "aduan",
        "Aspirasi / saran": "aspirasi",
        "Permintaan informasi": "informasi",
    }
    for label, (n, _share) in summary["Menurut jenis"].items():
        assert n == expected["by"]["jenis"].get(jenis_labels[label], 0)
    kanal_codes = {label: code for code, label in KANAL_LABEL.items()}
    for label, (n, share) in summary["Menurut kanal"].items():  # read by name, not code
        assert n == expected["by"]["kanal"].get(kanal_codes[label], 0)
        assert approx(share, n / fig["diterima"], 0.0005 + 1e-9)
    for label, (n, _share) in summary["Menurut kategori"].items():
        code = None if label == "Belum diverifikasi" else label.split(" — ")[0]
        assert n == expected["by"]["kategori"].get(code, 0), label
    assert {k.lower(): v[0] for k, v in summary["Status per akhir bulan"].items() if v[0]} == (
        expected["by"]["status_end"]
    )
    assert expected["by"]["status_end"] == {
        "selesai": 6,  # O1, O2, O3 (answered normatively), O4, O7, O10
        "diarsipkan": 1,
        "ditindaklanjuti": 1,  # O5, closed only in November
        "diterima": 2,  # O8, and O9 which was recorded in November
    }

    # Per unit: each unit's line and the total line.
    units = {r["Unit"]: r for r in rows_of(wb["Per unit"])}
    total = units.pop("Jumlah")
    for name, line in units.items():
        key = None if name.startswith("Tanpa unit") else name
        exp = expected["units"].get(key, {"diterima": 0, "selesai": 0, "tepat_waktu": 0})
        assert line["Diterima"] == exp["diterima"], name
        assert line["Selesai"] == exp["selesai"], name
        assert line["Tepat waktu"] == exp["tepat_waktu"], name
        assert line["Terlambat per akhir bulan"] == exp.get("terlambat", 0), name
        mean = statistics.mean(exp["d"]) if exp.get("d") else None
        assert approx(line["Rata-rata lama selesai (hari kerja)"], mean, 0.005 + 1e-9), name
    assert total["Diterima"] == fig["diterima"] and total["Selesai"] == fig["selesai"]
    assert total["Tepat waktu"] == fig["selesai_tepat_waktu"]
    assert total["Terlambat per akhir bulan"] == fig["terlambat"]

    # The case list agrees with the figures, case by case.
    cases = rows_of(wb["Kasus"])
    assert {r["Nomor"] for r in cases} == set(expected["cases"])
    for r in cases:
        c = expected["cases"][r["Nomor"]]
        assert r["Status akhir bulan"] == c["status_end"].capitalize()
        assert r["Diterima"] == c["diterima"]
        assert r["Batas waktu"] == datetime.combine(c["due"].date(), time())
        assert (r["Ditutup"] is not None) == c["closed"]
        assert r["Lama selesai (hari kerja)"] == (c["days"] if c["closed"] else None)
    closed_rows = [r for r in cases if r["Ditutup"] is not None]
    assert len(closed_rows) == fig["selesai"]
    assert sum(r["Tepat waktu"] == "ya" for r in closed_rows) == fig["selesai_tepat_waktu"]
    days = [r["Lama selesai (hari kerja)"] for r in closed_rows]
    assert statistics.mean(days) == fig["rata_hari_kerja"]
    assert [r["Skor"] for r in cases if r["Skor"] is not None] == [5, 2, 4, 3]
    assert sum(r["Kewenangan"] == "tidak" for r in cases) == fig["bukan_kewenangan"]
    assert sum(r["Dilaporkan balik"] == "belum" for r in cases) == 1
    late = "Hari terlambat (hari kerja)"
    late_days = {r["Nomor"]: r[late] for r in cases if r[late] is not None}
    n = register
    assert late_days == {n["O2"]: 5, n["O10"]: 6, n["O5"]: 14, n["O8"]: 5}

    late = rows_of(wb["Terlambat"])
    assert {r["Nomor"] for r in late} == expected["late"] == {n["O5"], n["O8"], n["S2"]}
    assert {r["Nomor"]: r["Asal"] for r in late}[n["S2"]] == "bulan sebelumnya"
    assert {r["Nomor"]: r["Umur (hari kalender)"] for r in late}[n["O5"]] == 24
    assert {r["Nomor"] for r in rows_of(wb["Terbawa"])} == expected["carried"] == {n["S2"]}

    # rekap --json is the same computation.
    doc = json.loads(lapor("rekap", "--bulan", "2026-10", "--json").stdout)
    for key in LABELS:
        assert rounded(key, doc[key], fig[key]), key
    assert doc["keadaan_per"] == "2026-10-31T23:59" and doc["bulan_berjalan"] is False
    assert {x["nomor"] for x in doc["kasus_terlambat"]} == expected["late"]


def test_running_month_is_taken_as_of_now(register: dict[str, str]) -> None:
    doc = json.loads(lapor("ekspor", "--bulan", "2026-11", "--json").stdout)
    assert doc["berkas"] == str(Path("monev-2026-11.xlsx").resolve())
    assert doc["kasus"] == 4 and doc["lembar"][0] == "Ringkasan"
    expected = count(Path("register.db"), 2026, 11, datetime(2026, 11, 23, 10, 0))
    for key in LABELS:
        assert rounded(key, doc["ringkasan"][key], expected["figures"][key]), key
    n = register
    assert expected["carried"] == {n["S2"], n["O8"], n["O9"]}
    assert doc["ringkasan"]["terbawa_terlambat"] == 3
    wb = openpyxl.load_workbook("monev-2026-11.xlsx")
    key_figures = blocks(wb["Ringkasan"])["Angka utama"]
    for key, label in LABELS.items():
        assert rounded(key, figure_value(key_figures[label][0]), expected["figures"][key]), key
    head = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(max_row=7, values_only=True)}
    assert head["Periode"] == "November 2026 (bulan berjalan)"
    assert head["Keadaan per"] == datetime(2026, 11, 23, 10, 0)
    carried = {r["Nomor"]: r for r in rows_of(wb["Terbawa"])}
    assert carried[n["O9"]]["Status akhir bulan"] == "Didisposisikan"


def test_workbook_layout_dates_and_charts(register: dict[str, str]) -> None:
    lapor("ekspor", "--bulan", "2026-10")
    path = Path("monev-2026-10.xlsx")
    wb = openpyxl.load_workbook(path)
    kasus = wb["Kasus"]
    assert kasus.freeze_panes == "B2"
    assert kasus.auto_filter.ref == f"A1:V{kasus.max_row}" and kasus.max_row == 11
    header = [c.value for c in kasus[1]]
    # one <col> element may hold several adjacent columns of the same width
    widths = {
        get_column_letter(i): d.width
        for d in kasus.column_dimensions.values()
        for i in range(d.min, d.max + 1)
    }
    assert all(widths[c.column_letter] >= 6 for c in kasus[1])
    uraian_col = header.index("Uraian") + 1
    assert widths[kasus.cell(1, uraian_col).column_letter] >= 30  # wrapped, to print
    for name in ("Diterima", "Batas waktu"):
        col = header.index(name) + 1
        for row in range(2, kasus.max_row + 1):
            cell = kasus.cell(row, col)
            assert isinstance(cell.value, datetime) and cell.is_date, (name, row)
    for name in ("Terlambat", "Terbawa", "Per unit"):
        assert wb[name].freeze_panes == "B2" and wb[name].auto_filter.ref
    assert len(wb["Ringkasan"]._charts) == 2  # received by channel, status at month end
    assert len(wb["Per unit"]._charts) == 1  # on-time share by unit
    with zipfile.ZipFile(path) as zf:
        charts = [name for name in zf.namelist() if name.startswith("xl/charts/chart")]
    assert len(charts) == 3


def test_privacy_masking_anonim_and_rahasia(register: dict[str, str]) -> None:
    lapor("ekspor", "--bulan", "2026-10")
    lapor("ekspor", "--bulan", "2026-11")
    for name in ("monev-2026-10.xlsx", "monev-2026-11.xlsx"):
        wb = openpyxl.load_workbook(name)
        texts = [
            str(cell.value)
            for ws in wb.worksheets
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        blob = "\n".join(texts)
        for nik in (NIK_1, NIK_2, NIK_3):
            assert nik not in blob
        for digits in PHONE_DIGITS:
            assert digits not in blob.replace("-", "")
        assert RAHASIA_URAIAN not in blob
    wb = openpyxl.load_workbook("monev-2026-10.xlsx")
    rows = {r["Nomor"]: r for r in rows_of(wb["Kasus"])}
    n = register
    assert rows[n["O1"]]["NIK"] == "5371********0002"
    assert rows[n["O1"]]["HP"] == "+62812****7890"
    anonim = rows[n["O3"]]
    assert anonim["Anonim"] == "ya" and anonim["Nama pelapor"] == "(anonim)"
    assert anonim["NIK"] is None and anonim["HP"] is None
    secret = rows[n["O4"]]
    assert secret["Rahasia"] == "ya" and secret["Uraian"] == "(rahasia)"
    # a confidential complaint's reporter does not travel with the workbook
    assert secret["Nama pelapor"] == "(rahasia)" and secret["NIK"] is None and secret["HP"] is None
    assert rows[n["O5"]]["Uraian"] == "@admin mohon info syarat PKH, NIK saya 3171********0001"


def test_citizen_text_is_never_a_formula(register: dict[str, str]) -> None:
    lapor("ekspor", "--bulan", "2026-10")
    lapor("ekspor", "--bulan", "2026-11")
    seen = set()
    for name in ("monev-2026-10.xlsx", "monev-2026-11.xlsx"):
        with zipfile.ZipFile(name) as zf:
            for part in zf.namelist():
                if part.startswith("xl/worksheets/"):
                    assert b"<f>" not in zf.read(part) and b"<f " not in zf.read(part), part
        wb = openpyxl.load_workbook(name)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value[:1] in "=+-@#":
                        assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
                    if cell.value in FORMULA_TEXTS.values():
                        seen.add(cell.value)
    # Verbatim, all of them; only O5's text changed (the NIK in it is masked).
    assert seen == set(FORMULA_TEXTS.values()) - {FORMULA_TEXTS["uraian_o5"]}


def test_empty_month_gives_a_valid_workbook_that_says_so() -> None:
    doc = json.loads(lapor("ekspor", "--bulan", "2026-08", "--json").stdout)
    assert doc["kasus"] == 0 and doc["ringkasan"]["tingkat_penyelesaian"] is None
    wb = openpyxl.load_workbook("monev-2026-08.xlsx")
    texts = [c for row in wb["Ringkasan"].iter_rows(values_only=True) for c in row if c]
    assert "Tidak ada kasus yang diterima pada bulan ini." in texts
    assert wb["Kasus"].max_row == 1 and wb["Kasus"]["A1"].value == "Nomor"
    assert blocks(wb["Ringkasan"])["Angka utama"][LABELS["porsi_tepat_waktu"]][0] == "-"
    assert not wb["Ringkasan"]._charts
    screen = lapor("rekap", "--bulan", "2026-08")
    assert "Tidak ada kasus" in screen.stdout


def test_future_month_is_refused_and_nothing_written(isolated: Path) -> None:
    before = set(isolated.iterdir())
    for command in ("ekspor", "rekap"):
        result = lapor(command, "--bulan", "2026-12", code=1)
        assert result.stdout == ""
        assert result.stderr.startswith("Ditolak: Bulan 2026-12 belum dimulai")
        assert result.stderr.count("\n") == 1
    assert set(isolated.iterdir()) == before
    assert lapor("ekspor", "--bulan", "2026-13", code=1).stderr.startswith("Ditolak: Bulan")


def test_existing_file_is_not_overwritten_without_timpa(register: dict[str, str]) -> None:
    lapor("ekspor", "--bulan", "2026-10")
    path = Path("monev-2026-10.xlsx")
    path.write_bytes(b"punya orang lain")
    refused = lapor("ekspor", "--bulan", "2026-10", code=1)
    assert "--timpa" in refused.stderr and refused.stdout == ""
    assert path.read_bytes() == b"punya orang lain"
    lapor("ekspor", "--bulan", "2026-10", "--timpa")
    assert openpyxl.load_workbook(path).sheetnames[0] == "Ringkasan"
    assert not [p for p in Path().iterdir() if p.name.endswith(".tmp")]


def test_progress_bar_on_a_terminal(
    register: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal a long case list shows a progress bar while it is written (from
    PROGRESS_FROM cases; lowered here): the bar must draw on the real Rich console (the lazy
    stand-in is not a context manager; this crashed with a TypeError)."""
    import lapor_cli.cli.monev as cli_monev

    monkeypatch.setattr(cli_monev, "PROGRESS_FROM", 1)
    monkeypatch.setattr(cli_monev, "interactive", lambda: True)
    result = lapor("ekspor", "--bulan", "2026-10")
    assert result.exception is None
    assert openpyxl.load_workbook("monev-2026-10.xlsx").sheetnames[0] == "Ringkasan"


def test_keluaran_file_folder_and_missing_folder(register: dict[str, str], isolated: Path) -> None:
    out = isolated / "laporan"
    out.mkdir()
    doc = json.loads(lapor("ekspor", "--bulan", "2026-10", "--keluaran", str(out), "--json").stdout)
    assert doc["berkas"] == str(out / "monev-2026-10.xlsx")
    lapor("ekspor", "--bulan", "2026-10", "--keluaran", "oktober.xlsx")
    assert Path("oktober.xlsx").is_file()
    missing = lapor("ekspor", "--bulan", "2026-10", "--keluaran", "tidak/ada.xlsx", code=1)
    assert "tidak ada" in missing.stderr


def test_each_command_is_one_library_call(register: dict[str, str], isolated: Path) -> None:
    """`rekap` and `ekspor` render what `monev.month_report` / `monev.export_month` return."""
    from lapor_cli import monev
    from lapor_cli.db import open_register
    from lapor_cli.settings import get_settings

    rekap = json.loads(lapor("rekap", "--bulan", "2026-10", "--json").stdout)
    ekspor = json.loads(lapor("ekspor", "--bulan", "2026-10", "--json").stdout)
    now = datetime.fromisoformat(NOW)
    seen: list[tuple[int, int]] = []
    opened = open_register(str(isolated / "register.db"), write=False)
    try:
        with opened.transaction(False) as session:
            kantor = get_settings(session)["kantor_nama"]
            report = monev.month_report(session, year=2026, month=10, now=now, kantor=kantor)
            written = monev.export_month(
                session,
                year=2026,
                month=10,
                now=now,
                kantor=kantor,
                keluaran="lib.xlsx",
                progress=lambda done, total: seen.append((done, total)),
            )
    finally:
        opened.engine.dispose()
    assert json.loads(json.dumps(report.as_json(), default=str)) == rekap
    assert json.loads(json.dumps(written.as_json(), default=str)) == {
        **ekspor,
        "berkas": str(Path("lib.xlsx").resolve()),
    }
    assert seen == [(0, 10), (10, 10)]  # from 0, every 1,000 rows, at the end


def test_rekap_screen(register: dict[str, str]) -> None:
    result = lapor("rekap", "--bulan", "2026-10")
    out = result.stdout
    assert "Oktober 2026" in out and "31 Oktober 2026 23:59" in out
    assert "Tingkat penyelesaian" in out and "70,0%" in out
    assert "Per unit" in out and "LINJAMSOS" in out
    assert result.stderr == ""


def test_deadline_counts_pauses_only_up_to_month_end() -> None:
    """Paused from 21 October to 4 November and closed on 5 November: at the end of October
    the pause had frozen 7 working days, so the deadline then was 3 November (counting the
    whole pause would give 6 November)."""
    nomor = catat("2026-10-20 09:00", "surat", "aduan", "Menunggu dokumen KK", "--nama", "Lia")
    handle(
        nomor,
        verif("2026-10-20 10:00", "DTKS"),
        dist("2026-10-20 11:00", PFM),
        ("2026-10-21 09:00", "tunda", ("--alasan", "Menunggu fotokopi KK.")),
        ("2026-11-04 09:00", "lanjut", ()),
        tl("2026-11-04 10:00"),
        tutup("2026-11-05 09:00"),
    )
    lapor("ekspor", "--bulan", "2026-10")
    (row,) = rows_of(openpyxl.load_workbook("monev-2026-10.xlsx")["Kasus"])
    assert row["Status akhir bulan"] == "Didisposisikan"
    assert row["Batas waktu"] == datetime(2026, 11, 3)
    assert row["Hari terlambat (hari kerja)"] is None and row["Ditutup"] is None
    closed = json.loads(lapor("lihat", nomor, "--json").stdout)
    assert closed["batas_waktu"] == "2026-11-06"  # today, with the whole pause


def test_the_workbook_and_rekap_carry_the_anchor_periksa_reports(
    register: dict[str, str],
) -> None:
    """The Ringkasan sheet prints the chain's anchor as `lapor periksa` gives it, read when
    the workbook is made; `rekap --json` carries it too; and the anchor printed is one that
    `lapor periksa --jangkar` later proves (after more work in the register)."""
    checked = json.loads(lapor("periksa", "--json").stdout)["jangkar"]
    assert checked["jumlah"] > 0
    doc = json.loads(lapor("ekspor", "--bulan", "2026-10", "--json").stdout)
    assert doc["ringkasan"]["jangkar"] == checked
    assert json.loads(lapor("rekap", "--bulan", "2026-10", "--json").stdout)["jangkar"] == checked
    assert f"Jangkar rantai register: {checked['singkat']}." in lapor("rekap").stdout

    wb = openpyxl.load_workbook("monev-2026-10.xlsx")
    head = {r[0]: r[1] for r in wb["Ringkasan"].iter_rows(max_row=8, values_only=True)}
    assert head["Jangkar rantai register"] == (
        f"{checked['singkat']} (dicetak 23 November 2026 10:00; periksa dengan "
        f"`lapor periksa --jangkar {checked['singkat']}`)"
    )
    notes = [r[0] for r in wb["Ringkasan"].iter_rows(values_only=True)]
    assert any(str(n).startswith("Jangkar rantai register: jumlah entri") for n in notes)

    lapor("catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Sesudah", "--nama", "Ani")
    later = json.loads(lapor("periksa", "--json").stdout)["jangkar"]
    assert later["jumlah"] == checked["jumlah"] + 1
    proved = lapor("periksa", "--jangkar", checked["singkat"], "--json")
    assert json.loads(proved.stdout)["masalah"] == []
