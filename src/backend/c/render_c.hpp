// Renders a schedule as C: the shared lowering (lower/lower.hpp) printed in C syntax, an
// entry point
//   void dgen_run(char *arena, const float *const *in, float *const *out,
//                 int64_t frames, double sr);
// that computes the static region, then the frame regions block by block, each region
// (and each part of the static region) a static function of bounded size. All state
// lives in the arena passed in (no static mutable data, DESIGN §3.10); lanes are the
// innermost dimension of every buffer so the compiler vectorises across voices.
#pragma once
#include <string>

#include "lir/lir.hpp"
#include "lower/lower.hpp"
#include "schedule/schedule.hpp"

namespace dgen {

// The C source of a schedule; its loop IR into `lir` when given.
std::string render_c(const Schedule& s, lir::Block* lir = nullptr);

}  // namespace dgen
