// The special forms: def, destructuring, defmacro (and the hygiene of its expansions),
// tuple, history cells, params, inputs, outputs and mod.
#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

using test::eval_binding;
using test::eval_value;
using test::expect_same;
using test::load;
using test::render_text;

TEST(LispForms, DefBindsAndRebinds) {
  EXPECT_EQ(eval_binding("(def a 2) (def r (* a 3))").number(), 6);
  EXPECT_EQ(eval_binding("(def a 2) (def a (+ a 1)) (def r a)").number(), 3);
}

TEST(LispForms, DestructuringTuples) {
  EXPECT_EQ(eval_binding("(def (a b c) (tuple 1 2 3)) (def r (+ (* 100 a) (* 10 b) c))").number(),
            123);
  const Datum t = eval_binding("(def r (tuple 1 (phasor 10)))");
  ASSERT_TRUE(t.get<Tuple>());
  EXPECT_EQ(t.get<Tuple>()->items.size(), 2u);
}

TEST(LispForms, MacroValueIsItsLastForm) {
  EXPECT_EQ(eval_binding("(defmacro f (a b) (def s (+ a b)) (* s 10)) (def r (f 1 2))").number(),
            30);
  EXPECT_EQ(
      eval_binding("(defmacro pair (a) (tuple a (* 2 a))) (def (x y) (pair 4)) (def r (- y x))")
          .number(),
      4);
  // Macros may call macros defined later at top level, and see later globals.
  EXPECT_EQ(
      eval_binding("(defmacro f (a) (g (* a k))) (defmacro g (b) (+ b 1)) (def k 10) (def r (f 2))")
          .number(),
      21);
}

TEST(LispForms, MacroArgumentsAreEvaluatedOnce) {
  // With one evaluation, both uses of `n` are the same noise: the difference is 0.
  const std::vector<float> out =
      dgen::test::render1(eval_value("(defmacro twice (n) (- n n)) (def r (twice (noise)))"), 8);
  for (float v : out) EXPECT_EQ(v, 0.0f);
}

TEST(LispForms, MacroDefsDoNotLeak) {
  EXPECT_NE(test::load_error("(defmacro f (a) (def hidden a) a) (def x (f 1)) (out hidden 1)")
                .find("unknown symbol 'hidden'"),
            std::string::npos);
}

// Two expansions of a macro holding a `def` and a `make-history` must not share them:
// each one-pole keeps its own state. An expansion that shared the cell would write it
// twice per frame and break both filters.
TEST(LispForms, MacroHygieneOfDefAndHistory) {
  const char* patch = R"(
    (defmacro onepole (x a)
      (make-history state)
      (def prev (read-history state))
      (def y (+ prev (* a (- x prev))))
      (write-history state y)
      y)
    (def slow (onepole 1 0.1))
    (def fast (onepole 1 0.5))
    (out slow 1)
    (out fast 2))";
  const auto outputs = test::render_patch(load(patch), 4);
  const std::vector<float> slow = {0.1f, 0.19f, 0.271f, 0.3439f},
                           fast = {0.5f, 0.75f, 0.875f, 0.9375f};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(outputs[0][i], slow[i], 1e-6);
    EXPECT_NEAR(outputs[1][i], fast[i], 1e-6);
  }
}

TEST(LispForms, HistoryCellsPassToMacros) {
  const char* patch = R"(
    (defmacro bump (cell) (write-history cell (+ (read-history cell) 1)))
    (make-history count)
    (out (bump count) 1))";
  EXPECT_EQ(render_text(patch, 4), (std::vector<float>{1, 2, 3, 4}));
}

TEST(LispForms, Histories) {
  EXPECT_EQ(render_text("(make-history h) (out (write-history h (+ (read-history h) 2)) 1)", 3),
            (std::vector<float>{2, 4, 6}));
  EXPECT_EQ(
      render_text("(make-history h @init 5) (out (write-history h (+ (read-history h) 1)) 1)", 3),
      (std::vector<float>{6, 7, 8}));
  // With a reset the cell stores 0 on frames where the reset is high.
  EXPECT_EQ(
      render_text(
          "(make-history h) (def c (read-history h)) (write-history h (+ c 1) (eq c 2)) (out c 1)",
          6),
      (std::vector<float>{0, 1, 2, 0, 1, 2}));
}

