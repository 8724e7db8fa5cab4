// Agent records of one replicate. Residents are a structure of arrays of
// small integers (about 11 bytes each); GPs, services and workers are few and
// plain structs; needs live in a slot pool and are recycled when closed.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "models/themes.hpp"
#include "sim/clock.hpp"

namespace models {

inline constexpr std::uint32_t kNone = UINT32_MAX;
inline constexpr std::uint8_t kNoHandler = 255;
// A queue entry that is not a need: a case from outside the simulated pathway.
inline constexpr std::uint32_t kBackgroundCase = UINT32_MAX - 1;

// Residents grouped by cell = age band x precarity, so that an onset picks
// "a random resident of cell c" as one index draw, with no extra lists.
inline constexpr std::size_t kCells = kAgeBands * 2;
inline constexpr std::size_t cell_of(AgeBand a, bool precarious) {
  return static_cast<std::size_t>(a) * 2 + (precarious ? 1 : 0);
}

struct Residents {
  std::vector<std::uint16_t> locality;
  std::vector<std::uint8_t> cell;       // age band * 2 + precarious
  std::vector<std::uint32_t> gp;        // kNone: no registered GP
  std::vector<std::uint8_t> knowledge;  // knowledge of rights, 0..255 ↔ 0..1
  std::vector<std::uint8_t> stigma;     // stigma sensitivity, 0..255 ↔ 0..1
  std::vector<std::uint8_t> trust;      // trust in the GP, 0..255 ↔ 0..1
  std::array<std::uint32_t, kCells + 1> cell_start{};  // residents of cell c: [start[c], start[c+1])

  std::size_t size() const { return locality.size(); }
  static constexpr std::size_t bytes_per_resident() {
    return sizeof(std::uint16_t) + 1 + sizeof(std::uint32_t) + 3;
  }
  bool precarious(std::uint32_t r) const { return cell[r] & 1u; }
  AgeBand age(std::uint32_t r) const { return static_cast<AgeBand>(cell[r] >> 1); }
};

inline constexpr double unit(std::uint8_t q) { return q / 255.0; }
inline std::uint8_t quantise(double x) {
  x = x < 0 ? 0 : (x > 1 ? 1 : x);
  return static_cast<std::uint8_t>(x * 255.0 + 0.5);
}

struct Gp {
  std::uint32_t locality = 0;
  std::uint32_t practice = 0;
  GpProfile profile = GpProfile::Intermediate;
  PracticeForm form = PracticeForm::Solo;
  bool young = false;
  bool strict_stance = false;
  float activity = 1.0f;
  std::uint16_t knows = 0;      // bit per theme: knows the right kind of service
  std::uint32_t patients = 0;
};

struct Worker {
  std::uint32_t service = 0;
  std::uint32_t active = 0;  // open cases
  double fte = 1.0;
};

struct Service {
  std::uint32_t first_worker = 0;
  std::uint32_t workers = 0;
  std::uint32_t capacity = 0;  // open cases the service can carry
  std::uint32_t active = 0;
  std::uint32_t hours = 0;     // index into the replicate's hours table
  std::deque<std::uint32_t> queue;  // waiting needs (slot indices; kBackgroundCase: a case from outside the pathway)
  double background_rate = 0;        // arrivals per minute of cases from outside the simulated pathway
};

enum class NeedState : std::uint8_t {
  Undisclosed,  // nobody outside knows
  WithGp,       // disclosed, waiting at the GP (refused consent, retry later)
  Contacting,   // the GP is trying to reach a worker
  Navigating,   // the patient is on the way to a door
  Queued,       // in a service's intake queue
  InCase,       // a worker has the case
  Resolved,
  Abandoned,
  Chronic,      // failed case left chronic: open, no further pathway
};

// Per-need random purposes: each has its own counter, so a scenario that
// draws more for one purpose leaves the others' draws unchanged.
enum class Purpose : std::uint8_t {
  Profile, Step, Disclose, Consent, Contact, Navigate, Intake, Resolve, Report, Choice, Intervention,
  Visit,  // medicalised consultations while the need is away from the GP (pathway_visits.cpp)
  Count
};
inline constexpr std::size_t kPurposes = static_cast<std::size_t>(Purpose::Count);

struct Need {
  sim::Minute onset = 0;
  sim::Minute retry_at = 0;
  sim::Minute visit_from = -1;   // >= 0: away from the GP since then, visits not yet drawn
  sim::Minute referred_at = -1;  // first sent to a service (a door, a call, an intake)
  sim::Minute intake_at = -1;    // arrival at the current service's intake
  std::uint32_t serial = 0;    // onset order: identical across scenarios
  std::uint32_t resident = 0;
  std::uint32_t epoch = 0;     // events carrying another epoch are stale
  std::uint32_t service = kNone;
  std::uint32_t worker = kNone;
  std::uint32_t gp = kNone;    // GP who referred it (kNone: patient alone)
  Theme theme = Theme::GeneralSocial;
  NeedState state = NeedState::Undisclosed;
  std::uint8_t urgency = 1;    // 1..3
  std::uint8_t hops = 0;
  std::uint8_t attempts = 0;
  bool medical = false;
  bool non_demand = false;
  bool disclosed = false;
  bool info_shared = false;
  bool reassessed = false;
  bool cohort = false;         // onset after warm-up: counted in the metrics
  bool form_done = false;      // the GP already filled the certificate
  bool shared_plan = false;    // referred inside a shared care plan
  std::uint8_t handler = kNoHandler;  // intervention that took the need over
  std::array<std::uint16_t, kPurposes> draws{};
};

}  // namespace models
