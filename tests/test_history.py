"""history: the chain's hashes with and without a state and a typing time, and the anchor
(pure)."""

from __future__ import annotations

from datetime import datetime

import pytest

from lapor_cli import history as chain

ENTRY = dict(
    nomor="DS-2026-00001",
    waktu=datetime(2026, 11, 23, 10, 0),
    oleh="Petugas Uji",
    aksi="catat",
    dari_status=None,
    ke_status="diterima",
    catatan="Diterima lewat surat pada 2026-11-20 09:15",
    data={"kanal": "surat", "jenis": "aduan", "sla": "3 hari kerja"},
)
STATE = "1:" + "ab" * 32


def _chain(states: list[str | None]) -> tuple[list[dict], str]:
    entries, prev = [], chain.GENESIS
    for i, state in enumerate(states, start=1):
        digest = chain.entry_hash(prev, keadaan=state, **ENTRY)
        entries.append({"id": i, **ENTRY, "keadaan": state, "hash_sebelum": prev, "hash": digest})
        prev = digest
    return entries, prev


def test_an_entry_without_a_state_hashes_as_before_and_a_state_changes_the_hash():
    old = chain.entry_hash(chain.GENESIS, **ENTRY)
    assert chain.entry_hash(chain.GENESIS, keadaan=None, **ENTRY) == old
    assert chain.entry_hash(chain.GENESIS, keadaan=STATE, **ENTRY) != old
    tail = chain.entry_tail(**{k: v for k, v in ENTRY.items() if k != "nomor"})
    assert chain.chained_hash(chain.GENESIS, ENTRY["nomor"], tail, STATE) == chain.entry_hash(
        chain.GENESIS, keadaan=STATE, **ENTRY
    )


def test_old_entries_then_entries_with_a_state_verify():
    entries, head = _chain([None, None, STATE, STATE])
    assert chain.verify_chain(entries, head) == []


def test_a_state_stripped_or_changed_breaks_the_chain():
    entries, head = _chain([None, STATE, STATE])
    changed = [*entries[:2], {**entries[2], "keadaan": "1:" + "cd" * 32}]
    assert [b.reason for b in chain.verify_chain(changed, head)] == [
        "isi entri berubah setelah dicatat"
    ]
    # an entry without a state after one with a state, even with its hash made to match
    entries, head = _chain([None, STATE, None])
    assert [b.reason for b in chain.verify_chain(entries, head)] == [
        "entri baru tanpa sidik keadaan kasus"
    ]


TYPED = datetime(2026, 11, 24, 8, 30)  # typed in the next morning (``--pada``)


def _typed_chain(times: list[datetime | None]) -> tuple[list[dict], str]:
    entries, prev = [], chain.GENESIS
    for i, typed in enumerate(times, start=1):
        digest = chain.entry_hash(prev, keadaan=STATE, dicatat=typed, **ENTRY)
        entries.append(
            {"id": i, **ENTRY, "keadaan": STATE, "dicatat": typed, "hash_sebelum": prev,
             "hash": digest}
        )  # fmt: skip
        prev = digest
    return entries, prev


def test_when_an_entry_was_typed_in_is_hashed_from_schema_0007_on():
    before = chain.entry_hash(chain.GENESIS, keadaan=STATE, **ENTRY)
    assert chain.entry_hash(chain.GENESIS, keadaan=STATE, dicatat=None, **ENTRY) == before
    typed = chain.entry_hash(chain.GENESIS, keadaan=STATE, dicatat=TYPED, **ENTRY)
    assert typed != before
    assert typed != chain.entry_hash(chain.GENESIS, keadaan=STATE, dicatat=ENTRY["waktu"], **ENTRY)
    tail = chain.entry_tail(dicatat=TYPED, **{k: v for k, v in ENTRY.items() if k != "nomor"})
    assert chain.chained_hash(chain.GENESIS, ENTRY["nomor"], tail, STATE) == typed
    # old entries, then typed ones: verifies; the typing time changed or stripped: breaks
    entries, head = _typed_chain([None, TYPED, TYPED])
    assert chain.verify_chain(entries, head) == []
    changed = [*entries[:2], {**entries[2], "dicatat": datetime(2026, 11, 20, 9, 0)}]
    assert [b.reason for b in chain.verify_chain(changed, head)] == [
        "isi entri berubah setelah dicatat"
    ]
    entries, head = _typed_chain([TYPED, None])
    assert [b.reason for b in chain.verify_chain(entries, head)] == [
        "entri baru tanpa waktu diketik"
    ]


def test_an_entry_that_cannot_be_hashed_is_a_break_not_an_exception():
    entries, head = _chain([STATE, STATE])
    broken = [{**entries[0], "waktu": "bukan waktu"}, {**entries[1], "rusak": "data tak terbaca"}]
    assert [b.reason for b in chain.verify_chain(broken, head)] == [
        "isi entri rusak, tak dapat dihitung",
        "entri rusak: data tak terbaca",
    ]


def test_an_anchor_is_written_short_and_read_back_in_any_case_and_length():
    anchor = chain.Anchor(1234, "3f9a2c7d1e5b8a40" + "0" * 48)
    assert anchor.short == "1234-3f9a2c7d1e5b8a40"
    assert chain.parse_anchor(" 1234-3F9A2C7D1E5B8A40\n") == chain.Anchor(1234, "3f9a2c7d1e5b8a40")
    assert chain.parse_anchor(f"1234-{anchor.hash}") == anchor
    assert chain.parse_anchor("1234-3f9a2c7d1e5b").hash == "3f9a2c7d1e5b"  # 12 digits: least


@pytest.mark.parametrize(
    "text", ["", "1234", "1234-", "1234-3f9a2c7d1e5", "-3f9a2c7d1e5b", "1234-3f9a2c7d1e5g", "a-b"]
)
def test_an_anchor_that_cannot_be_read_says_how_it_looks(text):
    with pytest.raises(ValueError, match="jangkar|Jangkar"):
        chain.parse_anchor(text)


def test_a_register_extends_an_anchor_only_with_that_entry_and_that_hash():
    anchor = chain.Anchor(3, "abcdef012345")
    assert chain.anchor_problem(anchor, 3, "abcdef0123456789") is None
    assert chain.anchor_problem(anchor, 9, "abcdef0123456789") is None
    assert "diputar mundur" in chain.anchor_problem(anchor, 2, None)
    assert "dihitung ulang" in chain.anchor_problem(anchor, 9, "abcdef0000000000")
    assert chain.anchor_problem(chain.Anchor(0, "0" * 16), 5, None) is None


def test_a_new_registers_chain_head_setting_is_the_genesis() -> None:
    from lapor_cli.settings import DEFAULT_SETTINGS

    assert DEFAULT_SETTINGS["rantai"] == chain.GENESIS
