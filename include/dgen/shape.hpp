// Shapes and rates: the two static properties every dgen value has (SPEC §1).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace dgen {

// Row-major shape; the empty shape is a scalar.
using Shape = std::vector<int64_t>;

int64_t numel(const Shape& shape);
std::string to_string(const Shape& shape);  // "[4, 2]", "[]" for scalars
// Throws dgen::Error "OP: shape dimensions must be >= 1, got [..]" for a dimension < 1.
void check_dims(const char* op, const Shape& shape);

// How often a value changes: once per run (static), on frames t ≡ 0 mod hop (hop), or
// every frame. Ordered: static < hop(h) < frame.
struct Rate {
  enum class Kind : uint8_t { Static, Hop, Frame };
  Kind kind = Kind::Static;
  int64_t hop = 0;  // only for Kind::Hop

  static Rate constant() { return {Kind::Static, 0}; }
  static Rate every(int64_t hop_frames);  // hop(1) is frame rate
  static Rate frame() { return {Kind::Frame, 1}; }

  bool is_static() const { return kind == Kind::Static; }
  bool is_hop() const { return kind == Kind::Hop; }
  bool is_frame() const { return kind == Kind::Frame; }
  bool operator==(const Rate&) const = default;
};

// The faster of two rates; two different hops combine to hop(gcd).
Rate fastest(Rate a, Rate b);
std::string to_string(Rate rate);

}  // namespace dgen
