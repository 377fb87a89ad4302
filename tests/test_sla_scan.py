"""``lapor sla``'s scan judges the cases that share a key once (``deadline_report._KEY_SQL``)
and reads the cases of the most urgent keys only: it must give, line for line and count for
count, what judging every open case on its own gives. The register here holds many open
cases that share their key, their deadline or neither, numbered out of their order of
receipt, with pauses, a reopened case and deadlines in minutes; the reference judges each
one through the deadline book (``Deadlines``), as ``lihat`` does."""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from conftest import HP, Runner, at, ok_json, reading_session
from lapor_cli import sla
from lapor_cli.db import open_register
from lapor_cli.deadline_report import _RANK, SlaLine, sla_report
from lapor_cli.deadlines import STAGED, Deadlines
from lapor_cli.models import Case, Pause
from lapor_cli.sqlread import Reader
from lapor_cli.workflow import OPEN_STATUSES

AS_OF = at("2026-11-23 10:00")
UNITS = [None, "Bidang Perlindungan dan Jaminan Sosial", 'Unit "Kutip", Seksi Ñ', "PFM"]


@pytest.fixture(params=[1, 2], ids=["acak-1", "acak-2"])
def crowded(request, populated: dict[str, str], run: Runner) -> Iterator[Session]:
    """The populated register with a running pause, an ended one and a reopened case, then
    each open case copied 30 times with its days, unit, urgency and rule varied: a reading
    transaction on it."""
    rng = random.Random(request.param)
    assert run("tunda", populated["ditindaklanjuti"], "--alasan", "menunggu KK")[0] == 0
    assert run("tunda", populated["didisposisikan"], "--alasan", "menunggu")[0] == 0
    assert run("lanjut", populated["didisposisikan"])[0] == 0
    assert run("buka", populated["dinilai"], "--alasan", "Pelapor: belum cair")[0] == 0
    ok_json(
        run, "catat", "--kanal", "tatap-muka", "--jenis", "informasi", "--uraian", "Tanya",
        "--nama", "Yohanes", "--hp", HP, "--diterima", "2026-11-23 09:40",
    )  # fmt: skip
    register = open_register(os.environ["LAPOR_DB"], write=True)
    with register.transaction(True) as session:
        originals = session.exec(select(Case).where(Case.status.in_(OPEN_STATUSES))).all()
        paused = {p.kasus_id for p in session.exec(select(Pause)).all()}
        urut = 1000
        for case in originals:
            for _ in range(30):
                urut += rng.randrange(1, 5)
                fields = case.model_dump(exclude={"id"})
                shift = timedelta(days=rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 16, 30]))
                fields.update(
                    nomor=f"DS-2026-{rng.randrange(10**6):06d}-{urut}",
                    urut=urut,
                    sidik=None,
                    nomor_lapor=None,
                    unit=rng.choice(UNITS) if case.didistribusikan else case.unit,
                    segera=rng.random() < 0.3,
                )
                for name in ("diterima", "dicatat", "didistribusikan", "tindaklanjut_terakhir"):
                    if fields[name] is not None:
                        fields[name] -= shift
                if case.sla_satuan == sla.MENIT:
                    fields["diterima"] = AS_OF - timedelta(minutes=rng.randrange(0, 40))
                copy = Case(**fields)
                session.add(copy)
                if case.id in paused and rng.random() < 0.5:
                    session.flush()
                    session.add(
                        Pause(kasus_id=copy.id, mulai=copy.diterima, selesai=None, alasan="x")
                    )
    register.engine.dispose()
    yield from reading_session()


