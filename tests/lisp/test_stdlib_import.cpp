// (import name): the module search path, names a module binds and keeps to itself, and
// errors inside modules that point into the module's file and at the importing patch
// (docs/LANGUAGE.md, "import").
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "stdlib_support.hpp"

namespace dgen::lisp {
namespace {

using test::load_error;

// A directory of modules on DGEN_LIB_PATH for the test's lifetime.
class LibDir {
 public:
  explicit LibDir(const std::string& name)
      : dir_(std::filesystem::temp_directory_path() / ("dgen-lib-" + name)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    setenv("DGEN_LIB_PATH", ("/no/such/dir:" + dir_.string()).c_str(), 1);
  }
  ~LibDir() {
    unsetenv("DGEN_LIB_PATH");
    std::filesystem::remove_all(dir_);
  }
  std::string write(const std::string& relative, const std::string& text) const {
    const std::filesystem::path path = dir_ / relative;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  std::string path() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

TEST(StdImport, ModulesBindTheirNames) {
  EXPECT_EQ(test::eval_binding("(import std/util) (def r (mtof 69))").number(), 440.0);
  EXPECT_EQ(test::eval_binding("(import std) (def r (dbtoa -20))").number(), 0.1);
  // Importing again, or a module that another import already loaded, is harmless.
  EXPECT_EQ(test::eval_binding("(import std/util std/filters std/util) (def r (mtof 81))").number(),
            880.0);
  EXPECT_EQ(test::eval_binding("(import \"std/util\") (def r (atodb 1))").number(), 0.0);
}

TEST(StdImport, LibraryMacrosSeeTheirModuleNotThePatch) {
  // `rising` calls `previous`; a patch that redefines `previous` must not change it.
  const std::vector<float> r = test::render_r(
      "(def previous 5) (def x (gt (phasor 11025) 0.4)) (def r (+ (rising x) previous))", 8);
  EXPECT_EQ(r, (std::vector<float>{5, 5, 6, 5, 5, 5, 6, 5}));
}

TEST(StdImport, BadNamesAndMissingModulesAreErrors) {
  EXPECT_EQ(load_error("(import ../secret)\n(out 0 1)"),
            "test.lisp:1:9: import: '../secret' is not a module name (names like std/filters: "
            "letters, digits, '_', '-', '.', separated by '/')");
  const std::string missing = load_error("(import std/nope)\n(out 0 1)");
  EXPECT_EQ(missing.rfind("test.lisp:1:9: import: no module 'std/nope': no std/nope.lisp in ", 0),
            0u)
      << missing;
  EXPECT_NE(missing.find(std::string(DGEN_SOURCE_DIR) + "/lib"), std::string::npos) << missing;
  EXPECT_EQ(load_error("(import)\n(out 0 1)"),
            "test.lisp:1:1: import expects one or more module names, e.g. (import std/filters)");
  EXPECT_EQ(load_error("(import 3)\n(out 0 1)"),
            "test.lisp:1:9: import: expected a module name like std/filters, got a number");
}

TEST(StdImport, DgenLibPathAddsDirectories) {
  const LibDir lib("path");
  lib.write("my/gain.lisp", "(defmacro halve (x) (* 0.5 x))\n");
  EXPECT_EQ(test::eval_binding("(import my/gain) (def r (halve 3))").number(), 1.5);
}

TEST(StdImport, ModulesBesideThePatchComeFirst) {
  const LibDir lib("beside");
  lib.write("patch/local.lisp", "(defmacro twice (x) (* 2 x))\n");
  const std::string patch = lib.write("patch/p.lisp", "(import local)\n(out (twice 0.25) 1)\n");
  const Patch p = load_patch_file(patch);
  EXPECT_EQ(dgen::test::render1(p.outputs[0], 1)[0], 0.5f);
}

TEST(StdImport, ErrorsInModulesPointIntoTheModuleAndAtThePatch) {
  const LibDir lib("errors");
  const std::string bad = lib.write("bad.lisp", "(defmacro f (x)\n  (+ x nope))\n");
  EXPECT_EQ(load_error("(import bad)\n(out\n (f 1) 1)"),
            bad + ":2:8: unknown symbol 'nope' (in macro 'f' called at test.lisp:3:2)");

  // A library macro calling another: the innermost call, then where the patch called in.
  const std::string nested = lib.write(
      "nested.lisp", "(defmacro inner (x)\n  (+ x nope))\n(defmacro outer (x) (inner x))\n");
  EXPECT_EQ(load_error("(import nested)\n(out (outer 1) 1)"),
            nested +
                ":2:8: unknown symbol 'nope' (in macro 'inner' called at 3:21) (from "
                "test.lisp:2:6)");

  const std::string broken = lib.write("broken.lisp", "(defmacro f (x)\n  (+ x 1)\n");
  EXPECT_EQ(load_error("(out 0 1)\n(import broken)"),
            broken +
                ":1:1: unbalanced parentheses: this '(' is never closed (in module 'broken' "
                "imported at test.lisp:2:9)");

  const std::string top = lib.write("top.lisp", "(def a (sin))\n");
  const std::string e = load_error("(import top)\n(out 0 1)");
  EXPECT_EQ(e.rfind(top + ":1:8: sin expects", 0), 0u) << e;
  EXPECT_NE(e.find("(in module 'top' imported at test.lisp:1:9)"), std::string::npos) << e;
}

TEST(StdImport, ModulesDeclareNoParamsInputsOrOutputs) {
  const LibDir lib("scope");
  const std::string p = lib.write("p.lisp", "(param cutoff @default 3)\n");
  EXPECT_EQ(load_error("(import p)\n(out 0 1)"),
            p + ":1:1: param: a library module cannot declare params, inputs or outputs; declare "
                "them in the patch and pass them to the module's macros (in module 'p' imported "
                "at test.lisp:1:9)");
  const std::string o = lib.write("o.lisp", "(defmacro play (x) (out x 1))\n");
  const std::string e = load_error("(import o)\n(play 0.5)");
  EXPECT_EQ(e.rfind(o + ":1:20: out: a library module cannot", 0), 0u) << e;
}

TEST(StdImport, ImportCyclesAreErrors) {
  const LibDir lib("cycle");
  const std::string a = lib.write("a.lisp", "(import b)\n");
  lib.write("b.lisp", "(import a)\n");
  const std::string e = load_error("(import a)\n(out 0 1)");
  EXPECT_NE(e.find("import: module 'a' is still being imported: its imports lead back to it"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("(in module 'b' imported at " + a + ":1:9) (from test.lisp:1:9)"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace dgen::lisp
