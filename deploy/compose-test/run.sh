#!/usr/bin/env bash
# The users' docker compose deployment (docker-compose.yml, deploy/docker/Dockerfile), built and
# run for real on a private Docker engine, with the demo profile:
#
#   deploy/compose-test/run.sh          (as root; also `pytest -m compose`)
#
# 1. start dockerd under a temporary directory; build (once, cached in .cache/compose-test/)
#    the compose plugin from the Go module proxy; build the local images: no image registry is
#    reachable, so a Debian bookworm rootfs (debootstrap) and stand-ins for apache/kafka,
#    opensearchproject/opensearch and python:3.11-slim, each honouring the configuration our
#    compose file gives the official image;
# 2. `docker compose config`, then `up -d --build` with the opensearch and demo profiles
#    (deploy/compose-demo.env) and the test's override (compose.ci.yml: host network, loopback
#    only, ports of its own);
# 3. wait until init has exited 0 and every service is healthy;
# 4. the demo's seed story is searchable, with its fields, on the engine's published port;
# 5. `--scale parser=3`; revise every demo article (the site's files are a copy), force a
#    re-crawl of all of them and restart a parser replica in the middle of it: every revision
#    reaches the index (nothing lost), and nothing became a dead letter;
# 6. `down -v` leaves no container, network or volume behind; the engine is stopped.
#
# Ports (CT_* below) avoid the usual 9092/9093/9200/9300, which another Kafka and OpenSearch on
# this machine may hold. Prints "compose: N passed, M failed" and exits non-zero on a failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$root/.cache/compose-test"
local_cache="${NEWSWIRE_LOCAL_CACHE:-$root/.cache/local}"

COMPOSE_VERSION=v5.6.0
PROJECT=newswire-compose-test
export CT_KAFKA_PORT="${CT_KAFKA_PORT:-39092}"
export CT_CONTROLLER_PORT="${CT_CONTROLLER_PORT:-39093}"
export CT_SEARCH_PORT="${CT_SEARCH_PORT:-39200}"
export CT_TRANSPORT_PORT="${CT_TRANSPORT_PORT:-39300}"
export CT_FETCHER_METRICS_PORT="${CT_FETCHER_METRICS_PORT:-39101}"
export CT_PARSER_METRICS_PORT="${CT_PARSER_METRICS_PORT:-39102}"
export CT_INDEXER_METRICS_PORT="${CT_INDEXER_METRICS_PORT:-39103}"
export CT_STORIES_METRICS_PORT="${CT_STORIES_METRICS_PORT:-39104}"
export CT_ARCHIVE_METRICS_PORT="${CT_ARCHIVE_METRICS_PORT:-39105}"
export CT_DEMO_PORT="${CT_DEMO_PORT:-39088}"
# Generous: two cores, shared.
WAIT_S="${CT_WAIT_S:-600}"

# shellcheck source=deploy/compose-test/engine.sh
source "$here/engine.sh"

