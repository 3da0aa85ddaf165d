#!/usr/bin/env python3
"""Checks kthread-lint --format=json output against the schema documented in
docs/output-formats.md. Exit 1 with the first problem found."""
import json
import sys


def fail(msg):
    print("check_json: " + msg)
    sys.exit(1)


def pos_ok(p, what):
    if not isinstance(p.get("file"), str) or not p["file"]:
        fail(what + ": file")
    for k in ("line", "column", "endLine", "endColumn"):
        if not isinstance(p.get(k), int):
            fail(what + ": " + k)


doc = json.load(open(sys.argv[1]))
expect = int(sys.argv[2])
if doc.get("version") != 1 or doc.get("tool", {}).get("name") != "kthread-lint":
    fail("version/tool")
if not isinstance(doc.get("baseDir"), str):
    fail("baseDir")
findings, failures = doc["findings"], doc["failures"]
if len(findings) != expect:
    fail("%d findings, expected %d" % (len(findings), expect))
fps = set()
for i, f in enumerate(findings):
    what = "findings[%d]" % i
    pos_ok(f, what)
    for k in ("check", "message", "fingerprint"):
        if not isinstance(f.get(k), str) or not f[k]:
            fail(what + ": " + k)
    if f["fingerprint"] in fps:
        fail(what + ": duplicate fingerprint")
    fps.add(f["fingerprint"])
    for n in f["notes"]:
        pos_ok(n, what + ".notes")
        if not n.get("message"):
            fail(what + ": note message")
    for x in f["fixes"]:
        pos_ok(x, what + ".fixes")
        for k in ("offset", "length"):
            if not isinstance(x.get(k), int):
                fail(what + ": fix " + k)
        if not isinstance(x.get("replacement"), str):
            fail(what + ": fix replacement")
for x in failures:
    if not x.get("file") or not x.get("reason"):
        fail("failure without file/reason")
print("json ok: %d findings, %d with notes, %d with fixes, %d failures" % (
    len(findings), sum(1 for f in findings if f["notes"]),
    sum(1 for f in findings if f["fixes"]), len(failures)))
