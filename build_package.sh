#!/usr/bin/env bash
# Builds the offline distribution package run-bench-YYYYMMDD-NNN.tar.gz: the compiled CLI,
# its production node_modules, config templates, prompts, docs and the install/run scripts,
# so that a machine with Node 20 and no network can run benchmarks.
#
# Usage: ./build_package.sh [--out-dir DIR]
#   --out-dir DIR   where the .tar.gz goes (default: this folder, the repository root)
#
# NNN counts the builds of the day: one more than the highest NNN of today's packages
# already in the output folder (001 when there are none). RUN_BENCH_BUILD_DATE=YYYYMMDD
# overrides the date (tests use it).
#
# Nothing is downloaded: the production dependencies are copied from this checkout's
# node_modules (run `npm ci` once, with network, on the build machine). The code is
# compiled straight into the staging folder, so the checkout's dist/ is left untouched.
# Native modules come from the build machine: build on linux-x64 (glibc) to ship a
# package whose PNG charts work on linux-x64 servers.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR=$ROOT

die() {
  echo "build_package.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case $1 in
    --out-dir)
      [ $# -ge 2 ] || die "--out-dir needs a folder"
      OUT_DIR=$2
      shift 2
      ;;
    -h | --help)
      awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

command -v node >/dev/null 2>&1 || die "node is not on PATH (Node.js 20 or newer is needed)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH"
command -v tar >/dev/null 2>&1 || die "tar is not on PATH"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js $(node -v) is too old: 20 or newer is needed"
[ -x "$ROOT/node_modules/.bin/tsc" ] || die "node_modules is missing or incomplete: run 'npm ci' here first"

mkdir -p "$OUT_DIR"
OUT_DIR=$(cd "$OUT_DIR" && pwd)

