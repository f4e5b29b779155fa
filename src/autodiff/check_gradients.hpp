// A finite-difference checker for gradients (SPEC §3: every op with a gradient is
// checked against central differences).
//
// For each element of each param it compares the gradient backward() gives with a
// central difference of the loss, Richardson-extrapolated from steps h and 2h (error
// O(h^4)). Steps are powers of two relative to the param's value, so p ± h are exact
// float32 values (params are float32); the loss is summed in float64 on the reference
// interpreter, so differences of 1e-6 relative are resolvable.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dgen/grad.hpp"

namespace dgen {

struct GradCheckOptions {
  int64_t frames = 64;
  RenderOptions render = {.backend = Backend::Interp};
  GradOptions grad = {};
  double relative_step = 1.0 / 4096;  // h ≈ this × max(|param|, min_scale), a power of two
  double min_scale = 1e-4;
  double tolerance = 1e-6;  // on GradCheckEntry::error
};

struct GradCheckEntry {
  std::string param;
  size_t element = 0;
  double analytic = 0, numeric = 0;
  // |analytic - numeric| / max(|analytic|, |numeric|, 1e-3 × the largest |numeric| of the
  // check): relative, except that a gradient far below the others is judged against them.
  double error = 0;
};

struct GradCheckResult {
  std::vector<GradCheckEntry> entries;
  double max_error = 0;
  bool ok = true;
  std::string report() const;  // one line per entry
};

// Checks d(Σ_t loss[t])/d(param) for every element of `params`. Leaves the params'
// values and grads as it found them.
GradCheckResult check_gradients(const Value& loss, const std::vector<Param>& params,
                                const GradCheckOptions& options = {});

}  // namespace dgen
