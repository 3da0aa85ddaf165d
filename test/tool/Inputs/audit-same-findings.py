"""Compares two kernel-audit folders (results.json) file by file: the
diagnostic lines (place, severity, message, check) of every file analysed
in both must be the same.

    audit-same-findings.py <audit dir A> <audit dir B>
"""
import json
import re
import sys

DIAG = re.compile(r"^\S+:\d+:\d+: (warning|error|note): .*$")


def diags(res):
    return [l for l in res["stdout"].splitlines() if DIAG.match(l)]


a, b = (json.load(open(d + "/results.json"))["files"] for d in sys.argv[1:3])
both = sorted(set(a) & set(b))
findings = 0
for f in both:
    if a[f]["rc"] not in (0, 1) or b[f]["rc"] not in (0, 1):
        continue
    da, db = diags(a[f]), diags(b[f])
    if da != db:
        sys.exit("%s differs:\n  A: %s\n  B: %s" % (f, "\n     ".join(da),
                                                  "\n     ".join(db)))
    findings += sum(1 for l in da if ": note: " not in l)
print("%d files in both, %d findings, identical" % (
    sum(1 for f in both if a[f]["rc"] in (0, 1) and b[f]["rc"] in (0, 1)), findings))