started=$SECONDS
passed=0
failed=0
log() { printf '[compose-test] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
ok() { passed=$((passed + 1)); log "ok ($((SECONDS - started))s): $*"; }

# --- tools ----------------------------------------------------------------------------------

install_tools() {
    local missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    if ((${#missing[@]})); then
        [[ $EUID -eq 0 ]] || die "needs root to install ${missing[*]} and run dockerd"
        log "installing ${missing[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${missing[@]}" >"$work/apt.log" 2>&1 || { tail -n 20 "$work/apt.log" >&2; exit 1; }
    fi
    [[ $EUID -eq 0 ]] || die "dockerd needs root"
    command -v docker >/dev/null || die "docker CLI not found"
    for tool in mvn javac python3; do
        command -v "$tool" >/dev/null || die "$tool not found"
    done
}

# The compose plugin, built from the Go module proxy (`go install` refuses the module's exclude
# directives, so it is built inside the module's directory). Cached: about 2 minutes.
compose_plugin() {
    export DOCKER_CONFIG="$cache/docker-config"
    local plugin="$DOCKER_CONFIG/cli-plugins/docker-compose"
    if [[ -x "$plugin" && "$(cat "$plugin.version" 2>/dev/null)" == "$COMPOSE_VERSION" ]]; then
        return
    fi
    local go
    go="$(command -v go || echo /usr/local/go/bin/go)"
    [[ -x "$go" ]] || die "go not found (needed once, to build the compose plugin)"
    log "building the compose plugin $COMPOSE_VERSION (once)"
    local module="github.com/docker/compose/v5@$COMPOSE_VERSION"
    "$go" mod download "$module"
    mkdir -p "$DOCKER_CONFIG/cli-plugins"
    (cd "$("$go" env GOMODCACHE)/$module" && "$go" build -trimpath \
        -ldflags "-w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" \
        -o "$plugin.tmp" ./cmd)
    mv "$plugin.tmp" "$plugin"
    echo "$COMPOSE_VERSION" >"$plugin.version"
}

# Debian bookworm, minimal, from the mirror apt already uses. Cached as a tarball.
base_rootfs() {
    local tarball="$cache/bookworm-minbase.tar"
    if [[ ! -f "$tarball" ]]; then
        local mirror
        mirror="$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' \
            | grep -v security | head -n1)"
        [[ -n "$mirror" ]] || mirror="$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list)"
        [[ -n "$mirror" ]] || die "no Debian mirror found in apt's sources"
        log "debootstrap bookworm (minbase) from $mirror (once)"
        debootstrap --variant=minbase bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
            || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
        tar -C "$work/rootfs" -cf "$tarball.tmp" .
        mv "$tarball.tmp" "$tarball"
        rm -rf "$work/rootfs"
    fi
    echo "$tarball"
}

# Maven Central jars through a POM, copied into DIR; re-resolved when the POM changes.
maven_jars() {
    local pom="$1" dir="$2" want
    want="$(sha256sum "$pom" | cut -c1-16)"
    [[ -f "$dir/.resolved" && "$(cat "$dir/.resolved")" == "$want" ]] && return
    log "resolving $(basename "$(dirname "$pom")") jars from Maven Central"
    rm -rf "$dir"
    mkdir -p "$dir"
    mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$dir" \
        >"$work/mvn.log" 2>&1 || { tail -n 20 "$work/mvn.log" >&2; die "maven failed"; }
    echo "$want" >"$dir/.resolved"
}

# --- images ---------------------------------------------------------------------------------

# The legacy builder, on the host's network (the engine has no bridge).
build_image() {
    local tag="$1" context="$2"
    DOCKER_BUILDKIT=0 docker build -q --network host -t "$tag" "$context" >"$work/build.log" 2>&1 \
        || { tail -n 30 "$work/build.log" >&2; die "building $tag failed"; }
}

build_stand_ins() {
    local ctx="$work/contexts"
    docker import "$(base_rootfs)" newswire-compose-test/bookworm:base >/dev/null
    build_image newswire-compose-test/jre:17 "$here/jre"

    mkdir -p "$ctx/python"
    cp "$here/python/Dockerfile" "$ctx/python/"
    cp /etc/ssl/certs/ca-certificates.crt "$ctx/python/host-ca.crt"
    build_image newswire-compose-test/python:3.11 "$ctx/python"

    mkdir -p "$ctx/kafka"
    maven_jars "$here/kafka/pom.xml" "$cache/kafka-lib"
    cp "$here"/kafka/{Dockerfile,entrypoint.sh,kafka-broker-api-versions.sh,log4j2.yaml} "$ctx/kafka/"
    cp -r "$cache/kafka-lib" "$ctx/kafka/libs"
    build_image newswire-compose-test/kafka:4.0 "$ctx/kafka"

    mkdir -p "$ctx/opensearch/classes"
    NEWSWIRE_LOCAL_CACHE="$local_cache" "$root/deploy/local/services.sh" resolve
    cp "$here"/opensearch/{Dockerfile,entrypoint.sh,opensearch.yml} "$ctx/opensearch/"
    cp -r "$local_cache/lib/opensearch" "$ctx/opensearch/lib"
    javac -d "$ctx/opensearch/classes" -cp "$local_cache/lib/opensearch/*" \
        "$here/opensearch/StandInOpenSearch.java"
    build_image newswire-compose-test/opensearch:2.19 "$ctx/opensearch"
}

# --- compose --------------------------------------------------------------------------------

compose() {
    docker compose --project-name "$PROJECT" --project-directory "$root" \
        --env-file "$root/deploy/compose-demo.env" \
        -f "$root/docker-compose.yml" -f "$here/compose.ci.yml" "$@"
}

container_state() {  # container -> "status exitcode health"
    docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}-{{end}}' "$1"
}

report() {
    log "containers:"
    compose ps -a >&2 || true
    for service in kafka opensearch init fetcher parser indexer demo; do
        log "--- last log lines of $service ---"
        compose logs --no-color --tail 25 "$service" >&2 2>&1 || true
    done
}

wait_until() {  # description, command...: poll every 3 s up to WAIT_S
    local what="$1" start=$SECONDS
    shift
    until "$@"; do
        if ((SECONDS - start > WAIT_S)); then
            failed=$((failed + 1))
            report
            die "not $what after ${WAIT_S}s"
        fi
        sleep 3
    done
}

init_done() {
    local id state
    id="$(compose ps -a -q init)"
    [[ -n "$id" ]] || return 1
    state="$(container_state "$id")"
    case "$state" in
        "exited 0 "*) return 0 ;;
        exited*) report; die "init exited with: $state" ;;
        *) return 1 ;;
    esac
}

