// Specification of simulated time (sim/clock.hpp): day 0 is a Monday, and
// weekly opening hours are half-open intervals [open, close) per weekday.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/clock.hpp"

namespace {

using sim::days;
using sim::kMinutesPerDay;
using sim::kMinutesPerWeek;
using sim::kNever;
using sim::Minute;
using sim::WeeklyHours;

constexpr Minute hm(int h, int m = 0) { return h * 60 + m; }
// Minute `t` of weekday `d` (0 = Monday) in week `w`.
constexpr Minute at(int w, int d, Minute t) { return w * kMinutesPerWeek + d * kMinutesPerDay + t; }

const char* const kGp = "Mon-Fri 08:00-12:00,14:00-21:00";
const char* const kSocialWorker = "Mon-Fri 09:00-12:30,13:30-17:00; Sat 09:00-12:00";

TEST(Clock, DayZeroIsAMondayAndWeekdaysCycle) {
  EXPECT_EQ(sim::weekday(0), 0);
  EXPECT_EQ(sim::weekday(kMinutesPerDay - 1), 0);
  EXPECT_EQ(sim::weekday(kMinutesPerDay), 1);
  EXPECT_EQ(sim::weekday(days(5)), 5);  // Saturday
  EXPECT_EQ(sim::weekday(days(6) + 1439), 6);  // Sunday 23:59
  EXPECT_EQ(sim::weekday(days(7)), 0);  // next Monday
  EXPECT_EQ(sim::weekday(days(7 * 52 + 3)), 3);
}

TEST(Clock, MinuteOfDayStartOfDayAndWeekIndex) {
  EXPECT_EQ(sim::minute_of_day(days(3) + hm(2, 5)), 125);
  EXPECT_EQ(sim::minute_of_day(days(3)), 0);
  EXPECT_EQ(sim::start_of_day(days(3) + 125), days(3));
  EXPECT_EQ(sim::week_index(kMinutesPerWeek - 1), 0);
  EXPECT_EQ(sim::week_index(kMinutesPerWeek), 1);
  EXPECT_EQ(WeeklyHours::start_of_week(at(2, 4, hm(10))), 2 * kMinutesPerWeek);
  EXPECT_DOUBLE_EQ(sim::to_days(days(2.5)), 2.5);
  EXPECT_EQ(sim::weeks(1), kMinutesPerWeek);
}

TEST(WeeklyHours, ParsesWeekdaysWithLunchBreak) {
  const auto h = WeeklyHours::parse(kGp);
  for (int d = 0; d < 5; ++d) {
    EXPECT_FALSE(h.is_open(at(0, d, hm(7, 59)))) << d;
    EXPECT_TRUE(h.is_open(at(0, d, hm(8)))) << d;      // open is inclusive
    EXPECT_TRUE(h.is_open(at(0, d, hm(11, 59)))) << d;
    EXPECT_FALSE(h.is_open(at(0, d, hm(12)))) << d;    // close is exclusive
    EXPECT_FALSE(h.is_open(at(0, d, hm(13, 59)))) << d;
    EXPECT_TRUE(h.is_open(at(0, d, hm(14)))) << d;
    EXPECT_TRUE(h.is_open(at(0, d, hm(20, 59)))) << d;
    EXPECT_FALSE(h.is_open(at(0, d, hm(21)))) << d;
  }
  for (int d = 5; d < 7; ++d)
    for (Minute t = 0; t < kMinutesPerDay; t += 30) EXPECT_FALSE(h.is_open(at(0, d, t))) << d;
  // The pattern repeats every week.
  EXPECT_TRUE(h.is_open(at(9, 2, hm(8))));
  EXPECT_FALSE(h.is_open(at(9, 2, hm(12))));
  EXPECT_EQ(h.minutes_per_week(), 5 * (4 + 7) * 60);
}

TEST(WeeklyHours, ParsesSeveralClauses) {
  const auto h = WeeklyHours::parse(kSocialWorker);
  EXPECT_TRUE(h.is_open(at(0, 0, hm(12, 29))));
  EXPECT_FALSE(h.is_open(at(0, 0, hm(12, 30))));
  EXPECT_FALSE(h.is_open(at(0, 4, hm(13, 29))));
  EXPECT_TRUE(h.is_open(at(0, 4, hm(13, 30))));
  EXPECT_FALSE(h.is_open(at(0, 4, hm(17))));
  EXPECT_TRUE(h.is_open(at(0, 5, hm(9))));
  EXPECT_TRUE(h.is_open(at(0, 5, hm(11, 59))));
  EXPECT_FALSE(h.is_open(at(0, 5, hm(12))));
  EXPECT_FALSE(h.is_open(at(0, 6, hm(10))));
  EXPECT_EQ(h.minutes_per_week(), 5 * 7 * 60 + 3 * 60);
}

TEST(WeeklyHours, AcceptsMidnightAsClosingTime) {
  const auto h = WeeklyHours::parse("Sun 00:00-24:00");
  EXPECT_EQ(h.minutes_per_week(), kMinutesPerDay);
  EXPECT_TRUE(h.is_open(at(0, 6, 0)));
  EXPECT_TRUE(h.is_open(at(0, 6, kMinutesPerDay - 1)));
  EXPECT_FALSE(h.is_open(at(1, 0, 0)));
  EXPECT_EQ(WeeklyHours::always().minutes_per_week(), kMinutesPerWeek);
  EXPECT_TRUE(WeeklyHours().empty());
  EXPECT_FALSE(h.empty());
}

TEST(WeeklyHours, RejectsBadSyntax) {
  const std::vector<std::string> bad = {
      "Mon-Fry 08:00-12:00",              // unknown day
      "Monday 08:00-12:00",               // day names are three letters
      "Fri-Mon 08:00-12:00",              // reversed day range
      "Mon 12:00-08:00",                  // reversed time range
      "Mon 08:00-08:00",                  // empty interval
      "Mon 25:00-26:00",                  // no such hour
      "Mon 08:00-25:00",
      "Mon 08:60-09:00",                  // no such minute
      "Mon 24:30-24:45",
      "Mon 8:00-12:00",                   // HH:MM only
      "Mon 08:00-12:00,11:00-13:00",      // overlapping intervals
      "Mon-Fri 08:00-12:00; Wed 11:00-13:00",  // overlapping across clauses
      "Mon-Fri",                          // missing times
      "Mon ",
      "Mon 08:00",                        // missing closing time
      "Mon 08:00-",
      "Mon -12:00",
  };
  for (const auto& text : bad)
    EXPECT_THROW(WeeklyHours::parse(text), std::invalid_argument) << '"' << text << '"';
}

TEST(WeeklyHours, ErrorMessagesNameTheProblem) {
  try {
    WeeklyHours::parse("Mon-Fry 08:00-12:00");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Fry"), std::string::npos) << e.what();
  }
  try {
    WeeklyHours::parse("Mon 25:00-26:00");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("25:00"), std::string::npos) << e.what();
  }
}

