#!/usr/bin/env bash
# The whole pipeline in one go, as the original tool's scripts/run_bench.sh: run a benchmark,
# summarize its raw records, then write the report comparing every run in results/.
#
# Usage: ./scripts/run_bench.sh [target] [model] [workload] [more run flags...]
#   target    a name from configs/targets.yaml   (default: the first one, "sim")
#   model     a name from configs/models.yaml    (default: the target's first model)
#   workload  a name from configs/workloads.yaml (default: high-load-5min: 300 s, 20 rps, 50 in flight)
# These are the defaults of the interactive dialog (Enter, Enter, Enter). Pass "" or - to keep
# one default and set a later one, e.g. ./scripts/run_bench.sh sim - smoke
# Further flags go to `run-bench run`, e.g. ./scripts/run_bench.sh sim - smoke --duration 5
# Results go to results/ in the package folder.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"

case ${1:-} in
  -h | --help)
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
    exit 0
    ;;
esac

if [ -x bin/run-bench ]; then
  RUN_BENCH=(bin/run-bench)
elif [ -f dist/cli/bin.js ]; then
  RUN_BENCH=(node dist/cli/bin.js) # a source checkout: no launcher
else
  echo "scripts/run_bench.sh: dist/cli/bin.js is missing: run ./install.sh (package) or 'npm run build' (source checkout)" >&2
  exit 1
fi

RESULTS=results
run_args=(run --output-dir "$RESULTS")
flags=(--target --model --workload)
for i in 0 1 2; do
  [ $# -gt 0 ] || break
  case $1 in
    -*) [ "$1" = - ] || break ;; # a flag: the positional arguments have ended
  esac
  if [ -n "$1" ] && [ "$1" != - ]; then run_args+=("${flags[$i]}" "$1"); fi
  shift
done
run_args+=("$@")

raw_files() { find "$RESULTS/raw" -maxdepth 1 -name '*.jsonl' 2>/dev/null | sort; }
mkdir -p "$RESULTS/raw" "$RESULTS/summary" "$RESULTS/reports"
before=$(raw_files)

echo "==> 1/3 ${RUN_BENCH[*]} ${run_args[*]}"
run_status=0
"${RUN_BENCH[@]}" "${run_args[@]}" || run_status=$?
# 1 = the run completed but failed its checks: its records are still worth a summary and report.
if [ "$run_status" -ne 0 ] && [ "$run_status" -ne 1 ]; then exit "$run_status"; fi

mapfile -t new_raw < <(comm -13 <(printf '%s\n' "$before") <(raw_files) | sed '/^$/d')
if [ "${#new_raw[@]}" -eq 0 ]; then
  echo "scripts/run_bench.sh: the run wrote no raw file under $RESULTS/raw" >&2
  exit 1
fi

echo
echo "==> 2/3 ${RUN_BENCH[*]} summarize ${new_raw[*]}"
"${RUN_BENCH[@]}" summarize "${new_raw[@]}"

echo
echo "==> 3/3 ${RUN_BENCH[*]} report --output-dir $RESULTS"
"${RUN_BENCH[@]}" report --output-dir "$RESULTS"

echo
echo "📁 Results ($ROOT/$RESULTS):"
for raw in "${new_raw[@]}"; do echo "  raw:     $raw"; done
for raw in "${new_raw[@]}"; do
  summary="$RESULTS/summary/$(basename "${raw%.jsonl}").csv"
  [ -f "$summary" ] && echo "  summary: $summary"
done
echo "  reports: $RESULTS/reports/"
find "$RESULTS/reports" -maxdepth 1 -type f -newer "${new_raw[0]}" | sort | sed 's/^/    /'
exit "$run_status"
