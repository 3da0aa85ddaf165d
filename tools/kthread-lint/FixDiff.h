//===--- FixDiff.h - kthread-lint ------------------------------*- C++ -*-===//
//
// --fix-dry-run: the fix-its --fix would apply, as one unified diff that
// `git apply` and `patch -p1` take, the way kernel fixes are sent
// (Coccinelle's patch mode). No file is changed.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TOOLS_FIXDIFF_H
#define KTHREAD_LINT_TOOLS_FIXDIFF_H

#include "ClangTidyDiagnosticConsumer.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace kthread_lint {

/// Writes the fix-its of \p Errors (those --fix applies) to \p OS as a
/// unified diff, one file after another in path order, with a/ and b/ paths
/// relative to \p BaseDir. Fix-its that overlap an earlier one of the same
/// file are left out, as --fix leaves them.
llvm::Error writeFixDiff(llvm::raw_ostream &OS,
                         llvm::ArrayRef<clang::tidy::ClangTidyError> Errors,
                         llvm::StringRef BaseDir);

} // namespace kthread_lint

#endif // KTHREAD_LINT_TOOLS_FIXDIFF_H
