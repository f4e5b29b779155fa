// A loaded patch as a plugin's interface (SPEC §8): what `dgen compile` builds its plugin
// and manifest from, and what anything else that compiles a patch as a plugin should use.
#pragma once
#include "backend/c/plugin_source.hpp"
#include "lisp/patch.hpp"

namespace dgen::lisp {

// Settable params are the patch's scalar params in declaration order (with their @note
// roles); host input k is the patch's k-th input port; their current values are the
// defaults; the latency is the largest of its outputs' @latency.
PluginSpec plugin_spec(const Patch& patch, double sample_rate);

// Whether the patch is an instrument: it has a `@note gate` param (docs/PLUGIN.md).
bool is_instrument(const Patch& patch);

}  // namespace dgen::lisp
