"""Test helper run as its own process: `mscsle build` with a fault injected from outside the package.

The package has no test hooks; this script wraps its functions before calling the CLI.
Environment:
  MSCSLE_TEST_KILL_AT  where the build's process is killed (SIGKILL; its second process dies with it):
      assemble         while validating the graph (before anything is staged)
      write:N          after N files were written into the staging folder
      swap             just before the staging folder and the output folder swap places
      swapped          just after the swap, before the previous build is removed
      cleanup          in the middle of removing the previous build
      between-renames  without renameat2 (the fallback): between its two renames
  MSCSLE_TEST_SLOW     seconds to sleep after each file written (so that concurrent builds would overlap)
  MSCSLE_TEST_LOG      a file to which every file write is appended as "<pid> <name>"
Arguments: those of `mscsle`.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

from mscsle.cli import main
from mscsle.release import pipeline as build_module
from mscsle.release import publish as atomic

BUILD_PID = os.getpid()  # the build's process (SHACL runs in its second process: release/workers.py)


def die() -> None:
    os.kill(BUILD_PID, signal.SIGKILL)


def inject(point: str, slow: float, log: str) -> None:
    write, exchange, rmtree, rename, validate = (
        atomic._write,
        atomic._exchange,
        shutil.rmtree,
        os.rename,
        build_module.validate,
    )
    written = 0

    def write_(path: Path, data: bytes) -> None:
        nonlocal written
        if point == f"write:{written}":
            die()
        write(path, data)
        written += 1
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()} {path.name}\n")
        time.sleep(slow)

    def exchange_(a: Path, b: Path) -> bool:
        if point == "swap":
            die()
        if point == "between-renames":
            return False
        done = exchange(a, b)
        if point == "swapped":
            die()
        return done

    def rmtree_(path: str | Path, *args: object, **kwargs: object) -> None:
        if point == "cleanup":
            files = sorted(p for p in Path(path).iterdir() if p.is_file())
            files[0].unlink()  # the removal has begun ...
            die()  # ... and is cut short
        rmtree(path, *args, **kwargs)

    renames = 0

    def rename_(a: str | Path, b: str | Path) -> None:
        nonlocal renames
        rename(a, b)
        renames += 1
        if point == "between-renames" and renames == 1:
            die()

    def validate_(*args: object, **kwargs: object) -> object:
        if point == "assemble":
            die()
        return validate(*args, **kwargs)

    atomic._write, atomic._exchange, build_module.validate = write_, exchange_, validate_
    atomic.shutil.rmtree, atomic.os.rename = rmtree_, rename_  # this process only


if __name__ == "__main__":
    inject(
        os.environ.get("MSCSLE_TEST_KILL_AT", ""),
        float(os.environ.get("MSCSLE_TEST_SLOW", "0")),
        os.environ.get("MSCSLE_TEST_LOG", ""),
    )
    main(sys.argv[1:], prog_name="mscsle")
