# Installation and packaging (included from the top-level CMakeLists.txt).
#
#   cmake --install build [--prefix /usr/local]     (or DESTDIR=... for staging)
#   cpack --config build/CPackConfig.cmake -G DEB    (kthread-lint-<major>_<ver>_<arch>.deb)
#
# Everything of one LLVM major lives under its own names, so that builds for
# 16, 19 and 22 install side by side (<M> = LLVM_VERSION_MAJOR):
#   lib/kthread-lint/<M>/KthreadLint.so          clang-tidy-<M> --load=... plugin
#   lib/kthread-lint/<M>/KthreadLintChecks.so    the checks it loads (must stay beside it)
#   lib/kthread-lint/<M>/bin/kthread-lint        the standalone tool
#   lib/kthread-lint/<M>/bin/kthread-lint-hook   pre-commit entry (finds kthread-lint beside it)
#   lib/kthread-lint/<M>/bin/kthread-lint-install-git-hook
#   bin/kthread-lint-<M>                         -> ../lib/kthread-lint/<M>/bin/kthread-lint
#   lib/cmake/KthreadLint-<M>/                   KthreadLintConfig.cmake (+ version file)
#   share/kthread-lint/<M>/pre-commit-hooks.yaml
#   share/doc/kthread-lint-<M>/                  README, docs/*.md, docs/checks/*.md
#   lib/kthread-lint/<M>/KthreadLintClang.so     clang-<M> -fplugin=... plugin
#   lib/kthread-lint/<M>/KthreadLintClangChecks.so  what it loads (beside it)
#
# The unversioned bin/kthread-lint, bin/kthread-lint-hook and
# bin/kthread-lint-install-git-hook: `cmake --install` makes them symlinks to
# this version's (KTHREAD_LINT_INSTALL_UNVERSIONED, default ON); the .deb
# registers them with update-alternatives (the newest installed major wins;
# `update-alternatives --config kthread-lint` picks another).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KTHREAD_LINT_MAJOR ${LLVM_VERSION_MAJOR})
# A fixed lib/kthread-lint (not Debian's multiarch libdir): what the docs name.
set(KTHREAD_LINT_PLUGIN_DIR "lib/kthread-lint/${KTHREAD_LINT_MAJOR}")
set(KTHREAD_LINT_LIBEXEC_DIR "${KTHREAD_LINT_PLUGIN_DIR}/bin")
set(KTHREAD_LINT_CMAKE_DIR "lib/cmake/KthreadLint-${KTHREAD_LINT_MAJOR}")
set(KTHREAD_LINT_PLUGIN_TARGETS KthreadLint KthreadLintChecks
  KthreadLintClang KthreadLintClangChecks)
option(KTHREAD_LINT_INSTALL_UNVERSIONED
  "cmake --install: also bin/kthread-lint, bin/kthread-lint-hook, ... as symlinks to this LLVM major's" ON)

install(TARGETS kthread-lint RUNTIME DESTINATION ${KTHREAD_LINT_LIBEXEC_DIR})
install(TARGETS ${KTHREAD_LINT_PLUGIN_TARGETS}
  LIBRARY DESTINATION ${KTHREAD_LINT_PLUGIN_DIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/kthread-lint-hook
  DESTINATION ${KTHREAD_LINT_LIBEXEC_DIR})
install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/install-git-hook
  DESTINATION ${KTHREAD_LINT_LIBEXEC_DIR} RENAME kthread-lint-install-git-hook)
install(FILES ${PROJECT_SOURCE_DIR}/.pre-commit-hooks.yaml
  DESTINATION ${CMAKE_INSTALL_DATADIR}/kthread-lint/${KTHREAD_LINT_MAJOR} RENAME pre-commit-hooks.yaml)

# bin/kthread-lint-<M> and (cmake --install only) the unversioned names, as
# relative symlinks made at install time (they are not build products).
set(KTHREAD_LINT_UNVERSIONED_PROGRAMS kthread-lint kthread-lint-hook kthread-lint-install-git-hook)
set(_links "kthread-lint-${KTHREAD_LINT_MAJOR}=../${KTHREAD_LINT_LIBEXEC_DIR}/kthread-lint")
set(_unversioned "")
if(KTHREAD_LINT_INSTALL_UNVERSIONED)
  foreach(_p ${KTHREAD_LINT_UNVERSIONED_PROGRAMS})
    list(APPEND _unversioned "${_p}=../${KTHREAD_LINT_LIBEXEC_DIR}/${_p}")
  endforeach()
