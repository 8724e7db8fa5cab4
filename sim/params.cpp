#include "sim/params.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

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

namespace {
std::string num_text(double v) {
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}
std::string range_text(double lo, double hi) {
  return "[" + num_text(lo) + ", " + num_text(hi) + "]";
}
}  // namespace

double read_real(const toml::node& n, const std::string& file, const std::string& what, double lo, double hi) {
  double v = 0;
  if (const auto* i = n.as_integer()) {
    const std::int64_t x = i->get();
    if (x > kMaxExactInteger || x < -kMaxExactInteger)
      throw toml_error(file, n, what + ": " + std::to_string(x) + " cannot be represented exactly (beyond +-2^53); expected a number in " +
                                    range_text(lo, hi));
    v = static_cast<double>(x);
  } else if (const auto* f = n.as_floating_point()) {
    v = f->get();
  } else {
    throw toml_error(file, n, what + ": expected a number in " + range_text(lo, hi));
  }
  if (!std::isfinite(v) || v < lo || v > hi)
    throw toml_error(file, n, what + ": " + num_text(v) + " is outside " + range_text(lo, hi));
  return v;
}

std::int64_t read_integer(const toml::node& n, const std::string& file, const std::string& what, std::int64_t lo,
                          std::int64_t hi) {
  const auto* i = n.as_integer();
  const std::string range = "[" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!i) throw toml_error(file, n, what + ": expected an integer in " + range);
  const std::int64_t x = i->get();
  if (x < lo || x > hi) throw toml_error(file, n, what + ": " + std::to_string(x) + " is outside " + range);
  return x;
}

void check_keys(const toml::table& t, const std::string& file, const std::string& what,
                const std::vector<std::string>& valid) {
  for (auto&& [k, v] : t)
    if (std::find(valid.begin(), valid.end(), std::string(k.str())) == valid.end())
      throw toml_error(file, v, unknown_key_message(what + " key", k.str(), valid));
}

}  // namespace sim
