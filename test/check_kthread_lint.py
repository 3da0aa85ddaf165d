#!/usr/bin/env python3
"""Runs one kthread-* check on a lit test file and verifies its output.

In the manner of clang-tidy's check_clang_tidy.py (which Debian does not ship):

  check_kthread_lint.py --product=tool|plugin|clang <input.c> <check-id> <temp> [-- <clang args>]

The input's `// CHECK-*` lines are blanked (lines keep their numbers), the copy is
analysed with fixes applied, then FileCheck verifies
  - the diagnostics against `CHECK-MESSAGES` (any other warning or error fails),
  - the fixed file against `CHECK-FIXES`.
`--product=tool` runs the standalone kthread-lint, `--product=plugin` runs
clang-tidy with the plugin loaded, `--product=clang` compiles the file with
clang and the clang plugin (-fplugin): all must give the same answer. The
clang plugin applies no fix-its, so CHECK-FIXES are the other two's.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys


def run(cmd, ok_codes):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode not in ok_codes:
        sys.exit("command failed with exit code %d: %s\n%s" %
                 (proc.returncode, " ".join(cmd), proc.stdout))
    return proc.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--product", choices=["tool", "plugin", "clang"],
                        required=True)
    parser.add_argument("--kthread-lint", required=True)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--clang-tidy", required=True)
    parser.add_argument("--clang", required=True)
    parser.add_argument("--clang-plugin", required=True)
    parser.add_argument("--filecheck", required=True)
    parser.add_argument("--include", required=True,
                        help="the mock kernel headers")
    parser.add_argument("--config", default=None,
                        help="clang-tidy configuration (YAML) for the run")
    parser.add_argument("--check-suffix", default=None,
                        help="also check CHECK-MESSAGES-<suffix> and "
                             "CHECK-FIXES-<suffix> lines, for this run only")
    parser.add_argument("input")
    parser.add_argument("check")
    parser.add_argument("temp")
    parser.add_argument("clang_args", nargs="*")
    args = parser.parse_args()

    with open(args.input, encoding="utf-8") as f:
        text = f.read()
    prefixes = set(re.findall(r"// *(CHECK-[A-Z0-9-]+):", text))
    suffix = "-" + args.check_suffix if args.check_suffix else ""
    message_prefixes = ["CHECK-MESSAGES"] + (["CHECK-MESSAGES" + suffix] if suffix else [])
    fix_prefixes = ["CHECK-FIXES"] + (["CHECK-FIXES" + suffix] if suffix else [])
    has_messages = any(p in prefixes for p in message_prefixes)
    has_fixes = any(p in prefixes for p in fix_prefixes)
    cleaned = re.sub(r"// *CHECK-[A-Z0-9-]*:[^\r\n]*", "//", text)

    os.makedirs(os.path.dirname(os.path.abspath(args.temp)) or ".", exist_ok=True)
    temp_c = args.temp + "." + args.product + ".c"
    with open(temp_c, "w", encoding="utf-8") as f:
        f.write(cleaned)
    # The test's own headers (<test>-*.h) go beside the copy, as a module's
    # headers are beside its .c files: the checks treat them as its code.
    src_dir = os.path.dirname(os.path.abspath(args.input))
    stem = os.path.splitext(os.path.basename(args.input))[0]
    for name in os.listdir(src_dir):
        if name.startswith(stem + "-") and name.endswith(".h"):
            shutil.copy(os.path.join(src_dir, name),
                        os.path.join(os.path.dirname(os.path.abspath(temp_c)), name))

    clang_args = ["-nostdinc", "-isystem", args.include, "-std=gnu11",
                  "-D__KERNEL__"] + args.clang_args
    config = ["--config=" + args.config] if args.config else []
    if args.product == "tool":
        cmd = [args.kthread_lint, "--checks=" + args.check, "--fix"] + config + \
              [temp_c, "--"] + clang_args
        output = run(cmd, ok_codes=(0, 1))
    elif args.product == "clang":
        # The compiler's own warnings off: only the plugin's are checked.
        cmd = [args.clang, "-fplugin=" + args.clang_plugin,
               "-fplugin-arg-kthread-checks=" + args.check] + \
              (["-fplugin-arg-kthread-config=" + args.config] if args.config else []) + \
              ["-Wno-everything", "-c", "-o", temp_c + ".o", temp_c] + clang_args
        output = run(cmd, ok_codes=(0,))
    else:
        cmd = [args.clang_tidy, "--load=" + args.plugin,
               "--checks=-*," + args.check, "--fix"] + config + \
              [temp_c, "--"] + clang_args
        output = run(cmd, ok_codes=(0,))
        if "error:" in output and "[clang-diagnostic-error]" in output:
            sys.exit("the input does not compile:\n" + output)
    # Diagnostics name the temporary file; FileCheck patterns start at ':'.
    messages = args.temp + "." + args.product + ".msg"
    with open(messages, "w", encoding="utf-8") as f:
        f.write(output)

    if has_messages:
        run([args.filecheck, "-input-file=" + messages, args.input,
             "-check-prefixes=" + ",".join(message_prefixes),
             "-implicit-check-not={{warning|error}}:",
             "-allow-unused-prefixes"], ok_codes=(0,))
    elif re.search(r"(warning|error):", output):
        sys.exit("expected no diagnostics, got:\n" + output)
    if has_fixes and args.product != "clang":
        run([args.filecheck, "-input-file=" + temp_c, args.input,
             "-check-prefixes=" + ",".join(fix_prefixes), "-strict-whitespace",
             "-allow-unused-prefixes"], ok_codes=(0,))


if __name__ == "__main__":
    main()
