"""The SP4N-LAPOR! handling SOP as plain functions: statuses, what is allowed when, and what
each command records.

Each step function takes the case's current state and the officer's input, refuses with a
``StatusError`` or ``ValidationError`` when it does not fit, and otherwise returns a ``Step``:
the columns to change and the history entry to append. Nothing here touches a database.

    diterima ─verifikasi─▶ terverifikasi ─distribusi─▶ didisposisikan ─tindaklanjut─▶
             └──────────▶ diarsipkan     └──────────▶ dijawab           ditindaklanjuti
                                                         └────tutup────▶ selesai ◀──┘

Beside the arrows, steps that keep the status: ``tunda``/``lanjut`` stop and restart the
deadline clock of an open case (:func:`pause`, :func:`resume`), ``perpanjang`` grants the one
extension (:func:`extend`), ``laporbalik`` and ``nilai`` follow a closed case.

After the fact (mistakes mended):

    selesai ─buka─▶ didisposisikan (it had a unit) | terverifikasi (it was answered normatively)
    any status but the two below ─batal─▶ dibatalkan      (recorded by mistake; final)
    an open status ─gabung─▶ digabung                      (a duplicate of another case; final)

A reopened case goes back to whoever answered it: to its unit (``didisposisikan``), or, when
it was answered normatively, to the desk (``terverifikasi``), which forwards it to a unit or
answers it anew with ``distribusi``. ``dibatalkan`` and ``digabung`` leave every figure
(:data:`VOID_STATUSES`); a merged duplicate's reporter is told what its main case is told, so
``laporbalik`` on it waits for the main case to close. ``ubah`` (corrections of the intake
fields) keeps the status and lives in :mod:`lapor_cli.correcting`.

Every step that records something that happened takes the moment it happened (``--pada``,
:func:`step_moment`): never in the future, never before the case's previous step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from lapor_cli.errors import StatusError, ValidationError


class Status(StrEnum):
    DITERIMA = "diterima"
    TERVERIFIKASI = "terverifikasi"
    DIARSIPKAN = "diarsipkan"
    DIDISPOSISIKAN = "didisposisikan"
    DIJAWAB = "dijawab"
    DITINDAKLANJUTI = "ditindaklanjuti"
    SELESAI = "selesai"
    DIBATALKAN = "dibatalkan"
    DIGABUNG = "digabung"


#: Statuses in which a case still needs the desk (it has a running deadline).
OPEN_STATUSES = (
    Status.DITERIMA,
    Status.TERVERIFIKASI,
    Status.DIDISPOSISIKAN,
    Status.DIJAWAB,
    Status.DITINDAKLANJUTI,
)
#: The open statuses as SQL: the partial index of open cases (``ix_kasus_terbuka``) and the
#: scan that uses it must say it in the same words for SQLite to match them.
OPEN_SQL = "status IN (" + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")"
#: Statuses in which handling is over.
CLOSED_STATUSES = (Status.DIARSIPKAN, Status.SELESAI)
#: Final statuses of a case that is not a complaint of its own: recorded by mistake
#: (``batal``) or a duplicate of another case (``gabung``). Out of ``sla``, ``rekap`` and every
#: monev figure; still listed by ``daftar --status``.
VOID_STATUSES = (Status.DIBATALKAN, Status.DIGABUNG)
#: Every status a complaint that counts can have.
COUNTED_STATUSES = OPEN_STATUSES + CLOSED_STATUSES

#: The command that moves a case on from each status: the hint in a refusal.
NEXT_COMMAND = {
    Status.DITERIMA: "verifikasi",
    Status.TERVERIFIKASI: "distribusi",
    Status.DIDISPOSISIKAN: "tindaklanjut",
    Status.DIJAWAB: "tutup",
    Status.DITINDAKLANJUTI: "tindaklanjut atau tutup",
    Status.SELESAI: "nilai",
}

#: Which statuses each command accepts.
ALLOWED_FROM: dict[str, tuple[Status, ...]] = {
    "verifikasi": (Status.DITERIMA,),
    "distribusi": (Status.TERVERIFIKASI,),
    "tindaklanjut": (Status.DIDISPOSISIKAN, Status.DITINDAKLANJUTI),
    "tutup": (Status.DIJAWAB, Status.DITINDAKLANJUTI),
    "nilai": (Status.SELESAI,),
    "laporbalik": (Status.SELESAI, Status.DIARSIPKAN, Status.DIGABUNG),
    "buka": (Status.SELESAI,),
    "batal": COUNTED_STATUSES,
    "gabung": OPEN_STATUSES,
}

#: The history actions that record something that happened to the case (they take
#: ``--pada``): a later step may not have happened before the latest of them.
HAPPENED = frozenset(
    (
        "verifikasi",
        "distribusi",
        "tindaklanjut",
        "tutup",
        "laporbalik",
        "nilai",
        "tunda",
        "lanjut",
        "perpanjang",
        "buka",
        "batal",
        "gabung",
    )
)

#: Labels of the history actions, for the timeline in ``lihat``.
ACTION_LABEL = {
    "catat": "Dicatat",
    "verifikasi": "Diverifikasi",
    "distribusi": "Didistribusikan",
    "tindaklanjut": "Ditindaklanjuti",
    "tutup": "Ditutup",
    "nilai": "Dinilai pelapor",
    "laporbalik": "Dilaporkan balik ke SP4N-LAPOR!",
    "lihat-lengkap": "Identitas dibuka",
    "tunda": "Jam ditunda",
    "lanjut": "Jam dilanjutkan",
    "perpanjang": "Batas waktu diperpanjang",
    "ubah": "Dikoreksi",
    "batal": "Dibatalkan",
    "gabung": "Digabung",
    "buka": "Dibuka kembali",
    "batasi": "Pemrosesan identitas dibatasi",
    "lepas": "Pembatasan dilepas",
    "anonimkan": "Identitas dihapus",
    "pengecualian": "Permintaan data pribadi dikecualikan",
    "lampiran": "Lampiran ditambahkan",
    "lampiran-ambil": "Lampiran diambil",
    "lampiran-hapus": "Lampiran dihapus",
    "tanda-terima": "Tanda terima dicetak",
    "surat": "Surat dibuat",
}


@dataclass(frozen=True)
class Step:
    """What one command does to a case: column changes plus one history entry."""

    aksi: str
    dari: Status
    ke: Status
    changes: dict[str, object] = field(default_factory=dict)
    catatan: str | None = None
    data: dict[str, object] = field(default_factory=dict)


def require_status(command: str, nomor: str, status: str) -> Status:
    """Refuse a command that does not fit the case's status, saying what would."""
    current = Status(status)
    allowed = ALLOWED_FROM[command]
    if current in allowed:
        return current
    raise StatusError(
        f"Kasus {nomor} berstatus '{current}'; `{command}` hanya untuk kasus "
        f"{_statuses(allowed)}.{_next_hint(current)}"
    )


