// The backends the tests run on, from the backend registry (src/runtime/backends.hpp):
// suites are parameterised over these rather than naming a backend, so a backend that is
// added (or present only on some machines, like CUDA) is tested by the same suites.
#pragma once
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/backends.hpp"

namespace dgen::test {

// A backend with the name GoogleTest prints for it ("C", "Interp").
struct BackendParam {
  Backend backend;
  std::string name;
};
inline void PrintTo(const BackendParam& b, std::ostream* os) { *os << b.name; }

// Every backend that runs programs here, in registry order.
inline std::vector<BackendParam> present_backends() {
  std::vector<BackendParam> out;
  for (Backend b : runnable_backends()) {
    std::string name = backend_name(b);
    name[0] = char(std::toupper(static_cast<unsigned char>(name[0])));
    out.push_back({b, name});
  }
  return out;
}

// The backends checked against the reference interpreter: every present one but it.
inline std::vector<BackendParam> compared_backends() {
  std::vector<BackendParam> out;
  for (const BackendParam& b : present_backends())
    if (b.backend != Backend::Interp) out.push_back(b);
  return out;
}

inline std::string backend_param_name(const ::testing::TestParamInfo<BackendParam>& info) {
  return info.param.name;
}

}  // namespace dgen::test
