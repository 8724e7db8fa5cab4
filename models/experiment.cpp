#include "models/experiment.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sim/input_error.hpp"
#include "sim/params.hpp"
#include "sim/random.hpp"

namespace models {
namespace {

using sim::InputError;
using sim::check_keys;
using sim::toml_error;

// Every numeric field goes through the shared checked reader (sim/params.hpp).
template <class T>
T number(const toml::table& t, const char* key, T def, double lo, double hi, const std::string& file,
         const std::string& what) {
  const toml::node* n = t.get(key);
  if (!n) return def;
  const std::string name = what + "." + key;
  if constexpr (std::is_integral_v<T>)
    return static_cast<T>(sim::read_integer(*n, file, name, static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
  else
    return static_cast<T>(sim::read_real(*n, file, name, lo, hi));
}

std::string string_of(const toml::table& t, const char* key, const std::string& def,
                      const std::string& file, const std::string& what) {
  const toml::node* n = t.get(key);
  if (!n) return def;
  if (!n->is_string()) throw toml_error(file, *n, what + "." + key + ": expected a string");
  return *n->value<std::string>();
}

void read_synthetic(sim::SyntheticOptions& o, const toml::table& t, const std::string& file) {
  check_keys(t, file, "synthetic",
             {"localities", "population", "core_share", "sectors", "radius_km", "speed_km_per_min",
              "precarity_core", "precarity_fringe", "elderly_share_rural", "elderly_share_urban",
              "youth_share"});
  const std::string w = "synthetic";
  o.localities = number<std::uint32_t>(t, "localities", o.localities, 1, 65535, file, w);
  o.population = number<std::uint64_t>(t, "population", o.population, 1, 2e8, file, w);
  o.core_share = number<double>(t, "core_share", o.core_share, 0, 1, file, w);
  o.sectors = number<int>(t, "sectors", o.sectors, 1, 10000, file, w);
  o.radius_km = number<double>(t, "radius_km", o.radius_km, 0.1, 5000, file, w);
  o.speed_km_per_min = number<double>(t, "speed_km_per_min", o.speed_km_per_min, 0.01, 10, file, w);
  o.precarity_core = number<double>(t, "precarity_core", o.precarity_core, 0, 1, file, w);
  o.precarity_fringe = number<double>(t, "precarity_fringe", o.precarity_fringe, 0, 1, file, w);
  o.elderly_share_rural = number<double>(t, "elderly_share_rural", o.elderly_share_rural, 0, 1, file, w);
  o.elderly_share_urban = number<double>(t, "elderly_share_urban", o.elderly_share_urban, 0, 1, file, w);
  o.youth_share = number<double>(t, "youth_share", o.youth_share, 0, 1, file, w);
}

// Scenario names become HDF5 group names and report headings.
void check_scenario_name(const std::string& name, const toml::node& where, const std::string& file) {
  if (name.empty() || name.size() > 100) throw toml_error(file, where, "scenario.name: expected 1 to 100 characters");
  if (name.find('/') != std::string::npos || name == "." || name == "..")
    throw toml_error(file, where, "scenario.name: '/' and '.'/'..' are not allowed in a scenario name");
  // A NUL cuts the HDF5 group name (the run would simulate everything, then
  // fail to write and not resume); other control characters reach terminals.
  for (unsigned char ch : name)
    if (ch < 0x20 || ch == 0x7f)
      throw toml_error(file, where, "scenario.name: control characters (here \\x" +
                                        std::string(1, "0123456789abcdef"[ch >> 4]) +
                                        std::string(1, "0123456789abcdef"[ch & 15]) +
                                        ") are not allowed in a scenario name");
}

}  // namespace

std::uint64_t replicate_seed(std::uint64_t base_seed, int replicate) {
  // 53 bits, so that the seed is exact in every numeric column and in JSON.
  return sim::derive_seed(base_seed, static_cast<std::uint64_t>(replicate), sim::hash_name("replicate")) &
         ((std::uint64_t{1} << 53) - 1);
}

Experiment parse_experiment(const std::string& text, const std::string& file) {
  toml::table doc;
  try {
    doc = toml::parse(std::string_view(text), file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column),
                     "not valid TOML: " + std::string(e.description()));
  }
  Experiment ex;
  ex.file = file;
  ex.text = text;
  check_keys(doc, file, "top-level",
             {"experiment", "synthetic", "parameters", "scenario", "sweep", "uncertainty", "economics"});
  const toml::table* head = doc.get_as<toml::table>("experiment");
  if (!head) throw InputError(file, 1, 1, "missing [experiment] table (name, territory, replicates, …)");
  check_keys(*head, file, "experiment",
             {"name", "description", "territory", "population_scale", "replicates", "horizon_weeks",
              "warmup_weeks", "seed", "baseline", "fork_week", "start_from"});
  const std::string w = "experiment";
  ex.name = string_of(*head, "name", std::filesystem::path(file).stem().string(), file, w);
  ex.description = string_of(*head, "description", "", file, w);
  if (!head->get("territory")) throw toml_error(file, *head, "experiment: missing key 'territory' (a preset name, a .toml/.graphml path or \"synthetic\")");
  ex.territory = string_of(*head, "territory", "", file, w);
  ex.population_scale = number<double>(*head, "population_scale", 1.0, 1e-4, 1e4, file, w);
  ex.replicates = number<int>(*head, "replicates", 10, 1, 100000, file, w);
  ex.horizon_weeks = number<double>(*head, "horizon_weeks", 104, 1, 5200, file, w);
  ex.warmup_weeks = number<double>(*head, "warmup_weeks", 26, 0, 5200, file, w);
  if (ex.warmup_weeks >= ex.horizon_weeks)
    throw toml_error(file, head->get("warmup_weeks") ? *head->get("warmup_weeks") : *head,
                     "experiment.warmup_weeks: must be below horizon_weeks");
  ex.seed = number<std::uint64_t>(*head, "seed", 1, 0, 9.007199254740992e15, file, w);
  // Saved states and the fork point (issue 15, models/replicate_state.hpp).
  ex.fork_week = number<double>(*head, "fork_week", 0, 0, 5200, file, w);
  if (ex.fork_week > ex.warmup_weeks)
    throw toml_error(file, *head->get("fork_week"),
                     "experiment.fork_week: must be at most warmup_weeks (the state shared by the scenarios is the "
                     "baseline's, before any measurement)");
  ex.start_from = string_of(*head, "start_from", "", file, w);
  if (head->get("start_from") && ex.start_from.empty())
    throw toml_error(file, *head->get("start_from"), "experiment.start_from: expected a state file name, got an empty one");
  if (!ex.start_from.empty() && std::filesystem::path(ex.start_from).is_relative())
    ex.start_from = (std::filesystem::path(file).parent_path() / ex.start_from).string();
  if (const auto* syn = doc.get_as<toml::table>("synthetic")) {
    if (ex.territory != "synthetic") throw toml_error(file, *syn, "[synthetic] is only read when experiment.territory = \"synthetic\"");
    read_synthetic(ex.synthetic, *syn, file);
  }
  // Relative territory paths are relative to the experiment file.
  if (ex.territory.find(".toml") != std::string::npos || ex.territory.find(".graphml") != std::string::npos) {
    std::filesystem::path tp(ex.territory);
    if (tp.is_relative()) ex.territory = (std::filesystem::path(file).parent_path() / tp).string();
  }

  const auto& table = param_table();
  ModelParams common = table.defaults();
  if (const toml::node* pn = doc.get("parameters")) {
    if (!pn->is_table()) throw toml_error(file, *pn, "parameters: expected a table of parameter = value");
    table.apply(common, *pn->as_table(), file);
  }

  const toml::node* sn = doc.get("scenario");
  if (!sn) throw InputError(file, 0, 0, "no [[scenario]]: give at least one (e.g. name = \"baseline\")");
  const auto* arr = sn->as_array();
  if (!arr || arr->empty()) throw toml_error(file, *sn, "scenario: expected [[scenario]] tables");
  std::set<std::string> seen;
  for (const auto& el : *arr) {
    const auto* st = el.as_table();
    if (!st) throw toml_error(file, el, "scenario: expected a table");
    check_keys(*st, file, "scenario", {"name", "description", "parameters", "intervention"});
    if (!st->get("name")) throw toml_error(file, *st, "scenario: missing key 'name'");
    ScenarioSpec sc;
    sc.name = string_of(*st, "name", "", file, "scenario");
    check_scenario_name(sc.name, *st->get("name"), file);
    if (!seen.insert(sc.name).second) throw toml_error(file, *st->get("name"), "scenario '" + sc.name + "' is defined twice");
    sc.description = string_of(*st, "description", "", file, "scenario");
    sc.params = common;
    if (const toml::node* pn = st->get("parameters")) {
      if (!pn->is_table()) throw toml_error(file, *pn, "scenario.parameters: expected a table");
      table.apply(sc.params, *pn->as_table(), file);
    }
    if (const toml::node* in = st->get("intervention")) {
      const auto* ia = in->as_array();
      if (!ia) throw toml_error(file, *in, "scenario.intervention: expected [[scenario.intervention]] tables");
      for (const auto& iel : *ia) {
        const auto* it = iel.as_table();
        if (!it) throw toml_error(file, iel, "scenario.intervention: expected a table with a 'type'");
        const toml::node* tn = it->get("type");
        if (!tn || !tn->is_string())
          throw toml_error(file, tn ? *tn : iel, "scenario.intervention: missing key 'type' (a string)");
        const std::string type = *tn->value<std::string>();
        const InterventionType* t = interventions().find(type);
        if (!t) throw toml_error(file, *tn, sim::unknown_key_message("intervention type", type, interventions().names()));
        sc.interventions.push_back(t->parse(*it, file));
        sc.intervention_tables.push_back(*it);
        sc.intervention_sources.emplace_back(static_cast<int>(it->source().begin.line),
                                             static_cast<int>(it->source().begin.column));
      }
    }
    if (auto err = check_consistency(sc.params); !err.empty())
      throw toml_error(file, *st, "scenario '" + sc.name + "': " + err);
    ex.scenarios.push_back(std::move(sc));
  }
  ex.baseline = string_of(*head, "baseline", ex.scenarios.front().name, file, w);
  if (!seen.count(ex.baseline))
    throw toml_error(file, *head->get("baseline"), "experiment.baseline: no scenario named '" + ex.baseline + "'");
  if (const toml::node* en = doc.get("economics")) {
    if (!en->is_table()) throw toml_error(file, *en, "economics: expected a table of key = value (experiments/README.md)");
    ex.economics = read_economics(*en->as_table(), file);
  }
  if (const toml::node* un = doc.get("uncertainty")) {
    if (doc.get("sweep"))
      throw toml_error(file, *un, "uncertainty: an experiment may not have both [sweep] and [uncertainty] "
                                  "(run the sweep in its own file)");
    ex.uncertainty = expand_uncertainty(*un, file, ex.seed, ex.scenarios);
  }
  if (const toml::node* sw = doc.get("sweep")) {
    // Sweep points derive from the baseline, or from the scenario named by
    // `from` (to sweep the parameters of its interventions).
    std::string from = ex.baseline;
    if (const auto* st = sw->as_table(); st && st->get("from")) {
      const toml::node& fn = *st->get("from");
      if (!fn.is_string()) throw toml_error(file, fn, "sweep.from: expected a scenario name");
      from = *fn.value<std::string>();
      if (!seen.count(from)) {
        std::vector<std::string> names;
        for (const auto& sc : ex.scenarios) names.push_back(sc.name);
        throw toml_error(file, fn, "sweep.from: " + sim::unknown_key_message("scenario", from, names));
      }
    }
    const auto base = std::find_if(ex.scenarios.begin(), ex.scenarios.end(), [&](const auto& s) { return s.name == from; });
    ex.sweep = expand_sweep(*sw, file, *base, ex.seed, ex.scenarios);
  }
  return ex;
}

Experiment load_experiment(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, 0, "cannot read the experiment file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_experiment(ss.str(), path);
}

namespace {

Setting territory_setting(const Experiment& ex) {
  try {
    if (ex.territory == "synthetic") {
      sim::Stream rng(ex.seed, 0, "synthetic-territory");
      sim::Territory t = sim::generate_synthetic(ex.synthetic, rng, "synthetic");
      if (ex.population_scale != 1.0) t = t.scaled(ex.population_scale);
      toml::table rules = toml::parse(std::string_view(preset_text("rules-default")), std::string("preset:rules-default"));
      return setting_from_rules(std::move(t), rules, "preset:rules-default");
    }
    return load_setting(ex.territory, ex.population_scale);
  } catch (const InputError& e) {
    if (!e.file().empty()) throw;
    throw InputError(ex.file, 0, 0, e.message());
  }
}

}  // namespace

Setting build_setting(const Experiment& ex) {
  Setting s = territory_setting(ex);
  for (const auto& sc : ex.scenarios)
    for (std::size_t i = 0; i < sc.interventions.size(); ++i) {
      try {
        sc.interventions[i]->check(s);
      } catch (const InputError& e) {
        if (!e.file().empty()) throw;
        const auto [line, column] = i < sc.intervention_sources.size() ? sc.intervention_sources[i] : std::pair{0, 0};
        throw InputError(ex.file, line, column,
                         "scenario '" + sc.name + "', intervention " + std::string(sc.interventions[i]->type()) + ": " +
                             e.message() + " (in the territory '" + ex.territory + "')");
      }
    }
  return s;
}

}  // namespace models
