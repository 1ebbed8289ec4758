#!/usr/bin/env bash
# The test command: set up everything from scratch (or reuse it), then run the whole suite
# (unit + integration on the real Kafka and OpenSearch). Extra arguments go to pytest,
# e.g. `deploy/local/test.sh -m unit` or `deploy/local/test.sh tests/integration -x`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

"$root/deploy/local/bootstrap.sh"
"$root/deploy/local/os-packages.sh"
"$root/deploy/local/services.sh" up
.venv/bin/ruff check services tests bench
exec .venv/bin/python -m pytest "$@"
