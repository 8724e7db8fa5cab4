// The saved-states file (replicate_state_file.hpp): header, records, checks.
#include "models/replicate_state_file.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/run.hpp"
#include "sim/byte_codec.hpp"
#include "sim/input_error.hpp"
#include "sim/record_log.hpp"

namespace models {
namespace {

constexpr std::string_view kHeaderMagic = "passerelle replicate states";

std::string encode(const StateHeader& h) {
  sim::ByteWriter w;
  w.str(kHeaderMagic);
  w.u64(h.format);
  w.str(h.software_version);
  w.str(h.experiment_file);
  w.str(h.territory);
  w.u64(h.inputs.size());
  for (const auto& in : h.inputs) {
    w.str(in.what);
    w.u64(in.hash);
  }
  w.f64(h.population_scale);
  w.u64(h.seed);
  w.i64(h.replicates);
  for (double v : {h.warmup_weeks, h.horizon_weeks, h.week}) w.f64(v);
  w.u64(h.groups.size());
  for (const auto& g : h.groups) {
    w.u64(g.size());
    for (const auto& [name, value] : g) {
      w.str(name);
      w.str(value);
    }
  }
  return w.take();
}

StateHeader decode(const std::string& bytes, const std::string& what) {
  sim::ByteReader r(bytes, what);
  StateHeader h;
  if (r.str() != kHeaderMagic) throw sim::InputError(what, 0, 0, "not a saved-states file (written by run --save-state)");
  h.format = r.u64();
  if (h.format != kStateFormat)
    throw sim::InputError(what, 0, 0,
                          "saved-states format version " + std::to_string(h.format) + ", this passerelle reads version " +
                              std::to_string(kStateFormat) + ": save the states again with this version");
  h.software_version = r.str();
  h.experiment_file = r.str();
  h.territory = r.str();
  h.inputs.resize(r.count(16));
  for (auto& in : h.inputs) {
    in.what = r.str();
    in.hash = r.u64();
  }
  h.population_scale = r.f64();
  h.seed = r.u64();
  h.replicates = r.i64();
  h.warmup_weeks = r.f64();
  h.horizon_weeks = r.f64();
  h.week = r.f64();
  h.groups.resize(r.count(8));
  for (auto& g : h.groups) {
    g.resize(r.count(16));
    for (auto& [name, value] : g) {
      name = r.str();
      value = r.str();
    }
  }
  if (!r.done()) r.fail("bytes left over after the header");
  if (h.replicates < 1) r.fail("no replicates");
  return h;
}

std::vector<InputHash> territory_inputs(const Experiment& ex) {
  auto in = input_hashes(ex);
  in.erase(std::remove_if(in.begin(), in.end(), [](const InputHash& h) { return h.what == "experiment text"; }),
           in.end());
  return in;
}

// The model parameters of each warm-up group of `ex`, in group order.
std::vector<ParamValues> group_params(const Experiment& ex) {
  const ForkPlan plan = fork_plan(ex);
  std::vector<ParamValues> out(plan.groups);
  for (std::size_t s = 0; s < ex.scenarios.size(); ++s)
    if (plan.group[s] >= 0 && out[static_cast<std::size_t>(plan.group[s])].empty())
      out[static_cast<std::size_t>(plan.group[s])] = param_table().values(ex.scenarios[s].params);
  return out;
}

std::string record(std::size_t group, std::size_t replicate, const std::string& state) {
  sim::ByteWriter w;
  w.u64(group);
  w.u64(replicate);
  w.str(state);
  return w.take();
}

std::string weeks(double w) { return fmt::format("{:g}", w); }

// The parameters that differ between two groups' values, in words.
std::string param_diff(const ParamValues& saved, const ParamValues& now) {
  std::string out;
  for (const auto& entry : now) {  // not a structured binding: clang 14 cannot capture one in the lambda
    const std::string& name = entry.first;
    const std::string& value = entry.second;
    const auto it = std::find_if(saved.begin(), saved.end(), [&](const auto& p) { return p.first == name; });
    const std::string then = it == saved.end() ? "(absent)" : it->second;
    if (then != value) {
      if (!out.empty()) out += ", ";
      if (out.size() > 300) return out + "…";
      out += name + " = " + value + " (saved: " + then + ")";
    }
  }
  return out;
}

}  // namespace

StateHeader state_header(const Experiment& ex, double week) {
  StateHeader h;
  h.software_version = PASSERELLE_VERSION;
  h.experiment_file = ex.file;
  h.territory = ex.territory;
  h.inputs = territory_inputs(ex);
  h.population_scale = ex.population_scale;
  h.seed = ex.seed;
  h.replicates = ex.replicates;
  h.warmup_weeks = ex.warmup_weeks;
  h.horizon_weeks = ex.horizon_weeks;
  h.week = week;
  Experiment at = ex;
  at.fork_week = week;
  h.groups = group_params(at);
  return h;
}

std::filesystem::path default_state_path(const std::filesystem::path& output) {
  std::filesystem::path p = output;
  p.replace_extension(".state");
  if (p == output) p += ".state";
  return p;
}

// ---------------------------------------------------------------- saving

StateSaver::StateSaver(const Experiment& ex, double week) : header_(state_header(ex, week)) {
  states_.assign(header_.groups.size(), std::vector<std::string>(static_cast<std::size_t>(ex.replicates)));
}

void StateSaver::add(const ModelParams& params, std::size_t replicate, const Replicate& warm) {
  const auto values = param_table().values(params);
  const auto g = std::find(header_.groups.begin(), header_.groups.end(), values);
  if (g == header_.groups.end() || replicate >= states_[0].size())
    throw sim::RunError("saved states: a warm-up outside the plan (replicate " + std::to_string(replicate) + ")");
  std::string bytes = warm.save_state();  // outside the lock: the encoding is the work
  std::lock_guard<std::mutex> lock(mu_);
  states_[static_cast<std::size_t>(g - header_.groups.begin())][replicate] = std::move(bytes);
}

bool StateSaver::complete() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (states_.empty()) return false;
  for (const auto& g : states_)
    for (const auto& s : g)
      if (s.empty()) return false;
  return true;
}

