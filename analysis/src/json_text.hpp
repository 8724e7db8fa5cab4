// JSON text for the command line's --json outputs (compare, info): numbers
// (non-finite as null) and escaped strings.
#pragma once
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>

namespace analysis {

inline std::string json_num(double v) {
  if (!std::isfinite(v)) return "null";
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

inline std::string json_str(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else o += c;
  }
  return o + "\"";
}

}  // namespace analysis
