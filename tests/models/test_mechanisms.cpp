// Mechanism tests (issue 12): each compares two settings of one mechanism's
// parameter over several seeds on a short Herbasse run and fails if the
// mechanism were missing or reversed (monotonicity: more X => no less Y).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include "helpers.hpp"

using models::ModelParams;
using testing_helpers::run_one;
using testing_helpers::value;

namespace {

constexpr std::uint64_t kSeeds = 3;
constexpr double kWeeks = 52;

ModelParams defaults() { return models::default_params(); }

// Sum over seeds of f(result).
double total(const ModelParams& p, const std::function<double(const models::ReplicateResult&)>& f,
             const models::Setting& s = testing_helpers::herbasse()) {
  double sum = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) sum += f(run_one(p, seed, kWeeks, s));
  return sum;
}
double total(const ModelParams& p, const std::string& metric) {
  return total(p, [&](const models::ReplicateResult& r) { return value(r, metric); });
}
double by_type(const models::ReplicateResult& r, models::Tally t, models::Theme theme) {
  return r.rec.by_type[static_cast<std::size_t>(t)][models::idx(theme)];
}

models::Setting with_form(models::PracticeForm form) {
  models::Setting s = testing_helpers::herbasse();
  for (auto& pr : s.practices) pr.form = form;
  return s;
}

}  // namespace

TEST(Mechanisms, MoreStigmaNeverMoreDisclosuresAtTheGp) {
  ModelParams low = defaults(), high = defaults();
  low.residents.stigma_mean = 0.0;
  high.residents.stigma_mean = 1.0;
  EXPECT_GT(total(low, "gp_disclosures"), total(high, "gp_disclosures"));
}

TEST(Mechanisms, MoreTrustInTheGpMeansMoreDisclosuresAndFewerRefusals) {
  ModelParams low = defaults(), high = defaults();
  low.residents.trust_in_gp_mean = 0.2;
  high.residents.trust_in_gp_mean = 1.0;
  low.residents.trait_spread = high.residents.trait_spread = 0;
  EXPECT_LT(total(low, "gp_disclosures"), total(high, "gp_disclosures"));
}

TEST(Mechanisms, FewerRegisteredResidentsMeanFewerGpDisclosuresAndMinutes) {
  ModelParams all = defaults(), few = defaults();
  all.residents.gp_registered_share = all.residents.gp_registered_share_precarious = 1.0;
  few.residents.gp_registered_share = few.residents.gp_registered_share_precarious = 0.2;
  EXPECT_GT(total(all, "gp_disclosures"), 2 * total(few, "gp_disclosures"));
  EXPECT_GT(total(all, "gp_minutes_medical"), 2 * total(few, "gp_minutes_medical"));
  EXPECT_GT(total(all, "gp_minutes_medicalised_consultations"), total(few, "gp_minutes_medicalised_consultations"));
}

TEST(Mechanisms, AgeAndPrecarityOnsetFactorsRaiseOnsetsInTheirGroups) {
  ModelParams base = defaults(), old = defaults(), poor = defaults();
  old.needs.age_factor_over75.fill(10.0);
  poor.needs.precarity_factor.fill(10.0);
  const double b = total(base, "needs_onset");
  EXPECT_GT(total(old, "needs_onset"), b * 1.2);
  EXPECT_GT(total(poor, "needs_onset"), b * 1.2);
  auto precarious = [](const models::ReplicateResult& r) {
    return r.rec.by_precarity[static_cast<std::size_t>(models::Tally::Onset)][1] / value(r, "needs_onset");
  };
  EXPECT_GT(total(poor, precarious), total(base, precarious));
}

TEST(Mechanisms, NonDemandNeedsNeverSelfReferAndAreDisclosedLess) {
  ModelParams none = defaults(), all = defaults();
  none.needs.non_demand_prob.fill(0.0);
  all.needs.non_demand_prob.fill(1.0);
  EXPECT_EQ(total(all, "self_referrals"), 0);
  EXPECT_GT(total(none, "self_referrals"), 0);
  EXPECT_GT(total(none, "gp_disclosures"), total(all, "gp_disclosures"));
}

