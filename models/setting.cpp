#include "models/setting.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/input_error.hpp"
#include "sim/params.hpp"
#include "sim/clock.hpp"
#include "sim/territory_io.hpp"

namespace models {

// Generated at build time from models/presets/*.toml (see models/CMakeLists.txt).
const std::map<std::string, std::string>& embedded_presets();

namespace {

using sim::InputError;
using sim::check_keys;
using sim::toml_error;

std::string need_string(const toml::table& t, const std::string& key, const std::string& file,
                        const std::string& what) {
  const toml::node* n = t.get(key);
  if (!n) throw toml_error(file, t, what + ": missing key '" + key + "' (expected a string)");
  if (!n->is_string()) throw toml_error(file, *n, what + "." + key + ": expected a string");
  return *n->value<std::string>();
}

double get_number(const toml::table& t, const std::string& key, double def, double lo, double hi,
                  const std::string& file, const std::string& what) {
  const toml::node* n = t.get(key);
  if (!n) return def;
  return sim::read_real(*n, file, what + "." + key, lo, hi);
}

std::uint32_t locality_by_name(const sim::Territory& terr, const toml::node& n,
                               const std::string& file, const std::string& what) {
  if (!n.is_string()) throw toml_error(file, n, what + ": expected a locality name");
  const auto name = *n.value<std::string>();
  if (auto i = terr.find(name)) return static_cast<std::uint32_t>(*i);
  std::vector<std::string> names;
  for (const auto& l : terr.localities()) names.push_back(l.name);
  throw toml_error(file, n, sim::unknown_key_message("locality", name, names));
}

// Most populous locality among `members` (ties: lowest index), for placing a
// sector's centre.
std::uint32_t main_locality(const sim::Territory& terr, const std::vector<std::size_t>& members) {
  std::size_t best = members.front();
  for (auto i : members)
    if (terr.locality(i).population > terr.locality(best).population) best = i;
  return static_cast<std::uint32_t>(best);
}

std::uint64_t covered_population(const sim::Territory& terr, const std::vector<std::uint8_t>& cov) {
  std::uint64_t pop = 0;
  for (std::size_t i = 0; i < cov.size(); ++i)
    if (cov[i]) pop += terr.locality(i).population;
  return pop;
}

std::bitset<kThemes> read_themes(const toml::table& t, Employer e, const std::string& file,
                                 const std::string& what) {
  const toml::node* n = t.get("themes");
  if (!n) return default_themes(e);
  const auto* arr = n->as_array();
  if (!arr) throw toml_error(file, *n, what + ".themes: expected an array of theme names");
  std::bitset<kThemes> out;
  std::vector<std::string> valid(kThemeNames.begin(), kThemeNames.end());
  for (const auto& el : *arr) {
    auto s = el.value<std::string>();
    auto i = s ? index_of(kThemeNames, *s) : std::nullopt;
    if (!i) throw toml_error(file, el, sim::unknown_key_message("theme", s.value_or("?"), valid));
    out.set(*i);
  }
  return out;
}

void read_practices(Setting& s, const toml::table& doc, const std::string& file) {
  const auto& terr = s.territory;
  if (const auto* arr = doc.get_as<toml::array>("gp_practice")) {
    for (const auto& el : *arr) {
      const auto* t = el.as_table();
      if (!t) throw toml_error(file, el, "gp_practice: expected a table");
      check_keys(*t, file, "gp_practice", {"locality", "gps", "form", "activity"});
      GpPractice p;
      const toml::node* loc = t->get("locality");
      if (!loc) throw toml_error(file, *t, "gp_practice: missing key 'locality'");
      p.locality = locality_by_name(terr, *loc, file, "gp_practice.locality");
      p.gps = static_cast<std::uint32_t>(get_number(*t, "gps", 1, 1, 100000, file, "gp_practice"));
      p.activity = get_number(*t, "activity", 1.0, 0.05, 1.0, file, "gp_practice");
      if (const toml::node* f = t->get("form")) {
        auto fs = f->value<std::string>();
        auto i = fs ? index_of(kPracticeFormNames, *fs) : std::nullopt;
        if (!i)
          throw toml_error(file, *f, "gp_practice.form: expected solo, group, multi_professional or health_house");
        p.form = static_cast<PracticeForm>(*i);
      }
      s.practices.push_back(p);
    }
  }
  if (const auto* dens = doc.get_as<toml::table>("gp_density")) {
    // Rule: every locality gets round(population / 10,000 x per_10k) GPs, at
    // least one from `min_population` on; small places share a neighbour's.
    check_keys(*dens, file, "gp_density", {"per_10k", "min_population", "group_from"});
    const double per10k = get_number(*dens, "per_10k", 9.0, 0, 1000, file, "gp_density");
    const double minpop = get_number(*dens, "min_population", 800, 0, 1e9, file, "gp_density");
    const double group_from = get_number(*dens, "group_from", 3, 1, 1e6, file, "gp_density");
    for (std::size_t i = 0; i < terr.size(); ++i) {
      const double pop = terr.locality(i).population;
      if (pop < minpop) continue;
      const auto n = static_cast<std::uint32_t>(std::max(1.0, std::round(pop / 1e4 * per10k)));
      s.practices.push_back(GpPractice{static_cast<std::uint32_t>(i), n,
                                       n >= group_from ? PracticeForm::Group : PracticeForm::Solo, 1.0});
    }
  }
  if (s.practices.empty())
    throw InputError(file, 0, 0, "no GP: give [[gp_practice]] entries or a [gp_density] rule");
}

void add_service(Setting& s, const toml::table& t, const std::string& file, Employer e,
                 std::uint32_t loc, std::vector<std::uint8_t> covers, std::string name) {
  ServiceSpec sp;
  sp.name = std::move(name);
  sp.employer = e;
  sp.locality = loc;
  sp.covers = std::move(covers);
  sp.themes = read_themes(t, e, file, "service");
  const double per10k = get_number(t, "fte_per_10k", 0, 0, 1000, file, "service");
  const double fixed = get_number(t, "fte", 0, 0, 10000, file, "service");
  const double fmin = get_number(t, "fte_min", 0.5, 0, 10000, file, "service");
  sp.fte = fixed > 0 ? fixed
                     : std::max(fmin, per10k * static_cast<double>(covered_population(s.territory, sp.covers)) / 1e4);
  if (sp.fte <= 0) throw toml_error(file, t, "service '" + sp.name + "': fte must be > 0");
  if (const toml::node* h = t.get("hours")) {
    if (!h->is_string()) throw toml_error(file, *h, "service.hours: expected a string");
    sp.hours = *h->value<std::string>();
    try {
      (void)sim::WeeklyHours::parse(sp.hours);
    } catch (const std::exception& ex) {
      throw toml_error(file, *h, std::string("service.hours: ") + ex.what());
    }
  }
  s.services.push_back(std::move(sp));
}

void read_services(Setting& s, const toml::table& doc, const std::string& file) {
  const auto& terr = s.territory;
  const auto* arr = doc.get_as<toml::array>("service");
  if (!arr || arr->empty()) throw InputError(file, 0, 0, "no social service: give [[service]] entries");
  std::vector<std::string> employers(kEmployerNames.begin(), kEmployerNames.end());
  for (const auto& el : *arr) {
    const auto* t = el.as_table();
    if (!t) throw toml_error(file, el, "service: expected a table");
    check_keys(*t, file, "service",
               {"name", "employer", "per", "locality", "covers", "themes", "fte", "fte_per_10k",
                "fte_min", "hours", "min_population"});
    const std::string name = need_string(*t, "name", file, "service");
    const std::string emp = need_string(*t, "employer", file, "service");
    auto ei = index_of(kEmployerNames, emp);
    if (!ei) throw toml_error(file, *t->get("employer"), sim::unknown_key_message("employer", emp, employers));
    const auto e = static_cast<Employer>(*ei);
    const std::string per = t->get("per") ? need_string(*t, "per", file, "service") : "here";
    const std::size_t n = terr.size();
    if (per == "sector") {
      for (int sec = 0; sec < terr.sector_count(); ++sec) {
        auto members = terr.localities_in_sector(sec);
        if (members.empty()) continue;
        std::vector<std::uint8_t> cov(n, 0);
        for (auto i : members) cov[i] = 1;
        add_service(s, *t, file, e, main_locality(terr, members), cov,
                    name + " " + terr.locality(main_locality(terr, members)).name);
      }
    } else if (per == "territory") {
      std::vector<std::size_t> all(n);
      for (std::size_t i = 0; i < n; ++i) all[i] = i;
      add_service(s, *t, file, e, main_locality(terr, all), std::vector<std::uint8_t>(n, 1), name);
    } else if (per == "locality") {
      const double minpop = get_number(*t, "min_population", 0, 0, 1e9, file, "service");
      for (std::size_t i = 0; i < n; ++i) {
        if (terr.locality(i).population < minpop) continue;
        std::vector<std::uint8_t> cov(n, 0);
        cov[i] = 1;
        add_service(s, *t, file, e, static_cast<std::uint32_t>(i), cov, name + " " + terr.locality(i).name);
      }
    } else if (per == "here") {
      const toml::node* loc = t->get("locality");
      if (!loc) throw toml_error(file, *t, "service '" + name + "': missing key 'locality'");
      const std::uint32_t li = locality_by_name(terr, *loc, file, "service.locality");
      std::vector<std::uint8_t> cov(n, 0);
      const toml::node* c = t->get("covers");
      const std::string mode = c && c->is_string() ? *c->value<std::string>() : (c ? "" : "sector");
      if (mode == "sector") {
        for (auto i : terr.localities_in_sector(terr.locality(li).sector)) cov[i] = 1;
      } else if (mode == "territory") {
        std::fill(cov.begin(), cov.end(), std::uint8_t{1});
      } else if (mode == "locality") {
        cov[li] = 1;
      } else if (c && c->is_array()) {
        for (const auto& x : *c->as_array()) cov[locality_by_name(terr, x, file, "service.covers")] = 1;
      } else {
        throw toml_error(file, *c, "service.covers: expected \"sector\", \"territory\", \"locality\" or an array of locality names");
      }
      add_service(s, *t, file, e, li, cov, name);
    } else {
      throw toml_error(file, *t->get("per"), "service.per: expected \"here\", \"sector\", \"territory\" or \"locality\"");
    }
  }
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw InputError(p.string(), 0, 0, "cannot read file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

toml::table parse_toml(const std::string& text, const std::string& file) {
  try {
    return toml::parse(std::string_view(text), file);
  } catch (const toml::parse_error& e) {
    throw InputError(file, static_cast<int>(e.source().begin.line),
                     static_cast<int>(e.source().begin.column), std::string(e.description()));
  }
}

}  // namespace

std::uint32_t Setting::gp_count() const {
  std::uint32_t n = 0;
  for (const auto& p : practices) n += p.gps;
  return n;
}

std::bitset<kThemes> default_themes(Employer e) {
  using T = Theme;
  auto set = [](std::initializer_list<Theme> ts) {
    std::bitset<kThemes> b;
    for (auto t : ts) b.set(idx(t));
    return b;
  };
  switch (e) {
    case Employer::Municipal:
      return set({T::GeneralSocial, T::FamiliesSeniors, T::Homelessness, T::OverIndebtedness});
    case Employer::Departement:
      return set({T::GeneralSocial, T::ChildrenYouth, T::FamiliesSeniors, T::Disability, T::Abuse,
                  T::Homelessness, T::OverIndebtedness, T::Foreigners});
    case Employer::Hospital:
      return set({T::GeneralSocial, T::FamiliesSeniors, T::Disability});
    case Employer::HealthInsurance:
      return set({T::GeneralSocial, T::Disability});
    case Employer::ChildProtection:
      return set({T::ChildrenYouth, T::Abuse});
    case Employer::Guardianship:
      return set({T::OverIndebtedness});
    case Employer::GerontologyNetwork:
      return set({T::FamiliesSeniors});
    case Employer::Association:
      return set({T::Addictions, T::MentalHealth, T::Foreigners});
  }
  return {};
}

Setting setting_from_toml(const toml::table& doc, const std::string& file, double population_scale) {
  check_keys(doc, file, "preset",
             {"name", "description", "sources", "locality", "road", "gp_practice", "gp_density", "service"});
  const std::string name = doc.get("name") ? need_string(doc, "name", file, "preset") : file;
  sim::Territory terr = sim::territory_from_toml(doc, file, name);
  if (population_scale != 1.0) terr = terr.scaled(population_scale);
  Setting s;
  s.territory = std::move(terr);
  if (const auto* d = doc.get_as<std::string>("description")) s.description = d->get();
  if (const auto* d = doc.get_as<std::string>("sources")) s.sources = d->get();
  read_practices(s, doc, file);
  read_services(s, doc, file);
  return s;
}

Setting setting_from_rules(sim::Territory territory, const toml::table& rules, const std::string& file) {
  check_keys(rules, file, "rules", {"name", "description", "sources", "gp_practice", "gp_density", "service"});
  Setting s;
  s.territory = std::move(territory);
  if (const auto* d = rules.get_as<std::string>("description")) s.description = d->get();
  if (const auto* d = rules.get_as<std::string>("sources")) s.sources = d->get();
  read_practices(s, rules, file);
  read_services(s, rules, file);
  return s;
}

std::vector<std::string> preset_names() {
  std::vector<std::string> out;
  for (const auto& [k, v] : embedded_presets())
    if (k.rfind("rules-", 0) != 0) out.push_back(k);
  return out;
}

const std::string& preset_text(const std::string& name) { return embedded_presets().at(name); }

Setting load_setting(const std::string& name_or_path, double population_scale) {
  const auto& presets = embedded_presets();
  if (auto it = presets.find(name_or_path); it != presets.end()) {
    const std::string file = "preset:" + name_or_path;
    return setting_from_toml(parse_toml(it->second, file), file, population_scale);
  }
  const std::filesystem::path p(name_or_path);
  if (p.extension() == ".graphml") {
    sim::Territory t = sim::load_graphml(p);
    if (population_scale != 1.0) t = t.scaled(population_scale);
    // Its own GPs and services: X.services.toml beside X.graphml
    // (sim/TERRITORY_FORMATS.md); otherwise the default rules.
    std::filesystem::path own = p;
    own.replace_extension(".services.toml");
    if (std::error_code ec; std::filesystem::exists(own, ec)) {
      Setting s = setting_from_rules(std::move(t), parse_toml(read_file(own), own.string()), own.string());
      if (s.sources.empty()) s.sources = own.string();
      return s;
    }
    const std::string rf = "preset:rules-default";
    return setting_from_rules(std::move(t), parse_toml(presets.at("rules-default"), rf), rf);
  }
  if (p.extension() == ".toml") {
    const toml::table doc = parse_toml(read_file(p), p.string());
    // Localities and roads only, with X.services.toml beside X.toml: the
    // GPs and services come from there, as for GraphML.
    std::filesystem::path own = p;
    own.replace_extension(".services.toml");
    std::error_code ec;
    if (!doc.contains("gp_practice") && !doc.contains("gp_density") && !doc.contains("service") &&
        std::filesystem::exists(own, ec)) {
      check_keys(doc, p.string(), "territory", {"name", "description", "sources", "locality", "road"});
      const std::string name = doc.get("name") ? need_string(doc, "name", p.string(), "territory") : p.stem().string();
      sim::Territory t = sim::territory_from_toml(doc, p.string(), name);
      if (population_scale != 1.0) t = t.scaled(population_scale);
      Setting s = setting_from_rules(std::move(t), parse_toml(read_file(own), own.string()), own.string());
      if (const auto* d = doc.get_as<std::string>("description"); d && s.description.empty()) s.description = d->get();
      if (s.sources.empty()) s.sources = own.string();
      return s;
    }
    return setting_from_toml(doc, p.string(), population_scale);
  }
  throw InputError("", 0, 0,
                   "territory '" + name_or_path + "': expected a preset name (" +
                       [] {
                         std::string s;
                         for (const auto& n : preset_names()) s += (s.empty() ? "" : ", ") + n;
                         return s;
                       }() +
                       "), a .toml or a .graphml file");
}

}  // namespace models
