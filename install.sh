#!/usr/bin/env bash
# Prepares an unpacked run-bench package (or a built checkout) on this machine. It checks the
# OS and Node.js (20 or newer), creates results/raw, results/summary and results/reports,
# copies the config templates to configs/ where no config exists yet, and checks that the
# bundled dependencies load. It downloads and installs nothing: when Node.js is missing it
# says how to get it. Running it again changes nothing.
#
# Usage: ./install.sh
# Messages are Korean when LC_ALL / LC_MESSAGES / LANG starts with "ko", English otherwise.
# RUN_BENCH_OS_RELEASE=<file> reads another os-release file (for tests).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$ROOT"

LOCALE=${LC_ALL:-${LC_MESSAGES:-${LANG:-}}}
case $LOCALE in ko*) KO=1 ;; *) KO=0 ;; esac

# t "english" "korean": the message in the user's language.
t() { if [ "$KO" = 1 ]; then printf '%s\n' "$2"; else printf '%s\n' "$1"; fi; }
ok() { printf '✅ %s\n' "$(t "$1" "$2")"; }
warn() { printf '⚠️  %s\n' "$(t "$1" "$2")" >&2; }
fail() {
  printf '❌ %s\n' "$(t "$1" "$2")" >&2
  exit 1
}

echo "============================================================"
t "🚀 Run Bench - install" "🚀 Run Bench - 설치"
echo "============================================================"

# --- Operating system ------------------------------------------------------------------------
OS_RELEASE=${RUN_BENCH_OS_RELEASE:-/etc/os-release}
OS_ID=unknown
OS_LIKE=
OS_NAME=$(uname -s)
if [ -r "$OS_RELEASE" ]; then
  # Read in a subshell: os-release is shell syntax, but its variables must not leak into ours.
  OS_ID=$(. "$OS_RELEASE" && printf '%s' "${ID:-unknown}")
  OS_LIKE=$(. "$OS_RELEASE" && printf '%s' "${ID_LIKE:-}")
  OS_NAME=$(. "$OS_RELEASE" && printf '%s' "${PRETTY_NAME:-${NAME:-$OS_ID}}")
fi
case " $OS_ID $OS_LIKE " in
  *" ubuntu "* | *" debian "*) OS_FAMILY=debian ;;
  *" fedora "*) [ "$OS_ID" = fedora ] && OS_FAMILY=fedora || OS_FAMILY=rhel ;;
  *" rhel "* | *" centos "*) OS_FAMILY=rhel ;;
  *) OS_FAMILY=other ;;
esac
if [ "$(uname -s)" != Linux ]; then
  warn "$(uname -s) is not Linux: run-bench is tested on Ubuntu, Debian, CentOS, RHEL and Fedora; continuing" \
    "$(uname -s)은(는) 리눅스가 아닙니다: Ubuntu, Debian, CentOS, RHEL, Fedora에서 검증되었습니다. 계속 진행합니다"
elif [ "$OS_FAMILY" = other ]; then
  warn "$OS_NAME is not a supported OS (Ubuntu, Debian, CentOS, RHEL, Fedora); continuing anyway" \
    "$OS_NAME은(는) 지원 OS(Ubuntu, Debian, CentOS, RHEL, Fedora)가 아닙니다. 그래도 계속 진행합니다"
else
  ok "OS: $OS_NAME" "OS: $OS_NAME"
fi

