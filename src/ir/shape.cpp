#include "dgen/shape.hpp"

#include <numeric>

#include "dgen/error.hpp"

namespace dgen {

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void check_dims(const char* op, const Shape& shape) {
  for (int64_t d : shape)
    if (d < 1)
      throw Error(std::string(op) + ": shape dimensions must be >= 1, got " + to_string(shape));
}

Rate Rate::every(int64_t hop_frames) {
  if (hop_frames < 1) throw Error("hop must be >= 1, got " + std::to_string(hop_frames));
  return hop_frames == 1 ? frame() : Rate{Kind::Hop, hop_frames};
}

Rate fastest(Rate a, Rate b) {
  if (a.kind != b.kind) return a.kind > b.kind ? a : b;
  if (a.is_hop()) return Rate::every(std::gcd(a.hop, b.hop));
  return a;
}

std::string to_string(Rate rate) {
  switch (rate.kind) {
    case Rate::Kind::Static: return "static";
    case Rate::Kind::Hop: return "hop(" + std::to_string(rate.hop) + ")";
    case Rate::Kind::Frame: return "frame";
  }
  return "?";
}

}  // namespace dgen
