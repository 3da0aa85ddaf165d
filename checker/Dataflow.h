//===--- Dataflow.h - kthread-lint -----------------------------*- C++ -*-===//
//
// The one forward dataflow driver every analysis of the checks runs on: a
// worklist over Clang's CFG in reverse post-order (ForwardDataflowWorklist),
// with per-edge refinement so that branches an analysis knows cannot be
// taken are pruned, a lattice join, and one budget policy. The shape is that
// of clang's FlowSensitive framework (which refuses C after LLVM 16) without
// its Environment: an analysis keeps the state it needs.
//
// An analysis A provides
//   using State = ...;                  copyable
//   State initial(const CFG &);         the state at the entry block
//   void transfer(const CFGElement &, State &);
//   bool transferBranch(const CFGBlock &From, unsigned SuccIndex, State &);
//                                       false: the edge cannot be taken
//   bool join(State &Into, const State &From);   true when Into changed
//
// Transfer functions never report: checks read the states afterwards, with
// forEachElement() or stateBefore(), and turn them into findings.
//
//===----------------------------------------------------------------------===//

#ifndef KTHREAD_LINT_CHECKER_DATAFLOW_H
#define KTHREAD_LINT_CHECKER_DATAFLOW_H

#include "clang/Analysis/Analyses/PostOrderCFGView.h"
#include "clang/Analysis/CFG.h"
#include "clang/Analysis/FlowSensitive/DataflowWorklist.h"
#include <optional>
#include <set>
#include <vector>

