// Reads (SPEC §2.4): peek, sample, peek_row, gather, to_signal against hand-computed
// values on the interpreter, the C backend against the interpreter at every rate, and the
// error messages of bad shapes.
#include "ir/node.hpp"
#include "ops/tensor_testing.hpp"

namespace dgen {
namespace {

using tensor_test::expect_backends_agree_at_every_rate;
using tensor_test::expect_error;
using tensor_test::expect_values;
using tensor_test::vec;

// rows of [0, 10], [20, 30], [40, 50]
Value table32() { return tensor({3, 2}, {0, 10, 20, 30, 40, 50}); }
Value ramp4() { return vec({0, 10, 20, 30}); }

TEST(TensorPeek, BilinearBetweenRowsAndColumns) {
  expect_values(peek(table32(), 0.5, 0.0), {}, {10});
  expect_values(peek(table32(), 0.5, 0.5), {}, {15});
  expect_values(peek(table32(), 1.25, 1.0), {}, {35});
  expect_values(peek(table32(), 2.0, 0.75), {}, {47.5});
}

TEST(TensorPeek, ClampsAtTheEdges) {
  expect_values(peek(table32(), -1.0, 0.0), {}, {0});
  expect_values(peek(table32(), 5.0, 3.0), {}, {50});
  expect_values(peek(table32(), 2.5, -2.0), {}, {40});
  expect_values(peek(table32(), 1.5, 1.5), {}, {40});
}

TEST(TensorPeek, TensorPositionsGiveOneReadEach) {
  expect_values(peek(table32(), vec({0, 1.5, 2}), 0.0), {3}, {0, 30, 40});
  expect_values(peek(table32(), vec({0.5, 1}), vec({1, 0.5})), {2}, {20, 25});
  expect_values(peek(ramp4(), 1.5), {}, {15});  // a 1-D table has one column
}

TEST(TensorPeek, ReadingAFrameRateIndexIsFrameRate) {
  const Value index = phasor(44100.0 / 4.0) * 4.0;  // 0, 1, 2, 3, 0, ...
  const Value y = peek(ramp4(), index);
  EXPECT_TRUE(y.rate().is_frame());
  const auto out = test::render1(y, 6);
  const std::vector<float> want{0, 10, 20, 30, 0, 10};
  for (size_t t = 0; t < want.size(); ++t) EXPECT_NEAR(out[t], want[t], 1e-4) << "frame " << t;
}

TEST(TensorPeek, BadShapes) {
  expect_error(
      [] {
        peek(zeros({2, 2, 2}), 0.0);
      },
      "peek: the table must be 1-D [rows] or 2-D [rows, columns], got [2, 2, 2]");
  expect_error([] { peek(Value(1.0), 0.0); },
               "peek: the table must be 1-D [rows] or 2-D [rows, columns], got []");
  expect_error([] { peek(table32(), zeros({2}), zeros({3})); },
               "peek: shapes [2] and [3] do not broadcast");
}

TEST(TensorSample, ReadsAtTheWrappedPhaseTimesTheRows) {
  expect_values(sample(ramp4(), 0.375), {}, {15});   // index 1.5
  expect_values(sample(ramp4(), 1.375), {}, {15});   // wraps to 0.375
  expect_values(sample(ramp4(), -0.625), {}, {15});  // wraps to 0.375
  expect_values(sample(ramp4(), 0.9375), {}, {30});  // index 3.75 clamps to the last row
  expect_values(sample(table32(), 0.5, 1.0), {}, {40});
}

TEST(TensorSample, BadShapes) {
  expect_error([] { sample(Value(1.0), 0.5); },
               "sample: the table must be 1-D [rows] or 2-D [rows, columns], got []");
  expect_error([] { sample(zeros({2, 2, 2}), 0.5); }, "sample: the table must be 1-D");
}

TEST(TensorPeekRow, InterpolatesWholeRows) {
  expect_values(peek_row(table32(), 1.5), {2}, {30, 40});
  expect_values(peek_row(table32(), 0.25), {2}, {5, 15});
  expect_values(peek_row(table32(), -3.0), {2}, {0, 10});
  expect_values(peek_row(table32(), 9.0), {2}, {40, 50});
}

// A row is the sub-tensor at one index of the first axis, whatever the rank: a [3, 2, 2]
// table has rows of shape [2, 2], a 1-D table rows that are scalars.
TEST(TensorPeekRow, RowsOfAnNdTableAreSubTensors) {
  const Value cube = tensor({3, 2, 2}, {0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23});
  expect_values(peek_row(cube, 1.0), {2, 2}, {10, 11, 12, 13});
  expect_values(peek_row(cube, 0.25), {2, 2}, {2.5, 3.5, 4.5, 5.5});
  expect_values(peek_row(cube, 1.5), {2, 2}, {15, 16, 17, 18});
  expect_values(peek_row(cube, 7.0), {2, 2}, {20, 21, 22, 23});
  expect_values(peek_row(tensor({2, 1, 3, 1}, {1, 2, 3, 5, 6, 7}), 0.5), {1, 3, 1}, {3, 4, 5});
  expect_values(peek_row(ramp4(), 1.5), {}, {15});
}

TEST(TensorPeekRow, BadShapes) {
  expect_error([] { peek_row(Value(1.0), 0.0); },
               "peek_row: the table must have at least one axis (rows), got a scalar");
  expect_error([] { peek_row(table32(), zeros({2})); },
               "peek_row: the index must be a scalar, got [2]");
}

TEST(TensorGather, RoundsDownAndClamps) {
  // t flattened: 0 10 20 30 40 50
  expect_values(gather(table32(), vec({-2, 0.9, 3.7, 99})), {4}, {0, 0, 30, 50});
  expect_values(gather(ramp4(), tensor({2, 2}, {3, 2, 1, 0})), {2, 2}, {30, 20, 10, 0});
  expect_values(gather(ramp4(), 2.0), {}, {20});
}

TEST(TensorGather, TakesATableAndIndices) {
  expect_error([] { make("gather", {ramp4()}); }, "gather: expected 2 inputs, got 1");
}

TEST(TensorToSignal, PlaysTheFlattenedTensorAndWraps) {
  const Value s = to_signal(tensor({2, 2}, {1, 2, 3, 4}));
  EXPECT_TRUE(s.rate().is_frame());
  EXPECT_EQ(s.shape(), Shape{});
  const auto out = test::render1(s, 7);
  EXPECT_EQ(out, (std::vector<float>{1, 2, 3, 4, 1, 2, 3}));
}

TEST(TensorToSignal, ContinuesAcrossStreamedRuns) {
  RenderOptions o;
  o.backend = Backend::Interp;
  o.preserve_state = true;
  Program p({to_signal(vec({5, 6, 7}))}, o);
  p.run(2);
  p.run(2);
  EXPECT_EQ(std::vector<float>(p.output(0).begin(), p.output(0).end()), (std::vector<float>{7, 5}));
}

TEST(TensorToSignal, TakesOneTensor) {
  expect_error(
      [] {
        make("to_signal", {ramp4(), ramp4()});
      },
      "to_signal: expected 1 inputs, got 2");
}

TEST(TensorReads, BackendsAgreeAtEveryRate) {
  const Value table = tensor({4, 3}, {0, 1, 4, 9, -2, 3, 5, -7, 8, 2, 6, -1});
  const Value rows = vec({-0.5f, 0.25f, 1.5f, 2.75f, 3.0f, 7.0f});
  const Value cols = vec({0.0f, 0.5f, 1.25f, 2.0f, -1.0f, 2.5f});
  const Value indices = tensor({2, 3}, {-1, 0, 2.5f, 5, 11.9f, 40});
  expect_backends_agree_at_every_rate(
      [](const std::vector<Value>& in) {
        return std::vector<Value>{peek(in[0], in[1], in[2]),
                                  peek(in[0], in[1]),
                                  peek(reshape(in[0], {12}), in[1]),
                                  sample(in[0], in[1] * 0.3, in[2]),
                                  peek_row(in[0], 1.75),
                                  peek_row(in[0], sum(in[1]) * 0.1),
                                  peek_row(reshape(in[0], {2, 3, 2}), sum(in[1]) * 0.05),
                                  gather(in[0], in[3]),
                                  to_signal(in[0])};
      },
      {table, rows, cols, indices}, {true, true, true, false});
}

}  // namespace
}  // namespace dgen
