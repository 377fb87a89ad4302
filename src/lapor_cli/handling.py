"""The SOP steps on a recorded case, applied to the register: one function per command.

Each function takes an open session (the caller's one write transaction), the case's number,
"now" and the officer, and the command's own values; it loads the case, lets
:mod:`lapor_cli.workflow` decide the step (or refuse it), applies the step's column changes
with its history entry, and returns what the command reports (:class:`Handled`). Decisions
that need the register — whether a step is on time, the SLA rule a category gives, whether
the clock is paused — are taken here, so the commands and the demo record the same cases.

``pada``: when the step really happened (``--pada``; "now" when not given), never before the
case's previous step nor in the future (:func:`lapor_cli.workflow.step_moment`). Everything
the step decides and stores — the closing time, the on-time verdict, the forwarding time that
starts the unit's stage, a pause — uses that moment; the history entry's ``waktu`` is that
moment and its ``dicatat`` when it was typed in ("now").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from lapor_cli import workflow
from lapor_cli.case_rows import normalize_nomor, not_found
from lapor_cli.deadlines import CLOSING_DUE, Deadlines
from lapor_cli.entries import append_history
from lapor_cli.errors import LaporError, StatusError
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
    "linked_cases",
    "merge_case",
    "normalize_nomor",
    "pause_case",
    "previous_step",
    "rate_case",
    "reopen_case",
    "report_back_case",
    "resume_case",
    "verify_case",
    "void_case",
]


@dataclass(frozen=True, slots=True)
class Handled:
    """One step done: the case as it now stands and its deadline (before the step too, for
    the commands that move it)."""

    step: Step
    view: dict[str, object]
    batas_waktu: datetime
    batas_sebelum: datetime | None = None  # ``perpanjang``: the deadline it moved
    pada: datetime | None = None  # when the step happened, if earlier than it was typed in


#: When a step happened, as typed (``--pada``): text, a moment, or None for "now".
Pada = str | datetime | None

#: The free text of the steps that may run over several lines; the rest is one line.
_LONG_TEXT = frozenset(("alasan", "catatan", "hasil", "komentar", "jawaban_normatif"))


def _clean(petugas: str, **texts: str | None) -> tuple[str, dict[str, str | None]]:
    """The officer and a step's free text, trimmed, or refused (before anything is written)
    when they hold control or invisible formatting characters, naming the field."""
    cleaned = {
        field: clean_text(field, value, field in _LONG_TEXT) for field, value in texts.items()
    }
    return clean_text("petugas", petugas) or "petugas", cleaned


def get_case(session: Session, nomor: str) -> Case:
    key = normalize_nomor(nomor)
    case = session.exec(select(Case).where(Case.nomor == key)).first()
    if case is None:
        raise not_found(nomor)
    return case


def linked_cases(session: Session, case: Case) -> list[Case]:
    """The duplicates merged into ``case`` (``gabung``), oldest first."""
    return list(session.exec(select(Case).where(Case.digabung_ke == case.nomor).order_by(Case.id)))


def previous_step(session: Session, case: Case) -> tuple[datetime, str]:
    """When the case's latest step happened (its ``waktu``), and what it was; its receipt when
    no step has happened yet. A step recorded later may not have happened before it."""
    t = History.__table__
    latest = session.execute(
        sa.select(t.c.waktu, t.c.aksi)
        .where(t.c.kasus_id == case.id, t.c.aksi.in_(workflow.HAPPENED))
        .order_by(t.c.waktu.desc(), t.c.id.desc())
        .limit(1)
    ).first()
    if latest is None or latest.waktu < case.diterima:
        return case.diterima, "waktu diterima"
    return latest.waktu, f"langkah `{latest.aksi}`"


def _moment(session: Session, case: Case, pada: Pada, now: datetime) -> datetime:
    """When the step on ``case`` happened: ``pada`` checked against the previous step."""
    if pada is None:
        return now
    after, what = previous_step(session, case)
    return workflow.step_moment(pada, now=now, after=after, after_what=what, nomor=case.nomor)


def apply_step(
    session: Session,
    case: Case,
    step: Step,
    *,
    now: datetime,
    oleh: str,
    dicatat: datetime | None = None,
) -> History:
    """Apply a workflow step: column changes, the new status, one history entry — together.
    ``now``: when the step happened (the entry's ``waktu``); ``dicatat``: when it was typed
    in, if later."""
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
        dicatat=dicatat,
    )


def _handle(
    session: Session,
    nomor: str,
    decide: Callable[[Case, Deadlines, datetime], Step],
    *,
    now: datetime,
    petugas: str,
    pada: Pada = None,
) -> Handled:
    """Load the case, work out when the step happened, let ``decide`` build the step (with
    the case's deadlines as they stood then, and that moment), apply it."""
    case = get_case(session, nomor)
    at = _moment(session, case, pada, now)
    step = decide(case, Deadlines(session, at), at)
    return _apply(session, case, step, now=now, at=at, petugas=petugas)


def _apply(
    session: Session,
    case: Case,
    step: Step,
    *,
    now: datetime,
    petugas: str,
    at: datetime | None = None,
) -> Handled:
    apply_step(session, case, step, now=at or now, oleh=petugas, dicatat=now)
    due = Deadlines(session, now).due(case)  # afresh: the step may change rule and pauses
    earlier = at if at is not None and at != now else None
    return Handled(step, case_view(case, batas_waktu=due), due, pada=earlier)


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
    pada: Pada = None,
    klasifikasi: str | None = None,
) -> Handled:
    """SOP step 3. A case outside the office's authority is archived (closed, on time or
    not); one within it may get another SLA rule, when the profile has one for its category
    or (an aduan) its classification."""
    from lapor_cli.references import normalize_kategori, normalize_klasifikasi

    petugas, t = _clean(
        petugas,
        alasan=alasan,
        dirujuk_ke=dirujuk_ke,
        nomor_surat=nomor_surat,
        catatan=catatan,
        klasifikasi=klasifikasi,
    )
    kode = normalize_kategori(kategori)
    kelas = normalize_klasifikasi(t["klasifikasi"]) if t["klasifikasi"] else None

    def decide(case: Case, book: Deadlines, at: datetime) -> Step:
        due = book.due(case)
        step = workflow.verify(
            case.nomor,
            case.status,
            now=at,
            kategori=kode,
            kewenangan=kewenangan,
            alasan=t["alasan"],
            dirujuk_ke=t["dirujuk_ke"],
            nomor_surat=t["nomor_surat"],
            catatan=t["catatan"],
            tepat_waktu=None if kewenangan else at <= due,
            kanal=case.kanal,
            jenis=case.jenis,
            klasifikasi=kelas,
        )
        if not kewenangan:  # archived: closed, judged against this deadline for good
            step.data[CLOSING_DUE] = due.isoformat()
        new_rule = book.rule_for_category(case, kode, kelas) if kewenangan else None
        if new_rule is not None:
            step.changes.update(
                sla_satuan=new_rule.satuan,
                sla_nilai=new_rule.nilai,
                sla_perpanjangan=new_rule.perpanjangan,
            )
            step.data["sla"] = Deadlines.rule_of(new_rule).describe()
        return step

    return _handle(session, nomor, decide, now=now, petugas=petugas, pada=pada)


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
    pada: Pada = None,
) -> Handled:
    """SOP step 4: forward to a unit (with copies), or answer normatively."""
    from lapor_cli.references import normalize_unit

    petugas, t = _clean(petugas, unit=unit, jawaban_normatif=jawaban_normatif, catatan=catatan)
    copies = [clean_text("tembusan", copy) for copy in tembusan or []]
    unit_name = normalize_unit(t["unit"]) if t["unit"] else None
    return _handle(
        session,
        nomor,
        lambda case, _book, at: workflow.distribute(
            case.nomor,
            case.status,
            now=at,
            unit=unit_name,
            tembusan=[copy for copy in copies if copy],
            jawaban_normatif=t["jawaban_normatif"],
            catatan=t["catatan"],
        ),
        now=now,
        petugas=petugas,
        pada=pada,
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
    pada: Pada = None,
) -> Handled:
    """SOP steps 5–7: one follow-up step of the unit (``oleh``: who in the unit)."""
    petugas, t = _clean(petugas, catatan=catatan, oleh=oleh, tugaskan=tugaskan)
    return _handle(
        session,
        nomor,
        lambda case, _book, at: workflow.follow_up(case.nomor, case.status, now=at, **t),
        now=now,
        petugas=petugas,
        pada=pada,
    )


