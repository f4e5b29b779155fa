// Loop IR: typed, structured statements whose leaves are C expressions/statements produced
// by the op emitters (valid C and CUDA). src/lower builds it from a schedule (function per
// region -> block loop -> frame loops -> guards -> lane loops); a backend prints it
// (lir/printer.hpp prints C syntax; backend/cuda maps the lane loops onto threads). Loops
// say what they iterate and whether their iterations are independent, so a printer can
// choose how to run them (docs/ARCHITECTURE.md, "The pipeline").
#pragma once
#include <string>
#include <vector>

namespace dgen::lir {

// What a loop iterates over.
enum class Iter {
  Block,    // blocks of frames (dgen_run)
  Frame,    // the frames of a block
  Lane,     // voices: always independent, the innermost dimension of every buffer
  Element,  // elements of a tensor
  Window,   // windows of a hop region
};

enum class Kind {
  Line,      // a leaf statement (`text`)
  Scope,     // `text { body }`; text may be a comment or empty
  If,        // if (text) { body }
  For,       // a loop (`loop`)
  Declare,   // a variable (`decl`)
  Function,  // a function of its own: name, params; called with `Call`
  Call,      // name(args): a call of a Function
  Once,      // work done once per call of the entry point, not per lane (the frame counter)
};

struct Loop {
  Iter iter = Iter::Frame;
  std::string type = "int64_t", var, from, to;  // var from `from` while < `to` (or, when
  std::string step = "1";                       // reverse, from `to` - 1 down to `from`)
  bool reverse = false;
  bool independent = false;  // no iteration reads what another writes
  bool unroll = false;       // a short loop of constant trip count, to unroll fully (CUDA)
  // A Window loop whose windows a GPU runs on CTAs: the floats of shared memory each lane
  // of a window uses (OpDef::cta_shared, the most of the loop's ops).
  int64_t shared_floats = 0;
};

struct Decl {
  std::string type, name;
  bool per_lane = false;  // one value per lane (C: an array [L]; CUDA: the thread's own)
  std::string init;       // initial value ("" none); per lane: an expression of `l`
};

struct Stmt {
  Kind kind = Kind::Line;
  std::string text;  // Line: the statement; Scope: header; If: condition; Function/Call: name
  std::string args;  // Function: parameter list; Call: argument list
  Loop loop = {};
  Decl decl = {};
  std::vector<Stmt> body;
  bool entry = false;  // Function: the program's entry point (dgen_run)
};
using Block = std::vector<Stmt>;

inline Stmt make(Kind kind, std::string text = {}, Block body = {}) {
  Stmt s;
  s.kind = kind;
  s.text = std::move(text);
  s.body = std::move(body);
  return s;
}
inline Stmt line(std::string text) { return make(Kind::Line, std::move(text)); }
inline Stmt scope(std::string head, Block body) {
  return make(Kind::Scope, std::move(head), std::move(body));
}
inline Stmt if_(std::string cond, Block body) {
  return make(Kind::If, std::move(cond), std::move(body));
}
inline Stmt for_(Loop loop, Block body) {
  Stmt s = make(Kind::For, {}, std::move(body));
  s.loop = std::move(loop);
  return s;
}
inline Stmt declare(Decl decl) {
  Stmt s = make(Kind::Declare);
  s.decl = std::move(decl);
  return s;
}
inline Stmt function(std::string name, std::string params, Block body) {
  Stmt s = make(Kind::Function, std::move(name), std::move(body));
  s.args = std::move(params);
  return s;
}
inline Stmt call(std::string name, std::string args) {
  Stmt s = make(Kind::Call, std::move(name));
  s.args = std::move(args);
  return s;
}
inline Stmt once(Block body) { return make(Kind::Once, {}, std::move(body)); }
// A loop over the lanes (`l` from 0 to L), whose iterations are always independent.
inline Stmt lane_loop(Block body) {
  return for_(
      {.iter = Iter::Lane, .type = "int", .var = "l", .from = "0", .to = "L", .independent = true},
      std::move(body));
}

}  // namespace dgen::lir
