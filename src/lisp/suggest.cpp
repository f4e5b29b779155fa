// Edit-distance suggestions for misspelt names.
#include "lisp/suggest.hpp"

#include <algorithm>

namespace dgen::lisp {
namespace {

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  constexpr size_t kMaxLength = 64;  // longer names are not worth comparing
  if (name.size() > kMaxLength) return "";
  const size_t limit = std::max<size_t>(1, name.size() / 3);
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    if (c == name || c.size() > kMaxLength) continue;
    const size_t d = edit_distance(name, c);
    if (d < best_distance || (d == best_distance && best && c < *best))
      best = &c, best_distance = d;
  }
  return best ? " (did you mean '" + *best + "'?)" : "";
}

}  // namespace dgen::lisp
