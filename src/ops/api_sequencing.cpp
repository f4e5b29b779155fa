// Triggers and step sequencers (docs/LANGUAGE.md, "Sequencing"): compositions of a
// history cell, comparisons and gather, so they render on every backend and the values a
// sequencer steps through have a gradient.
#include "dgen/error.hpp"
#include "dgen/ops_audio.hpp"

namespace dgen {

Value ramp2trig(const Value& x) {
  if (!x.shape().empty())
    throw Error("ramp2trig: expects a scalar ramp, got " + to_string(x.shape()));
  History previous;
  const Value trig = gt(previous.read() - x, 0.5);
  previous.write(x);
  return trig;
}

namespace {

int64_t steps_of(const Value& values, const char* op) {
  if (values.shape().size() != 1)
    throw Error(std::string(op) + ": the values must be a 1-D tensor [n], got " +
                to_string(values.shape()));
  return values.shape()[0];
}

}  // namespace

Value seq(const Value& values, const Value& phase) {
  const double n = double(steps_of(values, "seq"));
  return gather(values, (phase - floor(phase)) * n);
}

// Triggers counted before this frame (mod n), plus this one, less one: the step the last
// trigger moved to (n - 1 before the first).
Value seq_trigger(const Value& values, const Value& trigger) {
  const double n = double(steps_of(values, "seq"));
  const Value fired = gt(trigger, 0.0);
  return gather(values, wrap(accum(fired, 0.0, 0.0, n) + fired - 1.0, 0.0, n));
}

}  // namespace dgen
