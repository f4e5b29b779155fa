#include "ir/format_number.hpp"

#include <sstream>

namespace dgen {

std::string format_number(double x) {
  std::ostringstream s;
  s << x;
  return s.str();
}

}  // namespace dgen
