"""release/workers.py: a job in a forked child gives the same artifacts as in the parent; its errors come back as
clear errors; the child never outlives the build (killed and reaped, no orphan, no zombie, no temporary file)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import MutableMapping
from pathlib import Path

import pytest

from mscsle.errors import CurationError, Problem
from mscsle.release.spool import Spool
from mscsle.release.workers import Beside, WorkerFailed, single_threaded

ARTIFACTS = {"a.ttl": b"@prefix x: <http://e/> .\n" * 1000, "kgx/nodes.tsv": b"id\tname\n", "empty.txt": b""}
PROBLEM = Problem("data/claims/x.yaml", "c-1", "quote", "not in the review")


# the jobs travel to the child pickled, by name: module-level functions
def write_artifacts(extra: bytes, files: MutableMapping[str, bytes]) -> dict[str, int]:
    for name, data in ARTIFACTS.items():
        files[name] = data
    files["extra"] = extra
    return {"written": len(files)}


def fail_with_curation_error(files: MutableMapping[str, bytes]) -> None:
    files["half.nt"] = b"made before the error\n"
    raise CurationError([PROBLEM])


def fail_unexpectedly(files: MutableMapping[str, bytes]) -> None:
    raise ValueError("no such term")


def kill_itself(files: MutableMapping[str, bytes]) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def write_and_wait(files: MutableMapping[str, bytes]) -> None:
    files["big.nt"] = b"x" * 1_000_000
    time.sleep(60)


def its_pid_and_memory(files: MutableMapping[str, bytes]) -> tuple[int, int]:
    """The process that runs the job, and its resident memory now (kB)."""
    files["pid"] = str(os.getpid()).encode()
    rss = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmRSS"))
    return os.getpid(), int(rss.split()[1])


def hold_a_cycle(size: int, files: MutableMapping[str, bytes]) -> int:
    """Leave `size` bytes behind in a reference cycle (what rdflib's graphs do), which only a collection frees."""
    held: list[object] = [bytearray(size)]
    held.append(held)
    return len(held)


def wait_alone() -> None:
    """Wait until this process runs one thread (another test's thread may take a moment to end, e.g. rich's
    spinner), since the second process is forked only then; fail, naming the threads, if it does not. tqdm's
    monitor thread, which a library used by another test starts and never ends, is stopped first."""
    tqdm = sys.modules.get("tqdm")
    if tqdm is not None and tqdm.tqdm.monitor is not None:
        tqdm.tqdm.monitor_interval = 0  # no new monitor for later bars
        tqdm.tqdm.monitor.exit()
        tqdm.tqdm.monitor = None
    for _ in range(500):
        if single_threaded():
            return
        time.sleep(0.02)
    pytest.fail(f"threads still running, so no fork: {os.listdir('/proc/self/task')} {threading.enumerate()}")


@pytest.fixture(autouse=True)
def alone() -> None:
    wait_alone()


def _gone(pid: int) -> bool:
    """The process no longer exists (reaped); a zombie still answers kill(pid, 0)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_forked_job_gives_the_same_artifacts_and_result_as_in_process(own_tmp: Path):
    fds = len(os.listdir("/proc/self/fd"))
    extra = bytes(range(256)) * 4000  # an argument of a megabyte travels too
    results = []
    for jobs in (1, 2):
        files = Spool()
        with Beside(jobs) as beside:
            assert beside.forked == (jobs == 2)
            beside.start(write_artifacts, extra)
            returned = beside.result(files)
        results.append((dict(files), returned))
        del files
    assert results[0] == results[1] == ({**ARTIFACTS, "extra": extra}, {"written": 4})
    assert list(own_tmp.iterdir()) == []  # unnamed temporary files only
    assert len(os.listdir("/proc/self/fd")) == fds  # the adopted files were closed with the spool


def test_jobs_run_one_after_the_other_in_one_child():
    """The build gives the child several jobs (half the claim files, the tables, SHACL and the RDF files): each job's
    artifacts come back with its result, in the same child, and what a job left is freed before the next one."""
    for jobs in (1, 2):
        first, second = Spool(), Spool()
        with Beside(jobs) as beside:
            beside.start(write_artifacts, b"1")
            assert beside.result(first) == {"written": 4}
            beside.start(its_pid_and_memory)
            pid, before_kb = beside.result(Spool())
            beside.start(hold_a_cycle, 200_000_000)  # garbage the collector (paused in the build) would keep
            assert beside.result(Spool()) == 2
            beside.start(its_pid_and_memory)
            again, after_kb = beside.result(second)
        assert again == pid and (pid != os.getpid()) == (jobs == 2)
        assert dict(first) == {**ARTIFACTS, "extra": b"1"} and dict(second) == {"pid": str(pid).encode()}
        if jobs == 2:
            assert after_kb - before_kb < 100_000  # the 200 MB left in a cycle by the third job were given back


def test_one_job_at_a_time():
    with Beside(1) as beside:
        beside.start(write_artifacts, b"")
        with pytest.raises(AssertionError, match="result"):
            beside.start(write_artifacts, b"")


def test_a_curation_error_in_the_child_comes_back_as_itself():
    files = Spool()
    with Beside(2) as beside, pytest.raises(CurationError) as err:
        beside.start(fail_with_curation_error)
        beside.result(files)
    assert err.value.problems == [PROBLEM] and err.value.exit_code == 2
    assert len(files) == 0


def test_an_unexpected_error_in_the_child_is_named_not_traced():
    with Beside(2) as beside, pytest.raises(WorkerFailed) as err:
        beside.start(fail_unexpectedly)
        beside.result(Spool())
    assert "ValueError: no such term" in err.value.message() and "Traceback" not in err.value.message()
    assert err.value.exit_code == 1


def test_a_killed_child_is_reported():
    with Beside(2) as beside, pytest.raises(WorkerFailed, match="killed by signal SIGKILL"):
        beside.start(kill_itself)
        beside.result(Spool())


def test_leaving_early_kills_and_reaps_the_child(own_tmp: Path):
    """What happens when the parent fails (bad records, a QC error) or is interrupted while the child works."""
    with pytest.raises(KeyboardInterrupt), Beside(2) as beside:
        pid = beside._pid
        beside.start(write_and_wait)
        assert pid > 0 and not _gone(pid)
        raise KeyboardInterrupt
    assert _gone(pid)
    assert list(own_tmp.iterdir()) == []
    with pytest.raises(CurationError), Beside(2) as beside:  # before any job was given
        pid = beside._pid
        raise CurationError([PROBLEM])
    assert _gone(pid)


def test_serial_where_the_process_runs_threads():
    """A process with another thread may not fork (a lock that thread holds would never be released in the child)."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        files = Spool()
        with Beside(2) as beside:
            assert not beside.forked
            beside.start(write_artifacts, b"")
            assert beside.result(files) == {"written": 4}
        assert dict(files) == {**ARTIFACTS, "extra": b""}
    finally:
        stop.set()
        thread.join()


PARENT_KILLED = """
import os, signal, time
from mscsle.release.workers import Beside

def job(files):
    time.sleep(60)

with Beside(2) as beside:
    beside.start(job)
    print(beside._pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_child_dies_with_a_killed_parent():
    parent = subprocess.run([sys.executable, "-c", PARENT_KILLED], capture_output=True, text=True, check=False)
    assert parent.returncode == -signal.SIGKILL
    child = int(parent.stdout)
    for _ in range(500):
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            break  # gone
        if state in ("Z", "X"):
            break  # dead, waiting for the system to reap it
        time.sleep(0.01)
    else:
        pytest.fail(f"the child {child} outlived its killed parent")


def test_a_child_gone_before_its_job_is_reported():
    with Beside(2) as beside, pytest.raises(WorkerFailed, match="killed by signal SIGTERM"):
        os.kill(beside._pid, signal.SIGTERM)
        time.sleep(0.2)  # gone (not yet reaped) before the job is sent
        beside.start(write_artifacts, b"")
        beside.result(Spool())


def test_giving_memory_back_starts_no_process(monkeypatch: pytest.MonkeyPatch):
    """ctypes.util.find_library would run ldconfig: a fork of the build, as large as it, at each call."""
    from mscsle.release import memory

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("a process was started")

    memory._malloc_trim.cache_clear()
    monkeypatch.setattr(subprocess, "Popen", no_process)
    monkeypatch.setattr(os, "fork", no_process)
    memory.give_back_memory(collect=True)
    assert memory._malloc_trim() is not None  # glibc's, here
