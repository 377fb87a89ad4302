"""The import core: reading CSV/XLSX, checking every row, writing in one transaction."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from conftest import POSIX_CAP, assert_refused_in_one_line, lapor_capped
from lapor_cli import importing
from lapor_cli.db import open_register
from lapor_cli.desks import desk_for_write
from lapor_cli.errors import LaporError, NotFoundError
from lapor_cli.importing import checks, parallel, run, sheets
from lapor_cli.settings import get_settings

NOW = datetime(2026, 11, 23, 10, 0)
HEADER = ["nomor_formulir", "diterima", "kanal", "jenis", "uraian", "nama", "nik", "hp"]


def row(i: int) -> list[object]:
    return [
        f"F-{i}",
        "2026-11-20 09:15",
        "surat",
        "aduan",
        f"Aduan nomor {i}",
        f"Pelapor {i}",
        "3171014101900001",
        "0812-3456-7890",
    ]


def xlsx(path: Path, rows: list[list[object]], *, at: str = "A1") -> Path:
    book = Workbook()
    ws = book.active
    start_row, start_col = ws[at].row, ws[at].column
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            ws.cell(start_row + r, start_col + c, value)
    book.save(path)
    return path


def check(path: Path) -> importing.Checked:
    checked = importing.check_file(path, now=NOW, petugas="meja")
    return checked


def test_column_names_and_letters():
    assert importing.column_key(" Nomor Formulir ") == "nomor_formulir"
    assert importing.column_key("NOMOR-LAPOR") == "nomor_lapor"
    assert importing.column_key(None) == ""
    assert [importing.column_letter(i) for i in (0, 25, 26, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "ZZ",
        "AAA",
    ]


def test_headings_as_people_type_them_name_their_columns():
    assert importing.column_key("No. HP") == "no_hp"
    assert importing.column_key(" NO.HP ") == "no_hp"
    for typed, name in [
        ("Tanggal Diterima", "diterima"),
        ("Tgl Diterima", "diterima"),
        ("tgl. diterima", "diterima"),
        ("No. HP", "hp"),
        ("No HP", "hp"),
        ("Nomor HP", "hp"),
        ("NIK Pelapor", "nik"),
        ("Nama Pelapor", "nama"),
        ("Alamat Pelapor", "alamat"),
        ("No. Formulir", "nomor_formulir"),
        ("Nomor Tiket LAPOR", "nomor_lapor"),
        ("Isi Aduan", "uraian"),
        ("Uraian Aduan", "uraian"),
        ("nomor-formulir", "nomor_formulir"),
        ("Keterangan", None),
    ]:
        assert importing.columns.column_for(typed) == name, typed
    # every declared heading names its own column, and no other
    for column in importing.COLUMN_TABLE:
        for heading in column.aliases.split(","):
            assert importing.columns.column_for(heading) == column.name, heading


def test_an_unknown_heading_is_named_with_the_closest_one_not_the_whole_list():
    names, errors = importing.map_header(["diterima", "kanal", "jenis", "Isi Adun", "xyz"], 0)
    assert names == ["diterima", "kanal", "jenis", None, None]
    assert [(e.kolom, e.pesan) for e in errors[:2]] == [
        (
            "Isi Adun",
            "Kolom 'Isi Adun' (kolom D) tidak dikenal; maksudnya 'Isi Aduan' (kolom uraian)? "
            "Ganti judulnya, atau hapus kolom itu.",
        ),
        (
            "xyz",
            "Kolom 'xyz' (kolom E) tidak dikenal. Pakai judul kolom templat (`lapor impor "
            "--templat FILE.xlsx`), atau hapus kolom itu.",
        ),
    ]
    assert errors[2].kolom == "uraian"  # and the required column is missing
    names, errors = importing.map_header(["Tanggal", "Tgl Diterima"], 0)
    assert errors[0].pesan.startswith("Kolom diterima muncul dua kali (kolom A Tanggal dan B")


def test_a_date_column_of_excel_serial_numbers_is_read_as_dates(tmp_path):
    # a date column formatted as General: Excel keeps the serial numbers themselves
    rows = [row(1), row(2), row(3)]
    rows[0][1], rows[1][1], rows[2][1] = 46346, 46346.5, "46346"
    checked = check(xlsx(tmp_path / "serial.xlsx", [HEADER, *rows]))
    assert checked.errors == []
    received = [data.diterima for chunk in checked.cases() for _n, data, _s in chunk]
    assert received == [
        datetime(2026, 11, 20),
        datetime(2026, 11, 20, 12, 0),
        datetime(2026, 11, 20),
    ]
    checked.close()


def test_xlsx_away_from_a1_is_numbered_as_the_spreadsheet_shows(tmp_path):
    rows = [HEADER, row(1), row(2)]
    rows[2][6] = "123"
    checked = check(xlsx(tmp_path / "b3.xlsx", rows, at="B3"))
    assert [(e.baris, e.kolom) for e in checked.errors] == [(5, "nik")]
    checked.close()


def test_header_below_empty_rows_is_named_by_its_own_row(tmp_path):
    checked = check(xlsx(tmp_path / "b3.xlsx", [[*HEADER, "petugas"], row(1)], at="B3"))
    assert [(e.baris, e.kolom) for e in checked.errors] == [(3, "petugas")]
    assert "kolom J" in checked.errors[0].pesan
    assert checked.header_row == 3


def test_a_value_under_no_header_is_refused_with_its_column_letter(tmp_path):
    rows = [HEADER, row(1), [*row(2), None, "catatan liar"]]
    checked = check(xlsx(tmp_path / "liar.xlsx", rows))
    assert [(e.baris, e.kolom, e.nilai) for e in checked.errors] == [(3, None, "catatan liar")]
    assert "kolom J" in checked.errors[0].pesan
    checked.close()


def test_duplicate_header_is_refused(tmp_path):
    checked = check(xlsx(tmp_path / "dobel.xlsx", [[*HEADER, "Kanal"], row(1)]))
    assert [(e.baris, e.kolom) for e in checked.errors] == [(1, "kanal")]
    assert "dua kali" in checked.errors[0].pesan


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".xls"),
        ("diterima,kanal".encode("utf-16"), "UTF-16"),
        (b"PK\x03\x04 not really a workbook", "tidak dapat dibaca sebagai XLSX"),
    ],
)
def test_files_that_are_not_csv_or_xlsx_are_refused(tmp_path, content, message):
    path = tmp_path / "berkas.csv"
    path.write_bytes(content)
    with pytest.raises(LaporError, match=message):
        check(path)


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "kosong.csv"
    path.write_text("\n\n", "utf-8")
    checked = check(path)
    assert [e.baris for e in checked.errors] == [1]
    assert "kosong" in checked.errors[0].pesan


def test_openpyxl_reads_the_same_as_calamine(tmp_path, monkeypatch):
    rows = [
        HEADER + ["anonim"],
        [*row(1)[:6], 3171014101900001, 81234567890, 0],
        [*row(2)[:1], datetime(2026, 11, 21, 8, 30), *row(2)[2:], False],
    ]
    path = xlsx(tmp_path / "dua.xlsx", rows)
    fast = check(path)
    fast_cases = [c for chunk in fast.cases() for c in chunk]
    fast.close()
    monkeypatch.setattr(sheets, "CALAMINE_MAX_BYTES", 0)  # a large file streams
    slow = check(path)
    slow_cases = [c for chunk in slow.cases() for c in chunk]
    slow.close()
    assert fast_cases == slow_cases
    monkeypatch.setattr(sheets, "CALAMINE_MAX_BYTES", 1 << 30)
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # not installed
    missing = check(path)
    assert [c for chunk in missing.cases() for c in chunk] == fast_cases
    missing.close()
    assert [c.nik for _, c, _ in fast_cases] == ["3171014101900001", "3171014101900001"]
    assert [c.hp for _, c, _ in fast_cases] == ["+6281234567890", "+6281234567890"]
    assert fast_cases[1][1].diterima == datetime(2026, 11, 21, 8, 30)
    assert fast.warnings and not fast.errors


def test_good_rows_wait_in_a_spill_file_not_in_memory(tmp_path):
    path = tmp_path / "banyak.csv"
    lines = [",".join(HEADER)] + [",".join(map(str, row(i))) for i in range(1, 4_501)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    checked = check(path)
    try:
        assert (checked.rows, checked.count, checked.errors) == (4_500, 4_500, [])
        assert checked.spill is not None and checked.spill.tell() > 0
        chunks = list(checked.cases())
        full, rest = divmod(4_500, checks.BATCH)
        assert [len(c) for c in chunks] == [checks.BATCH] * full + ([rest] if rest else [])
        assert chunks[-1][-1][0] == 4_501  # spreadsheet row of the last form
    finally:
        checked.close()


def _write(db: Path, checked: importing.Checked, progress=None) -> importing.ImportResult:
    register = open_register(str(db), write=True)
    try:
        with register.transaction(True) as session:
            settings = get_settings(session)
            return importing.write_checked(
                session,
                checked,
                now=NOW,
                settings=settings,
                desk=desk_for_write(session, None),
                progress=progress,
            )
    finally:
        register.engine.dispose()


def test_ctrl_c_while_writing_leaves_the_register_as_it_was(tmp_path):
    db = tmp_path / "register.db"
    path = tmp_path / "a.csv"
    lines = [",".join(HEADER)] + [",".join(map(str, row(i))) for i in range(1, 4_101)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    checked = check(path)
    first = check(xlsx(tmp_path / "satu.xlsx", [HEADER, row(0)]))
    assert _write(db, first).diimpor == 1
    first.close()

    def interrupt(phase: str, done: int, total: int | None) -> None:
        if phase == "tulis" and done >= 2_000:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _write(db, checked, progress=interrupt)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM kasus").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM riwayat").fetchone() == (1,)
        assert conn.execute("SELECT terakhir FROM nomor_urut").fetchone() == (1,)
    result = _write(db, checked)  # and the same checked file can still go in afterwards
    assert (result.diimpor, result.nomor_awal, result.nomor_akhir) == (
        4_100,
        "DS-2026-00002",
        "DS-2026-04101",
    )
    checked.close()


def test_refusal_message_names_rows_or_the_header():
    errors = [importing.RowError(3, "telp", "telp", "Kolom x.")]
    header = importing.ImportRefused(errors, header_row=3)
    assert header.message.startswith("judul kolom (baris 3) bermasalah: Kolom x.")
    assert importing.ImportRefused(errors).message.startswith("1 baris bermasalah (baris 3)")
    many = importing.ImportRefused([importing.RowError(r, "nik", None, "x") for r in range(2, 20)])
    assert many.message.startswith("18 baris bermasalah (baris 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …)")


def test_the_bulk_insert_writes_every_column_the_models_fill_by_default():
    # Bug (of the SQLAlchemy bulk insert this replaced): a model column with a Python-side
    # default (``diperpanjang: bool = False``) left out of the rows failed the whole import.
    # The driver's INSERT would store NULL there instead: every such column must be written.
    from lapor_cli.bulk_cases import ENTRY_COLUMNS
    from lapor_cli.models import Case, History
    from lapor_cli.new_case_rows import NEW_CASE_COLUMNS

    for table, written in ((Case.__table__, {*NEW_CASE_COLUMNS, "garam"}),
                           (History.__table__, set(ENTRY_COLUMNS))):  # fmt: skip
        defaulted = {c.name for c in table.c if c.default is not None and not c.primary_key}
        assert defaulted, table.name  # (the check sees the models' defaults at all)
        assert defaulted <= written, (table.name, defaulted - written)


# ---------------------------------------------------------------- checking while writing


def _big_csv(path: Path, n: int, bad: dict[int, str] | None = None) -> Path:
    """``n`` good forms; ``bad`` maps a form's index to a NIK that is refused."""
    lines = [",".join(HEADER)]
    for i in range(1, n + 1):
        values = row(i)
        if bad and i in bad:
            values[6] = bad[i]
        lines.append(",".join(map(str, values)))
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _parallel(db: Path, path: Path, progress=None, started=None) -> importing.ImportResult:
    register = open_register(str(db), write=True)
    try:
        with register.transaction(True) as session:
            return importing.import_parallel(
                session,
                path,
                now=NOW,
                petugas="meja",
                settings=get_settings(session),
                desk=desk_for_write(session, None),
                progress=progress,
                started=started,
            )
    finally:
        register.engine.dispose()


