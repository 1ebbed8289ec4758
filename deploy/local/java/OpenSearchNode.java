// One OpenSearch node of a local multi-node cluster, in its own JVM so that it can be killed
// and restarted alone (`services.sh kill search-2`). Run by services.sh as a single-file
// program on the runner's classpath:
//
//   java -cp ".cache/local/lib/opensearch/*" OpenSearchNode.java BASE_PATH CLUSTER key=value...
//
// The runner's own main() names every node "Node 1" and makes it cluster-manager eligible; a
// real cluster needs distinct names, ports and roles, so this sets them through the runner's
// settings callback (a `key[]=a,b` argument is a list setting).
import org.codelibs.opensearch.runner.OpenSearchRunner;

public class OpenSearchNode {
    public static void main(final String[] args) throws Exception {
        final String basePath = args[0];
        final String clusterName = args[1];
        final OpenSearchRunner runner = new OpenSearchRunner();
        // Explicit http.port values above 9299 would otherwise be refused by the runner's scan.
        runner.setMaxHttpPort(-1);
        runner.onBuild((index, settings) -> {
            for (int i = 2; i < args.length; i++) {
                final String[] kv = args[i].split("=", 2);
                if (kv[0].endsWith("[]")) {
                    settings.putList(kv[0].substring(0, kv[0].length() - 2), kv[1].split(","));
                } else {
                    settings.put(kv[0], kv[1]);
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("closing: " + e);
            }
        }));
        runner.build("-basePath", basePath, "-numOfNode", "1", "-clusterName", clusterName);
        while (!runner.isClosed()) {
            Thread.sleep(5000);
        }
    }
}
