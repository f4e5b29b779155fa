// The params a `dgen train` job fitted, exported as an LV2 preset of the plugin
// (`dgen compile --format lv2 --preset NAME=job/params.json`, docs/PLUGIN.md): lilv
// finds the preset, its port values are the fitted ones, and a host that applies them
// plays the fitted sound.
#if defined(DGEN_HAVE_LISP) && defined(DGEN_HAVE_LILV)
#include <gtest/gtest.h>
#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/presets/presets.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "plugin/lv2_host.hpp"
#include "plugin/lv2_support.hpp"

namespace dgen::test {
namespace {

constexpr const char* kPatch =
    "(param gain @default 0.3 @min 0 @max 1)\n"
    "(param freq @default 440 @min 100 @max 1000 @trainable false @unit Hz)\n"
    "(out (* gain (sin (* twopi (phasor freq)))) 1)\n";

// The port values of the presets lilv finds for `uri` in `bundle`, by preset label.
std::map<std::string, std::map<std::string, float>> presets_of(const std::string& bundle,
                                                               const std::string& uri) {
  LilvWorld* world = lilv_world_new();
  LilvNode* bundle_node = lilv_new_file_uri(world, nullptr, (bundle + "/").c_str());
  lilv_world_load_bundle(world, bundle_node);
  LilvNode* plugin_uri = lilv_new_uri(world, uri.c_str());
  LilvNode* preset_class = lilv_new_uri(world, LV2_PRESETS__Preset);
  LilvNode* label = lilv_new_uri(world, LILV_NS_RDFS "label");
  const LilvPlugin* plugin = lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world), plugin_uri);
  std::map<std::string, std::map<std::string, float>> out;
  std::map<std::string, uint32_t> ids;
  LV2_URID_Map map = {&ids, [](LV2_URID_Map_Handle h, const char* u) {
                        auto& m = *static_cast<std::map<std::string, uint32_t>*>(h);
                        return m.emplace(u, uint32_t(m.size() + 1)).first->second;
                      }};
  LilvNodes* presets = plugin ? lilv_plugin_get_related(plugin, preset_class) : nullptr;
  LILV_FOREACH(nodes, i, presets) {
    const LilvNode* preset = lilv_nodes_get(presets, i);
    lilv_world_load_resource(world, preset);
    LilvNodes* labels = lilv_world_find_nodes(world, preset, label, nullptr);
    const std::string name = labels ? lilv_node_as_string(lilv_nodes_get_first(labels)) : "";
    lilv_nodes_free(labels);
    LilvState* state = lilv_state_new_from_world(world, &map, preset);
    if (!state) continue;
    struct Sink {
      std::map<std::string, float>* values;
      uint32_t float_type;
    } sink{&out[name], map.map(map.handle, LV2_ATOM__Float)};
    lilv_state_emit_port_values(
        state,
        [](const char* symbol, void* data, const void* value, uint32_t size, uint32_t type) {
          auto* s = static_cast<Sink*>(data);
          if (type == s->float_type && size == sizeof(float))
            (*s->values)[symbol] = *static_cast<const float*>(value);
        },
        &sink);
    lilv_state_free(state);
  }
  lilv_nodes_free(presets);
  for (LilvNode* n : {bundle_node, plugin_uri, preset_class, label}) lilv_node_free(n);
  lilv_world_free(world);
  return out;
}

TEST(Lv2Preset, ATrainedSoundLoadsAsAPreset) {
  TempDir dir;
  dir.write("tone.lisp", kPatch);
  ASSERT_EQ(run_dgen("render tone.lisp --set gain=0.7 --frames 4800 -o target.wav", dir).exit_code,
            0);
  const CommandResult trained =
      run_dgen("train tone.lisp --target target.wav --job-dir job --epochs 12 --lr 0.05", dir);
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  const nlohmann::json fitted = nlohmann::json::parse(read_file(dir / "job/params.json"));
  const float gain = fitted["params"]["gain"].get<float>();
  ASSERT_GT(std::fabs(gain - 0.3f), 0.05f) << "training moved the gain";

  compile_lv2("tone.lisp", dir / "tone.lv2", dir, "--preset fitted=job/params.json");
  const auto presets = presets_of(dir / "tone.lv2", "urn:dgen:tone");
  ASSERT_EQ(presets.size(), 1u);
  const auto& values = presets.at("fitted");
  EXPECT_EQ(values.at("gain"), gain);
  EXPECT_EQ(values.at("freq"), 440.0f);  // not fitted: the patch's value

  Lv2Host host(dir / "tone.lv2", "urn:dgen:tone", 48000);
  for (const auto& [symbol, value] : values) host.set(symbol, value);
  double peak = 0;
  const auto out = host.render(4800, 256)[0];
  for (float v : out) peak = std::max(peak, double(std::fabs(v)));
  EXPECT_NEAR(peak, gain, 1e-3);
}

TEST(Lv2Preset, APresetOfAnUnknownParamIsAnError) {
  TempDir dir;
  dir.write("tone.lisp", kPatch);
  dir.write("p.json", "{\"params\": {\"gian\": 0.5}}");
  const CommandResult r =
      run_dgen("compile tone.lisp --format lv2 -o tone.lv2 --preset x=p.json", dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("gian"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir / "tone.lv2"));
  dir.write("q.json", "{\"params\": {\"gain\": 0.5}}");
  const CommandResult so = run_dgen("compile tone.lisp -o plug --preset x=q.json", dir);
  EXPECT_EQ(so.exit_code, 2);
  EXPECT_NE(so.err.find("--preset and --uri are for --format lv2"), std::string::npos) << so.err;
  const CommandResult malformed =
      run_dgen("compile tone.lisp --format lv2 -o t.lv2 --preset q.json", dir);
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("expected NAME=FILE.json"), std::string::npos) << malformed.err;
}

}  // namespace
}  // namespace dgen::test
#endif
