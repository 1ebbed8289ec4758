#!/usr/bin/env bash
# Debian packages the tests use beside Python and Java: Prometheus and promtool (the monitoring
# config, the alert rules' unit tests and a real Prometheus scraping the services).
# Installs only what is missing, so a second run costs nothing; needs root (or sudo) and apt.
set -euo pipefail

declare -A wanted=([promtool]=prometheus [prometheus]=prometheus)
missing=()
for command in "${!wanted[@]}"; do
    command -v "$command" >/dev/null || missing+=("${wanted[$command]}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)

sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "[os-packages] installing ${missing[*]} from Debian's packages" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
# No recommends: the package otherwise brings node-exporter and IPMI tools nobody here runs.
"${sudo[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 \
    "${missing[@]}" >/dev/null
