// Deterministic random dgen graphs for the differential, schedule and memory-plan suites.
//
// A graph mixes stateless math (with broadcasting between scalars, static tensors and
// signal tensors), state (stable history feedback loops, phasors, accumulators, delays,
// biquads, latches, noise, compressors), hop-rate cells and lanes (1, 3 or 8, with
// shared and per-lane params). Every value is kept bounded (clipped where it could grow)
// so the float32 C backend and the float64 interpreter stay within the suite's tolerance.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "dgen/dgen.hpp"

namespace dgen::test {

struct RandomGraph {
  uint32_t seed = 0;
  int lanes = 1;
  std::vector<Value> outputs;
  std::vector<std::string> steps;  // what was built, in order, for failure messages

  std::string describe() const;  // seed, lanes and the steps, one per line
};

// The same seed always gives the same graph.
RandomGraph random_graph(uint32_t seed);

}  // namespace dgen::test
