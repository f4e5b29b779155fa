#include "train/loss_spec.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "analysis/graph.hpp"
#include "dgen/error.hpp"
#include "dgen/perceptual_losses.hpp"
#include "ir/op_table.hpp"

namespace dgen::train {

namespace {

using Kind = LossTerm::Kind;

constexpr double kReferenceRate = 44100;
const char* const kForms =
    "mse, l1, mrstft[:low|:short], spectral:N[:HOP], logmel[:N[:HOP]], loudness[:N[:HOP]], "
    "or a weighted sum such as mrstft+0.1*loudness";

int64_t parse_size(const std::string& text, const std::string& whole) {
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 1)
    throw Error("--loss " + whole + ": '" + text + "' is not a positive integer");
  return v;
}

// The power of two nearest (in ratio) to `frames_at_reference` × sample_rate / 44100.
int64_t scaled_size(int64_t frames_at_reference, double sample_rate) {
  const double exact = double(frames_at_reference) * sample_rate / kReferenceRate;
  return int64_t(1) << std::max(1, int(std::lround(std::log2(exact))));
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

// The window and hop of a term with one window (spectral, logmel, loudness).
std::pair<int64_t, int64_t> window_and_hop(const LossTerm& term, double sample_rate) {
  const int64_t n = term.n ? term.n : default_window_size(sample_rate);
  return {n, term.hop ? term.hop : std::max<int64_t>(n / 4, 1)};
}

bool has_one_window(Kind kind) {
  return kind == Kind::Spectral || kind == Kind::LogMel || kind == Kind::Loudness;
}

// Throws when the term compares no window in `frames`; returns a warning naming the
// mrstft sizes left out (empty when none is).
std::string check_term_fits(const LossTerm& term, int64_t frames, double sample_rate) {
  const std::string target = "the target is " + length_of(frames, sample_rate) + " long";
  if (has_one_window(term.kind)) {
    const auto [n, hop] = window_and_hop(term, sample_rate);
    if (spectral_windows(n, hop, frames) == 0)
      throw Error("--loss " + term.name() + " compares no window: " + target + ", but " +
                  window_of(n, hop) + " first ends at frame " +
                  std::to_string(first_window_end(n, hop)) +
                  " (use a smaller N or HOP, or a longer target)");
  }
  if (term.kind != Kind::Mrstft) return "";
  const int64_t divisor = MrstftOptions{}.hop_divisor;
  const std::vector<int64_t> sizes = mrstft_sizes(term.preset, sample_rate);
  std::string left_out;
  for (int64_t n : sizes) {
    if (spectral_windows(n, n / divisor, frames) > 0) continue;
    left_out += (left_out.empty() ? "" : ", ") + std::to_string(n);
  }
  const int64_t smallest = *std::min_element(sizes.begin(), sizes.end());
  const int64_t hop = smallest / divisor;
  if (spectral_windows(smallest, hop, frames) == 0)
    throw Error("--loss " + term.name() + " compares no window: " + target +
                ", but its smallest, " + window_of(smallest, hop) + ", first ends at frame " +
                std::to_string(first_window_end(smallest, hop)));
  if (left_out.empty()) return "";
  return "--loss " + term.name() + ": " + target + ", too short for its sizes " + left_out +
         ", which are left out";
}

// [N[:HOP]] after "spectral:", "logmel:" or "loudness:".
void parse_window(const std::string& rest, const std::string& whole, LossTerm& term) {
  const size_t colon = rest.find(':');
  term.n = parse_size(rest.substr(0, colon), whole);
  if (colon != std::string::npos) term.hop = parse_size(rest.substr(colon + 1), whole);
  if (term.n & (term.n - 1))
    throw Error("--loss " + whole + ": the window size must be a power of two");
}

// One term without its weight: "mrstft:low", "spectral:4096:1024", ...
LossTerm parse_term_name(const std::string& text, const std::string& whole) {
  LossTerm term;
  if (text == "mse" || text == "l1" || text == "mrstft") {
    term.kind = text == "mse" ? Kind::Mse : text == "l1" ? Kind::L1 : Kind::Mrstft;
    return term;
  }
  if (text.starts_with("mrstft:")) {
    term.preset = text.substr(7);
    if (term.preset != "low" && term.preset != "short")
      throw Error("--loss " + whole + ": unknown mrstft preset '" + term.preset +
                  "' (expected low or short)");
    return term;
  }
  for (const auto& [prefix, kind] :
       {std::pair{"spectral", Kind::Spectral}, std::pair{"logmel", Kind::LogMel},
        std::pair{"loudness", Kind::Loudness}}) {
    const std::string head = prefix;
    term.kind = kind;
    if (text == head && kind != Kind::Spectral) return term;
    if (text.starts_with(head + ":")) {
      parse_window(text.substr(head.size() + 1), whole, term);
      return term;
    }
  }
  throw Error("unknown loss '" + text + "' (expected " + kForms + ")");
}

// The terms of "a+0.1*b": split at every '+' that is not the sign of an exponent.
std::vector<std::string> split_terms(const std::string& text) {
  std::vector<std::string> parts{""};
  for (size_t i = 0; i < text.size(); ++i) {
    const bool exponent_sign =
        i >= 2 && (text[i - 1] == 'e' || text[i - 1] == 'E') &&
        (std::isdigit(static_cast<unsigned char>(text[i - 2])) || text[i - 2] == '.');
    if (text[i] == '+' && !exponent_sign)
      parts.emplace_back();
    else
      parts.back() += text[i];
  }
  return parts;
}

LossTerm parse_term(const std::string& text, const std::string& whole) {
  if (text.empty()) throw Error("--loss " + whole + ": an empty term (expected " + kForms + ")");
  const size_t star = text.find('*');
  if (star == std::string::npos) return parse_term_name(text, whole);
  const std::string weight = text.substr(0, star);
  double w = 0;
  const auto [end, ec] = std::from_chars(weight.data(), weight.data() + weight.size(), w);
  if (ec != std::errc() || end != weight.data() + weight.size() || !std::isfinite(w) || !(w > 0))
    throw Error("--loss " + whole + ": the weight '" + weight + "' is not a positive number");
  LossTerm term = parse_term_name(text.substr(star + 1), whole);
  term.weight = w;
  return term;
}

// The weight as written: "0.1*", nothing for 1.
std::string weight_prefix(double weight) {
  if (weight == 1) return "";
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {  // the shortest form that reads back
    std::snprintf(text, sizeof text, "%.*g", digits, weight);
    if (std::strtod(text, nullptr) == weight) break;
  }
  return std::string(text) + "*";
}

Value build_term(const LossTerm& term, const Value& output, const Value& target, int64_t frames,
                 double sample_rate) {
  switch (term.kind) {
    case Kind::Mse:
      return mse(output, target);
    case Kind::L1:
      return l1(output, target);
    case Kind::Spectral:
      return spectral_loss(output, target, {.n = term.n, .hop = term.hop});
    case Kind::Mrstft:
      return mrstft_loss(output, target,
                         {.sizes = mrstft_sizes(term.preset, sample_rate), .frames = frames});
    case Kind::LogMel: {
      const auto [n, hop] = window_and_hop(term, sample_rate);
      return logmel_loss(output, target,
                         {.n = n, .hop = hop, .sample_rate = sample_rate, .frames = frames});
    }
    case Kind::Loudness: {
      const auto [n, hop] = window_and_hop(term, sample_rate);
      return loudness_loss(output, target, {.n = n, .hop = hop, .frames = frames});
    }
  }
  throw Error("unknown loss kind");
}

}  // namespace

std::vector<int64_t> mrstft_sizes(const std::string& preset, double sample_rate) {
  const int64_t largest = preset == "low" ? 8192 : preset == "short" ? 1024 : 2048;
  std::vector<int64_t> sizes;
  for (int64_t n = largest; n >= largest / 32; n /= 2) sizes.push_back(scaled_size(n, sample_rate));
  return sizes;
}

DefaultLoss default_loss(const TargetAnalysis& target) {
  DefaultLoss chosen;
  chosen.spec.sample_rate = target.sample_rate;
  const auto voiced =
      std::count_if(target.f0.begin(), target.f0.end(), [](double f) { return f > 0; });
  const double longest = double(mrstft_sizes("", target.sample_rate).front());
  const double below = 4 * target.sample_rate / longest;  // 4 periods in the longest window
  const bool pitched = target.f0_median > 0 && 2 * voiced >= int64_t(target.f0.size());
  if (!pitched || target.f0_median >= below ||
      target.frames < mrstft_sizes("low", target.sample_rate).front())
    return chosen;
  chosen.spec.terms[0].preset = "low";
  char line[200];
  std::snprintf(line, sizeof line,
                "mrstft:low (the target's fundamental, %.1f Hz, is below %.0f Hz: longer windows)",
                target.f0_median, below);
  chosen.why = line;
  return chosen;
}

int64_t default_window_size(double sample_rate) { return scaled_size(2048, sample_rate); }

std::string check_loss_fits(const LossSpec& spec, int64_t frames) {
  std::string warnings;
  for (const LossTerm& term : spec.terms) {
    const std::string warning = check_term_fits(term, frames, spec.sample_rate);
    if (!warning.empty()) warnings += (warnings.empty() ? "" : "; ") + warning;
  }
  return warnings;
}

std::string LossTerm::name() const {
  const std::string w = weight_prefix(weight);
  const std::string window =
      n ? ":" + std::to_string(n) + (hop ? ":" + std::to_string(hop) : "") : "";
  switch (kind) {
    case Kind::Mse:
      return w + "mse";
    case Kind::L1:
      return w + "l1";
    case Kind::Mrstft:
      return w + "mrstft" + (preset.empty() ? "" : ":" + preset);
    case Kind::Spectral:
      return w + "spectral" + window;
    case Kind::LogMel:
      return w + "logmel" + window;
    case Kind::Loudness:
      return w + "loudness" + window;
  }
  return "";
}

std::string LossSpec::name() const {
  std::string out;
  for (const LossTerm& term : terms) out += (out.empty() ? "" : "+") + term.name();
  return out;
}

LossSpec parse_loss_spec(const std::string& text) {
  LossSpec spec;
  spec.terms.clear();
  for (const std::string& part : split_terms(text)) spec.terms.push_back(parse_term(part, text));
  return spec;
}

Value build_loss(const LossSpec& spec, const Value& output, const Value& target, int64_t frames) {
  if (spec.terms.empty()) throw Error("the loss has no terms");
  std::vector<Value> terms;
  for (const LossTerm& term : spec.terms) {
    const Value loss = build_term(term, output, target, frames, spec.sample_rate);
    terms.push_back(term.weight == 1 ? loss : term.weight * loss);
  }
  Value total = terms[0];
  for (size_t i = 1; i < terms.size(); ++i) total = total + terms[i];
  return total;
}

TargetLoss loss_against_target(const LossSpec& spec, const Value& output,
                               std::span<const float> target, std::vector<InputChannel> inputs) {
  const int channel = free_input_channel(output, inputs);
  inputs.push_back({channel, target});
  return {build_loss(spec, output, in(channel), int64_t(target.size())), std::move(inputs)};
}

}  // namespace dgen::train
