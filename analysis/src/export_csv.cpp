#include "analysis/src/export_csv.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>

#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/stats.hpp"

namespace analysis {
namespace {

namespace fs = std::filesystem;
using sim::InputError;

std::string num(double v, bool integer = false) {
  if (std::isnan(v)) return "";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (integer && std::fabs(v) < 9.007199254740992e15) return std::to_string(static_cast<long long>(v));
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest text that reads back exactly
  return std::string(buf, r.ptr);
}

// A CSV file being written: rows of fields, quoted as needed.
class Csv {
 public:
  explicit Csv(std::vector<std::string> header) : header_(std::move(header)) {}
  void row(const std::vector<std::string>& fields) { rows_.push_back(fields); }
  std::size_t rows() const { return rows_.size(); }
  std::string text() const {
    std::string out;
    auto line = [&](const std::vector<std::string>& f) {
      for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + csv_field(f[i]);
      out += "\n";
    };
    line(header_);
    for (const auto& r : rows_) line(r);
    return out;
  }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

struct Units {
  Csv csv{{"file", "column", "unit"}};
  std::set<std::pair<std::string, std::string>> seen;
  void add(const std::string& file, const std::string& column, const std::string& unit) {
    if (seen.insert({file, column}).second) csv.row({file, column, unit});
  }
};

}  // namespace

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

std::vector<std::string> export_csv(const fs::path& results, const fs::path& dir, bool force) {
  const std::string what = results.string();
  std::unique_ptr<sim::h5::Reader> reader;
  try {
    reader = std::make_unique<sim::h5::Reader>(results);
  } catch (const sim::RunError& e) {
    throw InputError(what, 0, 0, std::string("not a results file (") + e.what() + ")");
  } catch (const InputError& e) {  // the reader says "not an HDF5 file" as bad input
    throw InputError(what, 0, 0, "not a results file (" + e.message() + ")");
  }
  const sim::h5::Reader& r = *reader;
  if (!r.has_attribute("/", "schema_version") || !r.has_attribute("/", "scenarios") || !r.exists("/scenarios"))
    throw InputError(what, 0, 0, "not a results file of `passerelle run` (no schema_version or scenarios)");
  const auto scenarios = r.attribute_strings("/", "scenarios");

  std::map<std::string, Csv> files;  // name -> contents
  Units units;

  // Sweep design: /sensitivity/parameters and points, or the scenarios'
  // sweep_index attributes.
  std::vector<std::string> swept;
  std::vector<double> points;
  std::map<std::string, std::size_t> sweep_index;
  if (r.exists("/sensitivity/parameters") && r.exists("/sensitivity/points")) {
    swept = r.read_strings("/sensitivity/parameters");
    std::size_t rows = 0, cols = 0;
    points = r.read_matrix("/sensitivity/points", rows, cols);
    const auto sn = r.read_strings("/sensitivity/scenarios");
    if (cols != swept.size() || rows != sn.size()) throw InputError(what, 0, 0, "/sensitivity: points do not match parameters");
    std::vector<std::string> head = {"sweep_index", "scenario"};
    head.insert(head.end(), swept.begin(), swept.end());
    Csv pts(head);
    for (std::size_t i = 0; i < rows; ++i) {
      sweep_index[sn[i]] = i;
      std::vector<std::string> row = {std::to_string(i), sn[i]};
      for (std::size_t k = 0; k < cols; ++k) row.push_back(num(points[i * cols + k]));
      pts.row(row);
    }
    files.emplace("sweep_points.csv", std::move(pts));
    for (const auto& p : swept) units.add("sweep_points.csv", p, "parameter units (parameters.csv)");
  }
  for (const auto& s : scenarios)
    if (!sweep_index.count(s) && r.has_attribute("/scenarios/" + s, "sweep_index"))
      sweep_index[s] = static_cast<std::size_t>(r.attribute_int("/scenarios/" + s, "sweep_index"));

  // [uncertainty] draws: /uncertainty/parameters and draws, and each draw
  // scenario's uncertainty_draw and option attributes.
  std::vector<std::string> drawn;
  std::vector<double> draws;
  if (r.exists("/uncertainty/parameters") && r.exists("/uncertainty/draws")) {
    drawn = r.read_strings("/uncertainty/parameters");
    std::size_t rows = 0, cols = 0;
    draws = r.read_matrix("/uncertainty/draws", rows, cols);
    if (cols != drawn.size()) throw InputError(what, 0, 0, "/uncertainty: draws do not match parameters");
    for (const auto& p : drawn) units.add("runs.csv", p, "parameter units (parameters.csv)");
  }
  const std::size_t n_draws = drawn.empty() ? 0 : draws.size() / drawn.size();

  // Summary fields: the union over scenarios, in order of first appearance.
  std::vector<sim::h5::Table> tables;
  std::vector<std::string> fields;
  std::map<std::string, bool> integer;
  for (const auto& s : scenarios) {
    tables.push_back(r.read_table("/scenarios/" + s + "/summary"));
    for (const auto& c : tables.back().columns) {
      if (!integer.count(c.name)) fields.push_back(c.name), integer[c.name] = c.is_integer;
      units.add("runs.csv", c.name, c.units);
      units.add("summary.csv", c.name, c.units);
    }
  }
  std::vector<std::string> head = {"scenario", "replicate", "seed", "sweep_index"};
  head.insert(head.end(), swept.begin(), swept.end());
  if (!drawn.empty()) {
    head.push_back("uncertainty_draw");
    head.push_back("option");
    head.insert(head.end(), drawn.begin(), drawn.end());
  }
  for (const auto& f : fields)
    if (f != "replicate" && f != "seed") head.push_back(f);
  Csv runs(head);
  Csv summary({"scenario", "replicate", "metric", "value"});
  for (std::size_t si = 0; si < scenarios.size(); ++si) {
    const auto& t = tables[si];
    const auto* rep = t.find("replicate");
    const auto* seed = t.find("seed");
    const auto sw = sweep_index.find(scenarios[si]);
    for (std::size_t k = 0; k < t.rows(); ++k) {
      const std::string rk = rep ? num(rep->values[k], true) : std::to_string(k);
      std::vector<std::string> row = {scenarios[si], rk, seed ? num(seed->values[k], true) : "",
                                      sw == sweep_index.end() ? "" : std::to_string(sw->second)};
      for (std::size_t p = 0; p < swept.size(); ++p)
        row.push_back(sw == sweep_index.end() || points.empty() ? "" : num(points[sw->second * swept.size() + p]));
      if (!drawn.empty()) {
        const std::string g = "/scenarios/" + scenarios[si];
        const bool is_draw = r.has_attribute(g, "uncertainty_draw");
        const auto d = is_draw ? static_cast<std::size_t>(r.attribute_int(g, "uncertainty_draw")) : n_draws;
        row.push_back(is_draw ? std::to_string(d) : "");
        row.push_back(is_draw && r.has_attribute(g, "option") ? r.attribute_string(g, "option") : "");
        for (std::size_t p = 0; p < drawn.size(); ++p)
          row.push_back(d < n_draws ? num(draws[d * drawn.size() + p]) : "");
      }
      for (const auto& f : fields) {
        if (f == "replicate" || f == "seed") continue;
        const auto* c = t.find(f);
        row.push_back(c ? num(c->values[k], c->is_integer) : "");
        if (c) summary.row({scenarios[si], rk, f, num(c->values[k], c->is_integer)});
      }
      runs.row(row);
    }
  }
  // Per scenario: mean and 95 % CI over replicates (the table `info` prints).
  Csv means({"scenario", "metric", "mean", "ci_low", "ci_high", "n", "unit"});
  for (std::size_t si = 0; si < scenarios.size(); ++si)
    for (const auto& c : tables[si].columns) {
      if (c.name == "replicate" || c.name == "seed") continue;
      const auto ci = sim::mean_ci(c.values);
      means.row({scenarios[si], c.name, num(ci.mean), num(ci.mean - ci.half_width), num(ci.mean + ci.half_width),
                 std::to_string(ci.n), c.units});
    }
  files.emplace("scenario_summary.csv", std::move(means));
  units.add("scenario_summary.csv", "mean", "the row's unit column");
  files.emplace("runs.csv", std::move(runs));
  files.emplace("summary.csv", std::move(summary));
  units.add("runs.csv", "sweep_index", "index into sweep_points.csv");
  if (!drawn.empty()) {
    units.add("runs.csv", "uncertainty_draw", "row of /uncertainty/draws");
    units.add("runs.csv", "option", "the hand-written scenario the draw runs");
  }

  // Weekly series and breakdowns: replicates x weeks (categories) matrices.
  Csv weekly({"scenario", "replicate", "week", "metric", "value"});
  Csv breakdowns({"scenario", "breakdown", "metric", "replicate", "category", "value"});
  Csv parameters({"scenario", "name", "value", "unit", "source"});
  for (std::size_t si = 0; si < scenarios.size(); ++si) {
    const std::string base = "/scenarios/" + scenarios[si];
    const auto& t = tables[si];
    const auto* rep = t.find("replicate");
    auto rep_key = [&](std::size_t k) { return rep && k < rep->values.size() ? num(rep->values[k], true) : std::to_string(k); };
    if (r.exists(base + "/weekly"))
      for (const auto& m : r.children(base + "/weekly")) {
        std::size_t rows = 0, cols = 0;
        const auto data = r.read_matrix(base + "/weekly/" + m, rows, cols);
        units.add("weekly.csv", m, r.has_attribute(base + "/weekly/" + m, "units") ? r.attribute_string(base + "/weekly/" + m, "units") : "");
        for (std::size_t k = 0; k < rows; ++k)
          for (std::size_t w = 0; w < cols; ++w) weekly.row({scenarios[si], rep_key(k), std::to_string(w), m, num(data[k * cols + w])});
      }
    for (const auto& g : r.children(base)) {
      if (g.rfind("by_", 0) != 0) continue;
      for (const auto& m : r.children(base + "/" + g)) {
        const std::string path = base + "/" + g + "/" + m;
        std::size_t rows = 0, cols = 0;
        const auto data = r.read_matrix(path, rows, cols);
        std::vector<std::string> cats;
        if (r.has_attribute(path, "categories")) cats = r.attribute_strings(path, "categories");
        units.add("breakdowns.csv", m, r.has_attribute(path, "units") ? r.attribute_string(path, "units") : "");
        for (std::size_t k = 0; k < rows; ++k)
          for (std::size_t c = 0; c < cols; ++c)
            breakdowns.row({scenarios[si], g, m, rep_key(k), c < cats.size() ? cats[c] : std::to_string(c),
                            num(data[k * cols + c])});
      }
    }
    if (r.exists(base + "/parameters/name")) {
      const auto n = r.read_strings(base + "/parameters/name");
      const auto v = r.read_strings(base + "/parameters/value");
      const auto u = r.read_strings(base + "/parameters/unit");
      const auto s = r.read_strings(base + "/parameters/source");
      for (std::size_t i = 0; i < n.size(); ++i)
        parameters.row({scenarios[si], n[i], i < v.size() ? v[i] : "", i < u.size() ? u[i] : "", i < s.size() ? s[i] : ""});
    }
  }
  files.emplace("weekly.csv", std::move(weekly));
  units.add("weekly.csv", "week", "weeks since the end of the warm-up");
  files.emplace("breakdowns.csv", std::move(breakdowns));
  files.emplace("parameters.csv", std::move(parameters));

  if (r.exists("/territory/localities")) {
    const auto t = r.read_table("/territory/localities");
    std::vector<std::string> names;
    if (r.exists("/territory/names")) names = r.read_strings("/territory/names");
    std::vector<std::string> h = {"locality", "name"};
    for (const auto& c : t.columns) h.push_back(c.name), units.add("localities.csv", c.name, c.units);
    Csv loc(h);
    for (std::size_t k = 0; k < t.rows(); ++k) {
      std::vector<std::string> row = {std::to_string(k), k < names.size() ? names[k] : ""};
      for (const auto& c : t.columns) row.push_back(num(c.values[k], c.is_integer));
      loc.row(row);
    }
    files.emplace("localities.csv", std::move(loc));
  }

  if (r.exists("/comparisons")) {
    Csv comp({"scenario", "baseline", "metric", "baseline_mean", "scenario_mean", "mean_diff", "ci_low", "ci_high",
              "rel_pct", "n", "unit"});
    for (const auto& s : r.children("/comparisons")) {
      const std::string path = "/comparisons/" + s;
      const auto t = r.read_table(path);
      const auto metrics = r.attribute_strings(path, "metrics");
      const auto mu = r.attribute_strings(path, "metric_units");
      const std::string baseline = r.attribute_string(path, "baseline");
      const char* cols[] = {"baseline_mean", "scenario_mean", "mean_diff", "ci_low", "ci_high", "rel_pct", "n"};
      for (std::size_t k = 0; k < t.rows(); ++k) {
        std::vector<std::string> row = {s, baseline, k < metrics.size() ? metrics[k] : std::to_string(k)};
        for (const char* c : cols) {
          const auto* col = t.find(c);
          row.push_back(col ? num(col->values[k], col->is_integer) : "");
        }
        row.push_back(k < mu.size() ? mu[k] : "");
        comp.row(row);
      }
    }
    files.emplace("comparisons.csv", std::move(comp));
    units.add("comparisons.csv", "rel_pct", "%");
    units.add("comparisons.csv", "n", "pairs");
    units.add("comparisons.csv", "baseline_mean", "the row's unit column");
  }

  if (r.exists("/sensitivity/prcc")) {
    const auto metrics = r.read_strings("/sensitivity/metrics");
    std::size_t rows = 0, cols = 0;
    const auto coef = r.read_matrix("/sensitivity/prcc", rows, cols);
    std::vector<double> pval(coef.size(), std::nan(""));  // absent from files written before it
    if (r.exists("/sensitivity/prcc_p_value")) pval = r.read_matrix("/sensitivity/prcc_p_value", rows, cols);
    Csv sens({"metric", "parameter", "prcc", "prcc_p_value"});
    for (std::size_t m = 0; m < rows && m < metrics.size(); ++m)
      for (std::size_t k = 0; k < cols && k < swept.size(); ++k)
        sens.row({metrics[m], swept[k], num(coef[m * cols + k]), num(pval[m * cols + k])});
    files.emplace("sensitivity.csv", std::move(sens));
    units.add("sensitivity.csv", "prcc", "1 (partial rank correlation of the replicate mean)");
    units.add("sensitivity.csv", "prcc_p_value", "probability (two-sided t test, Marino et al. 2008)");
  }

  if (r.exists("/calibration")) {
    const char* nums[] = {"target", "ci_low", "ci_high", "model", "model_ci_low", "model_ci_high", "successes", "n"};
    const char* texts[] = {"interval", "summary_field", "scenario", "description", "source"};
    std::vector<std::string> h = {"name", "unit"};
    h.insert(h.end(), std::begin(nums), std::end(nums));
    h.insert(h.end(), std::begin(texts), std::end(texts));
    Csv cal(h);
    for (const auto& n : r.children("/calibration")) {
      const std::string path = "/calibration/" + n;
      std::vector<std::string> row = {n, r.has_attribute(path, "units") ? r.attribute_string(path, "units") : ""};
      for (const char* a : nums) row.push_back(r.has_attribute(path, a) ? num(r.attribute_double(path, a)) : "");
      for (const char* a : texts) row.push_back(r.has_attribute(path, a) ? r.attribute_string(path, a) : "");
      cal.row(row);
    }
    files.emplace("calibration.csv", std::move(cal));
  }
  files.emplace("units.csv", std::move(units.csv));

  // Refuse before writing anything.
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw InputError("--csv " + dir.string(), 0, 0, "exists and is not a directory");
  if (!force)
    for (const auto& [name, csv] : files)
      if (fs::exists(dir / name, ec))
        throw InputError("--csv " + dir.string(), 0, 0, name + " exists (use --force to overwrite)");
  fs::create_directories(dir, ec);
  if (ec) throw sim::RunError("cannot create " + dir.string() + ": " + ec.message());
  std::vector<std::string> written;
  for (const auto& [name, csv] : files) {
    const fs::path final_path = dir / name;
    const fs::path tmp = dir / ("." + name + ".tmp");
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << csv.text();
      out.close();
      if (!out) {
        fs::remove(tmp, ec);
        throw sim::RunError("cannot write " + tmp.string());
      }
    }
    fs::rename(tmp, final_path, ec);
    if (ec) {
      fs::remove(tmp, ec);
      throw sim::RunError("cannot rename " + tmp.string() + " to " + final_path.string());
    }
    written.push_back(name);
  }
  return written;
}

}  // namespace analysis
