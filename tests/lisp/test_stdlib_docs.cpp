// docs/STDLIB.md stays the library's reference: every macro of lib/std is documented
// there with its signature, and its opening patch loads and renders.
#include <fstream>
#include <regex>
#include <sstream>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(StdDocs, EveryLibraryMacroIsDocumentedWithItsSignature) {
  const std::string doc = read_text(std::string(DGEN_SOURCE_DIR) + "/docs/STDLIB.md");
  const std::vector<std::string> modules = test::lisp_files_in("lib/std");
  ASSERT_GE(modules.size(), 4u);
  const std::regex defmacro(R"(\(defmacro ([^ ]+) \(([^)]*)\))");
  int count = 0;
  for (const std::string& path : modules) {
    const std::string text = read_text(path);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), defmacro);
         it != std::sregex_iterator(); ++it, ++count) {
      const std::string name = (*it)[1], params = (*it)[2];
      const std::string signature = "`(" + name + (params.empty() ? "" : " " + params) + ")`";
      const std::string short_form = "`(" + name + " …)`";  // a row of variants: (svf-hp …)
      EXPECT_TRUE(doc.find(signature) != std::string::npos ||
                  doc.find(short_form) != std::string::npos)
          << path << ": " << signature << " is not in docs/STDLIB.md";
    }
  }
  EXPECT_GE(count, 30);
}

TEST(StdDocs, TheOpeningPatchRenders) {
  const std::string doc = read_text(std::string(DGEN_SOURCE_DIR) + "/docs/STDLIB.md");
  const size_t start = doc.find("```lisp\n") + 8;
  const std::string patch = doc.substr(start, doc.find("```", start) - start);
  const std::vector<float> out = test::render_patch(test::load(patch), 4410, Backend::C)[0];
  double peak = 0;
  for (float v : out) {
    ASSERT_TRUE(std::isfinite(v));
    peak = std::max(peak, double(std::fabs(v)));
  }
  EXPECT_GT(peak, 0.05);
  EXPECT_LT(peak, 1.0);
}

}  // namespace
}  // namespace dgen::lisp
