#include "train/report.hpp"

#include <algorithm>

#include "train/report_page.hpp"
#include "train/spectrogram.hpp"
#include "train/wav_bytes.hpp"

namespace dgen::train {

namespace {

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t v = 0;
    for (size_t k = 0; k < 3; ++k) v = (v << 8) | (k < n ? uint8_t(bytes[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k)
      out.push_back(k <= n ? kAlphabet[(v >> (18 - 6 * k)) & 63] : '=');
  }
  return out;
}

Json spectrogram_json(std::span<const float> audio, double sample_rate) {
  const Spectrogram s = spectrogram(audio, sample_rate);
  return Json{
      {"columns", s.columns},
      {"rows", s.rows},
      {"seconds", s.seconds},
      {"min_hz", s.min_hz},
      {"max_hz", s.max_hz},
      {"floor_db", s.floor_db},
      {"top_db", s.top_db},
      {"levels", base64({reinterpret_cast<const char*>(s.levels.data()), s.levels.size()})}};
}

std::string player(const std::string& label, std::span<const float> audio, double sample_rate) {
  return "<div class=\"player\"><h3>" + label +
         "</h3><audio controls preload=\"auto\" src=\"data:audio/wav;base64," +
         base64(wav_bytes(audio, sample_rate, WavFormat::Pcm16)) + "\"></audio></div>";
}

// JSON is safe inside <script> once no "</" can close the element early.
std::string script_safe(std::string json) {
  for (size_t at = json.find("</"); at != std::string::npos; at = json.find("</", at + 2))
    json.replace(at, 2, "<\\/");
  return json;
}

void replace_once(std::string& text, std::string_view placeholder, const std::string& with) {
  text.replace(text.find(placeholder), placeholder.size(), with);
}

}  // namespace

Json waveform_json(std::span<const float> audio, int columns) {
  Json out = Json::array();
  const auto n = int64_t(audio.size());
  for (int c = 0; c < columns && n > 0; ++c) {
    const int64_t begin = n * c / columns, end = std::max(begin + 1, n * (c + 1) / columns);
    float lo = audio[size_t(begin)], hi = lo;
    for (int64_t t = begin; t < end && t < n; ++t) {
      lo = std::min(lo, audio[size_t(t)]);
      hi = std::max(hi, audio[size_t(t)]);
    }
    out.push_back({json_number(lo), json_number(hi)});
  }
  return out;
}

std::string report_html(const ReportInput& input) {
  constexpr int kWaveformColumns = 900;
  Json data = Json::object();
  data["title"] = input.title;
  data["result"] = input.result;
  data["loss"] = input.loss_curve;
  Json marks = Json::array();
  for (const ReportMark& m : input.marks) marks.push_back({{"epoch", m.epoch}, {"label", m.label}});
  data["marks"] = marks;
  data["waveforms"] = Json{{"target", waveform_json(input.target, kWaveformColumns)},
                           {"final", waveform_json(input.final_audio, kWaveformColumns)},
                           {"seconds", double(input.target.size()) / input.sample_rate}};
  data["spectrograms"] = Json{{"target", spectrogram_json(input.target, input.sample_rate)},
                              {"seed", spectrogram_json(input.seed, input.sample_rate)},
                              {"final", spectrogram_json(input.final_audio, input.sample_rate)}};
  std::string page = kReportPage;
  // The players first: base64 has no '@', so the data placeholder is still unique after.
  replace_once(page, "@AUDIO@",
               player("target", input.target, input.sample_rate) +
                   player("seed", input.seed, input.sample_rate) +
                   player("final", input.final_audio, input.sample_rate));
  replace_once(page, "@DATA@", script_safe(dump_json(data)));
  return page;
}

}  // namespace dgen::train
