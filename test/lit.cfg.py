# -*- Python -*-
import os
import lit.formats

config.name = "kthread-lint"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".c", ".test"]
config.excludes = ["Inputs", "module", "unit", "fuzz", "integration", "corpus"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kthread_binary_dir, "test")

mock = os.path.join(config.test_source_root, "Inputs", "kernel", "include")
runner = os.path.join(config.test_source_root, "check_kthread_lint.py")
config.substitutions.append(("%check_kthread_lint",
    "%s %s --kthread-lint=%s --plugin=%s --clang-tidy=%s --clang=%s "
    "--clang-plugin=%s --filecheck=%s --include=%s" % (
        config.python, runner, config.kthread_lint, config.kthread_plugin,
        config.clang_tidy, config.clang, config.kthread_clang_plugin,
        config.filecheck, mock)))
config.substitutions.append(("%kthread-lint", config.kthread_lint))
config.substitutions.append(("%kthread_plugin", config.kthread_plugin))
config.substitutions.append(("%kthread_checks_so", config.kthread_checks_so))
config.substitutions.append(("%kthread_clang_plugin", config.kthread_clang_plugin))
config.substitutions.append(("%clang-tidy", config.clang_tidy))
config.substitutions.append(("%clang", config.clang))
config.substitutions.append(("%mock_kernel", mock))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%FileCheck", config.filecheck))
config.substitutions.append(("%not", config.python + " " +
    os.path.join(config.test_source_root, "not.py")))
config.environment["PATH"] = os.pathsep.join(
    [config.llvm_tools_dir, config.environment.get("PATH", os.environ.get("PATH", ""))])
if config.kernel_headers:
    config.available_features.add("kernel-headers")
    config.substitutions.append(("%kernel_headers", config.kernel_headers))

config.substitutions.append(("%llvm_major", config.llvm_major))

# A clang-tidy of another major version, to show the plugin refuses it: the
# newest installed one that is not ours (KTHREAD_OTHER_CLANG_TIDY overrides).
import glob, re
def _major(path):
    m = re.search(r"-(\d+)$", path)
    return int(m.group(1)) if m else -1
_others = [c for c in glob.glob("/usr/bin/clang-tidy-[0-9]*")
           if _major(c) > 0 and _major(c) != int(config.llvm_major)]
_other = os.environ.get("KTHREAD_OTHER_CLANG_TIDY") or \
    (max(_others, key=_major) if _others else None)
if _other:
    config.available_features.add("other-clang-tidy")
    config.substitutions.append(("%other_clang_tidy", _other))
# A clang of another major version, to show the clang plugin refuses it
# (KTHREAD_OTHER_CLANG overrides).
_others = [c for c in glob.glob("/usr/bin/clang-[0-9]*")
           if re.fullmatch(r"clang-\d+", os.path.basename(c)) and
           _major(c) != int(config.llvm_major)]
_other = os.environ.get("KTHREAD_OTHER_CLANG") or \
    (max(_others, key=_major) if _others else None)
if _other:
    config.available_features.add("other-clang")
    config.substitutions.append(("%other_clang", _other))
