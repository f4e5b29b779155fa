// The builtin table and the one place builtins are run (arity, attributes, API errors).
#include "lisp/builtins.hpp"

#include <exception>

#include "lisp/limits.hpp"
#include "lisp/patch.hpp"

namespace dgen::lisp {

void Builtins::add(std::string name, BuiltinFn fn, size_t min_args, size_t max_args,
                   const char* usage, std::vector<std::string_view> attributes) {
  table_[std::move(name)] = {std::move(fn), min_args, max_args, std::move(attributes), usage};
}

void Builtins::alias(std::string alias, const std::string& name) {
  table_[std::move(alias)] = table_.at(name);
}

const Builtin* Builtins::find(std::string_view name) const {
  const auto it = table_.find(name);
  return it == table_.end() ? nullptr : &it->second;
}

std::vector<std::string> Builtins::names() const {
  std::vector<std::string> out;
  for (const auto& [name, builtin] : table_) out.push_back(name);
  return out;
}

const Builtins& builtins() {
  static const Builtins table = [] {
    Builtins t;
    add_math_builtins(t);
    add_signal_builtins(t);
    add_spectral_builtins(t);
    add_tensor_builtins(t);
    add_tensor_op_builtins(t);
    return t;
  }();
  return table;
}

namespace {

// API messages usually start with the primitive's name ("add: cannot broadcast ...");
// say which patch operator it came from when that name differs.
std::string api_message(const std::string& op, const std::string& what) {
  return what.rfind(op + ":", 0) == 0 ? what : op + ": " + what;
}

void check_result_size(Call& call, const Datum& result) {
  auto check = [&](const Datum& d) {
    if (d.is_value() && numel(std::get<Value>(d.v).shape()) > kMaxElements)
      call.fail(call.op() + ": result of shape " + to_string(std::get<Value>(d.v).shape()) +
                " has more than " + std::to_string(kMaxElements) + " elements");
  };
  check(result);
  if (const Tuple* t = result.get<Tuple>())
    for (const Datum& d : t->items) check(d);
}

}  // namespace

Datum call_builtin(const Builtin& builtin, Call& call) {
  call.expect_arity(builtin.min_args, builtin.max_args, builtin.usage);
  call.expect_attributes(builtin.attributes);
  call.evaluate_all();
  try {
    Datum result = builtin.fn(call);
    check_result_size(call, result);
    return result;
  } catch (const PatchError&) {
    throw;
  } catch (const std::exception& e) {
    call.fail(api_message(call.op(), e.what()));
  }
}

}  // namespace dgen::lisp