TEST(LispForms, TensorHistories) {
  History h({2}, {1, 10}, 1, "h");
  const Value next = h.write(h.read() * 2.0);
  expect_same(
      "(make-tensor-history h @shape [2] @init [1 10]) (def r (write-tensor-history h (* "
      "(read-tensor-history h) 2)))",
      next, 4);
  History hop({2}, {}, 3, "h");
  const Value hop_next = hop.write(hop.read() + 1.0);
  expect_same(
      "(make-tensor-history h @shape [2] @hop 3) (def r (write-tensor-history h (+ "
      "(read-tensor-history h) 1)))",
      hop_next, 10);
  // make-history with @shape is the same cell kind.
  expect_same("(make-history h @shape [2] @hop 3) (def r (write-history h (+ (read-history h) 1)))",
              hop_next, 10);
}

TEST(LispForms, ParamsRecordTheirInfo) {
  const Patch p = load(R"(
    (param freq @default 440 @min 20 @max 2000 @unit Hz)
    (param attack @group amp @env amp-env @role attack @default 0.01)
    (param cutoff @default 1000 @min 50 @max 9000 @mod true @mod-mode semitone)
    (param plain)
    (param bounded @min 2 @max 3)
    (out (* freq amp.attack cutoff plain bounded) 1))");
  ASSERT_EQ(p.params.size(), 5u);
  const ParamData& freq = *p.params[0].param.data();
  EXPECT_EQ(freq.name, "freq");
  EXPECT_EQ(freq.value, std::vector<float>{440});
  EXPECT_EQ(freq.min, 20.0f);
  EXPECT_EQ(freq.max, 2000.0f);
  EXPECT_EQ(freq.unit, "Hz");
  EXPECT_EQ(p.params[0].default_value, 440);
  EXPECT_FALSE(p.params[0].mod);
  const ParamData& attack = *p.params[1].param.data();
  EXPECT_EQ(attack.name, "amp.attack");
  EXPECT_EQ(attack.group, "amp");
  EXPECT_EQ(attack.env, "amp-env");
  EXPECT_EQ(attack.role, "attack");
  EXPECT_TRUE(p.params[2].mod);
  EXPECT_EQ(p.params[2].mod_mode, "semitone");
  EXPECT_EQ(p.params[3].default_value, 0);
  EXPECT_EQ(p.params[4].default_value, 2);  // no @default: 0 clamped into [min, max]
  // The graph reads the params: 440 * 0.01 * 1000 * 0 * 2 = 0; setting plain changes it.
  Program program(p.outputs, {.backend = Backend::Interp});
  program.set_param("plain", 1);
  program.run(1);
  EXPECT_NEAR(program.channel(1)[0], 440 * 0.01 * 1000 * 2, 1e-2);
}

TEST(LispForms, GroupedParamsShareShortNames) {
  const Patch p = load(R"(
    (param attack @group amp @default 1)
    (param attack @group filter @default 2)
    (out (+ amp.attack (* 10 filter.attack)) 1))");
  EXPECT_EQ(test::render_patch(p, 1)[0][0], 21.0f);
  EXPECT_NE(test::load_error("(param a @group g1) (param a @group g2) (out a 1)")
                .find("param name 'a' is ambiguous: say g1.a or g2.a"),
            std::string::npos);
}

