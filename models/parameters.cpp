// The parameter table: one line per behavioural number, with its source.
// "field: …" cites ../shared/domain/BRIEF.md; "assumed" marks a number the
// field does not give — a candidate for calibration or a sweep.
#include "models/parameters.hpp"

#include <cmath>

#include "sim/clock.hpp"

namespace models {
namespace {

#define F(path) [](ModelParams& p) -> auto& { return p.path; }
using M = sim::ParamTable<ModelParams>::Meta;

std::string check_hours(const std::string& s) {
  try {
    (void)sim::WeeklyHours::parse(s);
    return "";
  } catch (const std::exception& e) {
    return e.what();
  }
}

sim::ParamTable<ModelParams> build() {
  sim::ParamTable<ModelParams> t;
  const auto& T = kThemeNames;
  const auto& E = kEmployerNames;
  const auto& G = kProfileNames;
  const std::string hours_fmt = "'Mon-Fri HH:MM-HH:MM,HH:MM-HH:MM; Sat …'";

  // ---- calendar (MODEL.md §1)
  t.text("calendar.gp_hours", F(calendar.gp_hours), "Mon-Fri 08:00-12:00,14:00-21:00", check_hours,
         hours_fmt, M{"", "GP opening hours", "field: thesis, 'GPs till 21:00'"});
  t.text("calendar.worker_hours", F(calendar.worker_hours), "Mon-Fri 09:00-12:30,13:30-17:00",
         check_hours, hours_fmt, M{"", "social workers' office hours", "field: thesis, 'office hours'"});
  t.text("calendar.network_hours", F(calendar.network_hours), "Mon-Fri 09:00-12:30,13:30-17:00",
         check_hours, hours_fmt, M{"", "hours of networks (gerontology network)", "assumed"});

  // ---- residents (MODEL.md §3)
  t.real("residents.gp_registered_share", F(residents.gp_registered_share), 0.95, 0, 1,
         M{"share", "non-precarious residents with a registered GP", "assumed"});
  t.real("residents.gp_registered_share_precarious", F(residents.gp_registered_share_precarious),
         0.75, 0, 1, M{"share", "precarious residents with a registered GP", "assumed (field: 'common among the precarious' to have none)"});
  t.real("residents.rights_knowledge", F(residents.rights_knowledge), 0.55, 0, 1,
         M{"0-1", "mean knowledge of rights and services, non-precarious", "assumed"});
  t.real("residents.rights_knowledge_precarious", F(residents.rights_knowledge_precarious), 0.30,
         0, 1, M{"0-1", "mean knowledge of rights, precarious (non-take-up by ignorance)", "assumed (field: thesis, ignorance first)"});
  t.real("residents.stigma_mean", F(residents.stigma_mean), 0.30, 0, 1,
         M{"0-1", "mean stigma sensitivity", "assumed"});
  t.real("residents.trust_in_gp_mean", F(residents.trust_in_gp_mean), 0.70, 0, 1,
         M{"0-1", "mean trust in one's GP", "assumed"});
  t.real("residents.gp_visits_per_year", F(residents.gp_visits_per_year), 5.84, 0, 50,
         M{"1/year", "routine GP consultations per registered resident",
           "calibrated: gp_minutes_per_gp_week (DREES 2019, 44 h 30 with patients), with files_per_worker_6_months, never_disclosed_share and gp_weeks_with_social_contact_share, on Herbasse (experiments/calibration.toml); prior [2, 12] log; posterior 95 % [4.14, 8.24], median 5.84 (assumed before: 4.5)"});
  t.real("residents.extra_visits_per_year_per_urgency",
         F(residents.extra_visits_per_year_per_urgency), 1.5, 0, 50,
         M{"1/year", "extra ('medicalised') consultations per urgency level of an unresolved need", "assumed (field: Herbasse, over-use of medicine for well-being)"});

  t.real("residents.trait_spread", F(residents.trait_spread), 0.3, 0, 1,
         M{"0-1", "half-width of the spread of knowledge, stigma and trust around their means (triangular)", "assumed"});
  t.real("residents.guess_nearest_services", F(residents.guess_nearest_services), 6, 1, 100000,
         M{"services", "a resident who goes alone without knowing the right door tries one of this many services nearest home, any theme",
           "assumed (proximity first, as for GPs' guesses)"});

  // ---- needs
  t.per_label("needs.onset_rate", F(needs.onset_rate),
              PerTheme{0.020, 0.004, 0.006, 0.006, 0.008, 0.005, 0.002, 0.001, 0.010, 0.006}, T, 0,
              10, M{"1/resident/year", "onset rate for a non-precarious adult 25-74", "assumed"});
  t.per_label("needs.age_factor_under25", F(needs.age_factor_under25),
              PerTheme{0.8, 1.2, 0.7, 3.0, 0.3, 0.8, 1.5, 1.0, 0.8, 0.4}, T, 0, 100,
              M{"x", "onset multiplier for residents under 25", "assumed"});
  t.per_label("needs.age_factor_over75", F(needs.age_factor_over75),
              PerTheme{1.0, 0.3, 0.4, 0.1, 6.0, 2.5, 1.0, 0.3, 0.8, 0.5}, T, 0, 100,
              M{"x", "onset multiplier for residents 75 and over", "assumed (field: isolated 80-year-old)"});
  t.per_label("needs.precarity_factor", F(needs.precarity_factor),
              PerTheme{3.0, 4.0, 2.0, 2.0, 1.5, 1.5, 1.5, 8.0, 2.0, 3.0}, T, 0, 100,
              M{"x", "onset multiplier for precarious residents", "assumed"});
  t.per_label("needs.medical_share", F(needs.medical_share),
              PerTheme{0.2, 0.2, 0.8, 0.3, 0.6, 0.7, 0.5, 0.4, 0.8, 0.1}, T, 0, 1,
              M{"share", "needs with a medical component (medico-social complex situation)", "assumed"});
  t.per_label("needs.non_demand_prob", F(needs.non_demand_prob),
              PerTheme{0.15, 0.20, 0.35, 0.25, 0.10, 0.10, 0.35, 0.25, 0.30, 0.25}, T, 0, 1,
              M{"probability", "need whose bearer will not ask (non-take-up by non-demand)", "assumed (field: thesis, 'non-demand')"});
  t.per_label("needs.form_prob", F(needs.form_prob),
              PerTheme{0.15, 0.20, 0.05, 0.05, 0.50, 0.80, 0.10, 0.10, 0.20, 0.05}, T, 0, 1,
              M{"probability", "need that requires a GP certificate or form (e.g. disability agency)", "assumed (field: thesis, certificates)"});
  t.real("needs.urgent_share", F(needs.urgent_share), 0.15, 0, 1,
         M{"share", "needs urgent at onset (urgency level 2 instead of 1)", "assumed"});
  t.real("needs.escalation_rate_per_year", F(needs.escalation_rate_per_year), 1.0, 0, 100,
         M{"1/year", "rate at which an undisclosed need escalates one urgency level (max 3)", "assumed"});
  t.real("needs.spontaneous_resolution_per_year", F(needs.spontaneous_resolution_per_year), 0.15,
         0, 100, M{"1/year", "rate at which a need outside any service resolves by itself", "assumed"});

  // ---- disclosure (MODEL.md §4.2)
  t.per_label("disclosure.base_prob", F(disclosure.base_prob),
              PerTheme{0.35, 0.25, 0.25, 0.20, 0.50, 0.50, 0.15, 0.30, 0.35, 0.20}, T, 0, 1,
              M{"probability", "chance a need is raised at a GP visit, full trust, no stigma", "assumed"});
  t.real("disclosure.stigma_effect", F(disclosure.stigma_effect), 0.6, 0, 1,
         M{"0-1", "relative fall of disclosure at maximal stigma", "assumed"});
  t.real("disclosure.urgency_effect", F(disclosure.urgency_effect), 0.5, 0, 10,
         M{"x per level", "relative rise of disclosure per urgency level above 1", "assumed"});
  t.real("disclosure.non_demand_factor", F(disclosure.non_demand_factor), 0.3, 0, 1,
         M{"x", "disclosure multiplier for a non-demand need",
           "assumed (calibration experiments/calibration.toml, targets never_disclosed_share and gp_weeks_with_social_contact_share: not pinned down, posterior 95 % [0.07, 0.98] of prior [0.05, 1])"});
  t.real("disclosure.self_referral_per_year", F(disclosure.self_referral_per_year), 1.5, 0, 100,
         M{"1/year", "self-referral rate to a service at full knowledge of rights",
           "assumed (calibration experiments/calibration.toml, targets never_disclosed_share and gp_weeks_with_social_contact_share: not pinned down, posterior 95 % [0.22, 5.5] of prior [0.2, 6] log)"});

  // ---- GPs (MODEL.md §3, §4.3-4)
  t.per_label("gp.profile_share", F(gp.profile_share), PerProfile{0.30, 0.50, 0.20}, G, 0, 1,
              M{"share", "GP profiles", "assumed (field: thesis, intermediate most common, engaged a minority)"});
  t.per_label("gp.advice_minutes", F(gp.advice_minutes), PerProfile{3, 6, 10}, G, 0, 600,
              M{"min", "advice beyond the medical act when a need is disclosed", "assumed"});
  t.per_label("gp.max_attempts", F(gp.max_attempts), PerProfile{0, 2, 5}, G, 0, 50,
              M{"attempts", "phone attempts before falling back on advice", "assumed (field: engaged GP persists)"});
  t.per_label("gp.informed_timing", F(gp.informed_timing), PerProfile{0.0, 0.2, 0.7}, G, 0, 1,
              M{"probability", "a call is placed inside the worker's office hours on purpose", "assumed (field: 'never the right moment')"});
  t.per_label("gp.search_success", F(gp.search_success), PerProfile{0.0, 0.35, 0.75}, G, 0, 1,
              M{"probability", "a search for the right service succeeds", "assumed (field: intermediate lacks skills and time)"});
  t.real("gp.knows_well_share", F(gp.knows_well_share), 0.125, 0, 1,
         M{"share", "GPs who know the local social services well", "field: thesis, 87.5 % know them moderately or insufficiently"});
  t.real("gp.knowledge_well", F(gp.knowledge_well), 0.85, 0, 1,
         M{"probability", "per theme, a well-informed GP knows the right service", "assumed"});
  t.real("gp.knowledge_poor", F(gp.knowledge_poor), 0.30, 0, 1,
         M{"probability", "per theme, another GP knows the right service", "assumed"});
  t.real("gp.young_share", F(gp.young_share), 0.35, 0, 1,
         M{"share", "GPs under 45", "assumed (field: thesis sample mean age 50)"});
  t.real("gp.young_knowledge_factor", F(gp.young_knowledge_factor), 0.6, 0, 1,
         M{"x", "knowledge multiplier for GPs under 45", "assumed (field: thesis, young GPs know least)"});
  t.real("gp.consult_minutes", F(gp.consult_minutes), 18, 1, 120,
         M{"min", "one consultation", "field: DREES, May 2019 (3,300 GPs, 2018-2019): mean consultation 18 min"});
  t.real("gp.search_minutes", F(gp.search_minutes), 15, 0, 600,
         M{"min", "searching for a service the GP does not know", "assumed"});
  t.real("gp.phone_attempt_minutes", F(gp.phone_attempt_minutes), 4, 0, 120,
         M{"min", "one phone attempt, successful or not", "assumed"});
  t.real("gp.form_minutes", F(gp.form_minutes), 20, 0, 600,
         M{"min", "a certificate or form", "assumed"});
  t.real("gp.busy_in_consultation", F(gp.busy_in_consultation), 0.85, 0, 1,
         M{"probability", "the GP is in consultation when called back", "assumed"});
  t.real("gp.strict_stance_share", F(gp.strict_stance_share), 0.4, 0, 1,
         M{"share", "GPs whose secrecy stance is strict", "assumed (field: thesis, secrecy read differently)"});
  t.real("gp.sector_awareness", F(gp.sector_awareness), 0.5, 0, 1,
         M{"probability", "the GP sends to the patient's own sector", "assumed (field: 'never knows where to send whom')"});
  t.real("gp.list_size", F(gp.list_size), 1300, 1, 100000,
         M{"residents per FTE", "registered patients a full-time GP accepts", "assumed"});
  t.real("gp.learn_from_search", F(gp.learn_from_search), 0.5, 0, 1,
         M{"probability", "a successful search is remembered for the theme", "assumed"});
  t.real("gp.guess_nearest_services", F(gp.guess_nearest_services), 6, 1, 100000,
         M{"services", "a GP who does not know where to send names one of this many services nearest the patient's home, any theme",
           "assumed (field: partner choice is 'proximity first: the sector social worker, the town hall')"});

  t.per_label("gp.hosted_worker_prob", F(gp.hosted_worker_prob), PerForm{0, 0, 0.3, 0.5}, kPracticeFormNames, 0, 1,
              M{"probability", "a practice of this form hosts or employs a social worker (corridor contact, shared plan); solo and group practices never",
                "assumed (MODEL.md §3: multi-professional practices and health houses that host a worker)"});

  // ---- social workers and services (MODEL.md §3, §4.7-8)
  t.real("worker.caseload_per_fte", F(worker.caseload_per_fte), 35, 1, 10000,
         M{"cases", "open cases a full-time worker carries", "assumed"});
  t.real("worker.intake_delay_days", F(worker.intake_delay_days), 7, 0, 365,
         M{"days", "mean delay to a first appointment when capacity is free", "assumed (field: 'procedures take weeks')"});
  t.real("worker.busy_base", F(worker.busy_base), 0.45, 0, 1,
         M{"probability", "a worker is in an interview at an open minute, idle service", "assumed"});
  t.real("worker.busy_per_utilisation", F(worker.busy_per_utilisation), 0.4, 0, 1,
         M{"probability", "added busy probability at full caseload", "assumed"});
  t.real("worker.callback_prob", F(worker.callback_prob), 0.5, 0, 1,
         M{"probability", "a missed call is returned the next working day", "assumed"});
  t.real("worker.redirect_correct_prob", F(worker.redirect_correct_prob), 0.5, 0, 1,
         M{"probability", "a wrong door names the right one", "assumed (field: \"it's not us, it's…\" without saying who)"});
  t.real("worker.redirect_nearest_services", F(worker.redirect_nearest_services), 6, 1, 100000,
         M{"services", "otherwise it names one of this many services nearest itself, any theme", "assumed (proximity first, as for GPs)"});
  t.real("worker.reassess_minutes", F(worker.reassess_minutes), 60, 0, 6000,
         M{"min", "re-assessment when medical information did not travel", "assumed"});
  t.real("worker.reassess_delay_days", F(worker.reassess_delay_days), 14, 0, 365,
         M{"days", "delay added by a re-assessment", "assumed"});
  t.real("worker.case_duration_cv", F(worker.case_duration_cv), 0.5, 0, 5,
         M{"cv", "coefficient of variation of case durations (lognormal)", "assumed"});
  t.per_label("worker.case_minutes", F(worker.case_minutes),
              PerTheme{150, 240, 300, 300, 240, 240, 300, 360, 300, 360}, T, 0, 100000,
              M{"min", "worker time per case", "assumed"});
  t.per_label("worker.case_duration_days", F(worker.case_duration_days),
              PerTheme{30, 90, 60, 45, 30, 75, 30, 45, 60, 90}, T, 0, 3650,
              M{"days", "mean case duration from first appointment to outcome", "assumed (field: 'social procedures take weeks')"});
  t.real("worker.background_cases_per_fte", F(worker.background_cases_per_fte), 16, 0, 10000,
         M{"cases", "mean open cases per FTE that people outside the simulated pathway (walk-ins, other agencies' referrals, statutory work) would bring on their own: Poisson arrivals sharing the services' queues and places",
           "field: Cour des comptes 2022, 55-144 active files per worker over six months; the value is calibrated by hand to that one target (files_per_worker_6_months ~107 on Herbasse, ~115 on the departement; pathway alone ~56), so the figure is fitted, not a validation; the history matching of experiments/calibration.toml does not pin it down within prior [2, 60] log (posterior 95 % [2.2, 55]): the field range is wider than what the parameter moves"});
  t.real("worker.background_case_days", F(worker.background_case_days), 60, 1, 3650,
         M{"days", "mean duration of a case from outside the pathway (exponential)", "assumed (as the pathway's cases)"});
  t.real("worker.background_case_minutes", F(worker.background_case_minutes), 240, 0, 100000,
         M{"min", "worker time per case from outside the pathway", "assumed (as the pathway's cases)"});

  // ---- patient navigation (MODEL.md §4.3)
  t.real("patient.door_delay_days", F(patient.door_delay_days), 10, 0, 365,
         M{"days", "mean time for a patient to go to a named door", "assumed"});
  t.real("patient.door_dropout_prob", F(patient.door_dropout_prob), 0.12, 0, 1,
         M{"probability", "drop-out on the way to each door", "assumed"});
  t.real("patient.stigma_dropout_effect", F(patient.stigma_dropout_effect), 1.0, 0, 10,
         M{"x", "relative rise of drop-out at maximal stigma", "assumed"});
  t.real("patient.max_door_hops", F(patient.max_door_hops), 6, 1, 100,
         M{"hops", "doors tried before giving up", "assumed"});

  // ---- consent (MODEL.md §4.5)
  t.per_label("consent.refusal_prob", F(consent.refusal_prob),
              PerTheme{0.08, 0.15, 0.30, 0.35, 0.10, 0.10, 0.30, 0.20, 0.25, 0.15}, T, 0, 1,
              M{"probability", "refusal at average trust", "assumed (field: thesis, fear of placement highest)"});
  t.real("consent.trust_effect", F(consent.trust_effect), 1.0, 0, 10,
         M{"x", "refusal multiplier is 1 + effect x (mean trust - trust)", "assumed"});
  t.real("consent.copayment_refusal", F(consent.copayment_refusal), 0.10, 0, 1,
         M{"probability", "added refusal for precarious residents facing a co-payment (seniors, disability)", "assumed (field: thesis, co-payments refused)"});
  t.real("consent.refusal_abandon_prob", F(consent.refusal_abandon_prob), 0.3, 0, 1,
         M{"probability", "a refusal abandons the need (else it stays with the GP)", "assumed"});
  t.real("consent.retry_days", F(consent.retry_days), 60, 1, 3650,
         M{"days", "earliest retry after a refusal", "assumed"});
  t.real("consent.share_info_prob", F(consent.share_info_prob), 0.8, 0, 1,
         M{"probability", "patient agrees to share medical information (consent regime)", "assumed"});

  // ---- resolution (MODEL.md §4.8)
  t.per_label("resolution.base_prob", F(resolution.base_prob),
              PerTheme{0.75, 0.50, 0.35, 0.60, 0.70, 0.65, 0.50, 0.40, 0.45, 0.60}, T, 0, 1,
              M{"probability", "resolution of a well-matched case", "assumed (field: seven fruitless detox cures)"});
  t.real("resolution.info_bonus", F(resolution.info_bonus), 0.10, 0, 1,
         M{"probability", "added when medical information travelled with the referral", "assumed"});
  t.real("resolution.reassess_penalty", F(resolution.reassess_penalty), 0.15, 0, 1,
         M{"probability", "removed when a medical need was re-assessed blind", "assumed"});
  t.real("resolution.precarious_adherence", F(resolution.precarious_adherence), 0.85, 0, 1,
         M{"x", "resolution multiplier for precarious residents", "assumed"});
  t.real("resolution.chronic_share", F(resolution.chronic_share), 0.3, 0, 1,
         M{"probability", "a failed case leaves the need chronic (open, no further pathway)", "assumed"});
  t.real("resolution.return_days", F(resolution.return_days), 60, 0, 3650,
         M{"days", "mean delay before a failed need comes back", "assumed"});

  // ---- report back (MODEL.md §4.9)
  t.per_label("report.prob", F(report.prob), PerEmployer{0.10, 0.10, 0.20, 0.10, 0.15, 0.20, 0.90, 0.15},
              E, 0, 1, M{"probability", "the GP hears the outcome, by employer", "field: thesis, networks give a written report; others rarely (values assumed)"});
  t.real("report.shared_plan_prob", F(report.shared_plan_prob), 0.95, 0, 1,
         M{"probability", "report back inside a shared care plan", "assumed"});
  t.real("report.patient_tells_prob", F(report.patient_tells_prob), 0.1, 0, 1,
         M{"probability", "the patient tells the GP the outcome (any regime; under strict secrecy the only way it comes back)", "assumed (MODEL.md §4.6)"});

  // ---- ties (MODEL.md §3)
  t.real("ties.initial_trust", F(ties.initial_trust), 0.3, 0, 1,
         M{"0-1", "trust of a new tie created by a first contact", "assumed"});
  t.real("ties.gain_success", F(ties.gain_success), 0.15, 0, 1,
         M{"0-1", "trust gained by a joint case that ends well and is reported", "assumed"});
  t.real("ties.loss_failure", F(ties.loss_failure), 0.10, 0, 1,
         M{"0-1", "trust lost by a reported failure", "assumed"});
  t.real("ties.half_life_days", F(ties.half_life_days), 365, 1, 36500,
         M{"days", "half-life of trust without contact", "assumed"});
  t.real("ties.cooperation_threshold", F(ties.cooperation_threshold), 0.5, 0, 1,
         M{"0-1", "trust from which a tie is cooperation", "assumed"});
  t.real("ties.collaboration_threshold", F(ties.collaboration_threshold), 0.8, 0, 1,
         M{"0-1", "trust from which a tie is collaboration", "assumed"});
  t.real("ties.instrumental_floor", F(ties.instrumental_floor), 0.05, 0, 1,
         M{"0-1", "below this trust a tie falls back to occulted", "assumed"});
  t.per_label("ties.initial_ties_per_gp", F(ties.initial_ties_per_gp), PerProfile{0.2, 1.0, 3.0}, G,
              0, 100, M{"ties", "mean ties a GP starts with", "assumed (field: engaged GPs build partnerships)"});
  t.real("ties.collaboration_reach_bonus", F(ties.collaboration_reach_bonus), 0.5, 0, 1,
         M{"probability", "a collaborating worker takes the call even when busy", "assumed"});

  t.real("ties.initial_partner_pool", F(ties.initial_partner_pool), 6, 1, 1000,
         M{"services", "initial ties are drawn among this many nearest services", "assumed (field: proximity first)"});

  // ---- partner choice (MODEL.md §3: proximity first, then ties and availability)
  t.real("choice.proximity_per_minute", F(choice.proximity_per_minute), 0.1, 0, 100,
         M{"score/min", "score lost per minute of travel", "assumed"});
  t.real("choice.trust_weight", F(choice.trust_weight), 2.0, 0, 100,
         M{"score", "score of a tie at full trust", "assumed"});
  t.real("choice.queue_weight", F(choice.queue_weight), 0.05, 0, 100,
         M{"score/case", "score lost per case waiting in the queue", "assumed"});

  // ---- secrecy (MODEL.md §4.6)
  t.choice("secrecy.regime", F(secrecy.regime), SecrecyRegime::Consent,
           {{"strict", SecrecyRegime::Strict},
            {"consent", SecrecyRegime::Consent},
            {"shared-plan", SecrecyRegime::SharedPlan}},
           M{"", "what travels with a referral", "field: thesis (law: strict; practice: consent in networks)"});
  return t;
}

}  // namespace

const sim::ParamTable<ModelParams>& param_table() {
  static const sim::ParamTable<ModelParams> table = build();
  return table;
}

std::string check_consistency(const ModelParams& p) {
  double s = 0;
  for (double v : p.gp.profile_share) s += v;
  if (std::abs(s - 1.0) > 1e-6) return "gp.profile_share must sum to 1 (sums to " + std::to_string(s) + ")";
  if (p.ties.cooperation_threshold >= p.ties.collaboration_threshold)
    return "ties.cooperation_threshold must be below ties.collaboration_threshold";
  if (p.ties.instrumental_floor >= p.ties.cooperation_threshold)
    return "ties.instrumental_floor must be below ties.cooperation_threshold";
  return "";
}

}  // namespace models