TEST(Mechanisms, EscalationBringsMoreMedicalisedConsultations) {
  ModelParams calm = defaults(), fast = defaults();
  calm.needs.escalation_rate_per_year = 0;
  fast.needs.escalation_rate_per_year = 20;
  EXPECT_LT(total(calm, "medicalised_consultations"), total(fast, "medicalised_consultations"));
}

TEST(Mechanisms, CoPaymentRaisesRefusalsOnlyWhereItApplies) {
  ModelParams none = defaults(), heavy = defaults();
  none.consent.copayment_refusal = 0;
  heavy.consent.copayment_refusal = 0.6;
  auto copay = [](const models::ReplicateResult& r) {
    return by_type(r, models::Tally::ConsentRefusals, models::Theme::FamiliesSeniors) +
           by_type(r, models::Tally::ConsentRefusals, models::Theme::Disability);
  };
  EXPECT_GT(total(heavy, copay), total(none, copay) * 1.3);
  // Nobody precarious: the co-payment refusal never applies.
  none.needs.precarity_factor.fill(0);
  heavy.needs.precarity_factor.fill(0);
  EXPECT_EQ(total(heavy, copay), total(none, copay));
}

TEST(Mechanisms, EarlierConsentRetryMeansMoreRetries) {
  ModelParams soon = defaults(), late = defaults();
  for (auto* p : {&soon, &late}) {
    p->consent.refusal_prob.fill(0.6);
    p->consent.refusal_abandon_prob = 0;
  }
  soon.consent.retry_days = 7;
  late.consent.retry_days = 300;
  EXPECT_GT(total(soon, "consent_refusals"), total(late, "consent_refusals"));
  EXPECT_GT(total(soon, "needs_resolved"), total(late, "needs_resolved"));
}

TEST(Mechanisms, TiesDecayAndReportedFailuresLoseTrust) {
  ModelParams keep = defaults(), fade = defaults(), lose = defaults();
  for (auto* p : {&keep, &fade, &lose}) {
    p->report.prob.fill(1.0);
    p->ties.initial_ties_per_gp = {3, 3, 3};
  }
  keep.ties.half_life_days = 36500;
  fade.ties.half_life_days = 20;
  lose.ties.half_life_days = 36500;
  lose.ties.loss_failure = 1.0;
  lose.ties.gain_success = 0;
  EXPECT_GT(total(keep, "mean_tie_degree"), total(fade, "mean_tie_degree"));
  EXPECT_GT(total(keep, "cooperation_ties") + total(keep, "collaboration_ties"),
            total(lose, "cooperation_ties") + total(lose, "collaboration_ties"));
}

TEST(Mechanisms, YoungGpsKnowLessAndSearchMore) {
  ModelParams same = defaults(), less = defaults();
  same.gp.young_share = less.gp.young_share = 1.0;
  same.gp.young_knowledge_factor = 1.0;
  less.gp.young_knowledge_factor = 0.0;
  EXPECT_LT(total(same, "gp_minutes_search"), total(less, "gp_minutes_search"));
  EXPECT_LT(total(same, "wrong_door_hops"), total(less, "wrong_door_hops"));
}

TEST(Mechanisms, StrictStanceBlocksMoreUnderConsent) {
  ModelParams open = defaults(), strict = defaults();
  open.gp.strict_stance_share = 0;
  strict.gp.strict_stance_share = 1;
  EXPECT_LT(total(open, "secrecy_blocked"), total(strict, "secrecy_blocked"));
  EXPECT_LT(total(open, "reassessments"), total(strict, "reassessments"));
}

