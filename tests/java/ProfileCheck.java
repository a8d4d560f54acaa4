/*
 * ProfileCheck: load OWL files with the OWL API (the library Protégé is built on) and report everything
 * that keeps them from being clean OWL 2 DL.
 *
 * Usage:   java -cp <OWL API jars>:<dir of this class> ProfileCheck [--catalog catalog-v001.xml] FILE...
 *
 * For each FILE it prints
 *   FILE <path> <format> axioms=<n> supported=<m>
 *                                  m: the property assertions annotated with mscsle:supported_by (the release's
 *                                  plain triples with the claims behind them, as Protégé shows them)
 *   UNPARSED <triple>              an RDF triple the OWL API could not turn into an axiom or annotation
 *   GUESSED <iri> <type>           an entity used but not declared (the parser had to guess what it is)
 *   VIOLATION <text>               an OWL 2 DL profile violation (OWL2DLProfile, imports closure included)
 * and ends with "OK" or "FAILED: <count> problem(s)". Exit status: 0 clean, 1 problems, 2 a file did not load.
 *
 * Imports are resolved only through the XML catalog (Protégé's catalog-v001.xml: <uri name=".." uri=".."/>,
 * paths relative to the catalog); an import the catalog does not map is an error, never a download.
 * The tests (tests/test_owl_profile.py) compile and run this file against /usr/share/java (Debian's
 * libowlapi-java); it has no other use and no dependency beyond the OWL API and the JDK.
 */

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.model.AxiomType;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public final class ProfileCheck {

    static final String SUPPORTED_BY = "https://w3id.org/mscsle/supported_by";

    private ProfileCheck() {
    }

    /** name IRI -> local file, from every <uri> element of an OASIS XML catalog. */
    static Map<IRI, IRI> readCatalog(File catalog) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        NodeList uris = factory.newDocumentBuilder().parse(catalog).getElementsByTagNameNS("*", "uri");
        Map<IRI, IRI> map = new HashMap<>();
        for (int i = 0; i < uris.getLength(); i++) {
            Element e = (Element) uris.item(i);
            File target = new File(catalog.getAbsoluteFile().getParentFile(), e.getAttribute("uri"));
            map.put(IRI.create(e.getAttribute("name")), IRI.create(target.getCanonicalFile()));
        }
        return map;
    }

    /** The problems of one file, printed as they are found; -1 if it did not load. */
    static int check(File file, Map<IRI, IRI> catalog) {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.getIRIMappers().clear();
        manager.getIRIMappers().add(iri -> {
            IRI local = catalog.get(iri);
            if (local != null || "file".equals(iri.getScheme())) {
                return local != null ? local : iri;
            }
            throw new IllegalStateException("import " + iri + " is not mapped to a local file in the catalog");
        });
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION);
        manager.setOntologyLoaderConfiguration(config);
        OWLOntology ontology;
        try {
            ontology = manager.loadOntologyFromOntologyDocument(file);
        } catch (Exception | Error e) {
            System.out.println("ERROR " + file + " did not load: " + e);
            return -1;
        }
        OWLDocumentFormat format = manager.getOntologyFormat(ontology);
        long supported = ontology.axioms(AxiomType.OBJECT_PROPERTY_ASSERTION)
                .filter(a -> a.annotations().anyMatch(an -> an.getProperty().getIRI().toString().equals(SUPPORTED_BY)))
                .count();
        System.out.println("FILE " + file + " " + format.getKey() + " axioms=" + ontology.getAxiomCount()
                + " supported=" + supported);
        List<String> problems = new ArrayList<>();
        OWLOntologyLoaderMetaData meta = format.getOntologyLoaderMetaData().orElse(null);
        if (meta != null) {
            meta.getUnparsedTriples().map(t -> "UNPARSED " + t).sorted().forEach(problems::add);
            meta.getGuessedDeclarations().entries().stream()
                    .map(e -> "GUESSED " + e.getKey() + " " + e.getValue().getSimpleName()).sorted()
                    .forEach(problems::add);
        } else {
            problems.add("ERROR no loader metadata: not parsed as RDF, so unparsed triples cannot be checked");
        }
        for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ontology).getViolations()) {
            problems.add("VIOLATION " + v.toString().replace('\n', ' '));
        }
        problems.forEach(System.out::println);
        return problems.size();
    }

    public static void main(String[] args) throws Exception {
        Map<IRI, IRI> catalog = new HashMap<>();
        List<File> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ("--catalog".equals(args[i])) {
                catalog = readCatalog(new File(args[++i]));
            } else {
                files.add(new File(args[i]));
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: ProfileCheck [--catalog catalog-v001.xml] FILE...");
            System.exit(2);
        }
        int total = 0;
        boolean loaded = true;
        for (File f : files) {
            int n = check(f, catalog);
            loaded &= n >= 0;
            total += Math.max(n, 0);
        }
        System.out.println(loaded && total == 0 ? "OK" : "FAILED: " + total + " problem(s)" + (loaded ? "" : ", a file did not load"));
        System.exit(loaded ? (total == 0 ? 0 : 1) : 2);
    }
}
