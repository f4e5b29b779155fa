// Params: (param name @default v @min lo @max hi @unit u @group g @env e @role r @mod true
// @mod-mode m @trainable false @note gate|pitch|velocity @voices N), (tensor-param name @shape …
// @data …|@file …), and (mod name), the modulated value of a `@mod true` param.
#include <cmath>
#include <set>

#include "lisp/builtins.hpp"
#include "lisp/evaluator.hpp"
#include "lisp/param_names.hpp"

namespace dgen::lisp {

namespace {

const std::set<std::string> kRoles = {"attack", "decay", "sustain", "release"};
const std::set<std::string> kModModes = {"additive", "multiplicative", "semitone"};
const std::set<std::string> kNoteRoles = {"gate", "pitch", "velocity"};
constexpr int64_t kMaxVoices = 64;

// Runs one of the rules every Param obeys (include/dgen/param.hpp), so a patch and the
// C++ API refuse the same params with the same words; the patch's error points at `at`.
template <typename Rule>
void check_at(const Call& call, Pos at, const Rule& rule) {
  try {
    rule();
  } catch (const Error& e) {
    call.fail_at(at, e.what());
  }
}

// @trainable false: `dgen train` holds the param unless --train names it.
Trainable trainable_attr(Call& call) {
  return call.attr_number("trainable", 1) != 0 ? Trainable::yes : Trainable::no;
}

}  // namespace

// Params are unique by (group, name) and named "group.name" when grouped; a bare name
// stays usable while exactly one param has it. Finding every top-level declaration first
// lets a use before the declaration, or of an ambiguous bare name, say so.
void Evaluator::scan_params(const std::vector<SExpr>& forms) {
  for (const SExpr& form : forms) {
    if (form.kind != SExpr::Kind::List || form.items.size() < 2 ||
        form.items[1].kind != SExpr::Kind::Symbol)
      continue;
    if (!form.items[0].is_symbol("param") && !form.items[0].is_symbol("tensor-param") &&
        !form.items[0].is_symbol("wavetable-param"))
      continue;
    const std::string& name = form.items[1].text;
    const std::string identity = qualified(group_of(form), name);
    declared_params_[name].push_back({identity, form.pos});
    if (identity != name) declared_params_[identity].push_back({identity, form.pos});
  }
}

std::string Evaluator::param_identity(Call& call, const std::string& short_name) {
  return qualified(call.attr_word("group", ""), short_name);
}

Datum Evaluator::declare_param(Call& call, ParamInfo info, const std::string& short_name) {
  const std::string& identity = info.param.name();
  if (const auto it = param_positions_.find(identity); it != param_positions_.end())
    fail(call.pos(), "param '" + identity + "' is already declared at " + to_string(it->second));
  param_positions_[identity] = call.pos();
  patch_.params.push_back(std::move(info));
  Datum d(Value(patch_.params.back().param));
  d.param = int(patch_.params.size() - 1);
  global_.set(identity, d);
  std::set<std::string> identities = {identity};
  if (const auto it = declared_params_.find(short_name); it != declared_params_.end())
    for (const Declared& other : it->second) identities.insert(other.identity);
  if (identities.size() == 1) global_.set(short_name, d);
  return d;
}

void Evaluator::check_envelope(Call& call, const ParamData& data) {
  if (!data.role.empty() && !kRoles.count(data.role))
    call.fail_at(call.attr_pos("role"),
                 "param: @role must be attack, decay, sustain or release, got " + data.role);
  if (data.env.empty()) return;
  if (data.role.empty())
    call.fail_at(call.attr_pos("env"),
                 "param: @env needs a @role (attack, decay, sustain or release)");
  std::string& holder = envelope_roles_[data.env][data.role];
  if (!holder.empty())
    call.fail_at(call.attr_pos("role"), "param: envelope '" + data.env + "' already has its " +
                                            data.role + " in '" + holder + "'");
  holder = data.name;
}

// @note gate|pitch|velocity and @voices N (docs/PLUGIN.md, "Instruments"): one param per
// role, and every @voices of a patch the same.
void Evaluator::read_note(Call& call, ParamInfo& info) {
  if (call.has("voices") && !call.has("note"))
    call.fail_at(call.attr_pos("voices"), "param: @voices goes with @note");
  if (!call.has("note")) return;
  info.note = call.attr_word("note", "");
  if (!kNoteRoles.count(info.note))
    call.fail_at(call.attr_pos("note"),
                 "param: @note must be gate, pitch or velocity, got " + info.note);
  for (const ParamInfo& other : patch_.params)
    if (other.note == info.note)
      call.fail_at(call.attr_pos("note"),
                   "param: '" + other.param.name() + "' is already the note's " + info.note);
  if (!call.has("voices")) return;
  const int voices = int(call.attr_integer("voices", 0, 1, kMaxVoices));
  if (patch_.voices && patch_.voices != voices)
    call.fail_at(call.attr_pos("voices"), "param: @voices " + std::to_string(voices) +
                                              " disagrees with an earlier @voices " +
                                              std::to_string(patch_.voices));
  patch_.voices = voices;
}

Datum Evaluator::param_form(const SExpr& form, Env& env) {
  require_patch_scope(form);
  Call call = make_call(form, env);
  call.expect_attributes({"default", "min", "max", "unit", "group", "env", "role", "mod",
                          "mod-mode", "trainable", "note", "voices"});
  if (call.size() != 1)
    fail(form.pos, "param expects (param name @default v [@min lo] [@max hi] …)");
  const std::string name = symbol_name(call.raw(0), "param: the param name");
  const std::string identity = param_identity(call, name);
  ParamOptions options;
  if (call.has("min")) options.min = float(call.attr_number("min", 0));
  if (call.has("max")) options.max = float(call.attr_number("max", 0));
  options.trainable = trainable_attr(call);
  check_at(call, call.attr_pos("max"), [&] { check_param_range(identity, options); });
  float value = float(call.attr_number("default", 0));
  if (!call.has("default"))
    value = std::fmax(options.min.value_or(value), std::fmin(options.max.value_or(value), value));
  check_at(call, call.attr_pos("default"),
           [&] { check_param_values(identity, std::span(&value, 1), options); });

  ParamInfo info{.param = Param(identity, value, options),
                 .default_value = value,
                 .mod = call.attr_number("mod", 0) != 0};
  if (call.has("mod-mode")) {
    if (!info.mod)
      call.fail_at(call.attr_pos("mod-mode"), "param '" + name + "': @mod-mode needs @mod true");
    info.mod_mode = call.attr_word("mod-mode", "");
    if (!kModModes.count(info.mod_mode))
      call.fail_at(call.attr_pos("mod-mode"),
                   "param '" + name +
                       "': @mod-mode must be additive, multiplicative or semitone, got " +
                       info.mod_mode);
  } else if (info.mod) {
    info.mod_mode = "additive";
  }
  ParamData& data = *info.param.data();
  data.unit = call.attr_word("unit", "");
  data.group = call.attr_word("group", "");
  data.env = call.attr_word("env", "");
  data.role = call.attr_word("role", "");
  check_envelope(call, data);
  read_note(call, info);
  return declare_param(call, std::move(info), name);
}

// (tensor-param name @shape [d …] [@data …|@file "x.json"] [@min lo] [@max hi] …); the
// name may also be given as @name.
Datum Evaluator::tensor_param_form(const SExpr& form, Env& env) {
  require_patch_scope(form);
  Call call = make_call(form, env);
  call.expect_attributes({"name", "shape", "data", "file", "default-file", "resample", "min", "max",
                          "unit", "group", "trainable"});
  if (call.size() > 1 || (call.size() == 1) == call.has("name"))
    fail(form.pos,
         "tensor-param expects (tensor-param name @shape [d …] [@data …|@file \"x.json\"])");
  const std::string name = call.size() == 1 ? symbol_name(call.raw(0), "tensor-param: the name")
                                            : call.attr_word("name", "");
  ParamOptions options;
  if (call.has("min")) options.min = float(call.attr_number("min", 0));
  if (call.has("max")) options.max = float(call.attr_number("max", 0));
  options.trainable = trainable_attr(call);
  TensorData data = literal_contents(call, SIZE_MAX);
  if (data.values.empty())
    fail(form.pos, "tensor-param '" + name + "' needs @shape (and @data or @file for contents)");
  const std::string identity = param_identity(call, name);
  check_at(call, call.attr_pos("max"), [&] { check_param_range(identity, options); });
  check_at(call, call.pos(), [&] { check_param_values(identity, data.values, options); });
  ParamInfo info{.param = Param(identity, data.shape, std::move(data.values), options)};
  info.param.data()->unit = call.attr_word("unit", "");
  info.param.data()->group = call.attr_word("group", "");
  return declare_param(call, std::move(info), name);
}

// (mod name): the param plus what its modulator inputs contribute, through a generated
// depth param per modulator (0 by default, so with nothing connected it is the param).
Datum Evaluator::mod_form(const SExpr& form, Env& env) {
  require_patch_scope(form);
  if (form.items.size() != 2) fail(form.pos, "mod expects (mod param-name)");
  const Datum target = eval(form.items[1], env);
  if (target.param < 0)
    fail(form.items[1].pos,
         "mod: expected a param declared with @mod true, got " + describe(target));
  if (const auto it = modulated_.find(target.param); it != modulated_.end()) return it->second;
  const ParamInfo base = patch_.params[size_t(target.param)];
  const std::string& name = base.param.name();
  if (!base.mod)
    fail(form.pos, "(mod " + name + "): param '" + name + "' is not declared with @mod true");
  if (!first_mod_use_) first_mod_use_ = form.pos;
  Value resolved = base.param;
  if (!modulators_.empty()) {
    Value amount = 0.0;
    for (const auto& [slot, source] : modulators_) {
      ParamInfo depth{.param = Param(name + "__mod_depth__slot" + std::to_string(slot), 0.0f),
                      .modulates = name,
                      .modulator_slot = slot};
      amount = amount + Value(depth.param) * source.second;
      patch_.params.push_back(std::move(depth));
    }
    if (base.mod_mode == "multiplicative")
      resolved = resolved * (1.0 + amount);
    else if (base.mod_mode == "semitone")
      resolved = resolved * pow(2.0, amount / 12.0);
    else
      resolved = resolved + amount;
    const ParamData& data = *base.param.data();
    if (data.min && data.max) resolved = clip(resolved, double(*data.min), double(*data.max));
  }
  modulated_.emplace(target.param, resolved);
  return resolved;
}

}  // namespace dgen::lisp
