// Helpers the tensor-op tests share: small tensors with known contents, reading a static
// value back, checking error messages, and running one graph on both backends at every
// rate and lane count.
#pragma once
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "dgen/dgen.hpp"
#include "support.hpp"

namespace dgen::tensor_test {

// start, start + 1, ... in row-major order.
inline std::vector<float> iota_data(int64_t n, float start = 0) {
  std::vector<float> data(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) data[i] = start + float(i);
  return data;
}
inline Value iota(const Shape& shape, float start = 0) {
  return tensor(shape, iota_data(numel(shape), start));
}
inline Value vec(const std::vector<float>& xs) { return tensor({int64_t(xs.size())}, xs); }

// Renders v for one frame on the interpreter and compares its shape and elements.
inline void expect_values(const Value& v, const Shape& shape, const std::vector<double>& want,
                          double tol = 1e-5) {
  EXPECT_EQ(v.shape(), shape);
  const auto got = test::render1(v, 1);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], tol * (1 + std::fabs(want[i]))) << "element " << i;
}

// `build` must throw a dgen::Error whose message contains `text`.
inline void expect_error(const std::function<void()>& build, const std::string& text) {
  try {
    build();
    ADD_FAILURE() << "no error; expected one containing: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos)
        << "message: " << e.what() << "\nexpected to contain: " << text;
  }
}

using Build = std::function<std::vector<Value>(const std::vector<Value>&)>;

// Checks the C backend against the interpreter for `build` applied to `inputs` made
// static, hop-rate (held every 3 frames) and frame-rate (times 1 + a phasor, so the op
// runs every frame), with 1 and 4 lanes (4 lanes scale the inputs by a per-lane gain so
// that lanes differ). Only inputs marked in `animate` (default: all) are varied; integer
// indices stay static so that float rounding cannot move them across a floor.
inline void expect_backends_agree_at_every_rate(const Build& build,
                                                const std::vector<Value>& inputs,
                                                std::vector<bool> animate = {}) {
  if (animate.empty()) animate.assign(inputs.size(), true);
  const int64_t frames = 12;
  for (int lanes : {1, 4})
    for (int rate = 0; rate < 3; ++rate) {
      const char* names[] = {"static", "hop(3)", "frame"};
      SCOPED_TRACE(std::string(names[rate]) + ", lanes " + std::to_string(lanes));
      const Value motion = rate == 0   ? Value(1.0)
                           : rate == 1 ? hop_hold(1.0 + phasor(2000.0), 3)
                                       : 1.0 + phasor(441.0);
      Param gain("lane_gain", 1.0f);
      if (lanes > 1) gain.set_per_lane({1.0f, -0.5f, 2.0f, 0.25f});
      std::vector<Value> varied;
      for (size_t i = 0; i < inputs.size(); ++i)
        varied.push_back(animate[i] ? inputs[i] * motion * Value(gain) : inputs[i]);
      const auto outputs = build(varied);
      for (const Value& out : outputs)
        EXPECT_TRUE(out.rate() == motion.rate() || out.rate().is_frame())
            << "result rate " << to_string(out.rate());
      test::expect_backends_agree(outputs, frames, lanes);
    }
}

}  // namespace dgen::tensor_test
