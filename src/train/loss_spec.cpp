#include "train/loss_spec.hpp"

#include <charconv>

#include "dgen/error.hpp"
#include "dgen/ops.hpp"

namespace dgen::train {

namespace {

int64_t parse_size(const std::string& text, const std::string& whole) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1)
    throw Error("--loss " + whole + ": '" + text + "' is not a positive integer");
  return v;
}

}  // namespace

std::string LossSpec::name() const {
  switch (kind) {
    case Kind::Mse: return "mse";
    case Kind::L1: return "l1";
    case Kind::Mrstft: return "mrstft";
    case Kind::Spectral: return "spectral:" + std::to_string(n) + (hop ? ":" + std::to_string(hop) : "");
  }
  return "";
}

LossSpec parse_loss_spec(const std::string& text) {
  if (text == "mse") return {LossSpec::Kind::Mse};
  if (text == "l1") return {LossSpec::Kind::L1};
  if (text == "mrstft") return {LossSpec::Kind::Mrstft};
  if (text.starts_with("spectral:")) {
    const std::string rest = text.substr(9);
    const size_t colon = rest.find(':');
    LossSpec spec{LossSpec::Kind::Spectral};
    spec.n = parse_size(rest.substr(0, colon), text);
    if (colon != std::string::npos) spec.hop = parse_size(rest.substr(colon + 1), text);
    if (spec.n & (spec.n - 1))
      throw Error("--loss " + text + ": the window size must be a power of two");
    return spec;
  }
  throw Error("unknown loss '" + text + "' (expected mse, l1, mrstft or spectral:N[:HOP])");
}

Value build_loss(const LossSpec& spec, const Value& output, const Value& target, int64_t frames) {
  switch (spec.kind) {
    case LossSpec::Kind::Mse: return mse(output, target);
    case LossSpec::Kind::L1: return l1(output, target);
    case LossSpec::Kind::Spectral: {
      SpectralOptions o;
      o.n = spec.n;
      o.hop = spec.hop;
      return spectral_loss(output, target, o);
    }
    case LossSpec::Kind::Mrstft: {
      MrstftOptions o;
      o.frames = frames;
      return mrstft_loss(output, target, o);
    }
  }
  throw Error("unknown loss kind");
}

}  // namespace dgen::train
