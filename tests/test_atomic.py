"""Atomic, concurrent-safe builds: a build killed at any point leaves the previous output whole; builds never interleave.

The kills are real: tests/build_driver.py runs `mscsle build` in its own process and SIGKILLs itself at a chosen
point (or the test kills it at a random moment); afterwards the output folder must be exactly the previous build
or exactly the new one, never a mixture, and the next build must clean up whatever the killed one left.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mscsle.errors import OutputFolderError
from mscsle.project import Project
from mscsle.release import publish as atomic
from mscsle.release.pipeline import build
from mscsle.release.publish import MARKER, check_output, publish, staged_directory

from .conftest import FIXTURES, ROOT, make_project

DRIVER = ROOT / "tests" / "build_driver.py"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    """Staging or backup folders beside the output (the lock file may stay)."""
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".dist.") and p.name != ".dist.lock")


def changed_mini(tmp: Path) -> Project:
    """The mini project with one claim changed, so that its build differs from the mini build."""
    project = make_project(tmp, FIXTURES / "mini")
    claims = project.claims_dir / "direct_genes.yaml"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(
        text.replace("- OAZ is over-expressed in MSCs from SLE patients", "- OAZ is over-expressed in MSCs"),
        encoding="utf-8",
    )
    return project


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Project, dict[str, bytes]]]:
    """'old' and 'new': two projects with their expected build output."""
    out = {}
    for name, make in (("old", lambda t: make_project(t, FIXTURES / "mini")), ("new", changed_mini)):
        tmp = tmp_path_factory.mktemp(name)
        (tmp / "project").mkdir()
        project = make(tmp / "project")
        build(project, tmp / "dist")
        out[name] = (project, snapshot(tmp / "dist"))
    assert out["old"][1] != out["new"][1]
    return out


def driver(project: Project, out: Path, **env: str) -> subprocess.Popen:
    environ = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p), **env}
    return subprocess.Popen(
        [sys.executable, str(DRIVER), "--root", str(project.root), "build", "--out", str(out)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def previous_output(tmp: Path, old: dict[str, bytes]) -> Path:
    out = tmp / "dist"
    out.mkdir()
    for name, data in old.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)
    return out


# --- publishing ------------------------------------------------------------------------------------------------


def test_publish_replaces_the_whole_folder(tmp_path: Path):
    out = tmp_path / "dist"
    publish(out, {"a.txt": b"1", "b.txt": b"2"})
    publish(out, {"a.txt": b"3"})
    assert snapshot(out) == {MARKER: atomic.MARKER_TEXT, "a.txt": b"3"}
    assert leftovers(tmp_path) == []


def test_error_while_staging_leaves_the_output_as_it_was(tmp_path: Path):
    out = tmp_path / "dist"
    publish(out, {"a.txt": b"1"})
    before = snapshot(out)
    with pytest.raises(RuntimeError), staged_directory(out) as staging:
        (staging / "a.txt").write_bytes(b"half")
        raise RuntimeError("the build failed")
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("content", ["user file", "file"])
def test_a_folder_no_build_wrote_is_never_replaced(tmp_path: Path, content: str):
    out = tmp_path / "mine"
    if content == "file":
        out.write_text("not a folder")
    else:
        out.mkdir()
        (out / "notes.txt").write_text("precious")
    with pytest.raises(OutputFolderError) as err:
        publish(out, {"a.txt": b"1"})
    assert str(out) in str(err.value)
    if content == "file":
        assert out.read_text() == "not a folder"
    else:
        assert snapshot(out) == {"notes.txt": b"precious"}


def test_build_refuses_a_foreign_output_folder_before_building(mini, tmp_path: Path):
    from click.testing import CliRunner

    from mscsle.cli import main

    out = tmp_path / "home"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    result = CliRunner().invoke(main, ["--root", str(mini.root), "build", "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"cannot build: {out} is not empty and was not written by `mscsle build` (it has no "
        f".mscsle-build file); a build replaces its output folder as a whole, so choose a new "
        f"or empty folder, or remove this one yourself\n"
    )
    assert snapshot(out) == {"thesis.tex": b"years of work"}


def test_not_even_the_projects_own_dist_is_replaced_without_the_marker(mini):
    """A build deletes only what a build wrote: files put in dist/ by hand stay, and the build says why it stopped."""
    mini.dist.mkdir()
    (mini.dist / "mscsle.ttl").write_text("written by hand")
    with pytest.raises(OutputFolderError, match="was not written by `mscsle build`"):
        build(mini)
    assert snapshot(mini.dist) == {"mscsle.ttl": b"written by hand"}
    (mini.dist / "mscsle.ttl").unlink()  # an empty dist/ is the build's to fill
    build(mini)
    assert (mini.dist / MARKER).is_file()


def test_fallback_without_renameat2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Where the system cannot swap two folders, two renames and a backup do the job."""
    monkeypatch.setattr(atomic, "_exchange", lambda a, b: False)
    out = tmp_path / "dist"
    publish(out, {"a.txt": b"1"})
    publish(out, {"a.txt": b"2"})
    assert snapshot(out)["a.txt"] == b"2"
    assert leftovers(tmp_path) == []


