# The real-bug corpus (docs/testing.md): both products on real kthread fixes
# and correct kernel users, scored against the files' own expectations.
# include()d from test/CMakeLists.txt, which sets KTHREAD_LINT_EXE,
# KTHREAD_LINT_PLUGIN and CLANG_TIDY_EXECUTABLE.
# Fails on a miss that test/corpus/expected-misses does not list, on a listed
# miss that is found now, below test/corpus/recall-floor, on any finding in an
# after-file or a correct user, and when the two products disagree.

find_package(Python3 COMPONENTS Interpreter REQUIRED)
# The scorer picks the headers of the series the corpus is written for
# (test/corpus/kernel-series), whatever kernel the machine runs; KDIR in the
# environment overrides.
add_test(NAME corpus
  COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/test/corpus/score"
          --out "${CMAKE_CURRENT_BINARY_DIR}/corpus"
          --kthread-lint "${KTHREAD_LINT_EXE}" --plugin "${KTHREAD_LINT_PLUGIN}"
          --clang-tidy "${CLANG_TIDY_EXECUTABLE}" --check-floor -v)
set_tests_properties(corpus PROPERTIES LABELS "corpus" TIMEOUT 600)
