// Every op of SPEC §2 as a free function on Values. Shapes broadcast like numpy; the rate
// of a result is the fastest rate of its inputs unless the op says otherwise. Shape and
// attribute errors throw dgen::Error at construction, naming both shapes.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dgen/value.hpp"

namespace dgen {

// ---- 2.1 elementwise math ------------------------------------------------------------
Value operator+(const Value& a, const Value& b);
Value operator-(const Value& a, const Value& b);
Value operator*(const Value& a, const Value& b);
Value operator/(const Value& a, const Value& b);
Value operator-(const Value& a);
Value neg(const Value& x);
Value sin(const Value& x);
Value cos(const Value& x);
Value tan(const Value& x);
Value atan(const Value& x);
Value tanh(const Value& x);
Value exp(const Value& x);
Value log(const Value& x);
Value log10(const Value& x);
Value sqrt(const Value& x);
Value abs(const Value& x);
Value sign(const Value& x);
Value floor(const Value& x);
Value ceil(const Value& x);
Value round(const Value& x);
Value relu(const Value& x);
Value sigmoid(const Value& x);
Value pow(const Value& x, const Value& y);
Value atan2(const Value& y, const Value& x);
Value min(const Value& a, const Value& b);
Value max(const Value& a, const Value& b);
Value mod(const Value& x, const Value& y);  // C fmod (truncating)
Value wrap(const Value& x, const Value& lo, const Value& hi);
Value clip(const Value& x, const Value& lo, const Value& hi);
Value scale(const Value& x, const Value& a, const Value& b, const Value& c, const Value& d);
Value mix(const Value& a, const Value& b, const Value& t);
Value triangle(const Value& phase, const Value& duty = 0.5);
Value gt(const Value& a, const Value& b);
Value lt(const Value& a, const Value& b);
Value gte(const Value& a, const Value& b);
Value lte(const Value& a, const Value& b);
Value eq(const Value& a, const Value& b);
Value gswitch(const Value& cond, const Value& a, const Value& b);
Value selector(const Value& m, const std::vector<Value>& options);

// ---- 2.2 stateful signal ops (frame rate) --------------------------------------------
Value phasor(const Value& freq, const Value& reset = 0.0);
Value accum(const Value& inc, const Value& reset = 0.0, const Value& lo = 0.0,
            const Value& hi = 1.0);
Value latch(const Value& v, const Value& trig);
Value click();
Value noise(uint32_t seed = 1);
Value delay(const Value& x, const Value& d, int64_t max = 88200);
Value biquad(const Value& x, const Value& cutoff, const Value& q, const Value& gain, int mode);
Value compressor(const Value& x, const Value& ratio, const Value& threshold_db,
                 const Value& knee_db, const Value& attack_s, const Value& release_s,
                 const std::optional<Value>& sidechain = std::nullopt);

// A named history cell: read() is what write() stored on the previous frame (or the
// initial value on frame 0). A tensor cell may advance only every `hop` frames.
class History {
 public:
  explicit History(Shape shape = {}, std::vector<float> init = {}, int64_t hop = 1,
                   std::string name = "");
  Value read() const;
  Value write(const Value& v) const;  // stores v, returns v

 private:
  std::shared_ptr<struct Cell> cell_;
};

// ---- 2.3 windows, hops, spectra --------------------------------------------------------
Value buffer(const Value& x, int64_t n, int64_t hop = 1);
Value overlap_add(const Value& window, int64_t hop);
Value hop_hold(const Value& x, int64_t hop);
std::pair<Value, Value> fft(const Value& x);
Value ifft(const Value& re, const Value& im);
Value hann(int64_t n);

// ---- 2.4 tensors ---------------------------------------------------------------------
Value tensor(Shape shape, std::vector<float> data);
Value zeros(Shape shape);
Value ones(Shape shape);
Value full(Shape shape, double value);
Value randn(Shape shape, uint32_t seed = 0);
Value reshape(const Value& x, Shape shape);
Value transpose(const Value& x, std::vector<int64_t> axes = {});
Value shrink(const Value& x, std::vector<std::pair<int64_t, int64_t>> ranges);
Value pad(const Value& x, std::vector<std::pair<int64_t, int64_t>> before_after);
Value expand(const Value& x, Shape shape);
Value repeat(const Value& x, std::vector<int64_t> reps);
Value sum(const Value& x);  // over all elements
Value sum_axis(const Value& x, int64_t axis);
Value mean(const Value& x);
Value mean_axis(const Value& x, int64_t axis);
Value max(const Value& x);  // over all elements (max(a, b) is the elementwise one)
Value max_axis(const Value& x, int64_t axis);
Value softmax(const Value& x, int64_t axis = -1);
Value cumsum(const Value& x, int64_t axis = -1);
Value matmul(const Value& a, const Value& b);
enum class Padding { Valid, Same };
Value conv1d(const Value& x, const Value& k, Padding padding = Padding::Valid);
Value conv2d(const Value& x, const Value& k, Padding padding = Padding::Valid);
Value peek(const Value& t, const Value& index, const Value& channel = 0.0);
Value sample(const Value& t, const Value& phase, const Value& channel = 0.0);
Value peek_row(const Value& t, const Value& index);
Value gather(const Value& t, const Value& indices);
Value to_signal(const Value& t);

// ---- 2.5 losses ----------------------------------------------------------------------
Value mse(const Value& a, const Value& b);
Value l1(const Value& a, const Value& b);
// lin_weight · Σ |mₐ − m_b|^p + log_weight · Σ |log mₐ − log m_b|^p over the bins of
// Hann-windowed spectra X of size n every hop frames, with magnitudes m = sqrt(|X|² + ε²)
// where ε = eps × the level of the two signals, the RMS magnitude of the bins of their
// windows so far (docs/TRAINING.md "Losses").
struct SpectralOptions {
  int64_t n = 1024;
  int64_t hop = 0;  // 0 = n / 4
  double lin_weight = 1, log_weight = 1, p = 1, eps = 1e-3;
};
Value spectral_loss(const Value& a, const Value& b, SpectralOptions options);
// The windows a spectral loss of size n and hop compares in a run of `frames` frames: its
// hop frames t (t mod hop = 0) whose window is full (t >= n - 1).
int64_t spectral_windows(int64_t n, int64_t hop, int64_t frames);
struct MrstftOptions {
  std::vector<int64_t> sizes = {2048, 1024, 512, 256, 128, 64};
  int64_t hop_divisor = 4;                                   // hop = N / hop_divisor
  double lin_weight = 1, log_weight = 1, p = 1, eps = 1e-3;  // as in SpectralOptions
  // The run length the loss is summed over: when > 0, each size's loss is also divided by
  // its number of full windows in that many frames (a mean), and sizes with no full window
  // are left out (an error when none is left); 0 leaves each a sum over windows.
  int64_t frames = 0;
};
Value mrstft_loss(const Value& a, const Value& b, MrstftOptions options = {});

// ---- 2.6 outputs and inputs ----------------------------------------------------------
// Host channels are 1-based, at most kMaxChannel; each is written by at most one out() of
// a program (Program refuses two). Both throw dgen::Error for a channel out of range.
inline constexpr int kMaxChannel = 1024;
Value out(const Value& x, int channel);
Value in(int channel);
Value samplerate();

}  // namespace dgen
