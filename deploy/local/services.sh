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
# Multi-node clusters, for the cluster tests (`pytest -m cluster`) and for rehearsing failures:
#
#   deploy/local/services.sh up --brokers 3 --search-nodes 2
#       a 3-node KRaft Kafka cluster (each node broker and controller) on 127.0.0.1:19092,
#       19094, 19096 and a 2-node OpenSearch cluster on 127.0.0.1:19201, 19202, each node in
#       its own JVM with its own data and logs under .data/local/cluster/. They run beside the
#       single-node pair (other ports), so the default tests and the cluster tests can share a
#       machine. Internal topics (offsets, transactions) get replication 3 and min ISR 2.
#   deploy/local/services.sh kill NODE       SIGKILL one node (kafka-2, search-1, kafka, ...)
#   deploy/local/services.sh start NODE      start one node again and wait until it is healthy
#   deploy/local/services.sh status          every node, up or down, with its address and log
#   deploy/local/services.sh env             the NEWSWIRE_* settings that point at the cluster
#   deploy/local/services.sh down --cluster [--clean]   stop (and delete) only the cluster
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

# --- multi-node clusters -----------------------------------------------------------------
#
# Node names: kafka-1..N and search-1..M. search-1 is the cluster manager and holds data;
# the other search nodes hold data only: a two-node cluster cannot elect a manager without
# both nodes anyway, so one fixed manager keeps the cluster writable while any *other* node
# is down (killing search-1 is the "cluster unavailable" rehearsal).

cluster_dir="$data/cluster"
cluster_kafka_base=19092          # broker i listens on base + 2(i-1), its controller one above
cluster_search_http_base=19200    # search node j: http base + j, transport 19300 + j
cluster_search_transport_base=19300
cluster_kafka_heap="${CLUSTER_KAFKA_HEAP:-384m}"
cluster_search_heap="${CLUSTER_SEARCH_HEAP:-512m}"

topology() {
    # "BROKERS SEARCH_NODES" of the cluster last brought up ("0 0" when none).
    cat "$cluster_dir/topology" 2>/dev/null || echo "0 0"
}

cluster_kafka_port() { echo $((cluster_kafka_base + 2 * ($1 - 1))); }
cluster_search_port() { echo $((cluster_search_http_base + $1)); }

cluster_bootstrap() {
    local n="$1" i out=()
    for ((i = 1; i <= n; i++)); do out+=("127.0.0.1:$(cluster_kafka_port "$i")"); done
    (IFS=,; echo "${out[*]}")
}

cluster_search_urls() {
    local m="$1" j out=()
    for ((j = 1; j <= m; j++)); do out+=("http://127.0.0.1:$(cluster_search_port "$j")"); done
    (IFS=,; echo "${out[*]}")
}

cluster_kafka_config() {
    local i="$1" n="$2" dir="$cluster_dir/kafka-$1"
    local port controller voters="" k rf=$(( n < 3 ? n : 3 )) isr=$(( n < 2 ? n : 2 ))
    port="$(cluster_kafka_port "$i")"
    controller=$((port + 1))
    for ((k = 1; k <= n; k++)); do
        voters+="${voters:+,}$k@127.0.0.1:$(( $(cluster_kafka_port "$k") + 1 ))"
    done
    mkdir -p "$dir/logs" "$dir/data"
    cat >"$dir/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
unclean.leader.election.enable=false
message.max.bytes=26214400
replica.fetch.max.bytes=26214400
log.retention.hours=168
log.cleaner.enable=true
PROPERTIES
    sed "s#$kafka_dir/logs#$dir/logs#g" "$kafka_dir/log4j2.properties" >"$dir/log4j2.properties"
}

cluster_kafka_healthy() {
    port_open "$(cluster_kafka_port "$1")" \
        && grep -q "Kafka Server started" "$cluster_dir/kafka-$1/logs/server.log" 2>/dev/null
}