TEST(LispForms, TensorParam) {
  const Patch p = load("(tensor-param w @shape [3] @data [1 2 3] @min 0 @max 5) (out (sum w) 1)");
  ASSERT_EQ(p.params.size(), 1u);
  EXPECT_EQ(p.params[0].param.data()->shape, (Shape{3}));
  EXPECT_EQ(p.params[0].param.values(), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(test::render_patch(p, 1)[0][0], 6.0f);
  const Patch named = load("(tensor-param @name w @shape [2]) (out (sum w) 1)");
  EXPECT_EQ(named.params[0].param.name(), "w");
  EXPECT_EQ(named.params[0].param.values(), (std::vector<float>{0, 0}));
}

TEST(LispForms, InputsAndOutputsAreOrderedByChannel) {
  const Patch p = load(R"(
    (def b (in 3 @name b))
    (def a (in 1 @name a))
    (def a-again (in 1))
    (def m (in 5 @name mod1 @modulator 1))
    (out (* 2 b) 2 @name right)
    (out (+ a a-again m) 1 @name left))");
  ASSERT_EQ(p.output_ports.size(), 2u);
  EXPECT_EQ(p.output_ports[0].channel, 1);
  EXPECT_EQ(p.output_ports[0].name, "left");
  EXPECT_EQ(p.output_ports[1].name, "right");
  ASSERT_EQ(p.input_ports.size(), 3u);
  EXPECT_EQ(p.input_ports[0].channel, 1);
  EXPECT_EQ(p.input_ports[0].name, "a");
  EXPECT_EQ(p.input_ports[1].channel, 3);
  EXPECT_EQ(p.input_ports[2].modulator, 1);
  const std::vector<float> a = {1, 2}, b = {10, 20}, m = {100, 200};
  const auto out = test::render_patch(p, 2, Backend::Interp, {{1, a}, {3, b}, {5, m}});
  EXPECT_EQ(out[0], (std::vector<float>{102, 204}));
  EXPECT_EQ(out[1], (std::vector<float>{20, 40}));
}

TEST(LispForms, ModWithoutModulatorsIsTheParam) {
  const Patch p = load("(param cutoff @default 1000 @mod true) (out (mod cutoff) 1)");
  EXPECT_EQ(p.params.size(), 1u);
  EXPECT_EQ(test::render_patch(p, 1)[0][0], 1000.0f);
}

// With modulator inputs, (mod x) adds a depth param per modulator (0 by default):
// additive x + d*m, multiplicative x*(1 + d*m), semitone x*2^(d*m/12), clipped to
// [min, max].
TEST(LispForms, ModWithModulators) {
  const char* patch = R"(
    (def m (in 2 @modulator 1))
    (param a @default 100 @mod true)
    (param b @default 100 @mod true @mod-mode multiplicative)
    (param c @default 100 @min 10 @max 1000 @mod true @mod-mode semitone)
    (out (mod a) 1) (out (mod b) 2) (out (mod c) 3))";
  const Patch p = load(patch);
  ASSERT_EQ(p.params.size(), 6u);
  EXPECT_EQ(p.params[3].param.name(), "a__mod_depth__slot1");
  EXPECT_EQ(p.params[3].modulates, "a");
  EXPECT_EQ(p.params[3].modulator_slot, 1);
  EXPECT_FALSE(p.params[3].param.data()->min);  // never trained
  const std::vector<float> m = {0.5f, 3.0f};
  Program program(p.outputs, {.backend = Backend::Interp});
  program.run(2, {{2, m}});
  EXPECT_EQ(program.channel(1)[0], 100.0f);  // depth 0: the param itself
  for (const char* depth : {"a__mod_depth__slot1", "b__mod_depth__slot1", "c__mod_depth__slot1"})
    program.set_param(depth, 12);
  program.run(2, {{2, m}});
  EXPECT_FLOAT_EQ(program.channel(1)[0], 100 + 12 * 0.5f);
  EXPECT_FLOAT_EQ(program.channel(2)[0], 100 * (1 + 12 * 0.5f));
  EXPECT_FLOAT_EQ(program.channel(3)[0], 100 * std::pow(2.0f, 0.5f));
  EXPECT_FLOAT_EQ(program.channel(3)[1], 800);  // 100 * 2^3
}

TEST(LispForms, OutOfANumberAndStereo) {
  const auto outputs = test::render_patch(load("(out 0.25 1) (out -0.5 2)"), 2);
  EXPECT_EQ(outputs[0], (std::vector<float>{0.25f, 0.25f}));
  EXPECT_EQ(outputs[1], (std::vector<float>{-0.5f, -0.5f}));
}

}  // namespace
}  // namespace dgen::lisp
