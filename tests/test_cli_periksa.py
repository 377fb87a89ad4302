"""`lapor periksa` proves what the README promises (issue 16, items 3 and 4): a case row
edited behind the history's back, a rewound or recomputed chain (against an anchor kept
outside the register), numbers given without a case, damaged text and damaged pages are
reported — and `periksa` and `lihat` never die of damage."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from conftest import Runner, ok_json, query_register
from lapor_cli import history as chain


def periksa(run: Runner, *args: str) -> tuple[int, dict, str]:
    code, out, err = run("periksa", *args, "--json")
    return code, json.loads(out), err


def problems_named(report: dict, check: str) -> list[str]:
    return [p for p in report["masalah"] if p.startswith(check + ":")]


# ------------------------------------------------------------------ edits to the case table


@pytest.mark.parametrize(
    "change",
    [
        "uraian = 'Bantuan tidak perlu ditindaklanjuti'",
        "nama = 'Orang Lain'",
        "nik = '3171014101900002'",
        "hasil = 'Ditolak'",
        "skor = 5",
        "diterima = '2026-11-02 08:00:00'",
        "sla_nilai = 60",
        "rahasia = NOT rahasia",
        "tepat_waktu = NOT tepat_waktu",
        "garam = NULL",
    ],
    ids=lambda change: change.split(" = ")[0],
)
def test_a_direct_edit_of_a_case_row_is_found(run: Runner, populated, change):
    nomor = populated["dinilai"]
    assert periksa(run)[0] == 0
    query_register(f"UPDATE kasus SET {change} WHERE nomor = ?", nomor)
    code, report, err = periksa(run)
    assert code == 1
    assert problems_named(report, "keadaan kasus") == [
        f"keadaan kasus: diubah di luar riwayat: {nomor}"
    ]
    assert problems_named(report, "rantai riwayat") == []  # the history itself is intact
    assert err.startswith("Ditolak: Register bermasalah: keadaan kasus")
    assert err.count("\n") == 1


@pytest.mark.sqlite_only  # the server's own: test_postgres.py
def test_a_register_from_before_the_state_digest_still_verifies_and_is_covered_from_its_next_entry(
    run: Runner, isolated_register: Path
):
    from test_db import _old_register

    _old_register(isolated_register)  # schema 0001: two entries without a state
    report = ok_json(run, "periksa")  # periksa only reads: the register stays at 0001
    assert report["masalah"] == []
    assert report["skema"] == "0001"
    ok_json(run, "lihat", "DS-2026-00001")  # opened: migrated
    report = ok_json(run, "periksa")
    assert report["masalah"] == []
    assert "2 entri lama tanpa sidik keadaan" in report["pemeriksaan"][3]["keterangan"]
    assert query_register("SELECT count(*) FROM riwayat WHERE keadaan IS NULL") == [(2,)]
    # The migration gave the old case its salt; an edit before its next entry is not
    # provable (the README says so) …
    assert query_register("SELECT length(garam) FROM kasus") == [(32,)]
    query_register("UPDATE kasus SET uraian = 'diubah' WHERE id = 1")
    assert ok_json(run, "periksa")["masalah"] == []
    query_register("UPDATE kasus SET uraian = 'PKH belum cair sejak Agustus' WHERE id = 1")
    # … its next entry commits to its state, and from then on an edit is found.
    ok_json(run, "distribusi", "DS-2026-00001", "--unit", "PFM")
    assert ok_json(run, "periksa")["masalah"] == []
    query_register("UPDATE kasus SET uraian = 'diubah' WHERE id = 1")
    code, report, _ = periksa(run)
    assert code == 1
    assert problems_named(report, "keadaan kasus")


def test_an_entry_without_a_state_after_entries_with_one_is_a_break(run: Runner, populated):
    # Stripping the state (and recomputing that one hash) would otherwise hide an edit.
    query_register("UPDATE riwayat SET keadaan = NULL WHERE id = (SELECT max(id) FROM riwayat)")
    code, report, _ = periksa(run)
    assert code == 1
    assert any("tanpa sidik keadaan" in p for p in problems_named(report, "rantai riwayat"))


# --------------------------------------------------------------------------------- anchor


def test_periksa_prints_the_chains_anchor(run: Runner, populated):
    code, report, _ = periksa(run)
    assert code == 0
    head = query_register("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'")[0][0]
    (count,) = query_register("SELECT count(*) FROM riwayat")[0]
    assert report["jangkar"] == {
        "jumlah": count,
        "hash": head,
        "singkat": f"{count}-{head[:16]}",
    }
    code, out, err = run("periksa")
    assert code == 0
    assert f"Jangkar rantai: {count}-{head[:16]}" in out
    assert f"lapor periksa --jangkar {count}-{head[:16]}" in err


def test_the_anchor_library_function_gives_what_periksa_prints(run: Runner, populated):
    import os

    from lapor_cli.db import open_register
    from lapor_cli.entries import chain_anchor

    register = open_register(os.environ["LAPOR_DB"], write=False)
    try:
        with register.transaction(False) as session:
            anchor = chain_anchor(session)
    finally:
        register.engine.dispose()
    assert anchor.short == periksa(run)[1]["jangkar"]["singkat"]


def _anchor(run: Runner) -> str:
    code, report, _ = periksa(run)
    assert code == 0, report["masalah"]
    return report["jangkar"]["singkat"]


def test_a_register_that_went_on_still_extends_an_older_anchor(run: Runner, populated):
    kept = _anchor(run)
    ok_json(run, "tindaklanjut", populated["ditindaklanjuti"], "--catatan", "Survei kedua")
    ok_json(run, "lihat", populated["diterima"], "--lengkap")
    code, report, _ = periksa(run, "--jangkar", kept)
    assert code == 0, report["masalah"]
    (anchor_check,) = [c for c in report["pemeriksaan"] if c["nama"].startswith("jangkar")]
    assert anchor_check == {
        "nama": f"jangkar {kept}",
        "ok": True,
        "keterangan": "register melanjutkannya (2 entri sesudahnya)",
    }
    # the full hash (from --json) and the upper case an office may copy are as good
    count, digest = kept.split("-")
    assert periksa(run, "--jangkar", f" {count}-{digest.upper()} ")[0] == 0
    full = query_register(f"SELECT hash FROM riwayat ORDER BY id LIMIT 1 OFFSET {int(count) - 1}")
    assert periksa(run, "--jangkar", f"{count}-{full[0][0]}")[0] == 0


def test_a_rewound_chain_fails_against_an_anchor(run: Runner, populated):
    # Two openings of an identity (`lihat --lengkap`) are recorded; someone removes them and
    # sets the stored head back. No hashing needed, and nothing else tells.
    ok_json(run, "lihat", populated["diterima"], "--lengkap")
    ok_json(run, "lihat", populated["diterima"], "--lengkap")
    kept = _anchor(run)
    query_register("DELETE FROM riwayat WHERE id > (SELECT max(id) - 2 FROM riwayat)")
    query_register(
        "UPDATE pengaturan SET nilai = (SELECT hash FROM riwayat ORDER BY id DESC LIMIT 1) "
        "WHERE kunci = 'rantai'"
    )
    assert periksa(run)[0] == 0  # honest: without an anchor, a rewind cannot be seen
    code, report, err = periksa(run, "--jangkar", kept)
    assert code == 1
    (problem,) = problems_named(report, f"jangkar {kept}")
    assert "diputar mundur" in problem
    assert err.startswith("Ditolak: Register bermasalah: jangkar")


def test_a_recomputed_chain_fails_against_an_anchor(run: Runner, populated):
    kept = _anchor(run)
    # An entry rewritten, and every hash after it (and the head) recomputed to match.
    query_register("UPDATE riwayat SET catatan = 'Tidak ada aduan' WHERE id = 1")
    _recompute_chain()
    assert periksa(run)[0] == 0  # honest: a recomputed chain verifies on its own
    code, report, _ = periksa(run, "--jangkar", kept)
    assert code == 1
    (problem,) = problems_named(report, f"jangkar {kept}")
    assert "dihitung ulang" in problem


def test_an_anchor_from_another_register_or_the_future_fails(run: Runner, populated):
    count = query_register("SELECT count(*) FROM riwayat")[0][0]
    assert periksa(run, "--jangkar", f"{count}-{'ab' * 8}")[0] == 1
    code, report, _ = periksa(run, "--jangkar", f"{count + 1}-{'ab' * 8}")
    assert code == 1
    assert "hanya punya" in report["masalah"][0]


@pytest.mark.parametrize("anchor", ["", "1234", "12-3f9a", "x-3f9a2c7d1e5b", "12-3f9a2c7d1e5z"])
def test_an_anchor_that_cannot_be_read_is_refused(run: Runner, populated, anchor):
    code, out, err = run("periksa", "--jangkar", anchor)
    assert code == 1
    assert out == ""
    assert err.startswith("Ditolak:") and "jangkar" in err.lower()
    assert err.count("\n") == 1


def _recompute_chain() -> None:
    rows = query_register(
        """SELECT r.id, k.nomor, r.waktu, r.oleh, r.aksi, r.dari_status, r.ke_status,
                  r.catatan, r.data, r.keadaan, r.dicatat
           FROM riwayat r JOIN kasus k ON k.id = r.kasus_id ORDER BY r.id"""
    )
    prev = chain.GENESIS
    for id_, nomor, waktu, oleh, aksi, dari, ke, catatan, data, keadaan, dicatat in rows:
        digest = chain.entry_hash(
            prev,
            nomor=nomor,
            waktu=datetime.fromisoformat(waktu),
            oleh=oleh,
            aksi=aksi,
            dari_status=dari,
            ke_status=ke,
            catatan=catatan,
            data=json.loads(data),
            keadaan=keadaan,
            dicatat=dicatat and datetime.fromisoformat(dicatat),
        )
        query_register(
            "UPDATE riwayat SET hash_sebelum = ?, hash = ? WHERE id = ?", prev, digest, id_
        )
        prev = digest
    query_register("UPDATE pengaturan SET nilai = ? WHERE kunci = 'rantai'", prev)


# -------------------------------------------------------------------------------- numbers


def test_the_newest_case_removed_with_its_history_leaves_a_gap(run: Runner, populated):
    # The newest case and its entries deleted, the head set back: the chain is whole, the
    # case table consistent — but the counter gave that number.
    (nomor, kasus_id) = query_register("SELECT nomor, id FROM kasus ORDER BY id DESC LIMIT 1")[0]
    query_register("DELETE FROM riwayat WHERE kasus_id = ?", kasus_id)
    query_register("DELETE FROM jeda WHERE kasus_id = ?", kasus_id)
    query_register("DELETE FROM kasus WHERE id = ?", kasus_id)
    query_register(
        "UPDATE pengaturan SET nilai = (SELECT hash FROM riwayat ORDER BY id DESC LIMIT 1) "
        "WHERE kunci = 'rantai'"
    )
    code, report, _ = periksa(run)
    assert code == 1
    assert report["masalah"] == [f"celah nomor: 1 nomor sudah diberikan tanpa kasus: {nomor}"]


def test_numbers_given_without_cases_are_listed_as_runs(run: Runner, populated):
    query_register("UPDATE nomor_urut SET terakhir = terakhir + 3")
    query_register("INSERT INTO nomor_urut (prefiks, tahun, terakhir) VALUES ('DS', 2025, 1)")
    code, report, _ = periksa(run)
    assert code == 1
    assert report["masalah"] == [
        "celah nomor: 4 nomor sudah diberikan tanpa kasus: DS-2025-00001, "
        "DS-2026-00010 s.d. DS-2026-00012"
    ]


# ------------------------------------------------------------------- damage (SQLite file)


def _write_bytes(path: Path, sql: str) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    conn.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("column", ["catatan", "oleh"])
def test_periksa_reports_history_text_that_is_not_utf8(
    run: Runner, populated, isolated_register, column
):
    _write_bytes(
        isolated_register, f"UPDATE riwayat SET {column} = CAST(x'41ff42' AS TEXT) WHERE id = 2"
    )
    code, report, err = periksa(run)
    assert code == 1
    (problem,) = problems_named(report, "rantai riwayat")
    assert f"entri 2 ({populated['terverifikasi']}): entri rusak: teks rusak" in problem
    assert column in problem
    assert err.startswith("Ditolak:") and err.count("\n") == 1
    code, out, err = run("periksa")
    assert code == 1 and "✗ rantai riwayat" in out


@pytest.mark.sqlite_only
def test_lihat_shows_a_case_with_damaged_text_and_warns(run: Runner, populated, isolated_register):
    nomor = populated["diterima"]  # entry 1: its catat
    _write_bytes(
        isolated_register, "UPDATE riwayat SET catatan = CAST(x'41ff42' AS TEXT) WHERE id = 1"
    )
    _write_bytes(
        isolated_register,
        f"UPDATE kasus SET uraian = CAST(x'50ff4b48' AS TEXT) WHERE nomor = '{nomor}'",
    )
    code, out, err = run("lihat", nomor)
    assert code == 0
    assert "P\ufffdKH" in out and "A\ufffdB" in out
    assert err.startswith("Peringatan: sebagian isi kasus ini rusak")
    assert "kasus: uraian; riwayat ke-1: catatan" in err
    view = ok_json(run, "lihat", nomor)
    assert view["rusak"] == ["kasus: uraian", "riwayat ke-1: catatan"]
    assert view["uraian"] == "P\ufffdKH"
    # a sound case shows no such key
    assert "rusak" not in ok_json(run, "lihat", populated["dinilai"])
    # periksa names both
    code, report, _ = periksa(run)
    assert code == 1
    assert problems_named(report, "keadaan kasus") == [
        f"keadaan kasus: isi tak terbaca (rusak): {nomor}"
    ]


@pytest.mark.sqlite_only
def test_lihat_refuses_in_one_line_a_case_whose_stored_values_are_no_longer_values(
    run: Runner, populated, isolated_register
):
    nomor = populated["diterima"]
    _write_bytes(isolated_register, "UPDATE riwayat SET data = '{\"kanal\": ' WHERE id = 1")
    code, out, err = run("lihat", nomor)
    assert code == 1
    assert out == ""
    assert err.startswith(f"Ditolak: Kasus {nomor} tidak dapat dibaca") and err.count("\n") == 1
    code, report, _ = periksa(run)
    assert code == 1
    assert "data tak terbaca" in problems_named(report, "rantai riwayat")[0]


# ------------------------------------------------------------------------- bit flips


def _logical(path: Path) -> dict[str, list] | None:
    """Every table's rows (and the schema's text) as plain sqlite3 reads them; None if the
    file cannot be read whole."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.text_factory = bytes
        try:
            found = {"sqlite_master": conn.execute("SELECT * FROM sqlite_master").fetchall()}
            tables = "SELECT name FROM sqlite_master WHERE type = 'table'"
            for (table,) in conn.execute(tables).fetchall():
                name = table.decode()
                found[name] = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
            return found
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None