std::uint64_t StateSaver::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::uint64_t n = 0;
  for (const auto& g : states_)
    for (const auto& s : g) n += s.size();
  return n;
}

std::size_t StateSaver::states() const {
  std::lock_guard<std::mutex> lock(mu_);
  return states_.empty() ? 0 : states_.size() * states_[0].size();
}

void StateSaver::write(const std::filesystem::path& path) const {
  if (!complete()) throw sim::RunError(path.string() + ": not every replicate's state was computed; nothing written");
  std::lock_guard<std::mutex> lock(mu_);
  const auto temp = sim::unique_temp_path(path);
  try {
    auto log = sim::LogWriter::create(temp, encode(header_));
    for (std::size_t g = 0; g < states_.size(); ++g)
      for (std::size_t r = 0; r < states_[g].size(); ++r) log.append(record(g, r, states_[g][r]));
    log.close();
    std::filesystem::rename(temp, path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    throw;
  }
}

// ---------------------------------------------------------------- loading

std::shared_ptr<const SavedStates> SavedStates::load(const std::filesystem::path& path, Experiment& ex) {
  const std::string what = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw sim::InputError(what, 0, 0, "start_from: no such state file (write one with run --save-state W)");
  if (!sim::is_log(path)) throw sim::InputError(what, 0, 0, "not a saved-states file (written by run --save-state)");
  sim::LogContents log;
  try {
    log = sim::read_log(path);
  } catch (const sim::InputError&) {
    throw sim::InputError(what, 0, 0, "the state file is truncated or corrupt in its header: save the states again");
  }
  if (log.torn)
    throw sim::InputError(what, 0, 0,
                          "the state file is truncated or corrupt after byte " + std::to_string(log.valid_bytes) +
                              " (an interrupted copy?): save the states again");
  auto out = std::make_shared<SavedStates>();
  out->path_ = path;
  try {
    out->header_ = decode(log.header, what);
  } catch (const sim::RunError& e) {
    throw sim::InputError(what, 0, 0, std::string("corrupt state file header: ") + e.what());
  }
  const StateHeader& h = out->header_;
  const auto fail = [&](const std::string& why) { throw sim::InputError(what, 0, 0, why); };
  if (h.software_version != PASSERELLE_VERSION)
    fail("saved by passerelle " + h.software_version + ", this is " + PASSERELLE_VERSION +
         ": the model may differ; save the states again");
  if (h.territory != ex.territory || h.population_scale != ex.population_scale)
    fail("saved for territory " + h.territory + " (population_scale " + fmt::format("{:g}", h.population_scale) +
         "), this experiment uses " + ex.territory + " (population_scale " + fmt::format("{:g}", ex.population_scale) + ")");
  if (const std::string m = inputs_mismatch(h.inputs, territory_inputs(ex)); !m.empty())
    fail("the inputs it was made from differ: " + m);
  if (h.seed != ex.seed)
    fail("saved with base seed " + std::to_string(h.seed) + ", this experiment has seed " + std::to_string(ex.seed));
  if (ex.replicates > h.replicates)
    fail("holds " + std::to_string(h.replicates) + " replicates, this experiment asks for " +
         std::to_string(ex.replicates));
  if (h.warmup_weeks != ex.warmup_weeks || h.horizon_weeks != ex.horizon_weeks)
    fail("saved for warmup_weeks = " + weeks(h.warmup_weeks) + ", horizon_weeks = " + weeks(h.horizon_weeks) +
         "; this experiment has " + weeks(ex.warmup_weeks) + " and " + weeks(ex.horizon_weeks) +
         " (the recorder and the needs' cohorts depend on both)");
  if (!(h.week > 0) || h.week > ex.warmup_weeks) fail("saved at week " + weeks(h.week) + ", beyond the warm-up");
  if (ex.fork_week > 0 && ex.fork_week != h.week)
    fail("saved at week " + weeks(h.week) + ", but the experiment sets fork_week = " + weeks(ex.fork_week));
  if (h.groups.empty()) fail("holds no state");
  const std::size_t R = static_cast<std::size_t>(h.replicates);
  out->states_.assign(h.groups.size(), std::vector<std::string>(R));
  std::size_t filled = 0;
  for (const auto& rec : log.records) {
    sim::ByteReader r(rec, what);
    try {
    const std::uint64_t g = r.u64(), k = r.u64();
    if (g >= h.groups.size() || k >= R) r.fail("a state outside the saved grid");
    std::string& slot = out->states_[g][k];
    if (!slot.empty()) r.fail("a state saved twice");
    slot = r.str();
    if (slot.empty() || !r.done()) r.fail("malformed state record");
    } catch (const sim::RunError& e) {
      throw sim::InputError(what, 0, 0, std::string("corrupt state file: ") + e.what());
    }
    ++filled;
  }
  if (filled != h.groups.size() * R)
    fail("holds " + std::to_string(filled) + " of its " + std::to_string(h.groups.size() * R) +
         " states: truncated; save the states again");
  ex.fork_week = h.week;
  return out;
}

void SavedStates::check(const Experiment& ex, const Setting& setting) const {
  const ForkPlan plan = fork_plan(ex);
  std::vector<std::uint8_t> tried(header_.groups.size());
  for (std::size_t s = 0; s < ex.scenarios.size(); ++s) {
    if (plan.group[s] < 0) continue;
    const auto values = param_table().values(ex.scenarios[s].params);
    const auto g = std::find(header_.groups.begin(), header_.groups.end(), values);
    if (g != header_.groups.end()) {
      // One restore per group used, before any work: a state made from
      // another setting is refused now, not from inside a task.
      if (!tried[static_cast<std::size_t>(g - header_.groups.begin())]++)
        restore(setting, ex.scenarios[s].params,
                RunSpec{0, replicate_seed(ex.seed, 0), ex.horizon_weeks, ex.warmup_weeks, plan.week});
      continue;
    }
    std::string diff;
    if (!header_.groups.empty()) diff = ": " + param_diff(header_.groups[0], values);
    throw sim::InputError(path_.string(), 0, 0,
                          "scenario '" + ex.scenarios[s].name +
                              "' has model parameters no saved state was made with (they act before week " +
                              weeks(header_.week) + ")" + diff);
  }
}

std::unique_ptr<Replicate> SavedStates::restore(const Setting& setting, const ModelParams& params,
                                                const RunSpec& spec) const {
  const auto values = param_table().values(params);
  const auto g = std::find(header_.groups.begin(), header_.groups.end(), values);
  const std::size_t r = static_cast<std::size_t>(spec.replicate);
  if (g == header_.groups.end() || r >= states_[0].size())
    throw sim::InputError(path_.string(), 0, 0, "no saved state for these parameters and replicate " + std::to_string(r));
  const std::string what = path_.string() + " (replicate " + std::to_string(r) + ")";
  try {
    return Replicate::restore_state(setting, params, spec, states_[static_cast<std::size_t>(g - header_.groups.begin())][r],
                                    what);
  } catch (const sim::RunError& e) {
    throw sim::InputError(path_.string(), 0, 0, std::string("corrupt state: ") + e.what());
  }
}

}  // namespace models
