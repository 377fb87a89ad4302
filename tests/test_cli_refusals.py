"""Refusals: exit code 1, one line "Ditolak: …" on stderr naming the field or the status,
nothing on stdout, nothing written. Usage errors: exit code 2, nothing written."""

from __future__ import annotations

import pytest

from conftest import NIK, dump_register

#: The SOP (SPEC §2): which statuses each command accepts.
ALLOWED = {
    "verifikasi": {"diterima"},
    "distribusi": {"terverifikasi"},
    "tindaklanjut": {"didisposisikan", "ditindaklanjuti"},
    "tutup": {"dijawab", "ditindaklanjuti"},
    "nilai": {"selesai"},
    "laporbalik": {"selesai", "diarsipkan"},
}
STATUSES = (
    "diterima",
    "terverifikasi",
    "diarsipkan",
    "didisposisikan",
    "dijawab",
    "ditindaklanjuti",
    "selesai",
)
#: Valid options for each command, so that only the status is wrong.
OPTIONS = {
    "verifikasi": ["--kategori", "PKH"],
    "distribusi": ["--unit", "Sekretariat"],
    "tindaklanjut": ["--catatan", "Cek lapangan"],
    "tutup": ["--hasil", "Beres"],
    "nilai": ["--skor", "4"],
    "laporbalik": [],
}
WRONG_STATUS = [
    (command, status)
    for command in ALLOWED
    for status in STATUSES
    if status not in ALLOWED[command]
]

CATAT = ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "Aduan PKH"]
CATAT_NAMA = [*CATAT, "--nama", "Siti Aminah"]

