"""Print a pip constraints file that pins every direct dependency to its declared floor.

    python .ci/floors.py > floors.txt
    pip install -c floors.txt '.[test]'

reads ``[project].dependencies`` and every ``[project.optional-dependencies]`` group of
pyproject.toml and writes one line per package: ``name==floor`` (the ``>=``/``~=`` bound),
its environment marker kept (``tzdata; sys_platform == 'win32'``). A package with no lower
bound is written without a version, so the list still names every direct dependency.
Transitive dependencies are not pinned: they resolve as they would for a user.

The floors run in `.ci/run` proves that each floor pyproject.toml promises is a version that
works. Standard library only (tomllib, Python 3.11+).
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"

#: name, [extras], version specifiers, ; marker  (PEP 508 without URLs)
REQUIREMENT = re.compile(
    r"""^\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*
    (?:\[[^\]]*\])?\s*
    (?P<specs>[^;]*?)\s*
    (?:;\s*(?P<marker>.*?))?\s*$""",
    re.VERBOSE,
)


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def floor(specs: str, requirement: str) -> str | None:
    """The lowest version ``specs`` allows, or None when there is no lower bound."""
    found = None
    for spec in filter(None, (s.strip() for s in specs.split(","))):
        match = re.fullmatch(r"(~=|==|>=|<=|!=|<|>|===)\s*(\S+)", spec)
        if match is None:
            raise SystemExit(f"floors.py: cannot read {spec!r} in {requirement!r}")
        op, version = match.groups()
        if op in (">=", "~=", "==", "==="):
            if found is not None:
                raise SystemExit(f"floors.py: two lower bounds in {requirement!r}")
            found = version
        elif op == ">":
            raise SystemExit(f"floors.py: {requirement!r} has no lowest version; use >=")
    return found


def constraints(project: dict) -> list[str]:
    groups = [project.get("dependencies", [])]
    groups += project.get("optional-dependencies", {}).values()
    lines: dict[tuple[str, str], str] = {}
    for requirement in (r for group in groups for r in group):
        match = REQUIREMENT.match(requirement)
        if match is None or "@" in match["specs"]:
            raise SystemExit(f"floors.py: cannot read requirement {requirement!r}")
        name, marker = normalized(match["name"]), match["marker"]
        version = floor(match["specs"], requirement)
        line = f"{name}=={version}" if version else name
        if marker:
            line += f"; {marker}"
        key = (name, marker or "")
        if lines.setdefault(key, line) != line:
            raise SystemExit(f"floors.py: {name} is declared with two different floors")
    return sorted(lines.values())


def main() -> None:
    with PYPROJECT.open("rb") as f:
        project = tomllib.load(f)["project"]
    sys.stdout.write("".join(f"{line}\n" for line in constraints(project)))


if __name__ == "__main__":
    main()
