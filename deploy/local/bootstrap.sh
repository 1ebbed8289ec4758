#!/usr/bin/env bash
# Create .venv with the exact versions in requirements-dev.lock (runtime + test tools) and
# newswire installed editable.
# Fast when nothing changed (it compares the lock's hash), so every entry script calls it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

python="${PYTHON:-}"
if [[ -z "$python" ]]; then
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null \
            && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            python="$candidate"
            break
        fi
    done
fi
[[ -n "$python" ]] || { echo "[bootstrap] Python 3.11 is required" >&2; exit 1; }

stamp=".venv/.newswire-lock"
# (setup.py and the .pyx sources too: the compiled modules are rebuilt when they change.)
want="$(cat requirements-dev.lock pyproject.toml setup.py $(find services -name '*.pyx' | sort) \
    | sha256sum | cut -c1-16)"
if [[ -x .venv/bin/python && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    exit 0
fi
echo "[bootstrap] installing dependencies into .venv" >&2
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check "uv>=0.9,<1"
# Bytecode compiled now (uv leaves it to the first import): where PYTHONDONTWRITEBYTECODE is
# set, as on our machines, every process would otherwise compile every module it imports from
# source (about 0.4 s of the extractor's start-up).
.venv/bin/uv pip install -q --python .venv/bin/python --compile-bytecode -r requirements-dev.lock
.venv/bin/uv pip install -q --python .venv/bin/python --no-deps -e .
.venv/bin/python -m compileall -q services >/dev/null
echo "$want" >"$stamp"
