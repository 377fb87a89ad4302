"""The checks of a register's content that ``lapor periksa`` runs (:func:`check_register`),
and the report they fill: the history chain and an anchor, each case's state, status and
pauses, the numbers and their gaps, the holidays cache. Each check fails on its own; what
cannot be read is reported, never raised (:class:`Reader`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from lapor_cli import case_state
from lapor_cli import history as chain
from lapor_cli.sqlite_text import DamagedText, is_decode_error


@dataclass
class Report:
    """What ``periksa`` found: each check with its result; ``problems`` empty means sound."""

    schema: str | None = None
    cases: int = 0
    entries: int = 0
    checks: list[tuple[str, bool, str]] = field(default_factory=list)
    #: The chain's anchor now (entries, newest hash); None while the chain does not verify.
    anchor: chain.Anchor | None = None

    @property
    def problems(self) -> list[str]:
        return [f"{name}: {detail}" for name, ok, detail in self.checks if not ok]

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append((name, ok, detail))


class Reader:
    """A connection's plain ``run(sql)``, and checks run so that a part of the register that
    cannot be read fails that check only (text that is not UTF-8 is read again, marked)."""

    def __init__(self, run, *, errors: tuple[type[BaseException], ...], tolerate) -> None:
        self.run = run
        self.errors = errors
        self.tolerate = tolerate

    def section(self, report: Report, name: str, work):
        """``work()``'s result; None once its failure to read is reported as ``name``."""
        try:
            return work()
        except self.errors as exc:
            if not (is_decode_error(exc) and self.tolerate is not None):
                report.add(name, False, unreadable(exc))
                return None
        self.tolerate()
        self.tolerate = None
        try:
            return work()
        except self.errors as exc:
            report.add(name, False, unreadable(exc))
            return None

    def columns(self, table: str) -> set[str]:
        result = self.run(f"SELECT * FROM {table} WHERE 1 = 0")
        if hasattr(result, "keys"):
            return set(result.keys())
        return {d[0] for d in result.description}


