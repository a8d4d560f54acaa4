"""The build's second process: forked at the start of the build, it runs jobs one after the other beside the
parent's own work (the parent gives the next when it has taken the last one's result) and hands each job's
artifacts back as open temporary files.

The child is forked before the build has read anything, so it shares little with the parent: a child forked after the
records and the graph were made would copy most of their memory pages as both processes allocate into them (at 100k
claims: 4.1 GB summed PSS instead of 3.2 GB serially). The job and its arguments reach it pickled in a temporary
file; the job writes its artifacts into a `Spool` (unnamed temporary files) of its own; the child sends the files'
descriptors, and its pickled result, back over a Unix socket (SCM_RIGHTS), so hundreds of megabytes never cross a
pipe and no file has a name that could be left behind. An error in the child comes back as the same `MscsleError`,
or as `WorkerFailed` naming it (never a traceback); the child is killed and reaped if the parent fails or is
interrupted, and dies with the parent (PR_SET_PDEATHSIG) if the parent is killed. Between jobs the child collects
what the last job left and gives the memory back, so that what one job held does not count in the next one's peak.

Forking is safe only in a process whose other threads cannot hold a lock the child would need (malloc's, a Rust
mutex). The child is forked before pyoxigraph's store or the SHACL engine (which start threads) are used, and only
when the process runs one thread (counted in /proc/self/task, not guessed) and the system can fork; otherwise, and
with `jobs=1`, the job runs in the parent when its result is asked for, which gives the same files.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pickle
import signal
import socket
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from mscsle.errors import MscsleError
from mscsle.release.memory import give_back_memory
from mscsle.release.spool import Spool

MAX_FILES = 250  # descriptors in one message (the kernel's SCM_MAX_FD is 253)
MAX_MESSAGE = 1 << 20  # bytes of the child's one message: the artifacts' names, or its error
_PR_SET_PDEATHSIG = 1


class WorkerFailed(MscsleError):
    """Exit 1: the build's second process failed or was killed; nothing was written."""

    exit_code = 1


def single_threaded() -> bool:
    """True if this process runs one thread now (Linux: /proc/self/task); False where that cannot be known."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def default_jobs() -> int:
    """2 where the system can fork and this process may use two cores or more; else 1 (serial)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 if hasattr(os, "fork") and cores >= 2 else 1


def _pickled(value: object) -> IO[bytes]:
    """`value` pickled into an unnamed temporary file (open, at its start)."""
    fh = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the receiver)
    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    fh.flush()
    fh.seek(0)
    return fh


