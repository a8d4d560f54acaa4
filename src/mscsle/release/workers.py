"""The build's second process: one job run in a forked child beside the parent's own work, its artifacts handed back
as open temporary files.

The job writes its artifacts into a `Spool` (unnamed temporary files) of its own; when it is done, the child sends
the files' descriptors to the parent over a Unix socket (SCM_RIGHTS), so hundreds of megabytes never cross a pipe
and no file has a name that could be left behind: the files vanish with the last process that holds them, however
the build ends. An error in the child comes back as the same `MscsleError`, or as `WorkerFailed` naming it (never a
traceback); the child is killed and reaped if the parent fails or is interrupted, and dies with the parent
(PR_SET_PDEATHSIG) if the parent is killed.

Forking is safe only in a process whose other threads cannot hold a lock the child would need (malloc's, a Rust
mutex): pyoxigraph's bulk loading and the SHACL engine start threads, but join them before they return. So the job
is forked only when the process has one thread (counted in /proc/self/task, not guessed) and the system can fork;
otherwise, and with `jobs=1`, the job runs in the parent when its result is asked for, which gives the same files.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import pickle
import signal
import socket
from collections.abc import Callable, MutableMapping

from mscsle.errors import MscsleError
from mscsle.release.spool import Spool

Job = Callable[[MutableMapping[str, bytes]], None]  # writes its artifacts (name -> bytes) into the mapping given

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


class Beside:
    """`job` run beside the caller (in a forked child if `jobs` > 1 and forking is safe), until `result()`.

    Use as a context manager: leaving it before `result()` (an error, a failed validation) kills the child."""

    def __init__(self, job: Job, jobs: int):
        self._job = job
        self._pid = 0
        self._sock: socket.socket | None = None
        if jobs > 1 and hasattr(os, "fork") and single_threaded():
            self._fork()

    @property
    def forked(self) -> bool:
        return self._pid > 0

    def _fork(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        parent_pid = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            parent.close()
            _run_child(self._job, child, parent_pid)
        child.close()
        self._pid, self._sock = pid, parent

    def result(self, into: Spool) -> None:
        """Wait for the job and put its artifacts into `into` (the child's files as they are, not copied)."""
        if not self.forked:
            self._job(into)
            return
        assert self._sock is not None
        try:
            data, fds, flags, _ = socket.recv_fds(self._sock, MAX_MESSAGE, MAX_FILES)
        except BaseException:
            self.close()
            raise
        handles = [os.fdopen(fd, "r+b") for fd in fds]
        try:
            status = self._reap()
            message = json.loads(data) if data else None
            if message is None or "error" in message:
                raise self._failure(message, status)
            if flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC) or len(handles) != len(message["names"]):
                raise WorkerFailed("the build's second process sent its artifacts incompletely; nothing was written")
            for name, fh in zip(message["names"], handles, strict=True):
                into.adopt(name, fh)
            handles = []
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
        """Kill and reap the child if it still runs (nothing it made is kept)."""
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


def _run_child(job: Job, sock: socket.socket, parent_pid: int) -> None:
    """Run the job and send its files, or its error, in one message; then exit without running the parent's
    clean-up (os._exit: no atexit, no finalizers, no flushing of buffers the parent owns)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C reaches the whole group: the parent reports it
        _die_with(parent_pid)
        files = Spool()
        job(files)
        handles = files.handles()
        if len(handles) > MAX_FILES:
            raise WorkerFailed(f"{len(handles)} artifacts are more than one message carries ({MAX_FILES})")
        names = list(handles)
        for fh in handles.values():
            fh.flush()  # what Python still buffers; os._exit below would drop it
        socket.send_fds(sock, [json.dumps({"names": names}).encode()], [handles[n].fileno() for n in names])
        code = 0
    except BaseException as e:  # noqa: BLE001 (every error goes to the parent, which reports it)
        with contextlib.suppress(BaseException):
            sock.send(json.dumps(_error(e)).encode()[:MAX_MESSAGE])
    finally:
        os._exit(code)


def _error(e: BaseException) -> dict[str, str]:
    """The child's error as the parent reports it: the MscsleError itself (pickled) if it can travel, else its text."""
    out = {"error": f"{type(e).__name__}: {e}"[:10_000]}
    if isinstance(e, MscsleError):
        with contextlib.suppress(Exception):
            pickled = pickle.dumps(e).hex()
            if len(pickled) < MAX_MESSAGE // 2:
                out["pickled"] = pickled
    return out
