#!/usr/bin/env bash
# cmake --install into a staging prefix and with DESTDIR, the installed tool,
# plugin, hook and CMake package; then the .deb from CPack (its Depends, its
# contents, and the tool and plugin run from the unpacked package).
# usage: install.sh <build-dir> <mock-kernel-include> <source-root> <work-dir> <clang-tidy>
set -uo pipefail
BUILD=$1 MOCK=$2 ROOT=$3 WORK=$4 CLANG_TIDY=$5
fail() { echo "install test: FAIL: $*"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK" || fail mkdir
major=$(sed -n 's/^LLVM_VERSION_MAJOR:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
[ -n "$major" ] || major=$(sed -n 's/^LLVM_MAJOR:STRING=//p' "$BUILD/CMakeCache.txt")
[ -n "$major" ] || fail "cannot read the LLVM major from $BUILD/CMakeCache.txt"
src=$WORK/src && mkdir -p "$src" && cp "$ROOT/test/tool/Inputs/finding.c" "$src/f.c"

check_tree() { # <prefix-on-disk> [unversioned]: the layout of cmake/Install.cmake
  local p=$1 f
  for f in bin/kthread-lint-$major \
           lib/kthread-lint/$major/bin/kthread-lint lib/kthread-lint/$major/bin/kthread-lint-hook \
           lib/kthread-lint/$major/bin/kthread-lint-install-git-hook \
           lib/kthread-lint/$major/KthreadLint.so lib/kthread-lint/$major/KthreadLintChecks.so \
           lib/cmake/KthreadLint-$major/KthreadLintConfig.cmake lib/cmake/KthreadLint-$major/KthreadLintConfigVersion.cmake \
           share/kthread-lint/$major/pre-commit-hooks.yaml share/doc/kthread-lint-$major/checks/kthread-missing-is-err.md; do
    [ -e "$p/$f" ] || fail "$p/$f not installed"
  done
  if [ "${2:-}" = unversioned ]; then
    for f in kthread-lint kthread-lint-hook kthread-lint-install-git-hook; do
      [ "$(readlink -f "$p/bin/$f")" = "$(readlink -f "$p/lib/kthread-lint/$major/bin/$f")" ] \
        || fail "$p/bin/$f is not a link to lib/kthread-lint/$major/bin/$f"
    done
  fi
  "$p/bin/kthread-lint-$major" --version | grep -q "kthread-lint" || fail "$p/bin/kthread-lint-$major --version"
  "$p/bin/kthread-lint-$major" "$src/f.c" -- -nostdinc -isystem "$MOCK" > "$WORK/run.txt"
  [ $? -eq 1 ] || fail "installed kthread-lint: expected exit status 1"
  grep -q "f.c:3:71: warning: .*\[kthread-missing-is-err\]" "$WORK/run.txt" || fail "installed kthread-lint: no finding"
  "$CLANG_TIDY" --load="$p/lib/kthread-lint/$major/KthreadLint.so" --checks='-*,kthread-*' --list-checks > "$WORK/list.txt" 2>&1 \
    || { cat "$WORK/list.txt"; fail "clang-tidy --load=installed plugin --list-checks"; }
  grep -q "kthread-missing-is-err" "$WORK/list.txt" || { cat "$WORK/list.txt"; fail "installed plugin lists no kthread check"; }
  "$CLANG_TIDY" --load="$p/lib/kthread-lint/$major/KthreadLint.so" --checks='-*,kthread-*' "$src/f.c" -- -nostdinc -isystem "$MOCK" > "$WORK/tidy.txt" 2>&1
  grep -q "f.c:3:71: warning: .*\[kthread-missing-is-err\]" "$WORK/tidy.txt" || { cat "$WORK/tidy.txt"; fail "installed plugin: no finding"; }
  # The hook finds the kthread-lint beside it, with no build tree on PATH.
  env -u KTHREAD_LINT PATH=/usr/bin:/bin "$p/lib/kthread-lint/$major/bin/kthread-lint-hook" "$src/f.c" -- -nostdinc -isystem "$MOCK" > /dev/null
  [ $? -eq 1 ] || fail "installed kthread-lint-hook: expected exit status 1"
}

# 1. --prefix
cmake --install "$BUILD" --prefix "$WORK/prefix" > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "cmake --install --prefix"; }
check_tree "$WORK/prefix" unversioned
echo "cmake --install --prefix: ok"

# 2. DESTDIR staging of a /usr install
DESTDIR=$WORK/stage cmake --install "$BUILD" --prefix /usr > "$WORK/install2.log" 2>&1 || fail "DESTDIR install"
[ -x "$WORK/stage/usr/bin/kthread-lint-$major" ] || fail "DESTDIR: no usr/bin/kthread-lint-$major"
[ -e "$WORK/stage/usr/lib/kthread-lint/$major/KthreadLint.so" ] || fail "DESTDIR: no usr/lib/kthread-lint/$major/KthreadLint.so"
echo "DESTDIR install: ok"

# 3. find_package(KthreadLint) from a consumer project
mkdir -p "$WORK/consumer"
cat > "$WORK/consumer/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer NONE)
find_package(KthreadLint 0.1 REQUIRED)
get_target_property(loc KthreadLint::plugin IMPORTED_LOCATION)
message(STATUS "PLUGIN=${KthreadLint_PLUGIN} TARGET=${loc} EXE=${KthreadLint_EXECUTABLE} MAJOR=${KthreadLint_LLVM_MAJOR}")
CM
cmake -S "$WORK/consumer" -B "$WORK/consumer/build" -DCMAKE_PREFIX_PATH="$WORK/prefix" > "$WORK/consumer.log" 2>&1 \
  || { cat "$WORK/consumer.log"; fail "find_package(KthreadLint)"; }
grep -q "PLUGIN=$WORK/prefix/lib/kthread-lint/$major/KthreadLint.so TARGET=$WORK/prefix/lib/kthread-lint/$major/KthreadLint.so EXE=$WORK/prefix/lib/kthread-lint/$major/bin/kthread-lint MAJOR=$major" "$WORK/consumer.log" \
  || { cat "$WORK/consumer.log"; fail "KthreadLintConfig.cmake gives wrong paths"; }
echo "find_package(KthreadLint): ok"

# 4. The .deb
(cd "$WORK" && cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/deb" > "$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$WORK"/deb/kthread-lint-"$major"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { cat "$WORK/cpack.log"; fail "no .deb produced"; }
depends=$(dpkg-deb -f "$deb" Depends)
echo "$(basename "$deb"): Depends: $depends"
echo "$depends" | grep -Eq "(^|, )clang-tidy-$major(,|$| )" || fail "the .deb does not depend on clang-tidy-$major"
dpkg-deb -c "$deb" > "$WORK/deb-contents.txt"
for f in ./usr/lib/kthread-lint/$major/bin/kthread-lint ./usr/lib/kthread-lint/$major/KthreadLint.so \
         ./usr/lib/kthread-lint/$major/KthreadLintChecks.so ./usr/lib/kthread-lint/$major/bin/kthread-lint-hook; do
  grep -q " $f\$" "$WORK/deb-contents.txt" || fail "the .deb lacks $f"
done
grep -q " ./usr/bin/kthread-lint-$major -> " "$WORK/deb-contents.txt" || fail "the .deb lacks ./usr/bin/kthread-lint-$major"
# Two majors install side by side: no unversioned file in the package; the
# unversioned names are an alternative group its postinst registers.
grep -Eq " ./usr/bin/kthread-lint(-hook|-install-git-hook)?( |\$)" "$WORK/deb-contents.txt" \
  && fail "the .deb carries an unversioned /usr/bin/kthread-lint*: two majors would conflict"
[ "$(dpkg-deb -f "$deb" Package)" = "kthread-lint-$major" ] || fail "the .deb is not named kthread-lint-$major"
dpkg-deb -e "$deb" "$WORK/control" || fail "dpkg-deb -e"
grep -q "update-alternatives --install /usr/bin/kthread-lint kthread-lint /usr/lib/kthread-lint/$major/bin/kthread-lint $major" \
  "$WORK/control/postinst" || fail "postinst does not register the kthread-lint alternative"
grep -q "update-alternatives --remove kthread-lint /usr/lib/kthread-lint/$major/bin/kthread-lint" \
  "$WORK/control/prerm" || fail "prerm does not remove the kthread-lint alternative"
dpkg-deb -x "$deb" "$WORK/unpacked" || fail "dpkg-deb -x"
check_tree "$WORK/unpacked/usr"
echo ".deb: ok ($(du -k "$deb" | cut -f1) KiB)"
echo "install test: PASS"
