"""The README: its set-up commands are the ones CI runs, its other commands and paths work on a fresh clone."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.query.stored import stored_queries

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


# --------------------------------------------------------------------------- every command and path in the README


DOCS = ("README.md", "docs/guide.md")
SETUP_PROGRAMS = {"python3", "python", "pip"}  # the two set-up commands: CI runs them (test above)
ELSEWHERE = {"curl", "xdg-open", "open", "cd", "sh"}  # programs of the system, shown as examples
# Apache Jena's tools: tests/test_triplestore_configs.py loads the shipped Fuseki set-up with them
JENA = {"tdb2.tdbloader", "fuseki-server"}


def fenced_commands(name: str) -> list[list[str]]:
    """Each command of the file's ```bash blocks as words: continuation lines joined, comments and output dropped,
    `a && b` and a trailing `&` split off."""
    text = (ROOT / name).read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        pending = ""  # a quoted argument may span lines
        for line in block.replace("\\\n", " ").splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith(("#", "$", "HTTP/", "..."))):
                continue
            try:
                words = shlex.split(pending + line, comments=True)
            except ValueError:
                pending += line + "\n"
                continue
            pending = ""
            part: list[str] = []
            for w in [*words, "&&"]:
                if w in ("&&", "&"):
                    if part:
                        commands.append(part)
                    part = []
                else:
                    part.append(w)
    return commands


def check_mscsle(args: list[str]) -> None:
    """The command parses as the CLI defines it: a real subcommand, real options, valid choices, a stored query."""
    sub_name, *rest = args
    assert sub_name in main.commands, f"no command {sub_name!r}"
    sub_ctx = main.commands[sub_name].make_context(sub_name, rest)
    if sub_name == "query" and (name := sub_ctx.params.get("name")) and not name.endswith(".rq"):
        assert name in stored_queries(ROOT / "queries"), f"no stored query {name!r}"


@pytest.mark.parametrize("doc", DOCS)
def test_every_fenced_command_matches_the_cli(doc: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(ROOT)  # paths in the commands are relative to the checkout
    commands = fenced_commands(doc)
    assert commands
    for words in commands:
        program = words[0].removeprefix(".venv/bin/")
        if program == "mscsle":
            check_mscsle(words[1:])
        elif program == "oxigraph":
            helped = subprocess.run(
                [shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph"), words[1], "--help"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            for opt in (w.split("=")[0] for w in words[2:] if w.startswith("--")):
                assert opt in helped, f"{doc}: oxigraph {words[1]} has no option {opt}"
        else:
            assert program in SETUP_PROGRAMS | ELSEWHERE | JENA, f"{doc}: unknown program in {' '.join(words)}"


def test_readme_query_commands_run_on_the_build(dist: Path):
    """Each `mscsle query` of the README (none of which needs a server) runs and answers, on a fresh build."""
    queries = [w for w in fenced_commands("README.md") if w[0].endswith("mscsle") and w[1] == "query"]
    assert len(queries) >= 2
    for words in queries:
        result = CliRunner().invoke(main, [*words[1:], "--dist", str(dist)])
        assert result.exit_code == 0, (words, result.output)
        assert len(result.output.splitlines()) >= 2, words


def tracked() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return set(files) | {str(Path(f).parent) for f in files} | {f"{Path(f).parent}/" for f in files}


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_readme_names_only_paths_of_a_fresh_clone():
    """Links and `path/...` in the README exist in the repository as committed (not only in a dev checkout)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    in_git = tracked()
    links = [t for t in re.findall(r"\]\(([^)#]+)\)", text) if "://" not in t]
    tops = ("ontology/", "data/", "shapes/", "queries/", "src/", "tests/", "benchmarks/", "docs/", ".ci/")
    paths = [p for p in re.findall(r"`([^`\s]+)`", text) if p.startswith(tops) and "*" not in p]
    assert links and paths
    for p in links + paths:
        assert p.rstrip("/") in in_git or p in in_git, f"README names {p}, which is not in the repository"
    assert "../" not in text, "a path outside the checkout"


def test_readme_is_short_and_opens_with_the_picture():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    assert text.index("](docs/network.png)") < text.index("## Set-up")
    assert "| --- |" in text and "## A short tour" in text
    assert "benchmark table" not in text, "benchmark tables live in benchmarks/README.md"


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_oxigraph_store_of_the_readme_is_ignored_by_git():
    done = subprocess.run(["git", "check-ignore", "-q", "store/db"], cwd=ROOT)
    assert done.returncode == 0, "`oxigraph serve --location store` would leave an untracked store/"
