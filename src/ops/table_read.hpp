// Interpolated reads from a table ([rows] or [rows, columns]) at positions computed at run
// time, shared by peek (a tensor input) and cell_peek (a history cell's state): positions
// are clamped to the table and turned into int64 indices with floor; interpolation
// weights are the fractional parts.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "dgen/shape.hpp"
#include "dgen/value.hpp"
#include "ir/op_table.hpp"

namespace dgen {

// Where position x falls along an axis of n entries: clamped to [0, n - 1] (NaN reads
// entry 0), entries i0 and i1 = min(i0 + 1, n - 1) around it and the weight of i1.
struct Lerp {
  int64_t i0 = 0, i1 = 0;
  double frac = 0;
};
Lerp lerp_at(double x, int64_t n);
inline double lerp_mix(double a, double b, double w) { return a + w * (b - a); }

// lerp_at as graph values (for adjoint rules): the entries around position x along n, the
// weight of the upper one, and 1 where x is inside [0, n - 1) (not clamped), where the read
// has a slope.
struct LerpValues {
  Value i0, i1, frac, inside;
};
LerpValues lerp_values(const Value& x, int64_t n);
// The adjoint of bilinear reads of a table of `shape` at rows r and columns k: each
// read's adjoint g added into a tensor of `shape` at the entries it mixed, with its
// weights (scatter_add).
Value scatter_reads(const Value& g, const LerpValues& r, const LerpValues& k, const Shape& shape);

// C for the clamp of lerp_at: declares float P_x and int64 P_0 (the entry at or below).
std::string clamp_decl(const std::string& p, const std::string& x, int64_t n);
// C for all of lerp_at: clamp_decl plus int64 P_1 and the float weight P_f.
std::string lerp_decl(const std::string& p, const std::string& x, int64_t n);
// C for a + w (b - a).
std::string c_mix(const std::string& a, const std::string& b, const std::string& w);

// A table seen as [rows, columns] (a 1-D table has one column).
struct Table {
  int64_t rows = 1, cols = 1;
};
// Throws dgen::Error naming `op` unless `t` has rank min_rank..2.
Table table_of(const std::string& op, const Shape& t, size_t min_rank);

// The bilinear read of lerp_at(index) along the rows and lerp_at(channel) along the
// columns; `at(flat)` is the table's element.
double read_bilinear(const std::function<double(int64_t)>& at, Table tb, double index,
                     double channel);
// The same in C: statements that end by assigning the read to `out`; `at(flat)` is the
// C expression of the table's element at a flat index expression.
std::string c_read_bilinear(const std::function<std::string(const std::string&)>& at, Table tb,
                            const std::string& index, const std::string& channel,
                            const std::string& out);

// A node's bilinear reads, one per element of its shape: inputs `first` and first + 1 are
// the positions (index, channel), broadcast to the node's shape; `table` / `at` is the
// table (an input or the node's state).
void eval_reads(EvalCtx& c, const double* table, Table tb, int first);
void emit_reads(EmitCtx& c, const std::function<std::string(const std::string&)>& at, Table tb,
                int first);

}  // namespace dgen
