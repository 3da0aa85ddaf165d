# Shared set-up for tools/run-main and tools/run-tests: install the Debian
# packages the project needs (only those missing), then configure and build.
# Sourced, not run. Honours: LLVM_MAJOR (default 16), BUILD_DIR (default build
# for 16, build-<major> for another),
# KTHREAD_LINT_NO_INSTALL=1 (never call apt-get).

KTL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LLVM_MAJOR=${LLVM_MAJOR:-16}
case $LLVM_MAJOR in
  ''|*[!0-9]*) echo "kthread-lint setup: LLVM_MAJOR=$LLVM_MAJOR: want a major version number such as 16, 19 or 22" >&2; exit 2 ;;
esac
# build/ for the default version, build-<major> for the others, so that two
# versions never share a CMake cache.
KTL_DEFAULT_LLVM_MAJOR=16
if [ "$LLVM_MAJOR" = "$KTL_DEFAULT_LLVM_MAJOR" ]; then
  BUILD_DIR=${BUILD_DIR:-$KTL_ROOT/build}
else
  BUILD_DIR=${BUILD_DIR:-$KTL_ROOT/build-$LLVM_MAJOR}
fi

ktl_die() { echo "kthread-lint setup: $*" >&2; exit 2; }

# Packages needed to build and run the checker and to build the example module,
# for LLVM_MAJOR (Debian names them by major: clang-19, libclang-19-dev, ...).
ktl_build_packages() {
  echo cmake ninja-build g++ make gcc python3 libgtest-dev \
       clang-$LLVM_MAJOR libclang-$LLVM_MAJOR-dev clang-tidy-$LLVM_MAJOR \
       llvm-$LLVM_MAJOR-dev llvm-$LLVM_MAJOR-tools linux-headers-amd64
}

# Packages only the tests need: test/test-packages.txt, @LLVM_MAJOR@ replaced.
ktl_test_packages() {
  sed -e 's/#.*//' -e "s/@LLVM_MAJOR@/$LLVM_MAJOR/g" "$KTL_ROOT/test/test-packages.txt"
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
