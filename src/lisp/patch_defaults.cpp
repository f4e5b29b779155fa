#include "lisp/patch_defaults.hpp"

#include <algorithm>
#include <charconv>

#include "lisp/param_names.hpp"
#include "lisp/reader.hpp"

namespace dgen::lisp {

namespace {

struct Edit {
  size_t begin, end;  // bytes replaced
  std::string with;
};

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// The byte where the reader's position (1-based line, column in characters) is.
size_t offset_of(std::string_view text, Pos pos) {
  int line = 1, col = 1;
  size_t i = 0;
  for (; i < text.size() && (line < pos.line || col < pos.col); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else if (!is_continuation(text[i])) {
      ++col;
    }
  }
  while (i < text.size() && is_continuation(text[i])) ++i;
  return i;
}

// As the reader splits atoms (lisp/reader.cpp).
bool is_delimiter(char c) {
  return static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == ',' || c == '(' || c == ')' ||
         c == '[' || c == ']' || c == '"' || c == ';' || c == '#';
}

// The byte after the string that starts at `i` (its opening quote).
size_t string_end(std::string_view text, size_t i) {
  for (++i; i < text.size() && text[i] != '"'; ++i)
    if (text[i] == '\\') ++i;
  return std::min(i + 1, text.size());
}

// The byte after the expression that starts at byte `i`: an atom, a string or a bracketed
// sequence (with strings and comments inside it).
size_t expression_end(std::string_view text, size_t i) {
  if (text[i] == '"') return string_end(text, i);
  if (text[i] != '(' && text[i] != '[') {
    while (i < text.size() && !is_delimiter(text[i])) ++i;
    return i;
  }
  int depth = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"') {
      i = string_end(text, i);
      continue;
    }
    if (c == ';' || c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '(' || c == '[') ++depth;
    if ((c == ')' || c == ']') && --depth == 0) return i + 1;
    ++i;
  }
  return i;
}

std::string shortest(float value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, end);
}

// Every (param NAME …) form, however deeply nested (a `def` may hold one).
void collect_edits(std::string_view text, const SExpr& form,
                   const std::map<std::string, float>& values, std::vector<Edit>& edits,
                   std::vector<std::string>& found) {
  for (const SExpr& item : form.items) collect_edits(text, item, values, edits, found);
  if (form.kind != SExpr::Kind::List || form.items.size() < 2 ||
      !form.items[0].is_symbol("param") || form.items[1].kind != SExpr::Kind::Symbol)
    return;
  const std::string name = qualified(group_of(form), form.items[1].text);
  const auto it = values.find(name);
  if (it == values.end()) return;
  found.push_back(name);
  const std::string value = shortest(it->second);
  for (size_t i = 2; i + 1 < form.items.size(); ++i)
    if (form.items[i].kind == SExpr::Kind::Attribute && form.items[i].text == "default") {
      const size_t begin = offset_of(text, form.items[i + 1].pos);
      edits.push_back({begin, expression_end(text, begin), value});
      return;
    }
  const size_t after_name = offset_of(text, form.items[1].pos) + form.items[1].text.size();
  edits.push_back({after_name, after_name, " @default " + value});
}

}  // namespace

DefaultsRewrite set_param_defaults(std::string_view text, const std::string& file,
                                   const std::map<std::string, float>& values) {
  std::vector<Edit> edits;
  std::vector<std::string> found;
  for (const SExpr& form : read_forms(text, file)) collect_edits(text, form, values, edits, found);
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.begin > b.begin; });
  DefaultsRewrite out{std::string(text), {}};
  for (const Edit& e : edits) out.text.replace(e.begin, e.end - e.begin, e.with);
  for (const auto& [name, value] : values)
    if (std::find(found.begin(), found.end(), name) == found.end()) out.not_found.push_back(name);
  return out;
}

}  // namespace dgen::lisp