def test_the_lock_serialises_builds(tmp_path: Path):
    """A second build into the same folder waits until the first has published."""
    out = tmp_path / "dist"
    events: list[str] = []
    first_inside, release = threading.Event(), threading.Event()

    def first() -> None:
        with staged_directory(out) as staging:
            events.append("first staged")
            first_inside.set()
            release.wait(10)
            (staging / "who").write_bytes(b"first")

    def second() -> None:
        first_inside.wait(10)
        with staged_directory(out) as staging:
            events.append(f"second staged, the output holds {(out / 'who').read_bytes().decode()}")
            (staging / "who").write_bytes(b"second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_inside.wait(10)
    time.sleep(0.3)  # the second build is now blocked on the lock
    assert events == ["first staged"]
    release.set()
    for t in threads:
        t.join(10)
    assert events[0] == "first staged" and "second staged, the output holds first" in events
    assert (out / "who").read_bytes() == b"second"


# --- real kills ----------------------------------------------------------------------------------------------------

KILL_POINTS = {  # where the build dies -> which build the output folder holds afterwards
    "assemble": "old",
    "write:0": "old",
    "write:3": "old",
    "write:7": "old",  # some artifacts written, the marker not yet
    "swap": "old",
    "swapped": "new",
    "cleanup": "new",
}


def test_killed_builds_leave_a_whole_build(projects, tmp_path: Path):
    """Killed at each point (all points run in parallel), the output is exactly the old or the new build."""
    old_project, old = projects["old"]
    new_project, new = projects["new"]
    runs = {}
    for point in KILL_POINTS:
        tmp = tmp_path / point.replace(":", "-")
        tmp.mkdir()
        runs[point] = (tmp, driver(new_project, previous_output(tmp, old), MSCSLE_TEST_KILL_AT=point))
    for point, (tmp, proc) in runs.items():
        proc.wait(120)
        assert proc.returncode == -signal.SIGKILL, (point, proc.stderr.read().decode())
        expected = {"old": old, "new": new}[KILL_POINTS[point]]
        assert snapshot(tmp / "dist") == expected, point
    for point, (tmp, _) in runs.items():  # the next build cleans up and succeeds
        check_output(tmp / "dist")
        assert leftovers(tmp) == [], point
        publish(tmp / "dist", {"next": b"build"})
        assert snapshot(tmp / "dist") == {MARKER: atomic.MARKER_TEXT, "next": b"build"}


def test_killed_between_the_fallback_renames_the_next_build_restores(projects, tmp_path: Path):
    """Without renameat2 a kill can fall between the two renames; the backup is put back before anything else."""
    old_project, old = projects["old"]
    new_project, _ = projects["new"]
    out = previous_output(tmp_path, old)
    proc = driver(new_project, out, MSCSLE_TEST_KILL_AT="between-renames")
    proc.wait(120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    assert not out.exists()
    assert snapshot(tmp_path / ".dist.previous") == old
    check_output(out)  # what every build (even one with bad input) does first
    assert snapshot(out) == old
    assert leftovers(tmp_path) == []


def test_killed_at_a_random_moment(projects, tmp_path: Path):
    """Kills from outside at random moments while the files are being written."""
    _, old = projects["old"]
    new_project, new = projects["new"]
    rng = random.Random(7)
    runs = []
    for i in range(4):
        tmp = tmp_path / str(i)
        tmp.mkdir()
        runs.append((tmp, driver(new_project, previous_output(tmp, old), MSCSLE_TEST_SLOW="0.1")))
    for tmp, proc in runs:
        deadline = time.monotonic() + 120
        while not any(p.name.startswith(".dist.staging-") for p in tmp.iterdir()) and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.8))  # 8 files at 0.1 s each: the kill falls while they are written
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert snapshot(tmp / "dist") in (old, new)
    assert any(snapshot(tmp / "dist") == old for tmp, _ in runs), "no kill fell before the swap"


def test_concurrent_builds_do_not_interleave(projects, tmp_path: Path):
    """Four builds of two different projects started together: each publishes whole, one after the other."""
    old_project, old = projects["old"]
    new_project, new = projects["new"]
    out, log = tmp_path / "dist", tmp_path / "writes.log"
    procs = [
        driver(p, out, MSCSLE_TEST_SLOW="0.05", MSCSLE_TEST_LOG=str(log))
        for p in (old_project, new_project, old_project, new_project)
    ]
    for proc in procs:
        proc.wait(180)
        assert proc.returncode == 0, proc.stderr.read().decode()
    assert snapshot(out) in (old, new)
    writers = [line.split()[0] for line in log.read_text(encoding="utf-8").splitlines()]
    runs = [w for i, w in enumerate(writers) if i == 0 or writers[i - 1] != w]
    assert len(runs) == len(set(runs)) == 4, f"writes interleaved: {runs}"
    assert len(writers) == 4 * len(old)
    assert leftovers(tmp_path) == []


def test_publishing_starts_no_process(tmp_path, monkeypatch):
    """ctypes.util.find_library would run ldconfig: a fork of the build, as large as it, when it publishes."""
    import subprocess

    from mscsle.release.publish import publish

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process was started")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    publish(tmp_path / "out", {"a.nt": b"1\n"})
    publish(tmp_path / "out", {"a.nt": b"2\n"})  # the second swaps two folders (renameat2)
    assert (tmp_path / "out" / "a.nt").read_bytes() == b"2\n"
