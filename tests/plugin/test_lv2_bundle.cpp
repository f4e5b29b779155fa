// `dgen compile --format lv2` (docs/PLUGIN.md, "LV2"): bundles that the LV2 tools accept,
// whose renders through lv2apply match `dgen render`, and whose run() never lets a bad
// number out.
#if defined(DGEN_HAVE_LISP) && defined(DGEN_HAVE_LILV)
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <regex>

#include "plugin/lv2_host.hpp"
#include "plugin/lv2_support.hpp"

namespace dgen::test {
namespace {

namespace fs = std::filesystem;

// The patches of examples/, sorted.
std::vector<fs::path> example_patches() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(DGEN_SOURCE_DIR "/examples"))
    if (e.path().extension() == ".lisp") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool reads_input(const fs::path& patch) {
  return read_file(patch).find("(in ") != std::string::npos;
}
bool is_instrument(const fs::path& patch) {
  return read_file(patch).find("@note gate") != std::string::npos;
}

// Every port symbol of a plugin's .ttl.
std::vector<std::string> port_symbols(const std::string& ttl) {
  std::vector<std::string> out;
  const std::regex symbol("lv2:index [0-9]+ ;\\s*lv2:symbol \"([A-Za-z0-9_]+)\"");
  for (std::sregex_iterator it(ttl.begin(), ttl.end(), symbol), end; it != end; ++it)
    out.push_back((*it)[1]);
  return out;
}

// The LV2 vocabularies the bundles use, for sord_validate.
std::string lv2_schemas() {
  std::string files;
  for (const char* spec : {"core", "atom", "midi", "units", "port-groups", "presets", "urid",
                           "port-props", "schemas", "ui", "event", "options"})
    for (const auto& e : fs::directory_iterator(std::string("/usr/lib/lv2/") + spec + ".lv2"))
      if (e.path().extension() == ".ttl") files += " '" + e.path().string() + "'";
  return files;
}

TEST(Lv2Bundle, EveryExampleValidatesAndLv2infoListsItsPorts) {
  TempDir dir;
  for (const fs::path& patch : example_patches()) {
    const std::string name = patch.stem().string();
    SCOPED_TRACE(name);
    const std::string bundle = dir / ("lv2/" + name + ".lv2");
    compile_lv2(patch.string(), bundle, dir);
    std::vector<std::string> files = {name + ".c", name + ".so", name + ".ttl", "manifest.ttl"};
    std::sort(files.begin(), files.end());
    EXPECT_EQ(list_dir(bundle), files);
    const CommandResult valid = run_program(
        "sord_validate",
        lv2_schemas() + " '" + bundle + "/manifest.ttl' '" + bundle + "/" + name + ".ttl'", dir);
    EXPECT_EQ(valid.exit_code, 0) << valid.out << valid.err;
    EXPECT_NE((valid.out + valid.err).find("Found 0 errors"), std::string::npos) << valid.err;

    const CommandResult info = run_lv2_tool(dir / "lv2", "lv2info urn:dgen:" + name, dir);
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_EQ(info.err, "");
    const std::vector<std::string> symbols = port_symbols(read_file(bundle + "/" + name + ".ttl"));
    EXPECT_GE(symbols.size(), 1u);
    for (const std::string& symbol : symbols)
      EXPECT_NE(info.out.find("Symbol:      " + symbol + "\n"), std::string::npos) << symbol;
  }
}

// Control ports carry the params' defaults, ranges, units and groups; names that are not
// LV2 symbols are made into ones.
TEST(Lv2Bundle, ControlPortsCarryTheParams) {
  TempDir dir;
  dir.write("synth.lisp",
            "(param freq @default 440 @min 20 @max 20000 @unit Hz)\n"
            "(param attack @group amp @default 0.01 @min 0.001 @max 2 @unit s)\n"
            "(param saw-level @default 0.5 @min 0 @max 1)\n"
            "(out (* saw-level amp.attack (sin (* twopi (phasor freq)))) 1 @name left)\n");
  compile_lv2("synth.lisp", dir / "synth.lv2", dir);
  const std::string ttl = read_file(dir / "synth.lv2/synth.ttl");
  EXPECT_EQ(port_symbols(ttl),
            (std::vector<std::string>{"freq", "amp_attack", "saw_level", "out_1"}));
  Lv2Host host(dir / "synth.lv2", "urn:dgen:synth", 48000);
  LilvWorld* world = lilv_world_new();
  LilvNode* bundle = lilv_new_file_uri(world, nullptr, (dir / "synth.lv2/").c_str());
  lilv_world_load_bundle(world, bundle);
  LilvNode* uri = lilv_new_uri(world, "urn:dgen:synth");
  const LilvPlugin* plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), uri);
  ASSERT_NE(plugin, nullptr);
  std::vector<float> min(4), max(4), def(4);
  lilv_plugin_get_port_ranges_float(plugin, min.data(), max.data(), def.data());
  EXPECT_EQ(def[0], 440.0f);
  EXPECT_EQ(min[0], 20.0f);
  EXPECT_EQ(max[0], 20000.0f);
  EXPECT_EQ(def[1], 0.01f);
  EXPECT_EQ(max[1], 2.0f);
  LilvNode* unit = lilv_new_uri(world, "http://lv2plug.in/ns/extensions/units#unit");
  LilvNode* group = lilv_new_uri(world, "http://lv2plug.in/ns/ext/port-groups#group");
  LilvNodes* freq_unit =
      lilv_port_get_value(plugin, lilv_plugin_get_port_by_index(plugin, 0), unit);
  ASSERT_NE(freq_unit, nullptr);
  EXPECT_STREQ(lilv_node_as_uri(lilv_nodes_get_first(freq_unit)),
               "http://lv2plug.in/ns/extensions/units#hz");
  LilvNodes* attack_group =
      lilv_port_get_value(plugin, lilv_plugin_get_port_by_index(plugin, 1), group);
  ASSERT_NE(attack_group, nullptr);
  EXPECT_STREQ(lilv_node_as_uri(lilv_nodes_get_first(attack_group)), "urn:dgen:synth#group-amp");
  lilv_nodes_free(freq_unit);
  lilv_nodes_free(attack_group);
  for (LilvNode* n : {bundle, uri, unit, group}) lilv_node_free(n);
  lilv_world_free(world);
}

