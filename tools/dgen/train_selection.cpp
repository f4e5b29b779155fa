#include "train_selection.hpp"

#include <algorithm>
#include <set>

#include "dgen/error.hpp"
#include "run_options.hpp"

namespace dgen::cli {

namespace {

using Names = std::set<const ParamData*>;

// The params a list of names refers to.
Names resolve(lisp::Patch& patch, const std::vector<std::string>& names) {
  Names out;
  for (const std::string& name : names) out.insert(find_param(patch, name).param.data().get());
  return out;
}

bool bounded(const ParamData& d) { return d.min && d.max; }

// Why a param is not trained ("" when it is).
std::string why_frozen(const ParamData& d, const Names& held, const Names& frozen,
                       const Names& trained, bool train_given) {
  if (held.count(&d)) return "held by --set";
  if (frozen.count(&d)) return "--freeze";
  if (train_given && !trained.count(&d)) return "not named by --train";
  if (!bounded(d)) return "has no @min and @max";
  if (!d.trainable && !trained.count(&d)) return "@trainable false";
  return "";
}

}  // namespace

SelectedParams select_params(lisp::Patch& patch, const TrainSelection& selection) {
  Names held;
  for (const std::string& set : selection.sets)
    held.insert(set_param(patch, set).param.data().get());
  const Names frozen = resolve(patch, selection.freeze);
  const Names trained = resolve(patch, selection.train);
  SelectedParams out;
  for (const lisp::ParamInfo& info : patch.params) {
    const ParamData& d = *info.param.data();
    if (trained.count(&d) && (held.count(&d) || frozen.count(&d)))
      throw Error("param '" + d.name + "' is both trained (--train) and " +
                  (held.count(&d) ? "held (--set)" : "frozen (--freeze)"));
    if (trained.count(&d) && !bounded(d))
      throw Error("param '" + d.name + "' needs both @min and @max to be trained");
    if (!info.modulates.empty()) continue;  // a modulation depth: no part of a fit
    const std::string reason = why_frozen(d, held, frozen, trained, !selection.train.empty());
    if (reason.empty())
      out.trained.push_back(info.param);
    else
      out.frozen.push_back({d.name, d.value, d.shape.empty(), reason});
  }
  if (out.trained.empty() &&
      std::none_of(patch.params.begin(), patch.params.end(),
                   [](const lisp::ParamInfo& p) { return bounded(*p.param.data()); }))
    throw Error("the patch has no params to train: give a param both @min and @max");
  if (out.trained.empty()) {
    std::string held;
    for (const train::FrozenParam& f : out.frozen) held += "; '" + f.name + "': " + f.reason;
    throw Error("no param is left to train" + held);
  }
  return out;
}

}  // namespace dgen::cli
