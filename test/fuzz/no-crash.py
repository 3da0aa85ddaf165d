#!/usr/bin/env python3
"""`no-crash.py cmd...`: runs cmd; succeeds when it exits 0, 1 or 2 (no
findings, findings, cannot analyse), fails on a signal or any other code.
The RUN line of the fuzz-*.c regression tests under test/checks/."""
import subprocess
import sys

rc = subprocess.call(sys.argv[1:])
if rc not in (0, 1, 2):
    sys.stderr.write("crashed or failed: exit code %d\n" % rc)
    sys.exit(1)