def close_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    hasil: str | None,
    dilaporkan: bool | None = None,
    pada: Pada = None,
) -> Handled:
    """SOP step 8: close with the result; whether it was on time is judged at the moment it
    was closed (``pada``: a Friday close typed in on Monday is judged on Friday)."""
    petugas, t = _clean(petugas, hasil=hasil)

    def decide(case: Case, book: Deadlines, at: datetime) -> Step:
        due = book.due(case)
        step = workflow.close(
            case.nomor,
            case.status,
            kanal=case.kanal,
            now=at,
            hasil=t["hasil"],
            tepat_waktu=at <= due,
            dilaporkan_balik=dilaporkan,
        )
        # The verdict and the deadline it was given against are fixed from now on: a day
        # added to or cancelled from the calendar later moves neither (issue 18).
        step.data[CLOSING_DUE] = due.isoformat()
        return step

    return _handle(session, nomor, decide, now=now, petugas=petugas, pada=pada)


def report_back_case(
    session: Session, nomor: str, *, now: datetime, petugas: str, pada: Pada = None
) -> Handled:
    """SOP step 9 after the fact: the status was reported back on SP4N-LAPOR!. A merged
    duplicate's reporter is told its main case's result, so only once that is closed."""
    petugas, _ = _clean(petugas)

    def decide(case: Case, _book: Deadlines, _at: datetime) -> Step:
        main = _main_case(session, case)
        return workflow.report_back(
            case.nomor,
            case.status,
            kanal=case.kanal,
            dilaporkan_balik=case.dilaporkan_balik,
            utama=case.digabung_ke,
            utama_closed=main is not None and main.status in workflow.CLOSED_STATUSES,
        )

    return _handle(session, nomor, decide, now=now, petugas=petugas, pada=pada)


