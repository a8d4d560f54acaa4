"""The documentation site (`mscsle docs`): ontology reference pages, a claims browser and network pictures.

Everything is read back from the built graph with SPARQL (queries/site/), so the site shows what the RDF says;
it is static HTML with inline JavaScript and inline SVG, and opens from the file system without a server.
"""

from mscsle.site.build import SiteBuilt, build_site, render_site

__all__ = ["SiteBuilt", "build_site", "render_site"]
