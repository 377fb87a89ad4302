"""emit_json_list and emit_json_texts: a long list written in chunks is the same one JSON
document."""

from __future__ import annotations

import json

import pytest

from lapor_cli.console import emit_json_list, emit_json_texts


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
def test_chunked_list_is_one_valid_document(capsys, count) -> None:
    items = [{"nomor": f"DS-2026-{i:05d}", "catatan": 'ä, "kutip" [x]'} for i in range(count)]
    emit_json_list(iter(items), chunk=3)
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1
    assert json.loads(out) == items


@pytest.mark.parametrize("tty", [False, True], ids=["skrip", "terminal"])
@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
def test_a_list_of_encoded_items_is_written_as_the_items_would_be(
    capsys, monkeypatch, count, tty
) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    items = [{"nomor": f"DS-2026-{i:05d}", "catatan": 'ä, "kutip" [x]'} for i in range(count)]
    emit_json_list(iter(items), chunk=3)
    expected = capsys.readouterr().out
    texts = (json.dumps(item, ensure_ascii=False) for item in items)
    emit_json_texts(texts, lambda: iter(items), chunk=3)
    assert capsys.readouterr().out == expected
