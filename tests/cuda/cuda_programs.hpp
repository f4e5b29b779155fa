// The programs the CUDA tests compile: the schedules of a forward graph, and of the forward
// and reverse-time backward programs of a loss, as GradProgram builds them.
#pragma once
#include <memory>
#include <vector>

#include "autodiff/transform.hpp"
#include "dgen/dgen.hpp"
#include "runtime/pipeline.hpp"

namespace dgen::test {

// As the CUDA backend schedules them (BackendDef::parallel_windows).
constexpr bool kParallelWindows = true;

inline std::vector<NodeRef> as_out_nodes(const std::vector<Value>& values) {
  std::vector<NodeRef> nodes;
  for (const Value& v : values)
    nodes.push_back(v.node()->op->name == "out" ? v.node() : make("out", {v}, {{0}, {}}).node());
  return nodes;
}

inline Schedule forward_schedule(const std::vector<Value>& values, int lanes, int64_t block = 256) {
  pipeline::Trace trace;
  return pipeline::schedule(as_out_nodes(values), lanes, trace, block, kParallelWindows);
}

// A window's elementwise ops read in every way read_through tells apart: by a broadcast
// (a level scaling every bin), by expand, by repeat, by a reshape a matmul reads, by a
// sum alone (RenderCuda.ElementwiseOpsReadMoreThanOnceKeepTheirRows).
inline Value elementwise_readers_loss() {
  const auto [re, im] = fft(buffer(in(1), 64, 16) * hann(64));
  const Value level = 1.0 / (sum(re * re) + 1.0);
  return sum(im * level) + sum(expand(abs(re), Shape{3, 64})) + sum(repeat(tanh(re), {2})) +
         sum(matmul(reshape(exp(im * 0.01), Shape{1, 64}), ones(Shape{64, 2}))) +
         sum(sqrt(abs(im)));
}

// The forward program of a loss and, when it has params, its backward program; the
// schedules' graphs point into `d`, which owns their nodes.
struct GradientSchedules {
  Differentiated d;
  std::vector<Schedule> schedules;
};

inline std::unique_ptr<GradientSchedules> gradient_schedules(const Value& loss, int lanes,
                                                             int64_t tape_frames,
                                                             int64_t block = 256,
                                                             bool input_grads = false) {
  auto out = std::make_unique<GradientSchedules>();
  out->d = differentiate(loss, tape_frames, {input_grads});
  pipeline::Trace trace;
  out->schedules.push_back(
      pipeline::schedule(out->d.forward_outputs(), lanes, trace, block, kParallelWindows));
  if (!out->d.grads.empty()) {
    out->schedules.push_back(
        pipeline::schedule(out->d.backward_outputs(), lanes, trace, block, kParallelWindows));
    out->schedules.back().reverse = true;
  }
  return out;
}

}  // namespace dgen::test