TEST(WeeklyHours, NextOpenAcrossLunchEveningAndWeekend) {
  const auto gp = WeeklyHours::parse(kGp);
  EXPECT_EQ(gp.next_open(at(0, 0, hm(9))), at(0, 0, hm(9)));  // already open: now
  EXPECT_EQ(gp.next_open(at(0, 0, hm(8))), at(0, 0, hm(8)));
  EXPECT_EQ(gp.next_open(at(0, 0, 0)), at(0, 0, hm(8)));
  EXPECT_EQ(gp.next_open(at(0, 0, hm(12))), at(0, 0, hm(14)));  // lunch
  EXPECT_EQ(gp.next_open(at(0, 0, hm(13, 59))), at(0, 0, hm(14)));
  EXPECT_EQ(gp.next_open(at(0, 1, hm(21))), at(0, 2, hm(8)));  // evening
  EXPECT_EQ(gp.next_open(at(0, 4, hm(21))), at(1, 0, hm(8)));  // Friday evening -> Monday
  EXPECT_EQ(gp.next_open(at(0, 5, hm(10))), at(1, 0, hm(8)));  // Saturday
  EXPECT_EQ(gp.next_open(at(3, 6, hm(23, 59))), at(4, 0, hm(8)));  // Sunday night

  const auto sw = WeeklyHours::parse(kSocialWorker);
  EXPECT_EQ(sw.next_open(at(0, 4, hm(17))), at(0, 5, hm(9)));  // Friday -> Saturday
  EXPECT_EQ(sw.next_open(at(0, 5, hm(12))), at(1, 0, hm(9)));  // Saturday noon -> Monday
}

TEST(WeeklyHours, NextOpenWrapsAWholeWeekAndReportsNever) {
  const auto monday = WeeklyHours::parse("Mon 08:00-09:00");
  EXPECT_EQ(monday.next_open(at(0, 0, hm(9))), at(1, 0, hm(8)));
  EXPECT_EQ(monday.next_open(at(0, 0, hm(8, 30))), at(0, 0, hm(8, 30)));
  EXPECT_EQ(WeeklyHours().next_open(12345), kNever);
}

TEST(WeeklyHours, NextOpenIsTheFirstOpenMinute) {
  // Brute force: next_open(t) is open, and nothing in [t, next_open(t)) is.
  const auto sw = WeeklyHours::parse(kSocialWorker);
  for (Minute t = 0; t < kMinutesPerWeek; t += 7) {
    const Minute n = sw.next_open(t);
    ASSERT_GE(n, t);
    ASSERT_TRUE(sw.is_open(n)) << t;
    for (Minute u = t; u < n; u += 1) ASSERT_FALSE(sw.is_open(u)) << t << " " << u;
  }
}