def _statuses(allowed: tuple[Status, ...]) -> str:
    if allowed == COUNTED_STATUSES:
        return "yang belum dibatalkan atau digabung"
    if allowed == OPEN_STATUSES:
        return "yang masih terbuka"
    return " atau ".join(f"'{s}'" for s in allowed)


def _next_hint(current: Status) -> str:
    if current in VOID_STATUSES:
        return f" Status '{current}' final: kasus ini tidak diproses lagi."
    hint = NEXT_COMMAND.get(current)
    return f" Langkah berikutnya: `lapor {hint}`." if hint else " Kasus ini sudah selesai."


def refuse_void(command: str, nomor: str, status: str) -> None:
    """Refuse a command on a case that is voided or merged (final, out of every figure)."""
    current = Status(status)
    if current in VOID_STATUSES:
        raise StatusError(
            f"Kasus {nomor} berstatus '{current}'; `{command}` tidak berlaku lagi untuknya."
            + _next_hint(current)
        )


#: ``--pada`` given as a bare date (no time of day).
_BARE_DATE = re.compile(r"\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})\s*")


def step_moment(
    pada: str | datetime | None,
    *,
    now: datetime,
    after: datetime,
    after_what: str,
    nomor: str,
) -> datetime:
    """When a step really happened: ``--pada`` as typed (``now`` when not given).

    A bare date means the end of that day (the time is not known; a deadline is the end of a
    day, so a step on its last day is on time), or ``now`` when that day is today. Refused:
    a moment in the future, or one before ``after`` (the case's previous step, ``after_what``,
    or its receipt): a register that says a case was closed before it was followed up is not
    an official record. A step typed as it happens (no ``--pada``) is never refused here."""
    if pada is None:
        return now
    from lapor_cli.validation import parse_datetime

    moment = parse_datetime("pada", pada)
    if isinstance(pada, str) and _BARE_DATE.fullmatch(pada):
        moment = (
            now if moment.date() == now.date() else moment.replace(hour=23, minute=59, second=59)
        )
    if moment > now:
        raise ValidationError(
            "pada",
            f"--pada {moment:%d/%m/%Y %H:%M} ada di masa depan (sekarang {now:%d/%m/%Y %H:%M}): "
            "catat langkah yang sudah terjadi.",
        )
    if moment < after:
        raise ValidationError(
            "pada",
            f"--pada {moment:%d/%m/%Y %H:%M} sebelum {after_what} kasus {nomor} "
            f"({after:%d/%m/%Y %H:%M}); langkah tidak dapat terjadi sebelum langkah "
            "sebelumnya. Periksa tanggalnya.",
        )
    return moment


