// "did you mean …?" for unknown names.
#pragma once
#include <string>
#include <vector>

namespace dgen::lisp {

// " (did you mean 'phasor'?)" when a candidate is a small edit away from `name`, else "".
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace dgen::lisp
