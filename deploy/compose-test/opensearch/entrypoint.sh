#!/bin/bash
# DISABLE_SECURITY_PLUGIN and DISABLE_INSTALL_DEMO_CONFIG need nothing here: the runner loads
# no security plugin.
set -euo pipefail
# shellcheck disable=SC2086  # OPENSEARCH_JAVA_OPTS is a list of JVM flags
exec java ${OPENSEARCH_JAVA_OPTS:--Xms1g -Xmx1g} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true \
    -cp '/usr/share/opensearch/classes:/usr/share/opensearch/lib/*' StandInOpenSearch \
    -basePath /usr/share/opensearch/node -dataPath /usr/share/opensearch/data -numOfNode 1 \
    -clusterName docker-cluster