cluster_kafka_start() {
    local i="$1" n="$2" dir="$cluster_dir/kafka-$1"
    if cluster_kafka_healthy "$i"; then
        log "kafka-$i already running"
        return
    fi
    if port_open "$(cluster_kafka_port "$i")"; then
        die "port $(cluster_kafka_port "$i") is taken by another process"
    fi
    resolve kafka
    kafka_config  # writes the single node's log4j file, the template of every node's
    cluster_kafka_config "$i" "$n"
    if [[ ! -f "$cluster_dir/kafka-cluster-id" ]]; then
        kafka_java kafka.tools.StorageTool random-uuid | tail -n1 >"$cluster_dir/kafka-cluster-id"
    fi
    if [[ ! -f "$dir/data/meta.properties" ]]; then
        kafka_java kafka.tools.StorageTool format -t "$(cat "$cluster_dir/kafka-cluster-id")" \
            -c "$dir/server.properties" >"$dir/logs/format.log" 2>&1 \
            || die "formatting kafka-$i failed; see $dir/logs/format.log"
    fi
    : >"$dir/logs/server.log"
    nohup java -Xms"$cluster_kafka_heap" -Xmx"$cluster_kafka_heap" -XX:+UseG1GC \
        -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$dir/log4j2.properties" \
        -cp "$lib/kafka/*" kafka.Kafka "$dir/server.properties" \
        >"$dir/logs/stdout.log" 2>&1 9>&- &
    echo $! >"$dir/pid"
    log "kafka-$i starting on 127.0.0.1:$(cluster_kafka_port "$i") (pid $!)"
}

cluster_search_healthy() {
    curl -fsS "http://127.0.0.1:$(cluster_search_port "$1")/_cluster/health?wait_for_status=yellow&timeout=1s" \
        >/dev/null 2>&1
}

cluster_search_start() {
    local j="$1" m="$2" dir="$cluster_dir/search-$1"
    if cluster_search_healthy "$j"; then
        log "search-$j already running"
        return
    fi
    if port_open "$(cluster_search_port "$j")"; then
        die "port $(cluster_search_port "$j") is taken by another process"
    fi
    resolve opensearch
    mkdir -p "$dir"
    local k seeds="" roles="data,ingest"
    for ((k = 1; k <= m; k++)); do
        seeds+="${seeds:+,}127.0.0.1:$((cluster_search_transport_base + k))"
    done
    [[ "$j" == 1 ]] && roles="cluster_manager,data,ingest"
    nohup java -Xms"$cluster_search_heap" -Xmx"$cluster_search_heap" -XX:+UseG1GC \
        -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Dlog4j2.formatMsgNoLookups=true \
        -cp "$lib/opensearch/*" "$here/java/OpenSearchNode.java" "$dir" newswire-cluster \
        "node.name=search-$j" "node.roles[]=$roles" \
        "network.host=127.0.0.1" \
        "http.port=$(cluster_search_port "$j")" \
        "transport.port=$((cluster_search_transport_base + j))" \
        "discovery.seed_hosts[]=$seeds" \
        "cluster.initial_cluster_manager_nodes[]=search-1" \
        "cluster.routing.allocation.disk.threshold_enabled=false" \
        "action.auto_create_index=true" \
        "indices.query.bool.max_clause_count=4096" \
        >"$dir/stdout.log" 2>&1 9>&- &
    echo $! >"$dir/pid"
    log "search-$j starting on http://127.0.0.1:$(cluster_search_port "$j") (pid $!)"
}

cluster_up() {
    local n="$1" m="$2" i j
    mkdir -p "$cluster_dir"
    local was_n was_m
    read -r was_n was_m < <(topology)
    if ((was_n + was_m > 0)) && [[ "$was_n $was_m" != "$n $m" ]] && cluster_any_alive; then
        die "a cluster of $was_n brokers and $was_m search nodes is running; 'down' it first"
    fi
    echo "$n $m" >"$cluster_dir/topology"
    for ((i = 1; i <= n; i++)); do cluster_kafka_start "$i" "$n"; done
    for ((j = 1; j <= m; j++)); do cluster_search_start "$j" "$m"; done
    for ((i = 1; i <= n; i++)); do
        wait_healthy "kafka-$i" "$cluster_dir/kafka-$i/pid" \
            "$cluster_dir/kafka-$i/logs/server.log" "$SECONDS" cluster_kafka_healthy "$i"
    done
    for ((j = 1; j <= m; j++)); do
        wait_healthy "search-$j" "$cluster_dir/search-$j/pid" \
            "$cluster_dir/search-$j/stdout.log" "$SECONDS" cluster_search_healthy "$j"
    done
}

cluster_any_alive() {
    local pidfile
    for pidfile in "$cluster_dir"/*/pid; do
        pid_alive "$pidfile" && return 0
    done
    return 1
}

