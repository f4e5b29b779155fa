// Tensor creation, views, reductions, linear algebra and reads of the patch language
// against the C++ API (SPEC §2.4), and the spectral operators (§2.3).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

using test::eval_value;
using test::expect_same;

// t = [[1 2 3] [4 5 6]] as a literal in the patch and in C++.
constexpr const char* kT = "(def t (tensor @shape [2 3] @data [1 2 3 4 5 6])) ";
Value t_tensor() { return tensor({2, 3}, {1, 2, 3, 4, 5, 6}); }
std::string with_t(const std::string& expr) { return std::string(kT) + "(def r " + expr + ")"; }

TEST(LispTensor, Literals) {
  expect_same(with_t("t"), t_tensor(), 1);
  expect_same("(def r (tensor [[1 2 3] [4 5 6]]))", t_tensor(), 1);
  expect_same("(def r (tensor @data [[1 2 3] [4 5 6]]))", t_tensor(), 1);
  expect_same("(def r (tensor @shape [3 2] @data [[1 2 3] [4 5 6]]))",
              tensor({3, 2}, {1, 2, 3, 4, 5, 6}), 1);
  expect_same("(def r (tensor @shape [2 2]))", zeros({2, 2}), 1);
  expect_same("(def r (wavetable @shape [2] @data [3 4]))", tensor({2}, {3, 4}), 1);
  expect_same("(def n 2) (def r (tensor @shape [n 1] @data [(* n 2) pi]))",
              tensor({2, 1}, {4, float(M_PI)}), 1);
}

class LispTensorFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("dgen-lisp-json-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // Loads a patch from dir_ whose tensor comes from a JSON file with `json` in it.
  Value load_from(const std::string& json, const std::string& tensor_form) {
    std::ofstream(dir_ / "t.json") << json;
    LoadContext context{"p.lisp", dir_.string()};
    Evaluator evaluator(context);
    const std::vector<SExpr> forms = read_forms("(def r " + tensor_form + ")", "p.lisp");
    evaluator.run(forms);
    return evaluator.global("r")->value();
  }
  std::filesystem::path dir_;
};

TEST_F(LispTensorFile, FlatNestedAndObjectJson) {
  const std::vector<float> want = dgen::test::render1(t_tensor(), 1);
  EXPECT_EQ(dgen::test::render1(
                load_from("[1, 2, 3, 4, 5, 6]", "(tensor @shape [2 3] @file \"t.json\")"), 1),
            want);
  EXPECT_EQ(
      dgen::test::render1(load_from("[[1, 2, 3], [4, 5, 6]]", "(tensor @file \"t.json\")"), 1),
      want);
  const Value obj =
      load_from(R"({"shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]})", "(tensor @file \"t.json\")");
  EXPECT_EQ(obj.shape(), (Shape{2, 3}));
  EXPECT_EQ(dgen::test::render1(obj, 1), want);
}

TEST_F(LispTensorFile, BadJsonIsAPositionedError) {
  std::ofstream(dir_ / "t.json") << "[[1, 2], [3]]";
  const std::string patch = (dir_ / "p.lisp").string();
  std::ofstream(patch) << "(def r\n  (tensor @file \"t.json\"))\n(out 0 1)";
  try {
    load_patch_file(patch);
    FAIL() << "expected a PatchError";
  } catch (const PatchError& e) {
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.col, 17);
    EXPECT_NE(std::string(e.what()).find("ragged data"), std::string::npos) << e.what();
  }
}

TEST(LispTensor, Fills) {
  expect_same("(def r (zeros [2 3]))", zeros({2, 3}), 1);
  expect_same("(def r (zeros 2 3))", zeros({2, 3}), 1);
  expect_same("(def r (ones [4]))", ones({4}), 1);
  expect_same("(def r (ones 4))", ones({4}), 1);
  expect_same("(def r (full [2 2] 0.5))", full({2, 2}, 0.5), 1);
  expect_same("(def r (full 2 2 0.5))", full({2, 2}, 0.5), 1);
  expect_same("(def r (randn [8]))", randn({8}), 1);
  expect_same("(def r (randn [8] 3))", randn({8}, 3), 1);
  expect_same("(def r (randn [8] @seed 3))", randn({8}, 3), 1);
  expect_same("(def r (iota 4))", tensor({4}, {0, 1, 2, 3}), 1);
  expect_same("(def r (iota 4 10 0.5))", tensor({4}, {10, 10.5, 11, 11.5}), 1);
}

TEST(LispTensor, Views) {
  const Value t = t_tensor();
  expect_same(with_t("(reshape t @shape [3 2])"), reshape(t, {3, 2}), 1);
  expect_same(with_t("(reshape t [6])"), reshape(t, {6}), 1);
  expect_same(with_t("(transpose t)"), transpose(t), 1);
  expect_same(with_t("(transpose t @axes [1 0])"), transpose(t, {1, 0}), 1);
  expect_same(with_t("(shrink t @ranges [0:1 1:3])"), shrink(t, {{0, 1}, {1, 3}}), 1);
  expect_same(with_t("(pad t @padding [1:0 0:2])"), pad(t, {{1, 0}, {0, 2}}), 1);
  expect_same(with_t("(expand (reshape t [2 3 1]) @shape [2 3 2])"),
              expand(reshape(t, {2, 3, 1}), {2, 3, 2}), 1);
  expect_same(with_t("(repeat t @repeats [2 1])"), repeat(t, {2, 1}), 1);
}

