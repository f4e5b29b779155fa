// Param: a trainable run-time input that owns its data (SPEC §4, §5).
//
// A Param outlives every graph that uses it; changing its value between runs never
// recompiles. Copies of a Param share the same data (it is a handle).
#pragma once
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dgen/value.hpp"

namespace dgen {

struct ParamData {
  std::string name;
  Shape shape;               // [] for a scalar param
  std::vector<float> value;  // numel(shape) values, or lanes × numel when per_lane
  std::vector<double> grad;  // same size as value; filled by backward()
  std::optional<float> min, max;
  // Whether `dgen train` may fit it (ParamOptions::trainable, a patch's @trainable).
  bool trainable = true;
  bool per_lane = false;  // value holds one copy per lane (lane-major)
  // Descriptive fields the patch language and plugin manifest carry.
  std::string unit, group, env, role;
  // Internal: the graph node of this param while one exists, so every use of one Param
  // is one node.
  std::weak_ptr<const Node> node;
};

// An enum, not a bool, so that a braced list of numbers never reads as ParamOptions.
enum class Trainable { yes, no };

struct ParamOptions {
  std::optional<float> min, max;
  // no: training holds the param at its value even when it is bounded (a tempo, a
  // switch); `dgen train --train NAME` still trains it when asked by name.
  Trainable trainable = Trainable::yes;
};

// The rules every Param obeys, whichever layer makes it (the patch language's `param`
// and `tensor-param` check theirs with these, so both say the same): min and max are
// numbers with min <= max, and every initial value is finite and inside [min, max].
// Each throws dgen::Error naming the param.
void check_param_range(const std::string& name, const ParamOptions& options);
void check_param_values(const std::string& name, std::span<const float> values,
                        const ParamOptions& options, const char* scalar_noun = "default");

class Param {
 public:
  // Throws dgen::Error when the name is empty or the values break the rules above.
  Param(std::string name, float value, ParamOptions options = {});
  Param(std::string name, Shape shape, std::vector<float> values, ParamOptions options = {});
  explicit Param(std::shared_ptr<ParamData> data);

  const std::string& name() const { return data_->name; }
  float value() const { return data_->value.at(0); }
  const std::vector<float>& values() const { return data_->value; }
  const std::vector<double>& grad() const { return data_->grad; }
  void set(float value);
  void set(std::vector<float> values);
  // One value per lane for a scalar param compiled with `lanes` = values.size().
  void set_per_lane(std::vector<float> values);
  void zero_grad();
  void clamp();  // to [min, max] where given
  const std::shared_ptr<ParamData>& data() const { return data_; }

  operator Value() const;  // NOLINT: a param is used like any value
  Value value_node() const { return *this; }

 private:
  std::shared_ptr<ParamData> data_;
};

}  // namespace dgen
