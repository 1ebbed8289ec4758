#!/usr/bin/env bash
# The run command: local Kafka + OpenSearch, then the fetcher, parser, indexer and archive on the
# default seeds (seeds/sites.yaml). Ctrl-C stops the services (Kafka and OpenSearch
# keep running; `deploy/local/services.sh down` stops them).
#
#   deploy/local/run.sh           crawl the real sites in seeds/sites.yaml
#   deploy/local/run.sh --demo    crawl the bundled demo site (offline; served on 127.0.0.1:8088)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

demo=0
[[ "${1:-}" == "--demo" ]] && demo=1

"$root/deploy/local/bootstrap.sh"
"$root/deploy/local/services.sh" up

logs="$root/.data/logs"
mkdir -p "$logs"
export NEWSWIRE_DATA_DIR="${NEWSWIRE_DATA_DIR:-$root/.data/services}"
pids=()
cleanup() {
    trap - INT TERM EXIT
    echo "[run] stopping services..." >&2
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

if ((demo)); then
    export NEWSWIRE_SEEDS_FILE="$root/seeds/demo.yaml"
    # The demo site lives on loopback, which the fetcher refuses unless allow-listed.
    export NEWSWIRE_ALLOW_PRIVATE_NETWORKS='["127.0.0.1"]'
    .venv/bin/newswire demo-site >"$logs/demo-site.log" 2>&1 &
    pids+=($!)
fi

# The story stage groups re-published articles; the indexer then writes its output.
export NEWSWIRE_STORIES="${NEWSWIRE_STORIES:-true}"
.venv/bin/newswire setup
export NEWSWIRE_ARCHIVE_DIR="${NEWSWIRE_ARCHIVE_DIR:-$root/.data/archive}"
for service in indexer stories parser archive fetcher; do
    .venv/bin/newswire "$service" >"$logs/$service.log" 2>&1 &
    pids+=($!)
    echo "[run] $service started (pid $!, log $logs/$service.log)" >&2
done
echo "[run] newswire is running; search it at http://127.0.0.1:9200/newswire-articles/_search" >&2
echo "[run] watch it with: .venv/bin/newswire status --watch   (Ctrl-C here stops the services)" >&2
# Exit (and stop the rest) as soon as any service dies, so a crash is not hidden.
wait -n "${pids[@]}"
echo "[run] a service exited; see $logs" >&2
exit 1
