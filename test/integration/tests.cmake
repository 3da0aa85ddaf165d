# Integration tests that are not lit tests (included from test/CMakeLists.txt):
# SARIF validation with Microsoft's SARIF Multitool, the pre-commit hook with
# Debian's pre-commit, the plain git hook, installation and the .deb, and
# the commands of the docs. The lit ones are test/tool/integ-*.test.
set(_integ ${CMAKE_CURRENT_SOURCE_DIR}/integration)
set(_integ_work ${CMAKE_BINARY_DIR}/integration)
set(_mock ${CMAKE_CURRENT_SOURCE_DIR}/Inputs/kernel/include)

add_test(NAME integ-sarif-validate
  COMMAND bash ${_integ}/sarif-validate.sh ${KTHREAD_LINT_EXE} ${_mock}
          ${CMAKE_CURRENT_SOURCE_DIR} ${_integ_work}/sarif ${CLANG_EXECUTABLE})
add_test(NAME integ-pre-commit
  COMMAND bash ${_integ}/pre-commit.sh ${KTHREAD_LINT_EXE} ${_mock}
          ${PROJECT_SOURCE_DIR} ${_integ_work}/pre-commit)
add_test(NAME integ-git-hook
  COMMAND bash ${_integ}/git-hook.sh ${KTHREAD_LINT_EXE} ${_mock}
          ${PROJECT_SOURCE_DIR} ${_integ_work}/git-hook)
set_tests_properties(integ-sarif-validate PROPERTIES TIMEOUT 900
  FAIL_REGULAR_EXPRESSION "FAIL:" PASS_REGULAR_EXPRESSION "sarif-validate: PASS")
set_tests_properties(integ-pre-commit PROPERTIES TIMEOUT 300
  PASS_REGULAR_EXPRESSION "pre-commit test: PASS")
set_tests_properties(integ-git-hook PROPERTIES TIMEOUT 300
  PASS_REGULAR_EXPRESSION "git-hook test: PASS")

if(EXISTS ${_integ}/install.sh)
  add_test(NAME integ-install
    COMMAND bash ${_integ}/install.sh ${CMAKE_BINARY_DIR} ${_mock}
            ${PROJECT_SOURCE_DIR} ${_integ_work}/install ${CLANG_TIDY_EXECUTABLE})
  set_tests_properties(integ-install PROPERTIES TIMEOUT 900
    PASS_REGULAR_EXPRESSION "install test: PASS")
endif()
if(EXISTS ${_integ}/doc-commands.sh)
  add_test(NAME integ-doc-commands
    COMMAND bash ${_integ}/doc-commands.sh ${KTHREAD_LINT_EXE} ${_mock}
            ${PROJECT_SOURCE_DIR} ${_integ_work}/docs "${KTHREAD_KERNEL_HEADERS}")
  set_tests_properties(integ-doc-commands PROPERTIES TIMEOUT 900
    PASS_REGULAR_EXPRESSION "doc-commands test: PASS")
endif()