#: What `periksa` does not prove (the README says so): the office's own days off, desk names,
#: register settings other than the chain's head, and the text of the schema (a changed text
#: either breaks the file or changes nothing stored).
UNPROTECTED = {"hari_kantor", "meja", "pengaturan", "sqlite_master"}


def _unproven(before: dict[str, list], after: dict[str, list]) -> set[str]:
    """The tables a flip changed, less the changes that cannot matter or are not proven:
    a holidays cache row no longer marked with the installed version is not used (it is
    recomputed); the chain's head is proven, other settings are not."""
    from lapor_cli.holiday_calendar import holidays_version

    changed = {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}
    if "kalender_paket" in changed:
        version = holidays_version().encode()
        rows = set(after["kalender_paket"]) - set(before["kalender_paket"])
        assert all(row[1] != version for row in rows), rows  # a used year changed: unreported
        changed.discard("kalender_paket")
    if "pengaturan" in changed:
        head = [row for row in before["pengaturan"] if row[0] == b"rantai"]
        assert head == [row for row in after["pengaturan"] if row[0] == b"rantai"]
    assert changed <= UNPROTECTED, changed
    return changed


@pytest.mark.sqlite_only
def test_every_bit_flip_is_reported_or_left_the_proven_data_as_it_was(
    run: Runner, populated, isolated_register, tmp_path, monkeypatch
):
    # A small register as an office has it (backed up: one file, no WAL), then 25 copies,
    # each with one bit flipped at a place drawn with a fixed seed. For each, `periksa` must
    # not die, and it must report a problem unless everything it proves is as it was
    # (a flip in free space, or in data the README names as not proven).
    assert run("libur", "tambah", "2026-12-24", "Cuti bersama kantor")[0] == 0
    original = tmp_path / "asli.db"
    assert run("cadangan", str(original))[0] == 0
    before = _logical(original)
    size = original.stat().st_size
    rng = random.Random(16)
    outcomes: dict[str, int] = {"dilaporkan": 0, "tak berpengaruh": 0, "tak dibuktikan": 0}
    for flip in range(25):
        copy = tmp_path / f"balik-{flip}.db"
        shutil.copyfile(original, copy)
        offset, bit = rng.randrange(size), rng.randrange(8)
        with copy.open("r+b") as f:
            f.seek(offset)
            byte = f.read(1)[0]
            f.seek(offset)
            f.write(bytes([byte ^ (1 << bit)]))
        monkeypatch.setenv("LAPOR_DB", str(copy))
        code, out, err = run("periksa", "--json")  # run() fails the test on a traceback
        assert code in (0, 1), (offset, bit, err)
        if code == 1:
            assert err.startswith("Ditolak:") and err.count("\n") == 1, err
            outcomes["dilaporkan"] += 1
            continue
        after = _logical(copy)
        assert after is not None, f"byte {offset} bit {bit}: unreadable, yet periksa passed"
        outcomes["tak dibuktikan" if _unproven(before, after) else "tak berpengaruh"] += 1
    # Most bytes of a small register are unused room in its pages: a flip there changes
    # nothing (seed 16: 4 reported, 21 harmless). What a flip in the data does is below.
    assert outcomes["dilaporkan"] >= 1, outcomes


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    "needle",
    [
        "Aduan dinilai",  # a case's uraian (no index holds it)
        "Pelapor 8",  # a reporter's name
        "LAP-008",  # an SP4N-LAPOR! number
        "Bantuan sudah cair",  # a result (kasus.hasil) and the closing entry's text
        "Survei lapangan",  # a follow-up entry's text
        "3171014101900001",  # a NIK: in the case and in its index
    ],
)
def test_a_bit_flipped_in_stored_content_is_reported(
    run: Runner, populated, tmp_path, monkeypatch, needle
):
    # SQLite's own check sees a damaged page or index, not a changed value inside a row:
    # the chain (entries) and the state digests (cases) do. A vacuumed copy holds each value
    # only where it is live; every one of its places is flipped in turn.
    original = tmp_path / "asli.db"
    assert run("cadangan", str(original))[0] == 0
    with sqlite3.connect(original) as conn:
        conn.execute("VACUUM")
    conn.close()
    data = original.read_bytes()
    places = [i for i in range(len(data)) if data.startswith(needle.encode(), i)]
    assert places
    found = set()
    for n, place in enumerate(places):
        copy = tmp_path / f"balik-{n}.db"
        flipped = bytearray(data)
        flipped[place + len(needle) // 2] ^= 0x01
        copy.write_bytes(flipped)
        monkeypatch.setenv("LAPOR_DB", str(copy))
        code, out, err = run("periksa", "--json")
        assert code == 1, (needle, place, out)
        assert err.startswith("Ditolak: Register bermasalah:")
        found |= {p.split(":")[0] for p in json.loads(out)["masalah"]}
    if needle == "3171014101900001":  # the case row, and its index (SQLite's own check)
        assert {"keadaan kasus", "integritas SQLite"} <= found, found


@pytest.mark.sqlite_only
def test_other_commands_refuse_damaged_text_in_one_line(run: Runner, populated, isolated_register):
    _write_bytes(
        isolated_register,
        f"UPDATE kasus SET uraian = CAST(x'50ff' AS TEXT) WHERE nomor = '{populated['diterima']}'",
    )
    for args in (["daftar"], ["daftar", "--json"]):
        code, out, err = run(*args)
        assert code == 1, args
        assert err.startswith("Ditolak: Register") and "bukan UTF-8" in err
        assert err.count("\n") == 1