node_pidfile() {
    case "$1" in
        kafka) echo "$kafka_dir/pid" ;;
        opensearch) echo "$search_dir/pid" ;;
        kafka-[0-9]*|search-[0-9]*) echo "$cluster_dir/$1/pid" ;;
        *) die "unknown node '$1' (kafka, opensearch, kafka-N or search-N)" ;;
    esac
}

cmd_kill() {
    local name="${1:-}" pidfile pid
    [[ -n "$name" ]] || die "usage: $0 kill NODE"
    pidfile="$(node_pidfile "$name")"
    pid_alive "$pidfile" || die "$name is not running"
    pid="$(cat "$pidfile")"
    # The single node's pid may be a wrapper shell: its java child goes too.
    pkill -KILL -P "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    log "$name killed (SIGKILL, pid $pid)"
}

cmd_start() {
    local name="${1:-}" n m
    read -r n m < <(topology)
    case "$name" in
        kafka)
            kafka_up
            wait_healthy kafka "$kafka_dir/pid" "$kafka_dir/logs/server.log" "$launched_kafka" kafka_healthy ;;
        opensearch) cmd_start_search ;;
        kafka-[0-9]*)
            local i="${name#kafka-}"
            ((i >= 1 && i <= n)) || die "$name is not in the cluster ($n brokers)"
            cluster_kafka_start "$i" "$n"
            wait_healthy "$name" "$cluster_dir/$name/pid" \
                "$cluster_dir/$name/logs/server.log" "$SECONDS" cluster_kafka_healthy "$i" ;;
        search-[0-9]*)
            local j="${name#search-}"
            ((j >= 1 && j <= m)) || die "$name is not in the cluster ($m search nodes)"
            cluster_search_start "$j" "$m"
            wait_healthy "$name" "$cluster_dir/$name/pid" \
                "$cluster_dir/$name/stdout.log" "$SECONDS" cluster_search_healthy "$j" ;;
        *) die "usage: $0 start NODE (kafka, opensearch, kafka-N or search-N)" ;;
    esac
}

cluster_status() {
    local n m i j state ok=0
    read -r n m < <(topology)
    for ((i = 1; i <= n; i++)); do
        state=down
        if cluster_kafka_healthy "$i"; then state=up; else ok=1; fi
        printf 'kafka-%-5s %-4s bootstrap 127.0.0.1:%s  log %s\n' "$i" "$state" \
            "$(cluster_kafka_port "$i")" "$cluster_dir/kafka-$i/logs/server.log"
    done
    for ((j = 1; j <= m; j++)); do
        state=down
        if cluster_search_healthy "$j"; then state=up; else ok=1; fi
        printf 'search-%-4s %-4s http://127.0.0.1:%s  log %s\n' "$j" "$state" \
            "$(cluster_search_port "$j")" "$cluster_dir/search-$j/stdout.log"
    done
    return $ok
}

cmd_env() {
    local n m
    read -r n m < <(topology)
    ((n > 0)) || die "no cluster: run '$0 up --brokers 3 --search-nodes 2' first"
    echo "NEWSWIRE_KAFKA_BOOTSTRAP_SERVERS=$(cluster_bootstrap "$n")"
    echo "NEWSWIRE_REPLICATION_FACTOR=$(( n < 3 ? n : 3 ))"
    if ((m > 0)); then
        echo "NEWSWIRE_SEARCH_URL=$(cluster_search_urls "$m")"
        echo "NEWSWIRE_INDEX_REPLICAS=$(( m > 1 ? 1 : 0 ))"
    fi
}