all_healthy() {
    local service id
    for service in kafka opensearch fetcher parser indexer stories archive demo; do
        id="$(compose ps -q "$service" | head -n1)"
        [[ -n "$id" && "$(container_state "$id")" == "running 0 healthy" ]] || return 1
    done
}

search_url="http://127.0.0.1:$CT_SEARCH_PORT"
checks() { python3 "$here/checks.py" "$@"; }
seed_story_found() { checks seed-story "$search_url" >/dev/null 2>&1; }

no_dead_letters() {
    local letters
    letters="$(compose exec -T fetcher newswire status --json | checks dead-letters)"
    [[ "$letters" == 0 ]] && return
    compose exec -T -e COLUMNS=200 fetcher newswire dlq list >&2 || true
    failed=$((failed + 1))
    die "$letters dead letter(s)"
}

# How many demo pages the pipeline indexes as articles is the extractor's call (short pages
# count as lists): take the number once it has stopped changing (three polls alike).
articles_settled() {
    local now
    now="$(checks articles-with "$search_url" 2>/dev/null)" || return 1
    if [[ "$now" == "${settled:-}" ]]; then
        ((++alike >= 3))
    else
        settled="$now"
        alike=1
        return 1
    fi
}

demo_articles() {  # the article URLs of the demo site, as the test's fetcher sees them
    (cd "$root/seeds/demo" && find 2025 -name 'ARTI*.shtml' | sort \
        | sed "s|^|http://demo:$CT_DEMO_PORT/|")
}

parsers_running() {  # three replicas up, and all three sharing the work
    [[ "$(compose ps -q parser | wc -l)" -eq 3 ]] || return 1
    local id
    for id in $(compose ps -q parser); do
        [[ "$(container_state "$id")" == running* ]] || return 1
    done
    [[ "$(compose exec -T fetcher newswire status --json 2>/dev/null | checks group parser)" \
        == "Stable 3" ]]
}

revisions_indexed() {
    local count
    count="$(checks articles-with "$search_url" "$marker" 2>/dev/null)" || return 1
    log "revised articles indexed: $count / $expected"
    [[ "$count" -eq "$expected" ]]
}

