// Every behavioural number of the model, as a typed struct. Defaults, ranges,
// units and sources are declared once, in parameters.cpp; nothing here has a
// default of its own. `passerelle params` prints the table.
#pragma once
#include <string>

#include "models/themes.hpp"
#include "sim/params.hpp"

namespace models {

struct ModelParams {
  struct Calendar {
    std::string gp_hours, worker_hours, network_hours;
  } calendar;
  struct Residents {
    double gp_registered_share, gp_registered_share_precarious;
    double rights_knowledge, rights_knowledge_precarious;
    double stigma_mean, trust_in_gp_mean;
    double gp_visits_per_year, extra_visits_per_year_per_urgency;
    double trait_spread, guess_nearest_services;
  } residents;
  struct Needs {
    PerTheme onset_rate, age_factor_under25, age_factor_over75, precarity_factor;
    PerTheme medical_share, non_demand_prob, form_prob;
    double urgent_share, escalation_rate_per_year, spontaneous_resolution_per_year;
  } needs;
  struct Disclosure {
    PerTheme base_prob;
    double stigma_effect, urgency_effect, non_demand_factor, self_referral_per_year;
  } disclosure;
  struct Gp {
    PerProfile profile_share, advice_minutes, max_attempts, informed_timing, search_success;
    double knows_well_share, knowledge_well, knowledge_poor, young_share, young_knowledge_factor;
    double consult_minutes, search_minutes, phone_attempt_minutes, form_minutes;
    double busy_in_consultation, strict_stance_share, sector_awareness, list_size;
    double learn_from_search, guess_nearest_services;
    PerForm hosted_worker_prob;
  } gp;
  struct Worker {
    double caseload_per_fte, intake_delay_days, busy_base, busy_per_utilisation, callback_prob;
    double redirect_correct_prob, redirect_nearest_services, reassess_minutes, reassess_delay_days, case_duration_cv;
    PerTheme case_minutes, case_duration_days;
    double background_cases_per_fte, background_case_days, background_case_minutes;
  } worker;
  struct Patient {
    double door_delay_days, door_dropout_prob, stigma_dropout_effect, max_door_hops;
  } patient;
  struct Consent {
    PerTheme refusal_prob;
    double trust_effect, copayment_refusal, refusal_abandon_prob, retry_days, share_info_prob;
  } consent;
  struct Resolution {
    PerTheme base_prob;
    double info_bonus, reassess_penalty, precarious_adherence, chronic_share, return_days;
  } resolution;
  struct Report {
    PerEmployer prob;
    double shared_plan_prob, patient_tells_prob;
  } report;
  struct Ties {
    double initial_trust, gain_success, loss_failure, half_life_days;
    double cooperation_threshold, collaboration_threshold, instrumental_floor;
    PerProfile initial_ties_per_gp;
    double collaboration_reach_bonus, initial_partner_pool;
  } ties;
  struct Choice {
    double proximity_per_minute, trust_weight, queue_weight;
  } choice;
  struct Secrecy {
    SecrecyRegime regime;
  } secrecy;
};

// The one declaration of every parameter.
const sim::ParamTable<ModelParams>& param_table();
inline ModelParams default_params() { return param_table().defaults(); }

// Cross-field checks the per-field ranges cannot express (e.g. shares summing
// to one). Returns an error message or "".
std::string check_consistency(const ModelParams& p);

}  // namespace models
