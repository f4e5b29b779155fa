// report.html: self-contained (no network), and in a real browser (headless Chromium)
// its script runs without errors and draws a page that is not blank.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <sstream>

#include "train/report.hpp"

namespace dgen::train {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<float> decaying_sine(double hz, size_t frames) {
  std::vector<float> x(frames);
  for (size_t t = 0; t < frames; ++t)
    x[t] = float(std::exp(-double(t) / 4000) *
                 std::sin(2 * std::numbers::pi * hz * double(t) / 44100));
  return x;
}

// A report like a real job's: three sounds, a falling loss curve, two params.
std::string sample_report() {
  static const std::vector<float> target = decaying_sine(60, 20000),
                                  seed = decaying_sine(90, 20000),
                                  final_audio = decaying_sine(61, 20000);
  ReportInput in;
  in.title = "kick </script><b>.lisp";  // must neither break the page nor inject markup
  in.result = Json{
      {"patch", in.title},
      {"target", "909kick.wav"},
      {"loss", "mrstft"},
      {"epochs", 40},
      {"lanes", 1},
      {"initial_loss", 12.5},
      {"final_loss", 1.25},
      {"improvement_percent", 90.0},
      {"seconds", 3.5},
      {"params",
       Json{{"freq", Json{{"from", 90}, {"to", 61}, {"min", 20}, {"max", 2000}, {"scale", "log"}}},
            {"amps", Json{{"from", {0.5, 0.5}},
                          {"to", {0.9, 0.1}},
                          {"min", 0},
                          {"max", 1},
                          {"scale", "linear"}}}}}};
  for (int e = 0; e <= 40; ++e) in.loss_curve.push_back(12.5 * std::exp(-e / 17.0));
  in.target = target;
  in.seed = seed;
  in.final_audio = final_audio;
  return report_html(in);
}

TEST(Report, IsSelfContained) {
  const std::string html = sample_report();
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("@DATA@"), std::string::npos);
  EXPECT_EQ(html.find("@AUDIO@"), std::string::npos);
  // Three players, each a WAV data URI.
  size_t players = 0;
  for (size_t at = html.find("src=\"data:audio/wav;base64,UklGR"); at != std::string::npos;
       at = html.find("src=\"data:audio/wav;base64,UklGR", at + 1))
    ++players;
  EXPECT_EQ(players, 3u);
  // The title's "</script>" is escaped inside the data block, so only the page's own two
  // script elements close.
  size_t closes = 0;
  for (size_t at = html.find("</script>"); at != std::string::npos;
       at = html.find("</script>", at + 1))
    ++closes;
  EXPECT_EQ(closes, 2u);
}

// Headless Chromium, launched so that it runs as root, offline and without a profile.
class Chromium : public ::testing::Test {
 protected:
  void SetUp() override {
    FILE* which = popen("command -v chromium || command -v chromium-browser", "r");
    char path[512] = {};
    if (which) {
      if (!std::fgets(path, sizeof path, which)) path[0] = '\0';
      pclose(which);
    }
    binary_ = path;
    while (!binary_.empty() && std::isspace(uint8_t(binary_.back()))) binary_.pop_back();
    if (binary_.empty()) GTEST_SKIP() << "chromium is not installed (Debian package 'chromium')";
    dir_ = fs::temp_directory_path() / ("dgen-report-test-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Runs chromium on `page` with `action` (e.g. --dump-dom); stdout and stderr go to files.
  int run(const fs::path& page, const std::string& action, const std::string& tag) {
    const std::string command =
        "timeout 120 '" + binary_ +
        "' --headless --no-sandbox --disable-gpu --disable-quic --no-first-run" +
        " --disable-background-networking --disable-component-update --disable-sync" +
        " --enable-logging=stderr --v=0 --window-size=1000,1800" + " --user-data-dir='" +
        (dir_ / ("profile-" + tag)).string() + "' " + action + " 'file://" + page.string() +
        "' > '" + (dir_ / (tag + ".out")).string() + "' 2> '" + (dir_ / (tag + ".err")).string() +
        "'";
    return std::system(command.c_str());
  }

  std::string binary_;
  fs::path dir_;
};

TEST_F(Chromium, ReportScriptRunsWithoutErrors) {
  const fs::path page = dir_ / "report.html";
  write_text(page, sample_report());
  ASSERT_EQ(run(page, "--dump-dom", "dom"), 0) << read_text(dir_ / "dom.err");
  const std::string dom = read_text(dir_ / "dom.out");
  EXPECT_NE(dom.find(kReportDrawnMarker), std::string::npos) << "the page's script did not finish";
  // The script filled the tables from the data.
  EXPECT_NE(dom.find("<td>freq</td><td>90</td><td>61</td><td>20</td><td>2000</td><td>log</td>"),
            std::string::npos);
  EXPECT_NE(dom.find(">90.0%<"), std::string::npos);
  // The title went in as text, not markup.
  EXPECT_NE(dom.find("kick &lt;/script&gt;&lt;b&gt;.lisp"), std::string::npos);
  std::istringstream log(read_text(dir_ / "dom.err"));
  for (std::string line; std::getline(log, line);) {
    if (line.find("CONSOLE") == std::string::npos) continue;
    EXPECT_EQ(line.find("Uncaught"), std::string::npos) << line;
    EXPECT_EQ(line.find("Error"), std::string::npos) << line;
  }
}

TEST_F(Chromium, ReportScreenshotIsNotBlank) {
  const fs::path page = dir_ / "report.html", blank = dir_ / "blank.html";
  write_text(page, sample_report());
  write_text(blank, "<!DOCTYPE html><html><body></body></html>");
  ASSERT_EQ(run(page, "--screenshot='" + (dir_ / "report.png").string() + "'", "shot"), 0)
      << read_text(dir_ / "shot.err");
  ASSERT_EQ(run(blank, "--screenshot='" + (dir_ / "blank.png").string() + "'", "blank"), 0)
      << read_text(dir_ / "blank.err");
  const std::string png = read_text(dir_ / "report.png"), empty = read_text(dir_ / "blank.png");
  ASSERT_EQ(png.substr(0, 8), "\x89PNG\r\n\x1a\n");
  ASSERT_FALSE(empty.empty());
  // A white page compresses to a few kilobytes; text, a curve and three spectrograms
  // cannot. (The same window size for both, so only the content differs.)
  EXPECT_GT(png.size(), 8 * empty.size())
      << "report " << png.size() << " bytes, blank " << empty.size();
}

}  // namespace
}  // namespace dgen::train
