// Plain-text tables for a terminal (`passerelle info`, `compare`): columns
// padded to their widest cell, the first left-aligned, a rule under the head.
#pragma once
#include <cmath>
#include <cstdio>
#include <algorithm>
#include <ostream>
#include <string>
#include <vector>

namespace analysis {

// Width in characters of UTF-8 text ('±' counts once).
// A number for a text table: 0-3 decimals by magnitude, "n/a" for NaN, and
// never "-0.000" (a difference that rounds to zero has no sign).
inline std::string format_number(double v) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double a = std::fabs(v);
  const int prec = a >= 1000 ? 0 : (a >= 10 ? 1 : (a >= 1 ? 2 : 3));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  const std::string s = buf;
  return s.find_first_not_of("-0.") == std::string::npos ? s.substr(s[0] == '-') : s;
}

inline std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// rows[0] is the head.
inline void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return;
  std::vector<std::size_t> w(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size() && i < w.size(); ++i) w[i] = std::max(w[i], display_width(row[i]));
  for (std::size_t k = 0; k < rows.size(); ++k) {
    for (std::size_t i = 0; i < rows[k].size() && i < w.size(); ++i) {
      const std::string pad(w[i] - display_width(rows[k][i]), ' ');
      out << (i == 0 ? rows[k][i] + pad : "  " + pad + rows[k][i]);
    }
    out << "\n";
    if (k == 0) {
      std::size_t total = 0;
      for (auto x : w) total += x + 2;
      out << std::string(total - 2, '-') << "\n";
    }
  }
}

}  // namespace analysis
