// The reader. One pass over the text with a cursor that tracks line and column; the
// text is checked to be UTF-8 first so every later column is a character count.
#include "lisp/reader.hpp"

#include <charconv>
#include <cstdio>

#include "lisp/patch.hpp"

namespace dgen::lisp {

std::string to_string(Pos pos) { return std::to_string(pos.line) + ":" + std::to_string(pos.col); }

std::string describe(SExpr::Kind kind) {
  switch (kind) {
    case SExpr::Kind::Number:
      return "a number";
    case SExpr::Kind::Symbol:
      return "a symbol";
    case SExpr::Kind::String:
      return "a string";
    case SExpr::Kind::Attribute:
      return "an attribute";
    case SExpr::Kind::Range:
      return "a range";
    case SExpr::Kind::List:
      return "a form";
    case SExpr::Kind::Bracket:
      return "a [list]";
  }
  return "an expression";
}

namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t utf8_length(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0)
    n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0)
    n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0)
    n = 4, cp = c & 0x07;
  else
    return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    const unsigned char b = static_cast<unsigned char>(s[i + k]);
    if (!is_continuation(b)) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

class Reader {
 public:
  Reader(std::string_view text, const std::string& file) : s_(text), file_(file) {}

  std::vector<SExpr> read_all() {
    check_utf8();
    std::vector<SExpr> forms;
    for (skip_blank(); i_ < s_.size(); skip_blank()) {
      if (peek() == ')' || peek() == ']')
        fail(pos(), std::string("unexpected '") + peek() + "' with no matching opening bracket");
      forms.push_back(read_form(0));
    }
    return forms;
  }

 private:
  [[noreturn]] void fail(Pos p, const std::string& message) const {
    throw PatchError(file_, p.line, p.col, message);
  }

  Pos pos() const { return {line_, col_}; }
  char peek() const { return s_[i_]; }

  void advance() {
    if (s_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else if (!is_continuation(static_cast<unsigned char>(s_[i_]))) {
      ++col_;
    }
    ++i_;
  }

  void check_utf8() {
    for (size_t i = 0; i < s_.size();) {
      const size_t n = utf8_length(s_, i);
      if (n == 0) {
        while (i_ < i) advance();
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(s_[i]));
        fail(pos(), std::string("invalid UTF-8 byte ") + hex + " (patches must be UTF-8 text)");
      }
      i += n;
    }
  }

  static bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == ',';
  }
  static bool is_control(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; }
  // Control characters end a token so that skip_blank reports them.
  static bool is_delimiter(char c) {
    return is_space(c) || is_control(c) || c == '(' || c == ')' || c == '[' || c == ']' ||
           c == '"' || c == ';' || c == '#';
  }

  void skip_blank() {
    while (i_ < s_.size()) {
      const char c = peek();
      if (is_space(c)) {
        advance();
      } else if (c == ';' || c == '#') {
        while (i_ < s_.size() && peek() != '\n') advance();
      } else {
        if (is_control(c)) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
          fail(pos(), std::string("unexpected control character ") + hex);
        }
        return;
      }
    }
  }

  SExpr read_form(int depth) {
    const char c = peek();
    if (c == '(' || c == '[') return read_sequence(depth);
    if (c == '"') return read_string();
    return read_atom();
  }

  SExpr read_sequence(int depth) {
    SExpr seq;
    seq.pos = pos();
    const char open = peek(), close = open == '(' ? ')' : ']';
    seq.kind = open == '(' ? SExpr::Kind::List : SExpr::Kind::Bracket;
    if (depth >= kMaxNesting)
      fail(seq.pos, "nesting deeper than " + std::to_string(kMaxNesting) + " levels");
    advance();
    for (skip_blank(); i_ < s_.size() && peek() != close; skip_blank()) {
      if (peek() == ')' || peek() == ']')
        fail(pos(), std::string("expected '") + close + "' to close '" + open + "' at " +
                        to_string(seq.pos) + ", got '" + peek() + "'");
      seq.items.push_back(read_form(depth + 1));
    }
    if (i_ >= s_.size())
      fail(seq.pos, std::string("unbalanced parentheses: this '") + open + "' is never closed");
    advance();
    return seq;
  }

  SExpr read_string() {
    SExpr str;
    str.kind = SExpr::Kind::String;
    str.pos = pos();
    advance();
    while (i_ < s_.size() && peek() != '"') {
      if (peek() == '\\') {
        const Pos at = pos();
        advance();
        if (i_ >= s_.size()) break;
        switch (peek()) {
          case '"':
            str.text += '"';
            break;
          case '\\':
            str.text += '\\';
            break;
          case 'n':
            str.text += '\n';
            break;
          case 't':
            str.text += '\t';
            break;
          default:
            fail(at, std::string("unknown escape '\\") + peek() + "' in string");
        }
      } else {
        str.text += peek();
      }
      advance();
    }
    if (i_ >= s_.size()) fail(str.pos, "unterminated string");
    advance();
    return str;
  }

  SExpr read_atom() {
    const Pos start = pos();
    const size_t begin = i_;
    while (i_ < s_.size() && !is_delimiter(peek())) advance();
    return classify(std::string(s_.substr(begin, i_ - begin)), start);
  }

  SExpr classify(const std::string& token, Pos start) const {
    SExpr atom;
    atom.pos = start;
    if (token[0] == '@') {
      if (token.size() == 1) fail(start, "attribute name missing after '@'");
      atom.kind = SExpr::Kind::Attribute;
      atom.text = token.substr(1);
      return atom;
    }
    if (const size_t colon = token.find(':'); colon != std::string::npos) {
      if (colon == 0 || colon + 1 == token.size() ||
          token.find(':', colon + 1) != std::string::npos)
        fail(start, "malformed range '" + token + "' (expected start:end)");
      atom.kind = SExpr::Kind::Range;
      atom.items.push_back(classify(token.substr(0, colon), start));
      atom.items.push_back(
          classify(token.substr(colon + 1), {start.line, start.col + int(colon) + 1}));
      for (const SExpr& end : atom.items)
        if (end.kind != SExpr::Kind::Number && end.kind != SExpr::Kind::Symbol)
          fail(start, "malformed range '" + token + "' (expected start:end)");
      return atom;
    }
    if (looks_numeric(token)) {
      atom.kind = SExpr::Kind::Number;
      atom.number = parse_number(token, start);
      return atom;
    }
    atom.kind = SExpr::Kind::Symbol;
    atom.text = token;
    return atom;
  }

  static bool is_digit(char c) { return c >= '0' && c <= '9'; }

  // A token is a number when it starts like one: a digit, or a sign or dot followed by
  // a digit (so `-`, `+` and `...` stay symbols).
  static bool looks_numeric(const std::string& t) {
    size_t k = (t[0] == '+' || t[0] == '-') ? 1 : 0;
    if (k < t.size() && t[k] == '.') ++k;
    return k < t.size() && is_digit(t[k]);
  }

  double parse_number(const std::string& token, Pos start) const {
    const char* first = token.data() + (token[0] == '+' ? 1 : 0);
    const char* last = token.data() + token.size();
    double value = 0;
    const auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) fail(start, "number '" + token + "' is out of range");
    if (ec != std::errc() || end != last) fail(start, "malformed number '" + token + "'");
    return value;
  }

  std::string_view s_;
  const std::string& file_;
  size_t i_ = 0;
  int line_ = 1, col_ = 1;
};

}  // namespace

std::vector<SExpr> read_forms(std::string_view text, const std::string& file) {
  return Reader(text, file).read_all();
}

}  // namespace dgen::lisp
