"""The SOP commands: catat, verifikasi, distribusi, tindaklanjut, tutup, nilai, laporbalik,
and the views lihat and daftar. Parse, call the core, render."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli.cli._app import (
    DeskOpt,
    EveryDeskOpt,
    JsonOpt,
    OfficerOpt,
    ReadDeskOpt,
    interactive,
    officer,
    opened,
    run_step,
)
from lapor_cli.console import console, emit_json, emit_json_list, tanggal, warn
from lapor_cli.errors import ValidationError

NomorArg = Annotated[str, typer.Argument(help="Nomor register kasus, mis. DS-2026-00042.")]


def _refuse_all(errors: list[ValidationError]) -> None:
    first = errors[0]
    if len(errors) > 1:
        raise ValidationError(first.field, " ".join(e.message for e in errors))
    raise first


def _ask(label: str, *, choices: tuple[str, ...] | None = None) -> str:
    hint = f" ({', '.join(choices)})" if choices else ""
    return typer.prompt(f"{label}{hint}", err=True)


def register(app: typer.Typer) -> None:  # noqa: C901 - one function per command, kept together
    @app.command(rich_help_panel="Alur SOP")
    def catat(
        kanal: Annotated[
            str | None, typer.Option(help="Kanal masuk, mis. whatsapp, surat, sp4n-lapor.")
        ] = None,
        jenis: Annotated[str | None, typer.Option(help="aduan, aspirasi atau informasi.")] = None,
        uraian: Annotated[str | None, typer.Option(help="Isi aduan/aspirasi/permintaan.")] = None,
        nama: Annotated[
            str | None, typer.Option(help="Nama pelapor (wajib kecuali --anonim).")
        ] = None,
        nik: Annotated[str | None, typer.Option(help="NIK pelapor, 16 digit.")] = None,
        kk: Annotated[str | None, typer.Option(help="Nomor Kartu Keluarga, 16 digit.")] = None,
        hp: Annotated[str | None, typer.Option(help="Nomor HP/telepon pelapor.")] = None,
        email: Annotated[str | None, typer.Option(help="Email pelapor.")] = None,
        alamat: Annotated[str | None, typer.Option(help="Alamat pelapor.")] = None,
        diterima: Annotated[
            str | None,
            typer.Option(
                help="Waktu diterima: 2026-11-23, '2026-11-23 14:05' atau 23/11/2026 "
                "(bawaan: sekarang)."
            ),
        ] = None,
        nomor_lapor: Annotated[
            str | None, typer.Option("--nomor-lapor", help="Nomor tiket SP4N-LAPOR!.")
        ] = None,
        nomor_formulir: Annotated[
            str | None, typer.Option("--nomor-formulir", help="Nomor formulir kertas.")
        ] = None,
        anonim: Annotated[
            bool, typer.Option("--anonim", help="Identitas pelapor dirahasiakan (tidak disimpan).")
        ] = False,
        rahasia: Annotated[
            bool,
            typer.Option("--rahasia", help="Isi laporan rahasia: tidak tampil di daftar/ekspor."),
        ] = False,
        segera: Annotated[
            bool,
            typer.Option(
                "--segera", help="Kasus mendesak (profil SLA boleh memberi batas lebih pendek)."
            ),
        ] = False,
        meja: DeskOpt = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Catat kasus baru (SOP langkah 2) dan cetak nomor registernya."""
        from lapor_cli import cases as core
        from lapor_cli.deadlines import Deadlines
        from lapor_cli.desks import desk_for_write
        from lapor_cli.references import JENIS, KANAL
        from lapor_cli.validation import validate_case

        if interactive() and not json:
            kanal = kanal or _ask("Kanal", choices=KANAL)
            jenis = jenis or _ask("Jenis", choices=JENIS)
            uraian = uraian or _ask("Uraian")
            if not anonim and not nama:
                nama = _ask("Nama pelapor")
        raw = {
            "kanal": kanal,
            "jenis": jenis,
            "uraian": uraian,
            "nama": nama,
            "nik": nik,
            "kk": kk,
            "hp": hp,
            "email": email,
            "alamat": alamat,
            "diterima": diterima,
            "nomor_lapor": nomor_lapor,
            "nomor_formulir": nomor_formulir,
            "anonim": anonim,
            "rahasia": rahasia,
            "segera": segera,
            "petugas": officer(petugas),
        }
        with opened(write=True) as ctx:
            desk = desk_for_write(ctx.session, meja)
            data, errors = validate_case(raw, now=ctx.now)
            if errors:
                _refuse_all(errors)
            deadlines = Deadlines(ctx.session)
            rule = deadlines.rule_for_new(ctx.settings["profil_sla"], data)
            duplicates = core.open_duplicates(ctx.session, data)
            case = core.record_case(ctx.session, data, now=ctx.now, rule=rule, desk=desk)
            due = deadlines.due(case)
            view = core.case_view(case, batas_waktu=due)
            notes = deadlines.notes(case)
        if json:
            emit_json(view)
        else:
            console.print(f"Kasus dicatat: [bold]{case.nomor}[/]")
            console.print(
                f"Batas waktu: {tanggal(due, with_day=True, time=case.sla_satuan == 'menit')} "
                f"({Deadlines.describe(case)}, profil {case.sla_profil})"
            )
        for note in notes:
            warn(note)
        if duplicates:
            warn(
                f"NIK/HP yang sama sudah ada di kasus terbuka {', '.join(duplicates)} — "
                "mungkin kasus ganda dari kanal lain."
            )

    @app.command(rich_help_panel="Alur SOP")
    def verifikasi(
        nomor: NomorArg,
        kategori: Annotated[str, typer.Option(help="Kode kategori, mis. DTKS, PKH, BPNT.")] = ...,  # type: ignore[assignment]
        kewenangan: Annotated[
            bool,
            typer.Option(
                "--kewenangan/--bukan-kewenangan", help="Termasuk kewenangan Dinas Sosial?"
            ),
        ] = True,
        alasan: Annotated[
            str | None,
            typer.Option(help="Wajib bila bukan kewenangan: yang disampaikan ke pelapor."),
        ] = None,
        dirujuk_ke: Annotated[
            str | None, typer.Option("--dirujuk-ke", help="Instansi tujuan rujukan.")
        ] = None,
        nomor_surat: Annotated[
            str | None, typer.Option("--nomor-surat", help="Nomor surat rujukan.")
        ] = None,
        catatan: Annotated[str | None, typer.Option(help="Catatan verifikasi.")] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Verifikasi dan kategorikan kasus (SOP langkah 3); bukan kewenangan → diarsipkan."""
        from lapor_cli import workflow
        from lapor_cli.deadlines import Deadlines
        from lapor_cli.references import normalize_kategori

        kode = normalize_kategori(kategori)

        def step(case, ctx):
            book = Deadlines(ctx.session, ctx.now)
            result = workflow.verify(
                case.nomor,
                case.status,
                now=ctx.now,
                kategori=kode,
                kewenangan=kewenangan,
                alasan=alasan,
                dirujuk_ke=dirujuk_ke,
                nomor_surat=nomor_surat,
                catatan=catatan,
                tepat_waktu=None if kewenangan else book.met(case, ctx.now),
                kanal=case.kanal,
            )
            new_rule = book.rule_for_category(case, kode) if kewenangan else None
            if new_rule is not None:
                result.changes.update(
                    sla_satuan=new_rule.satuan,
                    sla_nilai=new_rule.nilai,
                    sla_perpanjangan=new_rule.perpanjangan,
                )
                rule_text = Deadlines.rule_of(new_rule).describe()
                result.data["sla"] = rule_text
            return result

        run_step(nomor, petugas, json, step)

    @app.command(rich_help_panel="Alur SOP")
    def distribusi(
        nomor: NomorArg,
        unit: Annotated[
            str | None, typer.Option(help="Unit penanggung jawab tindak lanjut.")
        ] = None,
        tembusan: Annotated[
            list[str] | None, typer.Option(help="Tembusan (boleh berulang), mis. UPT, Balai Besar.")
        ] = None,
        jawaban_normatif: Annotated[
            str | None,
            typer.Option(
                "--jawaban-normatif",
                help="Jawaban normatif bila tidak perlu tindak lanjut lapangan.",
            ),
        ] = None,
        catatan: Annotated[str | None, typer.Option(help="Catatan disposisi.")] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Teruskan kasus ke unit (dengan tembusan) atau beri jawaban normatif (SOP langkah 4)."""
        from lapor_cli import workflow
        from lapor_cli.references import normalize_unit

        unit_name = normalize_unit(unit) if unit else None
        run_step(
            nomor,
            petugas,
            json,
            lambda case, ctx: workflow.distribute(
                case.nomor,
                case.status,
                now=ctx.now,
                unit=unit_name,
                tembusan=tembusan,
                jawaban_normatif=jawaban_normatif,
                catatan=catatan,
            ),
        )

    @app.command(rich_help_panel="Alur SOP")
    def tindaklanjut(
        nomor: NomorArg,
        catatan: Annotated[str | None, typer.Option(help="Tindak lanjut yang dilakukan.")] = None,
        oleh: Annotated[
            str | None, typer.Option(help="Siapa yang menindaklanjuti (pejabat/petugas unit).")
        ] = None,
        tugaskan: Annotated[
            str | None, typer.Option(help="Ditugaskan ke, mis. UPT, SDM Kesos, TKSK.")
        ] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Catat satu langkah tindak lanjut unit (SOP langkah 5–7)."""
        from lapor_cli import workflow

        run_step(
            nomor,
            petugas,
            json,
            lambda case, ctx: workflow.follow_up(
                case.nomor, case.status, now=ctx.now, catatan=catatan, oleh=oleh, tugaskan=tugaskan
            ),
        )

    @app.command(rich_help_panel="Alur SOP")
    def tutup(
        nomor: NomorArg,
        hasil: Annotated[str | None, typer.Option(help="Hasil penanganan.")] = None,
        dilaporkan: Annotated[
            bool,
            typer.Option(
                "--dilaporkan/--belum-dilaporkan",
                help="Kasus SP4N-LAPOR!: status sudah dilaporkan balik di SP4N-LAPOR!?",
            ),
        ] = False,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tutup kasus dengan hasil penanganannya (SOP langkah 8)."""
        from lapor_cli import workflow
        from lapor_cli.deadlines import Deadlines

        def step(case, ctx):
            on_time = Deadlines(ctx.session, ctx.now).met(case, ctx.now)
            return workflow.close(
                case.nomor,
                case.status,
                kanal=case.kanal,
                now=ctx.now,
                hasil=hasil,
                tepat_waktu=on_time,
                dilaporkan_balik=dilaporkan,
            )

        run_step(nomor, petugas, json, step)

    @app.command(rich_help_panel="Alur SOP")
    def laporbalik(
        nomor: NomorArg,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tandai status kasus SP4N-LAPOR! sudah dilaporkan balik di SP4N-LAPOR! (SOP langkah 9)."""
        from lapor_cli import workflow

        run_step(
            nomor,
            petugas,
            json,
            lambda case, ctx: workflow.report_back(
                case.nomor, case.status, kanal=case.kanal, dilaporkan_balik=case.dilaporkan_balik
            ),
        )

    @app.command(rich_help_panel="Alur SOP")
    def nilai(
        nomor: NomorArg,
        skor: Annotated[
            int, typer.Option(help="Penilaian pelapor 1 (buruk) sampai 5 (sangat baik).")
        ] = ...,  # type: ignore[assignment]
        komentar: Annotated[str | None, typer.Option(help="Komentar pelapor.")] = None,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Catat penilaian pelapor atas penanganan kasus yang sudah selesai (SOP langkah 9)."""
        from lapor_cli import workflow

        run_step(
            nomor,
            petugas,
            json,
            lambda case, ctx: workflow.rate(
                case.nomor, case.status, current_score=case.skor, skor=skor, komentar=komentar
            ),
        )

    @app.command(rich_help_panel="Melihat")
    def lihat(
        nomor: NomorArg,
        lengkap: Annotated[
            bool,
            typer.Option(
                "--lengkap", help="Tampilkan NIK, HP dan isi rahasia utuh (tercatat di riwayat)."
            ),
        ] = False,
        petugas: OfficerOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Tampilkan satu kasus dengan seluruh riwayatnya."""
        from lapor_cli import cases as core
        from lapor_cli.deadlines import Deadlines

        with opened(write=lengkap) as ctx:
            case = core.get_case(ctx.session, nomor)
            if lengkap:
                core.append_history(
                    ctx.session,
                    case,
                    waktu=ctx.now,
                    oleh=officer(petugas),
                    aksi="lihat-lengkap",
                    dari=case.status,
                    ke=case.status,
                    catatan="Identitas/isi lengkap dibuka dengan --lengkap",
                    data={},
                )
            deadlines = Deadlines(ctx.session, ctx.now)
            due = deadlines.due(case)
            view = core.case_view(case, batas_waktu=due, reveal=lengkap)
            view["riwayat"] = [core.history_view(e) for e in core.case_history(ctx.session, case)]
            view["kantor"] = ctx.settings["kantor_nama"]
            view["sla_keterangan"] = Deadlines.describe(case) + (
                f", diperpanjang {case.sla_perpanjangan} hari kerja" if case.diperpanjang else ""
            )
        if json:
            emit_json(view)
        else:
            from lapor_cli.cli.render import render_case

            render_case(view)

    @app.command(rich_help_panel="Melihat")
    def daftar(
        status: Annotated[
            list[str] | None,
            typer.Option(
                help="Saring status (boleh berulang); 'terbuka' = semua yang belum selesai."
            ),
        ] = None,
        kanal: Annotated[str | None, typer.Option(help="Saring kanal.")] = None,
        bulan: Annotated[str | None, typer.Option(help="Bulan diterima, YYYY-MM.")] = None,
        cari: Annotated[str | None, typer.Option(help="Cari di nama, nomor dan uraian.")] = None,
        belum_dilaporkan: Annotated[
            bool,
            typer.Option(
                "--belum-dilaporkan", help="Kasus SP4N-LAPOR! yang belum dilaporkan balik."
            ),
        ] = False,
        batas: Annotated[
            int | None,
            typer.Option(
                help="Paling banyak N baris (bawaan 50 di layar, semua untuk --json; 0 = semua)."
            ),
        ] = None,
        meja: ReadDeskOpt = None,
        semua_meja: EveryDeskOpt = False,
        json: JsonOpt = False,
    ) -> None:
        """Daftar kasus dengan saringan dan pencarian."""
        from lapor_cli import cases as core
        from lapor_cli.deadlines import Deadlines
        from lapor_cli.desks import desk_scope
        from lapor_cli.references import normalize_kanal
        from lapor_cli.validation import parse_month
        from lapor_cli.workflow import OPEN_STATUSES, Status

        statuses: list[str] = []
        for item in status or []:
            for word in item.split(","):
                word = word.strip().lower()
                if word == "terbuka":
                    statuses.extend(OPEN_STATUSES)
                elif word in {s.value for s in Status}:
                    statuses.append(word)
                elif word:
                    raise ValidationError(
                        "status",
                        f"Status {word!r} tidak dikenal. Pilihan: terbuka, "
                        + ", ".join(s.value for s in Status)
                        + ".",
                    )
        filters = {
            "status": statuses,
            "kanal": normalize_kanal(kanal) if kanal else None,
            "bulan": parse_month(bulan) if bulan else None,
            "cari": cari,
            "belum_dilaporkan": belum_dilaporkan,
        }
        if batas is not None and batas < 0:
            raise ValidationError("batas", "--batas tidak boleh negatif.")
        limit = batas if batas is not None else (None if json else 50)
        with opened(write=False) as ctx:
            import sqlalchemy as sa

            desk = desk_scope(ctx.session, meja, every=semua_meja)
            query = core.list_query(
                **filters,
                meja=desk.kode if desk else None,
                dialect=ctx.session.get_bind().dialect.name,
            )

            total = ctx.session.execute(
                sa.select(sa.func.count()).select_from(query.order_by(None).subquery())
            ).scalar_one()
            if limit:
                query = query.limit(limit)
            deadlines = Deadlines(ctx.session, ctx.now)
            deadlines.pauses(0)  # every pause loaded before the cases stream in
            views = (
                core.case_view(r, batas_waktu=deadlines.due(r))
                for r in ctx.session.connection().execute(query)
            )
            if json:  # streamed: a million cases are never all in memory at once
                emit_json_list(views)
                return
            views = list(views)
        from lapor_cli.cli.render import render_list

        render_list(views, total)
