// `passerelle show TERRITORY [--json]`: the localities, GP practices and
// social services of a preset, a TOML territory or a GraphML file (with its
// X.services.toml companion, or the default rules), as the model builds them.
#include <toml++/toml.h>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "analysis/src/json_text.hpp"
#include "cli/commands.hpp"
#include "models/setting.hpp"

namespace cli {
namespace {

std::vector<std::string> theme_list(const std::bitset<models::kThemes>& b) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < models::kThemes; ++i)
    if (b.test(i)) out.emplace_back(models::kThemeNames[i]);
  return out;
}

// Where the GPs and services come from.
std::string origin(const std::string& territory) {
  std::filesystem::path p(territory);
  if (p.extension() != ".graphml" && p.extension() != ".toml") return "preset:" + territory;
  std::filesystem::path own = p;
  own.replace_extension(".services.toml");
  std::error_code ec;
  const bool has_own = std::filesystem::exists(own, ec);
  if (p.extension() == ".toml") {
    // The territory file itself unless it lacks GPs and services (see load_setting).
    if (!has_own) return p.string();
    const toml::table doc = toml::parse_file(p.string());  // load_setting has read it already
    const bool inline_rules = doc.contains("gp_practice") || doc.contains("gp_density") || doc.contains("service");
    return inline_rules ? p.string() : own.string();
  }
  return has_own ? own.string() : "preset:rules-default (no " + own.filename().string() + ")";
}

analysis::Json to_json(const models::Setting& s, const std::string& territory) {
  using json = analysis::Json;
  const auto& t = s.territory;
  json j;
  j["territory"] = t.name();
  j["description"] = s.description;
  j["sources"] = s.sources;
  j["gps_and_services_from"] = origin(territory);
  j["population"] = t.population();
  j["gps"] = s.gp_count();
  json locs = json::array();
  for (const auto& l : t.localities())
    locs.push_back({{"name", l.name},
                    {"population", l.population},
                    {"rurality", std::string(sim::to_string(l.rurality))},
                    {"precarity", l.precarity},
                    {"sector", l.sector},
                    {"age_mix", l.age_mix},
                    {"x_km", l.x_km},
                    {"y_km", l.y_km}});
  j["localities"] = locs;
  json gps = json::array();
  for (const auto& p : s.practices)
    gps.push_back({{"locality", t.locality(p.locality).name},
                   {"gps", p.gps},
                   {"form", models::kPracticeFormNames[static_cast<std::size_t>(p.form)]},
                   {"activity", p.activity}});
  j["gp_practices"] = gps;
  json svc = json::array();
  for (const auto& v : s.services) {
    std::vector<std::string> covers;
    for (std::size_t i = 0; i < v.covers.size(); ++i)
      if (v.covers[i]) covers.push_back(t.locality(i).name);
    svc.push_back({{"name", v.name},
                   {"employer", models::kEmployerNames[static_cast<std::size_t>(v.employer)]},
                   {"locality", t.locality(v.locality).name},
                   {"sector", t.locality(v.locality).sector},
                   {"themes", theme_list(v.themes)},
                   {"fte", v.fte},
                   {"covers", covers},
                   {"hours", v.hours}});
  }
  j["services"] = svc;
  return j;
}

std::string num(double v, int prec) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(prec) << v;
  return s.str();
}

void print_text(const models::Setting& s, const std::string& territory) {
  const auto& t = s.territory;
  std::cout << "Territory " << t.name() << (s.description.empty() ? "" : " — " + s.description) << "\n"
            << t.size() << " localities, " << t.population() << " residents, " << s.gp_count() << " GPs in "
            << s.practices.size() << " practices, " << s.services.size() << " services (GPs and services from "
            << origin(territory) << ")\n\nLocalities (name, population, rurality, precarity, sector):\n";
  for (const auto& l : t.localities())
    std::cout << "  " << l.name << "  " << l.population << "  " << sim::to_string(l.rurality) << "  "
              << num(l.precarity, 2) << "  sector " << l.sector << "\n";
  std::cout << "\nGP practices (locality, GPs, form, activity):\n";
  for (const auto& p : s.practices)
    std::cout << "  " << t.locality(p.locality).name << "  " << p.gps << "  "
              << models::kPracticeFormNames[static_cast<std::size_t>(p.form)] << "  " << num(p.activity, 2) << "\n";
  std::cout << "\nServices (name, employer, locality, sector, FTE, themes):\n";
  for (const auto& v : s.services) {
    std::string themes;
    for (const auto& th : theme_list(v.themes)) themes += (themes.empty() ? "" : ",") + th;
    std::cout << "  " << v.name << "  " << models::kEmployerNames[static_cast<std::size_t>(v.employer)] << "  "
              << t.locality(v.locality).name << "  sector " << t.locality(v.locality).sector << "  "
              << num(v.fte, 2) << " FTE  " << themes << "\n";
  }
}

}  // namespace

Command add_show(CLI::App& app) {
  struct Args {
    std::string territory;
    double scale = 1.0;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("show", "the localities, GPs and services of a preset, TOML or GraphML territory");
  c->add_option("territory", a->territory, "a preset name (see `passerelle list`), a .toml or a .graphml file")
      ->required();
  c->add_option("--population-scale", a->scale, "multiply every population (as experiment.population_scale)")
      ->check(CLI::Range(1e-4, 1e4));
  c->add_flag("--json", a->json, "machine-readable output");
  return {c, [a] {
            const models::Setting s = models::load_setting(a->territory, a->scale);
            if (a->json) std::cout << to_json(s, a->territory).dump(2) << "\n";
            else print_text(s, a->territory);
            return 0;
          }};
}

}  // namespace cli
