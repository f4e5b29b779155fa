#include "lir/printer.hpp"

namespace dgen::lir {

std::string Printer::print(const Block& block, int indent) {
  std::string out;
  for (const Stmt& s : block) out += print(s, indent);
  return out;
}

std::string Printer::braces(const std::string& head, const Block& body, int indent) {
  return pad(indent) + (head.empty() ? "" : head + " ") + "{\n" + print(body, indent + 1) +
         pad(indent) + "}\n";
}

std::string Printer::print(const Stmt& s, int indent) {
  switch (s.kind) {
    case Kind::Line:
      return pad(indent) + s.text + "\n";
    case Kind::Scope:
      return braces(s.text, s.body, indent);
    case Kind::If:
      return braces("if (" + s.text + ")", s.body, indent);
    case Kind::For:
      return loop(s, indent);
    case Kind::Declare:
      return declare(s.decl, indent);
    case Kind::Function:
      return braces(function_head(s), s.body, indent);
    case Kind::Call:
      return call(s, indent);
    case Kind::Once:
      return once(s, indent);
  }
  return "";
}

// Independent iterations are said to GCC (ivdep), without which it will not vectorise a
// loop that calls a math function through its SIMD declaration. A reverse loop with a
// step visits the ends of the chunks, from `to` down to above `from`.
std::string Printer::loop(const Stmt& s, int indent) {
  const Loop& l = s.loop;
  std::string head = "for (" + l.type + " " + l.var + " = ";
  if (!l.reverse)
    head += l.from + "; " + l.var + " < " + l.to + "; " +
            (l.step == "1" ? "++" + l.var : l.var + " += " + l.step) + ")";
  else if (l.step == "1")
    head += l.to + " - 1; " + l.var + " >= " + l.from + "; --" + l.var + ")";
  else
    head += l.to + "; " + l.var + " > " + l.from + "; " + l.var + " -= " + l.step + ")";
  const bool hint = l.independent && l.iter != Iter::Block;
  return (hint ? pad(indent) + "_Pragma(\"GCC ivdep\")\n" : "") + braces(head, s.body, indent);
}

// A per-lane local is an array over the lanes, so a lane loop around the code vectorises.
std::string Printer::declare(const Decl& d, int indent) {
  if (!d.per_lane)
    return pad(indent) + d.type + " " + d.name + (d.init.empty() ? "" : " = " + d.init) + ";\n";
  std::string out = pad(indent) + d.type + " " + d.name + "[L];";
  if (!d.init.empty()) out += " for (int l = 0; l < L; ++l) " + d.name + "[l] = " + d.init + ";";
  return out + "\n";
}

std::string Printer::function_head(const Stmt& s) {
  return std::string(s.entry ? "void " : "static void ") + s.text + "(" + s.args + ")";
}

std::string Printer::call(const Stmt& s, int indent) {
  return pad(indent) + s.text + "(" + s.args + ");\n";
}

std::string Printer::once(const Stmt& s, int indent) { return print(s.body, indent); }

std::string print(const Block& block, int indent) { return Printer().print(block, indent); }

}  // namespace dgen::lir
