// libFuzzer target for the patch loader: on any input it must either load a patch or
// throw dgen::Error (PatchError for the patch's own faults) — never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lisp/patch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    dgen::lisp::load_patch(std::string_view(reinterpret_cast<const char*>(data), size),
                           "fuzz.lisp");
  } catch (const dgen::Error&) {
    // A clean, positioned error is a correct answer.
  }
  return 0;
}
