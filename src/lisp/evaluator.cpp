// Evaluation of expressions: atoms, ranges, [lists], and forms (special forms, macro
// expansions and builtin calls), with depth limits so no input can exhaust the stack.
#include "lisp/evaluator.hpp"

#include <cmath>
#include <numbers>

#include "lisp/builtins.hpp"
#include "lisp/limits.hpp"
#include "lisp/suggest.hpp"

namespace dgen::lisp {

namespace {

struct Constant {
  const char* name;
  double value;
};
constexpr Constant kConstants[] = {
    {"pi", std::numbers::pi},
    {"twopi", 2 * std::numbers::pi},
    {"tau", 2 * std::numbers::pi},
    {"e", std::numbers::e},
    {"true", 1.0},
    {"false", 0.0},
};

// Counts nesting on the way in and out of eval.
class DepthGuard {
 public:
  DepthGuard(int& depth, int limit) : depth_(depth), over_(++depth > limit) {}
  ~DepthGuard() { --depth_; }
  bool over() const { return over_; }

 private:
  int& depth_;
  bool over_;
};

}  // namespace

Evaluator::Evaluator(LoadContext& context) : context_(context) { patch_.file = context.file; }

const std::map<std::string, Evaluator::SpecialForm, std::less<>>& Evaluator::special_forms() {
  static const std::map<std::string, SpecialForm, std::less<>> forms = {
      {"def", &Evaluator::def_form},
      {"defmacro", &Evaluator::defmacro_form},
      {"import", &Evaluator::import_form},
      {"tuple", &Evaluator::tuple_form},
      {"make-history", &Evaluator::make_history_form},
      {"read-history", &Evaluator::read_history_form},
      {"write-history", &Evaluator::write_history_form},
      {"make-tensor-history", &Evaluator::make_tensor_history_form},
      {"read-tensor-history", &Evaluator::read_history_form},
      {"write-tensor-history", &Evaluator::write_history_form},
      {"param", &Evaluator::param_form},
      {"tensor-param", &Evaluator::tensor_param_form},
      {"wavetable-param", &Evaluator::tensor_param_form},  // the predecessor's name
      {"mod", &Evaluator::mod_form},
      {"in", &Evaluator::in_form},
      {"out", &Evaluator::out_form},
      {"max-samplerate", &Evaluator::max_samplerate_form},
  };
  return forms;
}

std::vector<std::string> Evaluator::special_form_names() {
  std::vector<std::string> names;
  for (const auto& [name, form] : special_forms()) names.push_back(name);
  return names;
}

void Evaluator::fail(Pos pos, const std::string& message) const {
  throw PatchError(context_.file, pos.line, pos.col, message);
}

Call Evaluator::make_call(const SExpr& form, Env& env) {
  return Call(form, context_, [this, &env](const SExpr& e) { return eval(e, env); });
}

std::string Evaluator::symbol_name(const SExpr& e, const std::string& what) const {
  if (e.kind != SExpr::Kind::Symbol) fail(e.pos, what + " must be a name, got " + describe(e.kind));
  return e.text;
}

void Evaluator::run(const std::vector<SExpr>& forms) {
  scan_params(forms);
  for (const SExpr& form : forms) eval(form, global_);
}

Datum Evaluator::eval(const SExpr& e, Env& env) {
  const DepthGuard guard(depth_, kMaxEvalDepth);
  if (guard.over())
    fail(e.pos, "expressions nested more than " + std::to_string(kMaxEvalDepth) +
                    " deep (through macros)");
  switch (e.kind) {
    case SExpr::Kind::Number:
      return e.number;
    case SExpr::Kind::String:
      return Datum(Datum::Variant(e.text));
    case SExpr::Kind::Symbol:
      return eval_symbol(e, env);
    case SExpr::Kind::Attribute:
      fail(e.pos, "attribute @" + e.text + " must follow an operator inside a form");
    case SExpr::Kind::Range:
      return eval_range(e, env);
    case SExpr::Kind::Bracket: {
      List list;
      for (const SExpr& item : e.items) list.items.push_back(eval(item, env));
      return Datum(Datum::Variant(std::move(list)));
    }
    case SExpr::Kind::List:
      return eval_form(e, env);
  }
  fail(e.pos, "cannot evaluate this expression");
}

Datum Evaluator::eval_range(const SExpr& e, Env& env) {
  int64_t ends[2];
  for (int i = 0; i < 2; ++i) {
    const Datum d = eval(e.items[i], env);
    if (!d.is_number() || d.number() != std::floor(d.number()) ||
        std::fabs(d.number()) > double(kMaxElements))
      fail(e.items[i].pos,
           "a range end must be an integer known when the patch loads, got " + describe(d));
    ends[i] = static_cast<int64_t>(d.number());
  }
  return Datum(Datum::Variant(Range{ends[0], ends[1]}));
}

std::vector<std::string> Evaluator::known_names(const Env& env) const {
  std::vector<std::string> names = builtins().names();
  env.collect_names(names);
  for (const Constant& c : kConstants) names.push_back(c.name);
  names.push_back("samplerate");
  for (const auto& [name, form] : special_forms()) names.push_back(name);
  return names;
}

Datum Evaluator::eval_symbol(const SExpr& e, Env& env) {
  const std::string& name = e.text;
  if (const Datum* d = env.find(name)) return *d;
  for (const Constant& c : kConstants)
    if (name == c.name) return c.value;
  if (name == "samplerate" || name == "sample-rate") {
    if (!samplerate_) samplerate_ = samplerate();
    return *samplerate_;
  }
  if (const auto it = declared_params_.find(name); it != declared_params_.end()) {
    const std::vector<Declared>& decls = it->second;
    if (decls.size() > 1) {
      std::string options;
      for (const Declared& d : decls) options += (options.empty() ? "" : " or ") + d.identity;
      fail(e.pos, "param name '" + name + "' is ambiguous: say " + options);
    }
    fail(e.pos,
         "param '" + name + "' is used before its declaration at " + to_string(decls[0].pos));
  }
  if (builtins().find(name) || special_forms().count(name))
    fail(e.pos, "'" + name + "' is an operator: call it as (" + name + " …)");
  fail(e.pos, "unknown symbol '" + name + "'" + did_you_mean(name, known_names(env)));
}

Datum Evaluator::eval_form(const SExpr& e, Env& env) {
  if (e.items.empty()) fail(e.pos, "empty form (): expected an operator, e.g. (sin x)");
  const SExpr& head = e.items[0];
  if (head.kind != SExpr::Kind::Symbol)
    fail(head.pos, "expected an operator name at the start of a form, got " + describe(head.kind));
  const std::string& name = head.text;
  if (const auto it = special_forms().find(name); it != special_forms().end())
    return (this->*(it->second))(e, env);
  const Datum* bound = env.find(name);
  if (bound) {
    if (const auto* macro = bound->get<std::shared_ptr<const Macro>>())
      return expand_macro(**macro, e, env);
  }
  if (const Builtin* builtin = builtins().find(name)) {
    Call call = make_call(e, env);
    return call_builtin(*builtin, call);
  }
  if (bound) fail(head.pos, "'" + name + "' is " + describe(*bound) + ", not an operator or macro");
  fail(head.pos, "unknown operator '" + name + "'" + did_you_mean(name, known_names(env)));
}

Datum Evaluator::expand_macro(const Macro& macro, const SExpr& form, Env& env) {
  const size_t given = form.items.size() - 1;
  for (size_t i = 1; i < form.items.size(); ++i)
    if (form.items[i].kind == SExpr::Kind::Attribute)
      fail(form.items[i].pos, "macro '" + macro.name + "' takes no attributes");
  if (given != macro.params.size()) {
    std::string params;
    for (const std::string& p : macro.params) params += (params.empty() ? "" : " ") + p;
    fail(form.pos, "macro '" + macro.name + "' expects " + std::to_string(macro.params.size()) +
                       (macro.params.size() == 1 ? " argument (" : " arguments (") + params +
                       "), got " + std::to_string(given));
  }
  if (++expansions_ > kMaxExpansions)
    fail(form.pos, "more than " + std::to_string(kMaxExpansions) +
                       " macro expansions (a runaway recursive macro?)");
  // Arguments are evaluated once, in the caller's scope; the body runs in a fresh scope
  // whose parent is the top-level scope of the macro's own file.
  Env scope(macro.scope);
  for (size_t i = 0; i < given; ++i) {
    scope.set(macro.params[i], eval(form.items[i + 1], env));
  }
  const DepthGuard guard(macro_depth_, kMaxMacroDepth);
  if (guard.over())
    fail(form.pos, "macro '" + macro.name + "' expands more than " +
                       std::to_string(kMaxMacroDepth) + " levels deep (does it call itself?)");
  const std::string caller = context_.file;
  try {
    const SourceSwitch source(*this, macro.file, macro.base_dir, macro.scope);
    Datum result;
    for (size_t i = 3; i < macro.form->items.size(); ++i)
      result = eval(macro.form->items[i], scope);
    return result;
  } catch (const PatchError& e) {
    throw entered_at(e, "in macro '" + macro.name + "' called", form.pos, caller);
  }
}

}  // namespace dgen::lisp
