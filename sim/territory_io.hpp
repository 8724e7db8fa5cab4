// Where territories come from: a seeded synthetic generator, GraphML files
// (the export format of GIS and network tools) and TOML tables (presets).
// Formats and defaults are documented in sim/TERRITORY_FORMATS.md.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>

#include <toml++/toml.h>

#include "sim/random.hpp"
#include "sim/territory.hpp"

namespace sim {

struct SyntheticOptions {
  std::uint32_t localities = 20;
  std::uint64_t population = 50'000;
  double core_share = 0.5;  // share of the population in the urban core
  int sectors = 4;
  double radius_km = 25;
  double speed_km_per_min = 0.8;  // straight-line speed before the detour factor
  double precarity_core = 0.18, precarity_fringe = 0.12;
  double elderly_share_rural = 0.14, elderly_share_urban = 0.09;
  double youth_share = 0.28;
};

// Deterministic given the stream's state. Locality 0 ("core") is the urban
// core at the centre; the others ("loc-01", ...) are scattered in a disc of
// radius_km: semi-rural in the inner half, rural beyond. Populations fall
// with distance (with lognormal noise) and sum exactly to opt.population.
// Sectors are angular slices of equal locality count (the core is in
// sector 0), so every sector id below opt.sectors is used. Roads: from each
// locality to the nearest one on the way to the core (connects the graph and
// keeps routes to town direct) and to its three nearest neighbours;
// minutes = distance / speed x a detour factor in [1.2, 1.5), at least 1.
// Throws InputError for options out of range.
Territory generate_synthetic(const SyntheticOptions& opt, Stream& rng,
                             std::string name = "synthetic");

// Reads a GraphML file with boost::read_graphml. Node attributes: name,
// population, rurality, sector (required); age_lt25, age_25_74, age_ge75
// (all three or none), precarity, x_km, y_km (optional). Edge attribute:
// minutes (required). Other attributes are ignored; directed edges are read
// as two-way roads. The territory is named after the file's stem. Throws
// InputError(path, 0, 0, ...) naming the node id and attribute at fault.
Territory load_graphml(const std::filesystem::path& path);
// Deepest element nesting a GraphML file may have (Boost's parser recurses
// per level; ~20,000 overflow the stack). Duplicate node ids are refused too.
inline constexpr std::size_t kMaxGraphmlDepth = 64;
// Throws InputError(file, line, 0, ...) when `text` nests elements deeper
// than `max_depth`; cheap, no allocation; run before any XML parser.
void check_xml_depth(const std::string& text, const std::string& file, std::size_t max_depth);

// Reads [[locality]] and [[road]] arrays of tables from `root`; other keys
// of `root` are left to the caller. Every error carries the file path and
// toml++'s line and column of the offending key or value.
Territory territory_from_toml(const toml::table& root, const std::string& source_path,
                              std::string name);

// Parses a TOML territory file (a preset): optional top-level `name`
// (default: the file's stem) and `description`, then [[locality]] and
// [[road]]. Any other top-level key is an error.
Territory load_territory_toml(const std::filesystem::path& path);

}  // namespace sim
