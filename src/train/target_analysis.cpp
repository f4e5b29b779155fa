#include "train/target_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "dgen/error.hpp"

namespace dgen::train {

namespace {

double to_db(double power) { return power > 0 ? 10 * std::log10(power) : -300.0; }
double db_to_amplitude(double db) { return std::pow(10.0, db / 20); }

double sample_at(std::span<const float> x, int64_t t) {
  return t >= 0 && t < int64_t(x.size()) ? double(x[size_t(t)]) : 0.0;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2) return upper;
  return (*std::max_element(v.begin(), v.begin() + std::ptrdiff_t(mid)) + upper) / 2;
}

// YIN (de Cheveigné & Kawahara 2002) on the frames [start, start + window + max_lag):
// the difference function d(τ), its cumulative mean normalisation d'(τ), the first dip
// of d' below the threshold (followed down to its local minimum), refined by a parabola
// through d around it. Returns the period in frames, or 0 when no dip is deep enough.
double yin_period(std::span<const float> x, int64_t start, int64_t window, int64_t min_lag,
                  int64_t max_lag, double threshold, std::vector<double>& d) {
  std::vector<double> frame(size_t(window + max_lag + 1));
  for (size_t j = 0; j < frame.size(); ++j) frame[j] = sample_at(x, start + int64_t(j));
  d.assign(size_t(max_lag + 2), 0.0);
  for (int64_t tau = 1; tau <= max_lag + 1; ++tau) {
    double s = 0;
    for (int64_t j = 0; j < window; ++j) {
      const double diff = frame[size_t(j)] - frame[size_t(j + tau)];
      s += diff * diff;
    }
    d[size_t(tau)] = s;
  }
  double running = 0;
  int64_t best = 0;
  std::vector<double> normalised(d.size(), 1.0);
  for (int64_t tau = 1; tau <= max_lag + 1; ++tau) {
    running += d[size_t(tau)];
    normalised[size_t(tau)] = running > 0 ? d[size_t(tau)] * double(tau) / running : 1.0;
  }
  for (int64_t tau = min_lag; tau <= max_lag; ++tau) {
    if (normalised[size_t(tau)] >= threshold) continue;
    while (tau + 1 <= max_lag && normalised[size_t(tau + 1)] < normalised[size_t(tau)]) ++tau;
    best = tau;
    break;
  }
  if (best == 0) return 0;
  const double a = d[size_t(best - 1)], b = d[size_t(best)], c = d[size_t(best + 1)];
  const double curvature = a - 2 * b + c;
  const double shift = curvature > 0 ? 0.5 * (a - c) / curvature : 0.0;
  return double(best) + std::clamp(shift, -0.5, 0.5);
}

// [on, off) frame ranges of the analysis frames above the gate, with hysteresis and the
// short gaps bridged.
std::vector<std::pair<int64_t, int64_t>> gated_frames(const std::vector<double>& level_db,
                                                      double on_db, double off_db,
                                                      int64_t min_gap_frames) {
  std::vector<std::pair<int64_t, int64_t>> runs;
  bool open = false;
  for (int64_t k = 0; k < int64_t(level_db.size()); ++k) {
    const double l = level_db[size_t(k)];
    if (!open && l >= on_db) {
      if (!runs.empty() && k - runs.back().second <= min_gap_frames) {
        runs.back().second = k + 1;  // a short gap: the same note goes on
      } else {
        runs.push_back({k, k + 1});
      }
      open = true;
    } else if (open && l < off_db) {
      open = false;
    }
    if (open) runs.back().second = k + 1;
  }
  return runs;
}

// The note's exact edges: the first and last frames near the gate's analysis frames where
// |x| reaches `amplitude`.
Note refine_note(std::span<const float> x, int64_t hop, std::pair<int64_t, int64_t> run,
                 double amplitude) {
  const auto n = int64_t(x.size());
  const int64_t search_on = std::max<int64_t>(0, (run.first - 2) * hop),
                on_end = std::min(n, (run.first + 1) * hop + 1);
  Note note;
  note.on = on_end;
  for (int64_t t = search_on; t < on_end; ++t)
    if (std::fabs(x[size_t(t)]) >= amplitude) {
      note.on = t;
      break;
    }
  const int64_t search_off = std::min(n, (run.second + 1) * hop),
                off_begin = std::max(note.on, (run.second - 2) * hop);
  note.off = std::max(note.on + 1, off_begin);
  for (int64_t t = search_off - 1; t >= off_begin; --t)
    if (std::fabs(x[size_t(t)]) >= amplitude) {
      note.off = t + 1;
      break;
    }
  for (int64_t t = note.on; t < note.off; ++t)
    note.peak = std::max(note.peak, double(std::fabs(x[size_t(t)])));
  return note;
}

// The analysis frame nearest to frame t, as a position between frames.
double frame_position(const TargetAnalysis& a, int64_t t) { return double(t) / double(a.hop); }

// Linear between analysis frames.
float interpolate(const std::vector<double>& v, double position) {
  const auto k = size_t(std::floor(position));
  if (k + 1 >= v.size()) return float(v.back());
  const double w = position - double(k);
  return float(v[k] * (1 - w) + v[k + 1] * w);
}

// The f0 track with every unvoiced frame holding the last voiced value (the first voiced
// one before any).
std::vector<double> held_f0(const TargetAnalysis& a) {
  std::vector<double> f0 = a.f0;
  const auto first = std::find_if(f0.begin(), f0.end(), [](double v) { return v > 0; });
  if (first == f0.end()) throw Error("the target has no pitch: no analysis frame is voiced");
  double last = *first;
  for (double& v : f0) {
    if (v > 0)
      last = v;
    else
      v = last;
  }
  return f0;
}

// "A4 +3 cents"
std::string note_name(double hz) {
  static const char* const kNames[] = {"C",  "C#", "D",  "D#", "E",  "F",
                                       "F#", "G",  "G#", "A",  "A#", "B"};
  const double midi = 69 + 12 * std::log2(hz / 440);
  const long nearest = std::lround(midi);
  char text[48];
  std::snprintf(text, sizeof text, "%s%ld %+.0f cents", kNames[((nearest % 12) + 12) % 12],
                nearest / 12 - 1, 100 * (midi - double(nearest)));
  return text;
}

}  // namespace

