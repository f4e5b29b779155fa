// SGD and Adam against the textbook updates, worked by hand for three steps.
#include <gtest/gtest.h>

#include "dgen/error.hpp"
#include "dgen/optim.hpp"

namespace dgen {
namespace {

void set_grad(const Param& p, std::vector<double> grad) { p.data()->grad = std::move(grad); }

TEST(Optim, SgdPlainStepIsLearningRateTimesGradient) {
  Param p("p", 2.0f);
  SGD sgd({p}, 0.5);
  set_grad(p, {0.25});
  sgd.step();
  EXPECT_FLOAT_EQ(p.value(), 2.0f - 0.5f * 0.25f);
  set_grad(p, {-1.0});
  sgd.step();  // no momentum: the old gradient plays no part
  EXPECT_FLOAT_EQ(p.value(), 1.875f + 0.5f);
}

TEST(Optim, SgdMomentumAndWeightDecayThreeSteps) {
  Param p("p", 1.0f);
  SGD sgd({p}, /*lr=*/0.1, /*momentum=*/0.9, /*weight_decay=*/0.01);
  // step 1: g = 0.5 + 0.01·1 = 0.51, b = 0.51, p = 1 − 0.051 = 0.949
  set_grad(p, {0.5});
  sgd.step();
  EXPECT_NEAR(p.value(), 0.949, 1e-6);
  // step 2: g = −0.2 + 0.01·0.949 = −0.19051, b = 0.9·0.51 − 0.19051 = 0.26849,
  //         p = 0.949 − 0.026849 = 0.922151
  set_grad(p, {-0.2});
  sgd.step();
  EXPECT_NEAR(p.value(), 0.922151, 1e-6);
  // step 3: g = 0.3 + 0.00922151 = 0.30922151, b = 0.9·0.26849 + 0.30922151 = 0.55086251,
  //         p = 0.922151 − 0.055086251 = 0.867064749
  set_grad(p, {0.3});
  sgd.step();
  EXPECT_NEAR(p.value(), 0.867064749, 1e-6);
}

TEST(Optim, AdamBiasCorrectedThreeSteps) {
  Param p("p", 0.5f);
  Adam adam({p}, /*lr=*/0.1);
  // step 1: m = 0.02, v = 4e-5; m̂ = 0.2, v̂ = 0.04 → p = 0.5 − 0.1·0.2/0.2 = 0.4
  set_grad(p, {0.2});
  adam.step();
  EXPECT_NEAR(p.value(), 0.4, 1e-6);
  // step 2: m = 0.018 − 0.01 = 0.008, v = 3.996e-5 + 1e-5 = 4.996e-5;
  //         m̂ = 0.008/0.19 = 0.0421053, v̂ = 4.996e-5/0.001999 = 0.0249925
  //         p = 0.4 − 0.1·0.0421053/0.158090 = 0.3733663
  set_grad(p, {-0.1});
  adam.step();
  EXPECT_NEAR(p.value(), 0.3733663, 1e-6);
  // step 3: m = 0.0072 + 0.04 = 0.0472, v = 4.991004e-5 + 1.6e-4 = 2.0991004e-4;
  //         m̂ = 0.0472/0.271 = 0.1741697, v̂ = 2.0991004e-4/0.002997001 = 0.0700400
  //         p = 0.3733663 − 0.1·0.1741697/0.264651 = 0.3075551
  set_grad(p, {0.4});
  adam.step();
  EXPECT_NEAR(p.value(), 0.3075551, 1e-6);
}

TEST(Optim, AdamUpdatesEveryElementOfATensorParamIndependently) {
  Param p("p", Shape{2}, {0.0f, 0.0f});
  Adam adam({p}, 0.01);
  set_grad(p, {3.0, -0.001});
  adam.step();
  // On the first step m̂ = g and v̂ = g², so each element moves by lr·sign(g).
  EXPECT_NEAR(p.values()[0], -0.01, 1e-6);
  EXPECT_NEAR(p.values()[1], 0.01, 1e-5);
}

TEST(Optim, StepClampsToMinAndMax) {
  Param hi("hi", 0.9f, {.min = 0.0f, .max = 1.0f});
  Param lo("lo", 0.1f, {.min = 0.0f, .max = 1.0f});
  SGD sgd({hi, lo}, 1.0);
  set_grad(hi, {-0.5});  // would go to 1.4
  set_grad(lo, {0.5});   // would go to −0.4
  sgd.step();
  EXPECT_FLOAT_EQ(hi.value(), 1.0f);
  EXPECT_FLOAT_EQ(lo.value(), 0.0f);
  // Clamping changes the value, not the optimizer state: the momentum-free next step
  // starts from the bound.
  set_grad(hi, {0.25});
  sgd.step();
  EXPECT_FLOAT_EQ(hi.value(), 0.75f);
}

TEST(Optim, AdamClampsAfterTheStep) {
  Param p("p", 0.05f, {.min = 0.0f, .max = std::nullopt});
  Adam adam({p}, 0.1);
  set_grad(p, {1.0});  // first Adam step moves by lr = 0.1 → −0.05, clamped to 0
  adam.step();
  EXPECT_FLOAT_EQ(p.value(), 0.0f);
}

TEST(Optim, ZeroGradClearsEveryParam) {
  Param a("a", 1.0f), b("b", Shape{3}, {1, 2, 3});
  Adam adam({a, b}, 0.1);
  set_grad(a, {2.0});
  set_grad(b, {1.0, 2.0, 3.0});
  adam.zero_grad();
  EXPECT_EQ(a.grad(), std::vector<double>{0.0});
  EXPECT_EQ(b.grad(), (std::vector<double>{0.0, 0.0, 0.0}));
}

TEST(Optim, PerLaneParamRestartsItsStateWhenItsSizeChanges) {
  Param p("p", 1.0f);
  SGD sgd({p}, 0.1, 0.9);
  set_grad(p, {1.0});
  sgd.step();  // b = 1, p = 0.9
  p.set_per_lane({0.5f, 0.7f});
  set_grad(p, {1.0, -1.0});
  sgd.step();  // fresh b per lane: b = ±1
  EXPECT_NEAR(p.values()[0], 0.4, 1e-6);
  EXPECT_NEAR(p.values()[1], 0.8, 1e-6);
}

TEST(Optim, RejectsBadHyperparameters) {
  Param p("p", 1.0f);
  EXPECT_THROW(SGD({p}, 0.0), Error);
  EXPECT_THROW(SGD({p}, 0.1, -0.5), Error);
  EXPECT_THROW(Adam({p}, 0.1, 1.0), Error);
}

}  // namespace
}  // namespace dgen
