#include "train/report.hpp"

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

std::string report_html(const ReportInput& input) {
  Json data = Json::object();
  data["title"] = input.title;
  data["result"] = input.result;
  data["loss"] = input.loss_curve;
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
