// Uniformly partitioned overlap-save convolution (docs/LANGUAGE.md, partitioned-convolve):
// the IR's partitions are transformed once (static: they come from a file or a tensor);
// every block frames the input block's spectrum enters the ring of the MAC op
// (spectral_partitioned.cpp), and the sum of products is transformed back.
#include "dgen/error.hpp"
#include "dgen/ops_audio.hpp"
#include "ir/node.hpp"
#include "ops/spectrum_util.hpp"

namespace dgen {
namespace {

bool is_power_of_two(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

void check_block(int64_t block, const char* op) {
  if (!is_power_of_two(block))
    throw Error(std::string(op) + ": the block must be a power of two, got " +
                std::to_string(block));
}

}  // namespace

std::pair<Value, Value> partition_ir(const Value& ir, int64_t block) {
  check_block(block, "partition-ir");
  if (ir.shape().size() != 1)
    throw Error("partition-ir: the impulse response must be 1-D [L], got " + to_string(ir.shape()));
  const int64_t length = ir.shape()[0], k = (length + block - 1) / block;
  const Value blocks = reshape(pad(ir, {{0, k * block - length}}), {k, block});
  return fft_lower_bins(pad(blocks, {{0, 0}, {0, block}}));
}

std::pair<Value, Value> partitioned_spectral_mac(const Value& re, const Value& im,
                                                 const Value& ir_re, const Value& ir_im) {
  const Value y = make("partitioned_spectral_mac", {re, im, ir_re, ir_im});
  return {complex_part(y, 0), complex_part(y, 1)};
}

Value partitioned_convolve(const Value& x, const Value& ir, int64_t block) {
  check_block(block, "partitioned-convolve");
  if (!x.shape().empty())
    throw Error("partitioned-convolve: expects a scalar signal, got " + to_string(x.shape()));
  const auto [ir_re, ir_im] = partition_ir(ir, block);
  const auto [re, im] = fft_lower_bins(buffer(x, 2 * block, block));
  const auto [yr, yi] = partitioned_spectral_mac(re, im, ir_re, ir_im);
  const auto [full_re, full_im] = mirrored(yr, yi, block);
  // Overlap-save: the last `block` samples of the circular convolution are the linear one.
  return overlap_add(shrink(ifft(full_re, full_im), {{block, 2 * block}}), block);
}

}  // namespace dgen
