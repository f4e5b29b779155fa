// The reader: atoms, lists, brackets, attributes, ranges, comments, positions, and the
// errors it raises for malformed text.
#include <gtest/gtest.h>

#include "lisp/patch.hpp"
#include "lisp/reader.hpp"

namespace dgen::lisp {
namespace {

std::vector<SExpr> read(std::string_view text) { return read_forms(text, "r.lisp"); }

std::string read_error(std::string_view text) {
  try {
    read(text);
  } catch (const PatchError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a PatchError for: " << text;
  return "";
}

TEST(LispReader, AtomsAndTheirKinds) {
  const auto forms = read("(f 440 -0.5 1e-3 +2 .25 sym \"a b\" @name 0:2 [1 2] ())");
  ASSERT_EQ(forms.size(), 1u);
  const auto& items = forms[0].items;
  ASSERT_EQ(items.size(), 12u);
  EXPECT_EQ(items[0].kind, SExpr::Kind::Symbol);
  EXPECT_EQ(items[1].number, 440);
  EXPECT_EQ(items[2].number, -0.5);
  EXPECT_EQ(items[3].number, 1e-3);
  EXPECT_EQ(items[4].number, 2);
  EXPECT_EQ(items[5].number, 0.25);
  EXPECT_EQ(items[6].text, "sym");
  EXPECT_EQ(items[7].kind, SExpr::Kind::String);
  EXPECT_EQ(items[7].text, "a b");
  EXPECT_EQ(items[8].kind, SExpr::Kind::Attribute);
  EXPECT_EQ(items[8].text, "name");
  EXPECT_EQ(items[9].kind, SExpr::Kind::Range);
  EXPECT_EQ(items[9].items[0].number, 0);
  EXPECT_EQ(items[9].items[1].number, 2);
  EXPECT_EQ(items[10].kind, SExpr::Kind::Bracket);
  EXPECT_EQ(items[10].items.size(), 2u);
  EXPECT_EQ(items[11].kind, SExpr::Kind::List);
  EXPECT_TRUE(items[11].items.empty());
}

TEST(LispReader, SignsAndDotsAloneAreSymbols) {
  const auto forms = read("(- + ... -x)");
  for (const SExpr& e : forms[0].items) EXPECT_EQ(e.kind, SExpr::Kind::Symbol) << e.text;
  EXPECT_EQ(forms[0].items[3].text, "-x");
}

TEST(LispReader, PositionsOfEveryAtomAndList) {
  const auto forms = read("; header\n(out\n  (* 0.5 x)  1)\n  [a b:c]");
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(forms[0].pos.line, 2);
  EXPECT_EQ(forms[0].pos.col, 1);
  const SExpr& product = forms[0].items[1];
  EXPECT_EQ(product.pos.line, 3);
  EXPECT_EQ(product.pos.col, 3);
  EXPECT_EQ(product.items[1].pos.col, 6);    // 0.5
  EXPECT_EQ(product.items[2].pos.col, 10);   // x
  EXPECT_EQ(forms[0].items[2].pos.col, 14);  // 1
  EXPECT_EQ(forms[1].pos.line, 4);
  EXPECT_EQ(forms[1].pos.col, 3);
  const SExpr& range = forms[1].items[1];
  EXPECT_EQ(range.pos.col, 6);
  EXPECT_EQ(range.items[1].pos.col, 8);  // c, after the colon
}

TEST(LispReader, ColumnsCountCharactersNotBytes) {
  const auto forms = read("; é\n\"ü\" x");
  EXPECT_EQ(forms[1].pos.col, 5);
}

TEST(LispReader, CommentsAndCommas) {
  const auto forms = read("# hash comment\n(a ; semicolon\n b) # trailing\n[1, 2,3]");
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(forms[0].items.size(), 2u);
  ASSERT_EQ(forms[1].items.size(), 3u);
  EXPECT_EQ(forms[1].items[2].number, 3);
}

TEST(LispReader, StringEscapes) {
  const auto forms = read(R"("a\"b\\c\nd")");
  EXPECT_EQ(forms[0].text, "a\"b\\c\nd");
}

TEST(LispReader, NestedBrackets) {
  const auto forms = read("[[1 2] [3 4]]");
  ASSERT_EQ(forms[0].items.size(), 2u);
  EXPECT_EQ(forms[0].items[1].items[0].number, 3);
}

TEST(LispReader, Errors) {
  EXPECT_EQ(read_error("(a (b c)"), "r.lisp:1:1: unbalanced parentheses: this '(' is never closed");
  EXPECT_EQ(read_error("(a)\n  )"), "r.lisp:2:3: unexpected ')' with no matching opening bracket");
  EXPECT_EQ(read_error("(a [b)"), "r.lisp:1:6: expected ']' to close '[' at 1:4, got ')'");
  EXPECT_EQ(read_error("(a \"open"), "r.lisp:1:4: unterminated string");
  EXPECT_EQ(read_error("(a 1.2.3)"), "r.lisp:1:4: malformed number '1.2.3'");
  EXPECT_EQ(read_error("(a 1e999)"), "r.lisp:1:4: number '1e999' is out of range");
  EXPECT_EQ(read_error("(a 1:2:3)"), "r.lisp:1:4: malformed range '1:2:3' (expected start:end)");
  EXPECT_EQ(read_error("(a @)"), "r.lisp:1:4: attribute name missing after '@'");
  EXPECT_EQ(read_error("(a \"\\q\")"), "r.lisp:1:5: unknown escape '\\q' in string");
  EXPECT_EQ(read_error("\n (a \xff)"),
            "r.lisp:2:5: invalid UTF-8 byte 0xFF (patches must be UTF-8 text)");
  EXPECT_EQ(read_error("(a \xc3\x28)"),
            "r.lisp:1:4: invalid UTF-8 byte 0xC3 (patches must be UTF-8 text)");
  EXPECT_EQ(read_error("(a \x01)"), "r.lisp:1:4: unexpected control character 0x01");
}

TEST(LispReader, NestingIsBounded) {
  const std::string deep(100000, '(');
  EXPECT_NE(read_error(deep).find("nesting deeper than 200 levels"), std::string::npos);
  std::string ok;
  for (int i = 0; i < kMaxNesting; ++i) ok += '(';
  ok += std::string(kMaxNesting, ')');
  EXPECT_NO_THROW(read(ok));
}

}  // namespace
}  // namespace dgen::lisp