def _counts(db: Path) -> tuple[int, int, tuple | None]:
    with sqlite3.connect(db) as conn:
        return (
            conn.execute("SELECT count(*) FROM kasus").fetchone()[0],
            conn.execute("SELECT count(*) FROM riwayat").fetchone()[0],
            conn.execute("SELECT terakhir FROM nomor_urut").fetchone(),
        )


@pytest.fixture
def one_case(tmp_path) -> Path:
    """A register with one case in it (so "unchanged" means something)."""
    db = tmp_path / "register.db"
    first = check(xlsx(tmp_path / "satu.xlsx", [HEADER, row(0)]))
    assert _write(db, first).diimpor == 1
    first.close()
    return db


@pytest.mark.parametrize("writer_idle", [True, False], ids=["writer-prepares", "check-prepares"])
def test_parallel_import_writes_what_the_two_step_import_writes(
    tmp_path, same_salts, monkeypatch, writer_idle
):
    # Each chunk is prepared by the checking process, or (the writer waiting for rows) sent
    # as checked and prepared by the writer: here every chunk one way, then the other.
    monkeypatch.setattr(importing.parallel._Outbox, "idle", lambda _self: writer_idle)
    # one_case's case, with the salts counted from zero as for the serial register below
    one_case = tmp_path / "register.db"
    first = check(xlsx(tmp_path / "satu.xlsx", [HEADER, row(0)]))
    assert _write(one_case, first).diimpor == 1
    first.close()
    path = _big_csv(tmp_path / "a.csv", 4_500)
    result = _parallel(one_case, path)
    assert (result.diimpor, result.dilewati, result.baris) == (4_500, 0, 4_500)
    assert (result.nomor_awal, result.nomor_akhir) == ("DS-2026-00002", "DS-2026-04501")
    parallel = _dump_cases(one_case)

    serial_db = tmp_path / "serial.db"
    same_salts()  # the serial register's cases get the same salts
    first = check(xlsx(tmp_path / "satu2.xlsx", [HEADER, row(0)]))
    _write(serial_db, first)
    first.close()
    checked = check(path)
    _write(serial_db, checked)
    checked.close()
    assert parallel == _dump_cases(serial_db)
    assert not _live_workers()

    again = _parallel(one_case, path)
    assert (again.diimpor, again.dilewati) == (0, 4_500)
    assert _counts(one_case)[0] == 4_501


