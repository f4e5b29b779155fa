#include "train/loss_spec.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "analysis/graph.hpp"
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/op_table.hpp"

namespace dgen::train {

namespace {

int64_t parse_size(const std::string& text, const std::string& whole) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1)
    throw Error("--loss " + whole + ": '" + text + "' is not a positive integer");
  return v;
}

int free_input_channel(const Value& output, const std::vector<InputChannel>& inputs) {
  int highest = 0;
  for (const InputChannel& in : inputs) highest = std::max(highest, in.channel);
  const OpDef* in_op = &op_def("in");
  for (const Node* n : build_graph({output.node()}).nodes)
    if (n->op == in_op) highest = std::max(highest, int(n->attrs.ints[0]));
  return highest + 1;
}

// "22050 frames (0.500 s)"
std::string length_of(int64_t frames, double sample_rate) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", double(frames) / sample_rate);
  return std::to_string(frames) + " frames (" + seconds + " s)";
}

// "a window of 2048 frames every 512 frames"
std::string window_of(int64_t n, int64_t hop) {
  return "a window of " + std::to_string(n) + " frames every " + std::to_string(hop) + " frames";
}

// The frame where the first full window of size n and hop ends.
int64_t first_window_end(int64_t n, int64_t hop) { return (n - 1 + hop - 1) / hop * hop; }

}  // namespace

std::string check_loss_fits(const LossSpec& spec, int64_t frames, double sample_rate) {
  const std::string target = "the target is " + length_of(frames, sample_rate) + " long";
  if (spec.kind == LossSpec::Kind::Spectral) {
    const int64_t hop = spec.hop ? spec.hop : std::max<int64_t>(spec.n / 4, 1);
    if (spectral_windows(spec.n, hop, frames) == 0)
      throw Error("--loss " + spec.name() + " compares no window: " + target + ", but " +
                  window_of(spec.n, hop) + " first ends at frame " +
                  std::to_string(first_window_end(spec.n, hop)) +
                  " (use a smaller N or HOP, or a longer target)");
  }
  if (spec.kind != LossSpec::Kind::Mrstft) return "";
  const MrstftOptions o;
  std::string left_out;
  int64_t smallest = o.sizes.front();
  for (int64_t n : o.sizes) {
    smallest = std::min(smallest, n);
    if (spectral_windows(n, n / o.hop_divisor, frames) > 0) continue;
    left_out += (left_out.empty() ? "" : ", ") + std::to_string(n);
  }
  const int64_t hop = smallest / o.hop_divisor;
  if (spectral_windows(smallest, hop, frames) == 0)
    throw Error("--loss mrstft compares no window: " + target + ", but its smallest, " +
                window_of(smallest, hop) + ", first ends at frame " +
                std::to_string(first_window_end(smallest, hop)));
  if (left_out.empty()) return "";
  return "--loss mrstft: " + target + ", too short for its sizes " + left_out +
         ", which are left out";
}

std::string LossSpec::name() const {
  switch (kind) {
    case Kind::Mse:
      return "mse";
    case Kind::L1:
      return "l1";
    case Kind::Mrstft:
      return "mrstft";
    case Kind::Spectral:
      return "spectral:" + std::to_string(n) + (hop ? ":" + std::to_string(hop) : "");
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
    case LossSpec::Kind::Mse:
      return mse(output, target);
    case LossSpec::Kind::L1:
      return l1(output, target);
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

TargetLoss loss_against_target(const LossSpec& spec, const Value& output,
                               std::span<const float> target, std::vector<InputChannel> inputs) {
  const int channel = free_input_channel(output, inputs);
  inputs.push_back({channel, target});
  return {build_loss(spec, output, in(channel), int64_t(target.size())), std::move(inputs)};
}

}  // namespace dgen::train
