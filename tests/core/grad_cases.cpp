// The gradient cases of the differential suite: losses through every kind of adjoint rule
// (elementwise with broadcasting, history feedback, tensor cells with hop, phasor, accum,
// delay with a modulated time, biquad, lanes, windows and FFTs, spectral losses, buffers),
// whose param gradients must agree between the C backend and the interpreter.
#include <numbers>

#include "core/op_cases.hpp"
#include "dgen/ops_audio.hpp"

namespace dgen::test {
namespace {

const double kTwoPi = 2 * std::numbers::pi;

Value elementwise_loss() {
  Param gain("gain", 0.7f), bias("bias", {3}, {0.1f, -0.2f, 0.3f});
  const Value y = tanh(gain * sig_bank() + bias) * sigmoid(sig_a() - bias) + sqrt(sig_pos() * gain);
  return mse(y, sig_b()) + l1(exp(gain * sig_a()), 1.0);
}

Value feedback_loss() {
  Param r("r", 0.8f), drive("drive", 1.3f);
  History h;
  const Value y = h.write(tanh(r * h.read() + drive * sig_a()));
  return mse(y, sig_b() - 0.5);
}

Value hop_cell_loss() {
  Param w("w", {2, 3}, {0.5f, -0.3f, 0.2f, 0.1f, 0.4f, -0.6f});
  History cell({2, 3}, {}, 8);
  const Value held = cell.read();
  cell.write(tanh(0.5 * held + w * sig23()));
  return mse(held * sig_a(), 0.1);
}

Value oscillator_loss() {
  Param freq("freq", 330.0f), step("step", 0.01f);
  const Value osc = sin(kTwoPi * phasor(freq)) * accum(step * sig_b(), 0.0, 0.0, 1.0);
  return mse(osc, sig_a());
}

Value delay_loss() {
  Param time("time", 5.5f), level("level", 0.6f);
  const Value echo = delay(level * sig_a(), time + 3.0 * sig_b(), 32);
  return mse(echo + 0.5 * sig_a(), sig_b() - 0.5);
}

Value biquad_loss() {
  Param cutoff("cutoff", 2500.0f), q("q", 1.1f), gain("gain", 0.8f);
  const Value y = biquad(sig_a() + 0.2 * noise(), cutoff, q, gain, 0);
  return mse(y, sig_b() - 0.5);
}

// Per-lane params: each lane's gradient is its own voice's.
Value lanes_loss() {
  Param freq("freq", 0.0f), level("level", 0.5f);
  freq.set_per_lane({200, 300, 450});
  return mse(level * sin(kTwoPi * phasor(freq)), sig_a());
}

// Windows at hop rate and back: buffer, Hann, FFT, a gain per bin, inverse FFT, overlap-add,
// and a hop hold.
Value windows_loss() {
  Param drive("drive", 0.8f), bins("bins", {16}, std::vector<float>(16, 0.7f));
  const auto [re, im] = fft(buffer(drive * sig_a(), 16, 4));
  const Value y = overlap_add(ifft(re * bins, im * bins) * hann(16), 4);
  return mse(y + hop_hold(drive * sig_b(), 8), sig_b() - 0.5);
}

// The multi-resolution spectral loss (windows, FFTs, magnitudes, logs and the sums over
// windows) of a param-shaped signal against another, at two sizes.
Value spectral_loss_case() {
  Param drive("drive", 0.8f), tone("tone", 0.3f);
  MrstftOptions o;
  o.sizes = {32, 16};
  o.frames = kCaseFrames;
  return mrstft_loss(drive * sig_a() + tone * sig_a() * sig_a(), sig_b(), o);
}

// A param table read at frame rate through gather and peek: their adjoints scatter-add
// into the table.
Value table_read_loss() {
  Param table("table", {8}, {0.1f, -0.4f, 0.3f, 0.8f, -0.2f, 0.5f, 0.0f, 0.6f});
  const Value index = 7.0 * phasor(1800.0);
  return mse(gather(table, index) + peek(reshape(table, {8, 1}), index), sig_a());
}

// A looper on a two-channel buffer (poke, and peek at a param-driven position) whose whole
// contents are also read: the take of the pokes, the reads' scatter and the whole read's
// add (src/ops/cell_adjoint.cpp).
Value buffer_loss() {
  Param feedback("feedback", 0.6f), gain("gain", 0.9f), offset("offset", 2.3f);
  History buf({12, 2});
  const Value head = accum(1.0, 0.0, 0.0, 12.0);
  const Value played = cell_peek(buf, head, 0.3);
  cell_poke(buf, head, gain * sig_a() + feedback * played, 0.0);
  cell_poke(buf, head * 5.0, feedback * sig_b(), 1.0);
  const Value late = cell_peek(buf, head + offset, sig_pos());
  return mse(played + late, sig_b()) + 0.01 * sum(buf.read() * buf.read());
}

// Partitioned convolution of a param-scaled input with a param impulse response: the MAC's
// adjoints to its input (a MAC backwards in time) and to its partitions.
Value partitioned_convolve_loss() {
  Param drive("drive", 0.8f), ir("ir", {6}, {0.5f, -0.3f, 0.2f, 0.7f, -0.1f, 0.4f});
  return mse(partitioned_convolve(drive * sig_a(), ir, 2), sig_b());
}

}  // namespace

std::vector<GradCase> gradient_cases() {
  return {{"elementwise", elementwise_loss},
          {"history feedback", feedback_loss},
          {"tensor cell with hop", hop_cell_loss},
          {"phasor accum", oscillator_loss},
          {"delay", delay_loss},
          {"biquad", biquad_loss},
          {"lanes", lanes_loss, 3},
          {"windows", windows_loss},
          {"multi-resolution spectral loss", spectral_loss_case},
          {"table reads", table_read_loss},
          {"buffer", buffer_loss},
          {"partitioned convolution", partitioned_convolve_loss}};
}

}  // namespace dgen::test
