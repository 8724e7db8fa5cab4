// What a replicate records, apart from how it is written (results_io.cpp).
// Counters only move inside the measurement window (after warm-up); needs
// are counted by cohort: those whose onset falls after warm-up.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/themes.hpp"
#include "sim/clock.hpp"

namespace models {

// The GP's social tasks (MODEL.md §4, last paragraph).
enum class GpTask : std::uint8_t { Advice, Search, Phone, Form, Medicalised, Coordination, Count };
inline constexpr std::size_t kGpTasks = static_cast<std::size_t>(GpTask::Count);
inline constexpr std::array<const char*, kGpTasks> kGpTaskNames = {
    "advice", "search", "phone", "forms", "medicalised_consultations", "coordination"};

// Counters broken down by need type, precarity, rurality and locality. They
// count what the summary counts, so that each breakdown adds up to its total:
// the needs' fates (onset ... unresolved_90d) by cohort (onset after
// warm-up), the events (hops, attempts, refusals, minutes) when they happen
// inside the measurement window, whatever the need's onset.
enum class Tally : std::uint8_t {
  Onset, Resolved, Abandoned, Open, UnmetDays, WrongDoorHops, ConsentRefusals, SecrecyBlocked,
  GpMinutes, ContactAttempts, ContactFailures, Eligible90d, Unresolved90d, Count
};
inline constexpr std::size_t kTallies = static_cast<std::size_t>(Tally::Count);
inline constexpr std::array<const char*, kTallies> kTallyNames = {
    "needs_onset", "needs_resolved", "needs_abandoned", "needs_open", "unmet_need_days",
    "wrong_door_hops", "consent_refusals", "secrecy_blocked", "gp_social_minutes",
    "contact_attempts", "contact_failures", "needs_eligible_90d", "needs_unresolved_90d"};
inline constexpr std::array<const char*, kTallies> kTallyUnits = {
    "needs", "needs", "needs", "needs", "days", "hops", "refusals", "referrals", "min (need-related tasks)",
    "attempts", "attempts", "needs (onset >= 90 days before the horizon)", "needs (not resolved within 90 days)"};
// Event tallies count inside the window; the others by cohort.
inline constexpr bool is_event_tally(Tally t) {
  return t == Tally::WrongDoorHops || t == Tally::ConsentRefusals || t == Tally::SecrecyBlocked ||
         t == Tally::GpMinutes || t == Tally::ContactAttempts || t == Tally::ContactFailures;
}

// Weekly series.
enum class Weekly : std::uint8_t {
  GpSocialMinutes, NeedsOnset, NeedsResolved, NeedsOpen, ContactAttempts, ConsentRefusals,
  WrongDoorHops, QueueLength, CollaborationTies, WorkerOccupancy, Count
};
inline constexpr std::size_t kWeeklies = static_cast<std::size_t>(Weekly::Count);
inline constexpr std::array<const char*, kWeeklies> kWeeklyNames = {
    "gp_social_minutes", "needs_onset", "needs_resolved", "needs_open", "contact_attempts",
    "consent_refusals", "wrong_door_hops", "queue_length", "collaboration_ties", "worker_occupancy"};
inline constexpr std::array<const char*, kWeeklies> kWeeklyUnits = {
    "min/week", "needs/week", "needs/week", "needs", "attempts/week", "refusals/week",
    "hops/week", "cases (needs and cases from outside the pathway)", "ties",
    "share of case places occupied"};

struct Recorder {
  sim::Minute warmup_end = 0;
  sim::Minute horizon = 0;
  int weeks = 0;  // measured weeks

  // scalar counters
  double gp_minutes[kGpTasks] = {};
  double worker_minutes = 0;
  double coordinator_minutes = 0;
  double wrong_door_hops = 0, contact_attempts = 0, contact_failures = 0, consent_refusals = 0;
  double secrecy_blocked = 0, self_referrals = 0, gp_disclosures = 0, reassessments = 0;
  double sector_redirects = 0, reports_back = 0, medicalised_consultations = 0;
  double cost_eur = 0;
  double medical_minutes = 0;     // routine consultations of registered patients (expected value)
  double pathway_cases = 0, background_cases = 0, background_minutes = 0;  // started in the window
  // cohort needs
  double onset = 0, resolved = 0, abandoned = 0, open = 0, chronic = 0, never_disclosed = 0;
  double unmet_days = 0, eligible_90d = 0, unresolved_90d = 0;
  std::vector<float> days_to_resolution;
  std::vector<std::uint8_t> resolution_category;  // per days_to_resolution entry: category_of()
  std::vector<float> days_to_first_appointment;   // intake to first appointment, in the window
  std::vector<float> days_referral_to_resolution; // first referral to resolution, cohort needs
  // per service: sums over the weekly snapshots, and waits to a first appointment
  int snapshots = 0;
  std::vector<double> service_occupancy, service_queue, service_wait_days, service_first_appointments;
  // per locality: [locality][tally]
  std::vector<std::array<double, kTallies>> by_locality;
  // GP-weeks (measured weeks from the end of the warm-up) in which the GP
  // tried to reach a social service at least once — DREES 2018's "contacted
  // a social structure in the previous week"; per GP, the last week counted.
  double gp_weeks_with_contact = 0;
  std::vector<std::int32_t> gp_contact_week;

  // breakdowns: [tally][category]
  std::array<std::array<double, kThemes>, kTallies> by_type{};
  std::array<std::array<double, 2>, kTallies> by_precarity{};
  std::array<std::array<double, 3>, kTallies> by_rurality{};
  // weekly: [series][week]
  std::array<std::vector<double>, kWeeklies> weekly;

  void init(sim::Minute warmup, sim::Minute horizon_end, std::size_t localities = 0, std::size_t services = 0);
  bool measuring(sim::Minute t) const { return t >= warmup_end && t < horizon; }
  int week_of(sim::Minute t) const { return static_cast<int>((t - warmup_end) / sim::kMinutesPerWeek); }
  void add_weekly(Weekly w, sim::Minute t, double v) {
    if (!measuring(t)) return;
    const int k = week_of(t);
    if (k >= 0 && k < weeks) weekly[static_cast<std::size_t>(w)][static_cast<std::size_t>(k)] += v;
  }
  void tally(Tally what, Theme theme, bool precarious, int rurality, std::uint32_t locality, double v) {
    const auto i = static_cast<std::size_t>(what);
    by_type[i][idx(theme)] += v;
    by_precarity[i][precarious ? 1 : 0] += v;
    by_rurality[i][static_cast<std::size_t>(rurality)] += v;
    if (locality < by_locality.size()) by_locality[locality][i] += v;
  }
  // One byte for (type, precarity, rurality), for medians by category.
  static std::uint8_t category_of(Theme theme, bool precarious, int rurality) {
    return static_cast<std::uint8_t>(idx(theme) * 6 + (precarious ? 3 : 0) + rurality);
  }
  double gp_minutes_total() const;
  void gp_contact(std::uint32_t gp, sim::Minute t) {
    if (!measuring(t)) return;
    if (gp >= gp_contact_week.size()) gp_contact_week.resize(gp + 1, -1);
    const int k = week_of(t);
    if (gp_contact_week[gp] == k) return;
    gp_contact_week[gp] = k;
    gp_weeks_with_contact += 1;
  }
};

}  // namespace models
