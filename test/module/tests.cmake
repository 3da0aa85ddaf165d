# Tests of the reference kernel module, its buggy variants and the runtime
# proof (docs/module-example.md). include()d from test/CMakeLists.txt, which
# sets KTHREAD_LINT_EXE, KTHREAD_LINT_PLUGIN, CLANG_TIDY_EXECUTABLE and
# PROJECT_SOURCE_DIR. The Debian packages they need are listed in
# test/test-packages.txt (tools/run-tests installs them); the tests install
# nothing themselves.
#
#   module-build            ktdemo.c and every variant build with kbuild, W=1,
#                           without a warning
#   module-static-verdicts  kthread-lint and the clang-tidy plugin report
#                           exactly variants/EXPECTED on each module
#   module-plugin-verdicts  each module built with clang and the clang plugin
#                           (KCFLAGS=-fplugin=...) prints exactly its
#                           findings, with and without -Werror
#   module-runtime          each module booted in QEMU (Debian's kernel, TCG)
#                           fails the way its check predicts (label: runtime)

find_package(Python3 COMPONENTS Interpreter REQUIRED)

set(KTHREAD_MODULE_TEST_DIR "${PROJECT_SOURCE_DIR}/test/module")
set(KTHREAD_MODULE_WORK_DIR "${CMAKE_CURRENT_BINARY_DIR}/module")
# The headers the other real-header tests use, if test/CMakeLists.txt found
# some; the runtime suite picks the headers that match the kernel it boots.
set(KTHREAD_MODULE_KDIR)
if(KTHREAD_KERNEL_HEADERS)
  set(KTHREAD_MODULE_KDIR --kdir "${KTHREAD_KERNEL_HEADERS}")
endif()
set(KTHREAD_MODULE_TOOLS
  --kthread-lint "${KTHREAD_LINT_EXE}"
  --plugin "${KTHREAD_LINT_PLUGIN}"
  --clang-tidy "${CLANG_TIDY_EXECUTABLE}")

add_test(NAME module-build
  COMMAND "${Python3_EXECUTABLE}" "${KTHREAD_MODULE_TEST_DIR}/module-build"
          --out "${KTHREAD_MODULE_WORK_DIR}/build" ${KTHREAD_MODULE_KDIR})
set_tests_properties(module-build PROPERTIES LABELS "module" TIMEOUT 300)

add_test(NAME module-static-verdicts
  COMMAND "${Python3_EXECUTABLE}" "${KTHREAD_MODULE_TEST_DIR}/static-verdicts"
          --out "${KTHREAD_MODULE_WORK_DIR}/static" ${KTHREAD_MODULE_KDIR} ${KTHREAD_MODULE_TOOLS})
set_tests_properties(module-static-verdicts PROPERTIES LABELS "module" TIMEOUT 600)

add_test(NAME module-plugin-verdicts
  COMMAND "${Python3_EXECUTABLE}" "${KTHREAD_MODULE_TEST_DIR}/plugin-verdicts"
          --out "${KTHREAD_MODULE_WORK_DIR}/plugin" ${KTHREAD_MODULE_KDIR}
          --clang-plugin "$<TARGET_FILE:KthreadLintClang>" --clang "${CLANG_EXECUTABLE}")
set_tests_properties(module-plugin-verdicts PROPERTIES LABELS "module" TIMEOUT 600)

# Boots one VM per module, two at a time, on a 2-core machine: run it alone so
# that the guests' watchdogs are not disturbed by other tests' load.
add_test(NAME module-runtime
  COMMAND "${Python3_EXECUTABLE}" "${KTHREAD_MODULE_TEST_DIR}/runtime-suite"
          --out "${KTHREAD_MODULE_WORK_DIR}/runtime" ${KTHREAD_MODULE_TOOLS})
set_tests_properties(module-runtime PROPERTIES LABELS "runtime;module" TIMEOUT 900 RUN_SERIAL TRUE)