BUILD_DATE=${RUN_BENCH_BUILD_DATE:-$(date +%Y%m%d)}
[[ $BUILD_DATE =~ ^[0-9]{8}$ ]] || die "RUN_BENCH_BUILD_DATE must be YYYYMMDD, got '$BUILD_DATE'"
last=0
shopt -s nullglob
for existing in "$OUT_DIR"/run-bench-"$BUILD_DATE"-[0-9][0-9][0-9].tar.gz; do
  n=${existing%.tar.gz}
  n=$((10#${n##*-}))
  [ "$n" -gt "$last" ] && last=$n
done
shopt -u nullglob
[ "$last" -lt 999 ] || die "999 packages already built on $BUILD_DATE in $OUT_DIR"
NAME=$(printf 'run-bench-%s-%03d' "$BUILD_DATE" $((last + 1)))
TARBALL="$OUT_DIR/$NAME.tar.gz"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/run-bench-package.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
STAGE="$WORK/$NAME"
mkdir -p "$STAGE/bin" "$STAGE/scripts"

echo "==> Compiling TypeScript into the package"
(cd "$ROOT" && node_modules/.bin/tsc -p tsconfig.build.json --outDir "$STAGE/dist")
# Type declarations for the public entry (src/index.ts and what its types reach) only:
# declarations for all of src/ take minutes (cli/ alone: over a minute), these about 5 s.
(cd "$ROOT" && node_modules/.bin/tsc -p tsconfig.types.json --outDir "$STAGE/dist")
# The CLI's bundle (what dist/cli/bin.js launches): see scripts/bundle-cli.mjs.
(cd "$ROOT" && node scripts/bundle-cli.mjs "$STAGE/dist")
[ -f "$STAGE/dist/cli/bin.js" ] || die "the build did not produce dist/cli/bin.js"
chmod +x "$STAGE/dist/cli/bin.js"

echo "==> Copying configs, prompts, docs and scripts"
cp "$ROOT/package.json" "$STAGE/"
[ -f "$ROOT/package-lock.json" ] && cp "$ROOT/package-lock.json" "$STAGE/"
cp "$ROOT/README.md" "$STAGE/"
# Shipped as templates: install.sh copies them to configs/ only where no config exists, so
# unpacking a new version never overwrites a server list someone has edited.
cp -R "$ROOT/configs" "$STAGE/configs.template"
cp -R "$ROOT/prompts" "$STAGE/prompts"
# The Hangul font for PNG charts and PDFs (OFL 1.1; assets/fonts/README.md).
cp -R "$ROOT/assets" "$STAGE/assets"
[ -d "$ROOT/docs" ] && cp -R "$ROOT/docs" "$STAGE/docs"
# The sample dataset and trace the shipped workloads read (configs/workloads.yaml points at
# ../datasets and ../traces), the Grafana/Prometheus/Docker files and the CI examples.
for extra in datasets traces deploy examples; do
  [ -d "$ROOT/$extra" ] && cp -R "$ROOT/$extra" "$STAGE/$extra"
done
cp "$ROOT/install.sh" "$ROOT/run_bench.sh" "$STAGE/"
cp "$ROOT/scripts/run_bench.sh" "$STAGE/scripts/"
chmod +x "$STAGE/install.sh" "$STAGE/run_bench.sh" "$STAGE/scripts/run_bench.sh"

cat >"$STAGE/bin/run-bench" <<'LAUNCHER'
#!/bin/sh
# run-bench launcher of the offline package: runs the bundled CLI with the node on PATH.
self=$(readlink -f "$0" 2>/dev/null || echo "$0")
root=$(cd "$(dirname "$self")/.." && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "run-bench: node is not on PATH; Node.js 20 or newer is needed (run $root/install.sh for how to get it)" >&2
  exit 127
fi
major=$(node -v 2>/dev/null | sed -n 's/^v\([0-9][0-9]*\)\..*/\1/p')
if [ -z "$major" ] || [ "$major" -lt 20 ]; then
  echo "run-bench: Node.js $(node -v 2>/dev/null) is too old; 20 or newer is needed (run $root/install.sh for how to get it)" >&2
  exit 1
fi
# Next-step hints print the command as it was typed: bin/run-bench is on no PATH until linked.
case $0 in */*) invoked=$0 ;; *) invoked=run-bench ;; esac
[ "$(command -v run-bench 2>/dev/null)" = "$0" ] && invoked=run-bench
RUN_BENCH_COMMAND=${RUN_BENCH_COMMAND:-$invoked} exec node "$root/dist/cli/bin.js" "$@"
LAUNCHER
chmod +x "$STAGE/bin/run-bench"

echo "==> Copying production dependencies from node_modules"
# npm ls lists every installed production package (direct and transitive, including the
# optional native one for this platform) without touching the network. Type-only packages
# are left out. npm ls exits non-zero for unrelated tree problems (an extraneous dev
# package), so its status is not trusted: the load check below is.
mapfile -t DEP_DIRS < <(
  cd "$ROOT" && npm ls --omit=dev --all --parseable 2>/dev/null |
    sed -n "s|^$ROOT/||p" | grep '^node_modules/' | grep -v -e '/@types/' -e '^node_modules/@types/' \
      -e '^node_modules/undici-types$' | sort -u
)
[ "${#DEP_DIRS[@]}" -gt 0 ] || die "npm ls listed no production dependencies: run 'npm ci' first"
(cd "$ROOT" && tar -cf - "${DEP_DIRS[@]}") | (cd "$STAGE" && tar -xf -)
# Links into .bin folders point at tools the CLI never runs.
find "$STAGE/node_modules" -name .bin -prune -exec rm -rf {} +
# Source maps and type declarations are about 40% of the bytes and nothing loads them at run time.
find "$STAGE/node_modules" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete

echo "==> Checking that the package runs from the staging folder"
# One node process imports every runtime dependency and prints the ones that fail.
BROKEN=$(cd "$STAGE" && node --input-type=module -e '
  import { readFileSync } from "node:fs"
  const deps = Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies ?? {})
  for (const dep of deps) await import(dep).catch(() => console.log(dep))
') || die "node could not check the dependencies in the package"
PNG_OK=1
for dep in $BROKEN; do
  # Without the native renderer the package still works, minus PNG charts (reported below).
  if [ "$dep" = @resvg/resvg-js ]; then PNG_OK=0; else die "the dependency $dep does not load from the package"; fi
done
VERSION=$(cd "$STAGE" && node dist/cli/bin.js --version) || die "dist/cli/bin.js --version failed in the package"
PLATFORM=$(node -p 'process.platform + "-" + process.arch')
if [ "$PNG_OK" = 1 ]; then
  PNG_NOTE="PNG charts: available on $PLATFORM (native renderer @resvg/resvg-js for $PLATFORM is bundled)"
else
  PNG_NOTE="PNG charts: UNAVAILABLE in this package (the native renderer @resvg/resvg-js does not load on $PLATFORM); Markdown, HTML and CSV reports work"
  echo "WARNING: $PNG_NOTE" >&2
fi

cat >"$STAGE/PACKAGE_INFO.txt" <<INFO
run-bench $VERSION offline package $NAME
Built: $(date -u +%Y-%m-%dT%H:%M:%SZ) with Node.js $(node -v) on $PLATFORM
Source: $( (cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null) || echo unknown)
Needs: Node.js 20 or newer on PATH; no network
Native modules are built for: $PLATFORM (glibc)
$PNG_NOTE
Start: ./install.sh, then ./run_bench.sh
INFO

echo "==> Writing $TARBALL"
tar -czf "$TARBALL" -C "$WORK" --owner=0 --group=0 --numeric-owner "$NAME"
SIZE=$(du -h "$TARBALL" | cut -f1)
echo
echo "Built $TARBALL ($SIZE)"
echo "  $PNG_NOTE"
echo "Install on the target machine:"
echo "  tar -xzf $NAME.tar.gz && cd $NAME && ./install.sh"
