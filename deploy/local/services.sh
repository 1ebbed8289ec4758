#!/usr/bin/env bash
# Real Kafka (4.0, KRaft) and a real OpenSearch (2.19) node on this machine, without Docker.
#
#   deploy/local/services.sh up          resolve jars (once), start both, wait until healthy
#   deploy/local/services.sh down        stop both cleanly (data kept)
#   deploy/local/services.sh down --clean    stop and delete all local state
#   deploy/local/services.sh status      print what is running and where the logs are
#   deploy/local/services.sh stop-search     stop only OpenSearch (data kept; outage tests)
#   deploy/local/services.sh start-search    start only OpenSearch again and wait until healthy
#
# Jars come from Maven Central through the two POMs in deploy/local/maven/ and are cached in
# .cache/local/lib/ (gitignored). All state (Kafka log dirs, OpenSearch data, logs, pids) lives
# under .data/local/ (gitignored). `up` is idempotent: a service that is already healthy is
# left alone.
#
# Heaps are sized for a 2-core, 24 GB machine that also runs the three newswire services and
# the tests: Kafka 512 MB, OpenSearch 1 GB. Override with KAFKA_HEAP / OPENSEARCH_HEAP.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${NEWSWIRE_LOCAL_CACHE:-$root/.cache/local}"
data="${NEWSWIRE_LOCAL_DATA:-$root/.data/local}"
lib="$cache/lib"

