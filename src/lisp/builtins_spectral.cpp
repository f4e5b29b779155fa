// Windows, hops and spectra (SPEC §2.3): buffer, overlap-add, hop-hold, fft, ifft, hann.
#include "dgen/ops_audio.hpp"
#include "lisp/builtins.hpp"
#include "lisp/limits.hpp"

namespace dgen::lisp {
namespace {

// fft and ifft take an optional size that must agree with the last axis.
void check_size(Call& c, size_t i, const Value& x) {
  if (c.size() <= i) return;
  const int64_t n = c.integer(i, 1, kMaxElements);
  const int64_t last = x.shape().empty() ? 1 : x.shape().back();
  if (n != last)
    c.fail_at(c.arg_pos(i), c.op() + ": size " + std::to_string(n) +
                                " does not match the input's last axis (shape " +
                                to_string(x.shape()) + ")");
}

Datum buffer_builtin(Call& c) {
  return buffer(c.value(0), c.integer(1, 1, kMaxElements),
                c.size() > 2 ? c.integer(2, 1, kMaxElements) : 1);
}

Datum fft_builtin(Call& c) {
  const Value x = c.value(0);
  check_size(c, 1, x);
  auto [re, im] = fft(x);
  return Datum(Tuple{{Datum(re), Datum(im)}});
}

Datum ifft_builtin(Call& c) {
  const Value re = c.value(0);
  check_size(c, 2, re);
  return ifft(re, c.value(1));
}

Datum hann_builtin(Call& c) {
  const int64_t n = c.integer(0, 1, kMaxElements);
  c.charge_elements(n);
  return hann(n);
}

Datum pair(std::pair<Value, Value> p) {
  return Datum(Tuple{{Datum(std::move(p.first)), Datum(std::move(p.second))}});
}

Datum polar_fft_builtin(Call& c) {
  const Value x = c.value(0);
  check_size(c, 1, x);
  return pair(polar_fft(x));
}

// (window n [@type hann|hamming|blackman])
Datum window_builtin(Call& c) {
  const int64_t n = c.integer(0, 1, kMaxElements);
  const std::string type = c.attr_word("type", "hann");
  c.charge_elements(n);
  if (type == "hann") return window(WindowType::Hann, n);
  if (type == "hamming") return window(WindowType::Hamming, n);
  if (type == "blackman") return window(WindowType::Blackman, n);
  c.fail_at(c.attr_pos("type"),
            "window: @type must be hann, hamming or blackman, got '" + type + "'");
}

// The predecessor's @hop attribute: here a spectrum's hop is its rate, so @hop is accepted
// when it is that hop.
void check_hop_attribute(Call& c, const Value& spectrum) {
  if (!c.has("hop")) return;
  const int64_t hop = c.attr_integer("hop", 1, 1, kMaxElements);
  const Rate r = spectrum.rate();
  if (hop != (r.is_hop() ? r.hop : 1))
    c.fail_at(c.attr_pos("hop"), c.op() + ": @hop " + std::to_string(hop) +
                                     " differs from the spectrum's hop (" + to_string(r) + ")");
}

// (spectrum-delay spectrum [hops]) or with @hops.
Datum spectrum_delay_builtin(Call& c) {
  const Value spectrum = c.value(0);
  const int64_t hops =
      c.size() > 1 ? c.integer(1, 0, kMaxElements) : c.attr_integer("hops", 1, 0, kMaxElements);
  check_hop_attribute(c, spectrum);
  return spectrum_delay(spectrum, hops);
}

Datum spectrum_delay_mod_builtin(Call& c) {
  return spectrum_delay_mod(c.value(0), c.value(1),
                            c.size() > 2 ? c.integer(2, 1, kMaxElements)
                                         : c.attr_integer("max-hops", 16, 1, kMaxElements));
}

// The block of the partitioned ops: half the FFT size @N (the predecessor's attribute);
// @hop, when given, must be that block.
int64_t partition_block(Call& c) {
  const int64_t n = c.attr_integer("N", 128, 2, kMaxElements);
  if (n % 2 != 0 || (n & (n - 1)) != 0)
    c.fail_at(c.attr_pos("N"), c.op() + ": @N must be a power of two, got " + std::to_string(n));
  if (c.has("hop") && c.attr_integer("hop", n / 2, 1, kMaxElements) != n / 2)
    c.fail_at(c.attr_pos("hop"), c.op() + ": @hop must be @N / 2 (" + std::to_string(n / 2) +
                                     ") in overlap-save convolution");
  return n / 2;
}

// A 1-D impulse response: the tensor itself, or row @channel of a [channels, L] one (as
// audio-tensor and ir read files).
Value impulse_response(Call& c, size_t i) {
  const Value ir = c.value(i);
  if (ir.shape().size() != 2) {
    if (c.has("channel"))
      c.fail_at(c.attr_pos("channel"), c.op() +
                                           ": @channel picks a row of a 2-D [channels, L] "
                                           "impulse response, got shape " +
                                           to_string(ir.shape()));
    return ir;
  }
  const int64_t channel = c.attr_integer("channel", 0, 0, ir.shape()[0] - 1);
  return reshape(shrink(ir, {{channel, channel + 1}, {0, ir.shape()[1]}}), {ir.shape()[1]});
}

Datum partitioned_convolve_builtin(Call& c) {
  const Value y = partitioned_convolve(c.value(0), impulse_response(c, 1), partition_block(c));
  return c.has("gain") ? y * *c.attr_value("gain") : y;
}

// (phase-vocoder re im ratio [@N n] [@hop h]): @N and @hop, the predecessor's, must be
// the spectrum's size and hop.
Datum phase_vocoder_builtin(Call& c) {
  const Value re = c.value(0);
  if (c.has("N")) {
    const int64_t n = c.attr_integer("N", 0, 1, kMaxElements);
    if (re.shape() != Shape{n})
      c.fail_at(c.attr_pos("N"), "phase-vocoder: @N " + std::to_string(n) +
                                     " differs from the spectrum's shape " + to_string(re.shape()));
  }
  check_hop_attribute(c, re);
  return pair(phase_vocoder(re, c.value(1), c.value(2)));
}

}  // namespace

void add_spectral_builtins(Builtins& t) {
  t.add("buffer", buffer_builtin, 2, 3, "(buffer x size [hop])");
  t.add(
      "overlap-add",
      [](Call& c) -> Datum { return overlap_add(c.value(0), c.integer(1, 1, kMaxElements)); }, 2, 2,
      "(overlap-add window hop)");
  t.add(
      "hop-hold",
      [](Call& c) -> Datum { return hop_hold(c.value(0), c.integer(1, 1, kMaxElements)); }, 2, 2,
      "(hop-hold x hop)");
  t.add("fft", fft_builtin, 1, 2, "(fft x [size]) -> (tuple re im)");
  t.add("ifft", ifft_builtin, 2, 3, "(ifft re im [size])");
  t.add("hann", hann_builtin, 1, 1, "(hann size)");
  t.add(
      "complex-mul",
      [](Call& c) -> Datum {
        return pair(complex_mul(c.value(0), c.value(1), c.value(2), c.value(3)));
      },
      4, 4, "(complex-mul re1 im1 re2 im2) -> (tuple re im)");
  t.add(
      "complex-conj", [](Call& c) -> Datum { return pair(complex_conj(c.value(0), c.value(1))); },
      2, 2, "(complex-conj re im) -> (tuple re (- im))");
  t.add("polar-fft", polar_fft_builtin, 1, 2, "(polar-fft x [size]) -> (tuple magnitude phase)");
  t.add(
      "rect-fft", [](Call& c) -> Datum { return pair(rect_from_polar(c.value(0), c.value(1))); }, 2,
      2, "(rect-fft magnitude phase) -> (tuple re im)");
  t.add("window", window_builtin, 1, 1, "(window size [@type hann|hamming|blackman])", {"type"});
  t.add("spectrum-delay", spectrum_delay_builtin, 1, 2, "(spectrum-delay spectrum [hops])",
        {"hops", "hop"});
  t.add("spectrum-delay-mod", spectrum_delay_mod_builtin, 2, 3,
        "(spectrum-delay-mod spectrum delay-hops [max-hops])", {"max-hops"});
  t.add("phase-vocoder", phase_vocoder_builtin, 3, 3,
        "(phase-vocoder re im ratio [@N size] [@hop h]) -> (tuple re im)", {"N", "hop"});
  t.add("partition-ir",
        [](Call& c) -> Datum {
          return pair(partition_ir(impulse_response(c, 0), partition_block(c)));
        },
        1, 1, "(partition-ir ir [@N fft-size] [@channel k]) -> (tuple re im)",
        {"N", "hop", "channel"});
  t.add(
      "partitioned-spectral-mac",
      [](Call& c) -> Datum {
        return pair(partitioned_spectral_mac(c.value(0), c.value(1), c.value(2), c.value(3)));
      },
      4, 4, "(partitioned-spectral-mac re im ir-re ir-im) -> (tuple re im)");
  t.add("partitioned-convolve", partitioned_convolve_builtin, 2, 2,
        "(partitioned-convolve x ir [@N fft-size] [@gain g] [@channel k])",
        {"N", "hop", "gain", "channel"});
  t.alias("overlapadd", "overlap-add");
  t.alias("hophold", "hop-hold");
}

}  // namespace dgen::lisp
