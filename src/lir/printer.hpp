// Prints loop IR in C syntax. The C backend prints with it as it is; a backend whose
// language is C's with a few differences (CUDA) derives from it and overrides only where
// it differs (the lane loops, functions, per-lane locals), as Halide's CodeGen_GPU_C
// derives from CodeGen_C.
#pragma once
#include <string>

#include "lir/lir.hpp"

namespace dgen::lir {

class Printer {
 public:
  virtual ~Printer() = default;
  std::string print(const Block& block, int indent = 0);
  std::string print(const Stmt& stmt, int indent = 0);

 protected:
  static std::string pad(int indent) { return std::string(size_t(indent) * 2, ' '); }
  // `head { body }` at `indent`.
  std::string braces(const std::string& head, const Block& body, int indent);
  virtual std::string loop(const Stmt& s, int indent);
  virtual std::string declare(const Decl& d, int indent);
  // The function's declaration, before its body ("static void NAME(PARAMS)").
  virtual std::string function_head(const Stmt& s);
  virtual std::string call(const Stmt& s, int indent);
  virtual std::string once(const Stmt& s, int indent);
};

// The C syntax of `block` (the loop IR dump of DGEN_DEBUG=lir and `dgen info --dump lir`).
std::string print(const Block& block, int indent = 0);

}  // namespace dgen::lir
