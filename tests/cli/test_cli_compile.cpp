// dgen compile (SPEC §7, §8): the plugin, its manifest and source; the example host
// renders with the plugin what `dgen render` renders.
#ifdef DGEN_HAVE_LISP
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/cli_support.hpp"
#include "dgen/plugin.h"
#include "support.hpp"

namespace dgen::test {
namespace {

constexpr const char* kSynth =
    "(param freq @default 440 @min 20 @max 20000 @unit Hz)\n"
    "(param gain @default 0.5 @min 0 @max 1 @env amp @role sustain)\n"
    "(param bank @default 1 @group filter)\n"
    "(out (* gain (sin (* twopi (phasor freq)))) 1 @name left)\n"
    "(out (biquad (in 1 @name side) (* bank 1000) 0.7 1 0) 2 @name right)\n";

// An instrument's note params and an output's latency are in the manifest (PLUGIN.md).
TEST(CliCompile, ManifestNamesNoteRolesAndLatency) {
  TempDir dir;
  dir.write("voice.lisp",
            "(param key @note gate @default 0 @min 0 @max 1)\n"
            "(param freq @note pitch @default 440 @min 20 @max 20000)\n"
            "(param level @default 0.5)\n"
            "(out (* level key (sin (* twopi (phasor freq)))) 1 @latency 64)\n");
  const CommandResult r = run_dgen("compile voice.lisp -o plug", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json m = nlohmann::json::parse(read_file(dir / "plug/voice.json"));
  EXPECT_EQ(m["latency"], 64);
  ASSERT_EQ(m["params"].size(), 3u);
  EXPECT_EQ(m["params"][0]["note"], "gate");
  EXPECT_EQ(m["params"][1]["note"], "pitch");
  EXPECT_EQ(m["params"][2]["note"], "");
}

TEST(CliCompile, WritesPluginManifestAndSource) {
  TempDir dir;
  dir.write("synth.lisp", kSynth);
  const CommandResult r = run_dgen("compile synth.lisp -o plug --sample-rate 48000", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(list_dir(dir / "plug"),
            (std::vector<std::string>{"synth.c", "synth.json", "synth.so"}));

  const nlohmann::json m = nlohmann::json::parse(read_file(dir / "plug/synth.json"));
  EXPECT_EQ(m["name"], "synth");
  EXPECT_EQ(m["abi_version"], 1);
  EXPECT_EQ(m["sample_rate"], 48000);
  ASSERT_EQ(m["params"].size(), 3u);
  const nlohmann::json& freq = m["params"][0];
  EXPECT_EQ(freq["index"], 0);
  EXPECT_EQ(freq["name"], "freq");
  EXPECT_EQ(freq["default"], 440);
  EXPECT_EQ(freq["min"], 20);
  EXPECT_EQ(freq["max"], 20000);
  EXPECT_EQ(freq["unit"], "Hz");
  EXPECT_EQ(freq["group"], "");
  EXPECT_EQ(freq["env"], "");
  EXPECT_EQ(m["params"][1]["name"], "gain");
  EXPECT_EQ(m["params"][1]["env"], "amp");
  EXPECT_EQ(m["params"][1]["role"], "sustain");
  EXPECT_EQ(m["params"][2]["index"], 2);
  EXPECT_EQ(m["params"][2]["group"], "filter");
  EXPECT_TRUE(m["params"][2]["min"].is_null());
  ASSERT_EQ(m["inputs"].size(), 1u);
  EXPECT_EQ(m["inputs"][0]["channel"], 1);
  EXPECT_EQ(m["inputs"][0]["name"], "side");
  ASSERT_EQ(m["outputs"].size(), 2u);
  EXPECT_EQ(m["outputs"][0]["name"], "left");
  EXPECT_EQ(m["outputs"][1]["channel"], 2);

  void* so = dlopen((dir / "plug/synth.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(so, nullptr) << dlerror();
  auto state_size = reinterpret_cast<dgen_state_size_v1_fn>(dlsym(so, "dgen_state_size_v1"));
  ASSERT_NE(state_size, nullptr);
  EXPECT_EQ(m["state_size"], state_size());
  EXPECT_EQ(dlsym(so, "dgen_run"), nullptr) << "the program's entry point should be private";
  dlclose(so);
  EXPECT_NE(read_file(dir / "plug/synth.c").find("dgen_process_v1"), std::string::npos);
}

TEST(CliCompile, HostRendersWhatRenderRenders) {
  TempDir dir;
  dir.write("synth.lisp", kSynth);
  ASSERT_EQ(run_dgen("compile synth.lisp -o plug --name s", dir).exit_code, 0);
  ASSERT_EQ(
      run_dgen(
          "render synth.lisp -o want.wav --frames 3000 --set freq=1000 --set gain=0.25 --in 1=0.75",
          dir)
          .exit_code,
      0);
  const Wav want = read_float_wav(read_file(dir / "want.wav"));
  for (int block : {1, 3, 64, 1000}) {
    SCOPED_TRACE("block " + std::to_string(block));
    const CommandResult r =
        run_program(DGEN_BINARY_DIR "/dgen_host",
                    "plug/s.so got.wav --frames 3000 --set freq=1000 --set gain=0.25 --input 0.75 "
                    "--sample-rate 44100 --block " +
                        std::to_string(block),
                    dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Wav got = read_float_wav(read_file(dir / "got.wav"));
    ASSERT_EQ(got.channels.size(), 2u);
    for (size_t k = 0; k < 2; ++k) expect_close_to_reference(got.channels[k], want.channels[k]);
  }
}

TEST(CliCompile, FailedCompilationLeavesNothing) {
  TempDir dir;
  dir.write("synth.lisp", kSynth);
  const CommandResult r = run_program(
      "/usr/bin/env", "DGEN_CC=false " DGEN_BINARY_DIR "/dgen compile synth.lisp -o plug", dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "plug"));
  // Of a nested output directory, only the levels the command created go.
  std::filesystem::create_directory(dir / "keep");
  dir.write("keep/.kept", "");
  const CommandResult nested =
      run_program("/usr/bin/env",
                  "DGEN_CC=false " DGEN_BINARY_DIR "/dgen compile synth.lisp -o keep/a/b/", dir);
  EXPECT_EQ(nested.exit_code, 1) << nested.err;
  EXPECT_EQ(list_dir(dir / "keep"), std::vector<std::string>{".kept"});
  // A directory that existed before stays, empty.
  std::filesystem::create_directory(dir / "mine");
  EXPECT_EQ(run_program("/usr/bin/env",
                        "DGEN_CC=false " DGEN_BINARY_DIR "/dgen compile synth.lisp -o mine", dir)
                .exit_code,
            1);
  EXPECT_TRUE(std::filesystem::is_directory(dir / "mine"));
}

// The plugin keeps no mutable data of its own outside the state block: no symbol of
// the plugin's code lives in .data or .bss (the C runtime's own are allowed).
TEST(CliCompile, PluginHasNoMutableStaticData) {
  TempDir dir;
  dir.write("synth.lisp", kSynth);
  ASSERT_EQ(run_dgen("compile synth.lisp -o plug", dir).exit_code, 0);
  const CommandResult nm = run_program("/usr/bin/env", "nm plug/synth.so", dir);
  if (nm.exit_code != 0) GTEST_SKIP() << "nm is not available";
  for (const std::string& line : lines(nm.out)) {
    std::istringstream fields(line);
    std::string address, type, name;
    if (!(fields >> address >> type >> name)) continue;  // undefined symbols have no address
    const bool data = type == "d" || type == "D" || type == "b" || type == "B";
    // The C runtime's own (crtbegin/crtend, the dynamic linker's tables).
    const bool runtime = name[0] == '_' || name == "completed.0";
    EXPECT_FALSE(data && !runtime) << "mutable static symbol: " << line;
  }
}

}  // namespace
}  // namespace dgen::test
#endif  // DGEN_HAVE_LISP
