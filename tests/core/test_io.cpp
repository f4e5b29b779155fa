// SPEC §2.6: out(x, channel), in(channel) and samplerate, on both backends.
#include "support.hpp"

namespace dgen {
namespace {

const Backend kBackends[] = {Backend::Interp, Backend::C};
const char* name(Backend b) { return b == Backend::C ? "C" : "interpreter"; }

std::vector<float> as_vector(std::span<const float> s) { return {s.begin(), s.end()}; }

TEST(Io, SamplerateIsTheRunsSampleRate) {
  for (Backend b : kBackends)
    for (double sr : {44100.0, 48000.0, 96000.0}) {
      SCOPED_TRACE(std::string(name(b)) + " at " + std::to_string(sr));
      EXPECT_EQ(test::render1(samplerate() + 0.0 * in(1), 3, b, 1, sr),
                std::vector<float>(3, float(sr)));
    }
}

TEST(Io, OutputsAreFoundByChannel) {
  const std::vector<float> left = {1, 2, 3, 4}, right = {-1, -2, -3, -4};
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    RenderOptions o;
    o.backend = b;
    Program p({out(in(2) * 2.0, 1), out(in(1) + 0.5, 3)}, o);
    p.run(4, {{1, left}, {2, right}});
    EXPECT_EQ(as_vector(p.channel(1)), (std::vector<float>{-2, -4, -6, -8}));
    EXPECT_EQ(as_vector(p.channel(3)), (std::vector<float>{1.5, 2.5, 3.5, 4.5}));
    EXPECT_EQ(as_vector(p.output(1)), as_vector(p.channel(3)));
    EXPECT_THROW(p.channel(2), Error);
  }
}

// A value computed from an out() that is not itself given to the program (a loss over a
// patch's outputs) reads the out's signal; only the values given are outputs.
TEST(Io, AValueReadingAnOutThatIsNotAnOutputReadsItsSignal) {
  const std::vector<float> x = {1, 2, 3};
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    RenderOptions o;
    o.backend = b;
    const Value voice = out(in(1) * 2.0, 1);
    Program p({voice * voice + 1.0}, o);
    p.run(3, {{1, x}});
    ASSERT_EQ(p.output_count(), 1u);
    EXPECT_EQ(as_vector(p.output(0)), (std::vector<float>{5, 17, 37}));
  }
}

// An input that is missing reads zeros; one shorter than the run is padded with zeros.
TEST(Io, MissingAndShortInputsReadZeros) {
  const std::vector<float> short_input = {5, 6};
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    const auto out = test::render({in(1), in(3)}, 4, b, 1, 44100, {{1, short_input}});
    EXPECT_EQ(out[0], (std::vector<float>{5, 6, 0, 0}));
    EXPECT_EQ(out[1], (std::vector<float>(4, 0.0f)));
  }
}

// Every lane reads the same host input.
TEST(Io, InputIsSharedByAllLanes) {
  const std::vector<float> x = {1, 2, 3};
  for (Backend b : kBackends) {
    SCOPED_TRACE(name(b));
    Param gain("gain", 0.0f);
    gain.set_per_lane({1, 10});
    const auto out = test::render({in(1) * gain}, 3, b, 2, 44100, {{1, x}})[0];
    EXPECT_EQ(out, (std::vector<float>{1, 10, 2, 20, 3, 30}));
  }
}

}  // namespace
}  // namespace dgen
