#!/usr/bin/env bash
# Runs every kthread-lint command of the CI examples in docs/ci.md (GitHub
# Actions and GitLab CI code blocks), as they are written, in a scratch git
# repository holding a module with a known bug, and checks what each
# produced. The commands are extracted from the doc, so the doc cannot drift
# from what is tested.
# usage: doc-commands.sh <kthread-lint> <mock-kernel-include> <source-root> <work-dir> <kernel-headers>
set -uo pipefail
KTHREAD_LINT=$1 MOCK=$2 ROOT=$3 WORK=$4 KDIR_ARG=${5:-}
fail() { echo "doc-commands test: FAIL: $*"; exit 1; }
[ -n "$KDIR_ARG" ] || fail "no kernel headers (linux-headers-amd64): the CI examples analyse a module with them"
doc=$ROOT/docs/ci.md
[ -f "$doc" ] || fail "$doc missing"

# Commands: in the ```yaml blocks, the `run:` values and the `- ` items of
# `script:` that start with kthread-lint.
mapfile -t cmds < <(awk '
  /^```yaml/ { inblk = 1; next }
  /^```/ { inblk = 0; next }
  inblk {
    line = $0
    sub(/^[ \t]*/, "", line)
    sub(/^- /, "", line)
    sub(/^run: /, "", line)
    if (line ~ /^kthread-lint /) print line
  }' "$doc")
[ ${#cmds[@]} -ge 4 ] || fail "found ${#cmds[@]} kthread-lint commands in docs/ci.md, expected the GitHub and GitLab ones"

repo=$WORK/repo
rm -rf "$WORK" && mkdir -p "$repo" || fail mkdir
cp "$ROOT/module-example/ktdemo.c" "$ROOT/module-example/Kbuild" "$repo/" || fail "copy module-example"
(cd "$repo" && patch -s -p1 < "$ROOT/module-example/variants/kthread-missing-is-err.patch") || fail patch
(cd "$repo" && git init -q . ) || fail "git init"
# Only the check the variant is about: this tests the commands, not the
# other checks (module-static-verdicts does).
printf "Checks: '-*,kthread-missing-is-err'\n" > "$repo/.clang-tidy"
export PATH=$(dirname "$KTHREAD_LINT"):$PATH KDIR=$KDIR_ARG XDG_CACHE_HOME=$WORK/cache

# The baseline the doc tells users to commit (written as the doc says).
(cd "$repo" && kthread-lint --write-baseline=.kthread-lint-baseline.json . > /dev/null)
[ $? -eq 1 ] || fail "writing the baseline: expected exit status 1 (one finding)"

n=0
for c in "${cmds[@]}"; do
  n=$((n + 1))
  (cd "$repo" && bash -c "$c") > "$WORK/out.$n" 2> "$WORK/err.$n"
  rc=$?
  echo "[$n] $c  -> exit $rc"
  case $c in
    *"|| test \$? -eq 1"*)
      [ $rc -eq 0 ] || { cat "$WORK/err.$n"; fail "[$n] should exit 0 with findings"; } ;;
    *--baseline=*)
      [ $rc -eq 0 ] || { cat "$WORK/out.$n" "$WORK/err.$n"; fail "[$n] the baselined finding was reported"; }
      [ ! -s "$WORK/out.$n" ] || fail "[$n] printed something" ;;
    *)
      [ $rc -eq 1 ] || { cat "$WORK/err.$n"; fail "[$n] should fail the job (exit 1) on the finding"; } ;;
  esac
  case $c in
    *--format=github*--baseline*|*--baseline*--format=github*) ;;
    *--format=github*)
      grep -q '^::warning file=ktdemo.c,line=221,col=6,.*title=kthread-missing-is-err::' "$WORK/out.$n" \
        || { cat "$WORK/out.$n"; fail "[$n] no GitHub annotation"; } ;;
    *--format=sarif*)
      python3 "$ROOT/test/integration/check_sarif.py" "$repo/kthread-lint.sarif" 1 || fail "[$n] bad SARIF"
      grep -q '"uri": "ktdemo.c"' "$repo/kthread-lint.sarif" || fail "[$n] SARIF uri is not repository-relative" ;;
    *--format=gitlab*)
      python3 -c "
import json, sys
a = json.load(open(sys.argv[1]))
assert len(a) == 1 and a[0]['check_name'] == 'kthread-missing-is-err' and a[0]['location'] == {'path': 'ktdemo.c', 'lines': {'begin': 221, 'end': 221}} and a[0]['fingerprint'], a
" "$repo/gl-code-quality-report.json" || fail "[$n] bad Code Quality report" ;;
    *)
      grep -q 'ktdemo.c:221:6: warning: .*\[kthread-missing-is-err\]' "$WORK/out.$n" \
        || { cat "$WORK/out.$n"; fail "[$n] finding not printed"; } ;;
  esac
done
echo "ran $n commands from docs/ci.md"
echo "doc-commands test: PASS"
