#include "sim/params.hpp"

#include <algorithm>

namespace sim {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  std::size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    // Compare against the whole name and its last dotted component, so that
    // "engaged_shar" finds "gp.engaged_share".
    std::size_t d = edit_distance(word, c);
    if (auto dot = c.rfind('.'); dot != std::string::npos && word.find('.') == std::string_view::npos)
      d = std::min(d, edit_distance(word, std::string_view(c).substr(dot + 1)));
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best && best_d <= limit) return best;
  return std::nullopt;
}

std::string unknown_key_message(std::string_view what, std::string_view key,
                                const std::vector<std::string>& valid) {
  std::string msg = "unknown " + std::string(what) + " '" + std::string(key) + "'";
  if (auto n = nearest(key, valid)) return msg + "; did you mean '" + *n + "'?";
  msg += "; valid: ";
  for (std::size_t i = 0; i < valid.size() && i < 40; ++i) msg += (i ? ", " : "") + valid[i];
  if (valid.size() > 40) msg += ", …";
  return msg;
}

InputError toml_error(const std::string& file, const toml::node& node, const std::string& message) {
  const auto& src = node.source();
  return InputError(file, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column),
                    message);
}

void check_keys(const toml::table& t, const std::string& file, const std::string& what,
                const std::vector<std::string>& valid) {
  for (auto&& [k, v] : t)
    if (std::find(valid.begin(), valid.end(), std::string(k.str())) == valid.end())
      throw toml_error(file, v, unknown_key_message(what + " key", k.str(), valid));
}

}  // namespace sim
