#!/usr/bin/env python3
"""Stand-in for the kernel's gen_compile_commands.py: one entry per
.<obj>.cmd file under -d, as the real script writes them."""
import argparse, json, os, re

ap = argparse.ArgumentParser()
ap.add_argument("-d", dest="directory", default=".")
ap.add_argument("-o", dest="output", default="compile_commands.json")
ap.add_argument("--log_level", default="WARNING")
args = ap.parse_args()
directory = os.path.abspath(args.directory)
entries = []
for dirpath, _, files in os.walk(directory):
    for fn in sorted(files):
        if not (fn.startswith(".") and fn.endswith(".o.cmd")):
            continue
        with open(os.path.join(dirpath, fn)) as f:
            m = re.search(r"^cmd_\S+\.o := (.* )(\S+\.c)$", f.read(), re.M)
        if m:
            entries.append({"command": m.group(1) + m.group(2),
                            "directory": directory, "file": m.group(2)})
with open(args.output, "w") as f:
    json.dump(sorted(entries, key=lambda e: e["file"]), f, indent=1)
