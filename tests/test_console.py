"""emit_json_list: a long list written in chunks is the same one JSON document."""

from __future__ import annotations

import json

import pytest

from lapor_cli.console import emit_json_list


@pytest.mark.parametrize("count", [0, 1, 2, 3, 7])
def test_chunked_list_is_one_valid_document(capsys, count) -> None:
    items = [{"nomor": f"DS-2026-{i:05d}", "catatan": 'ä, "kutip" [x]'} for i in range(count)]
    emit_json_list(iter(items), chunk=3)
    out = capsys.readouterr().out
    assert out.endswith("\n") and out.count("\n") == 1
    assert json.loads(out) == items
