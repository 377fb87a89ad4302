"""Rich renderings of cases for the terminal (tables, the timeline). Data in, screen out.

Every value from the register becomes a cell through ``literal`` (a ``Text``): shown exactly
as stored, never read as markup (see ``lapor_cli.console``)."""

from __future__ import annotations

from datetime import datetime

from rich import box
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from lapor_cli.console import console, literal, styled, tanggal

STATUS_STYLE = {
    "diterima": "cyan",
    "terverifikasi": "blue",
    "diarsipkan": "dim",
    "didisposisikan": "magenta",
    "dijawab": "green",
    "ditindaklanjuti": "yellow",
    "selesai": "bold green",
    "dibatalkan": "dim strike",
    "digabung": "dim",
}
#: Statuses with a deadline running: the others show none in a list.
_RUNNING = frozenset(("diterima", "terverifikasi", "didisposisikan", "dijawab", "ditindaklanjuti"))


def _dt(value: str | None, *, time: bool = True) -> str:
    """An ISO date or datetime in words; a bare date stays a date."""
    if not value:
        return "-"
    return tanggal(datetime.fromisoformat(value), time=time and "T" in value)


def _short(value: str | None) -> str:
    """``23/11/2026 14:05`` (or just the date) for narrow table columns."""
    if not value:
        return "-"
    moment = datetime.fromisoformat(value)
    return moment.strftime("%d/%m/%Y %H:%M" if "T" in value else "%d/%m/%Y")


def _reporter(view: dict) -> Text:
    if view["anonim"]:
        return Text("(anonim)", style="italic dim")
    return literal(view["nama"] or "-")


def unit_short(name: str | None) -> str:
    """A unit's short name (``singkatan`` in unit.toml) for narrow columns."""
    if not name:
        return "-"
    from lapor_cli.references import units

    for unit in units():
        if unit.nama == name and unit.singkatan:
            return unit.singkatan
    return name


def list_table() -> Table:
    """A list of cases: no edges, two spaces between columns, so that a whole case number and
    a whole date still fit in 80 columns."""
    return Table(
        box=box.SIMPLE_HEAD,
        header_style="bold",
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )


def render_list(views: list[dict], total: int) -> None:
    if not views:
        console.print("Tidak ada kasus yang cocok.")
        return
    wide = console.width >= 110
    table = list_table()
    table.add_column("Nomor", no_wrap=True, min_width=13)
    table.add_column("Diterima", no_wrap=True, min_width=10)
    table.add_column("Kanal", no_wrap=True, min_width=8)
    if wide:
        table.add_column("Jenis", no_wrap=True)
    table.add_column("Status", no_wrap=True, min_width=14)
    table.add_column("Pelapor", overflow="fold", min_width=8)
    if wide:
        table.add_column("Kategori", no_wrap=True)
        table.add_column("Unit", no_wrap=True)
    table.add_column("Batas", no_wrap=True, min_width=10)
    for v in views:
        cells: list[Text] = [
            literal(v["nomor"]),
            literal(_short(v["diterima"][:10])),
            literal(v["kanal"]),
        ]
        if wide:
            cells.append(literal(v["jenis"]))
        cells += [literal(v["status"], STATUS_STYLE.get(v["status"], "")), _reporter(v)]
        if wide:
            cells += [literal(v["kategori"] or "-"), literal(unit_short(v["unit"]))]
        open_case = v["status"] in _RUNNING
        due = _short(v["batas_waktu"][:10]) if open_case and v["batas_waktu"] else "-"
        cells.append(literal(due))
        table.add_row(*cells)
    console.print(table)
    if total > len(views):
        console.print(
            Text(
                f"Menampilkan {len(views)} dari {total} kasus; pakai --batas 0 untuk semua.",
                style="dim",
            )
        )
    else:
        console.print(Text(f"{total} kasus.", style="dim"))


def warn_damaged(view: dict) -> None:
    """One warning on stderr when part of a case is damaged in the register (``rusak``)."""
    if view.get("rusak"):
        from lapor_cli.console import warn

        warn(
            "sebagian isi kasus ini rusak di register (ditampilkan dengan �): "
            + "; ".join(view["rusak"])
            + ". Jalankan `lapor periksa`; pulihkan dari cadangan bila perlu."
        )


