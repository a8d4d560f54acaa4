"""`mscsle docs`: render the site from the built graph in dist/ (never rebuilding it) and publish it atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mscsle.errors import OutputFolderError
from mscsle.project import Project
from mscsle.release.artifacts import built
from mscsle.release.publish import staged_directory
from mscsle.site.render import render_site


@dataclass
class SiteBuilt:
    files: dict[str, bytes]
    out: Path


def write_file(path: Path, data: bytes) -> None:
    """Write a file in one step (a temporary file beside it, then renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_site(
    project: Project,
    out: Path | None = None,
    png: Path | None = None,
    dist: Path | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> SiteBuilt:
    """The site of dist/mscsle.nt into `out` (default dist/docs/); with `png`, the network picture also there.

    Raises NotBuilt (exit 2) if dist/mscsle.nt is missing or older than the sources: run `mscsle build` first.
    `progress` is told each step as it starts (the command shows it: the whole takes several seconds).
    """
    files = render_site(built(project, dist, "mscsle.nt").read_bytes(), project, progress=progress)
    progress("writing the site")
    target = out or (dist or project.dist) / "docs"
    with staged_directory(target) as staging:
        for name, data in sorted(files.items()):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
    if png is not None:
        try:
            write_file(png, files["network.png"])
        except OSError as e:
            raise OutputFolderError(f"cannot write {png} ({e.strerror}); choose another --png path") from e
    return SiteBuilt(files, target)