def _required(field_name: str, value: str | None, message: str) -> str:
    if value is None or not value.strip():
        raise ValidationError(field_name, message)
    return value.strip()


def verify(
    nomor: str,
    status: str,
    *,
    now: datetime,
    kategori: str,
    kewenangan: bool,
    alasan: str | None = None,
    dirujuk_ke: str | None = None,
    nomor_surat: str | None = None,
    catatan: str | None = None,
    tepat_waktu: bool | None = None,
    kanal: str | None = None,
    jenis: str | None = None,
    klasifikasi: str | None = None,
) -> Step:
    """SOP step 3: categorise; in authority → terverifikasi, otherwise archived with a reason.

    An archived case is done: it records when it was closed and whether that was on time.
    ``klasifikasi`` (berkadar pengawasan or not, PermenPAN-RB 62/2018) is an aduan's only.
    """
    current = require_status("verifikasi", nomor, status)
    if klasifikasi is not None and jenis != "aduan":
        raise ValidationError(
            "klasifikasi",
            f"--klasifikasi hanya untuk aduan; kasus {nomor} berjenis {jenis}. "
            "Verifikasi tanpa --klasifikasi.",
        )
    step = _verify(
        current,
        now=now,
        kategori=kategori,
        kewenangan=kewenangan,
        alasan=alasan,
        dirujuk_ke=dirujuk_ke,
        nomor_surat=nomor_surat,
        catatan=catatan,
        tepat_waktu=tepat_waktu,
        kanal=kanal,
        klasifikasi=klasifikasi,
    )
    if klasifikasi is not None:
        step.changes["klasifikasi"] = klasifikasi
        step.data["klasifikasi"] = klasifikasi
    return step


