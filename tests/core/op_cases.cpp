// The forward cases of the differential suite, one family of ops per function.
#include "core/op_cases.hpp"

#include <cmath>
#include <numbers>

#include "dgen/ops_audio.hpp"
#include "ir/node.hpp"

namespace dgen::test {
namespace {

const double kTwoPi = 2 * std::numbers::pi;

using Unary = Value (*)(const Value&);
using Binary = Value (*)(const Value&, const Value&);

std::vector<OpCase> elementwise_cases() {
  std::vector<OpCase> cases;
  const std::pair<const char*, Unary> unary[] = {
      {"neg", &neg},     {"sin", &sin},   {"cos", &cos},     {"atan", &atan},       {"tanh", &tanh},
      {"exp", &exp},     {"abs", &abs},   {"relu", &relu},   {"sigmoid", &sigmoid}, {"sign", &sign},
      {"floor", &floor}, {"ceil", &ceil}, {"round", &round},
  };
  for (auto [name, op] : unary)
    cases.push_back({name, [op] { return std::vector{op(3.0 * sig_a()), op(sig_bank())}; }});
  cases.push_back({"tan", [] {
                     return std::vector{tan(sig_a()), tan(sig_bank())};
                   }});  // |x| < pi / 2
  cases.push_back({"log", [] { return std::vector{log(sig_pos())}; }});
  cases.push_back({"log10", [] { return std::vector{log10(sig_pos())}; }});
  cases.push_back({"sqrt", [] { return std::vector{sqrt(sig_pos())}; }});
  const std::pair<const char*, Binary> binary[] = {
      {"add", [](const Value& x, const Value& y) { return x + y; }},
      {"sub", [](const Value& x, const Value& y) { return x - y; }},
      {"mul", [](const Value& x, const Value& y) { return x * y; }},
      {"min", static_cast<Binary>(&min)},
      {"max", static_cast<Binary>(&max)},
      {"atan2", &atan2},
      {"gt", &gt},
      {"lt", &lt},
      {"gte", &gte},
      {"lte", &lte},
  };
  // Broadcasting: scalar signals, a signal tensor [3] against a static [2, 1].
  for (auto [name, op] : binary)
    cases.push_back({name, [op] {
                       return std::vector{op(sig_a(), sig_b() - 0.5),
                                          op(sig_bank(), tensor({2, 1}, {0.25f, -0.5f}))};
                     }});
  cases.push_back({"div", [] { return std::vector{sig_a() / sig_pos(), sig_bank() / sig_pos()}; }});
  cases.push_back(
      {"pow", [] {
         return std::vector{pow(sig_pos(), sig_a()), pow(sig_pos(), tensor({3}, {0.5f, 2, -1}))};
       }});
  cases.push_back({"mod", [] {
                     return std::vector{mod(3.0 * sig_a(), 0.7), mod(-3.0 * sig_a(), 0.7)};
                   }});
  cases.push_back(
      {"eq", [] { return std::vector{eq(round(4.0 * sig_a()), round(4.0 * sig_b()))}; }});
  cases.push_back({"gswitch", [] { return std::vector{gswitch(sig_a(), sig_b(), sig_bank())}; }});
  cases.push_back({"wrap", [] { return std::vector{wrap(3.0 * sig_a(), -0.5, 0.75)}; }});
  cases.push_back({"clip", [] { return std::vector{clip(sig_bank(), -0.3, 0.6)}; }});
  cases.push_back({"scale", [] { return std::vector{scale(sig_a(), -1.0, 1.0, 200.0, 400.0)}; }});
  cases.push_back({"mix", [] { return std::vector{mix(sig_a(), sig_bank(), sig_b())}; }});
  cases.push_back({"triangle", [] { return std::vector{triangle(phasor(220.0), 0.3)}; }});
  cases.push_back(
      {"selector", [] {
         return std::vector{selector(floor(4.0 * sig_b()), {sig_a(), sig_b(), sig_pos()})};
       }});
  cases.push_back({"mse", [] { return std::vector{mse(sig_a(), sig_b())}; }});
  cases.push_back({"l1", [] { return std::vector{l1(sig_a(), sig_bank())}; }});
  return cases;
}

std::vector<OpCase> state_cases() {
  std::vector<OpCase> cases;
  cases.push_back({"phasor", [] {
                     return std::vector{phasor(200.0 + 100.0 * sig_a(), gt(sig_b(), 0.95)),
                                        phasor(tensor({2}, {30, 3000}))};
                   }});
  cases.push_back(
      {"accum", [] { return std::vector{accum(0.01 * sig_b(), gt(sig_a(), 0.79), -0.5, 0.5)}; }});
  cases.push_back({"history", [] {
                     History h, bank_cell({3}, {1, 2, 3});
                     bank_cell.write(tanh(0.8 * bank_cell.read() + 0.1 * sig_bank()));
                     return std::vector{h.write(tanh(0.9 * h.read() + sig_a())), bank_cell.read()};
                   }});
  cases.push_back({"history hop", [] {
                     History held({2, 3}, {}, 16);
                     held.write(tanh(held.read() + sig23()));
                     return std::vector{held.read() * sig_a()};
                   }});
  cases.push_back(
      {"latch", [] {
         return std::vector{latch(sig_a(), gt(sig_b(), 0.7)), latch(sig_bank(), gt(sig_a(), 0.2))};
       }});
  cases.push_back({"click", [] { return std::vector{click() + sig_a()}; }});
  cases.push_back({"noise", [] { return std::vector{noise(), noise(42)}; }});
  cases.push_back({"delay", [] {
                     return std::vector{delay(sig_a(), 7.5 + 6.0 * sig_b(), 20),
                                        delay(sig_bank(), tensor({3}, {0, 3, 250.25f}), 300)};
                   }});
  for (int mode = 0; mode < 8; ++mode)
    cases.push_back({"biquad mode " + std::to_string(mode), [mode] {
                       return std::vector{biquad(sig_a() + 0.2 * noise(), 2000.0 + 1000.0 * sig_b(),
                                                 1.2, 0.9, mode)};
                     }});
  cases.push_back({"compressor",
                   [] { return std::vector{compressor(sig_a(), 4.0, -12.0, 6.0, 0.002, 0.02)}; }});
  cases.push_back({"compressor sidechain", [] {
                     return std::vector{
                         compressor(sig_b(), 3.0, -20.0, 0.0, 0.001, 0.01, Value(sig_a()))};
                   }});
  return cases;
}

std::vector<OpCase> io_cases() {
  std::vector<OpCase> cases;
  cases.push_back({"in out", [] { return std::vector{out(in(1) * 0.5, 2), out(in(3), 1)}; }});
  cases.push_back({"samplerate", [] { return std::vector{samplerate() * phasor(1.0)}; }});
  cases.push_back(
      {"param",
       [] {
         Param shared("shared", 0.7f), voices("voices", 0.0f), table("table", {3}, {1, -2, 0.5f});
         voices.set_per_lane({0.1f, 0.2f, 0.3f});
         return std::vector{sig_a() * shared + voices, sig_bank() * table};
       },
       3});
  cases.push_back({"tensor literals", [] {
                     return std::vector{sig_bank() * hann(3) + randn({3}, 7),
                                        zeros({3}) + ones({3}) * full({3}, 0.5)};
                   }});
  return cases;
}

std::vector<OpCase> spectral_cases() {
  std::vector<OpCase> cases;
  cases.push_back({"buffer", [] {
                     return std::vector{buffer(sig_a(), 16, 4), buffer(sig_b(), 8)};
                   }});
  cases.push_back({"hop_hold", [] { return std::vector{hop_hold(sig_a(), 8) + sig_b()}; }});
  cases.push_back({"overlap_add",
                   [] { return std::vector{overlap_add(buffer(sig_a(), 16, 4) * hann(16), 4)}; }});
  cases.push_back({"fft ifft", [] {
                     const auto [re, im] = fft(buffer(sig_a() + 0.3 * sig_b(), 16, 4));
                     return std::vector{re, im, overlap_add(ifft(re, im) * hann(16), 4)};
                   }});
  // Broadband inputs: a pure tone leaves bins near zero, where log(m + eps) turns the
  // float32 rounding of the FFT into large differences.
  cases.push_back({"spectral_loss", [] {
                     return std::vector{spectral_loss(
                         sig_a() + 0.3 * noise(1), sig_b() + 0.3 * noise(2), {.n = 64, .hop = 16})};
                   }});
  cases.push_back({"partitioned_spectral_mac", [] {
                     return std::vector{partitioned_convolve(
                         sig_a() + 0.3 * sig_b(), tensor({5}, {1, -0.5f, 0.25f, 0.8f, -0.3f}), 2)};
                   }});
  cases.push_back({"mrstft_loss", [] {
                     return std::vector{mrstft_loss(sig_a() + 0.3 * noise(1),
                                                    sig_b() + 0.3 * noise(2), {.sizes = {64, 32}})};
                   }});
  return cases;
}

std::vector<OpCase> tensor_cases() {
  std::vector<OpCase> cases;
  // Each view and reduction on a static tensor and on a signal tensor.
  auto both = [](const std::string& name, Value (*op)(const Value&)) {
    return OpCase{name, [op] { return std::vector{op(t23()), op(sig23())}; }};
  };
  cases.push_back(both("reshape", [](const Value& x) { return reshape(x, {3, 2}); }));
  cases.push_back(both("transpose", [](const Value& x) { return transpose(x); }));
  cases.push_back(both("shrink", [](const Value& x) { return shrink(x, {{0, 1}, {1, 3}}); }));
  cases.push_back(both("pad", [](const Value& x) { return pad(x, {{1, 0}, {0, 2}}); }));
  cases.push_back(both("expand", [](const Value& x) {
    return expand(reshape(x, {2, 1, 3}), {2, 4, 3});
  }));
  cases.push_back(both("repeat", [](const Value& x) { return repeat(x, {2, 1}); }));
  cases.push_back(both("sum reductions", [](const Value& x) { return sum(x) + sum_axis(x, 0); }));
  cases.push_back(
      both("mean reductions", [](const Value& x) { return mean(x) + mean_axis(x, 1); }));
  cases.push_back(both("max reductions", [](const Value& x) { return max(x) + max_axis(x, 0); }));
  // sum_to, the adjoint of broadcasting (no API function): summed down over leading and
  // inner dims, to a scalar, and expanded (then summed back).
  cases.push_back(both("sum_to", [](const Value& x) {
    const auto sum_to = [](const Value& v, std::vector<int64_t> shape) {
      return Value(make("sum_to", {v}, {std::move(shape), {}}));
    };
    return sum_to(x, {3}) + sum_to(x, {2, 1}) + sum_to(x, {}) +
           sum_to(sum_to(x, {2, 2, 3}), {2, 1, 3});
  }));
  cases.push_back(both("softmax", [](const Value& x) { return softmax(x, 1); }));
  cases.push_back(both("cumsum", [](const Value& x) { return cumsum(x, 1); }));
  cases.push_back(both("matmul", [](const Value& x) { return matmul(x, transpose(t23())); }));
  cases.push_back({"conv1d", [] {
                     const Value x = tensor({8}, {1, 2, -1, 0.5f, 3, -2, 1, 0}) * sig_a(),
                                 k = tensor({3}, {0.5f, -1, 2});
                     return std::vector{conv1d(x, k), conv1d(x, k, Padding::Same)};
                   }});
  cases.push_back({"conv2d", [] {
                     const Value x = reshape(repeat(t23(), {2, 1}), {4, 3}) * sig_b(),
                                 k = tensor({2, 2}, {1, -1, 0.5f, 2});
                     return std::vector{conv2d(x, k), conv2d(x, k, Padding::Same)};
                   }});
  cases.push_back({"peek sample", [] {
                     const Value table = tensor({4, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
                     return std::vector{peek(table, 1.5 + 1.4 * sig_a(), sig_b()),
                                        sample(table, phasor(300.0), 1.0)};
                   }});
  cases.push_back({"peek_row", [] { return std::vector{peek_row(t23(), 0.5 + 0.5 * sig_a())}; }});
  cases.push_back(
      {"gather", [] {
         return std::vector{gather(tensor({5}, {1, 2, 3, 4, 5}), floor(6.0 * sig_b()) - 1.0)};
       }});
  cases.push_back({"cell_peek cell_poke", [] {
                     History buf({16, 2});
                     const Value head = accum(1.0, 0.0, 0.0, 1e9);
                     cell_poke(buf, head * 1.5, sig_a(), 0.0);
                     cell_poke(buf, head, sig_b(), 1.0);
                     return std::vector{cell_peek(buf, head * 0.75 + 0.5, 0.5 + 0.5 * sig_a())};
                   }});
  // stack gathers scalars into a tensor (the stacking pass builds it; no API function).
  cases.push_back(
      {"stack", [] {
         return std::vector{make("stack", {sig_a(), 2.0 * sig_b(), phasor(330.0)}) * sig_a()};
       }});
  cases.push_back({"to_signal", [] {
                     return std::vector{to_signal(tensor({5}, {1, -2, 3, -4, 5})) * sig_a()};
                   }});
  return cases;
}

}  // namespace

Value sig_a() { return 0.8 * sin(kTwoPi * phasor(110.3)); }
Value sig_b() { return triangle(phasor(37.7)); }
Value sig_pos() { return 1.5 + sig_a(); }
// Frequencies whose phases never land exactly on 0.5, where the sign of sin(pi) differs
// between float and double.
Value sig_bank() { return sin(kTwoPi * phasor(tensor({3}, {50.3f, 70.7f, 90.1f}))); }
Value t23() { return tensor({2, 3}, {0.5f, -1, 2, 0.25f, 1.5f, -0.75f}); }
Value sig23() { return t23() * sig_a(); }

std::vector<float> case_input() {
  std::vector<float> x(kCaseFrames);
  for (size_t t = 0; t < x.size(); ++t) x[t] = float(std::sin(0.01 * double(t * t % 997)));
  return x;
}

std::vector<OpCase> forward_cases() {
  std::vector<OpCase> all;
  for (auto family : {elementwise_cases, state_cases, io_cases, spectral_cases, tensor_cases})
    for (OpCase& c : family()) all.push_back(std::move(c));
  return all;
}

}  // namespace dgen::test
