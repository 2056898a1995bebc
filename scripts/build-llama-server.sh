#!/usr/bin/env bash
# Builds llama.cpp's real `llama-server` (CPU only) for the end-to-end tests and caches it outside the
# clone. The llama.cpp sources come from the git bundle shipped inside the node-llama-cpp npm package,
# so the only network access is `npm pack` through npm's own configured registry; the CMake build
# itself is offline (UI download, CURL, OpenSSL all turned off).
#
# Usage: scripts/build-llama-server.sh        (idempotent; the last stdout line is the binary path)
# Env:   RUN_BENCH_CACHE  cache root (default: $HOME/.cache/run-bench)
#        BUILD_JOBS       parallel compile jobs (default: nproc)
set -euo pipefail

NLC_VERSION='3.21.1'
# The cache folder names the node-llama-cpp version: its bundle pins one exact llama.cpp commit.
CACHE_ROOT="${RUN_BENCH_CACHE:-$HOME/.cache/run-bench}"
INSTALL_DIR="$CACHE_ROOT/llama-server-nlc-$NLC_VERSION"
BIN="$INSTALL_DIR/bin/llama-server"
JOBS="${BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}"

log() { echo "[build-llama-server] $*" >&2; }

if [[ -x "$BIN" ]] && "$BIN" --version >/dev/null 2>&1; then
  log "already built: $("$BIN" --version 2>&1 | grep -m1 -i version || true)"
  echo "$BIN"
  exit 0
fi

for tool in npm tar git cmake c++; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing required tool: $tool"; exit 1; }
done
GENERATOR=()
if command -v ninja >/dev/null 2>&1; then GENERATOR=(-G Ninja); fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/run-bench-llama-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
START_SEC=$SECONDS

log "fetching node-llama-cpp@$NLC_VERSION with npm pack into $WORK"
(cd "$WORK" && npm pack --silent "node-llama-cpp@$NLC_VERSION" >/dev/null)
tar -xzf "$WORK/node-llama-cpp-$NLC_VERSION.tgz" -C "$WORK" \
  package/llama/gitRelease.bundle package/llama/llama.cpp.info.json
log "llama.cpp release: $(tr -d '\n ' <"$WORK/package/llama/llama.cpp.info.json")"

git clone --quiet "$WORK/package/llama/gitRelease.bundle" "$WORK/llama.cpp" 2>/dev/null
log "llama.cpp commit: $(git -C "$WORK/llama.cpp" rev-parse HEAD)"

# GGML_NATIVE=OFF: the cache may be reused on another CPU of the same arch; a generic build still
# serves a few-MB model instantly. GGML_OPENMP=OFF and static libs keep the binary self-contained.
# LLAMA_USE_PREBUILT_UI=OFF stops CMake from downloading the web UI; --no-webui is used anyway.
log "configuring (jobs: $JOBS)"
cmake -S "$WORK/llama.cpp" -B "$WORK/build" "${GENERATOR[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DBUILD_SHARED_LIBS=OFF \
  -DGGML_NATIVE=OFF \
  -DGGML_OPENMP=OFF \
  -DGGML_CCACHE=OFF \
  -DLLAMA_CURL=OFF \
  -DLLAMA_OPENSSL=OFF \
  -DLLAMA_BUILD_TESTS=OFF \
  -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_TOOLS=ON \
  -DLLAMA_BUILD_SERVER=ON \
  -DLLAMA_BUILD_APP=OFF \
  -DLLAMA_BUILD_UI=OFF \
  -DLLAMA_USE_PREBUILT_UI=OFF \
  >"$WORK/configure.log" 2>&1 || { tail -n 40 "$WORK/configure.log" >&2; log "configure failed"; exit 1; }

log "building target llama-server"
cmake --build "$WORK/build" --config Release --target llama-server -j "$JOBS" \
  >"$WORK/build.log" 2>&1 || { tail -n 60 "$WORK/build.log" >&2; log "build failed"; exit 1; }

BUILT="$(find "$WORK/build" -type f -name llama-server -perm -u+x | head -n 1)"
[[ -n "$BUILT" ]] || { log "build finished but no llama-server binary was found"; exit 1; }

# Install atomically so a half-copied binary never passes the cache check above.
mkdir -p "$CACHE_ROOT"
STAGE="$(mktemp -d "$CACHE_ROOT/.llama-server-stage.XXXXXX")"
chmod 755 "$STAGE"
mkdir -p "$STAGE/bin"
cp "$BUILT" "$STAGE/bin/llama-server"
strip "$STAGE/bin/llama-server" 2>/dev/null || true
# With static libs no project .so should be needed; copy any that the linker still pulled in.
if command -v ldd >/dev/null 2>&1; then
  while read -r lib; do
    [[ -n "$lib" ]] && cp "$lib" "$STAGE/bin/"
  done < <(ldd "$BUILT" | awk '/=> \// {print $3}' | grep -E "^$WORK/" || true)
fi
cp "$WORK/llama.cpp/LICENSE" "$STAGE/LICENSE.llama.cpp"
git -C "$WORK/llama.cpp" rev-parse HEAD >"$STAGE/COMMIT"
"$STAGE/bin/llama-server" --version >/dev/null 2>&1 || { log "built binary does not run"; exit 1; }
rm -rf "$INSTALL_DIR"
mv "$STAGE" "$INSTALL_DIR"

log "done in $((SECONDS - START_SEC)) s; $(du -h "$BIN" | cut -f1) binary"
echo "$BIN"