def _dump_cases(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        cases = conn.execute(
            "SELECT k.nomor, k.nik, k.sidik, k.diterima, k.dicatat, k.garam, k.segera, "
            "k.sla_profil, "
            "k.sla_satuan, k.sla_nilai, k.sla_perpanjangan, r.catatan, r.data, "
            "r.hash, r.keadaan FROM kasus k JOIN riwayat r ON r.kasus_id = k.id ORDER BY k.id"
        ).fetchall()
        head = conn.execute("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'").fetchone()
    return [*cases, head]


def _live_workers() -> list:
    import multiprocessing

    return multiprocessing.active_children()


def test_a_spawned_checking_process_works_as_a_forked_one(tmp_path, one_case, monkeypatch):
    # Windows and macOS start the second process fresh ("spawn"): it must find everything it
    # needs by import, and give the same cases.
    monkeypatch.setattr(parallel, "START_METHOD", "spawn")
    path = _big_csv(tmp_path / "a.csv", 2_500, bad=None)
    result = _parallel(one_case, path)
    assert (result.diimpor, result.nomor_awal, result.nomor_akhir) == (
        2_500,
        "DS-2026-00002",
        "DS-2026-02501",
    )
    bad = _big_csv(tmp_path / "b.csv", 2_500, bad={2_400: "123"})
    with pytest.raises(importing.ImportRefused) as refused:
        _parallel(one_case, bad)
    assert [e.baris for e in refused.value.errors] == [2_401]
    assert _counts(one_case)[0] == 2_501
    assert not _live_workers()


def test_a_bad_row_after_written_chunks_undoes_them_and_names_every_bad_row(tmp_path, one_case):
    # Rows 2..4,001 are good and written before the check reaches the bad ones.
    path = _big_csv(tmp_path / "a.csv", 5_000, bad={4_500: "123", 4_900: "9999014101900001"})
    before = _counts(one_case)
    phases = []
    with pytest.raises(importing.ImportRefused) as refused:
        _parallel(one_case, path, progress=lambda *a: phases.append(a[0]))
    assert sorted(e.baris for e in refused.value.errors) == [4_501, 4_901]
    assert refused.value.result.baris == 5_000
    assert [e.kolom for e in refused.value.result.galat] == ["nik", "nik"]
    assert _counts(one_case) == before
    assert set(phases) == {"impor"}
    assert not _live_workers()


def test_ctrl_c_during_a_parallel_import_leaves_the_register_as_it_was(tmp_path, one_case):
    path = _big_csv(tmp_path / "a.csv", 6_000)
    before = _counts(one_case)

    def interrupt(phase: str, done: int, total: int | None) -> None:
        if done > total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _parallel(one_case, path, progress=interrupt)
    assert _counts(one_case) == before
    assert not _live_workers()
    assert _parallel(one_case, path).diimpor == 6_000  # and it goes in afterwards


def test_a_checking_process_that_dies_stops_the_import(tmp_path, one_case):
    import os
    import signal

    path = _big_csv(tmp_path / "a.csv", 6_000)
    before = _counts(one_case)

    def kill_the_check(phase: str, done: int, total: int | None) -> None:
        for worker in _live_workers():
            os.kill(worker.pid, signal.SIGKILL)

    with pytest.raises(LaporError, match="Pemeriksaan berkas berhenti tiba-tiba"):
        _parallel(one_case, path, progress=kill_the_check)
    assert _counts(one_case) == before


def test_a_check_that_dies_in_the_middle_of_a_message_stops_the_import(tmp_path, one_case):
    # Bug: a checking process killed while it wrote a message into the pipe left the writer
    # with "got end of file during message" (OSError), a traceback instead of the refusal.
    import multiprocessing
    import struct

    receiving, sending = multiprocessing.Pipe(duplex=False)
    _told, control = multiprocessing.Pipe(duplex=False)
    sending.send_bytes(b"")  # (the pipe works)
    receiving.recv_bytes()
    import os

    os.write(sending.fileno(), struct.pack("!i", 1_000) + b"half a message")
    sending.close()
    worker = SimpleNamespace(is_alive=lambda: False, terminate=lambda: None, join=lambda: None)
    started = parallel.StartedCheck(worker, receiving, control, "Asia/Jakarta")
    before = _counts(one_case)
    try:
        with pytest.raises(LaporError, match="Pemeriksaan berkas berhenti tiba-tiba"):
            _parallel(one_case, tmp_path / "tidak-dibaca.csv", started=started)
    finally:
        started.stop()
    assert _counts(one_case) == before


def test_a_bug_in_the_check_is_raised_and_nothing_is_written(tmp_path, one_case, monkeypatch):
    path = _big_csv(tmp_path / "a.csv", 3_000)
    before = _counts(one_case)
    real = checks.validate_case

    def buggy(raw, **options):
        if raw.get("nomor_formulir") == "F-2500":
            raise ZeroDivisionError("a bug")
        return real(raw, **options)

    monkeypatch.setattr(checks, "validate_case", buggy)
    if sys.platform != "linux":
        pytest.skip("a spawned checking process does not see the monkeypatch")
    with pytest.raises(RuntimeError, match="ZeroDivisionError: a bug"):
        _parallel(one_case, path)
    assert _counts(one_case) == before


def test_a_file_that_goes_bad_midway_is_refused_like_the_two_step_import(tmp_path, one_case):
    path = _big_csv(tmp_path / "a.csv", 5_000)
    path.write_bytes(path.read_bytes() + b"F-x,2026-11-20,surat,aduan,\xff\xfe rusak,,,\n")
    before = _counts(one_case)
    with pytest.raises(LaporError) as parallel:
        _parallel(one_case, path)
    with pytest.raises(LaporError) as serial:
        check(path)
    assert parallel.value.message == serial.value.message
    assert "bukan teks UTF-8" in parallel.value.message
    assert _counts(one_case) == before


# ---------------------------------------------------------------- one import, as `impor` runs it


class _Opener:
    """``opened(write=…)`` over a register file, as the CLI passes it; it remembers each
    transaction (write or not) and whether one is open."""

    def __init__(self, db: Path) -> None:
        self.db, self.writes, self.open = db, [], False

    @contextmanager
    def __call__(self, *, write: bool):
        register = open_register(str(self.db), write=write)
        self.writes.append(write)
        self.open = True
        try:
            with register.transaction(write) as session:
                yield SimpleNamespace(session=session, settings=get_settings(session), now=NOW)
        finally:
            self.open = False
            register.engine.dispose()


def _run(opened: _Opener, path: Path, **options) -> importing.ImportResult:
    return importing.run_import(path, opened=opened, petugas="meja", **options)


def test_run_import_checks_a_small_file_without_the_lock_then_writes_it(tmp_path, one_case):
    opened = _Opener(one_case)
    open_while_checking = []

    def progress(phase: str, done: int, total: int | None) -> None:
        if phase == "periksa":
            open_while_checking.append(opened.open)

    path = xlsx(tmp_path / "tiga.xlsx", [HEADER, row(1), row(2), row(3)])
    result = _run(opened, path, progress=progress)
    assert (result.diimpor, result.dilewati, result.baris, result.uji) == (3, 0, 3, False)
    assert (result.nomor_awal, result.nomor_akhir) == ("DS-2026-00002", "DS-2026-00004")
    assert opened.writes == [False, True]  # the desk and the clock, then the write
    assert open_while_checking == [False]
    assert _counts(one_case)[0] == 4
    again = _run(opened, path)
    assert (again.diimpor, again.dilewati) == (0, 3)


def test_run_import_with_uji_writes_nothing(tmp_path, one_case):
    opened = _Opener(one_case)
    before = _counts(one_case)
    path = xlsx(tmp_path / "dua.xlsx", [HEADER, row(0), row(1), row(2)])
    result = _run(opened, path, uji=True)
    assert (result.diimpor, result.dilewati, result.baris, result.uji) == (2, 1, 3, True)
    assert opened.writes == [False, False]
    assert _counts(one_case) == before


@pytest.mark.parametrize("way", ["kecil", "besar"])
def test_run_import_returns_bad_rows_instead_of_raising(tmp_path, one_case, monkeypatch, way):
    if way == "besar":
        monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    opened = _Opener(one_case)
    before = _counts(one_case)
    path = _big_csv(tmp_path / "a.csv", 30, bad={7: "123"})
    result = _run(opened, path)
    assert [(e.baris, e.kolom) for e in result.galat] == [(8, "nik")]
    assert (result.diimpor, result.baris, result.header_row) == (0, 30, 1)
    # A small file is refused before the write lock is asked for; a large one rolls back.
    assert opened.writes == ([False] if way == "kecil" else [False, True])
    assert _counts(one_case) == before


@pytest.mark.parametrize("way", ["kecil", "besar"])
def test_run_import_needs_lama_for_old_receipt_dates(tmp_path, one_case, monkeypatch, way):
    if way == "besar":
        monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    opened = _Opener(one_case)
    before = _counts(one_case)
    rows = [row(1), row(2), row(3)]
    rows[1][1] = "2025-11-20 09:15"  # last year
    rows[2][1] = "20 Oktober 2026"  # 34 days before NOW
    path = xlsx(tmp_path / "lama.xlsx", [HEADER, *rows])
    result = _run(opened, path)
    assert [(e.baris, e.kolom) for e in result.galat] == [(3, "diterima"), (4, "diterima")]
    assert all(e.pesan.endswith("(berlaku untuk seluruh berkas).") for e in result.galat)
    assert _counts(one_case) == before
    result = _run(opened, path, lama=True)
    assert (result.galat, result.diimpor) == ([], 3)


def test_run_import_takes_a_large_file_the_parallel_way(tmp_path, one_case, monkeypatch):
    monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    opened = _Opener(one_case)
    phases = []
    result = _run(
        opened, _big_csv(tmp_path / "a.csv", 2_500), progress=lambda *a: phases.append(a[0])
    )
    assert (result.diimpor, result.nomor_awal, result.nomor_akhir) == (
        2_500,
        "DS-2026-00002",
        "DS-2026-02501",
    )
    assert opened.writes == [False, True]
    assert set(phases) == {"impor"}
    assert not _live_workers()


def test_run_import_refuses_an_unknown_desk_before_reading_the_file(tmp_path, one_case):
    opened = _Opener(one_case)
    with pytest.raises(NotFoundError, match="Meja 'nope' tidak ada"):
        _run(opened, tmp_path / "tidak-ada.csv", meja="nope")
    assert opened.writes == [False]


def test_a_large_file_checked_before_the_register_is_opened(tmp_path, one_case, monkeypatch):
    # `impor` starts a large file's check before it opens the register (``clock``: a guess
    # of the register's zone and clock); the cases and their entries are the write's own
    # "now", the register is opened once, and the chain verifies.
    from lapor_cli.db import KNOWN_REVISIONS
    from lapor_cli.maintenance import check as periksa

    monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    opened = _Opener(one_case)
    guess = datetime(2026, 11, 23, 9, 59, 59)
    path = _big_csv(tmp_path / "a.csv", 4_500)
    result = _run(opened, path, clock=lambda: ("Asia/Jakarta", guess))
    assert (result.diimpor, result.nomor_awal, result.nomor_akhir) == (
        4_500,
        "DS-2026-00002",
        "DS-2026-04501",
    )
    assert opened.writes == [True]
    with sqlite3.connect(one_case) as conn:
        stamps = conn.execute("SELECT DISTINCT dicatat FROM riwayat WHERE id > 1").fetchall()
    assert stamps == [("2026-11-23 10:00:00.000000",)]
    assert periksa(one_case, KNOWN_REVISIONS).problems == []
    assert not _live_workers()
    again = _run(opened, path, clock=lambda: ("Asia/Jakarta", guess))
    assert (again.diimpor, again.dilewati) == (0, 4_500)


def test_a_wrong_guess_of_the_zone_checks_the_file_again(tmp_path, one_case, monkeypatch):
    # The guess said Jayapura and a clock at which the last form (received 09:15 WIB) lay in
    # the future; the register keeps WIB, its clock says 10:00: the check is made again
    # against that clock, and the form goes in.
    monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    opened = _Opener(one_case)
    path = _big_csv(tmp_path / "a.csv", 2_500)
    early = datetime(2026, 11, 20, 9, 0)
    result = _run(opened, path, clock=lambda: ("Asia/Jayapura", early))
    assert (result.galat, result.diimpor) == ([], 2_500)
    # The same guess with the register's own zone is believed: the forms are refused.
    before = _counts(one_case)
    other = _big_csv(tmp_path / "b.csv", 30)
    refused = _run(opened, other, clock=lambda: ("Asia/Jakarta", early))
    assert refused.diimpor == 0 and {e.kolom for e in refused.galat} == {"diterima"}
    assert _counts(one_case) == before
    assert not _live_workers()


def test_a_large_file_for_an_unknown_desk_stops_its_check(tmp_path, one_case, monkeypatch):
    monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    opened = _Opener(one_case)
    before = _counts(one_case)
    path = _big_csv(tmp_path / "a.csv", 6_000)
    with pytest.raises(NotFoundError, match="Meja 'nope' tidak ada"):
        _run(opened, path, meja="nope", clock=lambda: ("Asia/Jakarta", NOW))
    assert _counts(one_case) == before
    assert not _live_workers()


def test_one_bad_row_among_6000_checked_early_writes_nothing(tmp_path, one_case, monkeypatch):
    monkeypatch.setattr(run, "PARALLEL_FROM_BYTES", 0)
    opened = _Opener(one_case)
    before = _counts(one_case)
    path = _big_csv(tmp_path / "a.csv", 6_000, bad={5_000: "123"})
    result = _run(opened, path, clock=lambda: ("Asia/Jakarta", NOW))
    assert [(e.baris, e.kolom) for e in result.galat] == [(5_001, "nik")]
    assert (result.diimpor, result.baris) == (0, 6_000)
    assert _counts(one_case) == before
    assert not _live_workers()


def test_the_required_columns_are_the_ones_the_guide_calls_wajib():
    assert importing.columns.REQUIRED_COLUMNS == ("diterima", "kanal", "jenis", "uraian")
    assert importing.columns.BOOL_COLUMNS == {"anonim", "rahasia", "segera"}
    assert importing.COLUMNS == tuple(c.name for c in importing.COLUMN_TABLE)


def test_write_template_replaces_a_file_only_when_told(tmp_path):
    path = tmp_path / "templat.xlsx"
    path.write_bytes(b"lama")
    with pytest.raises(LaporError, match="sudah ada"):
        importing.write_template(path)
    assert path.read_bytes() == b"lama"
    importing.write_template(path, replace=True)
    assert path.read_bytes().startswith(b"PK")


def test_entry_hash_is_what_registers_already_store():
    # Stored hashes are checked by `periksa`: the hash of the same entry never changes
    # (pinned from the version before entry_tail/chained_hash split it).
    from lapor_cli.history import entry_hash

    digest = entry_hash(
        "0" * 64,
        nomor="DS-2026-00001",
        waktu=datetime(2026, 11, 23, 10, 0),
        oleh='Petugas "Ani" é',
        aksi="catat",
        dari_status=None,
        ke_status="diterima",
        catatan="Diterima lewat surat pada 2026-11-20 09:15",
        data={"kanal": "surat", "jenis": "aduan", "sla": "5 hari kerja", "x": [1, None, "ü\n"]},
    )
    assert digest == "46315555247d73d9d5c6afe991dad893f21635c1f2fd569ea1e0402d07c97083"


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    prev=st.text("0123456789abcdef", min_size=64, max_size=64),
    nomor=_TEXT,
    oleh=_TEXT,
    catatan=st.none() | _TEXT,
    data=st.dictionaries(_TEXT, st.none() | st.integers() | _TEXT, max_size=4),
)
def test_a_hash_from_its_tail_is_the_entrys_hash(prev, nomor, oleh, catatan, data):
    # The import's checking process works out entry_tail; the writer finishes the hash.
    import hashlib
    import json

    from lapor_cli.history import chained_hash, entry_hash, entry_tail

    waktu = datetime(2026, 11, 23, 10, 0)
    fields = dict(oleh=oleh, aksi="catat", dari_status=None, ke_status="diterima")
    tail = entry_tail(waktu=waktu, catatan=catatan, data=data, **fields)
    whole = json.dumps(
        [prev, nomor, waktu.isoformat(), oleh, "catat", None, "diterima", catatan, data],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    expected = hashlib.sha256(whole.encode("utf-8")).hexdigest()
    assert chained_hash(prev, nomor, tail) == expected
    assert entry_hash(prev, nomor=nomor, waktu=waktu, catatan=catatan, data=data, **fields) == (
        expected
    )


# ---------------------------------------------------------------- memory that stays bounded


def _bad_rows_csv(path: Path, n: int) -> Path:
    lines = [",".join(HEADER)]
    for i in range(n):
        lines.append(f"F-{i},2026-11-20 09:15,merpati,aduan,Aduan {i},Pelapor {i},31710141019,0812")
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_bad_rows_do_not_grow_the_checks_memory(tmp_path, monkeypatch):
    """Bug: every bad row's problems were kept (1.16 million bad rows: 737 MB). Now the first
    ``MAX_LISTED_ROWS`` are, and the others only counted: four times the bad rows, the same
    peak (before: ~730 bytes more per bad row)."""
    import tracemalloc

    monkeypatch.setattr(checks, "MAX_LISTED_ROWS", 100, raising=False)  # (new)
    check(_bad_rows_csv(tmp_path / "pemanasan.csv", 10)).close()  # imports, caches

    def peak(n: int) -> tuple[int, importing.Checked]:
        path = _bad_rows_csv(tmp_path / f"{n}.csv", n)
        tracemalloc.start()
        try:
            checked = check(path)
            return tracemalloc.get_traced_memory()[1], checked
        finally:
            tracemalloc.stop()

    few, checked_few = peak(800)
    many, checked_many = peak(3200)
    assert many - few < 400_000, (few, many)
    assert checked_many.bad_rows == 3200 and checked_few.bad_rows == 800
    assert {e.baris for e in checked_many.errors} == set(range(2, 102))


@POSIX_CAP
def test_a_csv_file_of_one_endless_line_is_refused_not_killed(tmp_path):
    """Bug: a line was read whole and split into its cells, however long: 64 MB of commas
    without a line break ended in a MemoryError traceback under a memory cap."""
    path = tmp_path / "tanpa-akhir.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER) + "\n")
        for _ in range(64):
            fh.write("a," * 512 * 1024)
    err = assert_refused_in_one_line(lapor_capped("impor", str(path), "--uji"))
    assert "baris 2 lebih dari 1.048.576 karakter" in err
