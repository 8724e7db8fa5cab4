// The per-scenario summary table of a results file (mean ± 95 % CI over
// replicates), as text for a terminal (`passerelle info`) or as JSON.
#include "analysis/src/summary.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "analysis/src/json_text.hpp"
#include "analysis/src/text_table.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/stats.hpp"

namespace analysis {
namespace {

const std::vector<std::string>& key_metrics() {
  static const std::vector<std::string> m = {
      "gp_social_minutes_per_gp_week", "needs_onset", "needs_resolved", "needs_open", "needs_abandoned",
      "unmet_need_days", "unmet_share_90d", "median_days_to_resolution", "p90_days_to_resolution",
      "wrong_door_hops", "contact_attempts", "contact_failures", "consent_refusals", "secrecy_blocked",
      "collaboration_ties", "cost_eur", "gp_minutes_per_gp_week", "gp_social_share", "worker_utilisation",
      "median_days_to_first_appointment", "median_days_referral_to_resolution"};
  return m;
}

std::string fmt(double v, double hw) {
  char buf[64];
  const double a = std::fabs(v);
  const int prec = a >= 1000 ? 0 : (a >= 10 ? 1 : (a >= 1 ? 2 : 3));
  if (std::isnan(v)) return "n/a";
  if (std::isnan(hw)) std::snprintf(buf, sizeof buf, "%.*f", prec, v);
  else std::snprintf(buf, sizeof buf, "%.*f ± %.*f", prec, v, prec, hw);
  return buf;
}

}  // namespace

std::string printable(const std::string& s) {
  std::string o;
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      o += buf;
    } else {
      o += static_cast<char>(ch);
    }
  }
  return o;
}

void require_results_file(const sim::h5::Reader& r, const std::filesystem::path& path) {
  if (!r.has_attribute("/", "scenarios"))
    throw sim::InputError(path.string(), 0, 0, "not a Passerelle results file (no scenarios attribute at its root)");
}

std::string summary_text(const std::filesystem::path& path) {
  sim::h5::Reader r(path);
  require_results_file(r, path);
  // The terminal table shows the hand-written scenarios: an uncertainty
  // analysis or a sweep adds hundreds of generated ones (draws, points),
  // which no terminal can show side by side; they are counted, and every
  // one stays in `info --json`, `compare`, `export --csv` and the report.
  std::vector<std::string> scen, generated;
  for (const auto& s : r.attribute_strings("/", "scenarios")) {
    const std::string g = "/scenarios/" + s;
    const bool made = r.has_attribute(g, "uncertainty_draw") || r.has_attribute(g, "sweep_index");
    (made ? generated : scen).push_back(s);
  }
  if (scen.empty()) scen.swap(generated);  // nothing hand-written: show what there is
  std::vector<sim::h5::Table> tables;
  for (const auto& s : scen) tables.push_back(r.read_table("/scenarios/" + s + "/summary"));
  std::ostringstream out;
  out << "Experiment '" << printable(r.attribute_string("/", "experiment_name")) << "' on "
      << printable(r.attribute_string("/", "territory")) << ": " << r.attribute_int("/", "replicates")
      << " replicates, mean ± 95 % CI over replicates (after warm-up)\n\n";
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head = {"metric"};
  for (const auto& s : scen) head.push_back(printable(s));
  rows.push_back(head);
  for (const auto& m : key_metrics()) {
    std::vector<std::string> row = {m};
    for (const auto& t : tables) {
      const auto* c = t.find(m);
      row.push_back(c ? [&] { auto ci = sim::mean_ci(c->values); return fmt(ci.mean, ci.half_width); }() : "-");
    }
    rows.push_back(row);
  }
  print_table(out, rows);
  if (!generated.empty())
    out << "\n(+ " << generated.size()
        << " generated scenarios — uncertainty draws or sweep points — not shown: `passerelle info --json`, "
           "`compare`, `export --csv` and the report have them)\n";
  return out.str();
}

std::string summary_json(const std::filesystem::path& path) {
  sim::h5::Reader r(path);
  require_results_file(r, path);
  const auto scen = r.attribute_strings("/", "scenarios");
  Json j;
  j["experiment"] = r.attribute_string("/", "experiment_name");
  j["territory"] = r.attribute_string("/", "territory");
  j["base_seed"] = r.attribute_int("/", "base_seed");
  j["replicates"] = r.attribute_int("/", "replicates");
  Json& scenarios = j["scenarios"] = Json::object();
  for (const auto& s : scen) {
    const auto t = r.read_table("/scenarios/" + s + "/summary");
    Json& row = scenarios[s] = Json::object();
    for (const auto& col : t.columns) {
      const auto ci = sim::mean_ci(col.values);
      row[col.name] = Json{{"mean", json_num(ci.mean)},
                           {"ci_low", json_num(ci.mean - ci.half_width)},
                           {"ci_high", json_num(ci.mean + ci.half_width)},
                           {"n", ci.n},
                           {"units", col.units}};
    }
  }
  return j.dump() + "\n";
}

}  // namespace analysis
