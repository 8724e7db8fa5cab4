// JSON for the command line's --json outputs (compare, info, show):
// nlohmann-json with fields in the order they are added; a non-finite
// number is null.
#pragma once
#include <cmath>
#include <nlohmann/json.hpp>

namespace analysis {

using Json = nlohmann::ordered_json;

inline Json json_num(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

}  // namespace analysis
