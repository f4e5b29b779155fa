#include "ir/op_table.hpp"

#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "dgen/error.hpp"

namespace dgen {
namespace {

// Ops are registered once, on first use; OpDefs never move (nodes point at them).
std::map<std::string, std::unique_ptr<OpDef>, std::less<>>& table() {
  static std::map<std::string, std::unique_ptr<OpDef>, std::less<>> ops;
  return ops;
}

// The names dgen's op families register (dgen_ops()), told from ops a program registers.
std::set<std::string>& family_ops() {
  static std::set<std::string> names;
  return names;
}
bool registering_families = false;

void ensure_registered() {
  static std::once_flag once;
  std::call_once(once, [] {
    registering_families = true;
    register_elementwise_ops();
    register_io_ops();
    register_state_ops();
    register_spectral_ops();
    register_tensor_ops();
    register_autodiff_ops();
    registering_families = false;
  });
}

}  // namespace

void register_op(OpDef def) {
  auto& ops = table();
  if (ops.count(def.name)) throw Error("op registered twice: " + def.name);
  std::string name = def.name;
  if (registering_families) family_ops().insert(name);
  ops.emplace(name, std::make_unique<OpDef>(std::move(def)));
}

const OpDef* find_op(std::string_view name) {
  ensure_registered();
  auto it = table().find(name);
  return it == table().end() ? nullptr : it->second.get();
}

const OpDef& op_def(std::string_view name) {
  const OpDef* op = find_op(name);
  if (!op) throw Error("unknown op '" + std::string(name) + "'");
  return *op;
}

std::vector<const OpDef*> all_ops() {
  ensure_registered();
  std::vector<const OpDef*> out;
  for (auto& [name, op] : table()) out.push_back(op.get());
  return out;
}

std::vector<const OpDef*> dgen_ops() {
  ensure_registered();
  std::vector<const OpDef*> out;
  for (const std::string& name : family_ops()) out.push_back(table().at(name).get());
  return out;
}

}  // namespace dgen
