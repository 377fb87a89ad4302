"""Deadlines at the desk: sla, libur, profil, tunda, lanjut, perpanjang. Parse, call the core,
render."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from lapor_cli.cli._app import (
    EveryDeskOpt,
    JsonOpt,
    LaporTyper,
    OfficerOpt,
    PadaOpt,
    ReadDeskOpt,
    officer,
    opened,
    reading,
)
from lapor_cli.console import (
    console,
    emit_json,
    emit_json_texts,
    literal,
    message,
    styled,
    tanggal,
)
from lapor_cli.errors import ValidationError

#: Cases listed on a screen unless --batas says otherwise (the summary line counts them all).
SCREEN_ROWS = 50
FLAG_STYLE = {"terlambat": "bold red", "jatuh_tempo": "yellow", "aman": "green", "ditunda": "cyan"}
FLAG_LABEL = {
    "terlambat": "terlambat",
    "jatuh_tempo": "jatuh tempo",
    "aman": "aman",
    "ditunda": "ditunda",
}
SOURCE_LABEL = {"nasional": "libur nasional", "cuti_bersama": "cuti bersama", "kantor": "kantor"}


def register(app: typer.Typer) -> None:
    @app.command(rich_help_panel="Batas waktu")
    def sla(
        nomor: Annotated[
            str | None, typer.Argument(help="Satu kasus saja (dengan --jelaskan).")
        ] = None,
        per: Annotated[
            str | None,
            typer.Option(
                "--per",
                help="Hitung per tanggal ini, mis. 2026-11-30, 30/11/2026 atau '30 Nov 2026' "
                "(bawaan: sekarang).",
            ),
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
        per_unit: Annotated[
            bool,
            typer.Option(
                "--per-unit",
                help="Ringkasan pagi per unit penanggung jawab: kasus terlambat dan jatuh "
                "tempo, teks polos siap ditempel ke pesan atau surat.",
            ),
        ] = False,
        dalam: Annotated[
            int | None,
            typer.Option(
                help="Dengan --per-unit: jatuh tempo = batas dalam N hari kerja (bawaan 2)."
            ),
        ] = None,
        unit: Annotated[
            str | None, typer.Option(help="Dengan --per-unit: satu unit saja (nama/singkatan).")
        ] = None,
        json: JsonOpt = False,
    ) -> None:
        """Batas waktu kasus terbuka: sisa hari kerja dan tanda terlambat / segera / aman."""
        from lapor_cli import deadline_report

        if per_unit or dalam is not None or unit is not None:
            _sla_per_unit(
                per_unit, per, terlambat, dalam, unit, meja, semua_meja, json,
                nomor=nomor, jelaskan=jelaskan, batas=batas,
            )  # fmt: skip
            return

        if batas is not None and batas < 0:
            raise ValidationError("batas", "--batas tidak boleh negatif.")
        limit = batas if batas is not None else (None if json else SCREEN_ROWS)
        if jelaskan and not nomor:
            raise ValidationError("nomor", "--jelaskan perlu NOMOR kasus.")
        if nomor:
            with opened(write=False) as ctx:
                as_of = deadline_report.as_of_moment(per, ctx.now)
                view = deadline_report.explain_case(ctx.session, nomor, as_of)
        else:
            with reading() as ctx:
                as_of = deadline_report.as_of_moment(per, ctx.now)
                report = deadline_report.sla_report(
                    ctx.db,
                    as_of,
                    only_late=terlambat,
                    limit=limit or None,
                    meja=meja,
                    semua_meja=semua_meja,
                    now=ctx.now,
                )
        if nomor:
            if json:
                emit_json(view)
            else:
                _render_explanation(view)
            return
        if json:
            emit_json_texts(report.json_texts(), report.json_rows)
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
        from lapor_cli.holiday_calendar import cuti_bersama_known_until
        from lapor_cli.office_days import days_of_year

        with opened(write=False) as c:
            year = tahun or c.now.year
            days = days_of_year(c.session, year)
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
            cells = (d.tanggal.strftime("%d/%m/%Y"), r["hari"], note, source)
            table.add_row(*(literal(cell) for cell in cells))
        console.print(table)
        if year > known:
            message(
                literal(
                    f"Cuti bersama {year} belum diketahui paket holidays "
                    f"(dikenal s.d. {known}). "
                    "Tambahkan dengan `lapor libur tambah` setelah SKB terbit.",
                    "yellow",
                )
            )

    @libur_app.command("tambah")
    def libur_tambah(
        tanggal_: Annotated[
            str,
            typer.Argument(
                metavar="TANGGAL", help="Tanggal libur, mis. 2026-12-24, 24/12/2026, '24 Des 2026'."
            ),
        ],
        keterangan: Annotated[str, typer.Argument(help="Keterangan, mis. 'HUT Kota Kupang'.")],
        sk: Annotated[str | None, typer.Option(help="Nomor SK/surat edaran.")] = None,
        petugas: OfficerOpt = None,
    ) -> None:
        """Tambah hari libur kantor (hari jadi daerah, cuti bersama baru, kantor tutup)."""
        from lapor_cli.dates import parse_date
        from lapor_cli.office_days import add_day_off

        with opened(write=True) as c:
            day = parse_date("tanggal", tanggal_, c.now)
            text = add_day_off(
                c.session, day, keterangan, sk=sk, now=c.now, petugas=officer(petugas)
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
        from lapor_cli.dates import parse_date
        from lapor_cli.office_days import remove_day_off

        with opened(write=True) as c:
            day = parse_date("tanggal", tanggal_, c.now)
            removed = remove_day_off(
                c.session, day, keterangan=keterangan, now=c.now, petugas=officer(petugas)
            )
        if removed.holiday is None:
            message(f"Libur kantor {day:%d/%m/%Y} dihapus.")
        else:
            message(
                f"{tanggal(day, with_day=True)} kini hari kerja ({removed.holiday} dibatalkan)."
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
        from lapor_cli import profiles
        from lapor_cli.office import set_profile

        if daftar:
            every = profiles.load_profiles()
            views = [_profile_view(p) for p in every.values()]
            if json:
                emit_json(views)
                return
            for v in views:
                console.print(
                    styled((v["nama"], "bold"), f" — {v['judul']}\n  ", (v["sumber"], "dim"))
                )
            return
        with opened(write=nama is not None) as c:
            if nama is not None:
                current = set_profile(c.session, nama)
            else:
                current = profiles.load_profile(c.settings["profil_sla"])
        view = _profile_view(current)
        if json:
            emit_json(view)
            return
        if nama is not None:
            message(
                styled(
                    "Profil SLA register kini ",
                    (current.nama, "bold"),
                    "; berlaku untuk kasus baru.",
                )
            )
        console.print(styled((view["nama"], "bold"), f" — {view['judul']}"))
        console.print(literal(f"Sumber: {view['sumber']}"))
        for rule in view["aturan"]:
            console.print(literal(f"  • {rule}"))

    @app.command(rich_help_panel="Batas waktu")
    def tunda(
        nomor: Annotated[str, typer.Argument(help="Nomor kasus.")],
        alasan: Annotated[str | None, typer.Option(help="Yang ditunggu dari pelapor.")] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Hentikan jam batas waktu selama menunggu pelapor (dokumen, klarifikasi)."""
        from lapor_cli.handling import pause_case

        _clock(pause_case, nomor, petugas, json, alasan=alasan, pada=pada)

    @app.command(rich_help_panel="Batas waktu")
    def perpanjang(
        nomor: Annotated[str, typer.Argument(help="Nomor kasus.")],
        alasan: Annotated[
            str | None, typer.Option(help="Mengapa perlu waktu lebih (disampaikan ke pemohon).")
        ] = None,
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Perpanjang batas waktu sekali, bila aturannya mengizinkan (UU 14/2008: 7 hari kerja
        untuk permintaan informasi)."""
        from lapor_cli.handling import extend_case

        with opened(write=True) as ctx:
            done = extend_case(
                ctx.session, nomor, now=ctx.now, petugas=officer(petugas), alasan=alasan, pada=pada
            )
        if json:
            emit_json(done.view)
            return
        message(
            f"Batas waktu {done.view['nomor']} diperpanjang {done.step.data['hari_kerja']} "
            f"hari kerja: {tanggal(done.batas_sebelum, with_day=True)} → "
            f"{tanggal(done.batas_waktu, with_day=True)}."
        )
        console.print(literal(done.view["nomor"]))

    @app.command(rich_help_panel="Batas waktu")
    def lanjut(
        nomor: Annotated[str, typer.Argument(help="Nomor kasus.")],
        pada: PadaOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Jalankan lagi jam batas waktu kasus yang ditunda."""
        from lapor_cli.handling import resume_case

        _clock(resume_case, nomor, petugas, json, pada=pada)


def _clock(handle, nomor: str, petugas: str | None, json: bool, **values) -> None:
    """tunda / lanjut: the step, then the deadline as it now stands."""
    with opened(write=True) as ctx:
        done = handle(ctx.session, nomor, now=ctx.now, petugas=officer(petugas), **values)
    if json:
        emit_json(done.view)
        return
    when = f" (pada {tanggal(done.pada, with_day=True, time=True)})" if done.pada else ""
    message(
        f"{done.step.catatan}{when}. Batas waktu kini {tanggal(done.batas_waktu, with_day=True)}."
    )
    console.print(literal(done.view["nomor"]))


def _sla_per_unit(
    per_unit: bool,
    per: str | None,
    terlambat: bool,
    dalam: int | None,
    unit: str | None,
    meja: str | None,
    semua_meja: bool,
    json: bool,
    *,
    nomor: str | None,
    jelaskan: bool,
    batas: int | None,
) -> None:
    """``sla --per-unit``: the digest per unit, plain text (or ``--json``)."""
    from lapor_cli import deadline_report
    from lapor_cli.unit_digest import DEFAULT_DALAM, digest_text, unit_digest

    if not per_unit:
        option = "--dalam" if dalam is not None else "--unit"
        raise ValidationError("per_unit", f"{option} hanya berlaku dengan --per-unit.")
    if nomor or jelaskan:
        raise ValidationError(
            "per_unit", "--per-unit meringkas semua kasus per unit; tanpa NOMOR dan --jelaskan."
        )
    if batas is not None:
        raise ValidationError("batas", "--batas tidak berlaku untuk --per-unit.")
    if dalam is not None and dalam < 0:
        raise ValidationError("dalam", "--dalam tidak boleh negatif.")
    with opened(write=False) as ctx:
        as_of = deadline_report.as_of_moment(per, ctx.now)
        digest = unit_digest(
            ctx.session,
            as_of,
            dalam=DEFAULT_DALAM if dalam is None else dalam,
            only_late=terlambat,
            unit=unit,
            kantor=ctx.settings.get("kantor_nama"),
            meja=meja,
            semua_meja=semua_meja,
        )
    if json:
        emit_json(digest.as_json())
        return
    text = digest_text(digest)
    if text:
        sys.stdout.write(text)
        sys.stdout.flush()
    shown = sum(1 for u in digest.units if u.terlambat or u.jatuh_tempo)
    calm = sum(1 for u in digest.units if not (u.terlambat or u.jatuh_tempo))
    what = "terlambat" if terlambat else "terlambat atau jatuh tempo"
    message(
        f"{shown} unit dengan kasus {what}"
        + (f"; {calm} unit lain dengan kasus terbuka tanpa itu." if calm else ".")
    )


def _profile_view(profile) -> dict:
    rules = []
    for entry in profile.rules:
        keys = []
        for key in ("kanal", "jenis", "kategori", "klasifikasi"):
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


def _render_explanation(view: dict) -> None:
    from rich.table import Table

    console.print(
        styled(
            (view["nomor"], "bold"),
            f" ({view['status']}) — {view['aturan']}, profil {view['profil']}",
        )
    )
    table = Table(header_style="bold")
    for col in ("Tanggal", "Hari", "Hitungan", "Keterangan"):
        table.add_column(col)
    for d in view["hari"]:
        count = (
            literal(f"hari ke-{d['ke']}")
            if d["ke"] is not None
            else literal("tidak dihitung", "dim")
        )
        table.add_row(literal(d["tanggal"]), literal(d["hari"]), count, literal(d["keterangan"]))
    console.print(table)
    if view["ditutup"] is not None:
        verdict = "terlambat" if view["terlambat"] else "tepat waktu"
        closed = view["ditutup"].replace("T", " ")
        console.print(
            literal(
                f"Batas waktu: {view['batas_waktu']}; ditutup {closed}: {verdict}; "
                f"hari kerja sampai selesai: {view['hari_kerja_sampai_selesai']}"
            )
        )
    else:
        paused = "; ditunda (jam berhenti)" if view["ditunda"] else ""
        binds = ""
        if view["mengikat"] != "kasus":  # a stage deadline comes first: it is the one judged
            binds = f"; yang mengikat: tahap {view['mengikat']} {view['batas_mengikat']}"
        console.print(
            literal(
                f"Batas waktu: {view['batas_waktu']}{binds}; "
                f"sisa hari kerja: {view['sisa_hari_kerja']}{paused}"
            )
        )
    for note in view["catatan"]:
        message(literal(note, "yellow"))


def _render_sla(report, as_of) -> None:
    """The summary line over every open case, then a table of the most urgent."""
    from lapor_cli.cli.render import list_table

    ready = report.siap_ditutup
    console.print(
        styled(
            f"Per {tanggal(as_of, with_day=True, time=True)}: ",
            (f"{report.terlambat} terlambat", "bold red"),
            ", ",
            (f"{report.hari_ini} jatuh tempo hari ini", "yellow"),
            f", {report.jatuh_tempo} jatuh tempo 1–2 hari kerja lagi, {report.aman} aman, "
            f"{report.ditunda} ditunda; {report.terbuka} kasus terbuka"
            + (f", {ready} siap ditutup" if ready else "")
            + ".",
        ),
        soft_wrap=True,
    )
    shown = report.lines
    if not shown:
        return
    # The row is judged by the deadline that binds first (the case's own or the SP4N-LAPOR!
    # stage now running): "Batas waktu" shows that one, "Mengikat" names it, and a binding
    # stage shows the case's own deadline in the notes. Under 100 columns "Mengikat" goes into
    # the notes (only when a stage binds): numbers and dates stay whole.
    wide = console.width >= 100
    table = list_table()
    columns = ["Nomor", "Status", "Batas waktu", "Sisa", "Tanda"]
    columns += ["Mengikat", "Ket."] if wide else ["Ket."]
    for col in columns:
        table.add_column(col, no_wrap=col != "Ket.", justify="right" if col == "Sisa" else "left")
    minutes = "%d/%m/%Y %H:%M"
    for line in shown:
        notes = []
        fmt = minutes if line.satuan == "menit" else "%d/%m/%Y"
        stage_binds = line.mengikat != "kasus"
        if stage_binds:
            if not wide:
                notes.append(f"tahap {line.mengikat}")
            notes.append(f"batas kasus {line.batas_waktu.strftime(fmt)}")
        if line.segera:
            notes.append("mendesak")
        if line.ditunda and line.tanda != "ditunda":
            notes.append("ditunda")
        if line.siap_ditutup:
            notes.append("siap ditutup")
        due = (line.batas_mengikat or line.batas_waktu).strftime(fmt)
        cells = [
            literal(line.nomor),
            literal(line.status),
            literal(due),
            literal(str(line.sisa_hari_kerja)),
            literal(FLAG_LABEL[line.tanda], FLAG_STYLE[line.tanda]),
        ]
        if wide:
            cells.append(literal(line.mengikat))
        cells.append(literal(", ".join(notes)))
        table.add_row(*cells)
    console.print(table)
    if len(shown) < report.terbuka:
        console.print(
            literal(
                f"Menampilkan {len(shown)} kasus paling mendesak dari {report.terbuka}; "
                "pakai --batas 0 untuk semua, --json untuk skrip.",
                "dim",
            )
        )