# --- Node.js ---------------------------------------------------------------------------------
node_help() {
  t "How to get Node.js 20 or newer (this script downloads nothing):" \
    "Node.js 20 이상 설치 방법 (이 스크립트는 아무것도 다운로드하지 않습니다):"
  t "  * Without internet on this server: on a machine with internet, download the Linux x64 binary" \
    "  * 이 서버에 인터넷이 없을 때: 인터넷이 되는 PC에서 Node.js 20 리눅스 x64 바이너리"
  t "    of Node.js 20 (node-v20.x.y-linux-x64.tar.xz) from https://nodejs.org/en/download, copy it here, then:" \
    "    (node-v20.x.y-linux-x64.tar.xz)를 https://nodejs.org/en/download 에서 받아 이 서버로 복사한 뒤:"
  echo "      sudo mkdir -p /opt/nodejs"
  echo "      sudo tar -xJf node-v20.*-linux-x64.tar.xz -C /opt/nodejs --strip-components=1"
  echo "      echo 'export PATH=/opt/nodejs/bin:\$PATH' >> ~/.bashrc && export PATH=/opt/nodejs/bin:\$PATH"
  t "    (these binaries need glibc 2.28 or newer: RHEL/CentOS 8+, Debian 10+, Ubuntu 20.04+)" \
    "    (이 바이너리는 glibc 2.28 이상 필요: RHEL/CentOS 8+, Debian 10+, Ubuntu 20.04+)"
  case $OS_FAMILY in
    debian)
      t "  * With internet, from $OS_NAME: sudo apt-get update && sudo apt-get install -y nodejs" \
        "  * 인터넷이 될 때, 배포판 패키지: sudo apt-get update && sudo apt-get install -y nodejs"
      t "    check 'apt-cache policy nodejs' first: Debian 12 and Ubuntu 24.04 ship Node 18 (too old), Debian 13 ships 20" \
        "    먼저 'apt-cache policy nodejs'로 버전 확인: Debian 12, Ubuntu 24.04는 Node 18(너무 오래됨), Debian 13은 20"
      t "  * With internet, NodeSource's Node 20 apt repository (see 'Package manager' on nodejs.org/en/download)" \
        "  * 인터넷이 될 때, NodeSource의 Node 20 apt 저장소 (nodejs.org/en/download 의 'Package manager' 참고)"
      ;;
    rhel)
      t "  * With internet, on RHEL/CentOS Stream/Rocky/Alma 8 or 9:" \
        "  * 인터넷이 될 때, RHEL/CentOS Stream/Rocky/Alma 8, 9:"
      echo "      sudo dnf module reset -y nodejs && sudo dnf module enable -y nodejs:20 && sudo dnf install -y nodejs"
      t "    (CentOS/RHEL 7 cannot run Node 20: its glibc is too old)" \
        "    (CentOS/RHEL 7은 glibc가 오래되어 Node 20을 실행할 수 없습니다)"
      ;;
    fedora)
      t "  * With internet: sudo dnf install -y nodejs20   (on Fedora 40 and newer 'nodejs' is already 20 or newer)" \
        "  * 인터넷이 될 때: sudo dnf install -y nodejs20   (Fedora 40 이상은 'nodejs'가 이미 20 이상)"
      ;;
  esac
  t "Then run ./install.sh again." "그 다음 ./install.sh 를 다시 실행하세요."
}

if ! command -v node >/dev/null 2>&1; then
  printf '❌ %s\n' "$(t "Node.js was not found on PATH: run-bench needs Node.js 20 or newer" \
    "PATH에서 Node.js를 찾을 수 없습니다: run-bench는 Node.js 20 이상이 필요합니다")" >&2
  node_help >&2
  exit 1
fi
NODE_VERSION=$(node -v 2>/dev/null || true)
NODE_MAJOR=$(printf '%s' "$NODE_VERSION" | sed -n 's/^v\([0-9][0-9]*\)\..*/\1/p')
if [ -z "$NODE_MAJOR" ] || [ "$NODE_MAJOR" -lt 20 ]; then
  printf '❌ %s\n' "$(t "Node.js ${NODE_VERSION:-(unknown version)} at $(command -v node) is too old: run-bench needs Node.js 20 or newer" \
    "$(command -v node) 의 Node.js ${NODE_VERSION:-(버전 알 수 없음)}은(는) 너무 오래되었습니다: Node.js 20 이상이 필요합니다")" >&2
  node_help >&2
  exit 1
fi
ok "Node.js $NODE_VERSION ($(command -v node))" "Node.js $NODE_VERSION ($(command -v node))"

# --- The package itself ------------------------------------------------------------------------
if [ -x bin/run-bench ]; then
  RUN_BENCH=bin/run-bench
else
  RUN_BENCH="node dist/cli/bin.js" # a source checkout: no launcher
fi
[ -f dist/cli/bin.js ] || fail "dist/cli/bin.js is missing: in a source checkout run 'npm ci && npm run build' first" \
  "dist/cli/bin.js 가 없습니다: 소스 체크아웃이라면 먼저 'npm ci && npm run build' 를 실행하세요"
[ -d node_modules ] || fail "node_modules is missing: unpack the whole package again (or run 'npm ci' in a source checkout)" \
  "node_modules 가 없습니다: 패키지 전체를 다시 압축 해제하세요 (소스 체크아웃이라면 'npm ci')"

# --- Folders ---------------------------------------------------------------------------------
created=
for dir in results/raw results/summary results/reports; do
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    created="$created $dir"
  fi
done
if [ -n "$created" ]; then
  ok "Created:$created" "생성됨:$created"
else
  ok "results/raw, results/summary, results/reports already exist" "results/raw, results/summary, results/reports 이미 있음"
fi

