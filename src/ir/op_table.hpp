// The op table: every op defined in one place (DESIGN §2 "One op table").
//
// An OpDef carries the op's arity, attribute checks, shape rule, rate rule, the state it
// owns, its reference evaluation (double precision, one lane, one frame), its C emission
// and (for differentiable ops) its adjoint. Every pass asks this table; no pass keeps a
// list of special ops. Ops are registered per family in src/ops/*.cpp.
#pragma once
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ir/node.hpp"

namespace dgen {

// One state variable an op owns, per lane: `count` elements of float or double.
struct StateVar {
  std::string name;
  int64_t count = 1;
  bool f64 = false;
  // Every element is written before it is read (a tape): a reset leaves it as it is, so
  // resetting a program does not clear megabytes nobody reads.
  bool scratch = false;
  // Every lane holds the same values (a tape of a value every lane shares:
  // analysis/lane_shared.hpp): stored once, without the lane dimension (lower/layout.hpp),
  // every lane writing the same values there and reading them. An STFT loss's tapes of its
  // target's spectra are then written and read once, not once per lane.
  bool lanes_alike = false;
};

// What the reference interpreter gives an op's evaluation: one lane, one frame.
struct EvalCtx {
  const Node& node;
  std::vector<const double*> in = {};  // each input, numel(input shape) values
  double* out = nullptr;               // numel(node.shape) values; kept between frames
  std::vector<double*> state = {};     // one per StateVar (a history's: the cell's)
  int64_t t = 0;                       // frames since the state was last reset
  int64_t run_frame = 0;               // frame index within this run() call
  double sr = 44100;
  int64_t lane = 0;
  bool hop_frame = true;  // t ≡ 0 mod the node's hop (true for frame rate)
  // Host I/O, for the in/out/param ops.
  std::function<double(int channel)> input = {};          // sample of in(channel) now
  std::function<void(const double* values)> output = {};  // this out node's values now
};

// What the C renderer gives an op's emission. Code is emitted for one lane
// (the renderer wraps it in the lane loop, `l` is the lane) and one frame.
struct EmitCtx {
  const Node& node;
  std::function<std::string(int input, const std::string& flat)> in = {};  // an input element
  std::function<std::string(const std::string& flat)> out = {};            // this node's element
  std::function<std::string(int var, const std::string& idx)> state = {};  // a state element
  std::string t = {};          // int64 expression: frames since reset
  std::string run_frame = {};  // int64 expression: frame within this run() call
  std::string sr = {};         // double expression: the sample rate
  std::string hop_frame = {};  // int expression: nonzero on this node's hop frames
  std::function<std::string(int channel)> input = {};                // float expression
  std::function<std::string(const std::string& flat)> output = {};   // out node's lvalue
  std::function<std::string(const std::string& prefix)> fresh = {};  // a unique C name
  std::function<void(const std::string& line)> line = {};            // append a statement
  // True when the renderer left the lane loop to the emission (OpDef::lane_loops): every
  // statement that uses `l` goes inside a lane loop of its own (emit_util's lane_loop),
  // over `lane_count` lanes ("1" for a value every lane shares, computed in lane 0).
  bool lanes = false;
  std::string lane_count = "L";
  // In a region of independent windows (an op with OpDef::emit_window): element `flat` of
  // the input's value at frame `frame` of the block (t = T0 + frame; a hop value's, the one
  // of its last hop frame), and the block's first frame counter T0 and length.
  std::function<std::string(int input, const std::string& frame, const std::string& flat)>
      in_frame = {};
  std::string block_t0 = {}, block_frames = {};
  // True where a per-op table on the stack is cheap (C: the FFT's twiddles). On a GPU a
  // thread's stack is local memory, reserved for every thread that may be resident.
  bool stack_tables = true;
  // In a region of windows on a GPU the threads of a CTA share one window of a lane
  // (LowerTarget::cooperative_windows): `cooperative` asks the op to spread its element
  // loops over them (thread kThreadFirst of every kThreadStride, emit_util.hpp), and the
  // op counts in `spread` the statements it emitted so. The lowering runs an op that left
  // any statement unspread on one thread per lane instead, and puts a barrier after every
  // op.
  bool cooperative = false;
  int spread = 0;
};

// How an op is evaluated over time.
enum class Exec {
  AtRate,      // on the frames of its own rate (static: once per run)
  EveryFrame,  // every frame whatever its value rate (e.g. buffer fills its ring)
};

// A node's value storage that the runtime, not the op, fills.
enum class Source { Computed, Param, Literal };

// How an op's value depends on the state of the recurrence around it, for recurrences
// that are linear in their state: a GPU runs such a serial region as a scan over chunks
// of frames instead of one thread walking every frame (src/schedule/scan.hpp). "Varying"
// below means depending on the region's state; every op not listed makes a region that
// feeds it varying values an ordinary serial one.
enum class Linear {
  No,
  Sum,        // add, sub, neg: affine in the state when its inputs are
  Product,    // mul: affine when at most one input varies
  Quotient,   // div: affine when the divisor does not vary
  Select,     // gswitch: affine when the condition does not vary
  CellRead,   // history_read: a value of the state itself
  CellWrite,  // history_write: the cell's next state, its input
  Ramp,       // phasor: its phase, a recurrence mod 1 of its own (inputs not varying)
  Total,      // frame_sum: a running total no node of the region reads
  TapeRead,   // tape_read: a frame's taped value (written by another program)
  Pass,       // out: its input, also stored for the frame (a host output)
  TapeWrite,  // tape_write: its input, also stored in its tape for the frame
};

struct OpDef {
  std::string name;
  int min_inputs = 0;
  int max_inputs = 0;  // -1: any number
  // Shape of the result from the input shapes; throws dgen::Error.
  std::function<Shape(const std::vector<Shape>&, const Attrs&)> shape;
  // Rate of the result; default: the fastest input rate (static with no inputs).
  std::function<Rate(const std::vector<Rate>&, const Attrs&)> rate;
  Exec exec = Exec::AtRate;
  Source source = Source::Computed;
  // State the node owns (per lane). History reads/writes declare their cell's state.
  std::function<std::vector<StateVar>(const Node&)> state = {};
  // Fresh state for one lane (default zeros), called on reset. `instance` numbers the
  // nodes of this op in graph order, stable for a given patch (noise seeds use it).
  std::function<void(const Node&, int64_t instance, std::span<double* const> state)> init_state;
  std::function<void(EvalCtx&)> eval;
  std::function<void(EmitCtx&)> emit;
  // An every-frame op that fills a window from a frame-rate input (buffer), or a frame-rate
  // op that sums windows back onto frames (buffer_adjoint), may also run in regions of
  // independent windows or frames (Schedule::parallel_windows), if it says how:
  // `emit_window` computes its value on a hop frame (or frame) from its input's block rows
  // (EmitCtx::in_frame) and its state, and, after the block's windows, `emit_window_keep`
  // keeps element `e` (0 <= e < window_keep(node)) of what the next blocks read in its
  // state.
  std::function<void(EmitCtx&)> emit_window;
  std::function<void(EmitCtx&)> emit_window_keep;
  std::function<int64_t(const Node&)> window_keep;
  // A frame-rate op whose value no node reads and whose state after a block depends on
  // its input's frames of the block in any order (frame_sum: their sum) may do a block's
  // frames at once in a schedule with parallel windows (Region::at_once), if it says how:
  // `emit_block` reads its input's block rows (EmitCtx::in_frame, frames 0 to
  // block_frames - 1), its element loops shared by a GPU CTA's threads where
  // EmitCtx::cooperative (emit_util's emit_sum).
  std::function<void(EmitCtx&)> emit_block;
  // Floats of a GPU CTA's shared memory that each lane of a cooperative window uses while
  // the op runs (EmitCtx::cooperative; the FFT's data while it transforms), at
  // kCtaShared + kTileLane * kSharedStride; unset or 0: none. A region of windows gets the most its
  // ops ask for (lir::Loop::shared_floats).
  std::function<int64_t(const Node&)> cta_shared;
  // For an op whose element `flat` (an int64 expression) is one expression of its
  // inputs' elements and its state, needing no loop: the views (an input element, or 0
  // where padded), a tape's read (its slot's element) and write (its input). It may use
  // EmitCtx::in, state and run_frame alone. A GPU window's readers of such a node compute
  // it where they read it (schedule/schedule.hpp, read_through) instead of a row the node
  // filled: a view, a tape's read or write then costs no pass over memory. An op whose
  // emission also stores into its state (a tape's write) sets `element_stores_state`: its
  // code still runs there, its value kept nowhere.
  std::function<std::string(EmitCtx&, const std::string& flat)> element;
  bool element_stores_state = false;
  // The element is arithmetic on the inputs' elements (an elementwise op), not one of them
  // picked: read through only where a single reader computes it (read_through), so that
  // no value is computed twice.
  bool element_computes = false;
  // A view whose element repeats its input's (expand, repeat): a reader of it reads the
  // input's elements more than once, so an arithmetic input is not read through.
  bool element_repeats = false;
  // An op that reads each element of its inputs once a frame (a sum, an FFT's gather): an
  // arithmetic input (element_computes) may be computed where it reads it.
  bool reads_elements_once = false;
  // The adjoint (vector-Jacobian product) rule, as graph construction in the backward
  // program; see src/autodiff/adjoint.hpp for AdjointCtx. Empty: asking for a gradient
  // through the op is a compile error naming it (unless zero_derivative).
  std::function<void(struct AdjointCtx&)> adjoint;
  // True when the op has a true zero derivative (noise, comparisons): autodiff treats it
  // as a constant instead of failing.
  bool zero_derivative = false;
  // True for ops that carry state from frame to frame (they run in serial regions).
  bool stateful = false;
  // True for ops whose value or state differs between lanes whatever their inputs (a
  // param's, a tape's read), or that the host or another program reads lane by lane (out,
  // a tape's write, a frame sum). Every other op whose inputs are the same in every lane
  // is too, and a backend with lane loops computes it once, in lane 0 (lower/lowering.hpp,
  // find_shared).
  bool per_lane = false;
  // True for ops whose emission is a few arithmetic instructions per element (no call):
  // the scheduler fuses scalar nodes of such ops into a serial loop that is running
  // anyway, where they cost less than a loop of their own (a pass over block memory).
  bool cheap = false;
  // True for ops whose emission can put the lane loop innermost itself (EmitCtx::lanes).
  // The renderer lets tensor nodes of such ops do so: their elements are then walked
  // contiguously across lanes ([element][lane] layout), and vectorise across lanes, where
  // a lane loop around the whole op would stride through memory L floats at a time.
  bool lane_loops = false;
  // True for ops that act on each element of a tensor alone (broadcasting their inputs)
  // with state per element: scalar nodes of such an op may be stacked into one tensor
  // node (src/analysis/stack_scalars.hpp).
  bool stackable = false;
  // The op's part in a recurrence linear in its state (Linear).
  Linear linear = Linear::No;
};

const OpDef& op_def(std::string_view name);  // throws dgen::Error for an unknown op
const OpDef* find_op(std::string_view name);
std::vector<const OpDef*> all_ops();
// The ops of dgen's own families, by name: all_ops() less any a program registered
// itself (a test's op), for the generated reference (docs/OPS.md).
std::vector<const OpDef*> dgen_ops();

// Registration, one function per family (src/ops/*.cpp).
void register_op(OpDef def);
void register_elementwise_ops();
void register_io_ops();
void register_state_ops();
void register_spectral_ops();
void register_tensor_ops();
void register_autodiff_ops();  // tapes, gradient sums, adjoint primitives (src/autodiff)

}  // namespace dgen
