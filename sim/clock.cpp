#include "sim/clock.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <stdexcept>

namespace sim {
namespace {

constexpr std::array<std::string_view, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int parse_day(std::string_view s) {
  for (int d = 0; d < 7; ++d)
    if (s == kDayNames[static_cast<std::size_t>(d)]) return d;
  throw std::invalid_argument("unknown weekday '" + std::string(s) +
                              "' (expected Mon, Tue, Wed, Thu, Fri, Sat or Sun)");
}

int parse_clock(std::string_view s) {
  s = trim(s);
  int h = 0, m = 0;
  char tail = 0;
  if (s.size() != 5 || s[2] != ':' ||
      std::sscanf(std::string(s).c_str(), "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || h > 24 ||
      m < 0 || m > 59 || (h == 24 && m != 0))
    throw std::invalid_argument("bad time '" + std::string(s) + "' (expected HH:MM)");
  return h * 60 + m;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

WeeklyHours WeeklyHours::always() {
  WeeklyHours h;
  for (int d = 0; d < 7; ++d) h.add(d, {0, static_cast<int>(kMinutesPerDay)});
  return h;
}

void WeeklyHours::add(int day, Interval iv) {
  if (day < 0 || day > 6) throw std::invalid_argument("weekday out of range");
  if (iv.open < 0 || iv.close > kMinutesPerDay || iv.open >= iv.close)
    throw std::invalid_argument("opening interval must have open < close within one day");
  auto& v = days_[static_cast<std::size_t>(day)];
  for (const auto& o : v)
    if (iv.open < o.close && o.open < iv.close)
      throw std::invalid_argument("overlapping opening intervals on " +
                                  std::string(kDayNames[static_cast<std::size_t>(day)]));
  v.push_back(iv);
  std::sort(v.begin(), v.end(), [](Interval a, Interval b) { return a.open < b.open; });
}

WeeklyHours WeeklyHours::parse(std::string_view text) {
  WeeklyHours h;
  for (auto clause : split(text, ';')) {
    clause = trim(clause);
    if (clause.empty()) continue;
    auto sp = clause.find(' ');
    if (sp == std::string_view::npos)
      throw std::invalid_argument("'" + std::string(clause) +
                                  "': expected 'Mon-Fri HH:MM-HH:MM[,HH:MM-HH:MM]'");
    auto dayspec = trim(clause.substr(0, sp));
    auto times = trim(clause.substr(sp + 1));
    int d0, d1;
    auto dash = dayspec.find('-');
    if (dash == std::string_view::npos) {
      d0 = d1 = parse_day(dayspec);
    } else {
      d0 = parse_day(dayspec.substr(0, dash));
      d1 = parse_day(dayspec.substr(dash + 1));
    }
    if (d1 < d0) throw std::invalid_argument("day range '" + std::string(dayspec) + "' is reversed");
    for (auto range : split(times, ',')) {
      range = trim(range);
      auto rd = range.find('-');
      if (rd == std::string_view::npos)
        throw std::invalid_argument("'" + std::string(range) + "': expected HH:MM-HH:MM");
      Interval iv{parse_clock(range.substr(0, rd)), parse_clock(range.substr(rd + 1))};
      for (int d = d0; d <= d1; ++d) h.add(d, iv);
    }
  }
  return h;
}

bool WeeklyHours::is_open(Minute t) const {
  const int mod = minute_of_day(t);
  for (const auto& iv : days_[static_cast<std::size_t>(weekday(t))])
    if (mod >= iv.open && mod < iv.close) return true;
  return false;
}

Minute WeeklyHours::next_open(Minute t) const {
  if (empty()) return kNever;
  for (int step = 0; step <= 7; ++step) {
    const Minute day0 = start_of_day(t) + step * kMinutesPerDay;
    const int from = step == 0 ? minute_of_day(t) : 0;
    for (const auto& iv : days_[static_cast<std::size_t>(weekday(day0))]) {
      if (iv.close <= from) continue;
      return day0 + std::max(from, iv.open);
    }
  }
  return kNever;
}

Minute WeeklyHours::minutes_per_week() const {
  Minute total = 0;
  for (const auto& v : days_)
    for (const auto& iv : v) total += iv.close - iv.open;
  return total;
}

Minute WeeklyHours::overlap_per_week(const WeeklyHours& other) const {
  Minute total = 0;
  for (std::size_t d = 0; d < 7; ++d)
    for (const auto& a : days_[d])
      for (const auto& b : other.days_[d])
        total += std::max(0, std::min(a.close, b.close) - std::max(a.open, b.open));
  return total;
}

WeeklyHours WeeklyHours::intersect(const WeeklyHours& other) const {
  WeeklyHours out;
  for (std::size_t d = 0; d < 7; ++d)
    for (const auto& a : days_[d])
      for (const auto& b : other.days_[d]) {
        const int lo = std::max(a.open, b.open), hi = std::min(a.close, b.close);
        if (lo < hi) out.add(static_cast<int>(d), {lo, hi});
      }
  return out;
}

Minute WeeklyHours::nth_open_minute(Minute k) const {
  for (std::size_t d = 0; d < 7; ++d)
    for (const auto& iv : days_[d]) {
      const Minute len = iv.close - iv.open;
      if (k < len) return static_cast<Minute>(d) * kMinutesPerDay + iv.open + k;
      k -= len;
    }
  throw std::out_of_range("nth_open_minute beyond the week's open minutes");
}

std::string WeeklyHours::to_string() const {
  std::string out;
  char buf[32];
  for (std::size_t d = 0; d < 7; ++d) {
    if (days_[d].empty()) continue;
    if (!out.empty()) out += "; ";
    out += kDayNames[d];
    out += ' ';
    bool first = true;
    for (const auto& iv : days_[d]) {
      std::snprintf(buf, sizeof buf, "%s%02d:%02d-%02d:%02d", first ? "" : ",", iv.open / 60,
                    iv.open % 60, iv.close / 60, iv.close % 60);
      out += buf;
      first = false;
    }
  }
  return out;
}

}  // namespace sim
