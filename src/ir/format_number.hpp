// Numbers in messages, as a user would write them ("2", "0.5", "1e+09", "-inf"): every
// layer that names a number in an error says it the same way.
#pragma once
#include <string>

namespace dgen {

std::string format_number(double x);

}  // namespace dgen
