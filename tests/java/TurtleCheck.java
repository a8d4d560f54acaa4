/*
 * TurtleCheck: load Turtle files with the OWL API's own Turtle parser and nothing else (no fallback to another
 * parser), and each file's RDF/XML twin with the OWL API's own RDF/XML parser, and print their axiom counts.
 *
 * Usage:   java -cp <OWL API jars>:<dir of this class> TurtleCheck TURTLE RDFXML [TURTLE RDFXML]...
 *
 * For each pair it prints
 *   PAIR <turtle> turtle=<format> logical=<n> unparsed=<n> rdfxml=<format> logical=<n> unparsed=<n>
 * or "ERROR <file> did not load: <exception>". Exit status: 0 all loaded, 2 a file did not load.
 *
 * The OWL API's Turtle parser rejects SPARQL-style PREFIX lines (owlcs/owlapi#1149); with the other parsers
 * removed from the manager that is an error here, where an ordinary load would quietly fall back to Rio.
 * Imports are never fetched: every IRI that is not a file maps to a file that does not exist, and a missing
 * import is ignored (each import module is checked as a file of its own). Axioms are counted without imports.
 * The tests (tests/test_owl_interop.py) compile and run this file against /usr/share/java (libowlapi-java).
 */

import java.io.File;

import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFXMLDocumentFormat;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.io.OWLParserFactory;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.MissingImportHandlingStrategy;
import org.semanticweb.owlapi.model.OWLDocumentFormat;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyLoaderConfiguration;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.rdf.rdfxml.parser.RDFXMLParserFactory;
import org.semanticweb.owlapi.rdf.turtle.parser.TurtleOntologyParserFactory;

public final class TurtleCheck {

    private TurtleCheck() {
    }

    /** "format=<key> logical=<n> unparsed=<n>" of one file read with one parser only; throws if it does not load. */
    static String load(File file, OWLParserFactory parser, OWLDocumentFormat format, String name) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.getOntologyParsers().clear();
        manager.getOntologyParsers().add(parser);
        manager.getIRIMappers().clear();
        manager.getIRIMappers().add(iri -> "file".equals(iri.getScheme()) ? iri
                : IRI.create(new File("/nonexistent-offline/" + Integer.toHexString(iri.hashCode()))));
        manager.setOntologyLoaderConfiguration(new OWLOntologyLoaderConfiguration()
                .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT));
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(file, format));
        OWLDocumentFormat loaded = manager.getOntologyFormat(ontology);
        long unparsed = loaded.getOntologyLoaderMetaData().map(OWLOntologyLoaderMetaData::getUnparsedTriples)
                .map(s -> s.count()).orElse(-1L);
        return name + "=" + loaded.getKey().replace(' ', '_') + " logical=" + ontology.getLogicalAxiomCount()
                + " unparsed=" + unparsed;
    }

    public static void main(String[] args) {
        if (args.length == 0 || args.length % 2 != 0) {
            System.err.println("usage: TurtleCheck TURTLE RDFXML [TURTLE RDFXML]...");
            System.exit(2);
        }
        boolean loaded = true;
        for (int i = 0; i < args.length; i += 2) {
            File turtle = new File(args[i]);
            File rdfxml = new File(args[i + 1]);
            try {
                String t = load(turtle, new TurtleOntologyParserFactory(), new TurtleDocumentFormat(), "turtle");
                String x = load(rdfxml, new RDFXMLParserFactory(), new RDFXMLDocumentFormat(), "rdfxml");
                System.out.println("PAIR " + turtle + " " + t + " " + x);
            } catch (Exception | Error e) {
                String why = e.toString().replace('\n', ' ');
                System.out.println("ERROR " + turtle + " did not load: " + why.substring(0, Math.min(why.length(), 1500)));
                loaded = false;
            }
        }
        System.exit(loaded ? 0 : 2);
    }
}
