// The economic assumptions of an experiment ([economics] in its file): the
// discount rate, the money value of an hour of GP and of social-worker time,
// the willingness to pay per unit of effect, and the appraisal horizon. They
// change no simulated number: `compare` and the report (economics.py) read
// them from the results file (root attributes "economics.<key>" and
// "economics.<key>.source", written by analysis::write_analysis) to turn the
// paired differences into discounted, net costs and net monetary benefit.
// Defaults and sources: economic_fields() (documented in experiments/README.md).
#pragma once
#include <toml++/toml.h>

#include <string>
#include <vector>


namespace models {

struct EconomicParams {
  double discount_rate = 0.025;           // per year, costs and effects alike
  double gp_hour_value_eur = 88.33;       // EUR per GP hour
  double worker_hour_value_eur = 28.0;    // EUR per social-worker hour
  double wtp_per_gp_hour_eur = 88.33;     // EUR the payer would give per GP hour freed
  double wtp_per_need_day_eur = 20.0;     // EUR the payer would give per unmet need-day averted
  double horizon_years = 0;               // appraisal horizon; 0: the experiment's measured period
  std::vector<std::string> set_in_file;   // keys the file gave (their source becomes "experiment file")
  std::vector<std::string> set_by_option; // keys `--set economics.<key>=` gave (their source becomes "--set")
};

struct EconomicField {
  const char* key;
  double EconomicParams::*member;
  double lo, hi;
  const char* unit;
  const char* source;  // for the default value
};

const std::vector<EconomicField>& economic_fields();

// Reads [economics]; unknown keys and values out of range throw InputError
// (file:line:column and what was expected).
EconomicParams read_economics(const toml::table& t, const std::string& file);

// `--set economics.<key>=VALUE` (models/overrides.cpp): the same key list and
// ranges as the file; `what` names the option in the error (exit 2).
void set_economic(EconomicParams& p, const std::string& key, const toml::node& value, const std::string& what);

}  // namespace models
