// dgen::Error — the one exception type dgen throws for user errors (bad shapes, bad
// attributes, code that fails to compile, ...). The message is complete and one line
// where possible, so tools can print it as it is.
#pragma once
#include <stdexcept>
#include <string>

namespace dgen {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace dgen
