#!/usr/bin/env python3
"""Structural checks of kthread-lint's SARIF that GitHub code scanning
relies on (the schema itself is validated by sarif-multitool, see
sarif-validate.sh). Exit 1 with the first problem found."""
import json
import sys


def fail(msg):
    print("check_sarif: " + msg)
    sys.exit(1)


def region_ok(r, what):
    for k in ("startLine", "startColumn", "endLine", "endColumn"):
        if not isinstance(r.get(k), int) or r[k] < 1:
            fail("%s: region.%s missing or < 1: %r" % (what, k, r))


def main():
    path, expect_results = sys.argv[1], int(sys.argv[2])
    log = json.load(open(path))
    if log.get("version") != "2.1.0" or "sarif-2.1.0" not in log.get("$schema", ""):
        fail("$schema/version")
    runs = log["runs"]
    if len(runs) != 1:
        fail("one run expected")
    run = runs[0]
    drv = run["tool"]["driver"]
    for k in ("name", "version", "informationUri", "rules"):
        if not drv.get(k):
            fail("tool.driver.%s missing" % k)
    rules = drv["rules"]
    ids = [r["id"] for r in rules]
    if "kthread-missing-is-err" not in ids:
        fail("rule kthread-missing-is-err missing from %r" % ids)
    for r in rules:
        for k in ("shortDescription", "fullDescription", "help"):
            if not r.get(k, {}).get("text"):
                fail("rule %s: %s.text missing" % (r["id"], k))
        if not r.get("name") or r["name"] == r["id"]:
            fail("rule %s: name missing or equal to id" % r["id"])
        if not r.get("helpUri", "").endswith("docs/checks/%s.md" % r["id"]):
            fail("rule %s: helpUri %r" % (r["id"], r.get("helpUri")))
        if r.get("defaultConfiguration", {}).get("level") not in ("note", "warning", "error"):
            fail("rule %s: defaultConfiguration.level" % r["id"])
    results = run["results"]
    if len(results) != expect_results:
        fail("%d results, expected %d" % (len(results), expect_results))
    fps = set()
    for i, res in enumerate(results):
        what = "results[%d]" % i
        if ids[res["ruleIndex"]] != res["ruleId"]:
            fail(what + ": ruleIndex does not point at ruleId")
        if res.get("level") not in ("note", "warning", "error"):
            fail(what + ": level")
        if not res["message"]["text"]:
            fail(what + ": message")
        loc = res["locations"][0]["physicalLocation"]
        uri = loc["artifactLocation"]["uri"]
        if uri.startswith("/") or uri.startswith("file:"):
            fail(what + ": uri %r is not repository-relative" % uri)
        if loc["artifactLocation"].get("uriBaseId") not in run.get("originalUriBaseIds", {}):
            fail(what + ": uriBaseId not declared in originalUriBaseIds")
        region_ok(loc["region"], what)
        pf = res.get("partialFingerprints", {})
        if not pf.get("primaryLocationLineHash") or len(pf) < 2:
            fail(what + ": partialFingerprints %r" % pf)
        key = tuple(sorted(pf.items()))
        if key in fps:
            fail(what + ": duplicate fingerprints")
        fps.add(key)
        for rl in res.get("relatedLocations", []):
            region_ok(rl["physicalLocation"]["region"], what + ".relatedLocations")
            if not rl.get("message", {}).get("text"):
                fail(what + ": relatedLocation without message")
        for fx in res.get("fixes", []):
            for ch in fx["artifactChanges"]:
                for rep in ch["replacements"]:
                    region_ok(rep["deletedRegion"], what + ".fixes")
                    if "text" not in rep.get("insertedContent", {}):
                        fail(what + ": fix without insertedContent.text")
    print("check_sarif: OK: %d rules, %d results, %d with notes, %d with fixes" % (
        len(rules), len(results),
        sum(1 for r in results if r.get("relatedLocations")),
        sum(1 for r in results if r.get("fixes"))))


main()
