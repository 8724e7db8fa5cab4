// Simulated time: integer minutes since the start of the run (a Monday 00:00),
// and weekly opening hours. Knows nothing of who opens: roles own their hours.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

using Minute = std::int64_t;

inline constexpr Minute kMinutesPerHour = 60;
inline constexpr Minute kMinutesPerDay = 24 * kMinutesPerHour;
inline constexpr Minute kMinutesPerWeek = 7 * kMinutesPerDay;
inline constexpr Minute kNever = INT64_MAX / 4;

constexpr Minute days(double d) { return static_cast<Minute>(d * kMinutesPerDay); }
constexpr Minute weeks(double w) { return static_cast<Minute>(w * kMinutesPerWeek); }
constexpr double to_days(Minute m) { return static_cast<double>(m) / kMinutesPerDay; }

// Day 0 of the run is a Monday. 0 = Monday … 6 = Sunday.
constexpr int weekday(Minute t) { return static_cast<int>((t / kMinutesPerDay) % 7); }
constexpr int minute_of_day(Minute t) { return static_cast<int>(t % kMinutesPerDay); }
constexpr Minute start_of_day(Minute t) { return t - t % kMinutesPerDay; }
constexpr int week_index(Minute t) { return static_cast<int>(t / kMinutesPerWeek); }

// A half-open interval [open, close) in minutes after midnight.
struct Interval {
  int open = 0;
  int close = 0;
};

// Opening hours over a week, e.g. "Mon-Fri 08:00-12:00,14:00-21:00".
// Queries are O(intervals of one day); the calendar has no holidays yet.
class WeeklyHours {
 public:
  WeeklyHours() = default;
  // Parses "Mon-Fri 09:00-12:30,13:30-17:00; Sat 09:00-12:00".
  // Throws std::invalid_argument with a readable message on bad syntax.
  static WeeklyHours parse(std::string_view text);
  static WeeklyHours always();

  void add(int weekday, Interval iv);
  bool is_open(Minute t) const;
  // First minute >= t at which the hours are open; kNever if never open.
  Minute next_open(Minute t) const;
  // Open minutes in one week.
  Minute minutes_per_week() const;
  // Minutes in a week when both are open.
  Minute overlap_per_week(const WeeklyHours& other) const;
  // The hours when both are open.
  WeeklyHours intersect(const WeeklyHours& other) const;
  // Start of the week (Monday 00:00) containing t.
  static Minute start_of_week(Minute t) { return t - t % kMinutesPerWeek; }
  // First occurrence at or after `after` of the weekly offset `offset`.
  static Minute next_at_offset(Minute after, Minute offset) {
    Minute t = start_of_week(after) + offset;
    return t < after ? t + kMinutesPerWeek : t;
  }
  // The k-th open minute of the week (0 <= k < minutes_per_week()), as an
  // offset from Monday 00:00. Used to draw a uniformly random open minute.
  Minute nth_open_minute(Minute k) const;
  bool empty() const { return minutes_per_week() == 0; }
  std::string to_string() const;

 private:
  std::array<std::vector<Interval>, 7> days_{};
};

}  // namespace sim