// lv2apply renders an input file through each example effect (an example that reads an
// input and is not an instrument) as `dgen render` renders the patch with that input.
TEST(Lv2Apply, EveryExampleEffectMatchesDgenRender) {
  TempDir dir;
  dir.write(
      "source.lisp",
      "(out (* 0.4 (+ (sin (* twopi (phasor 220))) (* 0.5 (sin (* twopi (phasor 1375)))))) 1)\n");
  const CommandResult source = run_dgen("render source.lisp -o input.wav --frames 30000", dir);
  ASSERT_EQ(source.exit_code, 0) << source.err;
  int effects = 0;
  for (const fs::path& patch : example_patches()) {
    if (!reads_input(patch) || is_instrument(patch)) continue;
    const std::string name = patch.stem().string();
    SCOPED_TRACE(name);
    ++effects;
    compile_lv2(patch.string(), dir / ("lv2/" + name + ".lv2"), dir);
    const CommandResult ref = run_dgen(
        "render '" + patch.string() + "' --in 1=input.wav -o " + name + "-ref.wav --frames 30000",
        dir);
    ASSERT_EQ(ref.exit_code, 0) << ref.err;
    const CommandResult applied = run_lv2_tool(
        dir / "lv2", "lv2apply -i input.wav -o " + name + "-lv2.wav urn:dgen:" + name, dir);
    ASSERT_EQ(applied.exit_code, 0) << applied.err;
    const Wav want = read_float_wav(read_file(dir / (name + "-ref.wav")));
    const Wav got = read_float_wav(read_file(dir / (name + "-lv2.wav")));
    ASSERT_EQ(got.channels.size(), want.channels.size());
    for (size_t k = 0; k < want.channels.size(); ++k) {
      double peak = 0;
      for (float v : want.channels[k]) peak = std::max(peak, double(std::fabs(v)));
      ASSERT_GT(peak, 0.01);
      // The same generated code, compiled with the same flags. lv2apply runs one frame
      // per call, and the compressor's runs of a length that is not a multiple of 16
      // frames still differ by 1 ulp in a few samples from a long run's (a renderer
      // issue: docs/ARCHITECTURE.md promises the same bits).
      EXPECT_LE(max_difference(got.channels[k], want.channels[k]), 1e-6 * peak) << "output " << k;
    }
  }
  EXPECT_GE(effects, 4);
}

// A feedback loop with a gain above 1 explodes: lv2apply gets silence and resets instead
// of infinities or NaN, and sound again after each reset.
TEST(Lv2Apply, BadNumbersNeverLeaveRun) {
  TempDir dir;
  dir.write("source.lisp", "(out (* 0.5 (sin (* twopi (phasor 100)))) 1)\n");
  ASSERT_EQ(run_dgen("render source.lisp -o input.wav --frames 20000", dir).exit_code, 0);
  dir.write("loop.lisp",
            "(param feedback @default 0.5 @min 0 @max 4)\n"
            "(make-history y)\n"
            "(def v (+ (in 1) (* feedback (read-history y))))\n"
            "(write-history y v)\n"
            "(out v 1)\n");
  dir.write("nan.lisp", "(out (/ (in 1) (- (in 1) (in 1))) 1)\n");
  compile_lv2("loop.lisp", dir / "lv2/loop.lv2", dir);
  compile_lv2("nan.lisp", dir / "lv2/nan.lv2", dir);
  auto apply = [&](const std::string& args) {
    const CommandResult r =
        run_lv2_tool(dir / "lv2", "lv2apply -i input.wav -o out.wav " + args, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return read_float_wav(read_file(dir / "out.wav")).channels.at(0);
  };
  for (const char* feedback : {"0.5", "3"}) {
    SCOPED_TRACE(std::string("feedback ") + feedback);
    const std::vector<float> got = apply(std::string("-c feedback ") + feedback + " urn:dgen:loop");
    double peak = 0;
    for (float v : got) {
      ASSERT_TRUE(std::isfinite(v));
      ASSERT_LE(std::fabs(v), 1e4f);
      peak = std::max(peak, double(std::fabs(v)));
    }
    EXPECT_GT(peak, 0.5);  // not silent throughout
  }
  for (float v : apply("urn:dgen:nan")) ASSERT_EQ(v, 0.0f);  // 0/0 and x/0 every frame
}

}  // namespace
}  // namespace dgen::test
#endif
