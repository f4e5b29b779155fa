// report.html: one self-contained page per training job — summary, per-param table,
// loss curve, target/seed/final spectrograms and audio players. Everything is inline
// (data as JSON, audio as base64 data: URIs, drawing by inline JS on canvases), so the
// page works offline and from any directory.
#pragma once
#include <span>
#include <string>
#include <vector>

#include "train/events.hpp"

namespace dgen::train {

struct ReportInput {
  std::string title;               // what was trained, e.g. the patch file
  Json result;                     // the contents of result.json
  std::vector<double> loss_curve;  // the loss of every epoch
  double sample_rate = 44100;
  std::span<const float> target, seed, final_audio;
};

std::string report_html(const ReportInput& input);

// The attribute the page's script sets on <body> once everything is drawn; a test (or a
// person) can check the rendered DOM for it.
inline constexpr const char* kReportDrawnMarker = "data-drawn=\"yes\"";

}  // namespace dgen::train
