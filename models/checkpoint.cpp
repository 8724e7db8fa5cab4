#include "models/checkpoint.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "models/overrides.hpp"

#include <sstream>

#include "sim/byte_codec.hpp"
#include "sim/input_error.hpp"
#include "sim/record_log.hpp"

namespace models {
namespace {

// Bump when the encoding changes: an old checkpoint is then refused with a
// clear message instead of being misread.
constexpr std::uint64_t kFormat = 5;  // 2: new recorder fields; 3: --set overrides; 4: input content hashes;
                                      // 5: GP-weeks with a contact
constexpr std::uint32_t kTaskRecord = 0x4B534154;  // "TASK"

// Every Recorder member is listed below. If this fires, Recorder changed:
// add the new member to put_recorder/get_recorder, bump kFormat, then
// update the size here.
static_assert(sizeof(Recorder) == 2344, "Recorder changed: update the checkpoint encoding (models/checkpoint.cpp)");
static_assert(sizeof(ReplicateResult) == 2400, "ReplicateResult changed: update the checkpoint encoding");

template <class A>
void put_array(sim::ByteWriter& w, const A& a) {
  for (const auto& row : a)
    for (double v : row) w.f64(v);
}
template <class A>
void get_array(sim::ByteReader& r, A& a) {
  for (auto& row : a)
    for (double& v : row) v = r.f64();
}

}  // namespace

void put_recorder(sim::ByteWriter& w, const Recorder& c) {
  w.i64(c.warmup_end);
  w.i64(c.horizon);
  w.i64(c.weeks);
  for (double v : c.gp_minutes) w.f64(v);
  for (double v : {c.worker_minutes, c.coordinator_minutes, c.wrong_door_hops, c.contact_attempts,
                   c.contact_failures, c.consent_refusals, c.secrecy_blocked, c.self_referrals, c.gp_disclosures,
                   c.reassessments, c.sector_redirects, c.reports_back, c.medicalised_consultations, c.cost_eur,
                   c.onset, c.resolved, c.abandoned, c.open, c.chronic, c.never_disclosed, c.unmet_days,
                   c.eligible_90d, c.unresolved_90d})
    w.f64(v);
  w.f32s(c.days_to_resolution);
  put_array(w, c.by_type);
  put_array(w, c.by_precarity);
  put_array(w, c.by_rurality);
  for (const auto& series : c.weekly) w.f64s(series);
  for (double v : {c.medical_minutes, c.pathway_cases, c.background_cases, c.background_minutes}) w.f64(v);
  w.str(std::string_view(reinterpret_cast<const char*>(c.resolution_category.data()), c.resolution_category.size()));
  w.f32s(c.days_to_first_appointment);
  w.f32s(c.days_referral_to_resolution);
  w.i64(c.snapshots);
  for (const auto* v : {&c.service_occupancy, &c.service_queue, &c.service_wait_days, &c.service_first_appointments})
    w.f64s(*v);
  w.u64(c.by_locality.size());
  put_array(w, c.by_locality);
  w.f64(c.gp_weeks_with_contact);
  w.u64(c.gp_contact_week.size());
  for (const std::int32_t k : c.gp_contact_week) w.i64(k);
}

void get_recorder(sim::ByteReader& r, Recorder& c) {
  c.warmup_end = r.i64();
  c.horizon = r.i64();
  c.weeks = static_cast<int>(r.i64());
  for (double& v : c.gp_minutes) v = r.f64();
  for (double* v : {&c.worker_minutes, &c.coordinator_minutes, &c.wrong_door_hops, &c.contact_attempts,
                    &c.contact_failures, &c.consent_refusals, &c.secrecy_blocked, &c.self_referrals,
                    &c.gp_disclosures, &c.reassessments, &c.sector_redirects, &c.reports_back,
                    &c.medicalised_consultations, &c.cost_eur, &c.onset, &c.resolved, &c.abandoned, &c.open,
                    &c.chronic, &c.never_disclosed, &c.unmet_days, &c.eligible_90d, &c.unresolved_90d})
    *v = r.f64();
  c.days_to_resolution = r.f32s();
  get_array(r, c.by_type);
  get_array(r, c.by_precarity);
  get_array(r, c.by_rurality);
  for (auto& series : c.weekly) series = r.f64s();
  for (double* v : {&c.medical_minutes, &c.pathway_cases, &c.background_cases, &c.background_minutes}) *v = r.f64();
  const std::string cats = r.str();
  c.resolution_category.assign(cats.begin(), cats.end());
  c.days_to_first_appointment = r.f32s();
  c.days_referral_to_resolution = r.f32s();
  c.snapshots = static_cast<int>(r.i64());
  for (auto* v : {&c.service_occupancy, &c.service_queue, &c.service_wait_days, &c.service_first_appointments})
    *v = r.f64s();
  c.by_locality.resize(r.count(sizeof(double) * kTallies));
  get_array(r, c.by_locality);
  c.gp_weeks_with_contact = r.f64();
  c.gp_contact_week.resize(r.u64());
  for (std::int32_t& k : c.gp_contact_week) k = static_cast<std::int32_t>(r.i64());
}

namespace {

std::string join(const std::vector<std::string>& v) {
  if (v.empty()) return "none";
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "--set " : " --set ") + s;
  return out;
}

std::string hex(std::uint64_t v) {
  char b[20];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

}  // namespace

std::uint64_t content_hash(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::vector<InputHash> input_hashes(const Experiment& ex) {
  std::vector<InputHash> out;
  out.push_back({"software version", content_hash(PASSERELLE_VERSION)});
  out.push_back({"experiment text", content_hash(ex.text)});
  const auto presets = preset_names();
  const bool preset = std::find(presets.begin(), presets.end(), ex.territory) != presets.end();
  if (preset) {
    out.push_back({"territory preset " + ex.territory, content_hash(preset_text(ex.territory))});
  } else if (ex.territory != "synthetic") {
    std::ifstream in(ex.territory, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    const std::string name = "territory file " + std::filesystem::path(ex.territory).filename().string();
    out.push_back({in ? name : name + " (unreadable)", content_hash(buf.str())});
  }
  // [uncertainty] calibration: its accepted sets are the draws.
  if (!ex.uncertainty.calibration.empty())
    out.push_back({"calibration file " + std::filesystem::path(ex.uncertainty.calibration).filename().string(),
                   ex.uncertainty.calibration_hash});
  // GraphML and synthetic territories take their GPs and services from it.
  if (!preset || ex.territory == "synthetic")
    out.push_back({"rules preset rules-default", content_hash(preset_text("rules-default"))});
  return out;
}

std::string inputs_mismatch(const std::vector<InputHash>& saved, const std::vector<InputHash>& now) {
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : "; ") + s; };
  for (const auto& a : saved) {
    const auto b = std::find_if(now.begin(), now.end(), [&](const InputHash& x) { return x.what == a.what; });
    if (b == now.end()) add(a.what + " is no longer an input");
    else if (b->hash != a.hash) add(a.what + " changed (content hash " + hex(a.hash) + " then, " + hex(b->hash) + " now)");
  }
  for (const auto& b : now)
    if (std::none_of(saved.begin(), saved.end(), [&](const InputHash& x) { return x.what == b.what; }))
      add(b.what + " is a new input");
  return out;
}

CheckpointHeader checkpoint_header(const Experiment& ex, bool sharded, std::uint32_t shard_index,
                                   std::uint32_t shard_count) {
  CheckpointHeader h;
  h.software_version = PASSERELLE_VERSION;
  h.experiment_text = ex.text;
  h.experiment_file = ex.file;
  std::error_code ec;
  h.working_dir = std::filesystem::current_path(ec).string();
  h.seed = ex.seed;
  h.replicates = ex.replicates;
  h.overrides = ex.overrides;
  for (const auto& s : ex.scenarios) h.scenarios.push_back(s.name);
  h.tasks = static_cast<std::uint64_t>(ex.scenarios.size()) * static_cast<std::uint64_t>(ex.replicates);
  h.sharded = sharded;
  h.shard_index = shard_index;
  h.shard_count = shard_count;
  h.inputs = input_hashes(ex);
  return h;
}

std::string experiment_mismatch(const CheckpointHeader& a, const CheckpointHeader& b) {
  std::ostringstream s;
  if (a.experiment_text != b.experiment_text) s << "the experiment text differs; ";
  if (a.seed != b.seed) s << "base seed " << a.seed << " vs " << b.seed << "; ";
  if (a.replicates != b.replicates) s << a.replicates << " vs " << b.replicates << " replicates; ";
  if (a.overrides != b.overrides) s << "the --set overrides differ (" << join(a.overrides) << " vs " << join(b.overrides) << "); ";
  if (a.scenarios != b.scenarios) s << "the scenarios differ; ";
  if (a.software_version != b.software_version)
    s << "software version " << a.software_version << " vs " << b.software_version << "; ";
  if (const auto why = inputs_mismatch(a.inputs, b.inputs); !why.empty()) s << why << "; ";
  std::string out = s.str();
  if (!out.empty()) out.resize(out.size() - 2);
  return out;
}

std::string header_mismatch(const CheckpointHeader& saved, const CheckpointHeader& now) {
  std::string out = experiment_mismatch(saved, now);
  if (saved.shard_index != now.shard_index || saved.shard_count != now.shard_count) {
    if (!out.empty()) out += "; ";
    out += "shard " + std::to_string(saved.shard_index) + "/" + std::to_string(saved.shard_count) + " vs " +
           std::to_string(now.shard_index) + "/" + std::to_string(now.shard_count);
  }
  return out;
}

std::string encode_header(const CheckpointHeader& h) {
  sim::ByteWriter w;
  w.u64(kFormat);
  w.str(h.software_version);
  w.str(h.experiment_text);
  w.str(h.experiment_file);
  w.str(h.working_dir);
  w.u64(h.seed);
  w.i64(h.replicates);
  w.u64(h.overrides.size());
  for (const auto& s : h.overrides) w.str(s);
  w.u64(h.scenarios.size());
  for (const auto& s : h.scenarios) w.str(s);
  w.u64(h.tasks);
  w.u64(h.sharded ? 1 : 0);
  w.u32(h.shard_index);
  w.u32(h.shard_count);
  w.u64(h.inputs.size());
  for (const auto& i : h.inputs) {
    w.str(i.what);
    w.u64(i.hash);
  }
  return w.take();
}

CheckpointHeader decode_header(const std::string& bytes, const std::string& what) {
  sim::ByteReader r(bytes, what);
  if (const auto f = r.u64(); f != kFormat)
    throw sim::InputError(what, 0, 0,
                          "checkpoint format " + std::to_string(f) + ", this passerelle reads format " +
                              std::to_string(kFormat) + " (rerun with --force to start over)");
  CheckpointHeader h;
  h.software_version = r.str();
  h.experiment_text = r.str();
  h.experiment_file = r.str();
  h.working_dir = r.str();
  h.seed = r.u64();
  h.replicates = r.i64();
  h.overrides.resize(r.count(8));
  for (auto& s : h.overrides) s = r.str();
  h.scenarios.resize(r.count(8));
  for (auto& s : h.scenarios) s = r.str();
  h.tasks = r.u64();
  h.sharded = r.u64() != 0;
  h.shard_index = r.u32();
  h.shard_count = r.u32();
  h.inputs.resize(r.count(16));
  for (auto& i : h.inputs) {
    i.what = r.str();
    i.hash = r.u64();
  }
  if (!r.done()) r.fail("trailing bytes");
  return h;
}

std::string encode_task(std::size_t task, const ReplicateResult& res) {
  sim::ByteWriter w;
  w.u32(kTaskRecord);
  w.u64(task);
  w.u64(res.summary.size());
  for (const auto& [name, v] : res.summary) {
    w.str(name);
    w.f64(v);
  }
  put_recorder(w, res.rec);
  w.u64(res.events);
  w.u64(res.residents);
  w.u32(res.gps);
  w.f64(res.wall_seconds);
  return w.take();
}

TaskRecord decode_task(const std::string& bytes, const std::string& what) {
  sim::ByteReader r(bytes, what);
  if (r.u32() != kTaskRecord) r.fail("not a task record");
  TaskRecord t;
  t.task = static_cast<std::size_t>(r.u64());
  auto& res = t.result;
  res.summary.resize(r.count(16));
  for (auto& [name, v] : res.summary) {
    name = r.str();
    v = r.f64();
  }
  get_recorder(r, res.rec);
  res.events = r.u64();
  res.residents = r.u64();
  res.gps = r.u32();
  res.wall_seconds = r.f64();
  if (!r.done()) r.fail("trailing bytes");
  return t;
}

Checkpoint load_checkpoint(const std::filesystem::path& path) {
  const std::string what = path.string();
  const sim::LogContents log = sim::read_log(path);
  Checkpoint c;
  try {
    c.header = decode_header(log.header, what);
    c.tasks.reserve(log.records.size());
    for (const auto& rec : log.records) {
      c.tasks.push_back(decode_task(rec, what));
      if (c.tasks.back().task >= c.header.tasks)
        throw sim::InputError(what, 0, 0, "task " + std::to_string(c.tasks.back().task) + " outside the grid of " +
                                              std::to_string(c.header.tasks));
    }
  } catch (const sim::RunError& e) {
    // Checksummed records that do not decode come from another program or
    // a newer format: the user's file, not a failure of this run.
    throw sim::InputError(what, 0, 0, std::string("not a readable checkpoint: ") + e.what());
  }
  c.valid_bytes = log.valid_bytes;
  c.torn = log.torn;
  return c;
}

SavedExperiment saved_experiment(const CheckpointHeader& h) {
  SavedExperiment s{parse_experiment(h.experiment_text, h.experiment_file), {}};
  apply_overrides(s.ex, h.overrides);
  s.ex.seed = h.seed;
  s.ex.replicates = static_cast<int>(h.replicates);
  s.setting_ex = s.ex;
  namespace fs = std::filesystem;
  const fs::path file(h.experiment_file);
  if (file.is_relative() && !h.working_dir.empty()) {
    // Parse again as if from the original directory: the territory path
    // then resolves wherever merge runs.
    Experiment abs = parse_experiment(h.experiment_text, (fs::path(h.working_dir) / file).string());
    s.setting_ex.territory = abs.territory;
  }
  return s;
}

}  // namespace models
