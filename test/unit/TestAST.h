//===--- TestAST.h - kthread-lint unit tests --------------------*- C++ -*-===//
//
// Parsing a snippet over the mock kernel headers, for the analyses' tests.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_TEST_UNIT_TESTAST_H
#define KTHREAD_LINT_TEST_UNIT_TESTAST_H

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"

namespace kthread_test {

/// \p Code after `#include <linux/kernel.h>`; it must compile without errors.
inline std::unique_ptr<clang::ASTUnit> parse(llvm::StringRef Code,
                                             llvm::StringRef FileName = "input.c") {
  std::string Source = "#include <linux/kernel.h>\n" + Code.str();
  std::unique_ptr<clang::ASTUnit> AST = clang::tooling::buildASTFromCodeWithArgs(
      Source,
      {"-nostdinc", "-isystem", KTHREAD_MOCK_INCLUDE, "-std=gnu11",
       "-Wno-everything"},
      FileName);
  // A snippet that does not compile would test the error recovery.
  EXPECT_FALSE(AST && AST->getDiagnostics().hasErrorOccurred());
  return AST;
}

/// The definition of the function \p Name.
inline const clang::FunctionDecl *function(clang::ASTContext &Ctx,
                                           llvm::StringRef Name) {
  using namespace clang::ast_matchers;
  auto Found = match(functionDecl(hasName(Name), isDefinition()).bind("f"), Ctx);
  return Found.empty() ? nullptr : Found[0].getNodeAs<clang::FunctionDecl>("f");
}

} // namespace kthread_test

#endif // KTHREAD_LINT_TEST_UNIT_TESTAST_H
