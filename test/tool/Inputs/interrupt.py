"""Ctrl-C in the middle of a parallel run: kthread-lint stops with status
130 and one line, and leaves no --output file, whole or half-written.

    interrupt.py <kthread-lint> <mock kernel include dir> <work dir>
"""
import os
import signal
import subprocess
import sys

tool, mock, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
lines = ['#include <linux/kernel.h>', '#include <linux/kthread.h>']
for i in range(300):
    lines.append('static int fn%d(void *d) { while (!kthread_should_stop()) schedule(); return 0; }' % i)
    lines.append('int start%d(void) { struct task_struct *t = kthread_run(fn%d, NULL, "t%d"); '
                 'if (IS_ERR(t)) return PTR_ERR(t); kthread_stop(t); return 0; }' % (i, i, i))
files = []
for n in range(24):
    path = os.path.join(work, 'f%02d.c' % n)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    files.append(path)
out = os.path.join(work, 'out.sarif')
proc = subprocess.Popen([tool, '-j2', '--verbose', '--format=sarif', '--output=' + out] + files +
                        ['--', '-nostdinc', '-isystem', mock],
                        stderr=subprocess.PIPE, text=True)
seen = []
for line in proc.stderr:
    seen.append(line)
    if '[1/%d]' % len(files) in line:
        proc.send_signal(signal.SIGINT)
        break
# Files may still finish between the signal and its handling.
rest = ''.join(l for l in proc.stderr if not l.startswith('kthread-lint: ['))
rc = proc.wait()
if rc in (0, 1):
    sys.exit('FAIL: finished (rc=%d) before the interrupt reached it' % rc)
if rc != 130:
    sys.exit('FAIL: rc=%d, want 130:\n%s' % (rc, ''.join(seen) + rest))
if rest.strip() != 'kthread-lint: interrupted':
    sys.exit('FAIL: want one line "kthread-lint: interrupted", got:\n' + rest)
left = [f for f in os.listdir(work) if f.startswith('out.sarif')]
if left:
    sys.exit('FAIL: left behind: ' + ', '.join(left))
print('interrupted cleanly after %d of %d files' % (len(seen), len(files)))