def _verify(
    current: Status,
    *,
    now: datetime,
    kategori: str,
    kewenangan: bool,
    alasan: str | None,
    dirujuk_ke: str | None,
    nomor_surat: str | None,
    catatan: str | None,
    tepat_waktu: bool | None,
    kanal: str | None,
    klasifikasi: str | None,
) -> Step:
    if kewenangan:
        if dirujuk_ke or nomor_surat:
            raise ValidationError(
                "dirujuk_ke", "--dirujuk-ke dan --nomor-surat hanya untuk --bukan-kewenangan."
            )
        kelas = f", {klasifikasi.replace('-', ' ')}" if klasifikasi else ""
        note = f"Kategori {kategori}{kelas}; kewenangan Dinas Sosial."
        if catatan or alasan:
            note += f" {(catatan or alasan).strip()}"
        return Step(
            "verifikasi",
            current,
            Status.TERVERIFIKASI,
            {"kategori": kategori, "kewenangan": True},
            note,
            {"kategori": kategori, "kewenangan": True},
        )
    reason = _required(
        "alasan",
        alasan,
        "--alasan wajib untuk kasus bukan kewenangan: tulis apa yang disampaikan ke pelapor.",
    )
    told = f"Pelapor diberi tahu: bukan kewenangan Dinas Sosial. {_sentence(reason)}"
    if dirujuk_ke:
        told += f" Dirujuk ke {dirujuk_ke}"
        told += f" dengan surat {nomor_surat}." if nomor_surat else "."
    data: dict[str, object] = {"kategori": kategori, "kewenangan": False, "alasan": reason}
    if dirujuk_ke:
        data["dirujuk_ke"] = dirujuk_ke
    if nomor_surat:
        data["nomor_surat"] = nomor_surat
    data["tepat_waktu"] = tepat_waktu
    changes: dict[str, object] = {
        "kategori": kategori,
        "kewenangan": False,
        "hasil": told,
        "ditutup": now,
        "tepat_waktu": tepat_waktu,
    }
    if kanal == "sp4n-lapor":  # the reporter must still be answered there (step 9)
        changes["dilaporkan_balik"] = False
    return Step("verifikasi", current, Status.DIARSIPKAN, changes, told, data)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def distribute(
    nomor: str,
    status: str,
    *,
    now: datetime,
    unit: str | None = None,
    tembusan: list[str] | None = None,
    jawaban_normatif: str | None = None,
    catatan: str | None = None,
) -> Step:
    """SOP step 4: forward to one unit (with copies), or answer normatively instead."""
    current = require_status("distribusi", nomor, status)
    copies = [c.strip() for c in (tembusan or []) if c and c.strip()]
    answer = jawaban_normatif.strip() if jawaban_normatif else None
    if unit and answer:
        raise ValidationError(
            "unit", "Pilih salah satu: --unit (diteruskan) atau --jawaban-normatif, bukan keduanya."
        )
    if answer:
        if copies:
            raise ValidationError(
                "tembusan", "--tembusan hanya untuk kasus yang diteruskan ke unit."
            )
        return Step(
            "distribusi",
            current,
            Status.DIJAWAB,
            {"jawaban_normatif": answer, "didistribusikan": now},
            answer,
            {"jawaban_normatif": answer, **({"catatan": catatan} if catatan else {})},
        )
    if not unit:
        raise ValidationError(
            "unit", "Sebutkan --unit penanggung jawab, atau beri --jawaban-normatif."
        )
    note = f"Diteruskan ke {unit}"
    if copies:
        note += f", tembusan: {', '.join(copies)}"
    if catatan:
        note += f". {catatan}"
    return Step(
        "distribusi",
        current,
        Status.DIDISPOSISIKAN,
        {"unit": unit, "tembusan": copies, "didistribusikan": now},
        note,
        {"unit": unit, "tembusan": copies},
    )


def follow_up(
    nomor: str,
    status: str,
    *,
    now: datetime,
    catatan: str | None,
    oleh: str | None = None,
    tugaskan: str | None = None,
) -> Step:
    """SOP steps 5–7: one follow-up entry by the unit, possibly assigning UPT or SDM Kesos."""
    current = require_status("tindaklanjut", nomor, status)
    note = _required("catatan", catatan, "--catatan wajib: tulis tindak lanjut yang dilakukan.")
    data: dict[str, object] = {}
    if oleh:
        data["oleh"] = oleh.strip()
    if tugaskan:
        data["ditugaskan"] = tugaskan.strip()
    return Step(
        "tindaklanjut",
        current,
        Status.DITINDAKLANJUTI,
        {"tindaklanjut_terakhir": now},
        note,
        data,
    )


def close(
    nomor: str,
    status: str,
    *,
    kanal: str,
    now: datetime,
    hasil: str | None,
    tepat_waktu: bool | None,
    dilaporkan_balik: bool | None = None,
) -> Step:
    """SOP step 8: the handling report is checked and the case closed with its result.

    A case from SP4N-LAPOR! also records whether its status was reported back there (step 9);
    one that was not stays findable (``daftar --belum-dilaporkan``).
    """
    current = require_status("tutup", nomor, status)
    result = _required("hasil", hasil, "--hasil wajib: tulis hasil penanganan kasus.")
    changes: dict[str, object] = {"hasil": result, "ditutup": now, "tepat_waktu": tepat_waktu}
    data: dict[str, object] = {"tepat_waktu": tepat_waktu}
    if kanal == "sp4n-lapor":
        changes["dilaporkan_balik"] = bool(dilaporkan_balik)
        data["dilaporkan_balik"] = bool(dilaporkan_balik)
    elif dilaporkan_balik:
        raise ValidationError("dilaporkan", "--dilaporkan hanya untuk kasus dari kanal sp4n-lapor.")
    return Step("tutup", current, Status.SELESAI, changes, result, data)


