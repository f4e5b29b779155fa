// The loaded patch is public API (include/dgen/patch.hpp); this name stays for the code
// that includes it as part of src/lisp.
#pragma once
#include "dgen/patch.hpp"

namespace dgen::lisp {

// The text of a patch or module file (at most 64 MiB); throws dgen::Error when it cannot
// be read.
std::string read_source_file(const std::string& path);

}  // namespace dgen::lisp