nothing_left() {
    [[ -z "$(docker ps -aq)" ]] || { docker ps -a >&2; return 1; }
    [[ -z "$(docker volume ls -q)" ]] || { docker volume ls >&2; return 1; }
    [[ -z "$(docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")" ]] \
        || { docker network ls >&2; return 1; }
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- the test -------------------------------------------------------------------------------

cleanup() {
    local status=$?
    if [[ -n "${ENGINE_PID:-}" ]]; then
        compose down -v --timeout 20 >/dev/null 2>&1 || true
        engine_stop
    fi
    rm -rf "$work"
    if ((status != 0 && failed == 0)); then failed=1; fi
    log "took $((SECONDS - started))s"
    echo "compose: $passed passed, $failed failed"
}

work="$(mktemp -d /tmp/newswire-compose-test.XXXXXX)"
trap cleanup EXIT
mkdir -p "$cache"

for port in CT_KAFKA_PORT CT_CONTROLLER_PORT CT_SEARCH_PORT CT_TRANSPORT_PORT \
    CT_FETCHER_METRICS_PORT CT_PARSER_METRICS_PORT CT_INDEXER_METRICS_PORT \
    CT_STORIES_METRICS_PORT CT_ARCHIVE_METRICS_PORT CT_DEMO_PORT; do
    port_free "${!port}" || die "port ${!port} ($port) is taken; set $port to a free one"
done

install_tools
compose_plugin
engine_start "$work/engine"
log "engine up: $(docker info -f "{{.ServerVersion}}, storage {{.Driver}}"), compose $(docker compose version --short)"
build_stand_ins
ok "engine, compose plugin and stand-in images ready"

# The users' file as users run it (with .env), and as they run the demo.
(cd "$root" && docker compose config -q)
(cd "$root" && docker compose --env-file deploy/compose-demo.env config -q)

# The test's settings for docker-compose.yml; the rest comes from deploy/compose-demo.env.
export NEWSWIRE_KAFKA_IMAGE=newswire-compose-test/kafka:4.0
export NEWSWIRE_OPENSEARCH_IMAGE=newswire-compose-test/opensearch:2.19
export NEWSWIRE_PYTHON_IMAGE=newswire-compose-test/python:3.11
export NEWSWIRE_SEARCH_URL="http://search:$CT_SEARCH_PORT"
export NEWSWIRE_SEEDS_FILE=/app/test-seeds/demo-compose.yaml
export CT_SEEDS_DIR="$work/seeds"
export CT_DEMO_DIR="$work/demo"
cp -r "$root/seeds/demo" "$CT_DEMO_DIR"
mkdir -p "$CT_SEEDS_DIR"
sed "s/demo:8088/demo:$CT_DEMO_PORT/g" "$root/seeds/demo-compose.yaml" \
    >"$CT_SEEDS_DIR/demo-compose.yaml"

compose config -q
ok "docker compose config"

log "docker compose up -d --build (profiles: opensearch, demo)"
# init first: the services that share its image then find every layer in the build cache
# (left alone, the classic builder builds init and demo side by side, twice the work).
compose build init >"$work/build-init.log" 2>&1 \
    || { tail -n 40 "$work/build-init.log" >&2; die "building the newswire image failed"; }
compose up -d --build --quiet-pull >"$work/up.log" 2>&1 || { tail -n 40 "$work/up.log" >&2; report; die "up failed"; }
wait_until "init exited 0" init_done
wait_until "healthy: kafka opensearch fetcher parser indexer stories archive demo" all_healthy
ok "init exited 0, every service healthy"

wait_until "found the seed story" seed_story_found
checks seed-story "$search_url" >&2
no_dead_letters
ok "seed story searchable with its fields on 127.0.0.1:$CT_SEARCH_PORT, no dead letters"

# Nothing lost: every article is revised and re-crawled, and every revision must reach the
# index although a parser replica is restarted while the re-crawl is under way. (Unchanged
# pages would prove nothing: the parser skips a page whose content it has seen.)
wait_until "a settled number of indexed demo articles" articles_settled
expected="$settled"
log "demo articles indexed: $expected"
mapfile -t articles < <(demo_articles)
compose -f "$here/compose.scale.yml" up -d --no-build --scale parser=3 >"$work/scale.log" 2>&1 \
    || { cat "$work/scale.log" >&2; report; die "scaling failed"; }
wait_until "3 parsers in a stable group" parsers_running
marker="rev$(date +%s)"
checks revise-demo "$CT_DEMO_DIR" "$marker" >&2
compose exec -T fetcher newswire crawl --force "${articles[@]}" >&2
victim="$(compose ps -q parser | sed -n 2p)"
sleep 1
log "restarting parser replica $(docker inspect -f '{{.Name}}' "$victim") mid-crawl"
docker restart -t 10 "$victim" >/dev/null
wait_until "all $expected revised articles indexed" revisions_indexed
no_dead_letters
ok "--scale parser=3, a replica restarted mid-crawl: all $expected revised articles indexed"

compose down -v --timeout 20 >"$work/down.log" 2>&1 || { cat "$work/down.log" >&2; die "down failed"; }
nothing_left || { failed=$((failed + 1)); die "down -v left something behind"; }
ok "down -v left no containers, networks or volumes"
engine_stop
ok "engine stopped"
