// The phase vocoder (docs/LANGUAGE.md, phase-vocoder): hop-rate history cells hold each
// bin's last phase and its resynthesis phase; the rest is elementwise math and a gather
// that moves bins, so it renders on every backend and has gradients to the magnitudes.
#include <numbers>

#include "dgen/error.hpp"
#include "dgen/ops_audio.hpp"
#include "ops/spectrum_util.hpp"

namespace dgen {
namespace {

Value bin_numbers(int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  for (size_t k = 0; k < v.size(); ++k) v[k] = float(k);
  return tensor({count}, std::move(v));
}

}  // namespace

std::pair<Value, Value> phase_vocoder(const Value& re, const Value& im, const Value& ratio) {
  const Shape& s = re.shape();
  if (s.size() != 1 || im.shape() != s || s[0] < 2 || (s[0] & (s[0] - 1)) != 0)
    throw Error(
        "phase-vocoder: expects a spectrum (re, im) of two [N] parts, N a power of two, "
        "got " +
        to_string(s) + " and " + to_string(im.shape()));
  const Rate rate = re.rate();
  if (!rate.is_hop() && !rate.is_frame())
    throw Error("phase-vocoder: the spectrum must change over time");
  const int64_t n = s[0], half = n / 2, hop = rate.is_hop() ? rate.hop : 1;
  constexpr double kTwoPi = 2 * std::numbers::pi;
  const Value bin = bin_numbers(half + 1);
  const Value expected = bin * (kTwoPi * double(hop) / double(n));  // radians per hop

  const Value mag = sqrt(lower_bins(re, half) * lower_bins(re, half) +
                         lower_bins(im, half) * lower_bins(im, half) + 1e-30);
  const Value phase = atan2(lower_bins(im, half), lower_bins(re, half));
  History last_phase({half + 1}, {}, hop);
  const Value advance =
      expected + wrap(phase - last_phase.read() - expected, -std::numbers::pi, std::numbers::pi);
  last_phase.write(phase);

  // Output bin j reads source bin round(j / ratio); none beyond the top bin.
  const Value source = floor(bin / ratio + 0.5);
  const Value present = lt(source, double(half + 1));
  const Value out_mag = gather(mag, source) * present;
  History out_phase({half + 1}, {}, hop);
  const Value psi =
      wrap(out_phase.read() + gather(advance, source) * ratio, -std::numbers::pi, std::numbers::pi);
  out_phase.write(psi);
  return mirrored(out_mag * cos(psi), out_mag * sin(psi), half);
}

}  // namespace dgen
