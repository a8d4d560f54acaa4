"""Run an embedded query in a child process with a wall-clock limit, so that no query can hang or crash the caller.

An engine's parser and evaluator (Rust in pyoxigraph, Python in rdflib) cannot be interrupted from inside the
process; a forked child that shares the loaded graph can simply be killed. The child sends back its bytes, or the
error it met; a child that overruns is killed, and one that dies of a signal is reported, never passed on.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import time
from collections.abc import Callable

from mscsle.errors import GivenInputError, Unavailable


class TimeLimitExceeded(GivenInputError):
    """The work ran beyond its time limit and was stopped."""


class ChildDied(Unavailable):
    """The child process running the work died (a crash in the engine) before it answered."""


def run_within(seconds: float, work: Callable[[], bytes]) -> bytes:
    """work()'s bytes, computed in a forked child; re-raises the child's exception (if it pickles)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer through the pipe and leave without running the parent's clean-up
        os.close(read_end)
        try:
            message = pickle.dumps((True, work()))
        except BaseException as e:  # noqa: BLE001 - every failure goes back to the parent
            try:
                message = pickle.dumps((False, e))
            except Exception:
                message = pickle.dumps((False, RuntimeError(str(e))))
        with os.fdopen(write_end, "wb") as out:
            out.write(message)
        os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + seconds
    chunks = []
    try:
        with os.fdopen(read_end, "rb") as answer:
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([answer], [], [], left)[0]:
                    raise TimeLimitExceeded(f"the query ran beyond the time-out of {seconds:g} s and was stopped")
                chunk = os.read(answer.fileno(), 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    finally:
        _reap(pid)
    if not chunks:
        raise ChildDied("the query engine stopped without an answer (it crashed); the query was not run")
    ok, value = pickle.loads(b"".join(chunks))
    if not ok:
        raise value
    return value


def _reap(pid: int) -> None:
    done, _ = os.waitpid(pid, os.WNOHANG)
    if done == 0:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
