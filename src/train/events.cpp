#include "train/events.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dgen::train {

void EventWriter::write(const std::string& kind, const Json& fields) {
  Json event = Json::object();
  event["event"] = kind;
  for (const auto& [key, value] : fields.items()) event[key] = value;
  out_ << dump_json(event) << '\n';
  out_.flush();
}

std::string dump_json(const Json& json, int indent) {
  return json.dump(indent, ' ', false, Json::error_handler_t::replace);
}

double json_number(float value) {
  if (!std::isfinite(value)) return double(value);  // JSON has no inf/nan; dump writes null
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text - 1, value);
  *end = '\0';
  return std::strtod(text, nullptr);
}

void ProgressBar::update(int done, double best_loss) {
  if (!enabled_ || total_ <= 0) return;
  constexpr int kWidth = 30;
  const int filled = int(double(kWidth) * done / total_);
  char line[160];
  std::snprintf(line, sizeof line, "\r[%-*.*s] %d/%d  best loss %.6g", kWidth, filled,
                "##############################", done, total_, best_loss);
  out_ << line;
  out_.flush();
  drawn_ = true;
}

void ProgressBar::note(const std::string& text) {
  if (!enabled_) return;
  if (drawn_) out_ << "\r\033[K";  // clear the bar; the next update draws it again
  out_ << text;
  out_.flush();
}

void ProgressBar::finish() {
  if (drawn_) out_ << '\n';
  drawn_ = false;
}

}  // namespace dgen::train
