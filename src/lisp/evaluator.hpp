// The evaluator: walks the forms of a patch, keeps scopes, expands macros, runs the
// special forms (definitions, histories, params, inputs, outputs) and hands every other
// operator to the builtin tables. What it builds is a Patch.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lisp/call.hpp"
#include "lisp/env.hpp"
#include "lisp/patch.hpp"
#include "lisp/sexpr.hpp"

namespace dgen::lisp {

class Evaluator {
 public:
  explicit Evaluator(LoadContext& context);

  // Evaluates the top-level forms in order.
  void run(const std::vector<SExpr>& forms);
  // The patch built so far; fails when it has no output.
  Patch finish();

  Datum eval(const SExpr& e, Env& env);
  // The names of the special forms (def, import, param, …), sorted.
  static std::vector<std::string> special_form_names();
  // A top-level binding (for tests and tools), or nullptr.
  const Datum* global(std::string_view name) const { return global_.find(name); }

 private:
  using SpecialForm = Datum (Evaluator::*)(const SExpr&, Env&);
  static const std::map<std::string, SpecialForm, std::less<>>& special_forms();

  [[noreturn]] void fail(Pos pos, const std::string& message) const;
  Call make_call(const SExpr& form, Env& env);
  std::string symbol_name(const SExpr& e, const std::string& what) const;

  Datum eval_symbol(const SExpr& e, Env& env);
  Datum eval_form(const SExpr& e, Env& env);
  Datum eval_range(const SExpr& e, Env& env);
  Datum expand_macro(const Macro& macro, const SExpr& form, Env& env);
  std::vector<std::string> known_names(const Env& env) const;

  // ---- modules (forms_import.cpp)
  struct Module {
    std::string name, file;
    std::vector<SExpr> forms;
    Env env;
    bool loading = true;  // still being evaluated: importing it now is a cycle
  };
  // Evaluates code of another file for its lifetime: errors point into that file, @file
  // paths start at its directory, and top_ is its top-level scope.
  class SourceSwitch {
   public:
    SourceSwitch(Evaluator& evaluator, std::string file, std::string base_dir, const Env* top);
    ~SourceSwitch();
    SourceSwitch(const SourceSwitch&) = delete;
    SourceSwitch& operator=(const SourceSwitch&) = delete;

   private:
    Evaluator& evaluator_;
    std::string file_, base_dir_;
    const Env* top_;
  };
  Datum import_form(const SExpr& form, Env& env);
  const Module& load_module(const SExpr& name_expr, const std::string& name);
  // Fails when the form runs in a library module: params, inputs and outputs belong to
  // the patch.
  void require_patch_scope(const SExpr& form) const;
  // The error `e`, raised while evaluating code that was entered at `site` of the file
  // `site_file` (a macro call, an import): it says where it came in (`what`, e.g.
  // "in macro 'svf' called") unless it already says so, and where in the patch it came
  // through when it points into another file.
  PatchError entered_at(const PatchError& e, const std::string& what, Pos site,
                        const std::string& site_file) const;

  // ---- special forms (forms_core.cpp)
  Datum def_form(const SExpr& form, Env& env);
  Datum defmacro_form(const SExpr& form, Env& env);
  Datum tuple_form(const SExpr& form, Env& env);
  // ---- histories (forms_history.cpp)
  Datum make_history_form(const SExpr& form, Env& env);
  Datum make_tensor_history_form(const SExpr& form, Env& env);
  Datum read_history_form(const SExpr& form, Env& env);
  Datum write_history_form(const SExpr& form, Env& env);
  Datum make_history(const SExpr& form, Env& env, bool tensor);
  const HistoryCell& history_named(const SExpr& form, Env& env);
  // ---- params (forms_param.cpp)
  Datum param_form(const SExpr& form, Env& env);
  Datum tensor_param_form(const SExpr& form, Env& env);
  Datum mod_form(const SExpr& form, Env& env);
  void scan_params(const std::vector<SExpr>& forms);
  std::string param_identity(Call& call, const std::string& short_name);
  Datum declare_param(Call& call, ParamInfo info, const std::string& short_name);
  void check_envelope(Call& call, const ParamData& data);
  void read_note(Call& call, ParamInfo& info);
  // ---- inputs and outputs (forms_io.cpp)
  Datum in_form(const SExpr& form, Env& env);
  Datum out_form(const SExpr& form, Env& env);
  Datum max_samplerate_form(const SExpr& form, Env& env);

  LoadContext& context_;  // its file and base_dir are those of the code being evaluated
  Env global_;
  const Env* top_ = &global_;  // the top-level scope of the file being evaluated
  // Imported modules by path: each is evaluated once, however often it is imported.
  std::map<std::string, std::unique_ptr<Module>, std::less<>> modules_;
  Patch patch_;
  int depth_ = 0, macro_depth_ = 0;
  int64_t expansions_ = 0;
  std::optional<Value> samplerate_;

  // Params: where each was declared, short names of all top-level declarations (found
  // before evaluation, to report uses before a declaration and ambiguous short names).
  struct Declared {
    std::string identity;
    Pos pos;
  };
  std::map<std::string, std::vector<Declared>, std::less<>> declared_params_;  // by short name
  std::map<std::string, Pos, std::less<>> param_positions_;                    // by identity
  std::map<std::string, std::map<std::string, std::string>>
      envelope_roles_;  // env -> role -> param

  // Modulation: modulator inputs (channel, value) by slot, the resolved (mod x) values
  // by param index, and where the first (mod x) was (modulators must come before it).
  std::map<int, std::pair<int, Value>> modulators_;
  std::map<int, Value> modulated_;
  std::optional<Pos> first_mod_use_;

  struct Output {
    PortInfo port;
    Value node;
    Pos pos;
  };
  std::vector<Output> outputs_;
  std::map<int, std::pair<PortInfo, Pos>> inputs_;  // by channel
};

}  // namespace dgen::lisp
