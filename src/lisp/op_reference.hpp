// docs/OPS.md, generated: the patch language's special forms and operators (from the
// builtin tables), the graph ops (from the op table) and the standard library (from
// lib/std's files), so those tables stay the one list. `dgen ops` prints it;
// tests/lisp/test_op_reference.cpp checks that docs/OPS.md is current.
#pragma once
#include <string>

namespace dgen::lisp {

// The reference as Markdown. The library is read from the std modules that `import`
// finds (docs/LANGUAGE.md, "import"); throws dgen::Error when there are none.
std::string operator_reference();

}  // namespace dgen::lisp
