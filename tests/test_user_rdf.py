"""Safe parsing of user RDF (`mscsle query --data`): nothing fetched, no entity bombs, bounded size and depth."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mscsle.cli import main
from mscsle.query.user_data import DTD_REFUSED, MAX_DEPTH, UserDataError, read_all
from mscsle.release.pipeline import build

QUERY = "SELECT ?id WHERE { ?c mscsle:claim_id ?id } ORDER BY ?id\n"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


class Listener:
    """A socket listening on 127.0.0.1 that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[bytes] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            conn.settimeout(1)
            try:
                self.accepted.append(conn.recv(4096))
            except OSError:
                self.accepted.append(b"")
            conn.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    lst = Listener()
    yield lst
    lst.stop()


@pytest.fixture
def no_python_connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every socket connection Python code attempts (urllib included), recorded and refused."""
    attempts: list[object] = []

    def connect(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network access attempted in a test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    return attempts


@pytest.fixture(scope="module")
def mini_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import FIXTURES, make_project

    tmp = tmp_path_factory.mktemp("mini")
    build(make_project(tmp, FIXTURES / "mini"), tmp / "dist")
    return tmp / "dist"


def run_query(tmp: Path, *data: Path, extra: tuple[str, ...] = (), query: str = QUERY):
    rq = tmp / "q.rq"
    rq.write_text(query, encoding="utf-8")
    args = ["query", str(rq), *(a for d in data for a in ("--data", str(d))), *extra]
    return CliRunner().invoke(main, args)


def write(tmp: Path, name: str, text: str | bytes) -> Path:
    path = tmp / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


# --- what must load ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("artifact", ["mscsle.ttl", "mscsle.nt", "mscsle.owl", "mscsle.jsonld"])
def test_the_builds_own_artifacts_load(mini_dist: Path, tmp_path: Path, artifact: str):
    result = run_query(tmp_path, mini_dist / artifact)
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["id", "-----", "dg-01", "dg-02"]


def test_several_files_and_named_graphs(tmp_path: Path):
    a = write(tmp_path, "a.nq", '<http://ex/a> <https://w3id.org/mscsle/claim_id> "x1" <http://ex/g> .\n')
    b = write(tmp_path, "b.trig", '<http://ex/g2> { <http://ex/b> <https://w3id.org/mscsle/claim_id> "x2" }\n')
    c = write(tmp_path, "c.nt", '<http://ex/c> <https://w3id.org/mscsle/claim_id> "x3" .\n')
    result = run_query(tmp_path, a, b, c)  # the default graph is the union of all graphs
    assert result.exit_code == 0, result.output
    assert result.stdout.split()[2:] == ["x1", "x2", "x3"]


# --- JSON-LD: no remote context, ever -------------------------------------------------------------------------------


def _contexts(url: str) -> dict[str, object]:
    return {
        "string": {"@context": url, "@id": "http://ex/a", "name": "x"},
        "list": {"@context": [{"ex": "http://ex/"}, url], "@id": "http://ex/a", "ex:p": "x"},
        "import": {"@context": {"@import": url, "ex": "http://ex/"}, "@id": "http://ex/a", "ex:p": "x"},
        "scoped": {
            "@context": {"ex": "http://ex/", "ex:p": {"@context": url}},
            "@id": "http://ex/a",
            "ex:p": {"ex:q": "x"},
        },
        "nested-node": {"@context": {"ex": "http://ex/"}, "@graph": [{"@context": url, "@id": "http://ex/a"}]},
    }


@pytest.mark.parametrize("shape", sorted(_contexts("")))
def test_jsonld_remote_context_is_never_fetched(
    tmp_path: Path, listener: Listener, no_python_connections: list, shape: str
):
    url = listener.url("context.jsonld")
    path = write(tmp_path, "remote.jsonld", json.dumps(_contexts(url)[shape]))
    result = run_query(tmp_path, path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}: the JSON-LD names its context by address ({url}); mscsle never fetches "
        f"a context, so nothing was loaded: put the context inline in the document (as "
        f"dist/mscsle.jsonld does), or convert the file to Turtle or N-Triples\n"
    )
    listener.stop()
    assert listener.accepted == [] and no_python_connections == []


def test_oxigraph_alone_does_not_fetch_either(listener: Listener):
    """The second line of defence: the parser itself has no loader for remote contexts."""
    import pyoxigraph as ox

    doc = json.dumps({"@context": listener.url("c.jsonld"), "@id": "http://ex/a", "name": "x"})
    with pytest.raises(SyntaxError, match="remote context"):
        list(ox.parse(doc, format=ox.RdfFormat.JSON_LD))
    listener.stop()
    assert listener.accepted == []


def test_jsonld_nested_too_deeply_is_refused(tmp_path: Path):
    """Oxigraph's JSON-LD parser overflows its stack on a few thousand levels: refused before it runs."""
    doc = '{"@id": "http://ex/a", "http://ex/p": ' + '{"http://ex/p": ' * 5000 + '"x"' + "}" * 5001
    with pytest.raises(UserDataError, match=f"nested more than {MAX_DEPTH} levels deep"):
        read_all([write(tmp_path, "deep.jsonld", doc)])


