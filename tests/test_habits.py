"""The code's habits, kept by CI through the test suite: ruff's lint and format, and mypy's types, all clean."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT

CHECKS = {
    "ruff check": [sys.executable, "-m", "ruff", "check", "src", "tests", "benchmarks"],
    "ruff format": [sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "benchmarks"],
    "mypy": [sys.executable, "-m", "mypy"],  # files and options: [tool.mypy] in pyproject.toml
}


@pytest.mark.parametrize("name", CHECKS)
def test_habit_is_clean(name: str):
    run = subprocess.run(CHECKS[name], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, f"{name} found problems:\n{run.stdout}{run.stderr}"
