// The per-scenario summary table (mean ± 95 % CI over replicates) of a
// results file, as text for a terminal or as JSON (`passerelle info`).
#pragma once
#include <filesystem>
#include <string>

namespace analysis {

std::string summary_text(const std::filesystem::path& results);
std::string summary_json(const std::filesystem::path& results);

}  // namespace analysis
