#include "lir/lir.hpp"

namespace dgen::lir {

std::string print(const Block& block, int indent) {
  std::string out, pad(size_t(indent) * 2, ' ');
  for (const Stmt& s : block) {
    if (!s.scope) {
      out += pad + s.head + "\n";
      continue;
    }
    out += pad + (s.head.empty() ? "" : s.head + " ") + "{\n" + print(s.body, indent + 1) + pad + "}\n";
  }
  return out;
}

}  // namespace dgen::lir
