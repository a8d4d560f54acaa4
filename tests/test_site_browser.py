"""The built site in headless Chromium, as a reader uses it at 1280 pixels: layout, linked rows, search, filter and CSV,
the review's text. Each test adds a small script to a copy of the page that drives the page's own controls and writes
what it finds into the DOM, which Chromium then dumps. Screenshots of the main pages are kept as test artifacts."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph

from .test_site import CHROMIUM, HEADLESS, claim_ids, graph, require, select, site  # noqa: F401  (fixtures)

WIDTH, HEIGHT = 1280, 900
MAIN_PAGES = (
    "index.html",
    "claims.html",
    "review.html",
    "references.html",
    "network.html",
    "factors.html",
    "entities.html",
    "entity/OAZ.html",
    "values.html",
    "ontology.html",
)


def chromium(*args: str, profile: Path) -> str:
    cmd = [
        require(*CHROMIUM),
        *HEADLESS,
        "--hide-scrollbars",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--user-data-dir={profile}",
        *args,
    ]
    done = subprocess.run(cmd, capture_output=True, timeout=180, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def run_in_page(site_dir: Path, page: str, script: str, tmp_path: Path, fragment: str = "") -> dict:
    """Open a copy of `page` (beside it, so its links resolve) with `script` run 300 ms after load; the script
    returns a JSON-serialisable value, which comes back here."""
    html = (site_dir / page).read_text(encoding="utf-8")
    harness = f"""<script>
window.addEventListener("load", function () {{ setTimeout(function () {{
  var out = document.createElement("pre"); out.id = "harness-result";
  try {{ out.textContent = JSON.stringify((function () {{ {script} }})()); }}
  catch (e) {{ out.textContent = JSON.stringify({{error: String(e)}}); }}
  document.body.appendChild(out);
}}, 300); }});
</script>"""
    copy = (site_dir / page).with_name(f"_harness-{tmp_path.name}-{Path(page).name}")
    copy.write_text(html.replace("</body>", harness + "</body>", 1), encoding="utf-8")
    try:
        url = copy.resolve().as_uri() + (f"#{fragment}" if fragment else "")
        dom = chromium("--virtual-time-budget=5000", "--dump-dom", url, profile=tmp_path / "profile")
    finally:
        copy.unlink()
    found = re.search(r'<pre id="harness-result">(.*?)</pre>', dom, re.S)
    assert found, "the harness script did not run"
    result = json.loads(
        found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )
    assert not (isinstance(result, dict) and "error" in result), result
    return result


@pytest.fixture(scope="module")
def screenshots(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:  # noqa: F811
    """Screenshots of the main pages at 1280 × 900 (kept under pytest's temporary folder, named in the output)."""
    out = tmp_path_factory.mktemp("screenshots")
    for page in MAIN_PAGES:
        shot = out / (page.replace("/", "-").removesuffix(".html") + ".png")
        chromium(f"--screenshot={shot}", (site / page).resolve().as_uri(), profile=out / "profile")
    print(f"screenshots of the site: {out}")
    return out


def test_screenshots_of_the_main_pages(screenshots: Path):
    for page in MAIN_PAGES:
        png = (screenshots / (page.replace("/", "-").removesuffix(".html") + ".png")).read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (WIDTH, HEIGHT)


@pytest.mark.parametrize("page", MAIN_PAGES)
def test_no_horizontal_scroll_at_1280_pixels(site: Path, tmp_path: Path, page: str):  # noqa: F811
    found = run_in_page(
        site,
        page,
        "return {width: document.documentElement.scrollWidth, window: window.innerWidth};",
        tmp_path,
    )
    assert found["window"] == WIDTH
    assert found["width"] <= found["window"], f"{page} is {found['width']} px wide"


def test_linked_claim_row_is_below_the_sticky_filters(site: Path, graph: Graph, tmp_path: Path):  # noqa: F811
    last = sorted(claim_ids(graph))[-1]
    found = run_in_page(
        site,
        "claims.html",
        f"""var row = document.getElementById("claim-{last}").getBoundingClientRect();
            var bar = document.getElementById("filters").getBoundingClientRect();
            return {{row: row.top, bottom: row.bottom, bar: bar.bottom, scrolled: window.scrollY}};""",
        tmp_path,
        fragment=f"claim-{last}",
    )
    assert found["scrolled"] > 0, "the page did not scroll to the row"
    assert found["bar"] <= found["row"] < HEIGHT, f"the row is hidden under the filters: {found}"


SEARCH = """var form = document.getElementById("filters");
form.elements["text"].value = TERM;
form.elements["text"].dispatchEvent(new Event("input", {bubbles: true}));
return Array.prototype.filter.call(document.querySelectorAll("#claims tbody tr"), function (r) { return !r.hidden; })
  .map(function (r) { return r.id.replace("claim-", ""); });"""


@pytest.mark.parametrize("term", ["ZNF423", "hgnc:16762"])
def test_search_finds_claims_by_gene_symbol_and_curie(site: Path, graph: Graph, tmp_path: Path, term: str):  # noqa: F811
    """OAZ is HGNC's ZNF423 (its one IRI is hgnc:16762): a search by the symbol or the CURIE finds every claim
    naming OAZ."""
    expected = {
        r[0] for r in select(graph, 'SELECT ?i WHERE { ?c mscsle:claim_id ?i ; ?p ?e . ?e mscsle:entity_id "OAZ" }')
    }
    shown = set(run_in_page(site, "claims.html", SEARCH.replace("TERM", json.dumps(term)), tmp_path))
    assert expected and shown == expected


def test_search_without_match_says_so(site: Path, tmp_path: Path):  # noqa: F811
    found = run_in_page(
        site,
        "claims.html",
        SEARCH.replace("TERM", json.dumps("no-such-word-xyz")).replace(
            "return Array",
            "var shown = Array",
        )
        + """;
        return {shown: shown.length, message: !document.getElementById("nomatch").hidden,
                text: document.getElementById("nomatch").textContent, count: document.getElementById("count").textContent};""",
        tmp_path,
    )
    assert found["shown"] == 0 and found["count"] == "0"
    assert found["message"] and "No claim matches" in found["text"]


def test_filter_and_csv_download_agree(site: Path, graph: Graph, tmp_path: Path):  # noqa: F811
    ((expected,),) = select(
        graph, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a mscsle:Claim ; mscsle:has_relation mscsle:inhibits }"
    )
    found = run_in_page(
        site,
        "claims.html",
        """var csv = null, RealBlob = window.Blob;
           window.Blob = function (parts, options) { csv = parts.join(""); return new RealBlob(parts, options); };
           HTMLAnchorElement.prototype.click = function () {};  // no file is saved
           var select = document.querySelector('select[name="relation"]');
           select.value = "inhibits";
           select.dispatchEvent(new Event("change", {bubbles: true}));
           document.getElementById("csv").click();
           var visible = Array.prototype.filter.call(document.querySelectorAll("#claims tbody tr"),
                                                     function (r) { return !r.hidden; });
           return {csv: csv, visible: visible.length, count: document.getElementById("count").textContent,
                   hash: location.hash};""",
        tmp_path,
    )
    lines = [line for line in found["csv"].split("\r\n") if line]
    assert lines[0].startswith("claim,")
    assert len(lines) - 1 == found["visible"] == int(found["count"]) == int(expected) > 0
    assert found["hash"] == "#relation=inhibits"


