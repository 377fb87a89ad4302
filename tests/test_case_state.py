"""case_state: what each history entry commits to about its case (issue 16, item 3)."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest

from conftest import HP, NIK, Runner, ok_json, query_register
from lapor_cli import case_state
from lapor_cli.models import Case

#: A closed case's row as the ORM holds it (Python values).
ROW: dict[str, object] = {
    "nomor": "DS-2026-00007",
    "urut": 7,
    "meja": "utama",
    "prefiks": "DS",
    "tahun": 2026,
    "status": "selesai",
    "dicatat": datetime(2026, 11, 23, 10, 0),
    "tembusan": ["UPT Kupang"],
    "diperpanjang": False,
    "garam": "00112233445566778899aabbccddeeff",
    "nama": "Siti Aminah",
    "nik": NIK,
    "kk": None,
    "hp": "+6281234567890",
    "email": None,
    "alamat": "Jl. Eltari 5",
    "kanal": "surat",
    "jenis": "aduan",
    "uraian": "PKH belum cair sejak Agustus",
    "anonim": False,
    "rahasia": True,
    "segera": False,
    "nomor_lapor": None,
    "nomor_formulir": "F-7",
    "sidik": "ab" * 32,
    "diterima": datetime(2026, 11, 20, 9, 15),
    "petugas": "Petugas Uji",
    "sla_profil": "kemensos",
    "sla_satuan": "hari_kerja",
    "sla_nilai": 3,
    "sla_perpanjangan": 0,
    "kategori": "PKH",
    "kewenangan": True,
    "unit": "Bidang Penanganan Fakir Miskin",
    "jawaban_normatif": None,
    "didistribusikan": datetime(2026, 11, 23, 11, 0),
    "tindaklanjut_terakhir": datetime(2026, 11, 24, 9, 30, 15, 250),
    "ditutup": datetime(2026, 11, 25, 14, 0),
    "hasil": "Bantuan sudah cair",
    "tepat_waktu": True,
    "dilaporkan_balik": None,
    "skor": 4,
    "komentar": "Cepat",
}


def test_the_state_digest_is_pinned():
    # Stored digests are compared by `periksa` for ever: the digest of the same row never
    # changes (a new column means a new version, not a changed version 1).
    assert case_state.state_digest(ROW, 1) == (
        "1:fdd3f28b71074e797916c77165188a080740944b7d604d292f0071e8ccbeee64"
    )
    # version 2 (schema 0007) adds the merge and the reopening, null here
    assert case_state.state_digest(ROW, 2) == (
        "2:30233a50895cc9344bc3e4cf281dafd0659c669294a797b6e1dc440508ecb493"
    )
    # version 3 (schema 0008) adds an aduan's classification, null here
    assert case_state.state_digest(ROW) == (
        "3:5132e1590b61bfed0cc69d11c41140ab31658b4e606c54390a4892d4a3727be0"
    )
    assert case_state.state_digest({**ROW, "klasifikasi": "berkadar-pengawasan"}) == (
        "3:6fdfeecdf3b6b605a507705ded852fd163785818126618cf03bc87ecad224723"
    )
    assert case_state.identity_digest(ROW["garam"], ROW) == (
        "e89f1100ef14a3b6888587cf51599df62f332ef5f5c5b7e0577028f977d27438"
    )


def test_a_row_as_sqlite_or_a_server_gives_it_digests_alike():
    # SQLite gives times as text, booleans as 0/1 and JSON as text; a server its own types.
    as_sqlite = {
        key: (
            value.isoformat(" ", "microseconds")
            if isinstance(value, datetime)
            else int(value)
            if isinstance(value, bool)
            else json.dumps(value)
            if isinstance(value, list)
            else value
        )
        for key, value in ROW.items()
    }
    assert case_state.state_digest(as_sqlite) == case_state.state_digest(ROW)
    # … and as `periksa` digests every case: rows as tuples, each column converted once
    columns = sorted(ROW)
    digest = case_state.row_digester(columns)
    for row in (ROW, as_sqlite):
        assert digest(tuple(row[c] for c in columns), 1) == case_state.state_digest(ROW, 1)
    # version 2 needs its own columns: a row without them (an older register) cannot give it
    with pytest.raises(ValueError):
        digest(tuple(ROW[c] for c in columns), 2)
    wider = {**ROW, "digabung_ke": None, "dibuka": None}
    columns = sorted(wider)
    digest = case_state.row_digester(columns)
    assert digest(tuple(wider[c] for c in columns), 2) == case_state.state_digest(ROW, 2)
    # version 3 likewise: a register of schema 0007 has no klasifikasi column
    with pytest.raises(ValueError):
        digest(tuple(wider[c] for c in columns), 3)
    widest = {**wider, "klasifikasi": "tidak-berkadar-pengawasan"}
    columns = sorted(widest)
    digest = case_state.row_digester(columns)
    assert digest(tuple(widest[c] for c in columns), 3) == case_state.state_digest(widest)
    assert digest(tuple(widest[c] for c in columns), 2) == case_state.state_digest(ROW, 2)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("uraian", "PKH sudah cair"),
        ("nama", "Siti Aminah "),
        ("nik", "3171014101900002"),
        ("hp", None),
        ("alamat", "Jl. Eltari 6"),
        ("hasil", None),
        ("skor", 5),
        ("diterima", datetime(2026, 11, 20, 9, 16)),
        ("sla_nilai", 5),
        ("rahasia", False),
        ("tembusan", []),
        ("status", "ditindaklanjuti"),
        ("garam", None),
        ("nomor", "DS-2026-00008"),
    ],
)
def test_any_change_of_the_row_changes_the_digest(column, value):
    assert case_state.state_digest({**ROW, column: value}) != case_state.state_digest(ROW)


def test_the_digest_covers_every_column_of_a_case():
    # A new case column must be added to a new version of STATE_COLUMNS (see case_state).
    columns = {c.name for c in Case.__table__.columns} - {"id", "garam"}
    committed = set(case_state.STATE_COLUMNS[case_state.STATE_VERSION]) - {"identitas"}
    assert committed | set(case_state.IDENTITY_COLUMNS) == columns
    assert not committed & set(case_state.IDENTITY_COLUMNS)


def test_an_erased_identity_leaves_nothing_of_itself_in_the_state():
    # `anonimkan` (a later issue) erases the six values and the salt: the state it commits to
    # is the same whoever the reporter was, and the earlier states hold only salted digests.
    other = {**ROW, "nama": "Budi", "nik": "5371010101850002", "garam": "ff" * 16}
    erased = dict.fromkeys((*case_state.IDENTITY_COLUMNS, "garam"))
    assert case_state.state_digest({**ROW, **erased}) == case_state.state_digest(
        {**other, **erased}
    )
    # the salt is what ties a digest to the values: without it, the same values differ
    assert case_state.identity_digest("aa" * 16, ROW) != case_state.identity_digest("bb" * 16, ROW)


def test_the_bulk_import_parts_give_the_rows_digest():
    own = {c: ROW[c] for c in case_state.STATE_COLUMNS[1][10:]}
    identitas = case_state.identity_from_json(ROW["garam"], case_state.identity_json(ROW))
    head = [ROW[c] for c in case_state.state_head_columns()[:-1]] + [identitas]
    tail = case_state.state_tail(own)
    assert case_state.state_from_parts(head, tail) == case_state.state_digest(ROW)
    make = case_state.state_maker(head[2:-1])
    assert make(ROW["nomor"], ROW["urut"], identitas, tail) == case_state.state_digest(ROW)
    # … and as the checking process makes them from a new case's values (recording's order)
    from lapor_cli.new_case_rows import CASE_COLUMNS

    new = {**ROW, **dict.fromkeys(case_state.STATE_COLUMNS[1][25:])}  # nothing done yet
    parts = case_state.new_case_parts(CASE_COLUMNS)
    assert parts(tuple(new[c] for c in CASE_COLUMNS)) == (
        case_state.identity_json(new),
        case_state.state_tail(new),
    )


def test_new_salts_are_random_and_128_bits():
    salts = case_state.new_salts(3) + case_state.new_salts(1)
    assert len(set(salts)) == 4
    assert all(len(s) == 32 and int(s, 16) >= 0 for s in salts)


# ------------------------------------------------------------------------- in the register


def test_every_new_entry_commits_to_its_cases_state_after_it(run: Runner, populated):
    ok_json(run, "lihat", populated["dinilai"], "--lengkap")
    assert run("tunda", populated["ditindaklanjuti"], "--alasan", "menunggu KK")[0] == 0
    assert run("lanjut", populated["ditindaklanjuti"])[0] == 0
    entries = query_register("SELECT keadaan FROM riwayat ORDER BY id")
    assert entries and all(k and k.startswith("3:") for (k,) in entries)
    assert query_register("SELECT count(*) FROM kasus WHERE garam IS NULL") == [(0,)]
    assert ok_json(run, "periksa")["masalah"] == []


def _forms(path: Path) -> Path:
    rows = [
        ("2026-11-20 09:15", "surat", "aduan", "PKH belum cair", "Siti Aminah", NIK, HP, ""),
        ("2026-11-21 10:00", "whatsapp", "informasi", "Syarat PBI-JK?", "", "", "", "ya"),
        ("2026-11-22 08:30", "tatap-muka", "aspirasi", "Umumkan jadwal", "Budi", "", "", ""),
    ]
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["diterima", "kanal", "jenis", "uraian", "nama", "nik", "hp", "anonim"])
        out.writerows(rows)
    return path


def _register_rows() -> list[tuple]:
    cases = query_register("SELECT * FROM kasus ORDER BY id")
    entries = query_register(
        "SELECT kasus_id, waktu, oleh, aksi, dari_status, ke_status, catatan, data, "
        "hash_sebelum, hash, keadaan FROM riwayat ORDER BY id"
    )
    head = query_register("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'")
    return [*cases, *entries, *head]


def test_catat_one_by_one_and_the_bulk_import_give_the_same_chain(
    run: Runner, tmp_path, monkeypatch, same_salts
):
    forms = _forms(tmp_path / "formulir.csv")
    assert ok_json(run, "impor", str(forms))["diimpor"] == 3
    imported = _register_rows()

    monkeypatch.setenv("LAPOR_DB", str(tmp_path / "satu-satu.db"))
    same_salts()
    with forms.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            args = ["catat", "--diterima", row["diterima"], "--kanal", row["kanal"]]
            args += ["--jenis", row["jenis"], "--uraian", row["uraian"]]
            for key in ("nama", "nik", "hp"):
                if row[key]:
                    args += [f"--{key}", row[key]]
            if row["anonim"]:
                args.append("--anonim")
            ok_json(run, *args)
    assert _register_rows() == imported
    assert ok_json(run, "periksa")["masalah"] == []


def test_a_case_without_a_salt_gets_one_before_its_next_entry_commits(run: Runner, populated):
    # A row not written by lapor-cli (a script, a tool) may lack the salt: the chain still
    # never commits to the identity unsalted.
    nomor = populated["terverifikasi"]
    query_register("UPDATE kasus SET garam = NULL WHERE nomor = ?", nomor)
    ok_json(run, "distribusi", nomor, "--unit", "PFM")
    (salt,) = query_register("SELECT garam FROM kasus WHERE nomor = ?", nomor)[0]
    assert salt is not None and len(salt) == 32
    assert ok_json(run, "periksa")["masalah"] == []
