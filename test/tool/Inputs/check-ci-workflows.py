#!/usr/bin/env python3
"""Checks the sharded kernel-audit workflows in tools/ci/ (docs/ci.md):
both parse as YAML; GitHub's audit job is a strategy.matrix over config x
arch x shard (shard = 1..SHARDS) and its merge job runs --merge and
upload-sarif; GitLab's is a parallel: matrix with the same dimensions and
a merge job with a codequality report; every shell step passes bash -n;
every kernel-audit option they use is one kernel-audit --help lists; and
docs/ci.md shows both files as they are. Exit 1 with the first problem.
usage: check-ci-workflows.py <repo root> <python>"""
import os
import re
import subprocess
import sys

import yaml


def fail(msg):
    print("check-ci-workflows: " + msg)
    sys.exit(1)


def shell_ok(script, what):
    # ${{ ... }} is GitHub's, expanded before the shell sees the script.
    script = re.sub(r"\$\{\{[^}]*\}\}", "X", script)
    r = subprocess.run(["bash", "-n"], input=script, text=True,
                       capture_output=True)
    if r.returncode != 0:
        fail("%s: bash -n: %s" % (what, r.stderr.strip()))


def audit_options(script):
    opts = set()
    for cmd in re.split(r"(?:&&|\|\||;|\n(?!\s))", script):
        if "tools/kernel-audit" in cmd:
            opts |= set(re.findall(r"(?<=\s)--[a-z][a-z-]*", cmd))
    return opts


def main():
    root, python = sys.argv[1], sys.argv[2]
    helptext = subprocess.run([python, os.path.join(root, "tools",
                                                    "kernel-audit"), "--help"],
                              capture_output=True, text=True).stdout
    known = set(re.findall(r"--[a-z][a-z-]*", helptext))
    if not {"--shard", "--merge", "--arch"} <= known:
        fail("kernel-audit --help lists no --shard/--merge/--arch")
    docs = open(os.path.join(root, "docs", "ci.md")).read()
    used = set()

    gh_path = os.path.join(root, "tools", "ci", "github-kernel-audit.yml")
    gh_text = open(gh_path).read()
    gh = yaml.safe_load(gh_text)
    n = int(gh["env"]["SHARDS"])
    audit, merge = gh["jobs"]["audit"], gh["jobs"]["merge"]
    m = audit["strategy"]["matrix"]
    if sorted(m) != ["arch", "config", "shard"]:
        fail("github: matrix is %r, not config x arch x shard" % sorted(m))
    if m["shard"] != list(range(1, n + 1)):
        fail("github: matrix.shard %r is not 1..SHARDS (%d)" % (m["shard"], n))
    if "--arch ${{ matrix.arch }}" not in str(audit["steps"]):
        fail("github: the audit step does not pass --arch ${{ matrix.arch }}")
    if "audit" not in str(merge.get("needs")):
        fail("github: the merge job does not need the audit jobs")
    steps = [s for j in gh["jobs"].values() for s in j["steps"]]
    for i, s in enumerate(steps):
        if "run" in s:
            shell_ok(s["run"], "github step %d" % i)
            used |= audit_options(s["run"])
    uses = [s.get("uses", "") for s in merge["steps"]]
    if not any(u.startswith("github/codeql-action/upload-sarif@") for u in uses):
        fail("github: the merge job does not upload-sarif")
    if not any("--merge" in s.get("run", "") for s in merge["steps"]):
        fail("github: the merge job does not run kernel-audit --merge")
    if not any(s.get("uses", "").startswith("actions/upload-artifact@")
               for s in audit["steps"]):
        fail("github: the audit jobs upload no artifact")

    gl_path = os.path.join(root, "tools", "ci", "gitlab-kernel-audit.yml")
    gl_text = open(gl_path).read()
    gl = yaml.safe_load(gl_text)
    n = int(gl["variables"]["SHARDS"])
    pm = gl["kernel-audit"]["parallel"]["matrix"]
    if len(pm) != 1 or sorted(pm[0]) != ["ARCH", "CONFIG", "SHARD"]:
        fail("gitlab: parallel: matrix is %r, not CONFIG x ARCH x SHARD" % pm)
    if pm[0]["SHARD"] != [str(i) for i in range(1, n + 1)]:
        fail("gitlab: SHARD %r is not 1..SHARDS (%d)" % (pm[0]["SHARD"], n))
    if '--arch "$ARCH"' not in "\n".join(gl["kernel-audit"]["script"]):
        fail('gitlab: the audit job does not pass --arch "$ARCH"')
    mj = gl["kernel-audit-merge"]
    if mj.get("needs") != ["kernel-audit"]:
        fail("gitlab: the merge job does not need the audit jobs")
    cq = mj["artifacts"]["reports"]["codequality"]
    if cq not in mj["artifacts"]["paths"] or cq not in "\n".join(mj["script"]):
        fail("gitlab: the codequality report %r is not made by the job" % cq)
    if "--merge" not in "\n".join(mj["script"]):
        fail("gitlab: the merge job does not run kernel-audit --merge")
    for name, job in gl.items():
        if isinstance(job, dict):
            for key in ("before_script", "script"):
                if key in job:
                    script = "\n".join(job[key])
                    shell_ok(script, "gitlab %s.%s" % (name, key))
                    used |= audit_options(script)

    unknown = sorted(used - known)
    if unknown:
        fail("kernel-audit options not in --help: %s" % ", ".join(unknown))
    for path, text in ((gh_path, gh_text), (gl_path, gl_text)):
        if text not in docs:
            fail("docs/ci.md does not show %s as it is" %
                 os.path.relpath(path, root))
    print("check-ci-workflows: OK: github %d x %d x %d jobs, gitlab %d x %d x "
          "%d jobs; kernel-audit options used: %s" % (
              len(m["config"]), len(m["arch"]), len(m["shard"]),
              len(pm[0]["CONFIG"]), len(pm[0]["ARCH"]), len(pm[0]["SHARD"]),
              " ".join(sorted(used))))


if __name__ == "__main__":
    main()
