"""The SOP steps on a recorded case, applied to the register: one function per command.

Each function takes an open session (the caller's one write transaction), the case's number,
"now" and the officer, and the command's own values; it loads the case, lets
:mod:`lapor_cli.workflow` decide the step (or refuse it), applies the step's column changes
with its history entry, and returns what the command reports (:class:`Handled`). Decisions
that need the register — whether a step is on time, the SLA rule a category gives, whether
the clock is paused — are taken here, so the commands and the demo record the same cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from lapor_cli import workflow
from lapor_cli.deadlines import Deadlines
from lapor_cli.entries import append_history
from lapor_cli.errors import LaporError, NotFoundError
from lapor_cli.models import Case, History, Pause
from lapor_cli.validation import clean_text
from lapor_cli.views import case_view
from lapor_cli.workflow import Step

__all__ = [
    "Handled",
    "apply_step",
    "close_case",
    "distribute_case",
    "extend_case",
    "follow_up_case",
    "get_case",
    "normalize_nomor",
    "pause_case",
    "rate_case",
    "report_back_case",
    "resume_case",
    "verify_case",
]


@dataclass(frozen=True, slots=True)
class Handled:
    """One step done: the case as it now stands and its deadline (before the step too, for
    the commands that move it)."""

    step: Step
    view: dict[str, object]
    batas_waktu: datetime
    batas_sebelum: datetime | None = None  # ``perpanjang``: the deadline it moved


#: The free text of the steps that may run over several lines; the rest is one line.
_LONG_TEXT = frozenset(("alasan", "catatan", "hasil", "komentar", "jawaban_normatif"))


def _clean(petugas: str, **texts: str | None) -> tuple[str, dict[str, str | None]]:
    """The officer and a step's free text, trimmed, or refused (before anything is written)
    when they hold control or invisible formatting characters, naming the field."""
    cleaned = {
        field: clean_text(field, value, field in _LONG_TEXT) for field, value in texts.items()
    }
    return clean_text("petugas", petugas) or "petugas", cleaned


def normalize_nomor(nomor: str) -> str:
    return nomor.strip().upper()


def get_case(session: Session, nomor: str) -> Case:
    key = normalize_nomor(nomor)
    case = session.exec(select(Case).where(Case.nomor == key)).first()
    if case is None:
        raise NotFoundError(
            f"Kasus {nomor.strip()!r} tidak ada di register. Cek dengan `lapor daftar`."
        )
    return case


def apply_step(session: Session, case: Case, step: Step, *, now: datetime, oleh: str) -> History:
    """Apply a workflow step: column changes, the new status, one history entry — together."""
    for column, value in step.changes.items():
        if not hasattr(case, column):
            raise LaporError(f"kolom {column!r} tidak ada")  # a bug in workflow, not user input
        setattr(case, column, value)
    case.status = step.ke
    session.add(case)
    return append_history(
        session,
        case,
        waktu=now,
        oleh=oleh,
        aksi=step.aksi,
        dari=step.dari,
        ke=step.ke,
        catatan=step.catatan,
        data=step.data,
    )


def _handle(
    session: Session,
    nomor: str,
    decide: Callable[[Case, Deadlines], Step],
    *,
    now: datetime,
    petugas: str,
) -> Handled:
    """Load the case, let ``decide`` build the step (with the case's deadlines as they stand
    before it), apply it."""
    case = get_case(session, nomor)
    return _apply(session, case, decide(case, Deadlines(session, now)), now=now, petugas=petugas)


def _apply(session: Session, case: Case, step: Step, *, now: datetime, petugas: str) -> Handled:
    apply_step(session, case, step, now=now, oleh=petugas)
    due = Deadlines(session, now).due(case)  # afresh: the step may change rule and pauses
    return Handled(step, case_view(case, batas_waktu=due), due)


def verify_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    kategori: str,
    kewenangan: bool,
    alasan: str | None = None,
    dirujuk_ke: str | None = None,
    nomor_surat: str | None = None,
    catatan: str | None = None,
) -> Handled:
    """SOP step 3. A case outside the office's authority is archived (closed, on time or
    not); one within it may get another SLA rule, when the profile has one for its category."""
    from lapor_cli.references import normalize_kategori

    petugas, t = _clean(
        petugas, alasan=alasan, dirujuk_ke=dirujuk_ke, nomor_surat=nomor_surat, catatan=catatan
    )
    kode = normalize_kategori(kategori)

    def decide(case: Case, book: Deadlines) -> Step:
        step = workflow.verify(
            case.nomor,
            case.status,
            now=now,
            kategori=kode,
            kewenangan=kewenangan,
            alasan=t["alasan"],
            dirujuk_ke=t["dirujuk_ke"],
            nomor_surat=t["nomor_surat"],
            catatan=t["catatan"],
            tepat_waktu=None if kewenangan else book.met(case, now),
            kanal=case.kanal,
        )
        new_rule = book.rule_for_category(case, kode) if kewenangan else None
        if new_rule is not None:
            step.changes.update(
                sla_satuan=new_rule.satuan,
                sla_nilai=new_rule.nilai,
                sla_perpanjangan=new_rule.perpanjangan,
            )
            step.data["sla"] = Deadlines.rule_of(new_rule).describe()
        return step

    return _handle(session, nomor, decide, now=now, petugas=petugas)


def distribute_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    unit: str | None = None,
    tembusan: list[str] | None = None,
    jawaban_normatif: str | None = None,
    catatan: str | None = None,
) -> Handled:
    """SOP step 4: forward to a unit (with copies), or answer normatively."""
    from lapor_cli.references import normalize_unit

    petugas, t = _clean(petugas, unit=unit, jawaban_normatif=jawaban_normatif, catatan=catatan)
    copies = [clean_text("tembusan", copy) for copy in tembusan or []]
    unit_name = normalize_unit(t["unit"]) if t["unit"] else None
    return _handle(
        session,
        nomor,
        lambda case, _book: workflow.distribute(
            case.nomor,
            case.status,
            now=now,
            unit=unit_name,
            tembusan=[copy for copy in copies if copy],
            jawaban_normatif=t["jawaban_normatif"],
            catatan=t["catatan"],
        ),
        now=now,
        petugas=petugas,
    )


def follow_up_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    catatan: str | None,
    oleh: str | None = None,
    tugaskan: str | None = None,
) -> Handled:
    """SOP steps 5–7: one follow-up step of the unit (``oleh``: who in the unit)."""
    petugas, t = _clean(petugas, catatan=catatan, oleh=oleh, tugaskan=tugaskan)
    return _handle(
        session,
        nomor,
        lambda case, _book: workflow.follow_up(case.nomor, case.status, now=now, **t),
        now=now,
        petugas=petugas,
    )


def close_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    hasil: str | None,
    dilaporkan: bool | None = None,
) -> Handled:
    """SOP step 8: close with the result; whether it was on time is decided now."""
    petugas, t = _clean(petugas, hasil=hasil)
    return _handle(
        session,
        nomor,
        lambda case, book: workflow.close(
            case.nomor,
            case.status,
            kanal=case.kanal,
            now=now,
            hasil=t["hasil"],
            tepat_waktu=book.met(case, now),
            dilaporkan_balik=dilaporkan,
        ),
        now=now,
        petugas=petugas,
    )


def report_back_case(session: Session, nomor: str, *, now: datetime, petugas: str) -> Handled:
    """SOP step 9 after the fact: the status was reported back on SP4N-LAPOR!."""
    petugas, _ = _clean(petugas)
    return _handle(
        session,
        nomor,
        lambda case, _book: workflow.report_back(
            case.nomor, case.status, kanal=case.kanal, dilaporkan_balik=case.dilaporkan_balik
        ),
        now=now,
        petugas=petugas,
    )


def rate_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    skor: int,
    komentar: str | None = None,
) -> Handled:
    """SOP step 9: the reporter's rating."""
    petugas, t = _clean(petugas, komentar=komentar)
    return _handle(
        session,
        nomor,
        lambda case, _book: workflow.rate(
            case.nomor, case.status, current_score=case.skor, skor=skor, komentar=t["komentar"]
        ),
        now=now,
        petugas=petugas,
    )


