// Host audio: (in ch @name n [@modulator k]) and (out expr ch @name n). Channels are
// 1-based; every channel is listed once in the patch's ports.
#include <algorithm>

#include "lisp/evaluator.hpp"
#include "runtime/interface_rules.hpp"

namespace dgen::lisp {

namespace {
constexpr int64_t kMaxModulatorSlot = 64;
constexpr int64_t kMaxLatencyFrames = int64_t(1) << 24;  // LV2 reports it as a float
}  // namespace

Datum Evaluator::in_form(const SExpr& form, Env& env) {
  require_patch_scope(form);
  Call call = make_call(form, env);
  call.expect_attributes({"name", "modulator"});
  if (call.size() != 1) fail(form.pos, "in expects (in channel [@name n] [@modulator k])");
  const int channel = int(call.integer(0, 1, kMaxChannel));
  PortInfo port{channel, call.attr_word("name", ""),
                int(call.attr_integer("modulator", 0, 1, kMaxModulatorSlot))};
  const Value input = in(channel);

  auto [it, fresh] = inputs_.try_emplace(channel, port, form.pos);
  PortInfo& known = it->second.first;
  if (!fresh) {
    const std::string where = " at " + to_string(it->second.second);
    if (!port.name.empty() && !known.name.empty() && port.name != known.name)
      fail(call.attr_pos("name"), "input channel " + std::to_string(channel) +
                                      " is already named '" + known.name + "'" + where);
    if (port.modulator && known.modulator && port.modulator != known.modulator)
      fail(call.attr_pos("modulator"), "input channel " + std::to_string(channel) +
                                           " is already modulator " +
                                           std::to_string(known.modulator) + where);
    if (known.name.empty()) known.name = port.name;
    if (!known.modulator) known.modulator = port.modulator;
  }
  if (port.modulator) {
    const auto [slot, added] = modulators_.try_emplace(port.modulator, channel, input);
    if (!added && slot->second.first != channel)
      fail(call.attr_pos("modulator"), "modulator slot " + std::to_string(port.modulator) +
                                           " is already input channel " +
                                           std::to_string(slot->second.first));
    if (added && first_mod_use_)
      fail(call.attr_pos("modulator"),
           "declare modulator inputs before any (mod …): the first is at " +
               to_string(*first_mod_use_));
  }
  return input;
}

Datum Evaluator::out_form(const SExpr& form, Env& env) {
  require_patch_scope(form);
  Call call = make_call(form, env);
  call.expect_attributes({"name", "modulator", "latency"});
  if (call.size() != 2)
    fail(form.pos, "out expects (out expr channel [@name n])");
  const Value signal = call.value(0);
  if (!signal.shape().empty())
    fail(call.arg_pos(0), "out: an output must be a scalar signal, got " + describe(Datum(signal)) +
                              " (reduce it first, e.g. with sum or peek)");
  const int channel = int(call.integer(1, 1, kMaxChannel));
  PortInfo port{channel, call.attr_word("name", ""),
                int(call.attr_integer("modulator", 0, 1, kMaxModulatorSlot)),
                call.attr_integer("latency", 0, 0, kMaxLatencyFrames)};
  const Value node = [&] {
    try {
      return out(signal, channel);
    } catch (const Error& e) {
      fail(form.pos, std::string("out: ") + e.what());
    }
  }();
  // The rule is the C++ API's (a Program refuses the same); the patch adds where.
  std::vector<NodeRef> nodes;
  for (const Output& o : outputs_) nodes.push_back(o.node.node());
  nodes.push_back(node.node());
  try {
    check_out_channels(nodes);
  } catch (const Error& e) {
    const auto other = std::find_if(outputs_.begin(), outputs_.end(),
                                    [&](const Output& o) { return o.port.channel == channel; });
    fail(call.arg_pos(1),
         e.what() + std::string(" (the other is at ") + to_string(other->pos) + ")");
  }
  outputs_.push_back({port, node, form.pos});
  return {};
}

// (max-samplerate hz): the highest rate the patch renders at; sizes written with samplerate
// are planned for it (docs/LANGUAGE.md, "Sizes in seconds").
Datum Evaluator::max_samplerate_form(const SExpr& form, Env& env) {
  require_patch_scope(form);
  Call call = make_call(form, env);
  if (call.size() != 1) fail(form.pos, "max-samplerate expects (max-samplerate hz)");
  call.expect_attributes({});
  if (patch_.max_sample_rate > 0) fail(form.pos, "max-samplerate is declared twice");
  if (context_.first_rate_size)
    fail(form.pos, "max-samplerate must come before the first size that uses samplerate (at " +
                       to_string(*context_.first_rate_size) + ")");
  constexpr double kLowest = 1000, kHighest = 768000;
  const double rate = call.number(0);
  if (!(rate >= kLowest && rate <= kHighest))
    fail(call.arg_pos(0),
         "max-samplerate: the rate must be in [1000, 768000] Hz, got " + format_number(rate));
  context_.max_sample_rate = patch_.max_sample_rate = rate;
  return {};
}

Patch Evaluator::finish() {
  if (outputs_.empty()) fail({1, 1}, "the patch has no output: add one, e.g. (out signal 1)");
  std::sort(outputs_.begin(), outputs_.end(),
            [](const Output& a, const Output& b) { return a.port.channel < b.port.channel; });
  Patch patch = patch_;
  for (const Output& o : outputs_) {
    patch.outputs.push_back(o.node);
    patch.output_ports.push_back(o.port);
  }
  for (const auto& [channel, port] : inputs_) patch.input_ports.push_back(port.first);
  if (context_.first_rate_size) patch.max_sample_rate = context_.max_sample_rate;
  return patch;
}

}  // namespace dgen::lisp
