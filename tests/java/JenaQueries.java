/*
 * JenaQueries: open a dataset from a Jena assembler file (here the release's Fuseki configuration) the way Fuseki
 * does, and run SPARQL query files against it in one JVM, writing each result as SPARQL 1.1 JSON.
 *
 * Usage:   java -cp <Jena jars> JenaQueries ASSEMBLER OUT_DIR QUERY.rq...
 *
 * The dataset is the one the configuration's service names (fuseki:dataset), as Fuseki finds it.
 * Writes OUT_DIR/<n>.json for the n-th query (SELECT/ASK) or OUT_DIR/<n>.nt (CONSTRUCT/DESCRIBE) and prints
 * "DONE <count>". The query files are parsed as they are, with no prefix added. Relative locations in the
 * assembler (tdb2:location) resolve against the working directory, as in Fuseki.
 * The tests (tests/test_triplestore_configs.py) compile and run it against Debian's libapache-jena-java.
 */

import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import org.apache.jena.query.Dataset;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.Property;
import org.apache.jena.rdf.model.Resource;
import org.apache.jena.sys.JenaSystem;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.system.Txn;

public final class JenaQueries {

    private JenaQueries() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: JenaQueries ASSEMBLER OUT_DIR QUERY.rq...");
            System.exit(2);
        }
        // As Fuseki does: the dataset is the object of the service's fuseki:dataset, built by Jena's assembler.
        JenaSystem.init();
        Model config = RDFDataMgr.loadModel(args[0]);
        Property datasetOf = config.createProperty("http://jena.apache.org/fuseki#dataset");
        Resource description = config.listObjectsOfProperty(datasetOf).next().asResource();
        Dataset dataset = DatasetFactory.assemble(description);
        File out = new File(args[1]);
        for (int i = 2; i < args.length; i++) {
            String text = Files.readString(new File(args[i]).toPath(), StandardCharsets.UTF_8);
            Query query = QueryFactory.create(text);
            int n = i - 2;
            Txn.executeRead(dataset, () -> {
                try (QueryExecution exec = QueryExecutionFactory.create(query, dataset)) {
                    if (query.isSelectType()) {
                        try (OutputStream os = new FileOutputStream(new File(out, n + ".json"))) {
                            ResultSetFormatter.outputAsJSON(os, exec.execSelect());
                        }
                    } else if (query.isAskType()) {
                        try (OutputStream os = new FileOutputStream(new File(out, n + ".json"))) {
                            ResultSetFormatter.outputAsJSON(os, exec.execAsk());
                        }
                    } else {
                        try (OutputStream os = new FileOutputStream(new File(out, n + ".nt"))) {
                            RDFDataMgr.write(os, query.isConstructType() ? exec.execConstruct() : exec.execDescribe(),
                                    Lang.NTRIPLES);
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }
        System.out.println("DONE " + (args.length - 2));
    }
}
