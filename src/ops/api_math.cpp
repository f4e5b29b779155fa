// The C++ API of SPEC §2.1 and §2.6: thin wrappers that build nodes, plus the
// elementwise ops defined as compositions of primitives (so they need no rules of
// their own: shapes, emission and gradients come from the primitives).
#include "dgen/error.hpp"
#include "dgen/ops.hpp"
#include "ir/node.hpp"

namespace dgen {

Value operator+(const Value& a, const Value& b) { return make("add", {a, b}); }
Value operator-(const Value& a, const Value& b) { return make("sub", {a, b}); }
Value operator*(const Value& a, const Value& b) { return make("mul", {a, b}); }
Value operator/(const Value& a, const Value& b) { return make("div", {a, b}); }
Value operator-(const Value& a) { return make("neg", {a}); }
Value neg(const Value& x) { return make("neg", {x}); }
Value sin(const Value& x) { return make("sin", {x}); }
Value cos(const Value& x) { return make("cos", {x}); }
Value tan(const Value& x) { return make("tan", {x}); }
Value atan(const Value& x) { return make("atan", {x}); }
Value tanh(const Value& x) { return make("tanh", {x}); }
Value exp(const Value& x) { return make("exp", {x}); }
Value log(const Value& x) { return make("log", {x}); }
Value log10(const Value& x) { return make("log10", {x}); }
Value sqrt(const Value& x) { return make("sqrt", {x}); }
Value abs(const Value& x) { return make("abs", {x}); }
Value sign(const Value& x) { return make("sign", {x}); }
Value floor(const Value& x) { return make("floor", {x}); }
Value ceil(const Value& x) { return make("ceil", {x}); }
Value round(const Value& x) { return make("round", {x}); }
Value relu(const Value& x) { return make("relu", {x}); }
Value sigmoid(const Value& x) { return make("sigmoid", {x}); }
Value pow(const Value& x, const Value& y) { return make("pow", {x, y}); }
Value atan2(const Value& y, const Value& x) { return make("atan2", {y, x}); }
Value min(const Value& a, const Value& b) { return make("min", {a, b}); }
Value max(const Value& a, const Value& b) { return make("max", {a, b}); }
Value mod(const Value& x, const Value& y) { return make("mod", {x, y}); }
Value gt(const Value& a, const Value& b) { return make("gt", {a, b}); }
Value lt(const Value& a, const Value& b) { return make("lt", {a, b}); }
Value gte(const Value& a, const Value& b) { return make("gte", {a, b}); }
Value lte(const Value& a, const Value& b) { return make("lte", {a, b}); }
Value eq(const Value& a, const Value& b) { return make("eq", {a, b}); }
Value gswitch(const Value& c, const Value& a, const Value& b) { return make("gswitch", {c, a, b}); }

Value wrap(const Value& x, const Value& lo, const Value& hi) {
  Value range = hi - lo, shifted = x - lo;
  const Value r = lo + shifted - range * floor(shifted / range);
  // Generated C (-ffast-math) may divide through a reciprocal, so floor can miss an exact
  // multiple of the range by one: bring such a result back into [lo, hi).
  return gswitch(gte(r, hi), r - range, gswitch(lt(r, lo), r + range, r));
}
Value clip(const Value& x, const Value& lo, const Value& hi) { return min(max(x, lo), hi); }
Value scale(const Value& x, const Value& a, const Value& b, const Value& c, const Value& d) {
  return c + (x - a) * (d - c) / (b - a);
}
Value mix(const Value& a, const Value& b, const Value& t) { return a * (1.0 - t) + b * t; }
Value triangle(const Value& p, const Value& duty) {
  return gswitch(lt(p, duty), p / duty, (1.0 - p) / (1.0 - duty));
}
Value selector(const Value& m, const std::vector<Value>& options) {
  Value r = 0.0;
  for (size_t i = options.size(); i-- > 0;) r = gswitch(lte(m, double(i + 1)), options[i], r);
  return gswitch(gt(m, 0.0), r, 0.0);
}

namespace {
void check_channel(const char* op, int channel) {
  if (channel < 1 || channel > kMaxChannel)
    throw Error(std::string(op) + ": channel must be in [1, " + std::to_string(kMaxChannel) +
                "], got " + std::to_string(channel));
}
}  // namespace

Value out(const Value& x, int channel) {
  check_channel("out", channel);
  return make("out", {x}, {{channel}, {}});
}
Value in(int channel) {
  check_channel("in", channel);
  return make("in", {}, {{channel}, {}});
}
Value samplerate() { return make("samplerate", {}); }

Value mse(const Value& a, const Value& b) {
  Value d = a - b;
  return d * d;
}
Value l1(const Value& a, const Value& b) { return abs(a - b); }

}  // namespace dgen
