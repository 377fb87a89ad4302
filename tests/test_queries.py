"""No N+1: the commands that read many cases ask the database the same number of questions
whether the register holds a few cases or three times as many (issue 7)."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from conftest import ok_json

pytestmark = pytest.mark.slow  # builds registers of many cases: ~4 s a test


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)


def fill(run, tmp_path, count: int) -> None:
    """``count`` cases, each verified, distributed, followed up, one in three closed."""
    rows = ["nomor_formulir,diterima,kanal,jenis,uraian,nama"]
    rows += [
        f"F-{i},2026-10-{i % 20 + 1:02d} 09:00,surat,aduan,Aduan {i},Warga {i}"
        for i in range(count)
    ]
    path = tmp_path / f"isi{count}.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    # a month of forms, some over 30 days old: confirmed (--lama)
    done = ok_json(run, "impor", str(path), "--lama", waktu="2026-11-02 08:00")
    assert done["diimpor"] == count
    for case in ok_json(run, "daftar"):
        nomor = case["nomor"]
        ok_json(
            run, "verifikasi", nomor, "--kategori", "PKH", "--kewenangan", waktu="2026-11-02 09:00"
        )
        ok_json(run, "distribusi", nomor, "--unit", "Sekretariat", waktu="2026-11-02 10:00")
        ok_json(run, "tindaklanjut", nomor, "--catatan", "dicek", waktu="2026-11-03 10:00")
        if int(nomor[-5:]) % 3 == 0:
            ok_json(run, "tutup", nomor, "--hasil", "selesai", waktu="2026-11-04 10:00")


COMMANDS = [
    ("daftar", "--batas", "0"),
    ("daftar", "--cari", "Aduan"),
    ("sla",),
    ("rekap", "--bulan", "2026-10"),
    ("rekap", "--bulan", "2026-11"),
]


def asked(run, tmp_path, monkeypatch, *command: str) -> dict[int, int]:
    """The statements ``command`` executes on registers of 3 and of 9 worked cases."""
    counts = {}
    for count in (3, 9):
        folder = tmp_path / str(count)
        folder.mkdir()
        monkeypatch.setenv("LAPOR_DB", str(folder / "register.db"))
        fill(run, folder, count)
        with counted() as statements:
            ok_json(run, *[part.format(folder=folder) for part in command])
        counts[count] = len(statements)
    return counts


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_reads_do_not_grow_with_the_register(run, tmp_path, monkeypatch, command) -> None:
    counts = asked(run, tmp_path, monkeypatch, *command)
    assert counts[3] == counts[9], counts


def test_ekspor_does_not_grow_with_the_register(run, tmp_path, monkeypatch) -> None:
    counts = asked(
        run, tmp_path, monkeypatch, "ekspor", "--bulan", "2026-10", "--keluaran", "{folder}/m.xlsx"
    )
    assert counts[3] == counts[9], counts
