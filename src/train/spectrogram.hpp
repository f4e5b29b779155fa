// Spectrograms for report.html: short-time magnitude spectra on a log-frequency axis,
// quantised to bytes so three of them embed in a page at a few tens of kilobytes.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace dgen::train {

struct Spectrogram {
  int columns = 0, rows = 0;
  double seconds = 0;               // duration covered by the columns
  double min_hz = 0, max_hz = 0;    // rows are log-spaced between these
  double floor_db = 0, top_db = 0;  // level 0 and level 255
  std::vector<uint8_t> levels;      // [column][row], row 0 = min_hz
};

// At most `max_columns` columns (the hop grows for long signals). The dB scale is
// absolute (0 dB = a full-scale sine), so spectrograms of different sounds compare.
Spectrogram spectrogram(std::span<const float> x, double sample_rate, int rows = 160,
                        int max_columns = 480);

}  // namespace dgen::train
