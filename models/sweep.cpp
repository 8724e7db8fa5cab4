#include "models/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <numeric>
#include <sstream>

#include "models/calibration_sets.hpp"
#include "models/experiment.hpp"
#include "sim/input_error.hpp"
#include "sim/params.hpp"
#include "sim/random.hpp"

namespace models {
namespace {

using sim::toml_error;

constexpr std::size_t kMaxPoints = 100000;

struct Axis {
  std::string name;
  const toml::node* where = nullptr;
  std::vector<double> values;  // grid: the values; lhs: {min, max}
  bool integer = false;
  // What the axis sets: a model parameter (kModel), or the parameter `key`
  // of every intervention of the base scenario whose type is the name's
  // first part ("coordinator.meeting_minutes").
  static constexpr std::size_t kModel = static_cast<std::size_t>(-1);
  std::size_t target = kModel;  // kModel, or an intervention type's index in the registry
  std::string key;
  bool log = false;  // [uncertainty]: drawn uniformly on the log scale (transform = "log")
};

// A model parameter if the name is one; otherwise "<type>.<key>" of an
// intervention one of the `bases` has (a sweep: its `from` scenario; an
// uncertainty analysis: any hand-written scenario). Sets `integer` from the
// parameter's type. `section` ("sweep", "uncertainty") prefixes messages.
std::size_t resolve_axis(Axis& a, const std::vector<const ScenarioSpec*>& bases, const std::string& file,
                         const std::string& section) {
  const ScenarioSpec& base = *bases.front();
  for (const auto& info : param_table().infos())
    if (info.name == a.name) {
      a.integer = info.type == "integer" || info.type == "choice" || info.type == "boolean";
      return Axis::kModel;
    }
  const auto dot = a.name.find('.');
  const auto& reg = interventions().all();
  for (std::size_t ti = 0; dot != std::string::npos && ti < reg.size(); ++ti) {
    if (reg[ti].name != a.name.substr(0, dot)) continue;
    bool present = false;
    for (const auto* b : bases)
      for (const auto& iv : b->interventions) present = present || iv->type() == reg[ti].name;
    if (!present)
      throw toml_error(file, *a.where,
                       section + ".parameters." + a.name + ": " +
                           (bases.size() == 1 ? "the scenario '" + base.name + "' the " + section + " starts from has no "
                                              : std::string("no scenario has a ")) +
                           reg[ti].name + " intervention");
    a.key = a.name.substr(dot + 1);
    std::vector<std::string> keys;
    for (const auto& info : reg[ti].params()) {
      keys.push_back(info.name);
      if (info.name == a.key) a.integer = info.type == "integer" || info.type == "choice" || info.type == "boolean";
    }
    if (std::find(keys.begin(), keys.end(), a.key) == keys.end())
      throw toml_error(file, *a.where, section + ".parameters." + a.name + ": " +
                                           sim::unknown_key_message(reg[ti].name + " parameter", a.key, keys));
    return ti;
  }
  // Neither: let the model's table say so, with its suggestion.
  ModelParams probe = base.params;
  param_table().set_number(probe, a.name, a.values.front());
  return Axis::kModel;
}

// Sets the axis to v in scenario sc: a model parameter, or the key in every
// intervention of the type, re-parsed from its table with the new value.
// Whether the scenario has something the axis sets.
bool set_axis(ScenarioSpec& sc, const Axis& a, double v) {
  if (a.target == Axis::kModel) return param_table().set_number(sc.params, a.name, v), true;
  const InterventionType& type = interventions().all()[a.target];
  if (a.integer) return set_intervention_key(sc, type, a.key, toml::value<std::int64_t>(std::llround(v)), "sweep");
  return set_intervention_key(sc, type, a.key, toml::value<double>(v), "sweep");
}

std::string num_text(double v) {
  std::ostringstream s;
  s.precision(6);
  s << v;
  return s.str();
}

double number_at(const toml::node& n, const std::string& file, const std::string& what) {
  const double inf = std::numeric_limits<double>::infinity();
  return sim::read_real(n, file, what, -inf, inf);
}

bool is_range_table(const toml::table& t) {
  return t.contains("values") || t.contains("min") || t.contains("max") || t.contains("steps");
}

// Reads one parameter's values (grid) or [min, max] (lhs; with
// `transform`, also {min, max, transform = "log"}: [uncertainty] priors).
Axis read_axis(const std::string& name, const toml::node& node, bool grid, const std::string& file,
               const std::string& section = "sweep", bool transform = false) {
  Axis a;
  a.name = name;
  a.where = &node;
  const std::string what = section + ".parameters." + name;
  auto read_array = [&](const toml::array& arr) {
    for (const auto& el : arr) a.values.push_back(number_at(el, file, what));
  };
  if (const auto* arr = node.as_array()) {
    read_array(*arr);
  } else if (const auto* t = node.as_table()) {
    for (auto&& [k, v] : *t) {
      const std::vector<std::string> valid = grid        ? std::vector<std::string>{"values", "min", "max", "steps"}
                                             : transform ? std::vector<std::string>{"min", "max", "transform"}
                                                         : std::vector<std::string>{"min", "max"};
      if (std::find(valid.begin(), valid.end(), std::string(k.str())) == valid.end())
        throw toml_error(file, v, sim::unknown_key_message(what + " key", k.str(), valid));
    }
    if (const auto* tr = t->get("transform")) {
      const auto v = tr->value<std::string>();
      if (!v || (*v != "log" && *v != "linear"))
        throw toml_error(file, *tr, what + ".transform: expected \"log\" or \"linear\"");
      a.log = *v == "log";
    }
    if (const auto* vals = t->get("values")) {
      if (t->contains("min") || t->contains("max") || t->contains("steps"))
        throw toml_error(file, node, what + ": give either values or min/max/steps, not both");
      if (!vals->is_array()) throw toml_error(file, *vals, what + ".values: expected an array of numbers");
      read_array(*vals->as_array());
    } else {
      if (!t->contains("min") || !t->contains("max")) throw toml_error(file, node, what + ": expected min and max");
      const double lo = number_at(*t->get("min"), file, what + ".min");
      const double hi = number_at(*t->get("max"), file, what + ".max");
      if (!(lo < hi)) throw toml_error(file, node, what + ": min must be below max");
      if (!grid) {
        a.values = {lo, hi};
      } else {
        const auto* st = t->get("steps");
        if (!st) throw toml_error(file, node, what + ": expected steps (the number of values, >= 2)");
        const auto steps = static_cast<std::size_t>(sim::read_integer(*st, file, what + ".steps", 2, 10000));
        for (std::size_t i = 0; i < steps; ++i)
          a.values.push_back(lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(steps - 1));
      }
    }
  } else {
    throw toml_error(file, node, what + (grid ? ": expected an array of values or {min, max, steps}"
                                              : ": expected [min, max] or {min, max}"));
  }
  if (grid) {
    if (a.values.size() < 2) throw toml_error(file, node, what + ": a grid needs at least 2 values");
  } else {
    if (a.values.size() != 2) throw toml_error(file, node, what + ": expected [min, max]");
    if (!(a.values[0] < a.values[1])) throw toml_error(file, node, what + ": min must be below max");
    if (a.log && !(a.values[0] > 0)) throw toml_error(file, node, what + ": transform = \"log\" needs min > 0");
  }
  return a;
}

// Dotted keys may be quoted ("gp.knows_well_share") or nested tables.
void collect_axes(const toml::table& t, const std::string& prefix, bool grid, const std::string& file,
                  std::vector<Axis>& out, const std::string& section = "sweep") {
  for (auto&& [k, v] : t) {
    const std::string name = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table(); sub && !is_range_table(*sub)) collect_axes(*sub, name, grid, file, out, section);
    else out.push_back(read_axis(name, v, grid, file, section, section == "uncertainty"));
  }
}

// toml++ tables iterate in key order; keep the order of the file instead.
void sort_as_written(std::vector<Axis>& axes) {
  std::stable_sort(axes.begin(), axes.end(), [](const Axis& a, const Axis& b) {
    const auto& pa = a.where->source().begin;
    const auto& pb = b.where->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
}

}  // namespace

bool set_intervention_key(ScenarioSpec& sc, const InterventionType& type, const std::string& key,
                          const toml::node& value, const std::string& file) {
  bool any = false;
  for (std::size_t i = 0; i < sc.interventions.size() && i < sc.intervention_tables.size(); ++i) {
    if (sc.interventions[i]->type() != type.name) continue;
    toml::table& tab = sc.intervention_tables[i];
    value.visit([&](const auto& v) { tab.insert_or_assign(key, v); });
    sc.interventions[i] = type.parse(tab, file);
    any = true;
  }
  return any;
}

std::vector<std::vector<double>> grid_points(const std::vector<std::vector<double>>& values) {
  std::vector<std::vector<double>> out = {{}};
  for (const auto& axis : values) {
    std::vector<std::vector<double>> next;
    for (const auto& p : out)
      for (double v : axis) {
        next.push_back(p);
        next.back().push_back(v);
      }
    out = std::move(next);
  }
  return values.empty() ? std::vector<std::vector<double>>{} : out;
}

std::vector<std::vector<double>> lhs_points(const std::vector<double>& lo, const std::vector<double>& hi,
                                            std::size_t n, std::uint64_t seed) {
  sim::Stream rng(seed, 0, "sweep-lhs");
  std::vector<std::vector<double>> pts(n, std::vector<double>(lo.size()));
  const double dn = static_cast<double>(n);
  for (std::size_t j = 0; j < lo.size(); ++j) {
    std::vector<std::size_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0);
    for (std::size_t i = n; i > 1; --i) std::swap(perm[i - 1], perm[rng.below(i)]);  // Fisher-Yates
    for (std::size_t i = 0; i < n; ++i)
      pts[i][j] = lo[j] + (hi[j] - lo[j]) * (static_cast<double>(perm[i]) + rng.uniform()) / dn;
  }
  return pts;
}

std::vector<std::vector<double>> sobol_points(const std::vector<double>& lo, const std::vector<double>& hi,
                                              std::size_t n, std::uint64_t seed) {
  const std::size_t d = lo.size();
  std::vector<double> lo2 = lo, hi2 = hi;
  lo2.insert(lo2.end(), lo.begin(), lo.end());
  hi2.insert(hi2.end(), hi.begin(), hi.end());
  const auto ab = lhs_points(lo2, hi2, n, seed);  // columns 0..d-1: A, d..2d-1: B
  std::vector<std::vector<double>> pts;
  pts.reserve(n * (d + 2));
  for (const auto& row : ab) pts.emplace_back(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(d));
  for (const auto& row : ab) pts.emplace_back(row.begin() + static_cast<std::ptrdiff_t>(d), row.end());
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t k = 0; k < n; ++k) {
      pts.push_back(pts[k]);      // A ...
      pts.back()[i] = ab[k][d + i];  // ... with column i from B
    }
  return pts;
}

