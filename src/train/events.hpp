// Training progress as NDJSON events (SPEC §7 `train`): one JSON object per line, each
// with an "event" field (plan, epoch, checkpoint, result, error), flushed as written so
// a reader sees every event when it happens.
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace dgen::train {

using Json = nlohmann::ordered_json;

class ProgressBar;

class EventWriter {
 public:
  explicit EventWriter(std::ostream& out) : out_(out) {}
  // Writes {"event": kind, ...fields} on one line; `fields` must be a JSON object.
  void write(const std::string& kind, const Json& fields = Json::object());
  // For events going to the terminal the bar is drawn on: each is written off the bar's
  // line (the bar is redrawn under it), and `epoch` events, which the bar shows, are left
  // out.
  void share_terminal_with(ProgressBar& bar) { bar_ = &bar; }

 private:
  std::ostream& out_;
  ProgressBar* bar_ = nullptr;
};

// JSON text (one line unless `indent` >= 0); invalid UTF-8 in strings (a file name) is
// replaced, not thrown.
std::string dump_json(const Json& json, int indent = -1);

// A float as the JSON number with the fewest digits that reads back as the same float
// (0.1f prints as 0.1, not 0.10000000149011612).
double json_number(float value);

// A one-line progress bar redrawn in place — done/total, the best loss, the time since it
// was made and at most how long the rest takes (the run may stop early) — drawn only when
// `enabled` (the caller passes whether stderr is a terminal), so logs and pipes never see
// control characters.
class ProgressBar {
 public:
  ProgressBar(std::ostream& out, bool enabled, int total)
      : out_(out), enabled_(enabled), total_(total), start_(Clock::now()) {}
  void update(int done, double best_loss);
  void finish();
  // Text for the person at the terminal (lines ending in '\n'), kept off the bar's line;
  // written only when enabled, like the bar.
  void note(const std::string& text);
  // Takes the bar off its line, so that something else can be written there; restore()
  // draws it again.
  void clear();
  void restore();

  // The bar's line for `done` of `total` after `elapsed` seconds, of which the first
  // `first_seconds` were spent before the first step was done (compiling).
  static std::string line(int done, int total, double best_loss, double elapsed,
                          double first_seconds);

 private:
  using Clock = std::chrono::steady_clock;
  std::ostream& out_;
  bool enabled_;
  int total_;
  Clock::time_point start_;
  double first_seconds_ = -1;  // when the first update came
  std::string last_;           // the line drawn last
  bool drawn_ = false;
};

}  // namespace dgen::train