#: (id, arguments, words the one-line refusal must contain). ``@label`` = a case of that
#: label in the ``populated`` register.
REFUSALS = [
    ("nik-15-digit", [*CATAT_NAMA, "--nik", "317101410190001"], ["NIK", "16 digit", "15"]),
    ("nik-huruf", [*CATAT_NAMA, "--nik", "31710141019000a1"], ["NIK", "angka"]),
    ("nik-wilayah", [*CATAT_NAMA, "--nik", "9999014101900001"], ["NIK", "wilayah", "9999"]),
    ("nik-tanggal", [*CATAT_NAMA, "--nik", "3171013201900001"], ["NIK", "tanggal lahir"]),
    ("nik-json", [*CATAT_NAMA, "--nik", "123", "--json"], ["NIK"]),
    ("kk", [*CATAT_NAMA, "--kk", "12345"], ["KK"]),
    ("hp", [*CATAT_NAMA, "--hp", "12345"], ["telepon", "12345"]),
    ("hp-huruf", [*CATAT_NAMA, "--hp", "nol delapan"], ["telepon"]),
    ("email", [*CATAT_NAMA, "--email", "siti-at-contoh"], ["email"]),
    # slips caught at the door (the clock: Monday 23 November 2026)
    (
        "diterima-tahun-lalu",
        [*CATAT_NAMA, "--diterima", "2025-11-20"],
        ["Tanggal diterima Kamis, 20 November 2025", "tahun 2025", "ulangi dengan --lama"],
    ),
    (
        "diterima-lewat-30-hari",
        [*CATAT_NAMA, "--diterima", "1 Oktober 2026"],
        ["Kamis, 1 Oktober 2026", "53 hari yang lalu", "ulangi dengan --lama"],
    ),
    (
        "diterima-tidak-ada",
        [*CATAT_NAMA, "--diterima", "31/11/2026"],
        ["Tanggal 31/11/2026 tidak ada: November hanya 30 hari."],
    ),
    ("diterima-lusa", [*CATAT_NAMA, "--diterima", "lusa"], ["'lusa' tidak dikenali"]),
    ("nik-urut-0000", [*CATAT_NAMA, "--nik", "3171014101900000"], ["NIK", "0000"]),
    ("nik-excel", [*CATAT_NAMA, "--nik", "5,37101E+15"], ["NIK", "Excel", "Teks"]),
    (
        "libur-tidak-ada",
        ["libur", "tambah", "31/11/2026", "HUT Kota"],
        ["31/11/2026", "November hanya 30 hari"],
    ),
    ("libur-jam", ["libur", "tambah", "24/12/2026 14.00", "Cuti"], ["tanpa jam"]),
    ("sla-per-tidak-ada", ["sla", "--per", "29/02/2027"], ["Februari 2027 hanya 28 hari"]),
    (
        "kanal",
        ["catat", "--kanal", "merpati", "--jenis", "aduan", "--uraian", "x", "--nama", "Siti"],
        ["Kanal", "merpati"],
    ),  # fmt: skip
    (
        "jenis",
        ["catat", "--kanal", "surat", "--jenis", "gosip", "--uraian", "x", "--nama", "Siti"],
        ["Jenis", "gosip"],
    ),  # fmt: skip
    ("diterima-masa-depan", [*CATAT_NAMA, "--diterima", "2026-11-24"], ["masa depan"]),
    ("diterima-menit-depan", [*CATAT_NAMA, "--diterima", "2026-11-23 10:01"], ["masa depan"]),
    ("diterima-format", [*CATAT_NAMA, "--diterima", "11/23/2026"], ["Tanggal", "11/23/2026"]),
    (
        "uraian-kosong",
        ["catat", "--kanal", "surat", "--jenis", "aduan", "--uraian", "   ", "--nama", "Siti"],
        ["Uraian"],
    ),  # fmt: skip
    ("nama-wajib", CATAT, ["Nama", "anonim"]),
    ("nama-kendali", [*CATAT, "--nama", "Siti\x1b[2J"], ["Nama", "kendali"]),
    ("nama-panjang", [*CATAT, "--nama", "S" * 201], ["Nama", "terlalu panjang"]),
    ("anonim-dengan-nama", [*CATAT_NAMA, "--anonim"], ["anonim", "nama"]),
    ("anonim-dengan-nik", [*CATAT, "--anonim", "--nik", NIK], ["anonim", "nik"]),
    ("anonim-dengan-hp", [*CATAT, "--anonim", "--hp", "081234567890"], ["anonim", "hp"]),
    (
        "kasus-tidak-ada",
        ["verifikasi", "DS-2026-09999", "--kategori", "PKH"],
        ["DS-2026-09999", "tidak ada"],
    ),  # fmt: skip
    ("lihat-tidak-ada", ["lihat", "DS-2026-09999"], ["DS-2026-09999", "tidak ada"]),
    ("lihat-lengkap-tidak-ada", ["lihat", "DS-2026-09999", "--lengkap"], ["DS-2026-09999"]),
    ("tutup-tidak-ada", ["tutup", "DS-2025-00001", "--hasil", "x"], ["DS-2025-00001"]),
    ("kategori", ["verifikasi", "@diterima", "--kategori", "ZAKAT"], ["Kategori", "ZAKAT"]),
    ("unit", ["distribusi", "@terverifikasi", "--unit", "Bidang Zakat"], ["Unit", "Zakat"]),
    (
        "unit-dan-jawaban",
        ["distribusi", "@terverifikasi", "--unit", "PFM", "--jawaban-normatif", "x"],
        ["--unit", "--jawaban-normatif"],
    ),  # fmt: skip
    ("tanpa-unit", ["distribusi", "@terverifikasi"], ["--unit"]),
    (
        "tembusan-jawaban",
        ["distribusi", "@terverifikasi", "--jawaban-normatif", "x", "--tembusan", "UPT"],
        ["--tembusan"],
    ),  # fmt: skip
    (
        "alasan",
        ["verifikasi", "@diterima", "--kategori", "LAINNYA", "--bukan-kewenangan"],
        ["--alasan"],
    ),  # fmt: skip
    (
        "alasan-kosong",
        ["verifikasi", "@diterima", "--kategori", "LAINNYA", "--bukan-kewenangan", "--alasan", " "],
        ["--alasan"],
    ),  # fmt: skip
    (
        "rujuk-padahal-kewenangan",
        ["verifikasi", "@diterima", "--kategori", "PKH", "--dirujuk-ke", "Dukcapil"],
        ["--dirujuk-ke"],
    ),  # fmt: skip
    ("catatan", ["tindaklanjut", "@didisposisikan"], ["--catatan"]),
    ("hasil", ["tutup", "@dijawab"], ["--hasil"]),
    (
        "dilaporkan-bukan-sp4n",
        ["tutup", "@dijawab", "--hasil", "x", "--dilaporkan"],
        ["--dilaporkan", "sp4n-lapor"],
    ),  # fmt: skip
    ("laporbalik-bukan-sp4n", ["laporbalik", "@selesai-surat"], ["sp4n-lapor"]),
    ("laporbalik-dua-kali", ["laporbalik", "@dinilai"], ["sudah dilaporkan"]),
    ("skor-0", ["nilai", "@selesai", "--skor", "0"], ["Skor", "0"]),
    ("skor-6", ["nilai", "@selesai", "--skor", "6"], ["Skor", "6"]),
    ("nilai-dua-kali", ["nilai", "@dinilai", "--skor", "5"], ["sudah dinilai", "4"]),
    ("daftar-status", ["daftar", "--status", "baru"], ["Status", "baru"]),
    ("daftar-kanal", ["daftar", "--kanal", "merpati"], ["Kanal", "merpati"]),
    ("daftar-bulan", ["daftar", "--bulan", "2026-13"], ["Bulan", "2026-13"]),
    ("daftar-batas", ["daftar", "--batas", "-1"], ["--batas"]),
    # more than any database takes (was an OverflowError traceback)
    ("daftar-batas-besar", ["daftar", "--batas", "9" * 23], ["--batas", "terlalu besar"]),
]


