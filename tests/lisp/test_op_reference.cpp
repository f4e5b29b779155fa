// docs/OPS.md is generated from the tables it lists (src/lisp/op_reference.hpp): it must
// be what `dgen ops` prints now, so an operator or library macro added without
// regenerating it fails here.
#include <fstream>
#include <sstream>

#include "lisp/op_reference.hpp"
#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

TEST(OpReference, DocsOpsIsCurrent) {
  std::ifstream in(std::string(DGEN_SOURCE_DIR) + "/docs/OPS.md");
  std::stringstream doc;
  doc << in.rdbuf();
  EXPECT_TRUE(doc.str() == operator_reference())
      << "docs/OPS.md is out of date: run build/dgen ops > docs/OPS.md";
}

TEST(OpReference, ListsOperatorsGraphOpsAndTheLibrary) {
  const std::string ref = operator_reference();
  for (const char* row : {"| `biquad` | `(biquad x cutoff q gain mode)", "`import`",
                          "| `phasor` | 2 | carries state | adjoint rule |",
                          "| `(svf x cutoff q)` | State-variable filter", "### std/env"})
    EXPECT_NE(ref.find(row), std::string::npos) << row;
  // Every library macro says what it is: the comment above it in its file.
  std::istringstream lines(ref);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `(", 0) == 0) {
      EXPECT_FALSE(line.ends_with("|  |")) << line;
    }
  }
}

}  // namespace
}  // namespace dgen::lisp