# --- Config templates ------------------------------------------------------------------------
if [ -d configs.template ]; then
  [ -d configs ] || mkdir configs
  for template in configs.template/*; do
    [ -f "$template" ] || continue
    name=$(basename "$template")
    if [ ! -e "configs/$name" ]; then
      cp "$template" "configs/$name"
      ok "Wrote configs/$name from the template" "템플릿으로 configs/$name 생성"
    elif cmp -s "$template" "configs/$name"; then
      ok "configs/$name is up to date" "configs/$name 최신 상태"
    else
      ok "Kept your configs/$name (the template of this version is configs.template/$name)" \
        "기존 configs/$name 유지 (이 버전의 템플릿: configs.template/$name)"
    fi
  done
elif [ -f configs/targets.yaml ]; then
  ok "configs/ is in place" "configs/ 준비됨"
else
  fail "No configs/ and no configs.template/: unpack the whole package again" \
    "configs/ 와 configs.template/ 가 없습니다: 패키지 전체를 다시 압축 해제하세요"
fi

# --- Scripts stay executable (a copy through a file share can drop the bit) -------------------
for script in install.sh run_bench.sh scripts/run_bench.sh bin/run-bench dist/cli/bin.js; do
  if [ -f "$script" ] && [ ! -x "$script" ]; then chmod +x "$script"; fi
done

# --- Bundled dependencies --------------------------------------------------------------------
# One node process imports every runtime dependency and prints the ones that fail.
BROKEN=$(node --input-type=module -e '
  import { readFileSync } from "node:fs"
  const deps = Object.keys(JSON.parse(readFileSync("package.json", "utf8")).dependencies ?? {})
  for (const dep of deps) await import(dep).catch(() => console.log(dep))
' 2>/dev/null) || BROKEN="(the check itself failed)"
PNG_OK=1
for dep in $BROKEN; do
  if [ "$dep" = @resvg/resvg-js ]; then
    PNG_OK=0
    continue
  fi
  fail "The bundled dependency $dep does not load: unpack the whole package again, or build the package on a machine like this one ($(uname -sm))" \
    "포함된 의존성 $dep 를 불러올 수 없습니다: 패키지를 다시 압축 해제하거나, 이 서버와 같은 환경($(uname -sm))에서 패키지를 빌드하세요"
done
VERSION=$(node dist/cli/bin.js --version 2>/dev/null) ||
  fail "run-bench does not start: try 'node dist/cli/bin.js --version' to see why" \
    "run-bench 가 시작되지 않습니다: 'node dist/cli/bin.js --version' 으로 원인을 확인하세요"
ok "run-bench $VERSION and its dependencies load" "run-bench $VERSION 및 의존성 로드 확인"
if [ "$PNG_OK" = 1 ]; then
  ok "PNG charts available (native renderer loads on $(uname -m))" "PNG 차트 사용 가능 (네이티브 렌더러 로드됨, $(uname -m))"
else
  warn "PNG charts are unavailable here: the bundled native renderer (@resvg/resvg-js) does not load on $(uname -sm). Markdown, HTML and CSV reports work" \
    "이 서버에서는 PNG 차트를 쓸 수 없습니다: 포함된 네이티브 렌더러(@resvg/resvg-js)가 $(uname -sm)에서 로드되지 않습니다. Markdown, HTML, CSV 리포트는 정상 동작합니다"
fi

# --- Next steps ------------------------------------------------------------------------------
echo
t "🎉 Ready. Next:" "🎉 설치 완료. 다음 명령을 실행하세요:"
t "  ./run_bench.sh                                    # interactive benchmark (Enter, Enter, Enter)" \
  "  ./run_bench.sh                                    # 대화형 벤치마크 (엔터만 치면 기본값)"
t "  $RUN_BENCH run --target sim --workload smoke   # 10-second self-test against the built-in simulator" \
  "  $RUN_BENCH run --target sim --workload smoke   # 내장 시뮬레이터로 10초 자체 점검"
t "  ./scripts/run_bench.sh [target] [model] [workload]   # run, summarize and report in one go" \
  "  ./scripts/run_bench.sh [target] [model] [workload]   # 실행, 요약, 리포트를 한 번에"
t "Add your servers to configs/targets.yaml and configs/models.yaml. Results go to results/." \
  "서버는 configs/targets.yaml, 모델은 configs/models.yaml 에 추가하세요. 결과는 results/ 에 저장됩니다."
if [ -x bin/run-bench ]; then
  t "Optional, run-bench on PATH: sudo ln -s \"$ROOT/bin/run-bench\" /usr/local/bin/run-bench" \
    "선택: PATH에 등록하려면 sudo ln -s \"$ROOT/bin/run-bench\" /usr/local/bin/run-bench"
fi
