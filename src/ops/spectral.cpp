// Windows, hops and spectra (SPEC §2.3): the family's registration entry point.
#include "ir/op_table.hpp"
#include "ops/spectral_ops.hpp"

namespace dgen {

void register_spectral_ops() {
  register_window_ops();
  register_fft_ops();
  register_partitioned_ops();
}

}  // namespace dgen
