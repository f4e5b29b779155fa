#include "train/events.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace dgen::train {

void EventWriter::write(const std::string& kind, const Json& fields) {
  if (bar_ && kind == "epoch") return;
  Json event = Json::object();
  event["event"] = kind;
  for (const auto& [key, value] : fields.items()) event[key] = value;
  if (bar_) bar_->clear();
  out_ << dump_json(event) << '\n';
  out_.flush();
  if (bar_) bar_->restore();
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

std::string ProgressBar::line(int done, int total, double best_loss, double elapsed,
                              double first_seconds) {
  constexpr int kWidth = 30;
  const int filled = int(double(kWidth) * done / total);
  char text[200];
  int n = std::snprintf(text, sizeof text, "[%-*.*s] %d/%d  best loss %.6g  %.1f s", kWidth, filled,
                        "##############################", done, total, best_loss, elapsed);
  // The steps after the first take about as long as those so far did.
  if (done > 1 && done < total) {
    const double per_step = (elapsed - first_seconds) / double(done - 1);
    std::snprintf(text + n, sizeof text - size_t(n), ", at most %.0f s left",
                  std::ceil(per_step * double(total - done)));
  }
  return text;
}

void ProgressBar::update(int done, double best_loss) {
  if (!enabled_ || total_ <= 0) return;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  if (first_seconds_ < 0) first_seconds_ = elapsed;
  last_ = line(done, total_, best_loss, elapsed, first_seconds_);
  out_ << "\r\033[K" << last_;
  out_.flush();
  drawn_ = true;
}

void ProgressBar::clear() {
  if (enabled_ && drawn_) out_ << "\r\033[K";
  out_.flush();
}

void ProgressBar::restore() {
  if (!enabled_ || !drawn_) return;
  out_ << last_;
  out_.flush();
}

void ProgressBar::note(const std::string& text) {
  if (!enabled_) return;
  clear();
  out_ << text;
  restore();
}

void ProgressBar::finish() {
  if (drawn_) out_ << '\n';
  drawn_ = false;
}

}  // namespace dgen::train
