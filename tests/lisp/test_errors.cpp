// Patch errors: every malformed patch in tests/lisp/bad raises a PatchError whose
// message starts with the position and text its first line expects
// ("; expect: 3:7: unknown symbol"), and the limits that keep any input from
// crashing or hanging the loader.
#include <fstream>
#include <sstream>

#include "lisp_support.hpp"

namespace dgen::lisp {
namespace {

using test::load_error;

std::vector<std::string> bad_patches() { return test::lisp_files_in("tests/lisp/bad"); }

std::string expectation(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string first;
  std::getline(in, first);
  const std::string marker = "; expect: ";
  return first.rfind(marker, 0) == 0 ? first.substr(marker.size()) : "";
}

TEST(LispErrors, CorpusHasAtLeastFortyPatches) { EXPECT_GE(bad_patches().size(), 40u); }

TEST(LispErrors, EveryBadPatchRaisesItsPositionedMessage) {
  for (const std::string& path : bad_patches()) {
    SCOPED_TRACE(path);
    const std::string expected = expectation(path);
    ASSERT_FALSE(expected.empty()) << "no '; expect: ' line";
    try {
      load_patch_file(path);
      ADD_FAILURE() << "loaded without an error";
    } catch (const PatchError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind(path + ":" + expected, 0), 0u) << "got: " << what;
      EXPECT_EQ(e.file, path);
    }
  }
}

TEST(LispErrors, ShapeMismatchNamesBothShapes) {
  const std::string add = load_error("(out (sum (+ (tensor [1 2 3]) (tensor [1 2]))) 1)");
  EXPECT_EQ(add.rfind("test.lisp:1:11: +:", 0), 0u) << add;
  EXPECT_NE(add.find("[3]"), std::string::npos) << add;
  EXPECT_NE(add.find("[2]"), std::string::npos) << add;
  const std::string matmul = load_error("(out (sum (matmul (zeros [2 3]) (zeros [4 5]))) 1)");
  EXPECT_NE(matmul.find("[2, 3]"), std::string::npos) << matmul;
  EXPECT_NE(matmul.find("[4, 5]"), std::string::npos) << matmul;
}

TEST(LispErrors, ErrorsInMacroBodiesPointAtTheBodyAndTheCall) {
  const std::string e = load_error("(defmacro f (x)\n  (+ x nope))\n(out\n (f 1) 1)");
  EXPECT_EQ(e, "test.lisp:2:8: unknown symbol 'nope' (in macro 'f' called at 4:2)");
}

TEST(LispErrors, MissingPatchFileIsAnError) {
  try {
    load_patch_file("/no/such/dir/patch.lisp");
    FAIL();
  } catch (const PatchError&) {
    FAIL() << "a missing patch is not a patch error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read patch '/no/such/dir/patch.lisp'"),
              std::string::npos);
  }
}

// Deep nesting through macros is bounded by the evaluation depth, not the stack: each
// macro's body nests 150 forms deep around a call of the next one.
TEST(LispErrors, DeepMacroNestingIsBounded) {
  std::string patch;
  for (int k = 1; k <= 5; ++k) {
    patch += "(defmacro m" + std::to_string(k) + " (x) ";
    for (int i = 0; i < 150; ++i) patch += "(+ 1 ";
    patch += "(m" + std::to_string(k + 1) + " x)" + std::string(150, ')') + ")\n";
  }
  patch += "(defmacro m6 (x) x)\n(out (m1 1) 1)";
  EXPECT_NE(load_error(patch).find("nested more than 600 deep"), std::string::npos);
}

// Fragments of real patches, cut at every position, must load or fail cleanly.
TEST(LispErrors, EveryPrefixOfAnExampleFailsCleanly) {
  std::ifstream in(std::string(DGEN_SOURCE_DIR) + "/examples/subtractive.lisp");
  std::stringstream text;
  text << in.rdbuf();
  const std::string full = text.str();
  for (size_t n = 0; n < full.size(); n += 7) {
    try {
      load_patch(full.substr(0, n), "prefix.lisp");
    } catch (const PatchError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("prefix.lisp:", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace dgen::lisp
