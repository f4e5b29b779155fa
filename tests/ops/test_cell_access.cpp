// poke and in-place peek on history cells (docs/LANGUAGE.md, poke): a recorder's contents
// against the samples written, the same-frame rule (reads see the previous frame), the
// index wrap, the order of a frame's pokes and the C backend against the interpreter.
// Their gradients: tests/autodiff/test_buffer_grads.cpp.
#include "dgen/ops_audio.hpp"
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_error;

// The frame counter 0, 1, 2, ... as a signal.
Value frame_count() { return accum(1.0, 0.0, 0.0, 1e9); }

// Records x = 0.5 · t into a cell of 8 rows at row t, reading row t - 3 back: after three
// frames the output is the sample written three frames ago.
TEST(CellPoke, ARecorderPlaysBackWhatItWrote) {
  History buf({8});
  const Value t = frame_count();
  cell_poke(buf, t, 0.5 * t);
  const Value back = cell_peek(buf, t - 3.0);
  const auto got = test::render1(back, 8);
  // Frames 0-2 read rows clamped to 0: row 0 is written on frame 0, seen from frame 1.
  EXPECT_EQ(got[0], 0.0f);
  for (int64_t f = 3; f < 8; ++f) EXPECT_FLOAT_EQ(got[f], 0.5f * float(f - 3)) << "frame " << f;
}

TEST(CellPoke, AReadInTheSameFrameSeesThePreviousValue) {
  History buf({4}, {9, 9, 9, 9});
  cell_poke(buf, 0.0, frame_count() + 1.0);  // writes 1, 2, 3, ... into row 0
  const auto got = test::render1(cell_peek(buf, 0.0), 4);
  EXPECT_EQ(got, (std::vector<float>{9, 1, 2, 3}));
}

// Two pokes of one frame on one row: the one written last wins, on every backend, whether
// their values are constants or signals (the order is the cell's, not the graph search's).
TEST(CellPoke, ThePokeWrittenLastWins) {
  for (bool constants : {true, false}) {
    SCOPED_TRACE(constants ? "constants" : "signals");
    History buf({4});
    const Value t = frame_count();
    cell_poke(buf, 1.0, constants ? Value(1.0) : t + 1.0);
    cell_poke(buf, 1.0, constants ? Value(2.0) : t + 2.0);
    const Value r = cell_peek(buf, 1.0);
    for (Backend b : runnable_backends()) {
      SCOPED_TRACE(backend_name(b));
      const auto got = test::render1(r, 3, b);
      EXPECT_EQ(got, constants ? (std::vector<float>{0, 2, 2}) : (std::vector<float>{0, 2, 3}));
    }
  }
}

TEST(CellPoke, TheIndexWrapsAndTheReadInterpolates) {
  History buf({4});
  const Value t = frame_count();
  cell_poke(buf, t + 4.0 * 3, t * 10.0);   // row t mod 4, from an index 12 above
  cell_poke(buf, -1.0 - t, 0.0 * t, 0.0);  // row 3, 2, 1, 0, ... (negative indices wrap up)
  const Value mid = cell_peek(buf, 1.5);
  const auto got = test::render1(mid, 3);
  // Frame 0 writes row 0 = 0 and row 3 = 0; frame 1 writes row 1 = 10 and row 2 = 0 after
  // reading; frame 2 reads rows 1 and 2 (10 and 0): 5.
  EXPECT_EQ(got, (std::vector<float>{0, 0, 5}));
}

TEST(CellPoke, TwoChannelsWriteTheirColumns) {
  History buf({4, 2});
  const Value t = frame_count();
  cell_poke(buf, t, t, 0.0);
  cell_poke(buf, t, -t, 1.0);
  const auto got =
      test::render({cell_peek(buf, 2.0, 0.0), cell_peek(buf, 2.0, 1.0), cell_peek(buf, 2.0, 0.5)},
                   4, Backend::Interp);
  EXPECT_EQ(got[0][3], 2.0f);
  EXPECT_EQ(got[1][3], -2.0f);
  EXPECT_EQ(got[2][3], 0.0f);
}

TEST(CellPoke, CompiledMatchesTheInterpreter) {
  History buf({64, 2});
  const Value t = frame_count();
  const Value x = sin(t * 0.05);
  cell_poke(buf, t * 1.5, x, 0.0);
  cell_poke(buf, t, x * x, 1.0);
  const Value r = cell_peek(buf, t * 0.75 + 0.25, 0.3 * phasor(100.0) + 0.4);
  const Value whole = sum(buf.read());
  test::expect_backends_agree({r, whole}, 300, 1);
  test::expect_backends_agree({r, whole}, 300, 3);
}

TEST(CellPoke, CellsMustBeOneOrTwoDimensionalOfHopOne) {
  expect_error([] { cell_poke(History(Shape{}), 0.0, 1.0); }, "must be a 1-D [rows] or 2-D");
  expect_error([] { cell_peek(History({2, 2, 2}), 0.0); }, "must be a 1-D [rows] or 2-D");
  expect_error([] { cell_poke(History({4}, {}, 2), 0.0, 1.0); }, "hop 2");
}

}  // namespace
}  // namespace dgen
