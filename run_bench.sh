#!/usr/bin/env bash
# Quick start: the interactive benchmark dialog (target → model → workload → start), as the
# original tool's run_bench.sh. Arguments pass through to run-bench, so
# `./run_bench.sh run --target sim --workload smoke` works too. Runs in this folder, so
# configs/ and results/ are the ones install.sh prepared here.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
cd "$ROOT"

if [ -x bin/run-bench ]; then
  exec bin/run-bench "$@"
elif [ -f dist/cli/bin.js ]; then
  exec node dist/cli/bin.js "$@" # a source checkout: no launcher
fi
echo "run_bench.sh: dist/cli/bin.js is missing: run ./install.sh (package) or 'npm run build' (source checkout)" >&2
exit 1