TEST(Mechanisms, CallbacksConnectMoreCalls) {
  ModelParams never = defaults(), always = defaults();
  for (auto* p : {&never, &always}) p->gp.profile_share = {0, 0.5, 0.5};
  never.worker.callback_prob = 0;
  always.worker.callback_prob = 1;
  auto connected = [](const models::ReplicateResult& r) {
    return value(r, "contact_attempts") - value(r, "contact_failures");
  };
  EXPECT_LT(total(never, connected), total(always, connected));
}

// ---- issue 12 mechanisms

TEST(Mechanisms, MedicalisedConsultationsGoOnWhileANeedIsInACase) {
  // Every need goes at once to the right door by itself and every case ends
  // resolved: nearly all its time is spent queued or in a case, away from
  // the GP. Its bearer still comes back to the GP meanwhile, the more so the
  // longer the case (the old pathway drew no visit away from the GP).
  ModelParams shortc = defaults(), longc = defaults();
  for (auto* p : {&shortc, &longc}) {
    p->disclosure.self_referral_per_year = 1000;
    p->residents.rights_knowledge = p->residents.rights_knowledge_precarious = 1;
    p->residents.trait_spread = 0;
    p->needs.non_demand_prob.fill(0);
    p->patient.door_dropout_prob = 0;
    p->resolution.base_prob.fill(1);
    p->worker.background_cases_per_fte = 0;
  }
  shortc.worker.case_duration_days.fill(5);
  longc.worker.case_duration_days.fill(150);
  const double s = total(shortc, "medicalised_consultations"), l = total(longc, "medicalised_consultations");
  EXPECT_GT(l, 100);
  EXPECT_GT(l, 3 * s);
}

TEST(Mechanisms, AbandonedNeedsBringTheirBearersBackUntilTheyRemit) {
  ModelParams p = defaults(), remit_fast = defaults();
  for (auto* q : {&p, &remit_fast}) q->patient.door_dropout_prob = 1.0;  // every referral abandons
  remit_fast.needs.spontaneous_resolution_per_year = 20;
  EXPECT_GT(total(p, "medicalised_consultations"), 1.5 * total(remit_fast, "medicalised_consultations"));
  ModelParams no_extra = p;
  no_extra.residents.extra_visits_per_year_per_urgency = 0;
  EXPECT_EQ(total(no_extra, "medicalised_consultations"), 0);
}

TEST(Mechanisms, StrictSecrecyReportsBackOnlyWhatThePatientCarries) {
  ModelParams strict = defaults();
  strict.secrecy.regime = models::SecrecyRegime::Strict;
  strict.report.prob.fill(1.0);
  strict.report.patient_tells_prob = 0;
  strict.gp.hosted_worker_prob.fill(0);  // no shared plan anywhere
  EXPECT_EQ(total(strict, "reports_back"), 0);
  ModelParams tells = strict;
  tells.report.patient_tells_prob = 1;
  EXPECT_GT(total(tells, "reports_back"), 0);
  ModelParams consent = strict;
  consent.secrecy.regime = models::SecrecyRegime::Consent;
  EXPECT_GT(total(consent, "reports_back"), 0);
  // With the defaults: strict never hears more than consent.
  ModelParams d_strict = defaults(), d_consent = defaults();
  d_strict.secrecy.regime = models::SecrecyRegime::Strict;
  auto per_referral = [](const models::ReplicateResult& r) {
    return value(r, "reports_back") / std::max(1.0, value(r, "cases_started"));
  };
  EXPECT_LT(total(d_strict, per_referral), total(d_consent, per_referral));
}

TEST(Mechanisms, AHealthHouseWithItsOwnWorkerNeedsFewerCallsAndSharesMore) {
  const models::Setting houses = with_form(models::PracticeForm::HealthHouse);
  ModelParams none = defaults(), host = defaults();
  none.gp.hosted_worker_prob.fill(0);
  host.gp.hosted_worker_prob.fill(1);
  auto attempts = [](const models::ReplicateResult& r) { return value(r, "contact_attempts"); };
  auto blocked = [](const models::ReplicateResult& r) { return value(r, "secrecy_blocked"); };
  EXPECT_GT(total(none, attempts, houses), total(host, attempts, houses));
  EXPECT_GT(total(none, blocked, houses), total(host, blocked, houses));
}

