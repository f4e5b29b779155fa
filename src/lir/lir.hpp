// Loop IR: structured statements whose leaves are C expressions/statements produced by
// the op emitters. The renderers build it from a schedule (regions -> block loop ->
// frame loops -> guards -> lane loops) and print it; keeping the structure explicit lets
// a renderer for another target (CUDA) map loops to threads instead of printing them.
#pragma once
#include <string>
#include <vector>

namespace dgen::lir {

struct Stmt {
  std::string head;        // a statement, or the header of a scope ("for (...)", "if (...)", "")
  bool scope = false;      // true: `head { body }`
  std::vector<Stmt> body;
};
using Block = std::vector<Stmt>;

inline Stmt line(std::string text) { return {std::move(text), false, {}}; }
inline Stmt scope(std::string head, Block body) { return {std::move(head), true, std::move(body)}; }

std::string print(const Block& block, int indent = 0);

}  // namespace dgen::lir
