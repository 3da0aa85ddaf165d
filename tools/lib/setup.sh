# Shared set-up for tools/run-main and tools/run-tests: install the Debian
# packages the project needs (only those missing), then configure and build.
# Sourced, not run. Honours: BUILD_DIR (default build), LLVM_MAJOR (default 16),
# KTHREAD_LINT_NO_INSTALL=1 (never call apt-get).

KTL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-$KTL_ROOT/build}
LLVM_MAJOR=${LLVM_MAJOR:-16}

ktl_die() { echo "kthread-lint setup: $*" >&2; exit 2; }

# Packages needed to build and run the checker and to build the example module.
ktl_build_packages() {
  echo cmake ninja-build g++ make gcc python3 libgtest-dev \
       clang-$LLVM_MAJOR libclang-$LLVM_MAJOR-dev clang-tidy-$LLVM_MAJOR \
       llvm-$LLVM_MAJOR-dev llvm-$LLVM_MAJOR-tools linux-headers-amd64
}

# Installs every package named in "$@" that is not installed yet.
ktl_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "${KTHREAD_LINT_NO_INSTALL:-0}" = 1 ] && ktl_die "missing Debian packages: ${missing[*]} (KTHREAD_LINT_NO_INSTALL=1 forbids installing them)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "kthread-lint setup: installing ${missing[*]}" >&2
  $sudo apt-get update -q >&2 || ktl_die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
    || ktl_die "apt-get install failed for: ${missing[*]}"
}

ktl_build() {
  cmake -S "$KTL_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DLLVM_MAJOR="$LLVM_MAJOR" ${KTL_CMAKE_ARGS:-} >&2 || ktl_die "cmake configure failed"
  cmake --build "$BUILD_DIR" >&2 || ktl_die "build failed"
}
