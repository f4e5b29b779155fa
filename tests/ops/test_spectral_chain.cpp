// A whole spectral chain buffer -> hann -> fft -> mask -> ifft -> overlap_add against an
// STFT written here, on both backends, and streamed in blocks (SPEC §2.3, §4).
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numbers>

#include "support.hpp"

namespace dgen {
namespace {

constexpr int64_t kN = 16, kHop = 4;

// Keeps bins 0..3 and their mirrors 13..15, so the masked spectrum stays Hermitian.
std::vector<float> lowpass_mask() {
  std::vector<float> m(kN, 0.0f);
  for (int64_t k = 0; k < kN; ++k) m[k] = k <= 3 || k >= kN - 3 ? 1.0f : 0.0f;
  return m;
}

Value spectral_chain(const Value& x, const std::vector<float>& mask) {
  const auto [re, im] = fft(buffer(x, kN, kHop) * hann(kN));
  const Value m = tensor({kN}, mask);
  return overlap_add(ifft(re * m, im * m), kHop);
}

// The same chain computed directly: windows of x at hop frames, DFT, mask, inverse DFT,
// each result sample i added at frame t + i.
std::vector<double> reference_chain(const std::vector<float>& x, const std::vector<float>& mask) {
  const int64_t frames = int64_t(x.size());
  std::vector<double> y(x.size() + kN, 0.0);
  for (int64_t t = 0; t < frames; t += kHop) {
    std::vector<std::complex<double>> spectrum(kN);
    for (int64_t k = 0; k < kN; ++k)
      for (int64_t i = 0; i < kN; ++i) {
        const int64_t s = t - kN + 1 + i;
        const double hann = 0.5 * (1 - std::cos(2 * std::numbers::pi * double(i) / double(kN)));
        const double sample = s < 0 ? 0.0 : x[size_t(s)];
        spectrum[k] += hann * sample * std::polar(1.0, -2 * std::numbers::pi * double(k * i) / kN);
      }
    for (int64_t i = 0; i < kN; ++i) {
      std::complex<double> acc = 0;
      for (int64_t k = 0; k < kN; ++k)
        acc += double(mask[k]) * spectrum[k] *
               std::polar(1.0, 2 * std::numbers::pi * double(k * i) / kN);
      y[size_t(t + i)] += acc.real() / kN;
    }
  }
  y.resize(x.size());
  return y;
}

TEST(SpectralChain, AllPassMaskIsTwiceTheDelayedInput) {
  const Value x = noise(21);
  const auto out =
      test::render({x, spectral_chain(x, std::vector<float>(kN, 1.0f))}, 200, Backend::Interp);
  for (int64_t t = kN - 1; t < 200; ++t)
    EXPECT_NEAR(out[1][t], 2.0 * out[0][t - kN + 1], 1e-6) << "frame " << t;
}

TEST(SpectralChain, LowpassMatchesDirectStft) {
  const Value x = noise(22);
  const auto out = test::render({x, spectral_chain(x, lowpass_mask())}, 200, Backend::Interp);
  const auto want = reference_chain(out[0], lowpass_mask());
  for (int64_t t = 0; t < 200; ++t) EXPECT_NEAR(out[1][t], want[t], 1e-6) << "frame " << t;
}

TEST(SpectralChain, BackendsAgree) {
  const Value x = noise(23);
  for (int lanes : {1, 3}) {
    SCOPED_TRACE("lanes " + std::to_string(lanes));
    test::expect_backends_agree({spectral_chain(x, lowpass_mask())}, 700, lanes);
  }
}

// Renders `values` in blocks of the given sizes (cycling until `frames`) with preserved
// state, and returns each output's frames concatenated.
std::vector<std::vector<float>> render_in_blocks(const std::vector<Value>& values, int64_t frames,
                                                 const std::vector<int64_t>& blocks,
                                                 Backend backend) {
  RenderOptions o;
  o.backend = backend;
  o.preserve_state = true;
  Program p(values, o);
  std::vector<std::vector<float>> out(values.size());
  for (int64_t done = 0, b = 0; done < frames; ++b) {
    const int64_t n = std::min(blocks[size_t(b) % blocks.size()], frames - done);
    p.run(n);
    for (size_t k = 0; k < values.size(); ++k)
      out[k].insert(out[k].end(), p.output(k).begin(), p.output(k).end());
    done += n;
  }
  return out;
}

TEST(SpectralChain, StreamingDoesNotDependOnBlockSize) {
  const Value x = noise(24), y = sin(2 * std::numbers::pi * phasor(1234.0));
  const std::vector<Value> values{spectral_chain(x, lowpass_mask()),
                                  spectral_loss(x, y, {.n = 32, .hop = 8}), hop_hold(x, 5),
                                  buffer(x, 8, 3)};
  const int64_t frames = 600;
  for (Backend backend : {Backend::Interp, Backend::C}) {
    const auto whole = render_in_blocks(values, frames, {frames}, backend);
    for (const std::vector<int64_t>& blocks :
         {std::vector<int64_t>{1}, std::vector<int64_t>{7}, std::vector<int64_t>{64},
          std::vector<int64_t>{1, 7, 64}}) {
      SCOPED_TRACE("backend " + std::to_string(int(backend)) + ", first block " +
                   std::to_string(blocks[0]) + " of " + std::to_string(blocks.size()));
      const auto streamed = render_in_blocks(values, frames, blocks, backend);
      for (size_t k = 0; k < values.size(); ++k) {
        SCOPED_TRACE("output " + std::to_string(k));
        test::expect_close_to_reference(streamed[k], whole[k], 1e-6);
      }
    }
  }
}

}  // namespace
}  // namespace dgen