TargetAnalysis analyze_target(std::span<const float> x, double sample_rate,
                              const AnalysisOptions& o) {
  if (!(sample_rate > 0)) throw Error("analyze: the sample rate must be > 0");
  if (!(o.fmin > 0 && o.fmin < o.fmax && o.fmax < sample_rate / 2))
    throw Error("analyze: the pitch range must have 0 < fmin < fmax < half the sample rate");
  TargetAnalysis a;
  a.sample_rate = sample_rate;
  a.frames = int64_t(x.size());
  a.hop = std::max<int64_t>(1, std::llround(o.hop_seconds * sample_rate));
  const int64_t count = a.frames / a.hop + 1;
  for (float v : x) a.peak = std::max(a.peak, double(std::fabs(v)));

  for (int64_t k = 0; k < count; ++k) {
    double power = 0;
    for (int64_t t = (k - 1) * a.hop; t < (k + 1) * a.hop; ++t)
      power += sample_at(x, t) * sample_at(x, t);
    a.level_db.push_back(to_db(power / double(2 * a.hop)));
  }
  const double loudest = *std::max_element(a.level_db.begin(), a.level_db.end());
  const double on_db = loudest - o.gate_db, off_db = on_db - 10;

  const auto max_lag = int64_t(std::ceil(sample_rate / o.fmin)),
             min_lag = std::max<int64_t>(2, int64_t(std::floor(sample_rate / o.fmax)));
  const int64_t window = max_lag;
  std::vector<double> scratch;
  std::vector<double> voiced;
  for (int64_t k = 0; k < count; ++k) {
    double f0 = 0;
    if (a.level_db[size_t(k)] >= off_db && loudest > -300) {
      const int64_t start = k * a.hop - (window + max_lag) / 2;
      const double period = yin_period(x, start, window, min_lag, max_lag, o.threshold, scratch);
      if (period > 0) f0 = sample_rate / period;
    }
    a.f0.push_back(f0);
    if (f0 > 0) voiced.push_back(f0);
  }
  a.f0_median = median(voiced);

  if (loudest <= -300) return a;  // silence: no notes
  const auto min_gap = int64_t(std::ceil(o.min_gap_seconds * sample_rate / double(a.hop)));
  double note_power = 0;
  int64_t note_frames = 0;
  for (const auto& run : gated_frames(a.level_db, on_db, off_db, min_gap)) {
    Note note = refine_note(x, a.hop, run, db_to_amplitude(off_db));
    std::vector<double> f0s;
    for (int64_t k = note.on / a.hop; k <= (note.off - 1) / a.hop; ++k)
      if (a.f0[size_t(k)] > 0) f0s.push_back(a.f0[size_t(k)]);
    note.f0 = median(f0s);
    for (int64_t t = note.on; t < note.off; ++t) note_power += double(x[size_t(t)]) * x[size_t(t)];
    note_frames += note.off - note.on;
    a.notes.push_back(note);
  }
  if (note_frames > 0) a.rms_db = to_db(note_power / double(note_frames));
  return a;
}

