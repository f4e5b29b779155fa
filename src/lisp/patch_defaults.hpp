// A patch's text with new param defaults written in, so that the patch renders with
// those values by itself: what `dgen train` leaves as the fitted patch
// (docs/TRAINING.md "The job directory").
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dgen::lisp {

struct DefaultsRewrite {
  std::string text;
  // The params given that have no (param NAME …) form of their own in the text (declared
  // by a macro or in an imported module), whose defaults could not be written.
  std::vector<std::string> not_found;
};

// Sets `@default` of every (param NAME …) whose name ("group.name" when grouped) is in
// `values`: the value after an existing @default is replaced, or ` @default V` is added
// after the name. Everything else in the text (comments, layout) stays as it was. Values
// are written as the shortest decimal that reads back as the same float. Throws
// PatchError when the text does not read.
DefaultsRewrite set_param_defaults(std::string_view text, const std::string& file,
                                   const std::map<std::string, float>& values);

}  // namespace dgen::lisp