cluster_down() {
    local n m i j
    read -r n m < <(topology)
    for ((j = m; j >= 1; j--)); do stop_one "search-$j" "$cluster_dir/search-$j/pid"; done
    for ((i = n; i >= 1; i--)); do stop_one "kafka-$i" "$cluster_dir/kafka-$i/pid"; done
}

# --- lifecycle ---------------------------------------------------------------------------

# Seconds since launch are reported, so the start-up time of each service is visible.
launched_kafka=$SECONDS
launched_opensearch=$SECONDS

wait_healthy() {
    # wait_healthy NAME PIDFILE LOGFILE START CHECK [ARG...]: until CHECK succeeds, or fail
    # loudly when the process dies or 240 s pass; START (a $SECONDS value) is when it launched.
    local name="$1" pidfile="$2" logfile="$3" start="$4"
    shift 4
    until "$@"; do
        if ! pid_alive "$pidfile"; then
            tail -n 30 "$logfile" >&2 || true
            die "$name exited during start-up; see $logfile"
        fi
        if ((SECONDS - start > 240)); then
            tail -n 30 "$logfile" >&2 || true
            die "$name not healthy after 240s; see $logfile"
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
    local brokers=1 search_nodes=1
    while (($#)); do
        case "$1" in
            --brokers) brokers="${2:?--brokers needs a number}"; shift 2 ;;
            --search-nodes) search_nodes="${2:?--search-nodes needs a number}"; shift 2 ;;
            *) die "up: unknown option $1" ;;
        esac
    done
    command -v java >/dev/null || die "java not found (Java 17 is required)"
    command -v mvn >/dev/null || die "mvn not found (Maven is required to fetch the jars)"
    mkdir -p "$cache" "$data"
    if ((brokers > 1 || search_nodes > 1)); then
        # A cluster has both kinds: a test of one kind's failures still needs the other.
        cluster_up "$brokers" "$search_nodes"
        cluster_status
        return
    fi
    kafka_up
    opensearch_up
    wait_healthy kafka "$kafka_dir/pid" "$kafka_dir/logs/server.log" "$launched_kafka" kafka_healthy
    wait_healthy opensearch "$search_dir/pid" "$search_dir/stdout.log" "$launched_opensearch" \
        opensearch_healthy
    single_status
}

cmd_down() {
    local clean=0 only_cluster=0
    for arg in "$@"; do
        case "$arg" in
            --clean) clean=1 ;;
            --cluster) only_cluster=1 ;;
            *) die "down: unknown option $arg" ;;
        esac
    done
    cluster_down
    if ((only_cluster)); then
        if ((clean)); then rm -rf "$cluster_dir"; log "removed $cluster_dir"; fi
        return
    fi
    stop_one opensearch "$search_dir/pid"
    stop_one kafka "$kafka_dir/pid"
    if ((clean)); then
        rm -rf "$data"
        log "removed $data"
    fi
}

cmd_status() {
    local ok=0
    single_status || ok=1
    cluster_status || ok=1
    return $ok
}

single_status() {
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
    up) shift; cmd_up "$@" ;;
    down) shift; cmd_down "$@" ;;
    status) cmd_status ;;
    env) cmd_env ;;
    resolve) mkdir -p "$cache"; resolve kafka; resolve opensearch ;;
    stop-search) cmd_stop_search ;;
    start-search) cmd_start_search ;;
    kill) shift; cmd_kill "${1:-}" ;;
    start) shift; cmd_start "${1:-}" ;;
    *) echo "usage: $0 up [--brokers N] [--search-nodes M] | down [--cluster] [--clean]" \
            "| status | env | kill NODE | start NODE | resolve | stop-search | start-search" >&2
       exit 2 ;;
esac