def unreadable(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    if is_decode_error(orig):
        return "teks bukan UTF-8 yang sah"
    text = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return f"tidak dapat dibaca ({text})"


def listed(items: list[str], limit: int = 10) -> str:
    more = f" dan {len(items) - limit} lagi" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def check_register(
    reader: Reader,
    tables,
    report: Report,
    known_revisions,
    differs: str,
    anchor: chain.Anchor | None,
) -> None:
    """The checks every register gets, each on its own (see ``Reader.section``)."""
    run = reader.run
    if "alembic_version" not in tables:
        report.add("versi skema", False, "bukan register lapor-cli")
        return

    def schema() -> None:
        report.schema = run("SELECT version_num FROM alembic_version").fetchone()[0]
        known = report.schema in known_revisions
        detail = (
            report.schema
            if known
            else (f"{report.schema} tidak dikenal (dibuat versi lapor-cli yang lebih baru?)")
        )
        report.add("versi skema", known, detail)

    def counts() -> None:
        report.cases = run("SELECT count(*) FROM kasus").fetchone()[0]
        report.entries = run("SELECT count(*) FROM riwayat").fetchone()[0]

    reader.section(report, "versi skema", schema)
    reader.section(report, "jumlah baris", counts)
    verified = reader.section(report, "rantai riwayat", lambda: _verify_history(reader, anchor))
    if verified is not None:
        breaks = verified.breaks
        detail = (
            "ok"
            if not breaks
            else "; ".join(f"entri {b.entry_id} ({b.nomor}): {b.reason}" for b in breaks[:5])
            + (f"; dan {len(breaks) - 5} lagi" if len(breaks) > 5 else "")
        )
        if not breaks and verified.stateless:
            detail += f" ({verified.stateless} entri lama tanpa sidik keadaan kasus)"
        report.add("rantai riwayat", not breaks, detail)
        if not breaks:
            report.anchor = chain.Anchor(verified.count, verified.newest)
    if anchor is not None:
        _check_anchor(report, anchor, verified)
    reader.section(report, "keadaan kasus", lambda: _check_states(reader, report))

    def statuses() -> None:
        # Set-based (one pass over each table), not a subquery per case: a server without
        # fresh statistics (right after `pindah`) planned that one as a scan of riwayat per
        # case.
        mismatched = run(
            f"""SELECT k.nomor FROM kasus k
                LEFT JOIN (SELECT kasus_id, max(id) AS terakhir FROM riwayat
                           WHERE ke_status IS NOT NULL GROUP BY kasus_id) t ON t.kasus_id = k.id
                LEFT JOIN riwayat r ON r.id = t.terakhir
                WHERE k.status {differs} r.ke_status
                ORDER BY k.id"""
        ).fetchall()
        report.add(
            "status = riwayat terakhir",
            not mismatched,
            "ok" if not mismatched else ", ".join(r[0] for r in mismatched[:10]),
        )

    def counters() -> None:
        behind = run(
            """SELECT k.prefiks, k.tahun FROM kasus k
               LEFT JOIN nomor_urut n ON n.prefiks = k.prefiks AND n.tahun = k.tahun
               GROUP BY k.prefiks, k.tahun
               HAVING max(k.urut) > coalesce(max(n.terakhir), 0)"""
        ).fetchall()
        report.add(
            "nomor urut",
            not behind,
            "ok" if not behind else ", ".join(f"{p}-{y}" for p, y in behind),
        )

    def desks() -> None:
        strays = run(
            """SELECT k.nomor FROM kasus k LEFT JOIN meja m ON m.kode = k.meja
               WHERE m.prefiks IS NULL OR m.prefiks <> k.prefiks ORDER BY k.id"""
        ).fetchall()
        report.add(
            "meja kasus",
            not strays,
            "ok"
            if not strays
            else "awalan nomor tidak sesuai mejanya: " + ", ".join(r[0] for r in strays[:10]),
        )

    reader.section(report, "status = riwayat terakhir", statuses)
    if "jeda" in tables:  # from schema 0002 on
        reader.section(report, "jeda = riwayat tunda/lanjut", lambda: _check_pauses(run, report))
    reader.section(report, "nomor urut", counters)
    reader.section(report, "celah nomor", lambda: _check_gaps(run, report))
    if "meja" in tables:  # from schema 0005 on
        reader.section(report, "meja kasus", desks)
    if "kalender_paket" in tables:  # from schema 0003 on
        reader.section(report, "tembolok hari libur", lambda: _check_holiday_cache(run, report))
    if "lampiran" in tables:  # from schema 0011 on
        from lapor_cli.attachment_files import check_attachments

        reader.section(report, "lampiran", lambda: check_attachments(run, report))


@dataclass
class _Verified:
    breaks: list[chain.ChainBreak]
    count: int  # entries in the chain
    newest: str  # the newest entry's hash (GENESIS for none)
    at_anchor: str | None  # the hash of entry number anchor.count
    stateless: int  # entries from before the state digest


def _verify_history(reader: Reader, anchor: chain.Anchor | None) -> _Verified:
    """The whole chain in written order, against the stored head; counts the entries and
    notes the hash of the anchor's entry on the way (one pass, streamed)."""
    run = reader.run
    head_row = run("SELECT nilai FROM pengaturan WHERE kunci = 'rantai'").fetchone()
    head = head_row[0] if head_row else chain.GENESIS
    entry_columns = reader.columns("riwayat")
    stated = "keadaan" in entry_columns
    typed = "dicatat" in entry_columns  # from schema 0007 on
    rows = run(
        f"""SELECT r.id, k.nomor, r.waktu, r.oleh, r.aksi, r.dari_status, r.ke_status,
                   r.catatan, r.data, r.hash_sebelum, r.hash,
                   {"r.keadaan" if stated else "NULL"}, {"r.dicatat" if typed else "NULL"}
            FROM riwayat r LEFT JOIN kasus k ON k.id = r.kasus_id ORDER BY r.id"""
    )
    seen = _Verified([], 0, chain.GENESIS, None, 0)
    wanted = anchor.count if anchor is not None else -1

    def entries():
        for r in rows:
            seen.count += 1
            seen.newest = r[10]
            if seen.count == wanted:
                seen.at_anchor = r[10]
            if r[11] is None:
                seen.stateless += 1
            yield _entry(r)

    seen.breaks = chain.verify_chain(entries(), head, _blanked(run))
    return seen


def _erasure_keys(run) -> set[str]:
    """Whether any erasure entry blanked earlier entries (a cheap look first)."""
    found = run("SELECT count(*) FROM riwayat WHERE aksi = 'anonimkan'").fetchone()
    return {"disamarkan"} if found and found[0] else set()


def _blanked(run) -> dict[int, tuple[str, str]]:
    """Entry id → (hash of its blanked content, case number), as the erasure entries name
    them (``history.verify_chain``); only entries older than the erasure that names them."""
    rows = run(
        """SELECT r.id, k.nomor, r.data FROM riwayat r LEFT JOIN kasus k ON k.id = r.kasus_id
           WHERE r.aksi = 'anonimkan' ORDER BY r.id"""
    ).fetchall()
    blanked: dict[int, tuple[str, str]] = {}
    for erasure_id, nomor, data in rows:
        try:
            data = json.loads(data) if isinstance(data, str | bytes) else data
            named = (data or {}).get("disamarkan") or {}
            for key, digest in named.items():
                if int(key) < erasure_id and isinstance(digest, str):
                    blanked[int(key)] = (digest, nomor)
        except (ValueError, TypeError, AttributeError):
            continue  # a damaged erasure entry fails its own hash
    return blanked


def _entry(r) -> dict[str, object]:
    """A row of ``_verify_history``'s query as ``verify_chain`` wants it; what cannot be read
    back (a case that is gone, text that is not UTF-8, a time that is no time, JSON that is no
    JSON) is named in ``rusak``, and the entry verifies as damaged."""
    entry = {
        "id": r[0],
        "nomor": r[1] if r[1] is not None else "-",
        "waktu": r[2],
        "oleh": r[3],
        "aksi": r[4],
        "dari_status": r[5],
        "ke_status": r[6],
        "catatan": r[7],
        "data": r[8],
        "hash_sebelum": r[9],
        "hash": r[10],
        "keadaan": r[11],
        "dicatat": r[12],
    }
    damage = []
    if r[1] is None:
        damage.append("kasusnya tidak ada lagi")
    bad_text = [k for k, v in entry.items() if isinstance(v, DamagedText | bytes)]
    if bad_text:
        damage.append(f"teks rusak (bukan UTF-8 yang sah) di {', '.join(bad_text)}")
    else:
        try:  # SQLite gives text, a server its own types
            if isinstance(entry["waktu"], str):
                entry["waktu"] = datetime.fromisoformat(entry["waktu"])
            if isinstance(entry["dicatat"], str):
                entry["dicatat"] = datetime.fromisoformat(entry["dicatat"])
        except ValueError:
            damage.append("waktu tak terbaca")
        try:
            if isinstance(entry["data"], str):
                entry["data"] = json.loads(entry["data"])
        except ValueError:
            damage.append("data tak terbaca")
    if damage:
        entry["rusak"] = "; ".join(damage)
    return entry


def _check_anchor(report: Report, anchor: chain.Anchor, verified: _Verified | None) -> None:
    name = f"jangkar {anchor.count}-{anchor.hash[: chain.ANCHOR_DIGITS]}"
    if verified is None or verified.breaks:
        report.add(name, False, "rantai riwayat rusak; register tidak terbukti melanjutkannya")
        return
    problem = chain.anchor_problem(anchor, verified.count, verified.at_anchor)
    if problem is not None:
        report.add(name, False, problem)
        return
    after = verified.count - anchor.count
    report.add(name, True, f"register melanjutkannya ({after} entri sesudahnya)")


def _check_states(reader: Reader, report: Report) -> None:
    """Each case's row as it stands now against the state its newest entry committed to."""
    if "keadaan" not in reader.columns("riwayat") or "garam" not in reader.columns("kasus"):
        report.add("keadaan kasus", True, "skema lama: entri belum memuat keadaan kasus")
        return
    version_columns = {c for cols in case_state.STATE_COLUMNS.values() for c in cols}
    columns = sorted(
        ((version_columns - {"identitas"}) | set(case_state.IDENTITY_COLUMNS) | {"garam"})
        & reader.columns("kasus")  # a register not yet migrated has fewer
    )
    digest = case_state.row_digester(columns)
    at_nomor, tolerant = columns.index("nomor"), reader.tolerate is None
    rows = reader.run(
        f"""SELECT {", ".join(f"k.{c}" for c in columns)}, r.keadaan
            FROM kasus k
            JOIN (SELECT kasus_id, max(id) AS terakhir FROM riwayat GROUP BY kasus_id) t
              ON t.kasus_id = k.id
            JOIN riwayat r ON r.id = t.terakhir
            ORDER BY k.id"""
    )
    changed: list[str] = []
    damaged: list[str] = []
    checked = 0
    for r in rows:
        keadaan = r[-1]
        if tolerant and any(isinstance(v, DamagedText) for v in r):
            damaged.append(str(r[at_nomor]))
            continue
        if keadaan is None:
            continue  # its newest entry is from before the state digest
        checked += 1
        version = case_state.state_version(str(keadaan))
        try:
            same = version is not None and digest(r, version) == keadaan
        except (TypeError, ValueError):  # bytes, or a time/JSON that is no longer one
            damaged.append(str(r[at_nomor]))
            continue
        if not same:
            changed.append(str(r[at_nomor]))
    problems = []
    if changed:
        problems.append(f"diubah di luar riwayat: {listed(changed)}")
    if damaged:
        problems.append(f"isi tak terbaca (rusak): {listed(damaged)}")
    report.add(
        "keadaan kasus",
        not problems,
        "; ".join(problems) if problems else f"ok ({checked} kasus dibandingkan)",
    )


_PAUSED = "Ditunda: "  # the catatan of a `tunda` entry, before its reason


def _check_pauses(run, report: Report) -> None:
    """The pauses (``jeda``) move deadlines and are not in the case row: each must be what
    the case's ``tunda`` and ``lanjut`` entries (in the chain) say — it began at a ``tunda``
    with its reason, and ended at the ``lanjut`` after it, if any."""

    def moment(value) -> str | None:
        if value is None:
            return None
        return (value if isinstance(value, datetime) else datetime.fromisoformat(value)).isoformat()

    told: list[tuple] = []
    running: dict[object, int] = {}
    steps = run(
        """SELECT r.kasus_id, r.aksi, r.waktu, r.catatan FROM riwayat r
           WHERE r.aksi IN ('tunda', 'lanjut') ORDER BY r.id"""
    )
    for kasus_id, aksi, waktu, catatan in steps:
        if aksi == "tunda":
            reason = catatan[len(_PAUSED) :] if (catatan or "").startswith(_PAUSED) else catatan
            running[kasus_id] = len(told)
            told.append((kasus_id, moment(waktu), None, reason))
        elif kasus_id in running:
            i = running.pop(kasus_id)
            told[i] = (*told[i][:2], moment(waktu), told[i][3])
    stored = [
        (kasus_id, moment(mulai), moment(selesai), alasan)
        for kasus_id, mulai, selesai, alasan in run(
            "SELECT kasus_id, mulai, selesai, alasan FROM jeda ORDER BY id"
        )
    ]
    if sorted(stored, key=_pause_key) == sorted(told, key=_pause_key):
        report.add("jeda = riwayat tunda/lanjut", True, "ok")
        return
    cases = sorted({p[0] for p in set(stored) ^ set(told)}, key=str)
    report.add(
        "jeda = riwayat tunda/lanjut",
        False,
        f"jeda tidak sesuai riwayatnya: {listed(_numbers(run, cases))}",
    )


def _pause_key(pause: tuple) -> tuple[str, ...]:
    return tuple("" if value is None else str(value) for value in pause)


def _numbers(run, ids: list) -> list[str]:
    """The case numbers of case ids (an id with no case stays as ``#id``)."""
    wanted = set(ids)
    found = {r[0]: r[1] for r in run("SELECT id, nomor FROM kasus") if r[0] in wanted}
    return [str(found.get(i, f"#{i}")) for i in ids]


def _check_holiday_cache(run, report: Report) -> None:
    """The holidays cache (``kalender_paket``) decides deadlines: each year stored by the
    installed ``holidays`` version (the only ones used) must be what that version gives."""
    from lapor_cli.deadlines import stored_days
    from lapor_cli.holiday_calendar import holidays_version, package_days

    version = holidays_version()
    differing: list[str] = []
    for tahun, versi, hari in run("SELECT tahun, versi, hari FROM kalender_paket ORDER BY tahun"):
        if versi != version:
            continue  # not used: recomputed, and stored again by the next writing command
        try:
            days = json.loads(hari) if isinstance(hari, str) else hari
        except ValueError:
            days = None
        if days != stored_days(package_days(int(tahun))):
            differing.append(str(tahun))
    report.add(
        "tembolok hari libur",
        not differing,
        "ok"
        if not differing
        else f"tahun {', '.join(differing)} berbeda dari paket holidays {version}",
    )


def _check_gaps(run, report: Report) -> None:
    """Numbers the counter gave (per prefix per year) that no case has."""
    short = """SELECT n.prefiks, n.tahun, n.terakhir FROM nomor_urut n
               LEFT JOIN kasus k ON k.prefiks = n.prefiks AND k.tahun = n.tahun
                                AND k.urut BETWEEN 1 AND n.terakhir
               GROUP BY n.prefiks, n.tahun, n.terakhir
               HAVING count(k.id) < n.terakhir"""
    groups = {(p, int(y)): int(last) for p, y, last in run(short).fetchall()}
    if not groups:
        report.add("celah nomor", True, "ok")
        return
    from lapor_cli.numbering import format_number

    present: dict[tuple[str, int], list[int]] = {key: [] for key in groups}
    rows = run(
        f"""SELECT k.prefiks, k.tahun, k.urut FROM kasus k
            JOIN ({short}) g ON g.prefiks = k.prefiks AND g.tahun = k.tahun
            WHERE k.urut BETWEEN 1 AND g.terakhir
            ORDER BY k.prefiks, k.tahun, k.urut"""
    )
    for prefiks, tahun, urut in rows:
        present[prefiks, int(tahun)].append(int(urut))
    missing = 0
    shown: list[str] = []
    for (prefiks, tahun), last in sorted(groups.items()):
        start = 1
        for urut in [*present[prefiks, tahun], last + 1]:
            if urut > start:  # start … urut - 1 were given to no case
                missing += urut - start
                first = format_number(prefiks, tahun, start)
                end = format_number(prefiks, tahun, urut - 1)
                shown.append(first if urut - 1 == start else f"{first} s.d. {end}")
            start = max(start, urut + 1)
    report.add(
        "celah nomor", False, f"{missing} nomor sudah diberikan tanpa kasus: {listed(shown, 5)}"
    )
