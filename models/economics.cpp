#include "models/economics.hpp"

#include <toml++/toml.h>

#include "sim/input_error.hpp"
#include "sim/params.hpp"

namespace models {

const std::vector<EconomicField>& economic_fields() {
  using E = EconomicParams;
  static const std::vector<EconomicField> f = {
      {"discount_rate", &E::discount_rate, 0, 0.2, "per year",
       "field: HAS, Choix méthodologiques pour l'évaluation économique (2020): 2.5 % a year for costs and effects "
       "alike; NICE's reference case (manual 2022) uses 3.5 %"},
      {"gp_hour_value_eur", &E::gp_hour_value_eur, 0, 10000, "EUR/h",
       "field: the G consultation fee, 26.50 EUR (Assurance maladie, Dec 2023 to Dec 2024; 30 EUR since), over "
       "a consultation of about 18 minutes (assumed; DREES, Études et Résultats 481, 2006: 16 min) = 88.33 EUR/h"},
      {"worker_hour_value_eur", &E::worker_hour_value_eur, 0, 10000, "EUR/h",
       "assumed: a territorial assistant socio-éducatif (category A public pay scale) at about 2,500 EUR gross a "
       "month plus about 50 % employer contributions, over 1,607 statutory hours a year = about 28 EUR/h"},
      {"wtp_per_gp_hour_eur", &E::wtp_per_gp_hour_eur, 0, 1e7, "EUR/GP hour freed",
       "assumed: the GP hour's money value (gp_hour_value_eur); no official threshold"},
      {"wtp_per_need_day_eur", &E::wtp_per_need_day_eur, 0, 1e7, "EUR/need-day averted",
       "assumed: no official threshold exists for a day of unmet social need; the acceptability curve shows "
       "every value"},
      {"horizon_years", &E::horizon_years, 0, 100, "years",
       "assumed: 0 = the experiment's measured period (horizon_weeks − warmup_weeks); costs and effects per year "
       "are taken as constant over a longer horizon"},
  };
  return f;
}

EconomicParams read_economics(const toml::table& t, const std::string& file) {
  std::vector<std::string> keys;
  for (const auto& f : economic_fields()) keys.emplace_back(f.key);
  sim::check_keys(t, file, "economics", keys);
  EconomicParams p;
  for (const auto& f : economic_fields())
    if (const toml::node* n = t.get(f.key)) {
      p.*f.member = sim::read_real(*n, file, std::string("economics.") + f.key, f.lo, f.hi);
      p.set_in_file.emplace_back(f.key);
    }
  return p;
}

void set_economic(EconomicParams& p, const std::string& key, const toml::node& value, const std::string& what) {
  std::vector<std::string> keys;
  for (const auto& f : economic_fields()) {
    keys.emplace_back(f.key);
    if (key != f.key) continue;
    p.*f.member = sim::read_real(value, what, "economics." + key, f.lo, f.hi);
    p.set_by_option.push_back(key);
    return;
  }
  throw sim::InputError(what, 0, 0, sim::unknown_key_message("economics parameter", key, keys));
}

}  // namespace models