def render_case(view: dict) -> None:
    warn_damaged(view)
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    status = literal(view["status"], STATUS_STYLE.get(view["status"], ""))
    rows: list[tuple[str, object]] = [
        ("Nomor", view["nomor"]),
        ("Status", status),
        ("Kanal / jenis", f"{view['kanal']} / {view['jenis']}"),
        ("Diterima", _dt(view["diterima"])),
    ]
    if view["status"] not in ("dibatalkan", "digabung"):  # counted nowhere: no deadline
        rows.append(("Batas waktu", f"{_dt(view['batas_waktu'])} ({view['sla_keterangan']})"))
    if view.get("digabung_ke"):
        rows.append(("Digabung ke", f"{view['digabung_ke']} (kasus utama; dihitung di sana)"))
    if view.get("dibuka"):
        rows.append(("Dibuka kembali", _dt(view["dibuka"])))
    if view["nomor_lapor"]:
        rows.append(("Nomor SP4N-LAPOR!", view["nomor_lapor"]))
    if view["nomor_formulir"]:
        rows.append(("Nomor formulir", view["nomor_formulir"]))
    if view["anonim"]:
        rows.append(("Pelapor", Text("(anonim — identitas tidak disimpan)", style="italic")))
    else:
        for label, key in (
            ("Nama", "nama"),
            ("NIK", "nik"),
            ("KK", "kk"),
            ("HP", "hp"),
            ("Email", "email"),
            ("Alamat", "alamat"),
        ):
            if view[key]:
                rows.append((label, view[key]))
    rows.append(("Uraian", view["uraian"] + ("  [rahasia]" if view["rahasia"] else "")))
    if view["kategori"]:
        rows.append(("Kategori", view["kategori"]))
    if view.get("klasifikasi"):
        rows.append(("Klasifikasi", view["klasifikasi"].replace("-", " ")))
    if view["unit"]:
        unit = view["unit"]
        if view["tembusan"]:
            unit += f" (tembusan: {', '.join(view['tembusan'])})"
        rows.append(("Unit", unit))
    if view["hasil"]:
        rows.append(("Hasil", view["hasil"]))
    if view["tepat_waktu"] is not None:
        rows.append(("Tepat waktu", "ya" if view["tepat_waktu"] else "tidak (terlambat)"))
    if view["dilaporkan_balik"] is not None:
        rows.append(("Dilaporkan balik", "ya" if view["dilaporkan_balik"] else "belum"))
    if view["skor"] is not None:
        rating = f"{view['skor']}/5"
        if view["komentar"]:
            rating += f" — {view['komentar']}"
        rows.append(("Penilaian", rating))
    for number, linked in enumerate(view.get("gabungan") or (), start=1):
        rows.append((f"Aduan ganda {number}" if number > 1 else "Aduan ganda", _linked(linked)))
    for number, item in enumerate(view.get("lampiran") or (), start=1):
        rows.append(
            (
                "Lampiran" if number == 1 else "",
                f"#{item['id']} {item['nama']} ({item['jenis_label']}, {item['ukuran_teks']}), "
                f"{_short(item['ditambahkan'])}, {item['oleh']}",
            )
        )
    for label, value in rows:
        head.add_row(label, value if isinstance(value, Text) else literal(value))
    console.print(head)
    console.print()
    from lapor_cli.workflow import ACTION_LABEL

    entries = []
    for e in view["riwayat"]:
        change = e["ke"] if e["dari"] in (None, e["ke"]) else f"{e['dari']} → {e['ke']}"
        detail = e["catatan"] or ""
        extra = {
            k: v
            for k, v in e["data"].items()
            if k in ("oleh", "ditugaskan", "dirujuk_ke", "nomor_surat")
        }
        if extra:
            detail += " (" + ", ".join(f"{k}: {v}" for k, v in extra.items()) + ")"
        for name, values in (e["data"].get("perubahan") or {}).items():
            detail += f"\n{name}: {_value(values.get('lama'))} → {_value(values.get('baru'))}"
        typed = e.get("dicatat")
        if typed and typed[:16] != (e["waktu"] or "")[:16]:
            detail += f"\n(dicatat {_short(typed)})"
        entries.append(
            (_short(e["waktu"]), ACTION_LABEL.get(e["aksi"], e["aksi"]), change, e["oleh"], detail)
        )
    if console.width < 100:  # a table of five columns leaves the note a sliver: one entry a block
        console.print(Text("Riwayat", style="bold"))
        for waktu, langkah, change, oleh, detail in entries:
            console.print(styled(f"{waktu}  ", (langkah, "bold"), f"  {change}  ({oleh})"))
            if detail:
                console.print(Padding(literal(detail), (0, 0, 0, 4)))
        return
    timeline = Table(title="Riwayat", title_justify="left", header_style="bold")
    for col in ("Waktu", "Langkah", "Status", "Oleh", "Keterangan"):
        timeline.add_column(col, overflow="fold")
    for entry in entries:
        timeline.add_row(*(literal(cell) for cell in entry))
    console.print(timeline)


def _value(value: object) -> str:
    """A corrected field's old or new value, as the timeline shows it."""
    if value is None or value == "":
        return "(kosong)"
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and "T" in value:
        try:
            return _short(value)
        except ValueError:
            pass
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _linked(linked: dict) -> str:
    """A duplicate merged into the case: number, channel, receipt, reporter (masked)."""
    parts = [f"{linked['nomor']}: {linked['kanal']}, diterima {_short(linked['diterima'])}"]
    if linked["nomor_lapor"]:
        parts.append(f"SP4N-LAPOR! {linked['nomor_lapor']}")
    if linked["anonim"]:
        parts.append("pelapor anonim")
    else:
        who = [linked["nama"] or "-"]
        who += [
            f"{label} {linked[key]}" for label, key in (("NIK", "nik"), ("HP", "hp")) if linked[key]
        ]
        parts.append(" ".join(who[:1]) + (f" ({', '.join(who[1:])})" if who[1:] else ""))
    if linked["dilaporkan_balik"] is not None:
        parts.append("dilaporkan balik" if linked["dilaporkan_balik"] else "belum dilaporkan balik")
    return "; ".join(parts)
