// Windows, hops and spectra (SPEC §2.3): buffer, overlap-add, hop-hold, fft, ifft, hann.
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
  t.alias("overlapadd", "overlap-add");
  t.alias("hophold", "hop-hold");
}

}  // namespace dgen::lisp
