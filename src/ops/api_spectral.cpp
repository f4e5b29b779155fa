// The C++ API of SPEC §2.3 (hann lives with the tensor literals in api_create.cpp).
// fft and ifft are views of one complex FFT primitive whose result [2, ..., N] stacks the
// real parts on the imaginary parts.
#include "dgen/error.hpp"
#include "dgen/ops_audio.hpp"
#include "ir/node.hpp"
#include "ops/spectrum_util.hpp"

namespace dgen {
Value buffer(const Value& x, int64_t n, int64_t hop) { return make("buffer", {x}, {{n, hop}, {}}); }
Value overlap_add(const Value& window, int64_t hop) {
  return make("overlap_add", {window}, {{hop}, {}});
}
Value hop_hold(const Value& x, int64_t hop) { return make("hop_hold", {x}, {{hop}, {}}); }

std::pair<Value, Value> fft(const Value& x) {
  const Value spectrum = make("fft_complex", {x, 0.0}, {{0}, {}});
  return {complex_part(spectrum, 0), complex_part(spectrum, 1)};
}

Value ifft(const Value& re, const Value& im) {
  if (re.shape() != im.shape())
    throw Error("ifft: real and imaginary parts differ in shape: " + to_string(re.shape()) +
                " and " + to_string(im.shape()));
  return complex_part(make("fft_complex", {re, im}, {{1}, {}}), 0);
}

namespace {

// The hop of a spectrum's rate: the delays' cells advance on its hop frames.
int64_t hop_of(const Value& spectrum, const char* op) {
  const Rate r = spectrum.rate();
  if (r.is_static()) throw Error(std::string(op) + ": the spectrum must change over time");
  return r.is_hop() ? r.hop : 1;
}

// x with a leading axis of one row: [1, ...].
Value as_row(const Value& x) {
  Shape s{1};
  s.insert(s.end(), x.shape().begin(), x.shape().end());
  return reshape(x, s);
}

}  // namespace

// A chain of `hops` cells, each holding what the one before it held a hop earlier.
Value spectrum_delay(const Value& spectrum, int64_t hops) {
  const int64_t hop = hop_of(spectrum, "spectrum-delay");
  if (hops < 0) throw Error("spectrum-delay: hops must be >= 0, got " + std::to_string(hops));
  Value delayed = spectrum;
  for (int64_t k = 0; k < hops; ++k) {
    History cell(spectrum.shape(), {}, hop);
    cell.write(delayed);
    delayed = cell.read();
  }
  return delayed;
}

// A ring of max_hops + 1 rows, row k the spectrum of k hops ago (row 0 this hop's), shifted
// down one row per hop; the delay reads between rows with peek_row.
Value spectrum_delay_mod(const Value& spectrum, const Value& delay_hops, int64_t max_hops) {
  const int64_t hop = hop_of(spectrum, "spectrum-delay-mod");
  if (max_hops < 1)
    throw Error("spectrum-delay-mod: max-hops must be >= 1, got " + std::to_string(max_hops));
  Shape ring_shape{max_hops + 1};
  ring_shape.insert(ring_shape.end(), spectrum.shape().begin(), spectrum.shape().end());
  History ring(ring_shape, {}, hop);
  std::vector<std::pair<int64_t, int64_t>> older{{0, max_hops}}, newest{{0, max_hops}},
      previous{{1, 0}};
  for (int64_t d : spectrum.shape()) {
    older.push_back({0, d});
    newest.push_back({0, 0});
    previous.push_back({0, 0});
  }
  const Value now = pad(as_row(spectrum), newest) + pad(shrink(ring.read(), older), previous);
  ring.write(now);
  return peek_row(now, clip(delay_hops, 0.0, double(max_hops)));
}

}  // namespace dgen