endif()
install(CODE "
  set(_bindir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
  set(_links \"${_links}\")
  if(NOT \"\$ENV{KTHREAD_LINT_PACKAGING}\")
    list(APPEND _links ${_unversioned})
  endif()
  file(MAKE_DIRECTORY \"\${_bindir}\")
  foreach(_l \${_links})
    string(REPLACE \"=\" \";\" _pair \"\${_l}\")
    list(GET _pair 0 _name)
    list(GET _pair 1 _target)
    message(STATUS \"Installing: \${_bindir}/\${_name} -> \${_target}\")
    file(CREATE_LINK \"\${_target}\" \"\${_bindir}/\${_name}\" SYMBOLIC)
  endforeach()
")

set(_doc_dir ${CMAKE_INSTALL_DATADIR}/doc/kthread-lint-${KTHREAD_LINT_MAJOR})
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
# find_package() finds lib/cmake/KthreadLint-<M>/ by the KthreadLint* rule;
# with several majors installed, -DKthreadLint_DIR=... picks one.
set(_cfg_in ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfig.cmake.in)
file(WRITE ${_cfg_in} [=[
# KthreadLintConfig.cmake: the kthread-lint clang-tidy plugin and tool.
@PACKAGE_INIT@

set(KthreadLint_LLVM_MAJOR @LLVM_VERSION_MAJOR@)
set_and_check(KthreadLint_PLUGIN "@PACKAGE_KTHREAD_LINT_PLUGIN_DIR@/KthreadLint.so")
set_and_check(KthreadLint_CHECKS_LIBRARY "@PACKAGE_KTHREAD_LINT_PLUGIN_DIR@/KthreadLintChecks.so")
set_and_check(KthreadLint_CLANG_PLUGIN "@PACKAGE_KTHREAD_LINT_PLUGIN_DIR@/KthreadLintClang.so")
set_and_check(KthreadLint_EXECUTABLE "@PACKAGE_KTHREAD_LINT_LIBEXEC_DIR@/kthread-lint")
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
  PATH_VARS KTHREAD_LINT_PLUGIN_DIR KTHREAD_LINT_LIBEXEC_DIR)
write_basic_package_version_file(
  ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/KthreadLintConfigVersion.cmake
  DESTINATION ${KTHREAD_LINT_CMAKE_DIR})

# Debian package, one per LLVM major (kthread-lint-16, kthread-lint-19, ...):
# they install side by side; the unversioned commands are alternatives. The
# plugin only loads into the clang-tidy of the LLVM major it was built for,
# and the tool links that LLVM's libraries.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "kthread-lint-${KTHREAD_LINT_MAJOR}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "kthread-lint")
set(CPACK_PACKAGE_CONTACT "kthread-lint maintainers <kthread-lint@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Finds misuse of the Linux kernel kthread API (clang-tidy-${KTHREAD_LINT_MAJOR} plugin and tool)")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "clang-tidy-${KTHREAD_LINT_MAJOR}, libclang-cpp${KTHREAD_LINT_MAJOR}, libllvm${KTHREAD_LINT_MAJOR}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "make, linux-headers-amd64")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "pre-commit")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${KTHREAD_LINT_HOMEPAGE}")
set(CPACK_STRIP_FILES ON)
# The .deb never carries the unversioned names (two packages would both own
# them): its maintainer scripts register them as one alternative group, with
# the LLVM major as the priority.
set(_alt_dir /usr/${KTHREAD_LINT_LIBEXEC_DIR})
set(_slaves "")
foreach(_p kthread-lint-hook kthread-lint-install-git-hook)
  string(APPEND _slaves " --slave /usr/bin/${_p} ${_p} ${_alt_dir}/${_p}")
endforeach()
set(_deb_dir ${CMAKE_CURRENT_BINARY_DIR}/deb-scripts)
file(WRITE ${_deb_dir}/postinst "#!/bin/sh
set -e
if [ \"$1\" = configure ]; then
  update-alternatives --install /usr/bin/kthread-lint kthread-lint ${_alt_dir}/kthread-lint ${KTHREAD_LINT_MAJOR}${_slaves}
fi
")
file(WRITE ${_deb_dir}/prerm "#!/bin/sh
set -e
if [ \"$1\" = remove ] || [ \"$1\" = deconfigure ]; then
  update-alternatives --remove kthread-lint ${_alt_dir}/kthread-lint
fi
")
file(CHMOD ${_deb_dir}/postinst ${_deb_dir}/prerm
  PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${_deb_dir}/postinst;${_deb_dir}/prerm")
# cpack runs the install with this off, so that the unversioned symlinks
# are not in the package.
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_CURRENT_BINARY_DIR}/CPackProjectConfig.cmake)
file(WRITE ${CPACK_PROJECT_CONFIG_FILE} "set(ENV{KTHREAD_LINT_PACKAGING} 1)\n")
include(CPack)
