# The real-bug corpus (docs/testing.md): both products on real kthread fixes
# and correct kernel users, scored against the files' own expectations.
# include()d from test/CMakeLists.txt, which sets KTHREAD_LINT_EXE,
# KTHREAD_LINT_PLUGIN, CLANG_TIDY_EXECUTABLE and KTHREAD_KERNEL_HEADERS.
# Fails on a miss that test/corpus/expected-misses does not list, on a listed
# miss that is found now, below test/corpus/recall-floor, on any finding in an
# after-file or a correct user, and when the two products disagree.

find_package(Python3 COMPONENTS Interpreter REQUIRED)
set(_corpus_kdir)
if(KTHREAD_KERNEL_HEADERS)
  set(_corpus_kdir --kdir "${KTHREAD_KERNEL_HEADERS}")
endif()
add_test(NAME corpus
  COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/test/corpus/score"
          --out "${CMAKE_CURRENT_BINARY_DIR}/corpus" ${_corpus_kdir}
          --kthread-lint "${KTHREAD_LINT_EXE}" --plugin "${KTHREAD_LINT_PLUGIN}"
          --clang-tidy "${CLANG_TIDY_EXECUTABLE}" --check-floor -v)
set_tests_properties(corpus PROPERTIES LABELS "corpus" TIMEOUT 600)
