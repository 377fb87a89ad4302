"""The desks of a register (``lapor meja``): list them, add one, change one, remove one
added by mistake."""

from __future__ import annotations

from typing import Annotated

import typer

from lapor_cli.cli._app import JsonOpt, LaporTyper, opened
from lapor_cli.console import console, emit_json, literal, message, styled

KodeArg = Annotated[
    str, typer.Argument(metavar="KODE", help="Kode meja: huruf kecil/angka/-, mis. kupang.")
]


def register(app: typer.Typer) -> None:
    meja_app = LaporTyper(
        help="Meja pengaduan register ini: satu per kantor, masing-masing dengan awalan "
        "nomornya sendiri (register satu provinsi).",
        invoke_without_command=True,
    )
    app.add_typer(meja_app, name="meja", rich_help_panel="Pengaturan")

    @meja_app.callback()
    def meja(ctx: typer.Context, json: JsonOpt = False) -> None:
        """Daftar meja dengan jumlah kasusnya."""
        if ctx.invoked_subcommand:
            return
        from lapor_cli import desks

        with opened(write=False) as c:
            every = desks.all_desks(c.session)
            counts = desks.desk_counts(c.session)
        rows = []
        for desk in every:
            total, still_open = counts.get(desk.kode, (0, 0))
            rows.append({**desk.as_json(), "kasus": total, "terbuka": still_open})
        if json:
            emit_json(rows)
            return
        from rich.table import Table

        table = Table(title="Meja register ini", title_justify="left", header_style="bold")
        for col in ("Kode", "Nama", "Awalan", "Kasus", "Terbuka"):
            table.add_column(col, justify="right" if col in ("Kasus", "Terbuka") else "left")
        for row in rows:
            cells = (row["kode"], row["nama"], row["prefiks"], row["kasus"], row["terbuka"])
            table.add_row(*(literal(cell) for cell in cells))
        console.print(table)
        if len(rows) > 1:
            message(
                "Pilih meja untuk catat/impor dengan --meja KODE atau LAPOR_MEJA=KODE; "
                "daftar, sla, rekap dan ekspor mencakup semua meja kecuali dipilih."
            )

    @meja_app.command("tambah")
    def tambah(
        kode: KodeArg,
        nama: Annotated[
            str, typer.Option(help="Nama meja/kantor, mis. 'Dinas Sosial Kota Kupang'.")
        ],
        prefiks: Annotated[
            str, typer.Option(help="Awalan nomor kasusnya, mis. KPG → KPG-2026-00001.")
        ],
        json: JsonOpt = False,
    ) -> None:
        """Tambah meja baru dengan awalan nomornya sendiri."""
        from lapor_cli import desks

        with opened(write=True) as c:
            desk = desks.add_desk(c.session, kode, nama, prefiks)
        if json:
            emit_json(desk.as_json())
            return
        message(
            styled(
                "Meja ditambahkan: ",
                (desk.kode, "bold"),
                f" — {desk.nama} (nomor {desk.prefiks}-…). "
                f"Catat untuknya dengan: lapor catat --meja {desk.kode} …",
            )
        )

    @meja_app.command("ubah")
    def ubah(
        kode: KodeArg,
        nama: Annotated[str | None, typer.Option(help="Nama baru.")] = None,
        prefiks: Annotated[
            str | None, typer.Option(help="Awalan nomor baru (hanya sebelum kasus pertamanya).")
        ] = None,
        json: JsonOpt = False,
    ) -> None:
        """Ubah nama meja, atau awalan nomornya selama meja itu belum punya kasus."""
        from lapor_cli import desks
        from lapor_cli.errors import ValidationError

        if nama is None and prefiks is None:
            raise ValidationError("meja", "Tidak ada yang diubah: beri --nama dan/atau --prefiks.")
        with opened(write=True) as c:
            desk = desks.change_desk(c.session, kode, nama=nama, prefiks=prefiks)
        if json:
            emit_json(desk.as_json())
            return
        message(
            styled("Meja diubah: ", (desk.kode, "bold"), f" — {desk.nama} (awalan {desk.prefiks}).")
        )

    @meja_app.command("hapus")
    def hapus(kode: KodeArg, json: JsonOpt = False) -> None:
        """Hapus meja yang salah dibuat (hanya bila belum pernah punya kasus)."""
        from lapor_cli import desks

        with opened(write=True) as c:
            desk = desks.remove_desk(c.session, kode)
        if json:
            emit_json(desk.as_json())
            return
        message(f"Meja dihapus: {desk.kode} — {desk.nama}.")
