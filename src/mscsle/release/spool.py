"""The build's artifacts kept in unnamed temporary files, not in memory, until they are published.

At 100k claims the artifacts weigh about 1.5 GB: held as bytes until the last one is made, they would be the
largest part of the build's peak memory. Each is written to an unnamed temporary file as soon as it is made (the
operating system deletes the file when it is closed or the build ends, however it ends) and read back, one at a
time, when a caller asks for it. Made in the folder that will hold dist/ (`directory`), a file can be given its name
there when the build is published, instead of being copied (release/publish.py): at 100k claims 1.6 GB not copied.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import IO


def _close(files: dict[str, IO[bytes]]) -> None:
    for fh in files.values():
        fh.close()


def unnamed_file(directory: Path | None = None) -> IO[bytes]:
    """An unnamed temporary file in `directory` (default: the system's temporary folder) that may later be given a
    name in the same file system (Linux O_TMPFILE, without O_EXCL); an ordinary temporary file where the system or
    the file system has no unnamed files."""
    flag = getattr(os, "O_TMPFILE", 0)
    if flag:
        try:
            return os.fdopen(os.open(directory or tempfile.gettempdir(), flag | os.O_RDWR, 0o600), "w+b")
        except OSError:
            pass
    return tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 (closed by the caller)


class Spool(MutableMapping[str, bytes]):
    """Artifact name -> its bytes, each in its own temporary file in `directory` (closed, and so deleted, with the
    spool, unless it was given a name)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory
        self._files: dict[str, IO[bytes]] = {}
        weakref.finalize(self, _close, self._files)

    def __setitem__(self, name: str, data: bytes) -> None:
        self.open(name).write(data)

    def open(self, name: str) -> IO[bytes]:
        """A new, empty file for the artifact `name` (replacing any before), for a writer that writes it in pieces."""
        fh = unnamed_file(self.directory)  # closed when replaced, deleted, or the spool is gone
        self.adopt(name, fh)
        return fh

    def adopt(self, name: str, fh: IO[bytes]) -> None:
        """Take an open temporary file as the artifact `name` (one another process wrote: release/workers.py)."""
        if name in self._files:
            self._files[name].close()
        self._files[name] = fh

    def handles(self) -> dict[str, IO[bytes]]:
        """Artifact name -> its open file (still the spool's: closed with it)."""
        return dict(self._files)

    def __getitem__(self, name: str) -> bytes:
        return self.reader(name).read()

    def reader(self, name: str) -> IO[bytes]:
        """The artifact's file, from its start (to name or copy it without holding it in memory: release/publish.py)."""
        fh = self._files[name]
        fh.seek(0)
        return fh

    def __delitem__(self, name: str) -> None:
        self._files.pop(name).close()

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)
