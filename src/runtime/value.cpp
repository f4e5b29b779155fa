// Value, Param and History: the user-facing handles.
#include <algorithm>
#include <cmath>

#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "dgen/program.hpp"
#include "ir/cell_collector.hpp"
#include "ir/format_number.hpp"
#include "ir/node.hpp"

namespace dgen {

Value::Value(double constant) : node_(make("const", {}, {{}, {constant}}).node()) {}
Value::Value(NodeRef node) : node_(std::move(node)) {
  if (!node_) throw Error("null value");
}
const Shape& Value::shape() const { return node_->shape; }
Rate Value::rate() const { return node_->rate; }

std::vector<float> Value::realize(int64_t frames, const RenderOptions& options) const {
  Program program({*this}, options);
  program.run(frames);
  auto out = program.output(0);
  return {out.begin(), out.end()};
}
std::vector<float> Value::realize(int64_t frames) const { return realize(frames, RenderOptions{}); }

Param::Param(std::string name, float value, ParamOptions options)
    : Param(std::move(name), Shape{}, {value}, options) {}

void check_param_range(const std::string& name, const ParamOptions& options) {
  const std::string what = "param '" + name + "': ";
  if (options.min && std::isnan(*options.min)) throw Error(what + "min is not a number");
  if (options.max && std::isnan(*options.max)) throw Error(what + "max is not a number");
  if (options.min && options.max && *options.min > *options.max)
    throw Error(what + "max " + format_number(*options.max) + " is below min " +
                format_number(*options.min));
}

void check_param_values(const std::string& name, std::span<const float> values,
                        const ParamOptions& options, const char* scalar_noun) {
  for (size_t i = 0; i < values.size(); ++i) {
    const float v = values[i];
    const std::string which = "param '" + name + "': " +
                              (values.size() == 1 ? std::string(scalar_noun) + " "
                                                  : "element " + std::to_string(i) + " = ");
    if (!std::isfinite(v)) throw Error(which + format_number(v) + " is not finite");
    if ((options.min && v < *options.min) || (options.max && v > *options.max))
      throw Error(which + format_number(v) + " is outside [" +
                  format_number(options.min.value_or(-INFINITY)) + ", " +
                  format_number(options.max.value_or(INFINITY)) + "]");
  }
}

Param::Param(std::string name, Shape shape, std::vector<float> values, ParamOptions options)
    : data_(std::make_shared<ParamData>()) {
  if (name.empty()) throw Error("a param needs a name");
  if (int64_t(values.size()) != numel(shape))
    throw Error("param '" + name + "': " + std::to_string(values.size()) + " values for shape " +
                to_string(shape));
  check_param_range(name, options);
  check_param_values(name, values, options);
  data_->name = std::move(name);
  data_->shape = std::move(shape);
  data_->value = std::move(values);
  data_->grad.assign(data_->value.size(), 0.0);
  data_->min = options.min;
  data_->max = options.max;
  data_->trainable = options.trainable == Trainable::yes;
}

Param::Param(std::shared_ptr<ParamData> data) : data_(std::move(data)) {
  if (!data_) throw Error("null param");
  if (data_->grad.size() != data_->value.size()) data_->grad.assign(data_->value.size(), 0.0);
}

void Param::set(float value) { set(std::vector<float>{value}); }
// Set values are used as given, not clamped to [min, max] (docs/CLI.md, --set), but a
// non-finite one would only make the output non-finite.
void Param::set(std::vector<float> values) {
  if (int64_t(values.size()) != numel(data_->shape))
    throw Error("param '" + data_->name + "': " + std::to_string(values.size()) +
                " values for shape " + to_string(data_->shape));
  check_param_values(data_->name, values, {}, "value");
  data_->value = std::move(values);
  data_->per_lane = false;
  data_->grad.assign(data_->value.size(), 0.0);
}
void Param::set_per_lane(std::vector<float> values) {
  if (!data_->shape.empty())
    throw Error("param '" + data_->name + "': only scalar params can be per lane");
  if (values.empty()) throw Error("param '" + data_->name + "': no lane values");
  check_param_values(data_->name, values, {}, "value");
  data_->value = std::move(values);
  data_->per_lane = true;
  data_->grad.assign(data_->value.size(), 0.0);
}
void Param::zero_grad() { std::fill(data_->grad.begin(), data_->grad.end(), 0.0); }
void Param::clamp() {
  for (float& v : data_->value) {
    if (data_->min) v = std::max(v, *data_->min);
    if (data_->max) v = std::min(v, *data_->max);
  }
}

Param::operator Value() const {
  if (auto n = data_->node.lock()) return Value(n);
  Value v = make("param", {}, {data_->shape, {}}, {.param = data_});
  data_->node = v.node();
  return v;
}

History::History(Shape shape, std::vector<float> init, int64_t hop, std::string name)
    : cell_(std::make_shared<Cell>()) {
  check_dims(("history '" + name + "'").c_str(), shape);
  if (!init.empty() && int64_t(init.size()) != numel(shape))
    throw Error("history '" + name + "': " + std::to_string(init.size()) +
                " initial values for shape " + to_string(shape));
  if (hop < 1) throw Error("history '" + name + "': hop must be >= 1");
  cell_->shape = std::move(shape);
  cell_->init = std::move(init);
  cell_->hop = hop;
  cell_->name = std::move(name);
  register_cell(cell_);
}

Value History::read() const {
  std::vector<int64_t> ints{cell_->hop};
  ints.insert(ints.end(), cell_->shape.begin(), cell_->shape.end());
  return make("history_read", {}, {ints, {}}, {.cell = cell_});
}

Value History::write(const Value& v) const {
  if (v.shape() != cell_->shape)
    throw Error("history '" + cell_->name + "': write of shape " + to_string(v.shape()) +
                " into a cell of shape " + to_string(cell_->shape));
  Value w = make("history_write", {v}, {{cell_->hop}, {}}, {.written_cell = cell_});
  cell_->writes.push_back(w.node());
  return w;
}

}  // namespace dgen
