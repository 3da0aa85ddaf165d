#!/usr/bin/env python3
"""Compares two tools/kernel-audit output folders (an unsharded run and the
--merge of its shards): the report's findings and file lists, results.json's
findings and file lists, and the findings file (SARIF: rules, results with
their partialFingerprints, invocations; GitLab Code Quality: the issues).
Times, folders and build dirs may differ. Prints one line; exit 1 at the
first difference."""
import json
import os
import sys

# results.json: what must be equal.
RESULT_KEYS = ("kernel", "tool", "config", "cc", "arch", "format", "checks",
               "via", "not_enabled", "build_failed", "parse_failed",
               "by_check", "units", "matches", "enabled")
# Per analysed file (not its time).
FILE_KEYS = ("rc", "stdout", "stderr", "counts")


def fail(msg):
    print("audit-compare: DIFFERENT: " + msg)
    sys.exit(1)


def report_body(d):
    """The report's lines from the file lists to the findings by check."""
    lines = open(os.path.join(d, "report.txt")).read().splitlines()
    keep, on = [], False
    for l in lines:
        if l.startswith("files naming the kthread API"):
            on = True
        if l.startswith(("kthread-lint per file:", "time")):
            on = False
        if on or l.startswith(("  kernel:", "  tool:", "  checks:",
                               "  prefilter:")):
            keep.append(l)
    return keep


def main():
    a, b = sys.argv[1], sys.argv[2]
    ra, rb = report_body(a), report_body(b)
    for i, (la, lb) in enumerate(zip(ra, rb)):
        if la != lb:
            fail("report.txt: %r vs %r" % (la, lb))
    if len(ra) != len(rb):
        fail("report.txt: %d vs %d lines" % (len(ra), len(rb)))
    ja = json.load(open(os.path.join(a, "results.json")))
    jb = json.load(open(os.path.join(b, "results.json")))
    for k in RESULT_KEYS:
        if ja.get(k) != jb.get(k):
            fail("results.json %s: %r vs %r" % (k, ja.get(k), jb.get(k)))
    if sorted(ja["files"]) != sorted(jb["files"]):
        fail("results.json files: %r vs %r" % (sorted(ja["files"]),
                                                sorted(jb["files"])))
    for f in ja["files"]:
        for k in FILE_KEYS:
            if ja["files"][f][k] != jb["files"][f][k]:
                fail("results.json files[%s].%s differs" % (f, k))
    fmt = ja.get("format")
    suffix = {"sarif": "sarif", "gitlab": "json", "json": "json"}.get(fmt, "txt")
    fa, fb = (open(os.path.join(d, "findings." + suffix)).read()
              for d in (a, b))
    what = ""
    if suffix == "sarif":
        sa, sb = json.loads(fa), json.loads(fb)
        if len(sa["runs"]) != len(sb["runs"]):
            fail("SARIF: %d vs %d runs" % (len(sa["runs"]), len(sb["runs"])))
        nres = nfp = 0
        for x, y in zip(sa["runs"], sb["runs"]):
            fpx = [r.get("partialFingerprints") for r in x["results"]]
            fpy = [r.get("partialFingerprints") for r in y["results"]]
            if fpx != fpy:
                fail("SARIF partialFingerprints: %d vs %d results, first "
                     "difference at %d" % (len(fpx), len(fpy), next(
                         (i for i, (p, q) in enumerate(zip(fpx, fpy))
                          if p != q), min(len(fpx), len(fpy)))))
            for k in ("tool", "results", "invocations", "artifacts",
                      "automationDetails", "originalUriBaseIds"):
                if x.get(k) != y.get(k):
                    fail("SARIF run.%s differs" % k)
            nres += len(x["results"])
            nfp += sum(1 for p in fpx if p)
        if sa != sb:
            fail("SARIF logs differ outside the runs' compared parts")
        what = ", %d SARIF results (%d with partialFingerprints)" % (nres, nfp)
    elif suffix == "json":
        if json.loads(fa) != json.loads(fb):
            fail("findings.json differs")
        doc = json.loads(fa)
        what = ", %d %s issues" % (len(doc) if isinstance(doc, list) else -1,
                                   fmt)
    elif fa != fb:
        fail("findings.txt differs")
    print("audit-compare: same: %d files analysed, %d findings%s" % (
        len(ja["files"]), sum(ja["by_check"].values()), what))


if __name__ == "__main__":
    main()
