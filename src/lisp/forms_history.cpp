// History cells: (make-history name), (read-history name), (write-history name expr),
// and the tensor forms with @shape, @hop and @init. A cell is bound like any name, so
// one made inside a macro belongs to that expansion.
#include "lisp/builtins.hpp"
#include "lisp/evaluator.hpp"
#include "lisp/limits.hpp"

namespace dgen::lisp {

Datum Evaluator::make_history_form(const SExpr& form, Env& env) {
  return make_history(form, env, false);
}
Datum Evaluator::make_tensor_history_form(const SExpr& form, Env& env) {
  return make_history(form, env, true);
}

Datum Evaluator::make_history(const SExpr& form, Env& env, bool tensor) {
  Call call = make_call(form, env);
  const std::string op = call.op();
  if (call.size() != 1)
    fail(form.pos, op + " expects (" + op + " name [@shape [d …]] [@hop h] [@init values])");
  call.expect_attributes({"shape", "hop", "init", "data"});
  const std::string name = symbol_name(call.raw(0), op + ": the history name");
  TensorData init = literal_contents(call, SIZE_MAX);
  if (tensor && init.shape.empty())
    fail(form.pos, op + " needs @shape [d …] (or @init with a tensor)");
  const int64_t hop = call.attr_integer("hop", 1, 1, kMaxElements);
  try {
    HistoryCell cell{History(init.shape, std::move(init.values), hop, name)};
    env.set(name, Datum(Datum::Variant(std::move(cell))));
  } catch (const Error& e) {
    fail(form.pos, op + ": " + e.what());
  }
  return {};
}

const HistoryCell& Evaluator::history_named(const SExpr& form, Env& env) {
  const SExpr& name_expr = form.items.at(1);
  const std::string op = form.items[0].text;
  const std::string name = symbol_name(name_expr, op + ": the history name");
  const Datum* d = env.find(name);
  if (!d)
    fail(name_expr.pos,
         op + ": unknown history '" + name + "': create it first with (make-history " + name + ")");
  const HistoryCell* cell = d->get<HistoryCell>();
  if (!cell)
    fail(name_expr.pos, op + ": '" + name + "' is " + describe(*d) + ", not a history cell");
  return *cell;
}

Datum Evaluator::read_history_form(const SExpr& form, Env& env) {
  if (form.items.size() != 2)
    fail(form.pos, form.items[0].text + " expects (" + form.items[0].text + " name)");
  return history_named(form, env).cell.read();
}

// (write-history name expr [reset]): stores expr (0 while reset > 0) and returns what it
// stored.
Datum Evaluator::write_history_form(const SExpr& form, Env& env) {
  const std::string& op = form.items[0].text;
  if (form.items.size() != 3 && form.items.size() != 4)
    fail(form.pos, op + " expects (" + op + " name expr [reset])");
  const HistoryCell& cell = history_named(form, env);
  auto numeric = [&](const SExpr& e, const char* what) {
    const Datum d = eval(e, env);
    if (!d.is_numeric())
      fail(e.pos, op + ": " + what + " must be a signal or a number, got " + describe(d));
    return d.value();
  };
  Value stored = numeric(form.items[2], "the value");
  if (form.items.size() == 4) stored = gswitch(numeric(form.items[3], "the reset"), 0.0, stored);
  try {
    return cell.cell.write(stored);
  } catch (const Error& e) {
    fail(form.pos, op + ": " + e.what());
  }
}

}  // namespace dgen::lisp
