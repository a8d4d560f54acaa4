"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re

from .conftest import ROOT


def _commands() -> list[str]:
    block = re.search(
        r"## Set-up: two commands.*?```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S
    )
    assert block, "README.md has no set-up block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_two_commands():
    build, test = _commands()
    assert build.endswith("mscsle build")
    assert "pytest" in test


def test_ci_runs_the_readme_test_command():
    assert _commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
