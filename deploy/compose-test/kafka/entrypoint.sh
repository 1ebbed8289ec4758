#!/bin/bash
# KAFKA_* variables -> /opt/kafka/config/server.properties, as the apache/kafka image does it:
# drop the prefix, lower-case, `___` -> `-`, `__` -> `_`, `_` -> `.`
# (KAFKA_LISTENER_SECURITY_PROTOCOL_MAP -> listener.security.protocol.map). The JVM's own
# variables (KAFKA_HEAP_OPTS, KAFKA_OPTS, ...) are not properties. With no KAFKA_LOG_DIRS the
# data goes where the official image puts it, /tmp/kraft-combined-logs, i.e. not in a volume.
# Storage is formatted on first start with CLUSTER_ID (the official image's default when unset).
set -euo pipefail

config=/opt/kafka/config/server.properties
: >"$config"
for name in $(compgen -e); do
    case "$name" in
        KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS \
            | KAFKA_GC_LOG_OPTS | KAFKA_JMX_OPTS | KAFKA_VERSION | KAFKA_HOME) continue ;;
        KAFKA_*) ;;
        *) continue ;;
    esac
    property="${name#KAFKA_}"
    property="${property,,}"
    property="${property//___/-}"
    property="${property//__/%}"
    property="${property//_/.}"
    property="${property//%/_}"
    printf '%s=%s\n' "$property" "${!name}" >>"$config"
done
grep -q '^log\.dirs=' "$config" || echo "log.dirs=/tmp/kraft-combined-logs" >>"$config"
log_dir="$(sed -n 's/^log\.dirs=//p' "$config" | cut -d, -f1)"

classpath='/opt/kafka/libs/*'
logging="-Dlog4j2.configurationFile=/opt/kafka/docker/log4j2.yaml"
if [[ ! -f "$log_dir/meta.properties" ]]; then
    java $logging -cp "$classpath" kafka.tools.StorageTool format --ignore-formatted \
        -t "${CLUSTER_ID:-5L6g3nShT-eMCtK--X86sw}" -c "$config"
fi
# shellcheck disable=SC2086  # the *_OPTS variables are lists of JVM flags
exec java ${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G} ${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC} \
    ${KAFKA_OPTS:-} $logging -cp "$classpath" kafka.Kafka "$config"
