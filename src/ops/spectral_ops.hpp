// The spectral family (SPEC §2.3) is registered from several files, one job each;
// register_spectral_ops() in spectral.cpp calls them all.
#pragma once

namespace dgen {

void register_window_ops();       // buffer, overlap_add, hop_hold, hop_pulse (spectral_windows.cpp)
void register_fft_ops();          // fft_complex (spectral_fft.cpp)
void register_partitioned_ops();  // partitioned_spectral_mac (spectral_partitioned.cpp)

}  // namespace dgen
