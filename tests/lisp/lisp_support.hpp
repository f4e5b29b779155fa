// Helpers for the patch-language tests: load text, catch its error, render a patch.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "lisp/patch.hpp"
#include "support.hpp"

namespace dgen::lisp::test {

inline Patch load(std::string_view text) { return load_patch(text, "test.lisp"); }

// The message of the PatchError that loading `text` raises ("" and a test failure when
// it loads).
inline std::string load_error(std::string_view text) {
  try {
    load_patch(text, "test.lisp");
  } catch (const PatchError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a PatchError for:\n" << text;
  return "";
}

// Renders every output of a patch: one [frame] vector per output channel.
inline std::vector<std::vector<float>> render_patch(const Patch& patch, int64_t frames,
                                                    Backend backend = Backend::Interp,
                                                    const std::vector<InputChannel>& inputs = {}) {
  return dgen::test::render(patch.outputs, frames, backend, 1, 44100, inputs);
}

// Output channel 1 of a patch rendered on the interpreter.
inline std::vector<float> render_text(std::string_view text, int64_t frames) {
  return render_patch(load(text), frames)[0];
}

}  // namespace dgen::lisp::test