def _main_case(session: Session, case: Case) -> Case | None:
    if case.digabung_ke is None:
        return None
    return session.exec(select(Case).where(Case.nomor == case.digabung_ke)).first()


def rate_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    skor: int,
    komentar: str | None = None,
    pada: Pada = None,
) -> Handled:
    """SOP step 9: the reporter's rating."""
    petugas, t = _clean(petugas, komentar=komentar)
    return _handle(
        session,
        nomor,
        lambda case, _book, _at: workflow.rate(
            case.nomor, case.status, current_score=case.skor, skor=skor, komentar=t["komentar"]
        ),
        now=now,
        petugas=petugas,
        pada=pada,
    )


def extend_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    alasan: str | None,
    pada: Pada = None,
) -> Handled:
    """The one extension the case's rule allows, granted before its deadline had passed (at
    ``pada``, when it was granted)."""
    petugas, t = _clean(petugas, alasan=alasan)
    case = get_case(session, nomor)
    if case.dibuka is not None and case.status in workflow.OPEN_STATUSES:
        raise StatusError(
            f"Kasus {case.nomor} dibuka kembali: batas waktunya kini tahap tindak lanjut unit "
            "sejak dibuka, yang tidak diperpanjang."
        )
    at = _moment(session, case, pada, now)
    before = Deadlines(session, at).due(case)
    step = workflow.extend(
        case.nomor,
        case.status,
        allowed_days=case.sla_perpanjangan,
        already=case.diperpanjang,
        alasan=t["alasan"],
        overdue=at > before,
    )
    done = _apply(session, case, step, now=now, at=at, petugas=petugas)
    return replace(done, batas_sebelum=before)


