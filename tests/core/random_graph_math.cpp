// The random-graph builder's stateless steps: elementwise math with broadcasting, and
// tensor views, reductions, linear algebra and reads.
#include <algorithm>
#include <cmath>

#include "core/random_graph_builder.hpp"

namespace dgen::test::detail {

void Builder::add_math() {
  const int kind = below(3);
  if (kind == 0)
    add_unary(any());
  else if (kind == 1)
    add_binary();
  else
    add_ternary();
}

void Builder::add_unary(const Term& x) {
  const Value& v = x.v;
  const double b = x.bound;
  const std::string n = name(x);
  switch (below(16)) {
    case 0:
      add(-v, b, "neg " + n);
      break;
    case 1:
      add(sin(v), 1, "sin " + n);
      break;
    case 2:
      add(cos(v), 1, "cos " + n);
      break;
    case 3:
      add(tanh(v), 1, "tanh " + n);
      break;
    case 4:
      add(atan(v), 1.6, "atan " + n);
      break;
    case 5:
      add(sigmoid(v), 1, "sigmoid " + n);
      break;
    case 6:
      add(abs(v), b, "abs " + n);
      break;
    case 7:
      add(relu(v), b, "relu " + n);
      break;
    case 8:
      add(sqrt(abs(v)), std::sqrt(b), "sqrt abs " + n);
      break;
    case 9:
      add(log(abs(v) + 1.0), std::log(b + 1), "log(abs + 1) " + n);
      break;
    case 10:
      add(log10(abs(v) + 0.5), 1, "log10(abs + 0.5) " + n);
      break;
    case 11:
      add(exp(clip(v, -2.0, 1.0)), 2.8, "exp clip " + n);
      break;
    case 12:
      add(tan(clip(v, -1.0, 1.0)), 1.6, "tan clip " + n);
      break;
    case 13:
      add(sign(v), 1, "sign " + n);
      break;
    case 14: {
      const int which = below(3);
      const Value scaled = v * 2.0;
      const Value r = which == 0 ? floor(scaled) : which == 1 ? ceil(scaled) : round(scaled);
      const char* names[] = {"floor", "ceil", "round"};
      add(r, 2 * b + 1, std::string(names[which]) + " 2*" + n);
      break;
    }
    default:
      add(v * constant(-2, 2), 2 * b, "scaled " + n);
      break;
  }
}

void Builder::add_binary() {
  const Term x = any(), y = compatible_with(x.v.shape());
  const Value &a = x.v, &c = y.v;
  const double ba = x.bound, bc = y.bound;
  const std::string n = name(x) + ", " + name(y);
  switch (below(14)) {
    case 0:
      add(a + c, ba + bc, "add " + n);
      break;
    case 1:
      add(a - c, ba + bc, "sub " + n);
      break;
    case 2:
      add(a * c, ba * bc, "mul " + n);
      break;
    case 3:
      add(a / (1.0 + abs(c)), ba, "div(x, 1 + abs y) " + n);
      break;
    case 4:
      add(pow(abs(a) + 0.5, clip(c, -1.5, 1.5)), std::pow(ba + 0.5, 1.5) + 3, "pow " + n);
      break;
    case 5:
      add(atan2(a, c), 3.15, "atan2 " + n);
      break;
    case 6:
      add(min(a, c), std::max(ba, bc), "min " + n);
      break;
    case 7:
      add(max(a, c), std::max(ba, bc), "max " + n);
      break;
    case 8: {
      const double m = constant(0.3, 1.5);
      add(mod(a, m), m, "mod " + name(x) + " by " + std::to_string(m));
      break;
    }
    case 9:
      add(gt(a, c), 1, "gt " + n);
      break;
    case 10:
      add(lt(a, c), 1, "lt " + n);
      break;
    case 11:
      add(gte(a, c), 1, "gte " + n);
      break;
    case 12:
      add(lte(a, c), 1, "lte " + n);
      break;
    default:
      add(eq(round(a * 2.0), round(c * 2.0)), 1, "eq(round 2x, round 2y) " + n);
      break;
  }
}

void Builder::add_ternary() {
  const Term x = any();
  const Value& v = x.v;
  const std::string n = name(x);
  switch (below(7)) {
    case 0: {
      const Term a = compatible_with(v.shape());
      const Term b = compatible_with(broadcast(v.shape(), a.v.shape()));
      add(gswitch(v, a.v, b.v), std::max(a.bound, b.bound),
          "gswitch " + n + ", " + name(a) + ", " + name(b));
      break;
    }
    case 1: {
      const Term a = compatible_with(v.shape());
      const Term t = compatible_with(broadcast(v.shape(), a.v.shape()));
      add(mix(v, a.v, sigmoid(t.v)), std::max(x.bound, a.bound),
          "mix " + n + ", " + name(a) + " by " + name(t));
      break;
    }
    case 2: {
      const double lo = constant(-2, 0.5), hi = lo + constant(0.25, 2);
      add(clip(v, lo, hi), std::max(-lo, hi), "clip " + n);
      break;
    }
    case 3: {
      const double lo = constant(-2, 0.5), hi = lo + constant(0.25, 2);
      add(wrap(v, lo, hi), std::max(std::fabs(lo), std::fabs(hi)), "wrap " + n);
      break;
    }
    case 4: {
      const double a = constant(-1, 0), b = constant(0.5, 1), c = constant(-1, 1),
                   d = constant(-1, 1);
      add(scale(v, a, b, c, d), std::fabs(c) + (x.bound + 1) * std::fabs(d - c) / (b - a),
          "scale " + n);
      break;
    }
    case 5:
      add(triangle(wrap(v, 0.0, 1.0), constant(0.1, 0.9)), 1, "triangle wrap01 " + n);
      break;
    default: {
      std::vector<Value> options;
      double bound = 0;
      Shape shape = v.shape();
      for (int k = 1 + below(3); k > 0; --k) {
        const Term o = compatible_with(shape);
        shape = broadcast(shape, o.v.shape());
        options.push_back(o.v);
        bound = std::max(bound, o.bound);
      }
      add(selector(floor(v * 2.0) + 1.5, options), bound, "selector by 2*" + n);
    }
  }
}

// A tensor step on a value with a non-empty shape (static or a signal tensor).
void Builder::add_tensor_op() {
  const Term x = shaped();
  const Value& v = x.v;
  const Shape& s = v.shape();
  const int64_t n = numel(s), rank = int64_t(s.size());
  const double b = x.bound;
  const std::string nm = name(x);
  const Value flat = rank == 1 ? v : reshape(v, {n});
  switch (below(12)) {
    case 0:
      add(sum(v), b * double(n), "sum " + nm);
      break;
    case 1:
      add(mean(v), b, "mean " + nm);
      break;
    case 2:
      add(max(v), b, "max over " + nm);
      break;
    case 3: {
      const int64_t axis = below(int(rank));
      const int which = below(3);
      const Value r = which == 0   ? sum_axis(v, axis)
                      : which == 1 ? mean_axis(v, axis)
                                   : max_axis(v, axis);
      const char* names[] = {"sum_axis", "mean_axis", "max_axis"};
      add(r, which == 0 ? b * double(s[size_t(axis)]) : b,
          std::string(names[which]) + " " + std::to_string(axis) + " " + nm);
      break;
    }
    case 4:
      add(softmax(v, -1), 1, "softmax " + nm);
      break;
    case 5:
      add(cumsum(v, -1), b * double(s.back()), "cumsum " + nm);
      break;
    case 6: {
      const Value m = rank == 2 ? v : reshape(v, {1, n});
      const int64_t k = m.shape()[1];
      add(matmul(m, tensor({k, 2}, values(k * 2, -1, 1))), b * double(k), "matmul " + nm);
      break;
    }
    case 7: {
      const int which = below(5);
      if (which == 0)
        add(rank == 2 ? transpose(v) : reshape(v, {n, 1}), b, "transpose " + nm);
      else if (which == 1)
        add(shrink(flat, {{n / 2, n}}), b, "shrink " + nm);
      else if (which == 2)
        add(pad(flat, {{1, 2}}), b, "pad " + nm);
      else if (which == 3)
        add(expand(reshape(flat, {1, n}), {2, n}), b, "expand " + nm);
      else
        add(repeat(flat, {2}), b, "repeat " + nm);
      break;
    }
    case 8: {
      const Term i = scalar();
      add(gather(flat, floor((0.5 + 0.5 * tanh(i.v)) * double(n))), b,
          "gather " + nm + " at " + name(i));
      break;
    }
    case 9: {
      const Term i = scalar();
      const Value table = rank == 2 ? v : flat;
      add(peek(table, (0.5 + 0.5 * tanh(i.v)) * double(s[0] - 1), constant(0, 1)), b,
          "peek " + nm + " at " + name(i));
      break;
    }
    case 10:
      add(to_signal(flat), b, "to_signal " + nm);
      break;
    default: {
      const int64_t k = std::min<int64_t>(3, n);
      const bool same = coin();
      add(conv1d(flat, tensor({k}, values(k, -1, 1)), same ? Padding::Same : Padding::Valid),
          b * double(k), std::string(same ? "same" : "valid") + " conv1d " + nm);
      break;
    }
  }
}

}  // namespace dgen::test::detail