kafka_port=9092
controller_port=9093
search_port=9200
transport_port=9300
kafka_heap="${KAFKA_HEAP:-512m}"
opensearch_heap="${OPENSEARCH_HEAP:-1g}"
kafka_dir="$data/kafka"
search_dir="$data/opensearch"

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() {
    local pidfile="$1"
    [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# --- jars --------------------------------------------------------------------------------

resolve() {
    local name="$1"
    local marker="$lib/$name/.resolved"
    local pom="$here/maven/$name.pom.xml"
    # Re-resolve when the POM changes (a version bump), not on every start.
    local want
    want="$(sha256sum "$pom" | cut -c1-16)"
    if [[ -f "$marker" && "$(cat "$marker")" == "$want" ]]; then
        return
    fi
    log "resolving $name jars from Maven Central (first run only)..."
    rm -rf "$lib/$name"
    mkdir -p "$lib/$name"
    mvn -q -B -f "$pom" dependency:copy-dependencies \
        -DoutputDirectory="$lib/$name" >"$cache/mvn-$name.log" 2>&1 \
        || die "maven could not resolve $name; see $cache/mvn-$name.log"
    echo "$want" >"$marker"
}

# --- Kafka -------------------------------------------------------------------------------

kafka_config() {
    mkdir -p "$kafka_dir/logs" "$kafka_dir/data"
    cat >"$kafka_dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$kafka_port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$kafka_port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$kafka_dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
message.max.bytes=26214400
replica.fetch.max.bytes=26214400
log.retention.hours=168
log.cleaner.enable=true
EOF
    cat >"$kafka_dir/log4j2.properties" <<EOF
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $kafka_dir/logs/server.log
appender.file.filePattern = $kafka_dir/logs/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
}

kafka_java() {
    java -Xms"$kafka_heap" -Xmx"$kafka_heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$kafka_dir/log4j2.properties" \
        -cp "$lib/kafka/*" "$@"
}

kafka_healthy() {
    port_open "$kafka_port" && grep -q "Kafka Server started" "$kafka_dir/logs/server.log" 2>/dev/null
}

kafka_up() {
    if kafka_healthy; then
        log "kafka already running on 127.0.0.1:$kafka_port"
        return
    fi
    if port_open "$kafka_port"; then
        die "port $kafka_port is taken by another process; stop it or change the port"
    fi
    resolve kafka
    kafka_config
    if [[ ! -f "$kafka_dir/data/meta.properties" ]]; then
        local cluster_id
        cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid | tail -n1)"
        kafka_java kafka.tools.StorageTool format -t "$cluster_id" \
            -c "$kafka_dir/server.properties" >"$kafka_dir/logs/format.log" 2>&1 \
            || die "formatting KRaft storage failed; see $kafka_dir/logs/format.log"
    fi
    : >"$kafka_dir/logs/server.log"
    nohup bash -c "$(declare -f kafka_java); kafka_dir='$kafka_dir' kafka_heap='$kafka_heap' \
        lib='$lib' kafka_java kafka.Kafka '$kafka_dir/server.properties'" \
        >"$kafka_dir/logs/stdout.log" 2>&1 9>&- &
    echo $! >"$kafka_dir/pid"
    launched_kafka=$SECONDS
    log "kafka starting (pid $(cat "$kafka_dir/pid"))"
}

# --- OpenSearch --------------------------------------------------------------------------

opensearch_config() {
    mkdir -p "$search_dir/node_1/config"
    # The runner keeps an existing opensearch.yml; ours makes it a real single-node cluster
    # bound to loopback.
    cat >"$search_dir/node_1/config/opensearch.yml" <<EOF
network.host: 127.0.0.1
transport.port: $transport_port
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: true
indices.query.bool.max_clause_count: 4096
EOF
}

opensearch_healthy() {
    curl -fsS "http://127.0.0.1:$search_port/_cluster/health?wait_for_status=yellow&timeout=1s" \
        >/dev/null 2>&1
}

opensearch_up() {
    if opensearch_healthy; then
        log "opensearch already running on 127.0.0.1:$search_port"
        return
    fi
    if port_open "$search_port"; then
        die "port $search_port is taken by another process; stop it or change the port"
    fi
    resolve opensearch
    opensearch_config
    # http.port = baseHttpPort + node number, so 9199 gives node 1 the port 9200.
    nohup java -Xms"$opensearch_heap" -Xmx"$opensearch_heap" -XX:+UseG1GC \
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
        -Dlog4j2.formatMsgNoLookups=true \
        -cp "$lib/opensearch/*" org.codelibs.opensearch.runner.OpenSearchRunner \
        -basePath "$search_dir" -numOfNode 1 -baseHttpPort $((search_port - 1)) \
        -clusterName newswire-local \
        >"$search_dir/stdout.log" 2>&1 9>&- &
    echo $! >"$search_dir/pid"
    launched_opensearch=$SECONDS
    log "opensearch starting (pid $(cat "$search_dir/pid"))"
}

# --- lifecycle ---------------------------------------------------------------------------

# Seconds since launch are reported, so the start-up time of each service is visible.
launched_kafka=$SECONDS
launched_opensearch=$SECONDS

wait_healthy() {
    local name="$1" check="$2" pidfile="$3" logfile="$4" timeout="${5:-180}"
    local launched_var="launched_$name"
    local start=${!launched_var}
    until "$check"; do
        if ! pid_alive "$pidfile"; then
            tail -n 30 "$logfile" >&2 || true
            die "$name exited during start-up; see $logfile"
        fi
        if ((SECONDS - start > timeout)); then
            tail -n 30 "$logfile" >&2 || true
            die "$name not healthy after ${timeout}s; see $logfile"
        fi
        sleep 0.5
    done
    log "$name healthy after $((SECONDS - start))s"
}

stop_one() {
    local name="$1" pidfile="$2"
    if ! pid_alive "$pidfile"; then
        rm -f "$pidfile"
        return
    fi
    local pid
    pid="$(cat "$pidfile")"
    # The pid may be a wrapper shell; signal the whole process group's java children too.
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        pid_alive "$pidfile" || break
        sleep 0.5
    done
    if pid_alive "$pidfile"; then
        log "$name did not stop in 30s; killing"
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
    log "$name stopped"
}

cmd_up() {
    command -v java >/dev/null || die "java not found (Java 17 is required)"
    command -v mvn >/dev/null || die "mvn not found (Maven is required to fetch the jars)"
    mkdir -p "$cache" "$data"
    kafka_up
    opensearch_up
    wait_healthy kafka kafka_healthy "$kafka_dir/pid" "$kafka_dir/logs/server.log"
    wait_healthy opensearch opensearch_healthy "$search_dir/pid" "$search_dir/stdout.log"
    cmd_status
}

cmd_down() {
    stop_one opensearch "$search_dir/pid"
    stop_one kafka "$kafka_dir/pid"
    if [[ "${1:-}" == "--clean" ]]; then
        rm -rf "$data"
        log "removed $data"
    fi
}

cmd_status() {
    local k="down" s="down"
    kafka_healthy && k="up"
    opensearch_healthy && s="up"
    cat <<EOF
kafka       $k   bootstrap 127.0.0.1:$kafka_port   log $kafka_dir/logs/server.log
opensearch  $s   http://127.0.0.1:$search_port       log $search_dir/stdout.log
EOF
    [[ "$k" == "up" && "$s" == "up" ]]
}

cmd_stop_search() {
    stop_one opensearch "$search_dir/pid"
}

cmd_start_search() {
    mkdir -p "$cache" "$data"
    # On a shared machine another session's `up` may be starting it already: then wait for
    # that one instead of racing it for the data directory's lock.
    pid_alive "$search_dir/pid" || (opensearch_up) || true
    local start=$SECONDS
    until opensearch_healthy; do
        if ((SECONDS - start > 180)); then
            tail -n 30 "$search_dir/stdout.log" >&2 || true
            die "opensearch not healthy after 180s; see $search_dir/stdout.log"
        fi
        sleep 0.5
    done
    # If two starts raced anyway, the pid file may name the one that lost: record the node
    # that actually serves, so `down` and `up` keep working.
    local serving
    serving="$(pgrep -f -- "OpenSearchRunner -basePath $search_dir" | head -n1 || true)"
    [[ -n "$serving" ]] && echo "$serving" >"$search_dir/pid"
    log "opensearch healthy after $((SECONDS - start))s"
}

# One state change at a time: two test runs calling `up` together must not start two brokers.
# (The daemons are started with fd 9 closed, or they would hold this lock for their lifetime.)
mkdir -p "$data"
exec 9>"$data/.lock"
flock 9

case "${1:-}" in
    up) cmd_up ;;
    down) shift; cmd_down "${1:-}" ;;
    status) cmd_status ;;
    resolve) mkdir -p "$cache"; resolve kafka; resolve opensearch ;;
    stop-search) cmd_stop_search ;;
    start-search) cmd_start_search ;;
    *) echo "usage: $0 up | down [--clean] | status | resolve | stop-search | start-search" >&2
       exit 2 ;;
esac
