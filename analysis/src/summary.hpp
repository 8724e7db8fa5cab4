// The per-scenario summary table (mean ± 95 % CI over replicates) of a
// results file, as text for a terminal or as JSON (`passerelle info`).
#pragma once
#include <filesystem>
#include <string>

namespace sim::h5 {
class Reader;
}

namespace analysis {

// Names from a results file go to a terminal: control characters (escape
// sequences, NUL, newlines) are shown as \xNN, never sent raw.
std::string printable(const std::string& s);
// Throws InputError (exit 2) unless `r` is a Passerelle results file.
void require_results_file(const sim::h5::Reader& r, const std::filesystem::path& path);

std::string summary_text(const std::filesystem::path& results);
std::string summary_json(const std::filesystem::path& results);

}  // namespace analysis