TEST(LispTensor, Reductions) {
  const Value t = t_tensor();
  expect_same(with_t("(sum t)"), sum(t), 1);
  expect_same(with_t("(sum t @axis 0)"), sum_axis(t, 0), 1);
  expect_same(with_t("(mean t)"), mean(t), 1);
  expect_same(with_t("(mean t @axis 1)"), mean_axis(t, 1), 1);
  expect_same(with_t("(sum-axis t @axis 1)"), sum_axis(t, 1), 1);
  expect_same(with_t("(mean-axis t @axis 0)"), mean_axis(t, 0), 1);
  expect_same(with_t("(max-axis t @axis 0)"), max_axis(t, 0), 1);
  expect_same(with_t("(softmax t)"), softmax(t), 1);
  expect_same(with_t("(softmax t @axis 0)"), softmax(t, 0), 1);
  expect_same(with_t("(cumsum t)"), cumsum(t), 1);
  expect_same(with_t("(cumsum t @axis 0)"), cumsum(t, 0), 1);
}

TEST(LispTensor, LinearAndConvolution) {
  const Value t = t_tensor();
  expect_same(with_t("(matmul t (transpose t))"), matmul(t, transpose(t)), 1);
  const Value k1 = tensor({2}, {1, -1});
  expect_same("(def r (conv1d (iota 5) [1 -1]))", conv1d(tensor({5}, {0, 1, 2, 3, 4}), k1), 1);
  expect_same("(def r (conv1d (iota 5) (tensor [1 -1]) @padding same))",
              conv1d(tensor({5}, {0, 1, 2, 3, 4}), k1, Padding::Same), 1);
  const Value k2 = tensor({2, 2}, {1, 0, 0, -1});
  expect_same(with_t("(conv2d t [[1 0] [0 -1]])"), conv2d(t, k2), 1);
  expect_same(with_t("(conv2d t [[1 0] [0 -1]] @padding same)"), conv2d(t, k2, Padding::Same), 1);
  expect_same(with_t("(conv2d t [[1 0] [0 -1]] @padding valid)"), conv2d(t, k2, Padding::Valid), 1);
}

TEST(LispTensor, Reads) {
  const Value t = t_tensor();
  const Value ramp = 2.0 * phasor(3000.0);
  const std::string r = "(def ramp (* 2 (phasor 3000))) ";
  expect_same(r + with_t("(peek t ramp)"), peek(t, ramp));
  expect_same(r + with_t("(peek t ramp (* 1.5 ramp))"), peek(t, ramp, 1.5 * ramp));
  expect_same(r + with_t("(sample t (phasor 700) 1)"), sample(t, phasor(700.0), 1.0));
  expect_same(r + with_t("(peek-row t ramp)"), peek_row(t, ramp));
  expect_same(r + with_t("(gather t (* 3 ramp))"), gather(t, 3.0 * ramp));
  expect_same(with_t("(to-signal (reshape t [6]))"), to_signal(reshape(t, {6})), 16);
}

// peek-row of a [3 2 2] hop-4 tensor history whose write adds the frame count and the
// element's index on hop frames: reads give 0 on frames 0-3, then on frames 4-7 what frame
// 0 wrote (the index e), on 8-11 what frame 4 wrote (2e + 4)... Row 1.5 is the mean of rows
// 1 and 2 (elements 4-7 and 8-11), summed over its [2 2] elements.
TEST(LispTensor, PeekRowOfAHopTensorHistory) {
  const std::string patch = R"(
    (make-tensor-history h @shape [3 2 2] @hop 4)
    (def now (read-tensor-history h))
    (write-tensor-history h (+ now (accum 1 0 0 1000) (reshape (iota 12) @shape [3 2 2])))
    (out (sum (peek-row now 1.5)) 1))";
  std::vector<double> cell(12, 0.0), want;
  for (int64_t t = 0; t < 16; ++t) {
    double row15 = 0;
    for (int e = 0; e < 4; ++e) row15 += 0.5 * (cell[size_t(4 + e)] + cell[size_t(8 + e)]);
    want.push_back(row15);
    if (t % 4 == 3)
      for (int e = 0; e < 12; ++e) cell[size_t(e)] += double(t - 3) + e;
  }
  for (Backend b : {Backend::Interp, Backend::C}) {
    SCOPED_TRACE(b == Backend::C ? "C" : "interpreter");
    const auto out = test::render_patch(test::load(patch), 16, b)[0];
    ASSERT_EQ(out.size(), want.size());
    for (size_t t = 0; t < want.size(); ++t) EXPECT_EQ(out[t], want[t]) << "frame " << t;
  }
}

TEST(LispTensor, OscillatorBank) {
  const Value freqs = tensor({3}, {100, 200, 300});
  expect_same("(def r (sum (sin (* twopi (phasor (tensor [100 200 300]))))))",
              sum(sin(2.0 * M_PI * phasor(freqs))));
}

TEST(LispSpectral, WindowsAndTransforms) {
  const Value x = sin(2.0 * M_PI * phasor(2756.25));
  const std::string in = "(def x (sin (* twopi (phasor 2756.25)))) ";
  const Value w = buffer(x, 16, 4) * hann(16);
  const auto [re, im] = fft(w);
  expect_same(in + "(def r (buffer x 8))", buffer(x, 8));
  expect_same(in + "(def r (buffer x 8 2))", buffer(x, 8, 2));
  expect_same(in + "(def r (hop-hold x 4))", hop_hold(x, 4));
  expect_same("(def r (hann 16))", hann(16), 1);
  const std::string windowed = in + "(def w (* (buffer x 16 4) (hann 16))) ";
  expect_same(windowed + "(def (a b) (fft w)) (def r a)", re);
  expect_same(windowed + "(def (a b) (fft w 16)) (def r b)", im);
  expect_same(windowed + "(def (a b) (fft w)) (def r (ifft (* a 0.5) b 16))", ifft(re * 0.5, im));
  expect_same(windowed + "(def r (overlap-add w 4))", overlap_add(w, 4));
}

}  // namespace
}  // namespace dgen::lisp
