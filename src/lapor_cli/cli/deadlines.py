"""Deadlines at the desk: sla, libur, profil, tunda, lanjut. Parse, call the core, render."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli.cli._app import (
    EveryDeskOpt,
    JsonOpt,
    LaporTyper,
    OfficerOpt,
    ReadDeskOpt,
    officer,
    opened,
    run_step,
)
from lapor_cli.console import console, emit_json, emit_json_list, message, tanggal
from lapor_cli.errors import NotFoundError, StatusError, ValidationError

#: Cases listed on a screen unless --batas says otherwise (the summary line counts them all).
SCREEN_ROWS = 50
FLAG_STYLE = {"terlambat": "bold red", "jatuh_tempo": "yellow", "aman": "green"}
FLAG_LABEL = {"terlambat": "terlambat", "jatuh_tempo": "jatuh tempo", "aman": "aman"}
SOURCE_LABEL = {"nasional": "libur nasional", "cuti_bersama": "cuti bersama", "kantor": "kantor"}


def register(app: typer.Typer) -> None:  # noqa: C901 - the commands of one family together
    @app.command(rich_help_panel="Batas waktu")
    def sla(
        nomor: Annotated[
            str | None, typer.Argument(help="Satu kasus saja (dengan --jelaskan).")
        ] = None,
        per: Annotated[
            str | None, typer.Option("--per", help="Hitung per tanggal ini (bawaan: sekarang).")
        ] = None,
        terlambat: Annotated[
            bool, typer.Option("--terlambat", help="Hanya yang terlambat.")
        ] = False,
        jelaskan: Annotated[
            bool, typer.Option("--jelaskan", help="Hitungan hari demi hari untuk satu kasus.")
        ] = False,
        batas: Annotated[
            int | None,
            typer.Option(
                help="Paling banyak N kasus, yang paling mendesak dulu (bawaan 50 di layar, "
                "semua untuk --json; 0 = semua)."
            ),
        ] = None,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Batas waktu kasus terbuka: sisa hari kerja dan tanda terlambat / segera / aman."""
        from lapor_cli.validation import parse_datetime

        if batas is not None and batas < 0:
            raise ValidationError("batas", "--batas tidak boleh negatif.")
        limit = batas if batas is not None else (None if json else SCREEN_ROWS)
        if jelaskan and not nomor:
            raise ValidationError("nomor", "--jelaskan perlu NOMOR kasus.")
        with opened(write=False) as ctx:
            as_of = parse_datetime("per", per) if per else ctx.now
            if per and len(per.strip()) <= 10:  # a bare date: as of the end of that day
                as_of = as_of.replace(hour=23, minute=59, second=59)
            if nomor:
                view = _one_case(ctx, nomor, as_of)
            else:
                from lapor_cli.deadlines import sla_report
                from lapor_cli.desks import desk_scope

                desk = desk_scope(ctx.session, meja, every=semua_meja)
                report = sla_report(
                    ctx.session,
                    as_of,
                    only_late=terlambat,
                    limit=limit or None,
                    meja=desk.kode if desk else None,
                )
        if nomor:
            if json:
                emit_json(view)
            else:
                _render_explanation(view)
            return
        if json:
            emit_json_list(line.as_json() for line in report.lines)
            return
        _render_sla(report, as_of)

    libur_app = LaporTyper(
        help="Hari libur: libur nasional, cuti bersama, dan hari libur kantor sendiri.",
        invoke_without_command=True,
    )
    app.add_typer(libur_app, name="libur", rich_help_panel="Batas waktu")

    @libur_app.callback()
    def libur(
        ctx: typer.Context,
        tahun: Annotated[int | None, typer.Option(help="Tahun (bawaan: tahun ini).")] = None,
        json: JsonOpt = False,
    ) -> None:
        """Daftar hari libur setahun dengan sumbernya (nasional, cuti bersama, kantor)."""
        if ctx.invoked_subcommand:
            return
        from lapor_cli.deadlines import Deadlines
        from lapor_cli.holiday_calendar import cuti_bersama_known_until

        with opened(write=False) as c:
            year = tahun or c.now.year
            if not 1950 <= year <= 2100:
                raise ValidationError("tahun", f"Tahun {year} di luar jangkauan (1950–2100).")
            book = Deadlines(c.session)
            book.ensure_years(year, year)
            profile = book.profile(c.settings["profil_sla"])
            days = [d for d in book.days(profile) if d.tanggal.year == year]
        known = cuti_bersama_known_until()
        rows = [
            {
                "tanggal": d.tanggal.isoformat(),
                "hari": tanggal(d.tanggal, with_day=True).split(",")[0],
                "keterangan": d.keterangan,
                "sumber": d.sumber,
                "perkiraan": d.perkiraan,
                "sk": d.sk,
            }
            for d in days
        ]
        if json:
            emit_json(rows)
            return
        from rich.table import Table

        table = Table(title=f"Hari libur {year}", title_justify="left", header_style="bold")
        for col in ("Tanggal", "Hari", "Keterangan", "Sumber"):
            table.add_column(col)
        for r, d in zip(rows, days, strict=True):
            note = r["keterangan"] + (" (perkiraan)" if r["perkiraan"] else "")
            source = SOURCE_LABEL[r["sumber"]] + (f", SK {r['sk']}" if r["sk"] else "")
            table.add_row(d.tanggal.strftime("%d/%m/%Y"), r["hari"], note, source)
        console.print(table)
        if year > known:
            message(
                f"[yellow]Cuti bersama {year} belum diketahui paket holidays "
                f"(dikenal s.d. {known}). "
                "Tambahkan dengan `lapor libur tambah` setelah SKB terbit.[/]"
            )

    @libur_app.command("tambah")
    def libur_tambah(
        tanggal_: Annotated[str, typer.Argument(metavar="TANGGAL", help="Tanggal libur.")],
        keterangan: Annotated[str, typer.Argument(help="Keterangan, mis. 'HUT Kota Kupang'.")],
        sk: Annotated[str | None, typer.Option(help="Nomor SK/surat edaran.")] = None,
        petugas: OfficerOpt = None,
    ) -> None:
        """Tambah hari libur kantor (hari jadi daerah, cuti bersama baru, kantor tutup)."""
        from lapor_cli.models import OfficeDay
        from lapor_cli.validation import clean_text, parse_date

        day = parse_date("tanggal", tanggal_)
        text = clean_text("keterangan", keterangan)
        if not text:
            raise ValidationError("keterangan", "Keterangan hari libur tidak boleh kosong.")
        with opened(write=True) as c:
            existing = c.session.get(OfficeDay, day)
            if existing is not None and existing.jenis == "libur":
                raise ValidationError(
                    "tanggal", f"{day:%d/%m/%Y} sudah libur kantor ({existing.keterangan})."
                )
            if existing is not None:
                c.session.delete(existing)
                c.session.flush()
            c.session.add(
                OfficeDay(
                    tanggal=day,
                    jenis="libur",
                    keterangan=text,
                    sk=sk,
                    dicatat=c.now,
                    oleh=officer(petugas),
                )
            )
        message(f"Libur kantor ditambahkan: {tanggal(day, with_day=True)} — {text}.")

    @libur_app.command("hapus")
    def libur_hapus(
        tanggal_: Annotated[str, typer.Argument(metavar="TANGGAL", help="Tanggal.")],
        keterangan: Annotated[
            str | None, typer.Option(help="Alasan, mis. nomor SKB yang menggeser libur.")
        ] = None,
        petugas: OfficerOpt = None,
    ) -> None:
        """Jadikan tanggal libur sebagai hari kerja (libur dibatalkan atau digeser)."""
        from lapor_cli.deadlines import Deadlines
        from lapor_cli.models import OfficeDay
        from lapor_cli.validation import parse_date

        day = parse_date("tanggal", tanggal_)
        with opened(write=True) as c:
            existing = c.session.get(OfficeDay, day)
            if existing is not None and existing.jenis == "kerja":
                raise ValidationError("tanggal", f"{day:%d/%m/%Y} sudah dijadikan hari kerja.")
            book = Deadlines(c.session)
            book.ensure_years(day.year, day.year)
            package = {d.tanggal: d for d in book._package}
            if existing is not None:
                c.session.delete(existing)  # an office day off, withdrawn
                c.session.flush()
                if day not in package:
                    message(f"Libur kantor {day:%d/%m/%Y} dihapus.")
                    return
            if day not in package:
                raise NotFoundError(
                    f"{day:%d/%m/%Y} bukan hari libur; tidak ada yang dihapus. "
                    "Lihat `lapor libur --tahun " + str(day.year) + "`."
                )
            c.session.add(
                OfficeDay(
                    tanggal=day,
                    jenis="kerja",
                    keterangan=keterangan or f"{package[day].keterangan} dibatalkan",
                    dicatat=c.now,
                    oleh=officer(petugas),
                )
            )
        message(
            f"{tanggal(day, with_day=True)} kini hari kerja ({package[day].keterangan} dibatalkan)."
        )

    @app.command(rich_help_panel="Batas waktu")
    def profil(
        nama: Annotated[
            str | None, typer.Argument(help="Profil SLA yang dipakai register.")
        ] = None,
        daftar: Annotated[
            bool, typer.Option("--daftar", help="Daftar profil yang tersedia.")
        ] = False,
        json: JsonOpt = False,
    ) -> None:
        """Tampilkan atau tetapkan profil SLA register (berlaku untuk kasus baru)."""
        from lapor_cli import sla as sla_core
        from lapor_cli.cases import set_setting

        if daftar:
            profiles = sla_core.load_profiles()
            views = [_profile_view(p) for p in profiles.values()]
            if json:
                emit_json(views)
                return
            for v in views:
                console.print(f"[bold]{v['nama']}[/] — {v['judul']}\n  [dim]{v['sumber']}[/]")
            return
        with opened(write=nama is not None) as c:
            if nama is not None:
                chosen = sla_core.load_profile(nama)
                set_setting(c.session, "profil_sla", chosen.nama)
            current = sla_core.load_profile(nama if nama is not None else c.settings["profil_sla"])
        view = _profile_view(current)
        if json:
            emit_json(view)
            return
        if nama is not None:
            message(f"Profil SLA register kini [bold]{current.nama}[/]; berlaku untuk kasus baru.")
        console.print(f"[bold]{view['nama']}[/] — {view['judul']}")
        console.print(f"Sumber: {view['sumber']}")
        for rule in view["aturan"]:
            console.print(f"  • {rule}")

    @app.command(rich_help_panel="Batas waktu")
    def tunda(
        nomor: Annotated[str, typer.Argument(help="Nomor kasus.")],
        alasan: Annotated[str | None, typer.Option(help="Yang ditunggu dari pelapor.")] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Hentikan jam batas waktu selama menunggu pelapor (dokumen, klarifikasi)."""
        _pause(nomor, alasan, petugas, json, start=True)

    @app.command(rich_help_panel="Batas waktu")
    def perpanjang(
        nomor: Annotated[str, typer.Argument(help="Nomor kasus.")],
        alasan: Annotated[
            str | None, typer.Option(help="Mengapa perlu waktu lebih (disampaikan ke pemohon).")
        ] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Perpanjang batas waktu sekali, bila aturannya mengizinkan (UU 14/2008: 7 hari kerja
        untuk permintaan informasi)."""
        _extend(nomor, alasan, petugas, json)

    @app.command(rich_help_panel="Batas waktu")
    def lanjut(
        nomor: Annotated[str, typer.Argument(help="Nomor kasus.")],
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Jalankan lagi jam batas waktu kasus yang ditunda."""
        _pause(nomor, None, petugas, json, start=False)


def _pause(nomor: str, alasan: str | None, petugas: str | None, json: bool, *, start: bool) -> None:
    import sqlalchemy as sa

    from lapor_cli import cases as core
    from lapor_cli.deadlines import Deadlines
    from lapor_cli.models import Pause
    from lapor_cli.workflow import OPEN_STATUSES

    with opened(write=True) as ctx:
        case = core.get_case(ctx.session, nomor)
        if case.status not in OPEN_STATUSES:
            raise StatusError(f"Kasus {case.nomor} sudah {case.status}; jamnya tidak berjalan.")
        running = ctx.session.execute(
            sa.select(Pause).where(Pause.kasus_id == case.id, Pause.selesai.is_(None))
        ).scalar_one_or_none()
        who = officer(petugas)
        if start:
            if running is not None:
                raise StatusError(
                    f"Kasus {case.nomor} sudah ditunda sejak {running.mulai:%d/%m/%Y}."
                )
            if not alasan or not alasan.strip():
                raise ValidationError(
                    "alasan", "--alasan wajib: tulis apa yang ditunggu dari pelapor."
                )
            ctx.session.add(Pause(kasus_id=case.id, mulai=ctx.now, alasan=alasan.strip()))
            note, action = f"Ditunda: {alasan.strip()}", "tunda"
        else:
            if running is None:
                raise StatusError(f"Kasus {case.nomor} tidak sedang ditunda.")
            running.selesai = ctx.now
            ctx.session.add(running)
            note, action = f"Dilanjutkan (ditunda sejak {running.mulai:%d/%m/%Y %H:%M})", "lanjut"
        ctx.session.flush()
        core.append_history(
            ctx.session,
            case,
            waktu=ctx.now,
            oleh=who,
            aksi=action,
            dari=case.status,
            ke=case.status,
            catatan=note,
            data={},
        )
        due = Deadlines(ctx.session, ctx.now).due(case)
        view = core.case_view(case, batas_waktu=due)
    if json:
        emit_json(view)
        return
    message(f"{note}. Batas waktu kini {tanggal(due, with_day=True)}.")
    console.print(case.nomor)


def _extend(nomor: str, alasan: str | None, petugas: str | None, json: bool) -> None:
    from lapor_cli.deadlines import Deadlines
    from lapor_cli.workflow import extend

    before = {}

    def step(case, ctx):
        before["due"] = Deadlines(ctx.session, ctx.now).due(case)
        return extend(
            case.nomor,
            case.status,
            allowed_days=case.sla_perpanjangan,
            already=case.diperpanjang,
            alasan=alasan,
            overdue=ctx.now > before["due"],
        )

    run_step(
        nomor,
        petugas,
        json,
        step,
        tell=lambda case, due: (
            f"Batas waktu {case.nomor} diperpanjang {case.sla_perpanjangan} hari kerja: "
            f"{tanggal(before['due'], with_day=True)} → {tanggal(due, with_day=True)}."
        ),
    )


def _profile_view(profile) -> dict:
    rules = []
    for entry in profile.rules:
        keys = []
        for key in ("kanal", "jenis", "kategori"):
            values = getattr(entry, key)
            if values:
                keys.append(f"{key} {'/'.join(sorted(values))}")
        if entry.segera is not None:
            keys.append("segera" if entry.segera else "tidak segera")
        where = ", ".join(keys) if keys else "lainnya (cadangan)"
        rules.append(f"{where}: {entry.rule.describe()}")
    return {
        "nama": profile.nama,
        "judul": profile.judul,
        "sumber": profile.sumber,
        "aturan": rules,
        "tahap": {
            "verifikasi": profile.tahap_verifikasi,
            "distribusi": profile.tahap_distribusi,
            "tindaklanjut": profile.tahap_tindaklanjut,
            "tanpa_respons": profile.tanpa_respons,
        },
    }


def _one_case(ctx, nomor: str, as_of) -> dict:
    from lapor_cli import cases as core
    from lapor_cli import sla as sla_core
    from lapor_cli.deadlines import Deadlines

    case = core.get_case(ctx.session, nomor)
    book = Deadlines(ctx.session, as_of)
    due = book.due(case)
    cal = book.calendar(case.sla_profil)
    profile = book.profile(case.sla_profil)
    names = {
        d.tanggal: d.keterangan + (" (perkiraan)" if d.perkiraan else "")
        for d in book.days(profile)
    }
    pauses = [(s, e or as_of.date()) for s, e in book.pauses(case.id)]
    lines = sla_core.explain(
        case.diterima, book.rule_of(case), cal, names, pauses, extended=case.diperpanjang
    )
    remaining = sla_core.remaining_workdays(as_of.date(), due.date(), cal)
    return {
        "nomor": case.nomor,
        "status": case.status,
        "diterima": core.iso(case.diterima),
        "aturan": Deadlines.describe(case),
        "profil": case.sla_profil,
        "batas_waktu": core.due_iso(case, due),
        "sisa_hari_kerja": remaining,
        "terlambat": as_of > due if case.ditutup is None else not case.tepat_waktu,
        "hari": [
            {
                "tanggal": d.tanggal.isoformat(),
                "hari": d.hari,
                "ke": d.ke,
                "keterangan": d.keterangan,
            }
            for d in lines
        ],
        "catatan": book.notes(case),
    }


def _render_explanation(view: dict) -> None:
    from rich.table import Table

    console.print(
        f"[bold]{view['nomor']}[/] ({view['status']}) — {view['aturan']}, profil {view['profil']}"
    )
    table = Table(header_style="bold")
    for col in ("Tanggal", "Hari", "Hitungan", "Keterangan"):
        table.add_column(col)
    for d in view["hari"]:
        count = f"hari ke-{d['ke']}" if d["ke"] is not None else "[dim]tidak dihitung[/]"
        table.add_row(d["tanggal"], d["hari"], count, d["keterangan"])
    console.print(table)
    console.print(f"Batas waktu: {view['batas_waktu']}; sisa hari kerja: {view['sisa_hari_kerja']}")
    for note in view["catatan"]:
        message(f"[yellow]{note}[/]")


def _render_sla(report, as_of) -> None:
    """The summary line over every open case, then a table of the most urgent."""
    from rich.text import Text

    from lapor_cli.cli.render import list_table

    ready = report.siap_ditutup
    console.print(
        f"Per {tanggal(as_of, with_day=True, time=True)}: "
        f"[bold red]{report.terlambat} terlambat[/], "
        f"[yellow]{report.hari_ini} jatuh tempo hari ini[/], "
        f"{report.jatuh_tempo} dalam 2 hari kerja, {report.terbuka} kasus terbuka"
        + (f", {ready} siap ditutup" if ready else "")
        + ".",
        soft_wrap=True,
    )
    shown = report.lines
    if not shown:
        return
    # Under 100 columns the running stage goes into the notes: numbers and dates stay whole.
    stage_column = console.width >= 100
    table = list_table()
    columns = ["Nomor", "Status", "Batas waktu", "Sisa", "Tanda"]
    columns += ["Tahap berjalan", "Ket."] if stage_column else ["Ket."]
    for col in columns:
        table.add_column(col, no_wrap=col != "Ket.", justify="right" if col == "Sisa" else "left")
    for line in shown:
        notes = []
        stage = f"{line.tahap} {line.tahap_batas:%d/%m}" if line.tahap else "-"
        if not stage_column and line.tahap:
            notes.append(stage)
        if line.segera:
            notes.append("mendesak")
        if line.ditunda:
            notes.append("ditunda")
        if line.siap_ditutup:
            notes.append("siap ditutup")
        due = line.batas_waktu.strftime("%d/%m/%Y %H:%M" if line.satuan == "menit" else "%d/%m/%Y")
        cells = [
            line.nomor,
            line.status,
            due,
            str(line.sisa_hari_kerja),
            Text(FLAG_LABEL[line.tanda], style=FLAG_STYLE[line.tanda]),
        ]
        cells += [stage, ", ".join(notes)] if stage_column else [", ".join(notes)]
        table.add_row(*cells)
    console.print(table)
    if len(shown) < report.terbuka:
        console.print(
            f"[dim]Menampilkan {len(shown)} kasus paling mendesak dari {report.terbuka}; "
            "pakai --batas 0 untuk semua, --json untuk skrip.[/]"
        )
