"""What a user types is shown as typed, everywhere (issue 16, item 5).

Rich reads ``[bold]``, ``[/]``, ``[link=…]`` as markup and ``:warning:`` as an emoji code. A
name, a note or a holiday's description holding them used to crash the command after it had
written (exit 1 with a traceback: it looked refused but was not), then crash every later
``libur``, ``meja``, ``rekap`` and ``lihat``, or turn a typed ``[link=…]`` into a clickable
link in the history an auditor reads. Here every command is walked with such a value in
every free-text field, and every screen must show each value literally.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import Runner, dump_register, ok_json, query_register
from lapor_cli import console as console_module
from lapor_cli import references
from lapor_cli.cli import app


def hostile(tag: str) -> str:
    """A value (told apart by its short ``tag``) that Rich would read as markup, a hyperlink
    and an emoji code; under 60 characters and without spaces, so that it fits every field
    and a wide table never wraps it."""
    return f"{tag}[/][b]x[/b][link=http://c.id]k[/link]:warning:[red]"


def set_width(monkeypatch: pytest.MonkeyPatch, columns: int) -> None:
    """Screens ``columns`` wide from the next command on (the consoles are made afresh)."""
    monkeypatch.setenv("LAPOR_LEBAR", str(columns))
    for lazy in (console_module.console, console_module.err_console):
        monkeypatch.setattr(lazy, "_real", None, raising=False)


@pytest.fixture
def hostile_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An office unit list (data/unit.toml, editable by the office) with a unit whose name
    holds markup; the cached lists are read afresh before and after."""
    name = "Bidang [Rehab] [/]"
    folder = tmp_path / "data-kantor"
    folder.mkdir()
    (folder / "unit.toml").write_text(
        f'[[unit]]\nnama = "{name}"\nsingkatan = "REH[/]"\n\n'
        '[[unit]]\nnama = "Sekretariat"\nsingkatan = "SEKRE"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("LAPOR_DATA", str(folder))
    references.units.cache_clear()
    yield name
    references.units.cache_clear()


def succeeds(run: Runner, *args: str, waktu: str | None = None) -> tuple[str, str]:
    """``lapor ARGS`` must succeed: exit 0, no traceback, no refusal; (stdout, stderr)."""
    code, out, err = run(*args, waktu=waktu)
    assert code == 0, (args, err)
    assert "Ditolak" not in err and "Traceback" not in err + out, (args, err)
    return out, err


def literal_in(screen: str, *values: str) -> None:
    """Each value appears exactly as typed: no markup read, no emoji put in, no link."""
    for value in values:
        assert value in screen, f"{value!r} not shown literally in:\n{screen}"
    assert "⚠" not in screen


def test_every_command_shows_every_typed_value_literally(
    run: Runner, monkeypatch: pytest.MonkeyPatch, hostile_unit: str, tmp_path: Path
) -> None:
    set_width(monkeypatch, 400)  # wide enough that no cell wraps: values are found whole
    kantor, meja = hostile("kantor"), hostile("meja")
    _, err = succeeds(run, "kantor", "--nama", kantor)
    _, err = succeeds(run, "meja", "tambah", "kupang", "--nama", meja, "--prefiks", "KPG")
    literal_in(err, meja)
    _, err = succeeds(run, "meja", "ubah", "kupang", "--nama", meja + "2")
    literal_in(err, meja + "2")

    # Office days: a day off on Tue 24 Nov (inside the first case's deadline), a package
    # holiday made a working day.
    libur, sk, batal = hostile("libur"), hostile("sk"), hostile("batal")
    _, err = succeeds(run, "libur", "tambah", "2026-11-24", libur, "--sk", sk)
    literal_in(err, libur)
    succeeds(run, "libur", "hapus", "2026-12-24", "--keterangan", batal)

    fields = {
        "nama": hostile("nm"),
        "uraian": hostile("ur"),
        "alamat": hostile("al"),
        "nomor-lapor": hostile("nl"),
        "nomor-formulir": hostile("nf"),
        "petugas": hostile("pt"),
    }
    args = ["catat", "--meja", "utama", "--kanal", "sp4n-lapor", "--jenis", "aduan"]
    for name, value in fields.items():
        args += [f"--{name}", value]
    out, err = succeeds(run, *args)
    nomor = re.search(r"DS-2026-\d{5}", out)[0]

    notes = {
        name: hostile(f"n{i}")
        for i, name in enumerate(
            (
                "catatan-verifikasi",
                "tembusan",
                "catatan-distribusi",
                "catatan-tl",
                "oleh",
                "tugaskan",
                "tunda",
                "hasil",
                "komentar",
                "petugas-langkah",
            )
        )
    }
    by = ["--petugas", notes["petugas-langkah"]]
    steps = [
        ["verifikasi", nomor, "--kategori", "PKH", "--catatan", notes["catatan-verifikasi"]],
        ["distribusi", nomor, "--unit", "REH[/]", "--tembusan", notes["tembusan"]],
        ["tindaklanjut", nomor, "--catatan", notes["catatan-tl"], "--oleh", notes["oleh"]],
        ["tindaklanjut", nomor, "--catatan", "lagi", "--tugaskan", notes["tugaskan"]],
        ["tunda", nomor, "--alasan", notes["tunda"]],
        ["lanjut", nomor],
        ["tutup", nomor, "--hasil", notes["hasil"], "--dilaporkan"],
        ["nilai", nomor, "--skor", "5", "--komentar", notes["komentar"]],
    ]
    steps[1] += ["--catatan", notes["catatan-distribusi"]]
    for step in steps:
        _, err = succeeds(run, *step, *by)
        if step[0] == "tunda":
            literal_in(err, notes["tunda"])

    # A second case archived with a reason and a referral, a third answered normatively,
    # a fourth (an information request) extended with a reason.
    archived = {
        name: hostile(f"a{i}") for i, name in enumerate(("alasan", "dirujuk-ke", "nomor-surat"))
    }
    normative, extension = hostile("jn"), hostile("pp")
    second = ok_json(run, "catat", "--meja", "utama", "--kanal", "surat", "--jenis", "aduan",
                     "--uraian", "Dua", "--nama", "Dua")["nomor"]  # fmt: skip
    step = ["verifikasi", second, "--kategori", "LAINNYA", "--bukan-kewenangan"]
    for name, value in archived.items():
        step += [f"--{name}", value]
    succeeds(run, *step)
    third = ok_json(run, "catat", "--meja", "utama", "--kanal", "surat", "--jenis", "aduan",
                    "--uraian", "Tiga", "--nama", "Tiga")["nomor"]  # fmt: skip
    succeeds(run, "verifikasi", third, "--kategori", "PKH")
    succeeds(run, "distribusi", third, "--jawaban-normatif", normative)
    _, err = succeeds(run, "profil", "kemensos-uu14")
    fourth = ok_json(run, "catat", "--meja", "utama", "--kanal", "surat", "--jenis", "informasi",
                     "--uraian", "Empat", "--nama", "Empat")["nomor"]  # fmt: skip
    _, err = succeeds(run, "perpanjang", fourth, "--alasan", extension)

    # Paper forms with the same values, then the same form number with other content (a
    # warning that quotes it), then a file with a bad row (a table that quotes it).
    form = hostile("fm")
    csv = tmp_path / "formulir.csv"
    header = "nomor_formulir,diterima,kanal,jenis,uraian,nama\n"
    csv.write_text(header + f"{form},2026-11-20,surat,aduan,{hostile('u2')},{hostile('n2')}\n")
    out, err = succeeds(run, "impor", str(csv), "--meja", "utama", *by)
    csv.write_text(header + f"{form},2026-11-20,surat,aduan,lain,{hostile('n2')}\n")
    out, err = succeeds(run, "impor", str(csv), "--meja", "utama")
    literal_in(err, form)
    before = dump_register()
    csv.write_text(header + f"F-9,2026-11-20,{hostile('kanal')},aduan,x,y\n")
    code, out, err = run("impor", str(csv), "--meja", "utama")
    assert code == 1 and err.startswith("Ditolak:") and dump_register() == before
    literal_in(out, hostile("kanal"))

    # Every screen shows every value as typed.
    wide_screens = {
        "lihat": succeeds(run, "lihat", nomor)[0],
        "lihat-arsip": succeeds(run, "lihat", second)[0],
        "lihat-normatif": succeeds(run, "lihat", third)[0],
        "lihat-informasi": succeeds(run, "lihat", fourth)[0],
        "lengkap": succeeds(run, "lihat", nomor, "--lengkap", *by)[0],
        "daftar": succeeds(run, "daftar", "--semua-meja")[0],
        "sla": succeeds(run, "sla")[0],
        "jelaskan": succeeds(run, "sla", fourth, "--jelaskan")[0],
        "libur": succeeds(run, "libur", "--tahun", "2026")[0],
        "meja": succeeds(run, "meja")[0],
        "rekap": succeeds(run, "rekap")[0],
        "kantor": succeeds(run, "kantor", "--meja", "kupang")[0],
        "profil": succeeds(run, "profil")[0],
    }
    case_values = [
        fields["nama"],
        fields["uraian"],
        fields["alamat"],
        fields["nomor-lapor"],
        fields["nomor-formulir"],
        fields["petugas"],
        hostile_unit,
        *notes.values(),
    ]
    literal_in(wide_screens["lihat"], *case_values)
    literal_in(wide_screens["lihat-arsip"], *archived.values())
    literal_in(wide_screens["lihat-normatif"], normative)
    literal_in(wide_screens["lihat-informasi"], extension)
    literal_in(wide_screens["lengkap"], notes["petugas-langkah"], fields["nama"])
    literal_in(wide_screens["daftar"], fields["nama"], hostile("n2"), "REH[/]")
    literal_in(wide_screens["jelaskan"], libur)
    literal_in(wide_screens["libur"], libur, sk)  # (a cancelled holiday is not listed)
    literal_in(wide_screens["meja"], meja + "2")
    literal_in(wide_screens["rekap"], kantor, "REH[/]")
    literal_in(wide_screens["kantor"], kantor, meja + "2")
    assert "kemensos-uu14" in wide_screens["profil"]

    # JSON is the data as stored.
    view = ok_json(run, "lihat", nomor)
    assert view["nama"] == fields["nama"] and view["riwayat"][0]["oleh"] == fields["petugas"]
    assert [c["nama"] for c in ok_json(run, "daftar", "--semua-meja")].count(fields["nama"]) == 1

    # The monev workbook is written, and says so.
    out, err = succeeds(run, "ekspor", "--keluaran", str(tmp_path / "monev.xlsx"))
    assert (tmp_path / "monev.xlsx").is_file()

    # Narrow screens: another layout (the history a block per entry), the same values.
    set_width(monkeypatch, 80)
    narrow = succeeds(run, "lihat", nomor)[0]
    assert "[/]" in narrow and "[link=" in narrow and "⚠" not in narrow
    for screen in (succeeds(run, "daftar")[0], succeeds(run, "sla")[0], succeeds(run, "rekap")[0]):
        assert "Traceback" not in screen


@pytest.mark.parametrize(
    ("setup", "command", "typed"),
    [
        ([], ["libur", "tambah", "2026-12-01", "HUT [/] Kota"], "HUT [/] Kota"),
        (
            [],
            ["meja", "tambah", "kupang", "--nama", "Kupang [/]", "--prefiks", "KPG"],
            "Kupang [/]",
        ),
        (["catat"], ["tunda", "DS-2026-00001", "--alasan", "[/]"], "[/]"),
        ([], ["kantor", "--nama", "Dinas [/]"], "Dinas [/]"),
    ],
    ids=["libur-tambah", "meja-tambah", "tunda", "kantor"],
)
def test_a_command_that_wrote_never_exits_as_refused(
    run: Runner, catat: Callable[..., dict], setup: list[str], command: list[str], typed: str
) -> None:
    # The cases of the issue: each wrote, then exited 1 with a MarkupError traceback.
    if setup:
        catat()
    code, out, err = run(*command)
    assert code == 0, err
    assert typed in out + err
    assert "Ditolak" not in err


@pytest.mark.parametrize(
    ("write", "read"),
    [
        (["libur", "tambah", "2026-12-01", "HUT [/] Kota"], ["libur", "--tahun", "2026"]),
        (["meja", "tambah", "kupang", "--nama", "Kupang [/]", "--prefiks", "KPG"], ["meja"]),
        (["kantor", "--nama", "Dinas [/] Kota"], ["rekap"]),
    ],
    ids=["libur", "meja", "rekap"],
)
def test_a_stored_bracket_does_not_break_a_screen(
    run: Runner, write: list[str], read: list[str]
) -> None:
    run(*write)
    code, out, err = run(*read)
    assert code == 0, err
    assert "[/]" in out


def test_lihat_with_a_bracket_as_officer_shows_it(
    run: Runner, catat: Callable[..., dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    set_width(monkeypatch, 120)  # the history as a table (wide terminals)
    nomor = catat(petugas="[/]")["nomor"]
    code, out, err = run("lihat", nomor)
    assert code == 0, err
    assert "([/])" in out or "│ [/]" in out


def test_a_link_typed_as_officer_is_no_link_in_the_history(
    run: Runner, catat: Callable[..., dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a real terminal Rich writes [link=…] as an OSC 8 hyperlink: the auditor's history
    # view showed a clickable "klik" where the officer's name belongs.
    nomor = catat(petugas="[link=http://contoh.invalid]klik[/link]")["nomor"]
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    set_width(monkeypatch, 160)
    code, out, err = run("lihat", nomor)
    assert code == 0, err
    assert "\x1b]8;" not in out  # no hyperlink escape
    assert "[link=http://contoh.invalid]klik[/link]" in re.sub(r"\x1b\[[0-9;]*m", "", out)


def test_emoji_codes_stay_text(run: Runner, catat: Callable[..., dict]) -> None:
    # Rich turns ":warning:" into an emoji in plain strings, markup or not.
    code, _, err = run("libur", "tambah", "2026-12-01", ":warning: HUT Kota")
    assert code == 0 and ":warning: HUT Kota" in err
    code, out, _ = run("libur", "--tahun", "2026")
    assert ":warning: HUT Kota" in out and "⚠" not in out + err
    nomor = catat(nama=":warning: Budi", uraian=":smile:")["nomor"]
    code, out, _ = run("lihat", nomor)
    assert code == 0
    assert ":warning: Budi" in out and ":smile:" in out
    assert "⚠" not in out and "😄" not in out


def test_bad_import_values_shown_as_typed(run: Runner, tmp_path: Path) -> None:
    # The warnings of an import quote the file: they were escaped for markup (a "\[" then
    # showed up on screen); now they are shown as they are.
    csv = tmp_path / "f.csv"
    header = "nomor_formulir,diterima,kanal,jenis,uraian,nama\n"
    csv.write_text(header + "F[1],2026-11-20,surat,aduan,a,b\n")
    assert run("impor", str(csv))[0] == 0
    csv.write_text(header + "F[1],2026-11-20,surat,aduan,lain,b\n")
    code, _, err = run("impor", str(csv))
    assert code == 0
    assert "F[1]" in err and "\\[" not in err


# ------------------------------------------------------- the message after a write never fails


def test_a_failure_while_telling_the_result_does_not_look_refused(
    run: Runner, catat: Callable[..., dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    nomor = catat()["nomor"]

    def broken(text: object) -> None:
        raise UnicodeEncodeError("cp1252", "→", 0, 1, "terminal ini tidak dapat menampilkannya")

    monkeypatch.setattr(console_module, "message", broken)
    code, out, err = run("verifikasi", nomor, "--kategori", "PKH")
    assert code == 0
    assert err.startswith("Tersimpan di register") and err.count("\n") == 1
    assert "Ditolak" not in err
    status = query_register("SELECT status FROM kasus WHERE nomor = ?", nomor)
    assert status == [("terverifikasi",)]


def test_a_bug_before_anything_is_written_keeps_its_traceback(
    catat: Callable[..., dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    nomor = catat()["nomor"]
    from lapor_cli import handling

    def bug(*args: object, **kwargs: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(handling, "verify_case", bug)
    result = CliRunner().invoke(app, ["verifikasi", nomor, "--kategori", "PKH"])
    assert isinstance(result.exception, RuntimeError)


def test_a_refusal_after_a_command_that_wrote_is_still_a_refusal(run: Runner, catat) -> None:
    # The "written" mark is per invocation: the next command's refusal is not "saved".
    nomor = catat()["nomor"]
    code, _, err = run("tutup", nomor, "--hasil", "x")
    assert code == 1 and err.startswith("Ditolak:")


# ------------------------------------------------------------------ no markup in the source

SOURCE = Path(__file__).resolve().parents[1] / "src" / "lapor_cli"
MARKUP = re.compile(
    r"\[/?(?:bold|dim|italic|yellow|red|green|cyan|blue|magenta|link)\b[^\]]*\]|\[/\]"
)


@pytest.mark.parametrize(
    "module",
    [*sorted((SOURCE / "cli").glob("*.py")), SOURCE / "console.py"],
    ids=lambda p: p.name,
)
def test_no_rich_markup_in_the_cli(module: Path) -> None:
    """The consoles read no markup (``console.py``): a ``[bold]…[/]`` in a message would be
    printed as such. Style is given as data (``styled``, ``literal``, ``Text``)."""
    code = module.read_text(encoding="utf-8")
    code = re.sub(r'"""[\s\S]*?"""', "", code)  # docstrings may talk about markup
    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith("#"))
    assert not MARKUP.findall(code)


def test_json_keeps_the_text_as_stored(run: Runner, catat: Callable[..., dict]) -> None:
    case = catat(nama="[b]Siti[/b]", uraian="[/] :smile:")
    listed = json.loads(run("daftar", "--json")[1])
    assert listed[0]["nama"] == "[b]Siti[/b]" and listed[0]["uraian"] == "[/] :smile:"
    assert case["nama"] == "[b]Siti[/b]"


# ------------------------------------------------------------------------------ progress bars


def test_the_ekspor_progress_bar_runs_on_the_lazy_console(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A month of 5,000+ cases on a terminal: the bar entered the lazy console proxy as a
    # context manager and crashed (TypeError) before the workbook was written.
    from lapor_cli.cli import monev as cli_monev

    monkeypatch.setattr(cli_monev, "PROGRESS_FROM", 1)
    with cli_monev._progress_bar(enabled=True) as update:
        for i in range(4):
            update(i, 3)
    assert "Traceback" not in capsys.readouterr().err


def test_a_progress_description_is_shown_as_given(capsys: pytest.CaptureFixture[str]) -> None:
    from lapor_cli.cli import importing as cli_importing

    with cli_importing._progress(True) as update:
        update("[/] :warning:", 1, 2)
        update("[/] :warning:", 2, 2)
    err = capsys.readouterr().err
    assert "Traceback" not in err
