#include "fitted_patch.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "dgen/error.hpp"
#include "lisp/patch_defaults.hpp"

namespace dgen::cli {

std::string fitted_patch_text(const std::string& path, const lisp::Patch& patch,
                              const std::string& command) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw Error("cannot read " + path + " again to write the fitted patch");
  std::map<std::string, float> values;
  std::string not_written;
  for (const lisp::ParamInfo& p : patch.params) {
    const std::vector<float>& v = p.param.values();
    if (v.size() != 1) {
      not_written += ";   " + p.param.name() + " (a tensor param)\n";
      continue;
    }
    if (v[0] != p.default_value) values[p.param.name()] = v[0];
  }
  const lisp::DefaultsRewrite rewrite = lisp::set_param_defaults(text.str(), path, values);
  for (const std::string& name : rewrite.not_found) {
    std::ostringstream value;
    value << values.at(name);
    not_written += ";   " + name + " = " + value.str() + " (declared by a macro or a module)\n";
  }
  std::string header = "; " + path + " with the values fitted by\n;   " + command + "\n";
  if (!not_written.empty())
    header += "; Not written in (pass them with --set or --params params.json):\n" + not_written;
  return header + "\n" + rewrite.text;
}

}  // namespace dgen::cli