std::vector<std::vector<double>> morris_points(const std::vector<double>& lo, const std::vector<double>& hi,
                                               std::size_t trajectories, std::size_t levels, std::uint64_t seed) {
  sim::Stream rng(seed, 0, "sweep-morris");
  const std::size_t d = lo.size();
  const double step = 1.0 / static_cast<double>(levels - 1);
  // delta = levels / (2 (levels - 1)): a whole number of grid steps, levels / 2.
  const std::size_t jump = levels / 2;
  const std::size_t starts = levels - jump;  // grid values k with k + jump <= levels - 1
  std::vector<std::vector<double>> pts;
  pts.reserve(trajectories * (d + 1));
  for (std::size_t t = 0; t < trajectories; ++t) {
    // In grid steps: a start x* and a direction per parameter; a parameter
    // going down starts jump steps higher, so every value stays on the grid.
    std::vector<std::size_t> at(d);
    std::vector<bool> up(d);
    for (std::size_t j = 0; j < d; ++j) {
      at[j] = rng.below(starts);
      up[j] = rng.bernoulli(0.5);
      if (!up[j]) at[j] += jump;
    }
    std::vector<std::size_t> order(d);
    std::iota(order.begin(), order.end(), 0);
    for (std::size_t i = d; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    auto emit = [&] {
      pts.emplace_back(d);
      for (std::size_t j = 0; j < d; ++j)
        pts.back()[j] = lo[j] + (hi[j] - lo[j]) * std::min(1.0, static_cast<double>(at[j]) * step);
    };
    emit();
    for (std::size_t j : order) {
      at[j] = up[j] ? at[j] + jump : at[j] - jump;
      emit();
    }
  }
  return pts;
}

SweepDesign expand_sweep(const toml::node& node, const std::string& file, const ScenarioSpec& base_in,
                         std::uint64_t default_seed, std::vector<ScenarioSpec>& scenarios) {
  const ScenarioSpec base = base_in;  // `scenarios` grows below; base_in may live in it
  const auto* t = node.as_table();
  if (!t) throw toml_error(file, node, "sweep: expected a table ([sweep])");
  const std::vector<std::string> valid = {"method", "samples", "seed", "parameters", "from",  // from: read by the caller
                                          "trajectories", "levels"};
  for (auto&& [k, v] : *t)
    if (std::find(valid.begin(), valid.end(), std::string(k.str())) == valid.end())
      throw toml_error(file, v, sim::unknown_key_message("sweep key", k.str(), valid));
  SweepDesign d;
  const auto* m = t->get("method");
  if (!m || !m->is_string())
    throw toml_error(file, m ? *m : node, "sweep.method: expected \"grid\", \"lhs\", \"sobol\" or \"morris\"");
  d.method = *m->value<std::string>();
  if (d.method != "grid" && d.method != "lhs" && d.method != "sobol" && d.method != "morris")
    throw toml_error(file, *m, "sweep.method: '" + d.method + "' is not one of grid | lhs | sobol | morris");
  const bool grid = d.method == "grid", morris = d.method == "morris";
  std::size_t samples = 0;
  if (const auto* s = t->get("samples")) {
    if (grid || morris)
      throw toml_error(file, *s, "sweep.samples: only read with method = \"lhs\" or \"sobol\" (" +
                                     (grid ? std::string("a grid has one point per combination")
                                           : std::string("morris takes trajectories and levels")) + ")");
    samples = static_cast<std::size_t>(sim::read_integer(*s, file, "sweep.samples", 2, static_cast<std::int64_t>(kMaxPoints)));
  } else if (!grid && !morris) {
    throw toml_error(file, node, d.method == "lhs" ? "sweep.samples: missing (the number of Latin hypercube points, >= 2)"
                                                   : "sweep.samples: missing (the number N of base samples, >= 2; "
                                                     "the design has N x (parameters + 2) points)");
  }
  for (const char* key : {"trajectories", "levels"})
    if (const auto* k = t->get(key); k && !morris)
      throw toml_error(file, *k, std::string("sweep.") + key + ": only read with method = \"morris\"");
  if (morris) {
    // Defaults: Campolongo et al. (2007) suggest 4 levels and 10 or more trajectories.
    d.trajectories = 10, d.levels = 4;
    if (const auto* k = t->get("trajectories"))
      d.trajectories = static_cast<std::size_t>(sim::read_integer(*k, file, "sweep.trajectories", 2, 10000));
    if (const auto* k = t->get("levels")) {
      d.levels = static_cast<std::size_t>(sim::read_integer(*k, file, "sweep.levels", 2, 1000));
      if (d.levels % 2) throw toml_error(file, *k, "sweep.levels: expected an even number (delta = levels / (2 (levels - 1)))");
    }
  }
  d.seed = default_seed;
  if (const auto* s = t->get("seed")) {
    // 53 bits, like experiment.seed: exact in every numeric column and in JSON.
    d.seed = static_cast<std::uint64_t>(sim::read_integer(*s, file, "sweep.seed", 0, sim::kMaxExactInteger - 1));
  }
  const auto* pn = t->get("parameters");
  if (!pn || !pn->is_table() || pn->as_table()->empty())
    throw toml_error(file, pn ? *pn : node, "sweep.parameters: expected a table of parameter = range");
  std::vector<Axis> axes;
  collect_axes(*pn->as_table(), "", grid, file, axes);
  sort_as_written(axes);

  // Every value must be one the parameter accepts: try them on a copy.
  for (auto& a : axes) {
    try {
      a.target = resolve_axis(a, {&base}, file, "sweep");
      for (double v : a.values) {
        ScenarioSpec probe = base;
        set_axis(probe, a, a.integer ? std::round(v) : v);
      }
    } catch (const sim::InputError& e) {
      if (e.file() == file) throw;  // already placed
      throw toml_error(file, *a.where, "sweep.parameters: " + e.message());
    }
    d.parameters.push_back(a.name);
    d.lower.push_back(*std::min_element(a.values.begin(), a.values.end()));
    d.upper.push_back(*std::max_element(a.values.begin(), a.values.end()));
  }

  if (grid) {
    double total = 1;
    std::vector<std::vector<double>> values;
    for (const auto& a : axes) total *= static_cast<double>(a.values.size()), values.push_back(a.values);
    if (total > static_cast<double>(kMaxPoints))
      throw toml_error(file, *pn, "sweep: the grid has " + num_text(total) + " points, more than " + std::to_string(kMaxPoints));
    d.points = grid_points(values);
  } else {
    std::vector<double> lo, hi;
    for (const auto& a : axes) lo.push_back(a.values[0]), hi.push_back(a.values[1]);
    const double total = d.method == "lhs"   ? static_cast<double>(samples)
                         : d.method == "sobol" ? static_cast<double>(samples) * static_cast<double>(axes.size() + 2)
                                               : static_cast<double>(d.trajectories) * static_cast<double>(axes.size() + 1);
    if (total > static_cast<double>(kMaxPoints))
      throw toml_error(file, node, "sweep: the " + d.method + " design has " + num_text(total) + " points, more than " +
                                       std::to_string(kMaxPoints));
    d.base_samples = d.method == "sobol" ? samples : 0;
    d.points = d.method == "lhs"     ? lhs_points(lo, hi, samples, d.seed)
               : d.method == "sobol" ? sobol_points(lo, hi, samples, d.seed)
                                     : morris_points(lo, hi, d.trajectories, d.levels, d.seed);
    // Integer parameters take the nearest integer: strata stay as drawn.
    for (auto& p : d.points)
      for (std::size_t j = 0; j < axes.size(); ++j)
        if (axes[j].integer) p[j] = std::round(p[j]);
  }

  const std::size_t digits = std::max<std::size_t>(4, std::to_string(d.points.size() - 1).size());
  for (std::size_t i = 0; i < d.points.size(); ++i) {
    ScenarioSpec sc = base;
    std::string idx = std::to_string(i);
    sc.name = "sweep-" + std::string(digits - idx.size(), '0') + idx;
    for (const auto& other : scenarios)
      if (other.name == sc.name) throw toml_error(file, node, "sweep: scenario name '" + sc.name + "' is already taken");
    sc.description = "Sweep point " + idx + " from '" + base.name + "':";
    for (std::size_t j = 0; j < axes.size(); ++j) {
      set_axis(sc, axes[j], d.points[i][j]);
      sc.description += (j ? ", " : " ") + axes[j].name + " = " + num_text(d.points[i][j]);
    }
    if (auto err = check_consistency(sc.params); !err.empty())
      throw toml_error(file, node, "sweep point " + idx + " (" + sc.description + "): " + err);
    d.scenarios.push_back(sc.name);
    scenarios.push_back(std::move(sc));
  }
  return d;
}

std::string draw_scenario_name(const std::string& option, std::size_t k) { return option + "@d" + std::to_string(k); }

UncertaintyDesign expand_uncertainty(const toml::node& node, const std::string& file, std::uint64_t default_seed,
                                     std::vector<ScenarioSpec>& scenarios) {
  const std::vector<ScenarioSpec> options = scenarios;  // `scenarios` grows below
  const auto* t = node.as_table();
  if (!t) throw toml_error(file, node, "uncertainty: expected a table ([uncertainty])");
  const std::vector<std::string> valid = {"draws", "seed", "parameters", "calibration"};
  for (auto&& [k, v] : *t)
    if (std::find(valid.begin(), valid.end(), std::string(k.str())) == valid.end())
      throw toml_error(file, v, sim::unknown_key_message("uncertainty key", k.str(), valid));
  UncertaintyDesign d;
  const auto* dn = t->get("draws");
  if (!dn) throw toml_error(file, node, "uncertainty.draws: missing (the number of parameter draws, >= 2)");
  const auto n = static_cast<std::size_t>(sim::read_integer(*dn, file, "uncertainty.draws", 2, 100000));
  if (static_cast<double>(n) * static_cast<double>(options.size()) > static_cast<double>(kMaxPoints))
    throw toml_error(file, *dn, "uncertainty.draws: " + std::to_string(n) + " draws x " +
                                    std::to_string(options.size()) + " scenarios is more than " +
                                    std::to_string(kMaxPoints) + " scenarios");
  d.seed = default_seed;
  if (const auto* s = t->get("seed"))
    d.seed = static_cast<std::uint64_t>(sim::read_integer(*s, file, "uncertainty.seed", 0, sim::kMaxExactInteger - 1));
  // calibration = "CAL.h5": the fitted parameters' draws are accepted sets
  // of that calibration, whole rows (the posterior's correlations kept).
  const auto* cn = t->get("calibration");
  CalibrationSets cal;
  if (cn) {
    const auto path = cn->value<std::string>();
    if (!cn->is_string() || !path || path->empty())
      throw toml_error(file, *cn, "uncertainty.calibration: expected the path of a calibration results file "
                                  "(`passerelle calibrate ... -o CAL.h5`), relative to the experiment file");
    std::filesystem::path cp(*path);
    if (cp.is_relative()) cp = std::filesystem::path(file).parent_path() / cp;
    cal = read_calibration_sets(cp.string(), file, *cn);
  }
  const auto* pn = t->get("parameters");
  if ((pn || !cn) && (!pn || !pn->is_table() || pn->as_table()->empty()))
    throw toml_error(file, pn ? *pn : node, "uncertainty.parameters: expected a table of parameter = [min, max]");
  std::vector<Axis> axes;  // the prior ranges
  if (pn) collect_axes(*pn->as_table(), "", false, file, axes, "uncertainty");
  sort_as_written(axes);
  for (const auto& a : axes)
    if (std::find(cal.columns.begin(), cal.columns.end(), a.name) != cal.columns.end())
      throw toml_error(file, *a.where, "uncertainty.parameters." + a.name + ": also fitted by the calibration '" +
                                           cal.path + "', whose accepted sets give its draws; remove its range here "
                                           "(or drop uncertainty.calibration to draw it from this range)");
  // The calibrated parameters come first, as columns of the file; their
  // range is the accepted sets' extent.
  const std::size_t calibrated = cal.columns.size();
  std::vector<Axis> all;
  for (std::size_t j = 0; j < calibrated; ++j) {
    Axis a;
    a.name = cal.columns[j];
    a.where = cn;
    a.values = {cal.rows.front()[j], cal.rows.front()[j]};
    for (const auto& row : cal.rows) a.values = {std::min(a.values[0], row[j]), std::max(a.values[1], row[j])};
    all.push_back(std::move(a));
  }
  for (auto& a : axes) all.push_back(std::move(a));  // `axes` is spent: use `all` below
  std::vector<const ScenarioSpec*> bases;
  for (const auto& sc : options) bases.push_back(&sc);
  for (std::size_t j = 0; j < all.size(); ++j) {
    Axis& a = all[j];
    try {
      a.target = resolve_axis(a, bases, file, "uncertainty");
      for (double v : a.values)
        for (const auto& sc : options) {
          ScenarioSpec probe = sc;
          set_axis(probe, a, a.integer ? std::round(v) : v);
        }
    } catch (const sim::InputError& e) {
      if (e.file() == file) throw;
      throw toml_error(file, *a.where,
                       j < calibrated ? "uncertainty.calibration: column '" + a.name + "' of '" + cal.path +
                                            "/calibration/accepted': " + e.message()
                                      : "uncertainty.parameters: " + e.message());
    }
    d.parameters.push_back(a.name);
    d.transforms.push_back(j < calibrated ? "calibrated" : a.log ? "log" : "linear");
    d.ranges.emplace_back(a.values[0], a.values[1]);
  }
  // Latin hypercube on each prior parameter's scale (log: on log(value)).
  std::vector<double> lo, hi;
  for (std::size_t j = calibrated; j < all.size(); ++j) {
    const Axis& a = all[j];
    lo.push_back(a.log ? std::log(a.values[0]) : a.values[0]);
    hi.push_back(a.log ? std::log(a.values[1]) : a.values[1]);
  }
  const auto prior = lo.empty() ? std::vector<std::vector<double>>(n) : lhs_points(lo, hi, n, d.seed);
  if (calibrated) {
    d.calibration = cal.path;
    d.calibration_name = cal.name;
    d.calibration_hash = cal.hash;
    d.calibrated = cal.columns;
    d.calibration_accepted = cal.rows.size();
    d.calibration_rows = choose_calibration_rows(cal.rows.size(), n, d.seed);
  }
  for (std::size_t k = 0; k < n; ++k) {
    std::vector<double> p = calibrated ? cal.rows[d.calibration_rows[k]] : std::vector<double>{};
    p.insert(p.end(), prior[k].begin(), prior[k].end());
    d.draws.push_back(std::move(p));
  }
  for (auto& p : d.draws)
    for (std::size_t j = 0; j < all.size(); ++j) {
      if (all[j].log) p[j] = std::clamp(std::exp(p[j]), all[j].values[0], all[j].values[1]);
      if (all[j].integer) p[j] = std::round(p[j]);
    }
  for (const auto& o : options) d.options.push_back(o.name);
  for (std::size_t k = 0; k < n; ++k) {
    d.scenarios.emplace_back();
    for (const auto& o : options) {
      ScenarioSpec sc = o;
      sc.name = draw_scenario_name(o.name, k);
      if (sc.name.size() > 100)
        throw toml_error(file, node, "uncertainty: the draw scenario name '" + sc.name + "' is longer than 100 characters");
      for (const auto& other : scenarios)
        if (other.name == sc.name) throw toml_error(file, node, "uncertainty: scenario name '" + sc.name + "' is already taken");
      sc.description = "Uncertainty draw " + std::to_string(k) + " of '" + o.name + "':";
      bool first = true;
      for (std::size_t j = 0; j < all.size(); ++j) {
        if (!set_axis(sc, all[j], d.draws[k][j])) continue;  // an intervention this option does not have
        sc.description += (first ? " " : ", ") + all[j].name + " = " + num_text(d.draws[k][j]);
        first = false;
      }
      if (calibrated) sc.description += " (accepted set " + std::to_string(d.calibration_rows[k]) + " of the calibration)";
      if (auto err = check_consistency(sc.params); !err.empty())
        throw toml_error(file, node, "uncertainty draw " + std::to_string(k) + " (" + sc.description + "): " + err);
      d.scenarios.back().push_back(sc.name);
      scenarios.push_back(std::move(sc));
    }
  }
  return d;
}

}  // namespace models
