// fitted.lisp of a training job (docs/TRAINING.md "The job directory"): the patch's own
// text with the params' current values written in as their defaults, so it renders the
// fitted sound by itself.
#pragma once
#include <string>

#include "dgen/patch.hpp"

namespace dgen::cli {

// The text of the patch file `path` (loaded as `patch`) with every scalar param whose value
// differs from its default written in as `@default`, after a comment naming where it came
// from and `command`. Params the text does not declare itself (a macro's, a module's) and
// tensor params are listed in that comment instead.
std::string fitted_patch_text(const std::string& path, const lisp::Patch& patch,
                              const std::string& command);

}  // namespace dgen::cli
