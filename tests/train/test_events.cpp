// NDJSON events and the progress bar of `dgen train`.
#include <gtest/gtest.h>

#include <sstream>

#include "train/events.hpp"

namespace dgen::train {
namespace {

std::vector<Json> lines_as_json(const std::string& text) {
  std::vector<Json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(Json::parse(line));
  return out;
}

TEST(Events, OneObjectPerLineWithTheEventKindFirst) {
  std::ostringstream out;
  EventWriter events(out);
  events.write("plan", Json{{"epochs", 3}});
  events.write("epoch", Json{{"epoch", 1}, {"loss", 0.5}, {"params", Json{{"f", 440.0}}}});
  events.write("result");
  const std::string text = out.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
  EXPECT_EQ(text.substr(0, text.find('\n')), R"({"event":"plan","epochs":3})");
  const auto lines = lines_as_json(text);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1]["event"], "epoch");
  EXPECT_EQ(lines[1]["loss"], 0.5);
  EXPECT_EQ(lines[1]["params"]["f"], 440.0);
  EXPECT_EQ(lines[2], (Json{{"event", "result"}}));
}

TEST(Events, StringsWithNewlinesStayOnOneLine) {
  std::ostringstream out;
  EventWriter(out).write("error", Json{{"message", "line one\nline two"}});
  EXPECT_EQ(out.str(), "{\"event\":\"error\",\"message\":\"line one\\nline two\"}\n");
}

TEST(Events, InvalidUtf8IsReplacedNotThrown) {
  std::ostringstream out;
  EventWriter(out).write("plan", Json{{"target", std::string("k\xff.wav")}});
  EXPECT_NE(out.str().find("k\xef\xbf\xbd.wav"), std::string::npos);  // U+FFFD
}

TEST(Events, FloatsPrintWithTheirShortestDigits) {
  EXPECT_EQ(Json(json_number(0.1f)).dump(), "0.1");
  EXPECT_EQ(Json(json_number(440.0f)).dump(), "440.0");
  EXPECT_EQ(Json(json_number(1.0f / 3.0f)).dump(), "0.33333334");
}

TEST(ProgressBar, DrawsNothingWhenNotATerminal) {
  std::ostringstream err;
  ProgressBar bar(err, /*enabled=*/false, 10);
  bar.update(5, 1.0);
  bar.finish();
  EXPECT_EQ(err.str(), "");
}

TEST(ProgressBar, RedrawsOneLineInPlace) {
  std::ostringstream err;
  ProgressBar bar(err, /*enabled=*/true, 4);
  bar.update(1, 2.5);
  bar.update(4, 0.25);
  bar.finish();
  const std::string text = err.str();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\r'), 2);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_NE(text.find("1/4  best loss 2.5"), std::string::npos);
  EXPECT_NE(text.find("[##############################] 4/4  best loss 0.25"), std::string::npos);
}

// Elapsed time, and the rest predicted from the steps after the first (which compiled).
TEST(ProgressBar, ShowsElapsedTimeAndAtMostTheTimeLeft) {
  EXPECT_EQ(ProgressBar::line(1, 100, 2.5, 3.0, 3.0),
            "[                              ] 1/100  best loss 2.5  3.0 s");
  // 10 steps after the first in 2 s: 0.2 s each, 90 left.
  EXPECT_EQ(ProgressBar::line(11, 100, 0.125, 5.0, 3.0),
            "[###                           ] 11/100  best loss 0.125  5.0 s, at most 18 s left");
  EXPECT_EQ(ProgressBar::line(100, 100, 0.125, 9.0, 3.0),
            "[##############################] 100/100  best loss 0.125  9.0 s");
}

// Events on the bar's terminal: off its line, and no epoch events (the bar shows those).
TEST(ProgressBar, EventsOnItsTerminalAreWrittenOffItsLine) {
  std::ostringstream terminal;
  ProgressBar bar(terminal, /*enabled=*/true, 10);
  EventWriter events(terminal);
  events.share_terminal_with(bar);
  bar.update(1, 2.0);
  events.write("epoch", {{"epoch", 1}});
  events.write("checkpoint", {{"epoch", 1}});
  const std::string text = terminal.str();
  EXPECT_EQ(text.find("\"epoch\",\"epoch\""), std::string::npos) << text;
  const size_t at = text.find("\r\033[K{\"event\":\"checkpoint\",\"epoch\":1}\n[");
  EXPECT_NE(at, std::string::npos) << text;
}

}  // namespace
}  // namespace dgen::train
