#include "lv2_bundle.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "backend/c/lv2_source.hpp"
#include "dgen/error.hpp"

namespace dgen::cli {
namespace {

constexpr const char* kPrefixes =
    "@prefix atom: <http://lv2plug.in/ns/ext/atom#> .\n"
    "@prefix doap: <http://usefulinc.com/ns/doap#> .\n"
    "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
    "@prefix midi: <http://lv2plug.in/ns/ext/midi#> .\n"
    "@prefix pg: <http://lv2plug.in/ns/ext/port-groups#> .\n"
    "@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix units: <http://lv2plug.in/ns/extensions/units#> .\n"
    "@prefix urid: <http://lv2plug.in/ns/ext/urid#> .\n\n";

std::string literal(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out + "\"";
}

// A float as a Turtle decimal or double: the fewest digits that read back as the same
// float (0.01, not 0.00999999978), never an integer literal (hosts would read an int).
std::string number(float v) {
  char buf[32];
  for (int digits = 6; digits <= 9; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, double(v));
    if (std::strtof(buf, nullptr) == v) break;
  }
  std::string s = buf;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// The LV2 unit of a patch's @unit: one of the units vocabulary where it has it, else a
// unit of its own that shows the text.
std::string unit(const std::string& u) {
  static const std::map<std::string, std::string> known = {{"Hz", "units:hz"},
                                                           {"hz", "units:hz"},
                                                           {"kHz", "units:khz"},
                                                           {"s", "units:s"},
                                                           {"ms", "units:ms"},
                                                           {"dB", "units:db"},
                                                           {"db", "units:db"},
                                                           {"%", "units:pc"},
                                                           {"st", "units:semitone12TET"},
                                                           {"semitones", "units:semitone12TET"},
                                                           {"cents", "units:cent"},
                                                           {"bpm", "units:bpm"},
                                                           {"BPM", "units:bpm"}};
  if (const auto it = known.find(u); it != known.end()) return it->second;
  return "[ a units:Unit ; rdfs:label " + literal(u) + " ; units:symbol " + literal(u) +
         " ; units:render " + literal("%f " + u) + " ]";
}

// Text as an LV2 symbol (and a URI fragment): other characters become '_'.
std::string symbol_of(const std::string& text) {
  std::string symbol = text.empty() || std::isdigit(static_cast<unsigned char>(text[0])) ? "_" : "";
  for (char c : text) symbol += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return symbol;
}

std::string group_uri(const std::string& plugin_uri, const std::string& group) {
  return "<" + plugin_uri + "#group-" + symbol_of(group) + ">";
}

std::string port_label(const lisp::PortInfo& port, const char* fallback) {
  return port.name.empty() ? std::string(fallback) + " " + std::to_string(port.channel) : port.name;
}

std::string control_port(const ParamData& p, const std::string& uri) {
  std::string out = "a lv2:InputPort , lv2:ControlPort ;\n    lv2:name " + literal(p.name) +
                    " ;\n    lv2:default " + number(p.value.at(0));
  if (p.min) out += " ;\n    lv2:minimum " + number(*p.min);
  if (p.max) out += " ;\n    lv2:maximum " + number(*p.max);
  if (!p.unit.empty()) out += " ;\n    units:unit " + unit(p.unit);
  if (!p.group.empty()) out += " ;\n    pg:group " + group_uri(uri, p.group);
  return out;
}

float clamped(const ParamData& p, float v) {
  if (p.min) v = std::max(v, *p.min);
  if (p.max) v = std::min(v, *p.max);
  return v;
}

std::string preset_uri(const std::string& plugin_uri, const std::string& preset) {
  return "<" + plugin_uri + "#preset-" + symbol_of(preset) + ">";
}

std::string presets_ttl(const PluginSpec& spec, const std::vector<Lv2Port>& ports,
                        const std::vector<Lv2Preset>& presets) {
  std::string out = kPrefixes;
  for (const Lv2Preset& preset : presets) {
    std::set<std::string> unused;
    for (const auto& [name, value] : preset.values) unused.insert(name);
    out += preset_uri(spec.lv2_uri, preset.name) + "\n  a pset:Preset ;\n  lv2:appliesTo <" +
           spec.lv2_uri + "> ;\n  rdfs:label " + literal(preset.name);
    for (const Lv2Port& port : ports) {
      if (port.kind != Lv2Port::Kind::control) continue;
      const ParamData& p = *spec.params[port.index];
      const auto it = preset.values.find(p.name);
      const float value = clamped(p, it != preset.values.end() ? it->second : p.value.at(0));
      unused.erase(p.name);
      out += " ;\n  lv2:port [ lv2:symbol " + literal(port.symbol) + " ; pset:value " +
             number(value) + " ]";
    }
    out += " .\n\n";
    if (!unused.empty())
      throw Error("preset " + preset.name + ": '" + *unused.begin() +
                  "' is not a control of the plugin (a note param or a tensor param)");
  }
  return out;
}

}  // namespace

Lv2Bundle lv2_bundle(const lisp::Patch& patch, const PluginSpec& spec, const std::string& name,
                     const std::vector<Lv2Preset>& presets) {
  const std::vector<Lv2Port> ports = lv2_ports(spec, patch.outputs.size());
  const bool instrument = std::any_of(
      ports.begin(), ports.end(), [](const Lv2Port& p) { return p.kind == Lv2Port::Kind::midi; });
  const std::string uri = "<" + spec.lv2_uri + ">";
  Lv2Bundle b;
  b.manifest = std::string(kPrefixes) + uri + "\n  a lv2:Plugin ;\n  lv2:binary <" + name +
               ".so> ;\n  rdfs:seeAlso <" + name + ".ttl> .\n";
  for (const Lv2Preset& preset : presets)
    b.manifest += "\n" + preset_uri(spec.lv2_uri, preset.name) +
                  "\n  a pset:Preset ;\n  lv2:appliesTo " + uri +
                  " ;\n  rdfs:seeAlso <presets.ttl> .\n";

  std::string& t = b.plugin;
  // The class hosts show is the first one given.
  t = kPrefixes + uri + "\n  a " + (instrument ? "lv2:InstrumentPlugin , " : "") + "lv2:Plugin" +
      " ;\n  doap:name " + literal(name) + " ;\n  rdfs:comment " +
      literal("Compiled by dgen from " + patch.file) +
      " ;\n  lv2:optionalFeature lv2:hardRTCapable";
  if (instrument) t += " ;\n  lv2:requiredFeature urid:map";
  for (size_t i = 0; i < ports.size(); ++i) {
    const Lv2Port& port = ports[i];
    t += " ;\n  lv2:port [\n    lv2:index " + std::to_string(i) + " ;\n    lv2:symbol " +
         literal(port.symbol) + " ;\n    ";
    switch (port.kind) {
      case Lv2Port::Kind::control:
        t += control_port(*spec.params[port.index], spec.lv2_uri);
        break;
      case Lv2Port::Kind::audio_in:
        t += "a lv2:InputPort , lv2:AudioPort ;\n    lv2:name " +
             literal(port_label(patch.input_ports[port.index], "in"));
        break;
      case Lv2Port::Kind::audio_out:
        t += "a lv2:OutputPort , lv2:AudioPort ;\n    lv2:name " +
             literal(port_label(patch.output_ports[port.index], "out"));
        break;
      case Lv2Port::Kind::latency:
        t += "a lv2:OutputPort , lv2:ControlPort ;\n    lv2:name \"latency\" ;\n"
             "    lv2:designation lv2:latency ;\n"
             "    lv2:portProperty lv2:reportsLatency , lv2:integer ;\n    units:unit units:frame";
        break;
      case Lv2Port::Kind::midi:
        t += "a lv2:InputPort , atom:AtomPort ;\n    lv2:name \"MIDI in\" ;\n"
             "    atom:bufferType atom:Sequence ;\n    atom:supports midi:MidiEvent ;\n"
             "    lv2:designation lv2:control";
        break;
    }
    t += "\n  ]";
  }
  t += " .\n";
  std::set<std::string> groups;
  for (const Lv2Port& port : ports)
    if (port.kind == Lv2Port::Kind::control && !spec.params[port.index]->group.empty())
      groups.insert(spec.params[port.index]->group);
  for (const std::string& g : groups)
    t += "\n" + group_uri(spec.lv2_uri, g) + "\n  a pg:Group ;\n  lv2:symbol " +
         literal(symbol_of(g)) + " ;\n  rdfs:label " + literal(g) + " .\n";
  if (!presets.empty()) b.presets = presets_ttl(spec, ports, presets);
  return b;
}

}  // namespace dgen::cli
