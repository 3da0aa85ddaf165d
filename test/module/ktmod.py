# SPDX-License-Identifier: GPL-2.0
"""Shared helpers of test/module/*: the EXPECTED file, variant sources, kbuild.

Used by module-build, static-verdicts and runtime-suite (next to this file).
"""
import difflib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODULE_DIR = os.path.join(ROOT, 'module-example')
VARIANTS_DIR = os.path.join(MODULE_DIR, 'variants')
EXPECTED = os.path.join(VARIANTS_DIR, 'EXPECTED')
SOURCE = 'ktdemo.c'
MODULE = 'ktdemo'
REFERENCE = 'reference'

sys.path.insert(0, HERE)


def load_script(name):
    """A script of test/module/ (no .py suffix) as a Python module."""
    import importlib.machinery
    import importlib.util
    modname = name.replace('-', '_')
    if modname in sys.modules:
        return sys.modules[modname]
    loader = importlib.machinery.SourceFileLoader(modname, os.path.join(HERE, name))
    spec = importlib.util.spec_from_loader(modname, loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    sys.modules[modname] = mod
    return mod


def load_compdb_module():
    return load_script('kbuild-compdb')


def default_clang_tidy(plugin):
    """The clang-tidy a plugin was built for: the CLANG_TIDY_EXECUTABLE of the
    build tree it is in (<build>/lib/KthreadLint.so), else clang-tidy-16 (the
    default LLVM_MAJOR). $CLANG_TIDY and --clang-tidy win over both."""
    cache = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(plugin))), 'CMakeCache.txt')
    try:
        with open(cache) as f:
            for line in f:
                if line.startswith('CLANG_TIDY_EXECUTABLE:'):
                    return line.split('=', 1)[1].strip()
    except OSError:
        pass
    return 'clang-tidy-16'


def discover_kdir(release=None):
    return load_compdb_module().discover_kdir(release)


@dataclass
class Finding:
    check: str
    where: str          # as written in EXPECTED


@dataclass
class Variant:
    name: str
    findings: list = field(default_factory=list)    # [Finding]
    runtime: list = field(default_factory=list)     # ['clean', 'never-ran:selftest', ...]
    lineno: int = 0

    @property
    def patch(self):
        return None if self.name == REFERENCE else os.path.join(VARIANTS_DIR, self.name + '.patch')

    @property
    def checks(self):
        return sorted({f.check for f in self.findings})


FINDING_RE = re.compile(r'(kthread-[a-z0-9-]+)@(changed|\d+|"[^"]*"(?:\s*>\s*"[^"]*")*)')


def load_expected(path=EXPECTED):
    variants = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith('#'):
                continue
            cols = [c.strip() for c in line.rstrip('\n').split('|')]
            if len(cols) != 3:
                raise SystemExit(f'{path}:{lineno}: want "name | findings | runtime"')
            name, fcol, rcol = cols
            v = Variant(name, lineno=lineno)
            if fcol != '-':
                pos = 0
                for m in FINDING_RE.finditer(fcol):
                    if fcol[pos:m.start()].strip():
                        raise SystemExit(f'{path}:{lineno}: cannot parse {fcol[pos:m.start()]!r}')
                    v.findings.append(Finding(m.group(1), m.group(2)))
                    pos = m.end()
                if fcol[pos:].strip() or not v.findings:
                    raise SystemExit(f'{path}:{lineno}: cannot parse {fcol[pos:]!r}')
            # an unobservable reason may contain commas: it is always last
            head, sep, tail = rcol.partition('unobservable:')
            v.runtime = [r.strip() for r in head.split(',') if r.strip()]
            if sep:
                v.runtime.append('unobservable:' + tail.strip())
            if v.patch and not os.path.isfile(v.patch):
                raise SystemExit(f'{path}:{lineno}: no {os.path.relpath(v.patch, ROOT)}')
            variants.append(v)
    names = [v.name for v in variants]
    if names.count(REFERENCE) != 1:
        raise SystemExit(f'{path}: needs exactly one "{REFERENCE}" line')
    for p in sorted(os.listdir(VARIANTS_DIR)):
        if p.endswith('.patch') and p[:-6] not in names:
            raise SystemExit(f'{path}: variants/{p} has no line here')
    return variants


def select(variants, only):
    if not only:
        return variants
    want = set(only)
    unknown = want - {v.name for v in variants}
    if unknown:
        raise SystemExit('unknown module(s): ' + ' '.join(sorted(unknown)))
    return [v for v in variants if v.name in want]


