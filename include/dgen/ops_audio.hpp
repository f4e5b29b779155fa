// Operators beyond SPEC §2 for audio work, most of them the predecessor's (SPEC §9,
// docs/LANGUAGE.md): history cells as buffers (poke), wrapping table reads, triggers and
// sequencers, complex spectra, windows, spectral delays, the phase vocoder and
// partitioned convolution. All are built on the op table's primitives; include this
// header beside dgen/dgen.hpp.
#pragma once
#include <cstdint>
#include <utility>

#include "dgen/ops.hpp"

namespace dgen {

// ---- history cells as buffers ---------------------------------------------------------
// Element access without copying the cell (a 1-D [rows] or 2-D [rows, channels] cell of
// hop 1): cell_peek reads like peek reads a table (clamped, bilinear); cell_poke stores
// `value` at row floor(index) wrapped into [0, rows), column floor(channel) clamped, and
// returns it. Reads within a frame see what the previous frame left (reads of a cell run
// before its writes). No gradient flows through a poke.
Value cell_peek(const History& cell, const Value& index, const Value& channel = 0.0);
Value cell_poke(const History& cell, const Value& index, const Value& value,
                const Value& channel = 0.0);

// ---- wrapping reads -------------------------------------------------------------------
// peek and sample reading the table as one period: position `rows` is row 0 again, and a
// position between the last row and `rows` interpolates back to the first (a wavetable,
// a loop). peek_wrap wraps the index into [0, rows).
Value peek_wrap(const Value& t, const Value& index, const Value& channel = 0.0);
Value sample_wrap(const Value& t, const Value& phase, const Value& channel = 0.0);

// ---- triggers and sequencers ----------------------------------------------------------
// 1 on the frame where a ramp x drops by more than 0.5 (a 0 -> 1 ramp wraps), else 0.
Value ramp2trig(const Value& x);
// A step sequencer over `values` ([n]): values[floor(wrap01(phase) · n)].
Value seq(const Value& values, const Value& phase);
// The same advanced by a trigger: each frame with trigger > 0 moves to the next step
// (after the last, the first); the first trigger plays step 0 (before it: step n - 1).
Value seq_trigger(const Value& values, const Value& trigger);
// `n` independent uniform values in [-1, 1) every frame ([n]; a scalar for n = 0).
Value noise_tensor(int64_t n, uint32_t seed = 1);

// ---- complex spectra and windows ------------------------------------------------------
// (a_re + i a_im)(b_re + i b_im) and the conjugate, as (re, im).
std::pair<Value, Value> complex_mul(const Value& a_re, const Value& a_im, const Value& b_re,
                                    const Value& b_im);
std::pair<Value, Value> complex_conj(const Value& re, const Value& im);
// The FFT of x ([..., N]) in polar form (magnitude, phase), and polar -> rectangular.
// The magnitude is sqrt(re² + im² + 1e-30), so its gradient stays finite at zero bins.
std::pair<Value, Value> polar_fft(const Value& x);
std::pair<Value, Value> rect_from_polar(const Value& magnitude, const Value& phase);
// Periodic windows of n samples (w[i] for i / n over one period).
enum class WindowType { Hann, Hamming, Blackman };
Value window(WindowType type, int64_t n);
// The [H - kh + 1, W - kw + 1, kh, kw] view of every kh x kw patch of x ([H, W]), stride 1
// (im2col); its adjoint adds back into the overlapping elements of x.
Value windows(const Value& x, int64_t kh, int64_t kw);

// ---- spectral processing --------------------------------------------------------------
// The spectrum (any tensor that changes over time) of `hops` hops ago, and a fractional
// delay in hops (clamped to [0, max_hops]) read linearly between the two rows around it.
// Hops are those of the spectrum's rate (every frame for a frame-rate one).
Value spectrum_delay(const Value& spectrum, int64_t hops);
Value spectrum_delay_mod(const Value& spectrum, const Value& delay_hops, int64_t max_hops);
// A hop-rate pitch shifter on the spectrum (re, im) ([N], every `hop` frames) of a real
// signal: per bin, the magnitude and the true frequency from the phase advance since the
// last hop; output bin j takes bin round(j / ratio) with its frequency times ratio, and a
// per-bin phase accumulator resynthesises it. Returns the full spectrum (re, im) [N] for
// ifft and overlap-add.
std::pair<Value, Value> phase_vocoder(const Value& re, const Value& im, const Value& ratio);

// ---- uniformly partitioned overlap-save convolution -----------------------------------
// partition_ir cuts ir ([L]) into K = ceil(L / block) blocks, zero-pads each to 2·block
// and transforms it: (re, im), each [K, block + 1] (the bins 0 … block of a real signal).
std::pair<Value, Value> partition_ir(const Value& ir, int64_t block);
// Σ_k (spectrum of k evaluations ago) · partition k, bin by bin, as (re, im) [B]; the
// spectrum (re, im) is [B], the partitions [K, B].
std::pair<Value, Value> partitioned_spectral_mac(const Value& re, const Value& im,
                                                 const Value& ir_re, const Value& ir_im);
// x convolved with ir ([L]): every `block` frames the last 2·block samples of x are
// transformed, multiplied with every partition's spectrum against the input spectra of
// the blocks before, and transformed back; y[t] = Σ_j ir[j] · x[t - (block - 1) - j]
// (latency block - 1 frames). block a power of two. Differentiable in x and in ir.
Value partitioned_convolve(const Value& x, const Value& ir, int64_t block);

}  // namespace dgen