# --- RDF/XML: no DTD, hence no entity of any kind ------------------------------------------------------------------


def _xml(doctype: str, body: str = "&e;") -> str:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{doctype}\n]>\n<rdf:RDF xmlns:rdf="{RDF}" '
        f'xmlns:ex="http://ex/"><rdf:Description rdf:about="http://ex/a"><ex:p>{body}</ex:p>'
        f"</rdf:Description></rdf:RDF>\n"
    )


LAUGHS = '<!ENTITY a "ha">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
REFUSED = f"{DTD_REFUSED}; refused, nothing was loaded"


@pytest.mark.parametrize(
    ("name", "doctype", "body"),
    [
        ("external-http", '<!ENTITY e SYSTEM "{url}">', "&e;"),
        ("external-file", '<!ENTITY e SYSTEM "file:///etc/passwd">', "&e;"),
        ("external-public", '<!ENTITY e PUBLIC "-//X//Y" "{url}">', "&e;"),
        ("parameter", '<!ENTITY % p SYSTEM "{url}"> %p;', "x"),
        # expat stops reading declarations after a parameter-entity reference it does not load; Oxigraph reads on
        ("after-parameter-reference", '%p; <!ENTITY e "' + "x" * 100_000 + '">', "&e;" * 1_000),
        ("billion-laughs", LAUGHS, "&j;"),
        ("markup", '<!ENTITY e "<ex:q>x</ex:q>">', "&e;"),
        ("internal-namespace", '<!ENTITY e "http://ex/">', "&e;"),  # what Protégé writes: refused as well
        ("empty", "", "x"),
    ],
)
def test_rdfxml_with_any_dtd_is_refused(
    tmp_path: Path, listener: Listener, no_python_connections: list, name: str, doctype: str, body: str
):
    url = listener.url("entity")
    path = write(tmp_path, f"{name}.owl", _xml(doctype.replace("{url}", url), body))
    result = run_query(tmp_path, path)
    assert result.exit_code == 2
    assert result.stderr == f"error: {path}: {REFUSED}\n"
    listener.stop()
    assert listener.accepted == [] and no_python_connections == []


@pytest.mark.parametrize(
    "head",
    [
        '<!DOCTYPE rdf:RDF SYSTEM "{url}">',
        '<!doctype rdf:RDF SYSTEM "{url}">',  # not XML, but a lenient reader might take it
        '<!DOCTYPE rdf:RDF PUBLIC "-//X//Y" "{url}">',
        "<!-- a comment first --><!DOCTYPE rdf:RDF [ %p; ]>",
    ],
)
def test_rdfxml_external_dtd_is_refused_in_any_spelling(tmp_path: Path, listener: Listener, head: str):
    url = listener.url("x.dtd")
    path = write(
        tmp_path, "dtd.rdf", f'<?xml version="1.0"?>\n{head.replace("{url}", url)}\n<rdf:RDF xmlns:rdf="{RDF}"/>\n'
    )
    with pytest.raises(UserDataError) as err:
        read_all([path])
    assert str(err.value) == f"{path}: {REFUSED}"
    listener.stop()
    assert listener.accepted == []


