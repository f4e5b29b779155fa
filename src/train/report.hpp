// report.html: one self-contained page per training job — summary, the command that
// reproduces it, per-param table, loss curve (log axis, stages marked), waveforms of target
// and fit overlaid, target/seed/final spectrograms with a dB scale, and audio players. Everything
// is inline (data as JSON, audio as base64 data: URIs, drawing by inline JS on canvases), so the
// page works offline and from any directory.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "train/events.hpp"

namespace dgen::train {

// An epoch where something changed, marked on the loss curve ("full step", "step halved").
struct ReportMark {
  int epoch = 0;
  std::string label;
};

struct ReportInput {
  std::string title;               // what was trained, e.g. the patch file
  Json result;                     // the contents of result.json (its "command" is shown)
  std::vector<double> loss_curve;  // the loss of every epoch
  std::vector<ReportMark> marks;
  double sample_rate = 44100;
  std::span<const float> target, seed, final_audio;
};

std::string report_html(const ReportInput& input);

// The waveform of `audio` for drawing: the min and max sample of each of `columns` equal
// stretches, as [[min, max], ...].
Json waveform_json(std::span<const float> audio, int columns);

// The attribute the page's script sets on <body> once everything is drawn; a test (or a
// person) can check the rendered DOM for it.
inline constexpr const char* kReportDrawnMarker = "data-drawn=\"yes\"";

}  // namespace dgen::train
