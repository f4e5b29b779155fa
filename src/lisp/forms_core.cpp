// The special forms of the language core: def (with destructuring), defmacro, tuple.
#include <set>

#include "lisp/evaluator.hpp"

namespace dgen::lisp {

// (def name expr) or (def (a b …) tuple-expr)
Datum Evaluator::def_form(const SExpr& form, Env& env) {
  if (form.items.size() != 3)
    fail(form.pos, "def expects (def name expr) or (def (a b …) tuple-expr)");
  const SExpr& target = form.items[1];
  if (target.kind == SExpr::Kind::List || target.kind == SExpr::Kind::Bracket) {
    std::vector<std::string> names;
    for (const SExpr& item : target.items)
      names.push_back(symbol_name(item, "def: each destructured target"));
    if (names.empty()) fail(target.pos, "def: destructuring needs at least one name");
    Datum value = eval(form.items[2], env);
    const Tuple* tuple = value.get<Tuple>();
    if (!tuple || tuple->items.size() != names.size())
      fail(form.items[2].pos,
           "def: (" +
               std::string(names.size() == 1 ? "one name"
                                             : std::to_string(names.size()) + " names") +
               ") needs a tuple of " + std::to_string(names.size()) + " values, got " +
               describe(value));
    for (size_t i = 0; i < names.size(); ++i) env.set(names[i], tuple->items[i]);
    return {};
  }
  const std::string name = symbol_name(target, "def: the defined name");
  Datum value = eval(form.items[2], env);
  if (value.is_nothing())
    fail(form.items[2].pos,
         "def: '" + name + "' would be bound to nothing (the expression gives no value)");
  env.set(name, std::move(value));
  return {};
}

// (defmacro name (params …) body …): the last body form is the value.
Datum Evaluator::defmacro_form(const SExpr& form, Env& env) {
  if (form.items.size() < 4) fail(form.pos, "defmacro expects (defmacro name (params …) body …)");
  auto macro = std::make_shared<Macro>();
  macro->name = symbol_name(form.items[1], "defmacro: the macro name");
  macro->form = &form;
  macro->file = context_.file;
  macro->base_dir = context_.base_dir;
  macro->scope = top_;
  const SExpr& params = form.items[2];
  if (params.kind != SExpr::Kind::List && params.kind != SExpr::Kind::Bracket)
    fail(params.pos,
         "defmacro: expected a parameter list like (a b), got " + describe(params.kind));
  std::set<std::string> seen;
  for (const SExpr& p : params.items) {
    macro->params.push_back(symbol_name(p, "defmacro: each parameter"));
    if (!seen.insert(p.text).second)
      fail(p.pos, "defmacro: parameter '" + p.text + "' appears twice");
  }
  const std::string name = macro->name;
  env.set(name, Datum(Datum::Variant(std::shared_ptr<const Macro>(std::move(macro)))));
  return {};
}

// (tuple a b …)
Datum Evaluator::tuple_form(const SExpr& form, Env& env) {
  if (form.items.size() < 2) fail(form.pos, "tuple expects at least one value: (tuple a b …)");
  Tuple tuple;
  for (size_t i = 1; i < form.items.size(); ++i) {
    const SExpr& item = form.items[i];
    if (item.kind == SExpr::Kind::Attribute) fail(item.pos, "tuple takes no attributes");
    Datum d = eval(item, env);
    if (d.is_nothing()) fail(item.pos, "tuple: element " + std::to_string(i) + " gives no value");
    tuple.items.push_back(std::move(d));
  }
  return Datum(Datum::Variant(std::move(tuple)));
}

}  // namespace dgen::lisp
