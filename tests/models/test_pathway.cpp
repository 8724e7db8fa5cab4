// Mechanism tests of the need pathway (MODEL.md §4): each would fail if the
// mechanism it names were wrong.
#include <gtest/gtest.h>

#include "helpers.hpp"

using models::ModelParams;
using testing_helpers::run_one;
using testing_helpers::value;

namespace {

ModelParams defaults() { return models::default_params(); }

}  // namespace

TEST(Pathway, ContactOutsideBothPartiesHoursNeverSucceeds) {
  // Workers open only on Saturday morning, GPs only on weekdays, and GPs do
  // not know the workers' hours: no call and no call-back can connect.
  ModelParams p = defaults();
  p.calendar.worker_hours = "Sat 09:00-12:00";
  p.calendar.network_hours = "Sat 09:00-12:00";
  p.gp.informed_timing = {0, 0, 0};
  p.gp.profile_share = {0, 0.5, 0.5};
  const auto r = run_one(p);
  EXPECT_GT(value(r, "contact_attempts"), 50);
  EXPECT_EQ(value(r, "contact_failures"), value(r, "contact_attempts"));
}

TEST(Pathway, ContactsSucceedWhenHoursOverlapAndNobodyIsBusy) {
  ModelParams p = defaults();
  p.calendar.worker_hours = p.calendar.gp_hours;
  p.calendar.network_hours = p.calendar.gp_hours;
  p.worker.busy_base = 0;
  p.worker.busy_per_utilisation = 0;
  p.gp.profile_share = {0, 0.5, 0.5};
  const auto r = run_one(p);
  EXPECT_GT(value(r, "contact_attempts"), 50);
  EXPECT_EQ(value(r, "contact_failures"), 0);
}

TEST(Pathway, RefusedConsentNeverReachesIntake) {
  ModelParams p = defaults();
  p.consent.refusal_prob.fill(1.0);
  p.consent.trust_effect = 0;  // refusal certain whatever the trust
  p.disclosure.self_referral_per_year = 0;       // self-referral needs no GP consent
  p.needs.spontaneous_resolution_per_year = 0;
  const auto r = run_one(p);
  EXPECT_GT(value(r, "consent_refusals"), 50);
  EXPECT_EQ(value(r, "cases_started"), 0);
  EXPECT_EQ(value(r, "worker_minutes"), value(r, "worker_minutes_background"));  // only cases from outside the pathway
  EXPECT_EQ(value(r, "needs_resolved"), 0);
  EXPECT_EQ(value(r, "contact_attempts"), 0);
}

TEST(Pathway, StrictSecrecyBlocksInformationAndAddsReassessment) {
  double strict_re = 0, shared_re = 0, strict_days = 0, shared_days = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    ModelParams strict = defaults(), shared = defaults();
    strict.secrecy.regime = models::SecrecyRegime::Strict;
    shared.secrecy.regime = models::SecrecyRegime::SharedPlan;
    const auto a = run_one(strict, seed), b = run_one(shared, seed);
    EXPECT_GT(value(a, "secrecy_blocked"), 0);
    EXPECT_EQ(value(b, "secrecy_blocked"), 0);
    strict_re += value(a, "reassessments");
    shared_re += value(b, "reassessments");
    strict_days += value(a, "unmet_need_days");
    shared_days += value(b, "unmet_need_days");
  }
  EXPECT_GT(strict_re, shared_re);
  EXPECT_GT(strict_days, shared_days);  // stricter secrecy ⇒ no shorter delays
}

TEST(Pathway, AdviserGpsNeverPhone) {
  ModelParams p = defaults();
  p.gp.profile_share = {1, 0, 0};
  const auto r = run_one(p);
  EXPECT_EQ(value(r, "contact_attempts"), 0);
  EXPECT_EQ(value(r, "gp_minutes_phone"), 0);
  EXPECT_GT(value(r, "gp_minutes_advice"), 0);
}

TEST(Pathway, NoGpVisitsMeansNoGpDisclosureAndNoGpMinutes) {
  ModelParams p = defaults();
  p.residents.gp_visits_per_year = 0;
  p.residents.extra_visits_per_year_per_urgency = 0;
  const auto r = run_one(p);
  EXPECT_EQ(value(r, "gp_disclosures"), 0);
  EXPECT_EQ(value(r, "gp_social_minutes_per_gp_week"), 0);
  EXPECT_GT(value(r, "self_referrals"), 0);
}

TEST(Pathway, WellInformedGpsAndResidentsMakeFewerWrongDoors) {
  ModelParams informed = defaults(), lost = defaults();
  informed.gp.knows_well_share = 1;
  informed.gp.knowledge_well = 1;
  informed.gp.young_knowledge_factor = 1;
  informed.gp.sector_awareness = 1;
  informed.residents.rights_knowledge = informed.residents.rights_knowledge_precarious = 1;
  lost.gp.knows_well_share = 0;
  lost.gp.knowledge_poor = 0;
  lost.gp.search_success = {0, 0, 0};
  lost.residents.rights_knowledge = lost.residents.rights_knowledge_precarious = 0.05;
  lost.ties.initial_ties_per_gp = {0, 0, 0};
  const auto a = run_one(informed), b = run_one(lost);
  EXPECT_LT(value(a, "wrong_door_hops") * 3, value(b, "wrong_door_hops"));
}

TEST(Pathway, TooFewWorkersNeverResolveMore) {
  // Monotonicity over several seeds: a tiny caseload capacity queues needs.
  double small_resolved = 0, large_resolved = 0;
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    ModelParams small = defaults(), large = defaults();
    small.worker.caseload_per_fte = 1;
    large.worker.caseload_per_fte = 200;
    small_resolved += value(run_one(small, seed), "needs_resolved");
    large_resolved += value(run_one(large, seed), "needs_resolved");
  }
  EXPECT_LT(small_resolved, large_resolved);
}

TEST(Pathway, ReportsBackBuildCollaborationTies) {
  ModelParams none = defaults(), always = defaults();
  none.report.prob.fill(0);
  none.report.patient_tells_prob = 0;  // nobody hears the outcome
  none.secrecy.regime = models::SecrecyRegime::Consent;
  always.report.prob.fill(1);
  always.ties.half_life_days = 36500;
  always.resolution.base_prob.fill(1);
  const auto a = run_one(none, 3, 104), b = run_one(always, 3, 104);
  EXPECT_EQ(value(a, "reports_back"), 0);
  EXPECT_EQ(value(a, "collaboration_ties"), 0);  // nobody starts at collaboration
  EXPECT_GT(value(b, "collaboration_ties"), 0);
}

TEST(Pathway, FormsCostGpMinutesOnlyWhenRequired) {
  ModelParams p = defaults();
  p.needs.form_prob.fill(0);
  EXPECT_EQ(value(run_one(p), "gp_minutes_forms"), 0);
  p.needs.form_prob.fill(1);
  EXPECT_GT(value(run_one(p), "gp_minutes_forms"), 0);
}
