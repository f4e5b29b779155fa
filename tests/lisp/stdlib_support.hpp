// Helpers for the standard library's tests (docs/STDLIB.md): a patch body that imports
// std, the values it binds, rendered on the interpreter and checked against the C
// backend, and finite-difference checks of its params' gradients.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "autodiff/check_gradients.hpp"
#include "lisp_support.hpp"

namespace dgen::lisp::test {

struct StdPatch {
  Patch patch;
  std::vector<Value> values;  // the bindings asked for, in order
};

// Loads "(import std)" + `body` and returns the graph values bound to `names`.
inline StdPatch load_std(std::string_view body, const std::vector<std::string>& names) {
  const std::string text =
      "(import std)\n" + std::string(body) + "\n(out (* 0 " + names.at(0) + ") 1)";
  LoadContext context{"test.lisp", ""};
  const std::vector<SExpr> forms = read_forms(text, "test.lisp");
  Evaluator evaluator(context);
  evaluator.run(forms);
  StdPatch out;
  for (const std::string& name : names) {
    const Datum* d = evaluator.global(name);
    if (!d || !d->is_numeric()) throw Error("test: " + name + " is not a value");
    out.values.push_back(d->value());
  }
  out.patch = evaluator.finish();
  return out;
}

// Renders the bindings `names` of `body` on the interpreter (one vector each) after
// checking that the C backend renders the same (to `rel`: float32 against double).
inline std::vector<std::vector<float>> render_std(std::string_view body,
                                                  const std::vector<std::string>& names,
                                                  int64_t frames, double sr = 44100,
                                                  double rel = 1e-5) {
  const StdPatch p = load_std(body, names);
  const auto ref = dgen::test::render(p.values, frames, Backend::Interp, 1, sr);
  const auto c = dgen::test::render(p.values, frames, Backend::C, 1, sr);
  for (size_t i = 0; i < ref.size(); ++i) {
    SCOPED_TRACE("C against the interpreter: " + names[i]);
    dgen::test::expect_close_to_reference(c[i], ref[i], rel);
  }
  return ref;
}

// The binding `r` of `body`, rendered (and checked against the C backend).
inline std::vector<float> render_r(std::string_view body, int64_t frames, double sr = 44100,
                                   double rel = 1e-5) {
  return render_std(body, {"r"}, frames, sr, rel)[0];
}

// Checks d/dparam of Σ_t (r - target)² against central differences for every param the
// body declares, and that no gradient is 0 (a check that cannot fail proves nothing).
// `relative_step`: the difference's step relative to each param (GradCheckOptions).
inline void expect_gradients_match(std::string_view body, int64_t frames = 128,
                                   double relative_step = 1.0 / 4096) {
  SCOPED_TRACE(std::string(body));
  const StdPatch p = load_std(body, {"r"});
  std::vector<Param> params;
  for (const ParamInfo& info : p.patch.params) params.push_back(info.param);
  GradCheckOptions o;
  o.frames = frames;
  o.relative_step = relative_step;
  const GradCheckResult r = check_gradients(mse(p.values[0], 0.3 * noise(99)), params, o);
  EXPECT_TRUE(r.ok) << r.report();
  for (const GradCheckEntry& e : r.entries) EXPECT_NE(e.analytic, 0.0) << e.param;
}

inline void expect_near_all(const std::vector<float>& got, const std::vector<double>& want,
                            double tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], tol) << "at frame " << i;
}

}  // namespace dgen::lisp::test
