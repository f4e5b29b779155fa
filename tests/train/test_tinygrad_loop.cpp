// The tinygrad-style loop of SPEC §5: rebuild the loss graph every iteration, backward,
// step, zero_grad. Identical structure must hit the compile cache, and it must converge.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <numbers>
#include <string>

#include "backend/c/compiler.hpp"
#include "cli/temp_dir.hpp"
#include "dgen/dgen.hpp"
#include "dgen/grad.hpp"
#include "dgen/optim.hpp"

namespace dgen {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;

// Points the compile cache at an empty directory for one test, so a cache warmed by an
// earlier run cannot hide a recompilation.
class FreshCompileCache {
 public:
  FreshCompileCache() {
    const char* old = std::getenv("DGEN_CACHE_DIR");
    if (old) old_ = old;
    setenv("DGEN_CACHE_DIR", dir_.path.c_str(), 1);
  }
  ~FreshCompileCache() {
    if (old_.empty())
      unsetenv("DGEN_CACHE_DIR");
    else
      setenv("DGEN_CACHE_DIR", old_.c_str(), 1);
  }

 private:
  test::TempDir dir_;
  std::string old_;
};

TEST(TinygradLoop, RebuildingTheGraphHitsTheCompileCacheAndConverges) {
  FreshCompileCache cache;
  const int compiles_before = compiler_invocations();
  Param gain("gain", 0.2f, {.min = 0.0f, .max = 1.0f});
  // loss ≈ 1024 (gain − 0.75)² over 2048 frames of a sine, so d/dgain ≈ 2048 (gain − 0.75).
  SGD sgd({gain}, 2e-4, /*momentum=*/0.5);
  RenderOptions options;
  options.backend = Backend::C;
  int compiles_after_first = -1;
  double first_loss = 0, loss = 0;
  for (int step = 0; step < 60; ++step) {
    // A fresh graph every iteration: new nodes, the same structure.
    const Value tone = sin(kTwoPi * phasor(330.0));
    loss = backward(mse(gain * tone, 0.75 * tone), 2048, options);
    if (step == 0) {
      first_loss = loss;
      compiles_after_first = compiler_invocations();
    }
    sgd.step();
    sgd.zero_grad();
    EXPECT_EQ(gain.grad()[0], 0.0);
  }
  EXPECT_GT(compiles_after_first, compiles_before);  // the first iteration did compile
  EXPECT_EQ(compiler_invocations(), compiles_after_first) << "a rebuilt graph recompiled";
  EXPECT_NEAR(gain.value(), 0.75, 1e-3);
  EXPECT_LT(loss, 1e-3 * first_loss);
}

TEST(TinygradLoop, SgdOnAStaticLossFollowsItsGradient) {
  // loss = (w − 3)², d/dw = 2 (w − 3); with lr = 0.1 each step is w ← w − 0.2 (w − 3), so
  // the error shrinks by 0.8 per step: w_n = 3 − 3·0.8^n from w_0 = 0.
  Param w("w", 0.0f);
  SGD sgd({w}, 0.1);
  RenderOptions options;
  options.backend = Backend::C;
  for (int step = 1; step <= 5; ++step) {
    EXPECT_NEAR(backward(mse(w, 3.0), 10, options), 9 * std::pow(0.64, step - 1), 1e-4);
    sgd.step();
    sgd.zero_grad();
    EXPECT_NEAR(w.value(), 3 - 3 * std::pow(0.8, step), 1e-5) << "step " << step;
  }
}

}  // namespace
}  // namespace dgen
