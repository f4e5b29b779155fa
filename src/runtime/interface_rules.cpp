#include "runtime/interface_rules.hpp"

#include <cmath>
#include <map>
#include <string>

#include "dgen/error.hpp"
#include "dgen/param.hpp"
#include "ir/format_number.hpp"
#include "ir/op_table.hpp"

namespace dgen {

void check_out_channels(std::span<const NodeRef> outputs) {
  std::map<int64_t, const Node*> writer;
  for (const NodeRef& n : outputs) {
    if (n->op->name != "out" || n->attrs.ints.at(0) == 0) continue;
    const auto [it, fresh] = writer.try_emplace(n->attrs.ints[0], n.get());
    if (!fresh && it->second != n.get())
      throw Error("output channel " + std::to_string(it->first) + " is written by two out()s");
  }
}

void check_sample_rate(double sample_rate) {
  if (!(sample_rate > 0 && std::isfinite(sample_rate)))
    throw Error("sample rate must be a finite number > 0, got " + format_number(sample_rate));
}

void check_param_names(std::span<const Node* const> nodes) {
  std::map<std::string, const ParamData*> named;
  for (const Node* n : nodes) {
    if (!n->param) continue;
    const auto [it, fresh] = named.try_emplace(n->param->name, n->param.get());
    if (!fresh && it->second != n->param.get())
      throw Error("two different params are named '" + it->first + "' (params are set by name)");
  }
}

}  // namespace dgen
