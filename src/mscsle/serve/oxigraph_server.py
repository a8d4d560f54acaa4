"""Run a real SPARQL server over the built graph: Oxigraph's own HTTP server (the `oxigraph` command of the
PyPI package `oxigraph`), never a hand-written HTTP handler.

`served()` loads dist/mscsle.nq into a throw-away store directory and serves it read-only (updates and
Graph Store writes are refused by the server itself) on loopback, with the named graphs' union as the
default graph and an optional query time-out. `OxigraphServer` is the process wrapper, also used by the
tests to run a read-write server that `mscsle load` fills. Every wait is bounded.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from mscsle.errors import NotBuilt, Unavailable
from mscsle.query import sparql_http as protocol

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
LOOPBACK = ("127.0.0.1", "::1", "localhost")


class ServerError(Unavailable):
    """The Oxigraph server could not be found, loaded, started or stopped."""


def oxigraph_command() -> str:
    """The `oxigraph` executable installed beside this Python (a venv's bin/), else the one on PATH."""
    here = Path(sysconfig.get_path("scripts")) / "oxigraph"
    found = str(here) if here.is_file() else shutil.which("oxigraph")
    if not found:
        raise ServerError(
            "the `oxigraph` server command is not installed; `pip install oxigraph` (a dependency of mscsle)"
        )
    return found


def load_store(location: Path, nquads: Path, timeout: float = 300.0) -> None:
    """Bulk-load an N-Quads file into an Oxigraph store directory with `oxigraph load`."""
    cmd = [oxigraph_command(), "load", "--location", str(location), "--file", str(nquads)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise ServerError(f"`oxigraph load` of {nquads} did not finish in {timeout:.0f} s") from e
    if done.returncode != 0:
        raise ServerError(f"`oxigraph load` of {nquads} failed: {done.stderr.strip()}")


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on `host` right now (for tests and throw-away servers)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def port_is_free(host: str, port: int) -> bool:
    """Whether nothing listens on host:port (so that what answers there later is our server)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class OxigraphServer:
    """One `oxigraph serve` / `serve-read-only` process; a context manager that starts and always stops it."""

    location: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    read_only: bool = True
    union_default_graph: bool = True
    timeout_s: int | None = None  # Oxigraph's own limit on the time a query may take
    process: subprocess.Popen | None = field(default=None, init=False, repr=False)
    _log: IO[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def authority(self) -> str:
        """host:port, an IPv6 host in brackets."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.authority}"

    @property
    def query_url(self) -> str:
        """The SPARQL 1.1 Protocol query endpoint."""
        return f"{self.url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL 1.1 Protocol update endpoint (refused by a read-only server)."""
        return f"{self.url}/update"

    @property
    def store_url(self) -> str:
        """The SPARQL 1.1 Graph Store HTTP Protocol endpoint (read-only on a read-only server)."""
        return f"{self.url}/store"

    def command(self) -> list[str]:
        cmd = [
            oxigraph_command(),
            "serve-read-only" if self.read_only else "serve",
            "--location",
            str(self.location),
            "--bind",
            self.authority,
        ]
        if self.union_default_graph:
            cmd.append("--union-default-graph")
        if self.timeout_s is not None:
            cmd += ["--timeout-s", str(self.timeout_s)]
        return cmd

    def start(self, startup_timeout: float = 30.0) -> None:
        """Start the server and return once it answers a query; raise ServerError (with its log) otherwise.

        Whatever interrupts the wait (a time-out, Ctrl-C, SIGTERM) stops the process: none is left running.
        """
        if not port_is_free(self.host, self.port):
            raise ServerError(f"port {self.port} on {self.host} is in use; choose another port")
        self._log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            self.command(), stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT
        )
        try:
            self._wait_until_ready(startup_timeout)
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, startup_timeout: float) -> None:
        assert self.process is not None  # started by start()
        process = self.process
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise ServerError(
                    f"the Oxigraph server exited at start (code {process.returncode}): "
                    + self.log().split("\n\nStack backtrace")[0]
                )
            try:
                protocol.query(self.query_url, "ASK {}", timeout=1.0)
                if process.poll() is None:
                    return
            except protocol.EndpointError:
                if time.monotonic() > deadline:
                    raise ServerError(
                        f"the Oxigraph server did not answer at {self.query_url} within {startup_timeout:.0f} s"
                    ) from None
                time.sleep(0.1)

    def log(self) -> str:
        """What the server has written so far."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace").strip()

    def wait(self) -> int:
        """Block until the server exits (for `mscsle serve`); returns its exit code."""
        if self.process is None:
            raise ServerError("the server was not started")
        return self.process.wait()

    def stop(self, grace: float = 10.0) -> None:
        """Terminate the server (then kill it if it does not exit within `grace` seconds)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=grace)
        self._close()

    def _close(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> OxigraphServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextmanager
def served(
    dist: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, timeout_s: int | None = None
) -> Iterator[OxigraphServer]:
    """A read-only Oxigraph server over dist/mscsle.nq, in a temporary store that is deleted afterwards."""
    nq = dist / "mscsle.nq"
    if not nq.is_file():
        raise NotBuilt(nq)
    with tempfile.TemporaryDirectory(prefix="mscsle-store-") as tmp:
        load_store(Path(tmp), nq)
        with OxigraphServer(
            Path(tmp), host, port, read_only=True, union_default_graph=True, timeout_s=timeout_s
        ) as server:
            yield server