def report_back(
    nomor: str,
    status: str,
    *,
    kanal: str,
    dilaporkan_balik: bool | None,
    utama: str | None = None,
    utama_closed: bool = False,
) -> Step:
    """SOP step 9 after the fact: the status was reported back on SP4N-LAPOR!. A merged
    duplicate's reporter is told its main case's (``utama``) result: once that is closed."""
    current = require_status("laporbalik", nomor, status)
    if kanal != "sp4n-lapor":
        raise ValidationError(
            "kanal", f"Kasus {nomor} bukan dari kanal sp4n-lapor; tidak ada yang dilaporkan balik."
        )
    if dilaporkan_balik:
        raise StatusError(f"Kasus {nomor} sudah dilaporkan balik ke SP4N-LAPOR!.")
    if current == Status.DIGABUNG and not utama_closed:
        raise StatusError(
            f"Kasus {nomor} digabung ke {utama}, yang belum selesai; pelapornya diberi tahu "
            f"hasil kasus utama: laporkan balik setelah `lapor tutup {utama}`."
        )
    return Step(
        "laporbalik",
        current,
        current,
        {"dilaporkan_balik": True},
        "Status dilaporkan balik ke SP4N-LAPOR!.",
        {},
    )


def rate(
    nomor: str, status: str, *, current_score: int | None, skor: int, komentar: str | None
) -> Step:
    """SOP step 9: the reporter's rating 1–5, once, on a closed case."""
    current = require_status("nilai", nomor, status)
    if current_score is not None:
        raise StatusError(f"Kasus {nomor} sudah dinilai ({current_score}); nilai tidak diubah.")
    if not 1 <= skor <= 5:
        raise ValidationError("skor", f"Skor harus 1 sampai 5 (diberikan {skor}).")
    data: dict[str, object] = {"skor": skor}
    comment = komentar.strip() if komentar and komentar.strip() else None
    if comment:
        data["komentar"] = comment
    return Step("nilai", current, current, {"skor": skor, "komentar": comment}, comment, data)


def extend(
    nomor: str,
    status: str,
    *,
    allowed_days: int,
    already: bool,
    alasan: str | None,
    overdue: bool,
) -> Step:
    """The one extension a case's rule may grant (UU 14/2008 art. 22(7): 7 working days for an
    information request), given while the case is open and its deadline has not passed, with
    the reason the applicant is told."""
    current = Status(status)
    if current not in OPEN_STATUSES:
        raise StatusError(f"Kasus {nomor} sudah {current}; batas waktunya tidak berjalan lagi.")
    if allowed_days <= 0:
        raise StatusError(
            f"Aturan batas waktu kasus {nomor} tidak mengenal perpanjangan (lihat `lapor profil`)."
        )
    if already:
        raise StatusError(f"Batas waktu kasus {nomor} sudah pernah diperpanjang; hanya sekali.")
    if overdue:
        raise StatusError(
            f"Batas waktu kasus {nomor} sudah lewat; perpanjangan harus diberikan sebelumnya."
        )
    reason = _required("alasan", alasan, "--alasan wajib: tulis mengapa perlu waktu lebih.")
    return Step(
        "perpanjang",
        current,
        current,
        {"diperpanjang": True},
        f"Diperpanjang {allowed_days} hari kerja: {reason}",
        {"hari_kerja": allowed_days},
    )


def pause(nomor: str, status: str, *, paused_since: datetime | None, alasan: str | None) -> Step:
    """Stop the deadline clock of an open case while the desk waits for the reporter
    (documents, a clarification); the caller records when the pause began."""
    current = _clock_running(nomor, status)
    if paused_since is not None:
        raise StatusError(f"Kasus {nomor} sudah ditunda sejak {paused_since:%d/%m/%Y}.")
    reason = _required("alasan", alasan, "--alasan wajib: tulis apa yang ditunggu dari pelapor.")
    return Step("tunda", current, current, {}, f"Ditunda: {reason}", {})


def resume(nomor: str, status: str, *, paused_since: datetime | None) -> Step:
    """Restart the deadline clock of a paused case; the caller records when the pause ended."""
    current = _clock_running(nomor, status)
    if paused_since is None:
        raise StatusError(f"Kasus {nomor} tidak sedang ditunda.")
    return Step(
        "lanjut",
        current,
        current,
        {},
        f"Dilanjutkan (ditunda sejak {paused_since:%d/%m/%Y %H:%M})",
        {},
    )


