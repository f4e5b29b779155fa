// LV2 plugins in a host written against lilv (docs/PLUGIN.md, "LV2" and "Instruments"):
// MIDI notes drive an instrument's voices (pitch, on/off timing, how many sound, which one
// is stolen), controls are smoothed, latency is reported.
#if defined(DGEN_HAVE_LISP) && defined(DGEN_HAVE_LILV)
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "plugin/lv2_host.hpp"
#include "plugin/lv2_support.hpp"

namespace dgen::test {
namespace {

constexpr double kRate = 48000;

// A sine per voice: level · velocity · gate · sin(2π phasor(pitch)).
std::string sine_instrument(int voices) {
  return "(param key @note gate @voices " + std::to_string(voices) +
         " @default 0 @min 0 @max 1)\n"
         "(param freq @note pitch @default 440 @min 20 @max 20000 @unit Hz)\n"
         "(param vel @note velocity @default 1 @min 0 @max 1)\n"
         "(param level @default 0.2 @min 0 @max 1)\n"
         "(out (* level vel key (sin (* twopi (phasor freq)))) 1)\n";
}

double key_hz(int key) { return 440.0 * std::pow(2.0, (key - 69) / 12.0); }

MidiNote on(int64_t frame, int key, int velocity = 127) {
  return {frame, 0x90, uint8_t(key), uint8_t(velocity)};
}
MidiNote off(int64_t frame, int key) { return {frame, 0x80, uint8_t(key), 0}; }

// The amplitude of the sinusoid at `hz` in x[from, to) (a Goertzel filter; the span
// holds many periods, so leakage from the other notes is small).
double amplitude_at(const std::vector<float>& x, double hz, size_t from, size_t to) {
  double re = 0, im = 0;
  for (size_t t = from; t < to; ++t) {
    const double w = 2 * std::numbers::pi * hz * double(t) / kRate;
    re += x[t] * std::cos(w);
    im += x[t] * std::sin(w);
  }
  return 2 * std::hypot(re, im) / double(to - from);
}

// The frequency from the first and last rising zero crossings in x[from, to), each
// placed between its samples by linear interpolation.
double zero_crossing_hz(const std::vector<float>& x, size_t from, size_t to) {
  double first = -1, last = -1;
  int crossings = 0;
  for (size_t t = from + 1; t < to; ++t)
    if (x[t - 1] < 0 && x[t] >= 0) {
      const double at = double(t - 1) + x[t - 1] / (x[t - 1] - x[t]);
      if (first < 0) first = at;
      last = at;
      ++crossings;
    }
  return crossings < 2 ? 0 : (crossings - 1) * kRate / (last - first);
}

class Lv2Instrument : public ::testing::Test {
 protected:
  std::unique_ptr<Lv2Host> load(const std::string& patch_text, const std::string& name = "inst") {
    dir_.write(name + ".lisp", patch_text);
    compile_lv2(name + ".lisp", dir_ / (name + ".lv2"), dir_);
    return std::make_unique<Lv2Host>(dir_ / (name + ".lv2"), "urn:dgen:" + name, kRate);
  }
  TempDir dir_;
};

TEST_F(Lv2Instrument, ANoteSoundsAtItsPitchFromNoteOnToNoteOff) {
  auto host = load(sine_instrument(4));
  const auto out = host->render(24000, 256, {on(1000, 69), off(20000, 69)})[0];
  for (size_t t = 0; t < 1000; ++t) ASSERT_EQ(out[t], 0.0f) << "frame " << t;
  for (size_t t = 1001; t < 1005; ++t) EXPECT_NE(out[t], 0.0f) << "frame " << t;
  EXPECT_NEAR(zero_crossing_hz(out, 2000, 19000), 440.0, 0.05);
  EXPECT_NEAR(amplitude_at(out, 440.0, 2000, 19280), 0.2, 0.002);  // velocity 127: 1
  EXPECT_NE(out[19999], 0.0f);
  for (size_t t = 20000; t < out.size(); ++t) ASSERT_EQ(out[t], 0.0f) << "frame " << t;

  auto soft = load(sine_instrument(4), "soft");
  const auto quiet = soft->render(12000, 256, {on(0, 57, 64)})[0];
  EXPECT_NEAR(zero_crossing_hz(quiet, 1000, 12000), 220.0, 0.05);
  EXPECT_NEAR(amplitude_at(quiet, 220.0, 1000, 11800), 0.2 * 64 / 127, 0.002);
}

TEST_F(Lv2Instrument, VoicesSumAndTheOldestIsStolen) {
  auto host = load(sine_instrument(4));
  // A chord of four, then a fifth note with every voice busy.
  const std::vector<int> chord = {60, 62, 64, 65};
  std::vector<MidiNote> notes;
  for (int key : chord) notes.push_back(on(0, key));
  notes.push_back(on(24000, 67));
  const auto out = host->render(48000, 512, notes)[0];
  for (int key : chord) EXPECT_NEAR(amplitude_at(out, key_hz(key), 2400, 24000), 0.2, 0.01) << key;
  EXPECT_NEAR(amplitude_at(out, key_hz(67), 2400, 24000), 0.0, 0.01);
  // Four voices: the first note pressed gave its voice to the new one.
  EXPECT_NEAR(amplitude_at(out, key_hz(60), 26400, 48000), 0.0, 0.01);
  for (int key : {62, 64, 65, 67})
    EXPECT_NEAR(amplitude_at(out, key_hz(key), 26400, 48000), 0.2, 0.01) << key;
}

// examples/subtractive.lisp as an 8-voice instrument, its sequencer off: silent until a
// note, then a saw-and-pulse tone whose strongest partial is the key's frequency, which
// dies away after the note-off (its release is 80 ms).
TEST_F(Lv2Instrument, TheSubtractiveExamplePlaysNotes) {
  compile_lv2(DGEN_SOURCE_DIR "/examples/subtractive.lisp", dir_ / "subtractive.lv2", dir_);
  Lv2Host host(dir_ / "subtractive.lv2", "urn:dgen:subtractive", kRate);
  host.set("demo", 0.0f);
  const auto out = host.render(48000, 128, {on(4800, 45), off(28800, 45)})[0];
  for (size_t t = 0; t < 4800; ++t) ASSERT_EQ(out[t], 0.0f) << "frame " << t;
  double strongest_hz = 0, strongest = 0;
  for (int k = 1; k <= 8; ++k) {  // half-multiples of 110 Hz: the partials and between them
    const double a = amplitude_at(out, 55.0 * k, 9600, 28800);
    if (a > strongest) strongest = a, strongest_hz = 55.0 * k;
  }
  EXPECT_EQ(strongest_hz, 110.0);
  EXPECT_GT(strongest, 0.01);
  double tail = 0;
  for (size_t t = 38400; t < out.size(); ++t) tail = std::max(tail, double(std::fabs(out[t])));
  EXPECT_LT(tail, 1e-3 * strongest);
}

TEST_F(Lv2Instrument, TheHostsBlockSizeDoesNotChangeTheOutput) {
  auto a = load(sine_instrument(2), "a");
  auto b = load(sine_instrument(2), "b");
  const std::vector<MidiNote> notes = {on(100, 60),  on(3000, 64), off(4000, 60),
                                       on(5000, 67), on(7001, 72), off(9000, 64)};
  EXPECT_EQ(a->render(12000, 64, notes), b->render(12000, 1000, notes));
}

// A control moves to a new value in 32-frame steps with a 10 ms time constant (no
// click), and lands on it exactly.
TEST_F(Lv2Instrument, ControlChangesAreSmoothed) {
  auto host = load("(param gain @default 1 @min 0 @max 1)\n(out gain 1)\n", "gain");
  const auto before = host->render(1024, 256)[0];
  for (float v : before) ASSERT_EQ(v, 1.0f);
  host->set("gain", 0.0f);
  const auto out = host->render(20000, 256)[0];
  const double step = 1 - std::exp(-32 / (0.01 * kRate));
  for (size_t k = 0; k < 20; ++k)
    for (size_t t = 32 * k; t < 32 * k + 32; ++t)
      ASSERT_NEAR(out[t], std::pow(1 - step, double(k + 1)), 1e-5) << "frame " << t;
  for (size_t t = 1; t < out.size(); ++t) ASSERT_LE(out[t - 1] - out[t], step + 1e-6);
  EXPECT_EQ(out.back(), 0.0f);
}

TEST_F(Lv2Instrument, LatencyIsReported) {
  auto host = load("(out (in 1) 1 @latency 1023)\n", "late");
  host->render(64, 64);
  EXPECT_EQ(host->latency(), 1023.0f);
}

}  // namespace
}  // namespace dgen::test
#endif
