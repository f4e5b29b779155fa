// Helpers for the patch-language tests: load text, catch its error, render a patch.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "lisp/evaluator.hpp"
#include "lisp/patch.hpp"
#include "lisp/reader.hpp"
#include "support.hpp"

namespace dgen::lisp::test {

inline Patch load(std::string_view text) { return load_patch(text, "test.lisp"); }

// The .lisp files of a directory of the source tree (e.g. "examples"), sorted.
inline std::vector<std::string> lisp_files_in(const std::string& dir) {
  std::vector<std::string> paths;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(DGEN_SOURCE_DIR) + "/" + dir))
    if (entry.path().extension() == ".lisp") paths.push_back(entry.path().string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

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

// Evaluates the forms of `text` and returns the top-level binding `name`.
inline Datum eval_binding(std::string_view text, const std::string& name = "r") {
  LoadContext context{"test.lisp", ""};
  const std::vector<SExpr> forms = read_forms(text, "test.lisp");
  Evaluator evaluator(context);
  evaluator.run(forms);
  const Datum* d = evaluator.global(name);
  if (!d) throw Error("test: no binding " + name);
  return *d;
}

// The graph value bound to `name` (a test failure when it is something else).
inline Value eval_value(std::string_view text, const std::string& name = "r") {
  const Datum d = eval_binding(text, name);
  EXPECT_TRUE(d.is_value()) << name << " is " << describe(d) << " in:\n" << text;
  return d.value();
}

// The patch expression and the C++ graph render the same (interpreter) frames.
inline void expect_same(std::string_view text, const Value& expected, int64_t frames = 64) {
  SCOPED_TRACE(std::string(text));
  const Value got = eval_value(text);
  ASSERT_EQ(got.shape(), expected.shape());
  dgen::test::expect_close_to_reference(dgen::test::render1(got, frames),
                                        dgen::test::render1(expected, frames), 1e-6);
}

}  // namespace dgen::lisp::test
