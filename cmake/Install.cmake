# Installation and packaging (included from the top-level CMakeLists.txt).
#
#   cmake --install build [--prefix /usr/local]     (or DESTDIR=... for staging)
#   cpack --config build/CPackConfig.cmake -G DEB    (kthread-lint_<ver>_<arch>.deb)
#
# Layout (relative to the prefix):
#   bin/kthread-lint                        the standalone tool
#   bin/kthread-lint-hook                   pre-commit entry (finds kthread-lint beside it)
#   bin/kthread-lint-install-git-hook       plain git pre-commit hook installer
#   lib/kthread-lint/KthreadLint.so         clang-tidy-<major> --load=... plugin
#   lib/kthread-lint/KthreadLintChecks.so   the checks it loads (must stay beside it)
#   lib/kthread-lint/KthreadLintClang.so    clang-<major> -fplugin=... plugin
#   lib/kthread-lint/KthreadLintClangChecks.so  what it loads (beside it)
#   lib/cmake/KthreadLint/                  KthreadLintConfig.cmake (+ version file)
#   share/kthread-lint/pre-commit-hooks.yaml
#   share/doc/kthread-lint/                 README, docs/*.md, docs/checks/*.md
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# A fixed lib/kthread-lint (not Debian's multiarch libdir): what the docs name.
set(KTHREAD_LINT_PLUGIN_DIR "lib/kthread-lint")
set(KTHREAD_LINT_CMAKE_DIR "lib/cmake/KthreadLint")

install(TARGETS kthread-lint RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS KthreadLint KthreadLintChecks KthreadLintClang KthreadLintClangChecks
  LIBRARY DESTINATION ${KTHREAD_LINT_PLUGIN_DIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/kthread-lint-hook
  DESTINATION ${CMAKE_INSTALL_BINDIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/install-git-hook
  DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME kthread-lint-install-git-hook)
install(FILES ${PROJECT_SOURCE_DIR}/.pre-commit-hooks.yaml
  DESTINATION ${CMAKE_INSTALL_DATADIR}/kthread-lint RENAME pre-commit-hooks.yaml)

set(_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/kthread-lint)
foreach(_f README.md LICENSE COPYING)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${_f})
    install(FILES ${PROJECT_SOURCE_DIR}/${_f} DESTINATION ${_doc_dir})
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${_doc_dir}
  FILES_MATCHING PATTERN "*.md")

# CMake package: find_package(KthreadLint) gives KthreadLint_PLUGIN (the path
# for clang-tidy --load=), KthreadLint_EXECUTABLE, KthreadLint_LLVM_MAJOR and
# the imported targets KthreadLint::plugin and KthreadLint::kthread-lint.
set(_cfg_in ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfig.cmake.in)
file(WRITE ${_cfg_in} [=[
# KthreadLintConfig.cmake: the kthread-lint clang-tidy plugin and tool.
@PACKAGE_INIT@

set(KthreadLint_LLVM_MAJOR @LLVM_VERSION_MAJOR@)
set_and_check(KthreadLint_PLUGIN "@PACKAGE_KTHREAD_LINT_PLUGIN_DIR@/KthreadLint.so")
set_and_check(KthreadLint_CHECKS_LIBRARY "@PACKAGE_KTHREAD_LINT_PLUGIN_DIR@/KthreadLintChecks.so")
set_and_check(KthreadLint_CLANG_PLUGIN "@PACKAGE_KTHREAD_LINT_PLUGIN_DIR@/KthreadLintClang.so")
set_and_check(KthreadLint_EXECUTABLE "@PACKAGE_CMAKE_INSTALL_BINDIR@/kthread-lint")
set(KthreadLint_CLANG_TIDY_NAME "clang-tidy-@LLVM_VERSION_MAJOR@")

if(NOT TARGET KthreadLint::plugin)
  add_library(KthreadLint::plugin MODULE IMPORTED)
  set_target_properties(KthreadLint::plugin PROPERTIES IMPORTED_LOCATION "${KthreadLint_PLUGIN}")
endif()
if(NOT TARGET KthreadLint::kthread-lint)
  add_executable(KthreadLint::kthread-lint IMPORTED)
  set_target_properties(KthreadLint::kthread-lint PROPERTIES IMPORTED_LOCATION "${KthreadLint_EXECUTABLE}")
endif()
check_required_components(KthreadLint)
]=])
configure_package_config_file(${_cfg_in}
  ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfig.cmake
  INSTALL_DESTINATION ${KTHREAD_LINT_CMAKE_DIR}
  PATH_VARS KTHREAD_LINT_PLUGIN_DIR CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfigVersion.cmake
  DESTINATION ${KTHREAD_LINT_CMAKE_DIR})

# Debian package. The plugin only loads into the clang-tidy of the LLVM major
# it was built for, and the tool links that LLVM's libraries.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "kthread-lint")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "kthread-lint")
set(CPACK_PACKAGE_CONTACT "kthread-lint maintainers <kthread-lint@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Finds misuse of the Linux kernel kthread API (clang-tidy-${LLVM_VERSION_MAJOR} plugin and tool)")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "clang-tidy-${LLVM_VERSION_MAJOR}, libclang-cpp${LLVM_VERSION_MAJOR}, libllvm${LLVM_VERSION_MAJOR}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "make, linux-headers-amd64")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "pre-commit")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${KTHREAD_LINT_HOMEPAGE}")
set(CPACK_STRIP_FILES ON)
include(CPack)
