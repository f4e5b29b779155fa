// Rules on what a program shows its host, the same for the C++ API and the patch language
// (docs/LANGUAGE.md, `out` and `param`): Program checks them, and the patch language's
// `out` form checks through check_out_channels too, so a patch's error has a position.
#pragma once
#include <span>

#include "ir/node.hpp"

namespace dgen {

// A host channel is written by at most one out() node (channel 0, a rendered value that
// is not an out() of the patch, may repeat). Throws dgen::Error naming the channel.
void check_out_channels(std::span<const NodeRef> outputs);

// A program's sample rate is a finite number > 0. Throws dgen::Error.
void check_sample_rate(double sample_rate);

// Params are set by name, so two different params that `nodes` read never share one.
// Throws dgen::Error naming it.
void check_param_names(std::span<const Node* const> nodes);

}  // namespace dgen