def extend_case(
    session: Session, nomor: str, *, now: datetime, petugas: str, alasan: str | None
) -> Handled:
    """The one extension the case's rule allows, before its deadline has passed."""
    petugas, t = _clean(petugas, alasan=alasan)
    case = get_case(session, nomor)
    before = Deadlines(session, now).due(case)
    step = workflow.extend(
        case.nomor,
        case.status,
        allowed_days=case.sla_perpanjangan,
        already=case.diperpanjang,
        alasan=t["alasan"],
        overdue=now > before,
    )
    return replace(_apply(session, case, step, now=now, petugas=petugas), batas_sebelum=before)


def _running_pause(session: Session, case: Case) -> Pause | None:
    return session.execute(
        sa.select(Pause).where(Pause.kasus_id == case.id, Pause.selesai.is_(None))
    ).scalar_one_or_none()


def pause_case(
    session: Session, nomor: str, *, now: datetime, petugas: str, alasan: str | None
) -> Handled:
    """``tunda``: stop the deadline clock from ``now`` while the desk waits for the reporter."""
    petugas, t = _clean(petugas, alasan=alasan)
    case = get_case(session, nomor)
    running = _running_pause(session, case)
    step = workflow.pause(
        case.nomor, case.status, paused_since=running.mulai if running else None, alasan=t["alasan"]
    )
    session.add(Pause(kasus_id=case.id, mulai=now, alasan=t["alasan"]))
    session.flush()
    return _apply(session, case, step, now=now, petugas=petugas)


def resume_case(session: Session, nomor: str, *, now: datetime, petugas: str) -> Handled:
    """``lanjut``: restart the clock of a paused case from ``now``."""
    petugas, _ = _clean(petugas)
    case = get_case(session, nomor)
    running = _running_pause(session, case)
    step = workflow.resume(case.nomor, case.status, paused_since=running.mulai if running else None)
    running.selesai = now
    session.add(running)
    session.flush()
    return _apply(session, case, step, now=now, petugas=petugas)