namespace clang::tidy::kthread {

/// How many times, on average, each block may be visited before an analysis
/// gives up. Lattices of the checks are finite and small; a function that
/// needs more is one whose facts would not be trusted anyway.
constexpr unsigned DataflowVisitsPerBlock = 64;

template <typename State> struct DataflowResult {
  /// The state at each block's entry, by block ID; nullopt: unreachable
  /// (or reachable only through pruned edges).
  std::vector<std::optional<State>> In;
  /// False when the budget ran out: the states are partial, and no check
  /// may conclude anything from them.
  bool Complete = true;

  const std::optional<State> &at(const CFGBlock &B) const {
    return In[B.getBlockID()];
  }
};

/// Calls \p Take(Successor, StateOnEdge) for each successor of \p B that is
/// reachable and whose edge \p A's transferBranch() does not prune; \p Out
/// is the state after \p B's last element.
template <typename Analysis, typename Taker>
void forEachFeasibleEdge(const CFGBlock &B, Analysis &A,
                         const typename Analysis::State &Out, Taker Take) {
  unsigned Index = 0;
  for (const CFGBlock::AdjacentBlock &Succ : B.succs()) {
    unsigned SuccIndex = Index++;
    const CFGBlock *SB = Succ.getReachableBlock();
    if (!SB)
      continue;
    typename Analysis::State Edge = Out;
    if (A.transferBranch(B, SuccIndex, Edge))
      Take(*SB, std::move(Edge));
  }
}

/// Runs \p A forward over \p G to a fixpoint.
template <typename Analysis>
DataflowResult<typename Analysis::State>
runDataflow(const CFG &G, Analysis &A,
            unsigned VisitsPerBlock = DataflowVisitsPerBlock) {
  using State = typename Analysis::State;
  DataflowResult<State> R;
  R.In.resize(G.getNumBlockIDs());
  R.In[G.getEntry().getBlockID()] = A.initial(G);
  PostOrderCFGView POV(&G);
  ForwardDataflowWorklist WL(G, &POV);
  WL.enqueueBlock(&G.getEntry());
  size_t Budget = size_t(VisitsPerBlock) * G.getNumBlockIDs() + 16;
  while (const CFGBlock *B = WL.dequeue()) {
    if (Budget-- == 0) {
      R.Complete = false;
      break;
    }
    State Out = *R.In[B->getBlockID()];
    for (const CFGElement &E : *B)
      A.transfer(E, Out);
    forEachFeasibleEdge(*B, A, Out, [&](const CFGBlock &SB, State Edge) {
      std::optional<State> &T = R.In[SB.getBlockID()];
      if (!T) {
        T = std::move(Edge);
        WL.enqueueBlock(&SB);
      } else if (A.join(*T, Edge)) {
        WL.enqueueBlock(&SB);
      }
    });
  }
  return R;
}

/// The state just before element \p Index of \p B (Index == B.size(): after
/// the last), replayed from the block's entry state.
template <typename Analysis>
std::optional<typename Analysis::State>
stateBefore(const DataflowResult<typename Analysis::State> &R, Analysis &A,
            const CFGBlock &B, unsigned Index) {
  std::optional<typename Analysis::State> S = R.at(B);
  if (!S)
    return S;
  unsigned I = 0;
  for (const CFGElement &E : B) {
    if (I++ == Index)
      break;
    A.transfer(E, *S);
  }
  return S;
}

/// Calls \p Visit(Block, ElementIndex, Element, StateBefore) for every
/// element of every reachable block, in block order: the post-visit where
/// checks collect their findings.
template <typename Analysis, typename Visitor>
void forEachElement(const CFG &G,
                    const DataflowResult<typename Analysis::State> &R,
                    Analysis &A, Visitor Visit) {
  for (const CFGBlock *B : G) {
    std::optional<typename Analysis::State> S = R.at(*B);
    if (!S)
      continue;
    unsigned I = 0;
    for (const CFGElement &E : *B) {
      Visit(*B, I++, E, static_cast<const typename Analysis::State &>(*S));
      A.transfer(E, *S);
    }
  }
}

/// The state on the edge from \p B to its successor \p SuccIndex, or nullopt
/// when the edge is pruned or \p B unreached.
template <typename Analysis>
std::optional<typename Analysis::State>
stateOnEdge(const DataflowResult<typename Analysis::State> &R, Analysis &A,
            const CFGBlock &B, unsigned SuccIndex) {
  std::optional<typename Analysis::State> S = stateBefore(R, A, B, B.size());
  if (S && !A.transferBranch(B, SuccIndex, *S))
    S.reset();
  return S;
}

//===--- Path-sensitive mode ----------------------------------------------===//
//
// For the questions a join would blur (that `err` is non-zero exactly where
// IS_ERR(t) was true, that two tests of `priv->started` take the same
// branch), the same analysis interface runs without join: each distinct
// state is carried on its own, states equal at a block are followed once.
// The analysis's State needs operator<; join() is not used.

/// How many (block, state) visits a path-sensitive run may make.
constexpr unsigned PathVisitsBudget = 20000;

template <typename State> struct PathResult {
  /// The distinct states reaching each block's entry, by block ID.
  std::vector<std::set<State>> In;
  /// False when the budget ran out: no conclusion may be drawn.
  bool Complete = true;
};

template <typename Analysis>
PathResult<typename Analysis::State>
runPathSensitive(const CFG &G, Analysis &A,
                 unsigned Budget = PathVisitsBudget) {
  using State = typename Analysis::State;
  PathResult<State> R;
  R.In.resize(G.getNumBlockIDs());
  std::vector<std::pair<const CFGBlock *, State>> Work;
  Work.push_back({&G.getEntry(), A.initial(G)});
  while (!Work.empty()) {
    auto [B, S] = std::move(Work.back());
    Work.pop_back();
    if (!R.In[B->getBlockID()].insert(S).second)
      continue;
    if (Budget-- == 0) {
      R.Complete = false;
      return R;
    }
    for (const CFGElement &E : *B)
      A.transfer(E, S);
    forEachFeasibleEdge(*B, A, S, [&](const CFGBlock &SB, State Edge) {
      Work.push_back({&SB, std::move(Edge)});
    });
  }
  return R;
}

/// Calls \p Visit(Block, ElementIndex, Element, StateBefore) for every
/// element on every distinct path state of every block, then
/// \p AtEnd(Block, StateAfterLastElement).
template <typename Analysis, typename Visitor, typename EndVisitor>
void forEachPathElement(const CFG &G,
                        const PathResult<typename Analysis::State> &R,
                        Analysis &A, Visitor Visit, EndVisitor AtEnd) {
  for (const CFGBlock *B : G)
    for (typename Analysis::State S : R.In[B->getBlockID()]) {
      unsigned I = 0;
      for (const CFGElement &E : *B) {
        Visit(*B, I++, E, static_cast<const typename Analysis::State &>(S));
        A.transfer(E, S);
      }
      AtEnd(*B, static_cast<const typename Analysis::State &>(S));
    }
}

} // namespace clang::tidy::kthread

#endif // KTHREAD_LINT_CHECKER_DATAFLOW_H
