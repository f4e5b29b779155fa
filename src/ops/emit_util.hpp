// Small helpers op emitters share.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/op_table.hpp"

namespace dgen {

// A C literal for a double that round-trips (handles inf and nan).
std::string c_literal(double v);
// "(float)(<literal>)"
std::string c_float(double v);
std::string str(int64_t v);
// Replaces {0}, {1}, ... in a template with the given argument expressions.
std::string fill_template(const std::string& tmpl, const std::vector<std::string>& args);
// BODY inside a lane loop when the emission owns the lane loop (EmitCtx::lanes), else BODY.
std::string lane_loop(const EmitCtx& e, const std::string& body);
// Emits `for (int64_t VAR = 0; VAR < n; ++VAR) BODY` (or just BODY with VAR = 0 when n == 1),
// BODY in a lane loop when the emission owns it.
// `independent`: no iteration reads what another writes (an elementwise op, whose output
// buffer never overlaps its inputs'); the loop gets `GCC ivdep`, without which GCC will not
// vectorise a loop that calls a math function through its SIMD declaration.
// Where the emission is cooperative (EmitCtx::cooperative), an independent loop is spread
// over the CTA's threads that share the window: thread kThreadFirst takes every
// kThreadStride-th iteration.
void emit_loop(EmitCtx& e, int64_t n, const std::string& var, const std::string& body,
               bool independent = false);

// The names a cooperative kernel gives its thread's first element and the stride.
inline constexpr const char* kThreadFirst = "dgen_e0";
inline constexpr const char* kThreadStride = "dgen_es";
// `for (int64_t VAR = FROM + kThreadFirst; VAR < TO; VAR += kThreadStride)`: a loop spread
// over a CTA's threads.
std::string spread_for(const std::string& var, const std::string& from, const std::string& to);
// The CTA's barrier (a cooperative emission's statement between dependent loops).
inline constexpr const char* kBarrier = "__syncthreads();";
// A GPU's threads that run in lockstep: a loop spread over a window's threads with fewer
// iterations leaves a warp partly idle.
inline constexpr int64_t kWarpThreads = 32;
// A cooperative kernel's scratch in the CTA's shared memory, one double per thread: the
// slot of a lane's thread kThreadFirst is kThreadFirst * kTileLanes + kTileLane.
inline constexpr const char* kCtaScratch = "dgen_red";
// A cooperative kernel's shared memory for ops' data (OpDef::cta_shared), floats: lane
// kTileLane's slice starts kTileLane * kSharedStride floats in.
inline constexpr const char* kCtaShared = "dgen_smem";
inline constexpr const char* kSharedStride = "dgen_ls";
inline constexpr const char* kTileLane = "dgen_tl";   // the lane's place in the CTA's tile
inline constexpr const char* kTileLanes = "dgen_nt";  // the lanes of the CTA's tile
// A sum of `n` terms (`term`, a float expression of `var` from 0 to the int64 expression
// `n`) for one lane, the result in the double `acc_` for the statement `finish`.
// Cooperative (EmitCtx::cooperative): each of the lane's threads adds every
// kThreadStride-th term, leaves its partial in kCtaScratch, and the lane's first thread
// adds the partials in thread order and runs `finish`: the same launch gives the same
// bits. Else `serial_loop` gives the loop over the terms around its body (C: an OpenMP
// SIMD reduction where it may).
void emit_sum(EmitCtx& e, const std::string& n, const std::string& var, const std::string& term,
              const std::string& finish,
              const std::function<std::string(const std::string& body)>& serial_loop);
// emit_sum for each element `e` (0 <= e < `elements`), one sum after another: on a GPU
// window's threads each sum is shared by all of them, where a loop over few elements
// spread over the threads (emit_loop) leaves most idle while a few walk long sums.
void emit_element_sums(EmitCtx& c, int64_t elements, const std::string& n, const std::string& var,
                       const std::string& term, const std::string& finish,
                       const std::function<std::string(const std::string& body)>& serial_loop);

// Attribute accessors that report a missing attribute by op name.
int64_t int_attr(const Node& node, size_t i);
double real_attr(const Node& node, size_t i);

}  // namespace dgen