TEST(Mechanisms, SoloPracticesNeverHostAWorker) {
  const models::Setting solo = with_form(models::PracticeForm::Solo);
  ModelParams none = defaults(), host = defaults();
  none.gp.hosted_worker_prob.fill(0);
  host.gp.hosted_worker_prob.fill(1);
  auto attempts = [](const models::ReplicateResult& r) { return value(r, "contact_attempts"); };
  EXPECT_EQ(total(none, attempts, solo), total(host, attempts, solo));
}

TEST(Mechanisms, CasesFromOutsideThePathwayMakeRealQueues) {
  ModelParams idle = defaults(), busy = defaults();
  idle.worker.background_cases_per_fte = 0;
  busy.worker.background_cases_per_fte = 34;
  EXPECT_LT(total(idle, "median_days_to_first_appointment"), total(busy, "median_days_to_first_appointment"));
  EXPECT_LT(total(idle, "worker_utilisation"), total(busy, "worker_utilisation"));
  EXPECT_LT(total(idle, "mean_queue_length"), total(busy, "mean_queue_length"));
  // Fewer places for the same demand: no shorter waits, no more resolved.
  ModelParams fewer = busy;
  fewer.worker.caseload_per_fte = 30;
  EXPECT_GE(total(fewer, "median_days_to_first_appointment"), total(busy, "median_days_to_first_appointment"));
}

TEST(Mechanisms, GpConsultationMinutesIncludeTheSocialOnes) {
  const auto r = run_one(defaults(), 2, kWeeks);
  EXPECT_GT(value(r, "gp_minutes_per_gp_week"), value(r, "gp_social_minutes_per_gp_week"));
  EXPECT_NEAR(value(r, "gp_social_share"),
              value(r, "gp_social_minutes_per_gp_week") / value(r, "gp_minutes_per_gp_week"), 1e-9);
}

TEST(Mechanisms, GpWeeksWithAContactCountEachGpWeekOnce) {
  const auto r = run_one(defaults(), 2, kWeeks);
  const double share = value(r, "gp_weeks_with_social_contact_share");
  const double gp_weeks = value(r, "gps") * r.rec.weeks;
  EXPECT_GT(share, 0);
  EXPECT_LE(share, 1);
  EXPECT_NEAR(share * gp_weeks, std::round(share * gp_weeks), 1e-6);  // a count of GP-weeks
  EXPECT_LE(share * gp_weeks, value(r, "contact_attempts"));         // each holds an attempt
  // Fewer routine visits, fewer needs raised at the GP: fewer weeks with a call.
  ModelParams few = defaults();
  few.residents.gp_visits_per_year = 0.5;
  EXPECT_LT(total(few, "gp_weeks_with_social_contact_share"), total(defaults(), "gp_weeks_with_social_contact_share"));
}

