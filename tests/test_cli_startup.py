"""The start-up of a command: only the typed command's family is built (``lapor_cli.cli.run``)
and plain values are converted without pydantic (``cli/_app.py``), with the same help pages,
usage errors and values as the whole app and Typer's own converter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.core
import typer.main
from typer.testing import CliRunner

from lapor_cli.cli import COMMANDS, FAMILIES, _app, app, app_for, build, command_word

runner = CliRunner()


def python(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100", **(env or {})}
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=60,
        check=False,
    )


# ------------------------------------------------------------------ the command → family table


def test_the_table_names_exactly_the_commands_of_the_whole_app() -> None:
    assert set(COMMANDS) == set(typer.main.get_command(app).commands)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: ".".join(family))
def test_each_family_defines_exactly_its_commands_in_the_table(family) -> None:
    built = typer.main.get_command(build((family,)))
    assert set(built.commands) == {name for name, fam in COMMANDS.items() if fam == family}


@pytest.mark.parametrize(
    ("args", "word"),
    [
        ([], None),
        (["daftar", "--batas", "3"], "daftar"),
        (["--db", "x.db", "lihat", "DS-1"], "lihat"),
        (["--db=x.db", "--demo", "sla"], "sla"),
        (["--demo", "--db", "--help", "sla"], "sla"),  # --help is --db's value here
        (["--db"], None),
        (["--help"], None),
        (["-h", "daftar"], None),
        (["--versi"], None),
        (["--version", "daftar"], None),
        (["--demo", "--json", "daftar"], None),
        (["daftar", "--help"], "daftar"),
    ],
)
def test_the_command_word_skips_the_global_options(args, word) -> None:
    assert command_word(args) == word


@pytest.mark.parametrize(
    "args", [[], ["--help"], ["nope"], ["--versi"], ["--db"], ["--bogus", "daftar"]]
)
def test_no_known_command_gets_the_whole_app(args) -> None:
    assert app_for(args) is app


def test_a_known_command_gets_its_own_command_only() -> None:
    built = typer.main.get_command(app_for(["--demo", "sla", "--help"]))
    assert "sla" in built.commands and "daftar" not in built.commands


# ------------------------------------------------------------- same output as the whole app


def _both(args: list[str]) -> tuple[typer.testing.Result, typer.testing.Result]:
    whole = runner.invoke(app, args, prog_name="lapor")
    lazy = runner.invoke(app_for(args), args, prog_name="lapor")
    return whole, lazy


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_help_is_the_same_from_its_family_alone(name) -> None:
    whole, lazy = _both([name, "--help"])
    assert whole.exit_code == lazy.exit_code == 0, whole.output
    assert f"lapor {name}" in lazy.stdout
    assert lazy.stdout == whole.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["daftar", "--batas", "x"],
        ["daftar", "--batas", "2.5"],
        ["daftar", "--bats", "3"],
        ["daftar", "--batas"],
        ["lihat"],
        ["lihat", "A", "B"],
        ["nilai", "DS-2026-00001", "--skor", "lima"],
        ["--demo", "sla", "--per", "x", "--bogus"],
        ["meja", "bogus"],
        ["lampiran"],
        ["libur", "--help"],
        ["profil", "lihat", "--help"],
    ],
)
def test_a_usage_error_is_the_same_from_its_family_alone(args) -> None:
    whole, lazy = _both(args)
    assert (lazy.exit_code, lazy.stdout, lazy.stderr) == (
        whole.exit_code,
        whole.stdout,
        whole.stderr,
    )


def test_in_a_real_process_help_and_usage_errors_are_the_whole_apps() -> None:
    whole_app = "import sys; from lapor_cli.cli import app; app(prog_name='lapor')"
    for args in (["sla", "--help"], ["daftar", "--batas", "x"], ["nope"]):
        lazy = python("-m", "lapor_cli", *args)
        whole = python("-c", whole_app, *args)
        assert (lazy.returncode, lazy.stdout, lazy.stderr) == (
            whole.returncode,
            whole.stdout,
            whole.stderr,
        )
        assert "Traceback" not in lazy.stderr


# -------------------------------------------------------------------------- without pydantic

#: Runs ``lapor ARGS``; says whether pydantic was imported when the global callback and then
#: the command's body started (the data layer may import it, the shell must not), and whether
#: Typer's pydantic converters were imported by the end.
PROBE = """
import atexit, functools, sys
import lapor_cli.cli._app as shell
seen = []
real = shell._guarded
def guarded(fn):
    inner = real(fn)
    @functools.wraps(fn)
    def probe(*a, **kw):
        seen.append("pydantic" in sys.modules)
        return inner(*a, **kw)
    return probe
shell._guarded = guarded
atexit.register(lambda: print(
    "PROBE", seen, "typer._adapters" in sys.modules, file=sys.stderr))