def _judged_alone(session: Session, as_of: datetime, *, only_late: bool = False):
    """Every open case judged on its own, most urgent first; and the counts."""
    book = Deadlines(session, as_of)
    cases = session.exec(
        select(Case).where(Case.status.in_(OPEN_STATUSES), Case.diterima <= as_of)
    ).all()
    lines = []
    for case in cases:
        due = book.due(case)
        binds, binding_due = book.binding(case, due)
        remaining = sla.remaining_workdays(as_of, binding_due, book.calendar(case.sla_profil))
        paused = book.paused(case)
        tanda = sla.flag(as_of, binding_due, remaining, paused=paused)
        if only_late and tanda != sla.TERLAMBAT:
            continue
        stage = book.stage_due(case) if case.status in STAGED else None
        lines.append(
            SlaLine(
                case.nomor,
                case.status,
                due,
                remaining,
                tanda == sla.TERLAMBAT,
                tanda,
                stage[0] if stage else None,
                stage[1] if stage else None,
                case.status == "ditindaklanjuti" and book.ready_to_close(case, as_of),
                paused,
                case.segera,
                case.sla_satuan,
                case.unit,
                binds,
                binding_due,
            )  # fmt: skip
        )
    lines.sort(key=lambda line: (_RANK[line.tanda], line.batas_mengikat, line.nomor))
    counts = {
        "terbuka": len(lines),
        "terlambat": sum(line.tanda == sla.TERLAMBAT for line in lines),
        "hari_ini": sum(line.tanda == sla.SEGERA and line.sisa_hari_kerja == 0 for line in lines),
        "jatuh_tempo": sum(line.tanda == sla.SEGERA and line.sisa_hari_kerja > 0 for line in lines),
        "aman": sum(line.tanda == sla.AMAN for line in lines),
        "ditunda": sum(line.tanda == sla.DITUNDA for line in lines),
        "siap_ditutup": sum(line.siap_ditutup for line in lines),
    }
    return lines, counts


def _counts(report) -> dict[str, int]:
    names = ("terbuka", "terlambat", "hari_ini", "jatuh_tempo", "aman", "ditunda", "siap_ditutup")
    return {name: getattr(report, name) for name in names}


@pytest.mark.parametrize("as_of", [AS_OF, at("2026-11-25 16:00")], ids=["senin", "rabu"])
def test_the_scan_is_every_case_judged_on_its_own(crowded: Session, as_of: datetime) -> None:
    expected, counts = _judged_alone(crowded, as_of)
    assert len(expected) > 200 and len({line.batas_mengikat for line in expected}) > 10
    assert {line.tanda for line in expected} >= {sla.TERLAMBAT, sla.AMAN, sla.DITUNDA}
    db = Reader.of(crowded)
    report = sla_report(db, as_of, now=as_of)
    assert report.lines == expected
    assert _counts(report) == counts
    for limit in (1, 2, 5, 37, 50, len(expected) + 3):
        report = sla_report(db, as_of, limit=limit, now=as_of)
        assert report.lines == expected[:limit], limit
        assert _counts(report) == counts
    late, late_counts = _judged_alone(crowded, as_of, only_late=True)
    for limit in (None, 3):
        report = sla_report(db, as_of, only_late=True, limit=limit, now=as_of)
        assert report.lines == late[:limit]
        assert _counts(report) == late_counts


def test_json_text_is_what_json_dumps_writes(crowded: Session) -> None:
    report = sla_report(Reader.of(crowded), AS_OF, now=AS_OF)
    rows = list(report.json_rows())
    assert rows == [line.as_json() for line in report.lines]
    assert any('"' in (row["unit"] or "") for row in rows)
    assert {row["segera"] for row in rows} == {True, False}
    assert list(report.json_texts()) == [json.dumps(row, ensure_ascii=False) for row in rows]


def test_a_servers_date_style_does_not_change_the_scan(crowded: Session) -> None:
    """The keys' days are read as dates, never as the server's text of them (which its
    DateStyle decides: ``23/11/2026 10:00:00`` under SQL, DMY)."""
    from sqlalchemy import text

    if crowded.get_bind().dialect.name != "postgresql":
        pytest.skip("DateStyle is a PostgreSQL setting")
    before = sla_report(Reader.of(crowded), AS_OF, now=AS_OF).lines
    crowded.execute(text("SET datestyle = 'SQL, DMY'"))
    assert sla_report(Reader.of(crowded), AS_OF, now=AS_OF).lines == before