def test_review_page_highlights_every_quote(site: Path, graph: Graph, tmp_path: Path):  # noqa: F811
    quotes: dict[str, list[str]] = {}  # a claim may have several quotes: each is marked where it stands
    for cid, quote in select(graph, "SELECT ?i ?q WHERE { ?c mscsle:claim_id ?i ; mscsle:quote ?q }"):
        quotes.setdefault(cid, []).append(quote)
    found = run_in_page(
        site,
        "review.html",
        """var quotes = QUOTES, wrong = [];
           function norm(t) { return t.replace(/[\\s\\-\\u00ad]+/g, ""); }
           var marks = Array.prototype.slice.call(document.querySelectorAll("mark[data-claims]"));
           Object.keys(quotes).forEach(function (id) {
             var anchor = document.getElementById("q-" + id);
             var text = marks.filter(function (m) { return m.dataset.claims.split(" ").indexOf(id) >= 0; })
                             .map(function (m) { return m.textContent; }).join("");
             var shown = marks.length && getComputedStyle(marks[0]).backgroundColor !== "rgba(0, 0, 0, 0)";
             var all = quotes[id].every(function (q) { return norm(text).indexOf(norm(q)) >= 0; });
             var length = quotes[id].reduce(function (n, q) { return n + norm(q).length; }, 0);
             if (!anchor || anchor.getAttribute("href") !== "claims.html#claim-" + id || !all
                 || norm(text).length !== length || !shown) wrong.push(id);
           });
           return {wrong: wrong, marks: marks.length,
                   silent: document.querySelectorAll("p.no-claim .no-claim-tag").length};""".replace(
            "QUOTES", json.dumps(quotes)
        ),
        tmp_path,
    )
    assert found["wrong"] == [], "claims whose quote is not highlighted and linked"
    assert found["marks"] > 0 and found["silent"] > 0
