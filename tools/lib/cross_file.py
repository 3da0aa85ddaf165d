"""The figures of kernel-audit's --cross-file pass (docs/cross-file.md).

The first pass of kthread-lint writes one summary per translation unit
(--write-summaries); this module reads them back to count how often a
handle kept in a field or global is created in one file and stopped or
woken in another file of the same directory, and compares the findings of
the first pass (each file alone) with the second (--read-summaries).
"""

import glob
import json
import os
import re

STOP_OPS = {"stop", "stop-put", "destroy-worker"}
WAKE_OPS = {"wake", "unpark"}


def load_summaries(summary_dir):
    """{source file: summary}, for every summary under summary_dir."""
    out = {}
    for path in sorted(glob.glob(os.path.join(summary_dir, "*", "*.json"))):
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and doc.get("file"):
            out[doc["file"]] = doc
    return out


def pairs(summaries, tree):
    """Creation/stop and creation/wake pairs on the same field or global of
    one directory, by whether they are in the same file or in two."""
    by_dir = {}
    for path, doc in summaries.items():
        by_dir.setdefault(os.path.dirname(path), {})[path] = doc
    fig = {"stop_sites": 0, "stop_sites_created_here": 0,
           "stop_sites_created_only_elsewhere": 0,
           "stop_sites_created_nowhere_seen": 0,
           "stop_pairs_same_file": 0, "stop_pairs_cross_file": 0,
           "wake_pairs_same_file": 0, "wake_pairs_cross_file": 0,
           "cross_file_examples": []}
    for d, docs in sorted(by_dir.items()):
        created = {}  # handle -> [(file, line)]
        for path, doc in docs.items():
            for c in doc.get("creations", []):
                for h in c.get("handles", []):
                    created.setdefault(h, []).append((path, c.get("line", 0)))
        for path, doc in sorted(docs.items()):
            for u in doc.get("uses", []):
                op, h = u.get("op"), u.get("handle")
                if op not in STOP_OPS | WAKE_OPS:
                    continue
                sites = created.get(h, [])
                here = [s for s in sites if s[0] == path]
                there = [s for s in sites if s[0] != path]
                kind = "stop" if op in STOP_OPS else "wake"
                fig[kind + "_pairs_same_file"] += len(here)
                fig[kind + "_pairs_cross_file"] += len(there)
                if kind != "stop":
                    continue
                fig["stop_sites"] += 1
                if here:
                    fig["stop_sites_created_here"] += 1
                elif there:
                    fig["stop_sites_created_only_elsewhere"] += 1
                    fig["cross_file_examples"].append(
                        "%s:%d %s() stops %s, created in %s" % (
                            os.path.relpath(path, tree), u.get("line", 0),
                            u.get("function", "?"), h,
                            ", ".join(sorted({"%s:%d" % (
                                os.path.relpath(p, tree), l)
                                for p, l in there}))))
                else:
                    fig["stop_sites_created_nowhere_seen"] += 1
    return fig


CLANG_LINE = re.compile(r"^(\S+?):(\d+):\d+: (?:warning|error): .*\[(kthread-[\w-]+)\]$")


def finding_keys(text, fmt, tree):
    """(file, line, check) of each finding in kthread-lint's output, for
    the formats that say them plainly (clang, json, sarif); None for
    others."""
    keys = []
    if fmt in (None, "clang"):
        for line in text.splitlines():
            m = CLANG_LINE.match(line)
            if m:
                f = m.group(1)
                if os.path.isabs(f):
                    f = os.path.relpath(f, tree)
                keys.append((f, int(m.group(2)), m.group(3)))
        return keys
    if not text.strip():
        return keys
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    if fmt == "json":
        for f in doc.get("findings", []):
            keys.append((f.get("file"), f.get("line"), f.get("check")))
        return keys
    if fmt == "sarif":
        for run in doc.get("runs", []):
            for r in run.get("results", []):
                loc = (r.get("locations") or [{}])[0].get("physicalLocation", {})
                keys.append((loc.get("artifactLocation", {}).get("uri"),
                             loc.get("region", {}).get("startLine"),
                             r.get("ruleId")))
        return keys
    return None


def compare(first, second, fmt, tree):
    """What the second pass found that the first did not, and cleared."""
    before, after = [], []
    for rel in sorted(set(first) | set(second)):
        b = finding_keys(first[rel]["stdout"], fmt, tree) if rel in first else []
        a = finding_keys(second[rel]["stdout"], fmt, tree) if rel in second else []
        if a is None or b is None:
            return None
        before += b
        after += a
    fmt_key = lambda k: "%s:%s [%s]" % k
    return {"first_pass": len(before), "second_pass": len(after),
            "found": [fmt_key(k) for k in sorted(set(after) - set(before))],
            "cleared": [fmt_key(k) for k in sorted(set(before) - set(after))]}


def report_lines(fig):
    """The report's lines about the cross-file pass."""
    if not fig:
        return []
    lines = ["facts across files (--cross-file):"]
    lines.append("  summaries written:            %d" % fig["summaries"])
    lines.append("  stop sites on a field/global: %d, created in the same "
                 "file %d, only in another file of the directory %d, in no "
                 "analysed file %d" % (
                     fig["stop_sites"], fig["stop_sites_created_here"],
                     fig["stop_sites_created_only_elsewhere"],
                     fig["stop_sites_created_nowhere_seen"]))
    lines.append("  creation/stop pairs:          %d in one file, %d across "
                 "files" % (fig["stop_pairs_same_file"],
                            fig["stop_pairs_cross_file"]))
    lines.append("  creation/wake pairs:          %d in one file, %d across "
                 "files" % (fig["wake_pairs_same_file"],
                            fig["wake_pairs_cross_file"]))
    cmp_ = fig.get("compare")
    if cmp_ is None:
        lines.append("  findings:                     not compared in this "
                     "format")
        return lines
    lines.append("  findings: each file alone %d, with the summaries %d: "
                 "%d found, %d cleared" % (
                     cmp_["first_pass"], cmp_["second_pass"],
                     len(cmp_["found"]), len(cmp_["cleared"])))
    for k in cmp_["found"]:
        lines.append("      found:   " + k)
    for k in cmp_["cleared"]:
        lines.append("      cleared: " + k)
    return lines