std::optional<double> pitch_seed(std::span<const float> x, double sample_rate, double lo,
                                 double hi) {
  AnalysisOptions o;
  o.fmin = std::max(lo, 20.0);
  o.fmax = std::min(hi, 0.45 * sample_rate);
  o.hop_seconds = 0.01;
  if (!(o.fmin < o.fmax)) return std::nullopt;
  const double f0 =
      analyze_target(x.first(std::min(x.size(), size_t(4 * sample_rate))), sample_rate, o)
          .f0_median;
  if (!(f0 > 0)) return std::nullopt;
  return f0;
}

bool is_feature_name(const std::string& name) {
  return name == "pitch" || name == "gate" || name == "velocity" || name == "loudness";
}

std::vector<float> feature_signal(const TargetAnalysis& a, const std::string& name) {
  std::vector<float> out(size_t(a.frames), 0.0f);
  if (name == "pitch") {
    const std::vector<double> f0 = held_f0(a);
    for (int64_t t = 0; t < a.frames; ++t) out[size_t(t)] = interpolate(f0, frame_position(a, t));
  } else if (name == "gate" || name == "velocity") {
    for (const Note& n : a.notes)
      std::fill(out.begin() + n.on, out.begin() + n.off, name == "gate" ? 1.0f : float(n.peak));
  } else if (name == "loudness") {
    std::vector<double> amplitude;
    for (double db : a.level_db) amplitude.push_back(db_to_amplitude(db));
    for (int64_t t = 0; t < a.frames; ++t)
      out[size_t(t)] = interpolate(amplitude, frame_position(a, t));
  } else {
    throw Error("unknown target feature '" + name +
                "' (expected pitch, gate, velocity or loudness)");
  }
  return out;
}

double normalize_target(std::vector<float>& x, double sample_rate, const std::string& mode) {
  double gain = 0;
  if (mode == "peak") {
    double peak = 0;
    for (float v : x) peak = std::max(peak, double(std::fabs(v)));
    if (peak == 0) throw Error("--normalize peak: the target is silent");
    gain = 1 / peak;
  } else if (mode == "loudness") {
    const TargetAnalysis a = analyze_target(x, sample_rate);
    if (a.rms_db <= -300) throw Error("--normalize loudness: the target is silent");
    gain = db_to_amplitude(-20 - a.rms_db);
  } else {
    throw Error("--normalize " + mode + ": expected peak or loudness");
  }
  for (float& v : x) v = float(double(v) * gain);
  return gain;
}

std::string describe_analysis(const TargetAnalysis& a) {
  char line[256];
  std::string text;
  std::snprintf(line, sizeof line, "%.3f s at %g Hz, peak %.1f dBFS, RMS %.1f dBFS in its notes\n",
                double(a.frames) / a.sample_rate, a.sample_rate, to_db(a.peak * a.peak), a.rms_db);
  text += line;
  const auto voiced = std::count_if(a.f0.begin(), a.f0.end(), [](double v) { return v > 0; });
  if (voiced == 0) {
    text += "f0: none (no frame is voiced)\n";
  } else {
    std::snprintf(line, sizeof line, "f0: %.2f Hz (%s), voiced in %.0f%% of the frames\n",
                  a.f0_median, note_name(a.f0_median).c_str(),
                  100.0 * double(voiced) / double(a.f0.size()));
    text += line;
  }
  std::snprintf(line, sizeof line, "%zu note%s%s\n", a.notes.size(), a.notes.size() == 1 ? "" : "s",
                a.notes.empty() ? "" : ":");
  text += line;
  for (const Note& n : a.notes) {
    std::snprintf(line, sizeof line, "  %.3f - %.3f s  peak %.1f dBFS  ",
                  double(n.on) / a.sample_rate, double(n.off) / a.sample_rate,
                  to_db(n.peak * n.peak));
    text += line;
    if (n.f0 > 0) {
      std::snprintf(line, sizeof line, "f0 %.2f Hz (%s)\n", n.f0, note_name(n.f0).c_str());
      text += line;
    } else {
      text += "unpitched\n";
    }
  }
  return text;
}

}  // namespace dgen::train
