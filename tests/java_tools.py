"""Compiling the small Java checkers of tests/java/ against Debian's jars (the OWL API, Apache Jena), once per
session: skipped where Java or the jars are absent (a user's machine), failed where CI says they must be there."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

JAVA_LIB = Path("/usr/share/java")
# The jars of libowlapi-java and of the packages it depends on (`apt-cache depends libowlapi-java`, and
# librdf4j-java's libjaxb-api-java) that parsing and profile checking load: the OWL API itself, its RDF parsers
# (rdf4j Rio, whose blank-node handling needs the JAXB API that Java 11+ no longer ships) and their runtime libraries.
OWLAPI_JARS = (
    "owlapi-distribution",
    "guava",
    "caffeine",
    "commons-io",
    "commons-rdf-api",
    "hppcrt",
    "xz",
    "atinject-jsr330-api",
    "jaxb-api",
    "slf4j-api",
    "slf4j-nop",
)
OWLAPI = ("MSCSLE_REQUIRE_OWLAPI", "apt-get install -y openjdk-17-jdk-headless libowlapi-java")


def unavailable(reason: str, requirement: tuple[str, str]) -> None:
    """Skip, or fail where the environment variable of `requirement` (variable, install command) is set."""
    variable, install = requirement
    if os.environ.get(variable):
        pytest.fail(f"{reason}; .ci/run installs it ({install})")
    pytest.skip(f"{reason} (install with: {install})")


def owlapi_jars(requirement: tuple[str, str] = OWLAPI) -> list[Path]:
    """The OWL API's jars with rdf4j's Rio parsers (the unversioned names Debian links)."""
    jars = [JAVA_LIB / f"{name}.jar" for name in OWLAPI_JARS]
    missing = [j.name for j in jars if not j.is_file()]
    rio = sorted(p for p in JAVA_LIB.glob("rdf4j-*.jar") if not p.stem.rsplit("-", 1)[-1][:1].isdigit())
    if missing or not rio:
        unavailable(
            f"the OWL API jars are not in {JAVA_LIB} (missing: {', '.join(missing) or 'rdf4j-*.jar'})", requirement
        )
    return [*jars, *rio]


def compile_checker(
    source: Path, jars: Sequence[Path], classes: Path, requirement: tuple[str, str], extra: Sequence[Path] = ()
) -> list[str]:
    """`java` arguments up to the main class: `source` compiled into `classes` against `extra` (first) and `jars`."""
    for tool in ("java", "javac"):
        if shutil.which(tool) is None:
            unavailable(f"`{tool}` is not on PATH", requirement)
    classpath = os.pathsep.join(str(p) for p in [*extra, *jars])
    subprocess.run(["javac", "-d", str(classes), "-cp", classpath, str(source)], check=True, capture_output=True)
    return ["java", "-cp", os.pathsep.join([classpath, str(classes)])]
