#!/usr/bin/env bash
# The `kthread-lint` hook of .pre-commit-hooks.yaml, run by Debian's
# pre-commit on a scratch repository: a commit with a kthread bug is refused
# with the finding printed; a clean commit passes.
# usage: pre-commit.sh <kthread-lint> <mock-kernel-include> <source-root> <work-dir>
set -uo pipefail
KTHREAD_LINT=$1 MOCK=$2 ROOT=$3 WORK=$4
fail() { echo "pre-commit test: FAIL: $*"; exit 1; }
command -v pre-commit >/dev/null 2>&1 || fail "pre-commit not found (Debian package pre-commit)"
command -v git >/dev/null 2>&1 || fail "git not found"

rm -rf "$WORK" && mkdir -p "$WORK" || fail "mkdir $WORK"
export PRE_COMMIT_HOME=$WORK/pre-commit-home
export GIT_CONFIG_GLOBAL=$WORK/gitconfig GIT_CONFIG_NOSYSTEM=1
git config --global user.name test && git config --global user.email test@example.org
git config --global init.defaultBranch main
export PATH=$(dirname "$KTHREAD_LINT"):$PATH
unset KTHREAD_LINT_ARGS

# The hook repository: this project's hook definition and entry script,
# committed (pre-commit clones hook repos at a revision).
hooks=$WORK/hook-repo
mkdir -p "$hooks/tools" && cp "$ROOT/.pre-commit-hooks.yaml" "$hooks/" \
  && cp "$ROOT/tools/kthread-lint-hook" "$hooks/tools/" || fail "copy hook files"
(cd "$hooks" && git init -q . && git add -A && git commit -qm hooks) || fail "hook repo"
rev=$(git -C "$hooks" rev-parse HEAD)

proj=$WORK/project
mkdir -p "$proj/drivers" && cd "$proj" && git init -q . || fail "project repo"
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $hooks
    rev: $rev
    hooks:
      - id: kthread-lint
YAML
cat > compile_commands.json <<JSON
[{"directory": "$proj", "file": "drivers/good.c",
  "arguments": ["clang", "-nostdinc", "-isystem", "$MOCK", "-c", "drivers/good.c"]}]
JSON
cp "$ROOT/test/tool/Inputs/clean.c" drivers/good.c
pre-commit install > "$WORK/install.log" 2>&1 || { cat "$WORK/install.log"; fail "pre-commit install"; }

git add .pre-commit-config.yaml compile_commands.json drivers/good.c
git commit -qm "clean" > "$WORK/clean.log" 2>&1 || { cat "$WORK/clean.log"; fail "the clean commit was refused"; }
grep -q "kthread-lint.*Passed" "$WORK/clean.log" || { cat "$WORK/clean.log"; fail "the hook did not run on the clean commit"; }
echo "clean commit: passed"

cp "$ROOT/test/tool/Inputs/finding.c" drivers/bad.c
git add drivers/bad.c
if git commit -qm "bad" > "$WORK/bad.log" 2>&1; then
  cat "$WORK/bad.log"; fail "the commit with a kthread bug was accepted"
fi
grep -q "kthread-lint.*Failed" "$WORK/bad.log" || { cat "$WORK/bad.log"; fail "no 'Failed' from the hook"; }
grep -q "drivers/bad.c:3:71: warning: .*\[kthread-missing-is-err\]" "$WORK/bad.log" \
  || { cat "$WORK/bad.log"; fail "the finding is not printed"; }
[ "$(git rev-list --count HEAD)" = 1 ] || fail "a commit was made"
echo "commit with a bug: refused, finding printed:"
grep "warning:" "$WORK/bad.log" | sed 's/^/  /'

# Fixed: the commit goes through.
sed -i 's/wake_up_process(t);/if (!IS_ERR(t)) wake_up_process(t);/' drivers/bad.c
git add drivers/bad.c
git commit -qm "fixed" > "$WORK/fixed.log" 2>&1 || { cat "$WORK/fixed.log"; fail "the fixed commit was refused"; }
[ "$(git rev-list --count HEAD)" = 2 ] || fail "the fixed commit is missing"
echo "fixed commit: passed"

# The local form of docs/ci.md (kthread-lint-hook on PATH, language: system).
local=$WORK/local-project
mkdir -p "$local" && cd "$local" && git init -q . || fail "local project"
cat > .pre-commit-config.yaml <<'YAML'
repos:
  - repo: local
    hooks:
      - id: kthread-lint
        name: kthread-lint
        entry: kthread-lint-hook
        language: system
        types_or: [c]
        require_serial: true
YAML
cp "$proj/compile_commands.json" . && sed -i "s|$proj|$local|" compile_commands.json
mkdir drivers && cp "$ROOT/test/tool/Inputs/clean.c" drivers/good.c
PATH=$ROOT/tools:$PATH pre-commit install > /dev/null 2>&1 || fail "pre-commit install (local)"
git add -A && PATH=$ROOT/tools:$PATH git commit -qm clean > "$WORK/local-clean.log" 2>&1 \
  || { cat "$WORK/local-clean.log"; fail "local hook: clean commit refused"; }
cp "$ROOT/test/tool/Inputs/finding.c" drivers/bad.c && git add drivers/bad.c
if PATH=$ROOT/tools:$PATH git commit -qm bad > "$WORK/local-bad.log" 2>&1; then
  cat "$WORK/local-bad.log"; fail "local hook: the commit with a bug was accepted"
fi
grep -q "drivers/bad.c:3:71: warning: .*\[kthread-missing-is-err\]" "$WORK/local-bad.log" \
  || { cat "$WORK/local-bad.log"; fail "local hook: finding not printed"; }
echo "local hook (language: system): clean passed, bug refused"
echo "pre-commit test: PASS"