def prepare_source(v, outdir):
    """outdir/<name>/ with ktdemo.c (patched for a variant) and Kbuild."""
    d = os.path.join(outdir, v.name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    for f in (SOURCE, 'Kbuild'):
        shutil.copy(os.path.join(MODULE_DIR, f), d)
    if v.patch:
        r = subprocess.run(['patch', '-p1', '--fuzz=0', '--no-backup-if-mismatch', '-s',
                            '-d', d, '-i', v.patch], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f'{os.path.relpath(v.patch, ROOT)} does not apply to ktdemo.c:\n'
                               + r.stdout + r.stderr)
    return d


def first_added_line(ref_lines, var_lines):
    sm = difflib.SequenceMatcher(a=ref_lines, b=var_lines, autojunk=False)
    for tag, _i1, _i2, j1, j2 in sm.get_opcodes():
        if tag in ('replace', 'insert') and j2 > j1:
            return j1 + 1
    return None


def resolve_line(where, ref_lines, var_lines):
    """The 1-based line of the variant that a WHERE of EXPECTED designates."""
    if where == 'changed':
        n = first_added_line(ref_lines, var_lines)
        if n is None:
            raise ValueError('"changed" but the patch only removes lines: name the line with "text"')
        return n
    if where.isdigit():
        return int(where)
    texts = re.findall(r'"([^"]*)"', where)
    start = 0
    for i, text in enumerate(texts):
        lo = start if i == 0 else start + 1
        hits = [n for n, l in enumerate(var_lines) if n >= lo and text in l]
        if not hits:
            raise ValueError(f'no line contains {text!r}')
        if i == 0 and len(hits) > 1:
            raise ValueError(f'{len(hits)} lines contain {text!r}: use "anchor">"text"')
        start = hits[0]
    return start + 1


def expected_findings(v, srcdir):
    """[(check, line)] sorted, for the prepared variant in srcdir."""
    ref = open(os.path.join(MODULE_DIR, SOURCE)).read().splitlines()
    var = open(os.path.join(srcdir, SOURCE)).read().splitlines()
    out = []
    for f in v.findings:
        try:
            out.append((f.check, resolve_line(f.where, ref, var)))
        except ValueError as e:
            raise SystemExit(f'{EXPECTED}:{v.lineno}: {f.check}@{f.where}: {e}')
    return sorted(out)


WARN_RE = re.compile(r'(warning|error):', re.I)


def kbuild(srcdir, kdir, w1=True, extra=(), module=MODULE):
    """Build the module in srcdir with kbuild. Returns (ok, output, problems)."""
    cmd = ['make', '-C', kdir, f'M={os.path.abspath(srcdir)}', 'modules'] + list(extra)
    if w1:
        cmd.insert(3, 'W=1')
    r = subprocess.run(cmd, capture_output=True, text=True)
    out = r.stdout + r.stderr
    problems = [l for l in out.splitlines() if WARN_RE.search(l)]
    ok = r.returncode == 0 and not problems and os.path.isfile(os.path.join(srcdir, module + '.ko'))
    return ok, out, problems


def kconfig(kdir):
    """{CONFIG_X: value} of the kernel build dir's include/config/auto.conf."""
    conf = {}
    try:
        with open(os.path.join(kdir, 'include', 'config', 'auto.conf')) as f:
            for line in f:
                name, sep, value = line.strip().partition('=')
                if sep and name.startswith('CONFIG_'):
                    conf[name] = value.strip('"')
    except OSError:
        pass
    return conf


def clang_kbuild_vars(kdir, clang):
    """make variables that build an external module with \p clang (clang-N).

    A kernel configured for clang needs only LLVM=-N. Headers configured for
    gcc (Debian's) make kbuild pass gcc-only flags and, through Debian's
    .kernelvariables, gcc itself: the compiler's Kconfig symbols are set on
    the command line as a clang configuration would set them
    (docs/kernel.md).
    """
    # LLVM=-16 for clang-16, LLVM=/usr/lib/llvm-16/bin/ for a clang there.
    suffix = os.path.basename(clang)[len('clang'):]
    llvm = os.path.dirname(clang) + '/' if os.path.dirname(clang) and not suffix else suffix or '1'
    out = [f'LLVM={llvm}', f'CC={clang}']
    if kconfig(kdir).get('CONFIG_CC_IS_CLANG') == 'y':
        return out
    ver = subprocess.run([clang, '-dumpversion'], capture_output=True, text=True).stdout.strip()
    parts = (ver.split('.') + ['0', '0'])[:3]
    number = int(parts[0]) * 10000 + int(parts[1]) * 100 + int(parts[2])
    return out + ['CONFIG_CC_IS_GCC=', 'CONFIG_CC_IS_CLANG=y', 'CONFIG_GCC_VERSION=0',
                  f'CONFIG_CLANG_VERSION={number}',
                  'CONFIG_CC_IMPLICIT_FALLTHROUGH=-Wimplicit-fallthrough',
                  'CONFIG_FTRACE_MCOUNT_USE_CC=', 'CONFIG_FTRACE_MCOUNT_USE_OBJTOOL=y']


def table(header, rows):
    """A GitHub-style markdown table (it reads fine in a terminal too)."""
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    fmt = lambda r: '| ' + ' | '.join(str(x).ljust(w) for x, w in zip(r, widths)) + ' |'
    lines = [fmt(header), '|' + '|'.join('-' * (w + 2) for w in widths) + '|']
    lines += [fmt(r) for r in rows]
    return '\n'.join(lines)


def default_outdir(tag):
    import tempfile
    return tempfile.mkdtemp(prefix=f'kthread-lint-{tag}.')
