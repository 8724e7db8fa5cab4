#include "models/overrides.hpp"

#include <toml++/toml.h>

#include <algorithm>

#include "models/economics.hpp"
#include "models/sweep.hpp"
#include "sim/input_error.hpp"
#include "sim/params.hpp"

namespace models {
namespace {

using sim::InputError;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

struct Parsed {
  std::string name;
  std::vector<std::string> parts;  // the name split at its dots
  toml::table value;               // {"v" = VALUE}
};

Parsed parse(const std::string& arg) {
  const std::string what = "--set " + arg;
  const auto eq = arg.find('=');
  Parsed p;
  if (eq != std::string::npos) p.name = trim(arg.substr(0, eq));
  if (eq == std::string::npos || p.name.empty())
    throw InputError(what, 0, 0, "expected NAME=VALUE, e.g. --set gp.knows_well_share=0.3");
  std::size_t start = 0;
  for (;;) {
    const auto dot = p.name.find('.', start);
    p.parts.push_back(p.name.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& part : p.parts)
    if (part.empty() || part.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") !=
                            std::string::npos)
      throw InputError(what, 0, 0, "'" + p.name + "' is not a parameter name (letters, digits, _ and - between dots)");
  const std::string value = trim(arg.substr(eq + 1));
  if (value.empty()) throw InputError(what, 0, 0, "no value after '='");
  // A TOML value; anything else (a bare word) is the string as written.
  bool parsed = false;
  if (value.find_first_of("\n\r") == std::string::npos) {
    try {
      toml::table t = toml::parse("v = " + value, std::string(what));
      if (t.size() == 1 && t.contains("v")) p.value = std::move(t), parsed = true;
    } catch (const toml::parse_error&) {
    }
  }
  if (!parsed) p.value.insert_or_assign("v", value);
  return p;
}

// The override's value as a table nested along `parts` ({a = {b = VALUE}}).
toml::table nested(const std::vector<std::string>& parts, std::size_t from, const toml::node& v) {
  toml::table t;
  if (from + 1 == parts.size()) {
    v.visit([&](const auto& n) { t.insert_or_assign(parts[from], n); });
  } else {
    t.insert_or_assign(parts[from], nested(parts, from + 1, v));
  }
  return t;
}

bool is_model_parameter(const Parsed& p) {
  const auto& table = param_table();
  if (table.contains(p.name)) return true;
  const auto dot = p.name.rfind('.');
  return dot != std::string::npos && table.contains(p.name.substr(0, dot));  // per-label
}

bool overlaps(const std::string& a, const std::string& b) {
  return a == b || a.rfind(b + ".", 0) == 0 || b.rfind(a + ".", 0) == 0;
}

void apply_one(Experiment& ex, const std::string& arg) {
  const std::string what = "--set " + arg;
  const Parsed p = parse(arg);
  for (const auto& swept : ex.sweep.parameters)
    if (overlaps(swept, p.name))
      throw InputError(what, 0, 0, "'" + swept + "' is varied by the experiment's [sweep]; change its range there");
  for (const auto& drawn : ex.uncertainty.parameters)
    if (overlaps(drawn, p.name))
      throw InputError(what, 0, 0, "'" + drawn + "' is drawn by the experiment's [uncertainty]; change its range there");
  const toml::node& value = *p.value.get("v");
  if (p.parts.size() == 2 && p.parts.front() == "economics") {  // [economics]: no simulated number changes
    set_economic(ex.economics, p.parts.back(), value, what);
    return;
  }
  const InterventionType* type = nullptr;
  if (!is_model_parameter(p) && p.parts.size() >= 2) type = interventions().find(p.parts.front());
  if (!type) {
    const toml::table t = nested(p.parts, 0, value);
    for (auto& sc : ex.scenarios) {
      param_table().apply(sc.params, t, what);
      if (auto err = check_consistency(sc.params); !err.empty())
        throw InputError(what, 0, 0, "scenario '" + sc.name + "': " + err);
    }
    return;
  }
  const std::string key = p.name.substr(p.parts.front().size() + 1);
  std::vector<std::string> keys;
  for (const auto& info : type->params()) keys.push_back(info.name);
  if (std::find(keys.begin(), keys.end(), key) == keys.end())
    throw InputError(what, 0, 0, sim::unknown_key_message(type->name + " parameter", key, keys));
  bool any = false;
  for (auto& sc : ex.scenarios) any = set_intervention_key(sc, *type, key, value, what) || any;
  if (!any)
    throw InputError(what, 0, 0, "no scenario of the experiment has a " + type->name + " intervention");
}

}  // namespace

void apply_overrides(Experiment& ex, const std::vector<std::string>& sets) {
  for (const auto& s : sets) {
    try {
      apply_one(ex, s);
    } catch (const InputError& e) {
      const std::string what = "--set " + s;
      if (e.file() == what && e.line() == 0) throw;
      // The tables place errors at the value's (meaningless) line: drop it.
      throw InputError(what, 0, 0, e.message());
    }
    ex.overrides.push_back(s);
  }
}

std::vector<std::string> overridden_names(const std::vector<std::string>& sets) {
  std::vector<std::string> out;
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    out.push_back(trim(s.substr(0, eq)));
  }
  return out;
}

}  // namespace models