def _running_pause(session: Session, case: Case) -> Pause | None:
    return session.execute(
        sa.select(Pause).where(Pause.kasus_id == case.id, Pause.selesai.is_(None))
    ).scalar_one_or_none()


def pause_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    alasan: str | None,
    pada: Pada = None,
) -> Handled:
    """``tunda``: stop the deadline clock from ``pada`` (default ``now``) while the desk waits
    for the reporter."""
    petugas, t = _clean(petugas, alasan=alasan)
    case = get_case(session, nomor)
    running = _running_pause(session, case)
    step = workflow.pause(
        case.nomor, case.status, paused_since=running.mulai if running else None, alasan=t["alasan"]
    )
    at = _moment(session, case, pada, now)
    session.add(Pause(kasus_id=case.id, mulai=at, alasan=t["alasan"]))
    session.flush()
    return _apply(session, case, step, now=now, at=at, petugas=petugas)


def resume_case(
    session: Session, nomor: str, *, now: datetime, petugas: str, pada: Pada = None
) -> Handled:
    """``lanjut``: restart the clock of a paused case from ``pada`` (default ``now``)."""
    petugas, _ = _clean(petugas)
    case = get_case(session, nomor)
    running = _running_pause(session, case)
    step = workflow.resume(case.nomor, case.status, paused_since=running.mulai if running else None)
    at = _moment(session, case, pada, now)
    running.selesai = at
    session.add(running)
    session.flush()
    return _apply(session, case, step, now=now, at=at, petugas=petugas)


# ------------------------------------------------------------------- mistakes mended


def reopen_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    alasan: str | None,
    pada: Pada = None,
) -> Handled:
    """``buka``: the reporter disputes the answer of a closed case; it goes back to its unit
    (or to the desk), with the unit's follow-up stage as its deadline from the reopening."""
    petugas, t = _clean(petugas, alasan=alasan)
    return _handle(
        session,
        nomor,
        lambda case, _book, at: workflow.reopen(
            case.nomor, case.status, unit=case.unit, alasan=t["alasan"], now=at
        ),
        now=now,
        petugas=petugas,
        pada=pada,
    )


def void_case(
    session: Session,
    nomor: str,
    *,
    now: datetime,
    petugas: str,
    alasan: str | None,
    pada: Pada = None,
) -> Handled:
    """``batal``: a case recorded by mistake leaves every figure; number and history stay."""
    petugas, t = _clean(petugas, alasan=alasan)

    def decide(case: Case, _book: Deadlines, _at: datetime) -> Step:
        linked = [c.nomor for c in linked_cases(session, case)]
        return workflow.void(case.nomor, case.status, alasan=t["alasan"], linked=linked)

    return _handle(session, nomor, decide, now=now, petugas=petugas, pada=pada)


def merge_case(
    session: Session,
    nomor: str,
    *,
    ke: str,
    now: datetime,
    petugas: str,
    alasan: str | None,
    pada: Pada = None,
) -> Handled:
    """``gabung``: the duplicate ``nomor`` joins its main case ``ke`` (any desk's)."""
    petugas, t = _clean(petugas, alasan=alasan)
    main = get_case(session, ke)

    def decide(case: Case, _book: Deadlines, _at: datetime) -> Step:
        return workflow.merge(
            case.nomor,
            case.status,
            kanal=case.kanal,
            utama=main.nomor,
            utama_status=main.status,
            utama_digabung_ke=main.digabung_ke,
            linked=[c.nomor for c in linked_cases(session, case)],
            alasan=t["alasan"],
        )

    return _handle(session, nomor, decide, now=now, petugas=petugas, pada=pada)
