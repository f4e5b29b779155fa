#include "ops/emit_util.hpp"

#include <cmath>
#include <cstdio>

#include "dgen/error.hpp"

namespace dgen {

std::string c_literal(double v) {
  if (std::isnan(v)) return "NAN";
  if (std::isinf(v)) return v > 0 ? "INFINITY" : "(-INFINITY)";
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string s = buf;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return "(" + s + ")";
}

std::string c_float(double v) { return "((float)" + c_literal(v) + ")"; }

std::string str(int64_t v) {
  return std::to_string(v) + (v > 2147483647 || v < -2147483647 ? "LL" : "");
}

std::string fill_template(const std::string& tmpl, const std::vector<std::string>& args) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '{' && i + 2 < tmpl.size() && tmpl[i + 2] == '}' && tmpl[i + 1] >= '0' &&
        tmpl[i + 1] <= '9') {
      out += "(" + args.at(tmpl[i + 1] - '0') + ")";
      i += 2;
    } else {
      out += tmpl[i];
    }
  }
  return out;
}

std::string lane_loop(const EmitCtx& e, const std::string& body) {
  return e.lanes ? "_Pragma(\"GCC ivdep\") for (int l = 0; l < " + e.lane_count + "; ++l) { " +
                       body + " }"
                 : body;
}

void emit_loop(EmitCtx& e, int64_t n, const std::string& var, const std::string& lane_body,
               bool independent) {
  const std::string body = lane_loop(e, lane_body);
  if (e.cooperative && independent) {
    ++e.spread;
    e.line(n == 1 ? std::string("if (") + kThreadFirst + " == 0) { const int64_t " + var +
                        " = 0; (void)" + var + "; " + body + " }"
                  : spread_for(var, "0", str(n)) + " { " + body + " }");
    return;
  }
  if (n == 1) {
    e.line("{ const int64_t " + var + " = 0; (void)" + var + "; " + body + " }");
  } else {
    e.line(std::string(independent ? "_Pragma(\"GCC ivdep\") " : "") + "for (int64_t " + var +
           " = 0; " + var + " < " + str(n) + "; ++" + var + ") { " + body + " }");
  }
}

void emit_sum(EmitCtx& e, const std::string& n, const std::string& var, const std::string& term,
              const std::string& finish,
              const std::function<std::string(const std::string& body)>& serial_loop) {
  if (!e.cooperative) {
    e.line("{ double acc_ = 0.0; " + serial_loop("acc_ += (double)(" + term + ");") + " " + finish +
           " }");
    return;
  }
  const std::string slot = std::string(kTileLanes) + " + " + kTileLane + "]";
  const std::string lines[] = {
      // The scratch's readers of the last sum are done.
      kBarrier,
      "{ double p_ = 0.0; " + spread_for(var, "0", n) + " p_ += (double)(" + term + "); " +
          kCtaScratch + "[" + kThreadFirst + " * " + slot + " = p_; }",
      kBarrier,
      std::string("if (") + kThreadFirst +
          " == 0) { double acc_ = 0.0; for (int64_t q_ = 0; q_ < " + kThreadStride +
          "; ++q_) acc_ += " + kCtaScratch + "[q_ * " + slot + "; " + finish + " }"};
  for (const std::string& line : lines) {
    e.line(line);
    ++e.spread;
  }
}

void emit_element_sums(EmitCtx& c, int64_t elements, const std::string& n, const std::string& var,
                       const std::string& term, const std::string& finish,
                       const std::function<std::string(const std::string& body)>& serial_loop) {
  const auto line = [&](const std::string& text) {
    c.line(text);
    c.spread += c.cooperative ? 1 : 0;
  };
  line("for (int64_t e = 0; e < " + str(elements) + "; ++e) {");
  emit_sum(c, n, var, term, finish, serial_loop);
  line("}");
}

std::string spread_for(const std::string& var, const std::string& from, const std::string& to) {
  return "for (int64_t " + var + " = " + from + " + " + kThreadFirst + "; " + var + " < " + to +
         "; " + var + " += " + kThreadStride + ")";
}

int64_t int_attr(const Node& node, size_t i) {
  if (i >= node.attrs.ints.size()) throw Error(node.op->name + ": missing integer attribute");
  return node.attrs.ints[i];
}

double real_attr(const Node& node, size_t i) {
  if (i >= node.attrs.reals.size()) throw Error(node.op->name + ": missing real attribute");
  return node.attrs.reals[i];
}

}  // namespace dgen
