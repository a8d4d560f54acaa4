"""Publish a build in one step, so the output folder always holds one complete build: the previous or the new.

The files are written into a staging folder beside the target and flushed to disk (a spooled artifact made in the
same file system is given its name there, not copied: release/spool.py); then the staging folder
and the target swap places in one `renameat2(RENAME_EXCHANGE)` call (Linux). Where the system cannot swap,
the target is first renamed to a backup, and a build that finds the backup without the target (a kill fell
between the two renames) puts it back. A lock file serialises builds into the same folder, so two builds
never interleave their files; the last to finish wins, whole.

A build deletes only what a build wrote: a non-empty folder without the marker file (dist/ included) is never
replaced, so `--out` cannot wipe a folder by mistake. The output folder is never reached through a symbolic
link (`dist -> .` would otherwise make the checkout the folder replaced), and an output path that cannot be
written is reported before any work.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from mscsle.errors import OutputFolderError
from mscsle.release.spool import Spool

MARKER = ".mscsle-build"
MARKER_TEXT = b"This folder is written by `mscsle build`, which replaces it as a whole.\n"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where the system or file system cannot."""
    libc = ctypes.CDLL(None, use_errno=True)  # the C library already loaded: find_library would fork ldconfig
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, f"cannot swap {a} and {b}: {os.strerror(err)}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _named(path: Path, fh: IO[bytes]) -> bool:
    """Give the unnamed temporary file `fh` the name `path`, flushed to disk and readable as a file written here
    would be (Linux: linkat of /proc/self/fd); False where that cannot be done (another file system, no /proc, a
    temporary file that had a name), and `path` is then written as a copy."""
    try:
        fh.flush()
        fd = fh.fileno()
        mask = os.umask(0o022)
        os.umask(mask)
        os.fchmod(fd, 0o666 & ~mask)
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:  # with a folder's descriptor os.link calls linkat(AT_SYMLINK_FOLLOW): the file, not /proc's link
            os.link(f"/proc/self/fd/{fd}", path.name, dst_dir_fd=folder)
        finally:
            os.close(folder)
    except (OSError, ValueError):
        return False
    os.fsync(fd)
    return True


def _write(path: Path, data: bytes | IO[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)  # artifacts may sit in sub-folders (kgx/, triplestore/)
    if not isinstance(data, bytes) and _named(path, data):
        return
    with open(path, "wb") as fh:
        if isinstance(data, bytes):
            fh.write(data)
        else:
            shutil.copyfileobj(data, fh, 1 << 20)
        fh.flush()
        os.fsync(fh.fileno())


def _names(target: Path) -> tuple[Path, Path, str]:
    """The lock file, the backup folder and the prefix of staging folders that belong to `target`."""
    return (
        target.parent / f".{target.name}.lock",
        target.parent / f".{target.name}.previous",
        f".{target.name}.staging-",
    )


def _recover(target: Path) -> None:
    """Undo what a killed build left behind (call with the lock held)."""
    _, backup, staging_prefix = _names(target)
    if backup.is_symlink():
        raise OutputFolderError(f"{backup} is a symbolic link, not a build's backup; remove it and build again")
    if backup.exists():
        if target.exists():
            shutil.rmtree(backup)  # killed after the new build was in place
        else:
            os.rename(backup, target)  # killed between the two renames: the previous build comes back
    for stale in target.parent.glob(f"{staging_prefix}*"):
        shutil.rmtree(stale, ignore_errors=True)


def _check_replaceable(target: Path) -> None:
    if target.is_symlink():
        raise OutputFolderError(
            f"{target} is a symbolic link (to {os.readlink(target)}); a build never writes through one: "
            f"remove the link, or give the real folder as the output"
        )
    if not target.exists():
        return
    if not target.is_dir():
        raise OutputFolderError(f"{target} is a file; give a folder as the output (e.g. --out dist)")
    if any(target.iterdir()) and not (target / MARKER).is_file():
        raise OutputFolderError(
            f"{target} is not empty and was not written by `mscsle build` (it has no {MARKER} "
            f"file); a build replaces its output folder as a whole, so choose a new or empty "
            f"folder, or remove this one yourself"
        )


def _absolute(target: Path) -> Path:
    """`target` made absolute with its parent's links resolved, but not its own: a link is refused, never followed."""
    absolute = Path(os.path.abspath(target))
    if not absolute.name:
        raise OutputFolderError(f"{target} is the root folder; give a folder of its own as the output")
    return absolute.parent.resolve() / absolute.name


@contextmanager
def _locked(target: Path) -> Iterator[Path]:
    """Hold the build lock of `target` (waiting for a concurrent build to finish), after recovering."""
    target = _absolute(target)
    lock_path, _, _ = _names(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "a")  # noqa: SIM115 (closed below, after the build)
    except OSError as e:
        raise OutputFolderError(
            f"cannot write into {target.parent} ({e.strerror}); choose another output folder"
        ) from e
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _recover(target)
        yield target


def check_output(target: Path) -> None:
    """Fail early, before any work, if `target` may not be replaced; also repair what a killed build left."""
    with _locked(target) as absolute:
        _check_replaceable(absolute)


def _swap_in(staging: Path, target: Path) -> None:
    _, backup, _ = _names(target)
    if not target.exists():
        os.rename(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging)  # it now holds the previous build
    else:
        os.rename(target, backup)
        os.rename(staging, target)
        shutil.rmtree(backup)
    _fsync(target.parent)


@contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside `target`; on success it replaces `target` in one step.

    Builds into the same target wait for each other; on any error (or a kill) `target` keeps its previous content.
    """
    with _locked(target) as target:
        _check_replaceable(target)
        try:
            staging = Path(tempfile.mkdtemp(prefix=_names(target)[2], dir=target.parent))
        except OSError as e:
            raise OutputFolderError(f"cannot write into {target.parent} ({e.strerror}); choose another output") from e
        try:
            yield staging
            _write(staging / MARKER, MARKER_TEXT)
            staging.chmod(0o755)
            _fsync(staging)
            _swap_in(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def publish(target: Path, files: Mapping[str, bytes]) -> None:
    """Make `files` (name -> bytes) the whole content of the folder `target`, at once."""
    with staged_directory(target) as staging:
        for name in sorted(files):  # a Spool's files are named or copied, never held in memory
            _write(staging / name, files.reader(name) if isinstance(files, Spool) else files[name])
