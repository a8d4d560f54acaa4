"""`mscsle docs`: build and validate the graph in memory (as `mscsle build` does), render the site, publish it atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mscsle.curation.review_text import ReviewText
from mscsle.project import Project
from mscsle.release.pipeline import Built, assemble
from mscsle.release.publish import staged_directory
from mscsle.site.render import render_site


@dataclass
class SiteBuilt:
    built: Built
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
    source_text: Path | None = None,
    png: Path | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> SiteBuilt:
    """The site into `out` (default dist/docs/); with `png`, the network picture also there (e.g. for the README).

    `progress` is told each step as it starts (the command shows it: the whole takes several seconds).
    """
    review = ReviewText.read(source_text) if source_text else None
    progress("building and validating the graph")
    built = assemble(project, review)
    files = render_site(built.files["mscsle.nt"], project, review, progress)
    progress("writing the site")
    target = out or project.dist / "docs"
    with staged_directory(target) as staging:
        for name, data in sorted(files.items()):
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_bytes(data)
    if png is not None:
        write_file(png, files["network.png"])
    return SiteBuilt(built, files, target)
