// The predecessor's operators in the patch language (SPEC §9) against the C++ API they
// call, and their argument errors.
#include "dgen/ops_audio.hpp"
#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

using test::expect_same;

Value vec(const std::vector<float>& v) { return tensor({int64_t(v.size())}, v); }

TEST(LispPredecessor, SequencingAndNoise) {
  expect_same("(def r (ramp2trig (phasor 3000)))", ramp2trig(phasor(3000.0)));
  expect_same("(def r (seq [1 2 3] (phasor 2000)))", seq(vec({1, 2, 3}), phasor(2000.0)));
  expect_same("(def r (seq [1 2 3] @trigger (gt (phasor 3000) 0.5)))",
              seq_trigger(vec({1, 2, 3}), gt(phasor(3000.0), 0.5)));
  expect_same("(def r (noise @size 3 @seed 4))", noise_tensor(3, 4));
  expect_same("(def r (noise 4 @size 3 @hop 5))", hop_hold(noise_tensor(3, 4), 5));
}

TEST(LispPredecessor, ComplexAndWindows) {
  const std::string xs = "(def a (iota 8)) (def b (* 0.5 (iota 8 1))) ";
  const Value a = vec({0, 1, 2, 3, 4, 5, 6, 7}), b = 0.5 * vec({1, 2, 3, 4, 5, 6, 7, 8});
  expect_same(xs + "(def (re im) (complex-mul a b b a)) (def r (+ re (* 3 im)))",
              complex_mul(a, b, b, a).first + 3.0 * complex_mul(a, b, b, a).second);
  expect_same(xs + "(def (re im) (complex-conj a b)) (def r im)", -b);
  expect_same(xs + "(def (m p) (polar-fft a 8)) (def r (+ m p))",
              polar_fft(a).first + polar_fft(a).second);
  expect_same(xs + "(def (re im) (rect-fft a b)) (def r (- re im))",
              rect_from_polar(a, b).first - rect_from_polar(a, b).second);
  expect_same("(def r (window 16 @type blackman))", window(WindowType::Blackman, 16));
  expect_same("(def r (window 16))", hann(16));
  expect_same("(def r (windows (reshape (iota 12) [3 4]) 2 2))",
              windows(reshape(tensor({12}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), {3, 4}), 2, 2));
  expect_same("(def r (sample [0 1 2 3] (phasor 500) @mode wrap))",
              sample_wrap(vec({0, 1, 2, 3}), phasor(500.0)));
  expect_same("(def r (peek [0 1 2 3] (* 9 (phasor 500)) @mode wrap))",
              peek_wrap(vec({0, 1, 2, 3}), 9.0 * phasor(500.0)));
}

TEST(LispPredecessor, BuffersAndSpectra) {
  History buf({16});
  const Value t = accum(1.0, 0.0, 0.0, 1e9);
  cell_poke(buf, t, sin(t));
  expect_same(
      "(make-history buf @shape [16]) (def t (accum 1 0 0 1e9)) (poke buf t (sin t))"
      "(def r (peek buf (- t 3)))",
      cell_peek(buf, t - 3.0));
  const Value spectrum = hop_hold(vec({1, 2}) * phasor(700.0), 4);
  const std::string s = "(def s (hop-hold (* [1 2] (phasor 700)) 4)) ";
  expect_same(s + "(def r (spectrum-delay s @hops 2 @hop 4))", spectrum_delay(spectrum, 2));
  expect_same(s + "(def r (spectrum-delay-mod s 1.5 @max-hops 3))",
              spectrum_delay_mod(spectrum, 1.5, 3));
  const std::string f = "(def (re im) (fft (buffer (sin (* 40 (phasor 300))) 16 4))) ";
  auto [re, im] = fft(buffer(sin(40.0 * phasor(300.0)), 16, 4));
  expect_same(f + "(def (pr pi) (phase-vocoder re im 1.5 @N 16 @hop 4)) (def r pr)",
              phase_vocoder(re, im, 1.5).first);
  expect_same("(def r (partitioned-convolve (noise) [1 0.5 0.25 0.125 1] @N 4 @gain 0.5))",
              partitioned_convolve(noise(), vec({1, 0.5f, 0.25f, 0.125f, 1}), 2) * 0.5, 64);
  expect_same("(def (re im) (partition-ir [1 2 3] @N 4)) (def r re)",
              partition_ir(vec({1, 2, 3}), 2).first);
}

TEST(LispPredecessor, Errors) {
  auto error = [](const std::string& text) { return test::load_error(text + "\n(out 0 1)"); };
  EXPECT_NE(error("(poke [1 2] 0 1)").find("poke: argument 1 must be a history cell"),
            std::string::npos);
  EXPECT_NE(error("(def r (sample [1 2] 0.5 @mode loop))").find("@mode must be clamp or wrap"),
            std::string::npos);
  EXPECT_NE(
      error("(def r (window 8 @type kaiser))").find("@type must be hann, hamming or blackman"),
      std::string::npos);
  EXPECT_NE(error("(def r (partitioned-convolve (noise) [1 2] @N 6))").find("@N must be a power"),
            std::string::npos);
  EXPECT_NE(error("(def r (partitioned-convolve (noise) [1 2] @N 8 @hop 2))")
                .find("@hop must be @N / 2 (4)"),
            std::string::npos);
  EXPECT_NE(error("(def s (hop-hold [1 2] 4)) (def r (spectrum-delay (* s (phasor 3)) @hop 8))")
                .find("@hop 8 differs"),
            std::string::npos);
  EXPECT_NE(error("(def r (seq [1 2]))").find("seq needs a phase"), std::string::npos);
}

}  // namespace
}  // namespace dgen::lisp
