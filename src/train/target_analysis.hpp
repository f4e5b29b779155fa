// What a target recording holds, for feeding a patch's pitch, gate and velocity inputs from
// it and for `dgen analyze` (docs/TRAINING.md "Target analysis"): the fundamental of every
// analysis frame (a YIN estimator), the level envelope, and the notes (on/offsets).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace dgen::train {

struct AnalysisOptions {
  double fmin = 40, fmax = 2000;  // the pitch range searched, Hz
  double hop_seconds = 0.005;     // between analysis frames
  // YIN's threshold on the cumulative mean normalised difference: a frame is voiced when
  // its dip goes below it.
  double threshold = 0.15;
  // A note starts where the level rises above the peak level − gate_db and ends where it
  // falls below the peak level − gate_db − 10 dB (hysteresis); shorter gaps than
  // min_gap_seconds are bridged.
  double gate_db = 35, min_gap_seconds = 0.02;
};

struct Note {
  int64_t on = 0, off = 0;  // frames: the note sounds in [on, off)
  double f0 = 0;            // its median fundamental over voiced frames (0: unpitched)
  double peak = 0;          // its largest |sample|
};

struct TargetAnalysis {
  double sample_rate = 0;
  int64_t frames = 0, hop = 0;   // the analysis frame k is centred on frame k · hop
  std::vector<double> f0;        // per analysis frame, Hz; 0 where unvoiced
  std::vector<double> level_db;  // per analysis frame: RMS of the frames around it, dBFS
  std::vector<Note> notes;
  double f0_median = 0;  // over every voiced frame (0: none)
  double peak = 0;       // the largest |sample|
  double rms_db = -300;  // RMS inside the notes, dBFS (-300 when silent)
};

TargetAnalysis analyze_target(std::span<const float> x, double sample_rate,
                              const AnalysisOptions& options = {});

// Per-frame signals a patch can read from an input channel, `analysis.frames` long:
//   pitch     the fundamental in Hz, linear between analysis frames; held across
//             unvoiced stretches (the last voiced value, the first before any)
//   gate      1 inside a note, 0 outside
//   velocity  the note's peak |sample| inside a note, 0 outside
//   loudness  the RMS level envelope as an amplitude (not dB), linear between frames
// Throws dgen::Error for an unknown name, and for pitch when no frame is voiced.
std::vector<float> feature_signal(const TargetAnalysis& analysis, const std::string& name);
bool is_feature_name(const std::string& name);  // pitch, gate, velocity, loudness

// Scales x: "peak" to a largest |sample| of 1, "loudness" to an RMS of -20 dBFS inside its
// notes. Returns the gain applied; throws for another mode, and for silence.
double normalize_target(std::vector<float>& x, double sample_rate, const std::string& mode);

// A seed for a param that sets the pitch of a note (a patch's `@note pitch`,
// docs/TRAINING.md "The pitch from the target"): the median fundamental of the target's
// first 4 s, searched in [lo, hi] Hz (within 20 Hz and 0.45 of the sample rate; YIN's
// window grows as 1 / lo). Nothing where no frame is voiced in that range.
std::optional<double> pitch_seed(std::span<const float> x, double sample_rate, double lo,
                                 double hi);

// A few lines for a person: length, level, f0, the notes with their times.
std::string describe_analysis(const TargetAnalysis& analysis);

}  // namespace dgen::train