def test_xinclude_is_not_followed(tmp_path: Path, listener: Listener, no_python_connections: list):
    """An XInclude element is an ordinary (unknown) element to the RDF/XML reader: read, never fetched."""
    url = listener.url("included.rdf")
    path = write(
        tmp_path,
        "xi.rdf",
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://ex/" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<rdf:Description rdf:about="http://ex/a"><ex:p>x</ex:p></rdf:Description>'
        f'<xi:include href="{url}" parse="xml"/></rdf:RDF>\n',
    )
    try:
        read_all([path])
    except UserDataError:
        pass  # refusing it is as good as ignoring it; fetching it is what must not happen
    listener.stop()
    assert listener.accepted == [] and no_python_connections == []


def test_rdfxml_deep_nesting_and_utf16_are_refused(tmp_path: Path):
    deep = (
        f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:e="http://e/"><rdf:Description rdf:about="http://a">'
        + "<e:p><rdf:Description>" * 20_000
        + "</rdf:Description></e:p>" * 20_000
        + "</rdf:Description></rdf:RDF>"
    )
    with pytest.raises(UserDataError, match=f"XML elements nested more than {MAX_DEPTH} levels deep"):
        read_all([write(tmp_path, "deep.rdf", deep)])
    utf16 = write(tmp_path, "u.rdf", f'<rdf:RDF xmlns:rdf="{RDF}"/>'.encode("utf-16"))
    with pytest.raises(UserDataError, match="must be UTF-8"):
        read_all([utf16])


# --- size, format, syntax ------------------------------------------------------------------------------------------


def test_size_limit(tmp_path: Path):
    line = '<http://ex/a> <https://w3id.org/mscsle/claim_id> "x" .\n'
    big = write(tmp_path, "big.nt", line * (2 * 1024 * 1024 // len(line) + 1))
    result = run_query(tmp_path, big, extra=("--max-data-size", "1"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {big}: the RDF given to mscsle may total 1 MiB, and this file goes beyond that; "
        f"load large files into a triplestore (see the README), or raise the limit with "
        f"--max-data-size\n"
    )
    assert run_query(tmp_path, big, extra=("--max-data-size", "3")).exit_code == 0


def test_size_limit_counts_all_files_together(tmp_path: Path):
    line = '<http://ex/a> <https://w3id.org/mscsle/claim_id> "x" .\n'
    half = line * (600 * 1024 // len(line))
    a, b = write(tmp_path, "a.nt", half), write(tmp_path, "b.nt", half)
    assert run_query(tmp_path, a, extra=("--max-data-size", "1")).exit_code == 0
    result = run_query(tmp_path, a, b, extra=("--max-data-size", "1"))
    assert result.exit_code == 2 and f"error: {b}: the RDF given to mscsle may total 1 MiB" in result.stderr


def test_unknown_extension_and_bad_syntax(tmp_path: Path):
    odd = write(tmp_path, "data.txt", "<http://ex/a> <http://ex/p> 1 .\n")
    result = run_query(tmp_path, odd)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"error: {odd}: cannot tell the RDF format from the extension '.txt'; use one of "
        f".ttl, .nt, .nq, .trig, .owl, .rdf, .xml, .jsonld, .json, or name the format "
        f"with --data-format"
    )
    assert run_query(tmp_path, odd, extra=("--data-format", "turtle")).exit_code == 0
    bad = write(tmp_path, "bad.ttl", "<http://ex/a> <http://ex/p> .\n")
    result = run_query(tmp_path, bad)
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {bad}: not valid Turtle: ")
