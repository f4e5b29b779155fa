// Describing data for messages.
#include "lisp/datum.hpp"

namespace dgen::lisp {

namespace {

std::string describe_value(const Value& v) {
  const Rate rate = v.rate();
  if (v.shape().empty()) {
    if (rate.is_frame()) return "a signal";
    if (rate.is_hop()) return "a hop-rate signal";
    return "a static value";
  }
  const std::string shape = to_string(v.shape());
  if (rate.is_frame()) return "a signal tensor " + shape;
  if (rate.is_hop()) return "a hop-rate tensor " + shape;
  return "a tensor " + shape;
}

struct Describer {
  std::string operator()(std::monostate) const { return "nothing"; }
  std::string operator()(double) const { return "a number"; }
  std::string operator()(const Value& v) const { return describe_value(v); }
  std::string operator()(const Tuple& t) const {
    return "a tuple of " + std::to_string(t.items.size()) + " values";
  }
  std::string operator()(const List&) const { return "a [list]"; }
  std::string operator()(const Range&) const { return "a range"; }
  std::string operator()(const std::string&) const { return "a string"; }
  std::string operator()(const HistoryCell&) const { return "a history cell"; }
  std::string operator()(const std::shared_ptr<const Macro>& m) const {
    return "the macro '" + m->name + "'";
  }
};

}  // namespace

std::string describe(const Datum& d) { return std::visit(Describer{}, d.v); }

}  // namespace dgen::lisp