class Beside:
    """A second process, forked now if `jobs` > 1 and forking is safe, that runs a job (`start`) beside the caller
    until `result()`, then the next job; serially, each job runs in its `result()`. The child's artifacts wait in
    the folder `spool` (release/spool.py).

    Use as a context manager: leaving it before `result()` (an error, a failed validation) kills the child."""

    def __init__(self, jobs: int, spool: Path | None = None):
        self._pid = 0
        self._sock: socket.socket | None = None
        self._job: tuple[Callable[..., Any], tuple[Any, ...]] | None = None
        if jobs > 1 and hasattr(os, "fork") and single_threaded():
            parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            parent_pid = os.getpid()
            pid = os.fork()
            if pid == 0:  # the child: never returns into the caller's code
                parent.close()
                _serve(child, parent_pid, spool)
            child.close()
            self._pid, self._sock = pid, parent

    @property
    def forked(self) -> bool:
        return self._pid > 0

    def start(self, job: Callable[..., Any], *args: Any) -> None:
        """Run `job(*args, files)` in the child (`job` a module-level function: it travels pickled, by name, with
        its arguments); it writes its artifacts into the `Spool` `files` and may return a (picklable) result. One job
        at a time: the last one's `result()` comes first."""
        assert self._job is None, "take the last job's result() first"
        if self._sock is None:
            self._job = (job, args)
            return
        self._job = (job, ())  # its arguments are the child's now
        with _pickled((job, args)) as fh, contextlib.suppress(OSError):  # a child gone is reported by result()
            socket.send_fds(self._sock, [b"job"], [fh.fileno()])

    def result(self, into: Spool) -> Any:
        """Wait for the job, put its artifacts into `into` (the child's files as they are, not copied) and return
        what the job returned."""
        assert self._job is not None, "start() a job first"
        job, args = self._job
        self._job = None
        if self._sock is None:
            return job(*args, into)
        try:
            data, fds, flags, _ = socket.recv_fds(self._sock, MAX_MESSAGE, MAX_FILES + 1)
        except BaseException:
            self.close()
            raise
        handles = [os.fdopen(fd, "r+b") for fd in fds]
        try:
            message = json.loads(data) if data else None
            if message is None or "error" in message:  # the child has ended (or is ending)
                raise self._failure(message, self._reap())
            if flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC) or len(handles) != len(message["names"]) + 1:
                self.close()
                raise WorkerFailed("the build's second process sent its artifacts incompletely; nothing was written")
            *artifacts, returned = handles
            with returned:
                value = pickle.load(returned)  # noqa: S301 (our own child's result)
            for name, fh in zip(message["names"], artifacts, strict=True):
                into.adopt(name, fh)
            handles = []
            return value
        finally:
            for fh in handles:
                fh.close()

    def _failure(self, message: dict | None, status: int) -> MscsleError:
        if message is not None and message.get("pickled"):
            with contextlib.suppress(Exception):  # an error that cannot be rebuilt is reported by its text
                error = pickle.loads(bytes.fromhex(message["pickled"]))  # noqa: S301 (our own child's error)
                if isinstance(error, MscsleError):
                    return error
        if message is not None:
            return WorkerFailed(f"the build's second process failed (nothing was written): {message['error']}")
        how = (
            f"was killed by signal {signal.Signals(-code).name}"
            if (code := os.waitstatus_to_exitcode(status)) < 0
            else f"exited with code {code}"
        )
        return WorkerFailed(f"the build's second process {how} before it was done; nothing was written")

    def _reap(self) -> int:
        pid, self._pid = self._pid, 0
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        return os.waitpid(pid, 0)[1]

    def close(self) -> None:
        """Kill and reap the child if it still runs (between jobs it waits for the next; during one, nothing it
        made is kept)."""
        if self._pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _die_with(parent_pid: int) -> None:
    """Ask the kernel to kill this child when the parent ends (Linux); exit now if the parent is already gone."""
    prctl = getattr(ctypes.CDLL(None), "prctl", None)  # the C library's, already loaded (no ldconfig run)
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:
        os._exit(1)


def _serve(sock: socket.socket, parent_pid: int, spool: Path | None) -> None:
    """The child: wait for a job, run it and send its files and result, or its error, in one message; then the next
    job; exit without running the parent's clean-up (os._exit: no atexit, no finalizers, no flushing of the parent's
    buffers) after an error, or when the parent closes the socket (its build is done, or failed early)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the whole group: the parent reports it
        _die_with(parent_pid)
        while _run_one(sock, spool):
            give_back_memory(collect=True)  # what the job held (the collector is paused, as in the parent)
        code = 0
    except BaseException as e:  # noqa: BLE001 (every error goes to the parent, which reports it)
        with contextlib.suppress(BaseException):
            sock.send(json.dumps(_error(e)).encode()[:MAX_MESSAGE])
    finally:
        os._exit(code)


def _run_one(sock: socket.socket, spool: Path | None) -> bool:
    """Run the next job and send what it made; False if the parent has no more."""
    _, fds, _, _ = socket.recv_fds(sock, 16, 1)
    if not fds:
        return False
    with os.fdopen(fds[0], "rb") as fh:
        job, args = pickle.load(fh)  # noqa: S301 (from our own parent)
    files = Spool(spool)
    returned = job(*args, files)
    handles = files.handles()
    if len(handles) > MAX_FILES:
        raise WorkerFailed(f"{len(handles)} artifacts are more than one message carries ({MAX_FILES})")
    names = list(handles)
    for handle in handles.values():
        handle.flush()  # what Python still buffers: the parent reads the file through its own descriptor
        os.fsync(handle.fileno())  # on disk now, while the parent still works: publishing then waits for its own
    with _pickled(returned) as result:
        fds = [*(handles[n].fileno() for n in names), result.fileno()]
        socket.send_fds(sock, [json.dumps({"names": names}).encode()], fds)
    return True


def _error(e: BaseException) -> dict[str, str]:
    """The child's error as the parent reports it: the MscsleError itself (pickled) if it can travel, else its text."""
    out = {"error": f"{type(e).__name__}: {e}"[:10_000]}
    if isinstance(e, MscsleError):
        with contextlib.suppress(Exception):
            pickled = pickle.dumps(e).hex()
            if len(pickled) < MAX_MESSAGE // 2:
                out["pickled"] = pickled
    return out
