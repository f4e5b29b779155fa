// Reading tensor contents from nested lists and JSON files.
#include "lisp/tensor_data.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "dgen/error.hpp"
#include "lisp/limits.hpp"

namespace dgen::lisp {
namespace {

constexpr size_t kMaxRank = 16;
constexpr std::streamoff kMaxFileBytes = std::streamoff(512) << 20;

// Flattens nested lists row-major, taking the shape from the first list met at each
// depth and requiring every other list at that depth to match it. `Node` adapts the two
// sources: Datum lists and JSON arrays.
template <class Node>
class Flattener {
 public:
  TensorData run(const typename Node::Type& root) {
    visit(root, 0);
    return std::move(out_);
  }

 private:
  void visit(const typename Node::Type& n, size_t depth) {
    if (!Node::is_list(n)) {
      if (depth < out_.shape.size())
        throw Error("ragged data: expected a list at depth " + std::to_string(depth + 1) +
                    ", got a number");
      leaf_depth_ = depth;
      const double x = Node::number(n);
      if (!std::isfinite(x)) throw Error("tensor data must be finite numbers");
      if (int64_t(out_.values.size()) >= kMaxElements)
        throw Error("tensor data has more than " + std::to_string(kMaxElements) + " elements");
      out_.values.push_back(float(x));
      return;
    }
    if (depth >= kMaxRank)
      throw Error("tensor data nested deeper than " + std::to_string(kMaxRank) + " levels");
    if (depth >= leaf_depth_)
      throw Error("ragged data: expected a number at depth " + std::to_string(depth + 1) +
                  ", got a list");
    const int64_t len = Node::size(n);
    if (depth == out_.shape.size()) {
      if (len == 0) throw Error("tensor data contains an empty list");
      out_.shape.push_back(len);
    } else if (out_.shape[depth] != len) {
      throw Error("ragged data: a list of " + std::to_string(len) + " where " +
                  std::to_string(out_.shape[depth]) + " were expected at depth " +
                  std::to_string(depth + 1));
    }
    Node::for_each(n, [&](const typename Node::Type& child) { visit(child, depth + 1); });
  }

  TensorData out_;
  size_t leaf_depth_ = SIZE_MAX;
};

struct DatumNode {
  using Type = Datum;
  static bool is_list(const Datum& d) { return d.get<List>() != nullptr; }
  static int64_t size(const Datum& d) { return int64_t(d.get<List>()->items.size()); }
  static double number(const Datum& d) {
    if (!d.is_number())
      throw Error("tensor data must be numbers known when the patch loads, got " + describe(d));
    return d.number();
  }
  template <class F>
  static void for_each(const Datum& d, F f) {
    for (const Datum& item : d.get<List>()->items) f(item);
  }
};

struct JsonNode {
  using Type = nlohmann::json;
  static bool is_list(const nlohmann::json& j) { return j.is_array(); }
  static int64_t size(const nlohmann::json& j) { return int64_t(j.size()); }
  static double number(const nlohmann::json& j) {
    if (!j.is_number())
      throw Error(std::string("tensor data must be numbers, got ") + j.type_name());
    return j.get<double>();
  }
  template <class F>
  static void for_each(const nlohmann::json& j, F f) {
    for (const nlohmann::json& item : j) f(item);
  }
};

nlohmann::json parse_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
    throw Error("cannot read '" + path + "': not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path + "': " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  if (in.tellg() > kMaxFileBytes) throw Error("'" + path + "' is larger than 512 MiB");
  in.seekg(0);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error("'" + path + "' is not valid JSON: " + e.what());
  }
}

}  // namespace

TensorData tensor_from_list(const Datum& list) { return Flattener<DatumNode>().run(list); }

TensorData tensor_from_json_file(const std::string& path) {
  const nlohmann::json j = parse_file(path);
  try {
    if (!j.is_object()) return Flattener<JsonNode>().run(j);
    if (!j.contains("shape") || !j.contains("data"))
      throw Error("a JSON object must have \"shape\" and \"data\"");
    TensorData data = Flattener<JsonNode>().run(j["data"]);
    const nlohmann::json& dims = j["shape"];
    if (!dims.is_array() || dims.empty())
      throw Error("\"shape\" must be a non-empty list of positive integers");
    Shape shape;
    int64_t count = 1;
    for (const nlohmann::json& d : dims) {
      if (!d.is_number_integer() || d.get<int64_t>() < 1 || d.get<int64_t>() > kMaxElements)
        throw Error("\"shape\" must be a list of positive integers");
      shape.push_back(d.get<int64_t>());
      count *= shape.back();
      if (count > kMaxElements)
        throw Error("\"shape\" has more than " + std::to_string(kMaxElements) + " elements");
    }
    if (count != int64_t(data.values.size()))
      throw Error("\"shape\" " + to_string(shape) + " needs " + std::to_string(count) +
                  " values, \"data\" has " + std::to_string(data.values.size()));
    data.shape = shape;
    return data;
  } catch (const Error& e) {
    throw Error("'" + path + "': " + e.what());
  }
}

}  // namespace dgen::lisp
