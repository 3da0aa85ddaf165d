#!/usr/bin/env bash
# Validates kthread-lint's SARIF with Microsoft's SARIF Multitool (the
# validator GitHub's docs point to): zero errors and zero warnings required.
# The multitool is installed from the npm registry into a cache dir under the
# build tree on first use; if that is impossible the test FAILS.
# It also validates tools/kernel-audit's SARIF, unsharded and merged from
# shards (--shard/--merge), on the stand-in kernel tree of
# test/tool/kernel-audit-shard.test, built with <clang>.
# usage: sarif-validate.sh <kthread-lint> <mock-kernel-include> <test-source-dir> <work-dir> <clang>
set -uo pipefail
KTHREAD_LINT=$1 MOCK=$2 SRC=$3 WORK=$4 CLANG=${5:?usage: sarif-validate.sh <kthread-lint> <mock-include> <test-source-dir> <work-dir> <clang>}
MULTITOOL_VERSION=5.7.0
fail() { echo "sarif-validate: FAIL: $*"; exit 1; }

cache=$WORK/npm
tool=$cache/node_modules/.bin/sarif-multitool
if [ ! -x "$tool" ]; then
  command -v npm >/dev/null 2>&1 || fail "npm not found: install Node.js with npm (Debian: nodejs npm)"
  mkdir -p "$cache"
  npm install --no-audit --no-fund --loglevel=error --cache "$cache/.npm-cache" \
      --prefix "$cache" "@microsoft/sarif-multitool@$MULTITOOL_VERSION" > "$WORK/npm-install.log" 2>&1 \
    || { cat "$WORK/npm-install.log"; fail "npm install @microsoft/sarif-multitool@$MULTITOOL_VERSION failed"; }
  [ -x "$tool" ] || fail "npm install left no sarif-multitool in $cache"
fi

# Runs the validator on $1; prints "<errors> <warnings>" counted from its
# report (lines like "file(1,2): warning SARIF2005: ...").
count() {
  local out
  out=$("$tool" validate "$1" 2>&1)
  local rc=$?
  echo "$out" > "$1.validate.txt"
  grep -q "Analysis completed successfully" <<<"$out" || { echo "$out" >&2; echo "crash crash"; return; }
  local e w
  e=$(grep -cE '(: | )error [A-Z]+[0-9]+' <<<"$out")
  w=$(grep -cE '(: | )warning [A-Z]+[0-9]+' <<<"$out")
  [ $rc -eq 0 ] || e=$((e + 1))
  echo "$e $w"
}

rm -rf "$WORK/repo" && mkdir -p "$WORK/repo/src" && cd "$WORK/repo" && git init -q . || fail "git init"
cp "$SRC/checks/kthread-missing-is-err.c" src/many.c
cp "$SRC/tool/Inputs/finding.c" src/f.c
cp "$SRC/tool/Inputs/clean.c" src/clean.c
cp "$SRC/tool/Inputs/syntax-error.c" src/broken.c
printf "Checks: '-*,kthread-missing-is-err'\n" > .clang-tidy

"$KTHREAD_LINT" --format=sarif --output=findings.sarif src/many.c src/f.c -- -nostdinc -isystem "$MOCK"
[ $? -eq 1 ] || fail "expected exit status 1 with findings"
"$KTHREAD_LINT" --format=sarif --output=clean.sarif src/clean.c -- -nostdinc -isystem "$MOCK" \
  || fail "expected exit status 0 on a clean file"
"$KTHREAD_LINT" --format=sarif --output=failure.sarif src/f.c src/broken.c -- -nostdinc -isystem "$MOCK" 2>/dev/null
[ $? -eq 2 ] || fail "expected exit status 2 with a file that cannot be analysed"
grep -q '"fixes"' findings.sarif || fail "findings.sarif has no fixes to validate"
grep -q '"relatedLocations"' findings.sarif || fail "findings.sarif has no relatedLocations to validate"

# The counting must see problems where there are some: a log with a rule
# whose name equals its id and no tool version is reported.
cat > control.sarif <<'JSON'
{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
 "runs": [{"tool": {"driver": {"name": "x", "rules": [{"id": "r1", "name": "r1"}]}},
           "results": [{"ruleId": "r1", "message": {"text": "no period"},
                        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "/abs/x.c"}}}]}]}]}
JSON
read -r ce cw <<<"$(count control.sarif)"
[ "$ce" != crash ] || fail "sarif-multitool did not run on the control log"
[ $((ce + cw)) -gt 0 ] || fail "the control log got no error or warning: the report is not being parsed"
echo "control.sarif: $ce errors, $cw warnings (expected some)"

# kernel-audit: the unsharded run and the merge of two shards.
audit=$WORK/audit
rm -rf "$audit" && mkdir -p "$audit" && cp -r "$SRC/tool/Inputs/audit-tree" "$audit/tree" || fail "copy the stand-in tree"
run_audit() {
  env AUDIT_CC="$CLANG" AUDIT_MOCK="$MOCK" python3 "$SRC/../tools/kernel-audit" --tree "$audit/tree" \
      --no-packages --cache "$audit/cache" --kthread-lint "$KTHREAD_LINT" -j2 --format sarif "$@" \
      > "$audit/log" 2>&1
}
run_audit -o "$audit/full"; [ $? -eq 2 ] || { cat "$audit/log"; fail "kernel-audit: expected exit status 2 (one object does not build)"; }
for k in 1 2; do
  run_audit --shard $k/2 -o "$audit/shard-$k"; [ $? -le 2 ] || { cat "$audit/log"; fail "kernel-audit --shard $k/2 failed"; }
done
python3 "$SRC/../tools/kernel-audit" --merge "$audit/shard-1" "$audit/shard-2" -o "$audit/merged" > "$audit/log" 2>&1
[ $? -eq 2 ] || { cat "$audit/log"; fail "kernel-audit --merge: expected exit status 2"; }
cp "$audit/full/findings.sarif" audit-full.sarif && cp "$audit/merged/findings.sarif" audit-merged.sarif || fail "no audit SARIF"
grep -q '"partialFingerprints"' audit-merged.sarif || fail "audit-merged.sarif has no results to validate"

status=0
for f in findings.sarif clean.sarif failure.sarif audit-full.sarif audit-merged.sarif; do
  read -r e w <<<"$(count "$f")"
  echo "$f: $e errors, $w warnings"
  if [ "$e" != 0 ] || [ "$w" != 0 ]; then
    sed 's/^/  /' "$f.validate.txt"
    status=1
  fi
done
[ $status -eq 0 ] || fail "sarif-multitool reported problems"
echo "sarif-validate: PASS"
