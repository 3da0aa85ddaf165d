#!/usr/bin/env bash
# tools/install-git-hook: a plain git pre-commit hook on a scratch repository.
# usage: git-hook.sh <kthread-lint> <mock-kernel-include> <source-root> <work-dir>
set -uo pipefail
KTHREAD_LINT=$1 MOCK=$2 ROOT=$3 WORK=$4
fail() { echo "git-hook test: FAIL: $*"; exit 1; }
rm -rf "$WORK" && mkdir -p "$WORK/repo/drivers" || fail "mkdir"
export GIT_CONFIG_GLOBAL=$WORK/gitconfig GIT_CONFIG_NOSYSTEM=1
git config --global user.name test && git config --global user.email test@example.org
unset KTHREAD_LINT_ARGS
cd "$WORK/repo" && git init -q . || fail "git init"
cat > compile_commands.json <<JSON
[{"directory": "$WORK/repo", "file": "drivers/good.c",
  "arguments": ["clang", "-nostdinc", "-isystem", "$MOCK", "-c", "drivers/good.c"]}]
JSON
"$ROOT/tools/install-git-hook" --kthread-lint "$KTHREAD_LINT" . || fail "install-git-hook"
[ -x .git/hooks/pre-commit ] || fail "no executable .git/hooks/pre-commit"
# Installing again replaces our own hook; a foreign hook is kept.
"$ROOT/tools/install-git-hook" --kthread-lint "$KTHREAD_LINT" . >/dev/null || fail "reinstall"

cp "$ROOT/test/tool/Inputs/clean.c" drivers/good.c
git add compile_commands.json drivers/good.c
git commit -qm clean > "$WORK/clean.log" 2>&1 || { cat "$WORK/clean.log"; fail "clean commit refused"; }
echo "clean commit: passed"

# A buggy file that is not staged does not matter: only staged files count.
cp "$ROOT/test/tool/Inputs/finding.c" drivers/unstaged.c
echo "/* more */" >> drivers/good.c && git add drivers/good.c
git commit -qm "clean again" > "$WORK/clean2.log" 2>&1 || { cat "$WORK/clean2.log"; fail "a commit was refused for an unstaged file"; }
echo "commit with an unstaged buggy file: passed"

cp "$ROOT/test/tool/Inputs/finding.c" "drivers/bad file.c"
git add "drivers/bad file.c"
if git commit -qm bad > "$WORK/bad.log" 2>&1; then cat "$WORK/bad.log"; fail "the buggy commit was accepted"; fi
grep -q "drivers/bad file.c:3:71: warning: .*\[kthread-missing-is-err\]" "$WORK/bad.log" || { cat "$WORK/bad.log"; fail "finding not printed"; }
grep -q "commit refused" "$WORK/bad.log" || fail "no refusal message"
[ "$(git rev-list --count HEAD)" = 2 ] || fail "a commit was made"
echo "commit with a bug: refused:"
grep -E "warning:|refused" "$WORK/bad.log" | sed 's/^/  /'
git commit -q --no-verify -m "bad, forced" || fail "--no-verify"

# A foreign hook is not overwritten without --force.
printf '#!/bin/sh\nexit 0\n' > .git/hooks/pre-commit
if "$ROOT/tools/install-git-hook" --kthread-lint "$KTHREAD_LINT" . 2>/dev/null; then fail "a foreign hook was replaced"; fi
"$ROOT/tools/install-git-hook" --force --kthread-lint "$KTHREAD_LINT" . >/dev/null || fail "--force"
grep -q "install-git-hook" .git/hooks/pre-commit || fail "--force did not install"
echo "git-hook test: PASS"