def _clock_running(nomor: str, status: str) -> Status:
    current = Status(status)
    if current not in OPEN_STATUSES:
        raise StatusError(f"Kasus {nomor} sudah {current}; jamnya tidak berjalan.")
    return current


# ------------------------------------------------------------------- mistakes mended


def reopen(nomor: str, status: str, *, unit: str | None, alasan: str | None, now: datetime) -> Step:
    """``buka``: the reporter disputes the answer of a closed case. It goes back to its unit
    (``didisposisikan``), or to the desk when it was answered normatively (``terverifikasi``:
    forward it or answer anew with ``distribusi``). The earlier closing stays in the history;
    the row forgets it (result, closing time, verdict, rating, report-back) so that the case
    is open again, and its deadline runs from ``now`` (``dibuka``)."""
    current = require_status("buka", nomor, status)
    reason = _required(
        "alasan", alasan, "--alasan wajib: tulis keberatan pelapor atas jawaban kasus ini."
    )
    target = Status.DIDISPOSISIKAN if unit else Status.TERVERIFIKASI
    back_to = f"kembali ke {unit}" if unit else "kembali ke meja pengaduan (jawaban normatif)"
    return Step(
        "buka",
        current,
        target,
        {
            "dibuka": now,
            "ditutup": None,
            "tepat_waktu": None,
            "hasil": None,
            "skor": None,
            "komentar": None,
            "dilaporkan_balik": None,
        },
        f"Dibuka kembali, {back_to}: {reason}",
        {"alasan": reason, **({"unit": unit} if unit else {})},
    )


def void(nomor: str, status: str, *, alasan: str | None, linked: list[str]) -> Step:
    """``batal``: a case recorded by mistake (a test entry, the same form typed twice by one
    desk) leaves every figure for good; its number and history stay. A case that duplicates
    were merged into is not voided: they would be counted nowhere."""
    current = require_status("batal", nomor, status)
    if linked:
        raise StatusError(
            f"Kasus {nomor} adalah kasus utama bagi {', '.join(linked)}; kasus utama tidak "
            "dibatalkan (aduan yang digabung ke sana tidak akan terhitung di mana pun)."
        )
    reason = _required("alasan", alasan, "--alasan wajib: tulis mengapa kasus ini salah catat.")
    return Step(
        "batal", current, Status.DIBATALKAN, {}, f"Dibatalkan: {reason}", {"alasan": reason}
    )


def merge(
    nomor: str,
    status: str,
    *,
    kanal: str,
    utama: str,
    utama_status: str,
    utama_digabung_ke: str | None,
    linked: list[str],
    alasan: str | None,
) -> Step:
    """``gabung``: the same complaint arrived twice. The duplicate (an open case) joins its
    main case ``utama``, which is counted once for both; its reporter is told what the main
    case is told (an SP4N-LAPOR! duplicate waits to be reported back once the main case is
    closed). No chains: the main case must be a case of its own, and the duplicate must not
    be a main case itself."""
    if utama == nomor:
        raise ValidationError("ke", f"Kasus {nomor} tidak dapat digabung ke dirinya sendiri.")
    current = require_status("gabung", nomor, status)
    main = Status(utama_status)
    if main == Status.DIGABUNG:
        raise StatusError(
            f"Kasus {utama} sendiri sudah digabung ke {utama_digabung_ke}; gabungkan ke "
            f"{utama_digabung_ke} (`lapor gabung {nomor} --ke {utama_digabung_ke}`)."
        )
    if main == Status.DIBATALKAN:
        raise StatusError(
            f"Kasus {utama} sudah dibatalkan (salah catat); pilih kasus utama yang lain."
        )
    if linked:
        raise StatusError(
            f"Kasus {nomor} sudah menjadi kasus utama bagi {', '.join(linked)}; gabungkan "
            f"{utama} ke {nomor} (`lapor gabung {utama} --ke {nomor}`), bukan sebaliknya."
        )
    reason = _required("alasan", alasan, "--alasan wajib: tulis mengapa kedua aduan sama.")
    changes: dict[str, object] = {"digabung_ke": utama}
    if kanal == "sp4n-lapor":  # its reporter is still to be answered there (step 9)
        changes["dilaporkan_balik"] = False
    return Step(
        "gabung",
        current,
        Status.DIGABUNG,
        changes,
        f"Digabung ke {utama}: {reason}",
        {"ke": utama, "alasan": reason},
    )