TEST(WeeklyHours, OverlapOfGpAndSocialWorkerIsSixHoursOnWeekdays) {
  const auto gp = WeeklyHours::parse(kGp);
  const auto sw = WeeklyHours::parse(kSocialWorker);
  EXPECT_EQ(gp.overlap_per_week(sw), 6 * 60 * 5);
  EXPECT_EQ(sw.overlap_per_week(gp), 1800);
  EXPECT_EQ(gp.overlap_per_week(gp), gp.minutes_per_week());
  EXPECT_EQ(gp.overlap_per_week(WeeklyHours()), 0);
  EXPECT_EQ(gp.overlap_per_week(WeeklyHours::always()), gp.minutes_per_week());
}

TEST(WeeklyHours, IntersectIsOpenExactlyWhenBothAre) {
  const auto gp = WeeklyHours::parse(kGp);
  const auto sw = WeeklyHours::parse(kSocialWorker);
  const auto both = gp.intersect(sw);
  EXPECT_EQ(both.minutes_per_week(), 1800);
  for (Minute t = 0; t < kMinutesPerWeek; ++t)
    ASSERT_EQ(both.is_open(t), gp.is_open(t) && sw.is_open(t)) << t;
  EXPECT_EQ(both.to_string().substr(0, 27), "Mon 09:00-12:00,14:00-17:00");
  EXPECT_TRUE(gp.intersect(WeeklyHours()).empty());
}

TEST(WeeklyHours, NthOpenMinuteEnumeratesExactlyTheOpenMinutes) {
  for (const char* text : {kGp, kSocialWorker, "Sun 23:00-24:00; Mon 00:00-00:01"}) {
    const auto h = WeeklyHours::parse(text);
    std::vector<Minute> open;
    for (Minute t = 0; t < kMinutesPerWeek; ++t)
      if (h.is_open(t)) open.push_back(t);
    ASSERT_EQ(static_cast<Minute>(open.size()), h.minutes_per_week()) << text;
    std::vector<Minute> nth;
    for (Minute k = 0; k < h.minutes_per_week(); ++k) {
      const Minute m = h.nth_open_minute(k);
      ASSERT_TRUE(h.is_open(m)) << text << " k=" << k;
      if (!nth.empty()) {
        ASSERT_GT(m, nth.back()) << text << " k=" << k;
      }
      nth.push_back(m);
    }
    EXPECT_EQ(nth, open) << text;
    EXPECT_THROW(h.nth_open_minute(h.minutes_per_week()), std::out_of_range);
  }
  const auto gp = WeeklyHours::parse(kGp);
  EXPECT_EQ(gp.nth_open_minute(0), hm(8));
  EXPECT_EQ(gp.nth_open_minute(240), hm(14));  // after the 4 morning hours
  EXPECT_EQ(gp.nth_open_minute(660), at(0, 1, hm(8)));  // Tuesday morning
}

TEST(WeeklyHours, NextAtOffsetFindsTheNextWeeklyOccurrence) {
  const Minute after = at(1, 0, 100);
  EXPECT_EQ(WeeklyHours::next_at_offset(after, 100), after);  // at or after
  EXPECT_EQ(WeeklyHours::next_at_offset(after, 200), at(1, 0, 200));
  EXPECT_EQ(WeeklyHours::next_at_offset(after, 50), at(2, 0, 50));
  EXPECT_EQ(WeeklyHours::next_at_offset(at(1, 3, hm(10)), at(0, 2, hm(9))), at(2, 2, hm(9)));
  EXPECT_EQ(WeeklyHours::next_at_offset(0, 0), 0);
}

TEST(WeeklyHours, ToStringRoundTripsThroughParse) {
  const auto gp = WeeklyHours::parse(kGp);
  EXPECT_EQ(gp.to_string(),
            "Mon 08:00-12:00,14:00-21:00; Tue 08:00-12:00,14:00-21:00; "
            "Wed 08:00-12:00,14:00-21:00; Thu 08:00-12:00,14:00-21:00; "
            "Fri 08:00-12:00,14:00-21:00");
  for (const char* text : {kGp, kSocialWorker, "Sun 00:00-24:00", "Wed 14:00-15:00,08:05-09:10"}) {
    const auto h = WeeklyHours::parse(text);
    const auto again = WeeklyHours::parse(h.to_string());
    EXPECT_EQ(again.to_string(), h.to_string()) << text;
    EXPECT_EQ(again.minutes_per_week(), h.minutes_per_week()) << text;
    for (Minute t = 0; t < kMinutesPerWeek; t += 5) ASSERT_EQ(again.is_open(t), h.is_open(t)) << text;
  }
  // Intervals given out of order are printed sorted.
  EXPECT_EQ(WeeklyHours::parse("Wed 14:00-15:00,08:05-09:10").to_string(),
            "Wed 08:05-09:10,14:00-15:00");
  EXPECT_EQ(WeeklyHours().to_string(), "");
}

}  // namespace
