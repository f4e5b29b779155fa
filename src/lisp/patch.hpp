// The loaded patch is public API (include/dgen/patch.hpp); this name stays for the code
// that includes it as part of src/lisp.
#pragma once
#include "dgen/patch.hpp"