def resolve(args: list[str], cases: dict[str, str]) -> list[str]:
    return [cases[a[1:]] if a.startswith("@") else a for a in args]


def assert_refused(run, args: list[str], words: list[str]) -> str:
    """Run ``args``: refused in one line naming ``words``, nothing on stdout, nothing written."""
    before = dump_register()
    code, out, err = run(*args)
    assert code == 1, (out, err)
    assert out == ""
    assert err.startswith("Ditolak: "), err
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    for word in words:
        assert word in err, (word, err)
    assert dump_register() == before
    return err


@pytest.mark.parametrize(
    ("command", "status"), WRONG_STATUS, ids=[f"{c}-{s}" for c, s in WRONG_STATUS]
)
def test_wrong_status_refused(run, populated, command: str, status: str) -> None:
    nomor = populated[status]
    err = assert_refused(
        run, [command, nomor, *OPTIONS[command]], [nomor, f"'{status}'", f"`{command}`"]
    )
    for allowed in ALLOWED[command]:
        assert f"'{allowed}'" in err


@pytest.mark.parametrize(("args", "words"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
def test_refused_and_nothing_written(run, populated, args: list[str], words: list[str]) -> None:
    assert_refused(run, resolve(args, populated), words)


@pytest.mark.parametrize(
    "args",
    [
        [*CATAT_NAMA, "--nik", "123"],
        CATAT,
        [*CATAT_NAMA, "--diterima", "2025-11-20"],
        ["libur", "tambah", "31/11/2026", "HUT Kota"],
        ["verifikasi", "DS-2026-00001", "--kategori", "PKH"],
        ["tutup", "DS-2026-00001", "--hasil", "x"],
        ["lihat", "DS-2026-00001", "--lengkap"],
    ],
    ids=[
        "catat-nik",
        "catat-kosong",
        "catat-lama",
        "libur-tidak-ada",
        "verifikasi",
        "tutup",
        "lihat-lengkap",
    ],
)
def test_refusal_on_a_new_machine_creates_no_register(run, register_files, args) -> None:
    """A refused command writes nothing: not even an empty register file."""
    assert register_files() == []
    code, out, err = run(*args)
    assert code == 1
    assert out == ""
    assert err.startswith("Ditolak: ")
    assert register_files() == []


@pytest.mark.parametrize(
    "args",
    [
        ["daftar", "--json"],
        ["lihat", "DS-2026-00001"],
        ["daftar", "--status", "baru"],
    ],
    ids=["daftar", "lihat", "daftar-salah"],
)
def test_reading_on_a_new_machine_creates_no_register(run, register_files, args) -> None:
    run(*args)
    assert register_files() == []


@pytest.mark.parametrize(
    "args",
    [
        ["catat", "--tidak-ada"],
        ["perintah-tidak-ada"],
        ["nilai", "@selesai", "--skor", "lima"],
        ["nilai", "@selesai"],
        ["verifikasi", "@diterima"],
        ["daftar", "--batas", "semua"],
        ["lihat"],
    ],
    ids=["opsi", "perintah", "skor-bukan-angka", "tanpa-skor", "tanpa-kategori", "batas", "nomor"],
)
def test_usage_error_exit_2_writes_nothing(run, populated, args: list[str]) -> None:
    before = dump_register()
    code, out, err = run(*resolve(args, populated))
    assert code == 2
    assert out == ""
    # one Indonesian line (not Click's English "Usage: … Error: …"), then where help is
    first, second = err.splitlines()
    assert first.startswith("Cara pakai salah: ") and "Error" not in err, err
    assert second.startswith("Bantuan: lapor") and second.endswith("--help")
    assert dump_register() == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["catat", "--kanl", "surat"], "opsi --kanl tidak dikenal; mungkin maksud Anda"),
        (["catta"], "perintah 'catta' tidak ada; mungkin maksud Anda 'catat', 'batal'."),
        (["nilai", "DS-2026-00001", "--skor", "lima"], "--skor harus bilangan bulat."),
        (["nilai"], "NOMOR wajib diisi."),
        (["catat", "--kanal"], "opsi --kanal perlu nilai."),
        (["lihat", "DS-2026-00001", "lagi"], "isian berlebih: lagi"),
        (["impor"], "FILE: sebutkan berkas yang diimpor"),
    ],
)
def test_usage_errors_say_what_is_wrong_in_indonesian(run, args, said) -> None:
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert err.startswith("Cara pakai salah: " + said), err