TEST(Mechanisms, BreakdownsAddUpToTheSummaryTotals) {
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const auto r = run_one(defaults(), seed, kWeeks);
    const auto& rec = r.rec;
    const std::pair<models::Tally, const char*> pairs[] = {
        {models::Tally::Onset, "needs_onset"},
        {models::Tally::Resolved, "needs_resolved"},
        {models::Tally::Abandoned, "needs_abandoned"},
        {models::Tally::Open, "needs_open"},
        {models::Tally::UnmetDays, "unmet_need_days"},
        {models::Tally::WrongDoorHops, "wrong_door_hops"},
        {models::Tally::ConsentRefusals, "consent_refusals"},
        {models::Tally::SecrecyBlocked, "secrecy_blocked"},
        {models::Tally::ContactAttempts, "contact_attempts"},
        {models::Tally::ContactFailures, "contact_failures"},
    };
    for (const auto& [tally, name] : pairs) {
      const auto m = static_cast<std::size_t>(tally);
      const double want = value(r, name);
      EXPECT_GT(want, 0) << name;
      const double types = std::accumulate(rec.by_type[m].begin(), rec.by_type[m].end(), 0.0);
      const double prec = rec.by_precarity[m][0] + rec.by_precarity[m][1];
      const double rur = rec.by_rurality[m][0] + rec.by_rurality[m][1] + rec.by_rurality[m][2];
      double loc = 0;
      for (const auto& l : rec.by_locality) loc += l[m];
      const double tol = 1e-6 * (1 + want);
      EXPECT_NEAR(types, want, tol) << name;
      EXPECT_NEAR(prec, want, tol) << name;
      EXPECT_NEAR(rur, want, tol) << name;
      EXPECT_NEAR(loc, want, tol) << name;
    }
    // GP minutes: every social minute of the baseline is tied to a need.
    const auto g = static_cast<std::size_t>(models::Tally::GpMinutes);
    const double minutes = std::accumulate(rec.by_type[g].begin(), rec.by_type[g].end(), 0.0);
    EXPECT_NEAR(minutes, rec.gp_minutes_total(), 1e-6 * (1 + minutes));
    // Share unresolved at 90 days: the breakdown's counts are the summary's.
    const auto e = static_cast<std::size_t>(models::Tally::Eligible90d);
    const auto u = static_cast<std::size_t>(models::Tally::Unresolved90d);
    const double eligible = std::accumulate(rec.by_type[e].begin(), rec.by_type[e].end(), 0.0);
    const double unresolved = std::accumulate(rec.by_type[u].begin(), rec.by_type[u].end(), 0.0);
    EXPECT_NEAR(unresolved / eligible, value(r, "unmet_share_90d"), 1e-9);
  }
}

TEST(Mechanisms, ASelfReferralsWrongDoorIsNearHome) {
  // Every real service handles everything everywhere; 30 services that
  // handle nothing stand in the least populated locality. Residents go
  // alone (no GP) and never know the right door: with doors near home the
  // 30 far ones are almost never tried, so wrong doors barely change; drawn
  // over every service of the territory (the old rule) most tries would
  // land on them.
  models::Setting plain = testing_helpers::herbasse();
  for (auto& sv : plain.services) {
    sv.themes.set();
    std::fill(sv.covers.begin(), sv.covers.end(), std::uint8_t{1});
  }
  models::Setting far = plain;
  std::uint32_t remote = 0;
  for (std::uint32_t l = 0; l < far.territory.size(); ++l)
    if (far.territory.locality(l).population < far.territory.locality(remote).population) remote = l;
  for (int k = 0; k < 30; ++k) {
    models::ServiceSpec d;
    d.name = "Nowhere " + std::to_string(k);
    d.employer = models::Employer::Association;
    d.locality = remote;
    d.covers.assign(far.territory.size(), 0);
    far.services.push_back(d);
  }
  ModelParams p = defaults();
  p.residents.gp_registered_share = p.residents.gp_registered_share_precarious = 0;
  p.residents.rights_knowledge = p.residents.rights_knowledge_precarious = 0.01;
  p.disclosure.self_referral_per_year = 50;
  p.needs.non_demand_prob.fill(0);
  auto hops = [](const models::ReplicateResult& r) { return value(r, "wrong_door_hops"); };
  auto self = [](const models::ReplicateResult& r) { return value(r, "self_referrals"); };
  EXPECT_EQ(total(p, hops, plain), 0);  // any door is right
  const double refs = total(p, self, far), with_far = total(p, hops, far);
  EXPECT_GT(refs, 1000);
  // Drawn over the territory's 46 services, about 65 % of self-referrals
  // would try a far door first (at least one hop each).
  EXPECT_LT(with_far, 0.5 * refs);
}