sys.argv = ["lapor", *sys.argv[1:]]
import runpy
runpy.run_module("lapor_cli", run_name="__main__")
"""


@pytest.mark.parametrize(
    "args", [["daftar", "--batas", "3", "--cari", "x"], ["lihat", "X"], ["--demo", "sla"]]
)
def test_plain_values_are_converted_without_pydantic(tmp_path, args) -> None:
    env = {"LAPOR_DB": str(tmp_path / "r.db"), "LAPOR_WAKTU": "2026-11-30 10:00"}
    result = python("-c", PROBE, *args, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    assert "PROBE [False, False] False" in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("value", "code", "err"),
    [
        ("x", 2, "Cara pakai salah: --batas harus bilangan bulat.\nBantuan: lapor daftar --help\n"),
        ("2.5", 2, "Cara pakai salah: --batas harus bilangan bulat.\n"),
        ("", 2, "Cara pakai salah: --batas harus bilangan bulat.\n"),
        ("-1", 1, "Ditolak: --batas tidak boleh negatif.\n"),
        ("99999999999999999999", 1, "Ditolak: --batas terlalu besar"),
    ],
)
def test_a_bad_number_is_still_refused_in_a_real_process(tmp_path, value, code, err) -> None:
    env = {"LAPOR_DB": str(tmp_path / "r.db"), "LAPOR_WAKTU": "2026-11-30 10:00"}
    result = python("-m", "lapor_cli", "daftar", "--batas", value, env=env)
    assert result.returncode == code, result.stderr
    assert result.stderr.startswith(err), result.stderr


# ------------------------------------------------- the plain converter against Typer's own


def _probe_command() -> typer.core.TyperCommand:
    probe = typer.Typer(add_completion=False)

    @probe.command()
    def values(
        s: str | None = None,
        i: int | None = None,
        f: float | None = None,
        b: bool = False,
        p: Path | None = None,
        ls: list[str] | None = None,
        li: list[int] | None = None,
        lp: list[Path] | None = None,
        arg: Annotated[list[str] | None, typer.Argument()] = None,
    ) -> None:
        """Probe."""

    return typer.main.get_command(probe)


SAMPLES = [
    None,
    "",
    "3",
    "+3",
    "-3",
    "007",
    "-0",
    " 3",
    "3 ",
    "3_000",
    "3.0",
    "2.5",
    "-2.5e3",
    ".5",
    "1.",
    "1e400",
    "nan",
    "inf",
    "٣",
    "x",
    "yes",
    "No",
    "TRUE",
    "off",
    "t",
    "2",
    "99999999999999999999",
    "a\0b",
    "~/berkas.xlsx",
    ".",
    3,
    2.5,
    True,
    b"bytes",
    Path("p"),
    ("1", "2"),
    ["a", "x"],
    (),
]


def _outcome(convert, value, param, ctx):
    try:
        converted = convert(value, param=param, ctx=ctx)
        return "ok", repr(converted), type(converted)
    except Exception as exc:  # Typer's BadParameter, or whatever Typer raises
        return "error", type(exc).__name__, getattr(exc, "message", str(exc))


#: Whether this Typer converts with pydantic (``typer._coercion``), so that ``_app`` took over
#: its plain values; older Typer converts with Click's types.
converts_with_pydantic = pytest.mark.skipif(
    not hasattr(getattr(typer.core, "build_runtime_param", None), "typers"),
    reason="this Typer converts with Click's types, not pydantic",
)


@converts_with_pydantic
def test_plain_values_are_converted_as_typer_does(tmp_path) -> None:
    command = _probe_command()
    ctx = typer.Context(command)
    original = typer.core.build_runtime_param.typers
    unreadable = tmp_path / "geheim"
    unreadable.write_text("x")
    unreadable.chmod(0)
    samples = [*SAMPLES, str(tmp_path), str(unreadable), str(tmp_path / "belum-ada")]
    for param in command.params:
        ours = typer.core.build_runtime_param(param.type_descriptor)
        assert isinstance(ours, _app._PlainParam), param.name
        theirs = original(param.type_descriptor)
        for value in samples:
            expected = _outcome(theirs.coerce, value, param, ctx)
            got = _outcome(ours.coerce, value, param, ctx)
            assert got == expected, (param.name, value)


@converts_with_pydantic
def test_other_parameters_are_left_to_typer() -> None:
    probe = typer.Typer(add_completion=False)

    @probe.command()
    def values(
        n: Annotated[int, typer.Option(min=0)] = 1,
        e: Annotated[Path, typer.Option(exists=True)] = Path("."),
        parsed: Annotated[str, typer.Option(parser=str.upper)] = "",
    ) -> None:
        """Probe."""

    for param in typer.main.get_command(probe).params:
        built = typer.core.build_runtime_param(param.type_descriptor)
        assert not isinstance(built, _app._PlainParam), param.name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_known_command_is_built_alone(name) -> None:
    built = typer.main.get_command(app_for(["--demo", name, "--help"]))
    assert list(built.commands) == [name]


def test_the_lapor_program_starts_with_run(monkeypatch, capsys) -> None:
    import tomllib

    import lapor_cli.cli

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["lapor"] == "lapor_cli.cli:run"
    monkeypatch.setattr(sys, "argv", ["/usr/bin/lapor", "sla", "--help"])
    outputs = []
    for start in (lapor_cli.cli.run, lambda: app(prog_name="lapor")):
        with pytest.raises(SystemExit) as stopped:
            start()
        assert stopped.value.code == 0
        outputs.append(capsys.readouterr().out)
    assert "Cara pakai: lapor sla" in outputs[0]
    assert outputs[0] == outputs[1]
