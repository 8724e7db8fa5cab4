// Shared by the territory tests (test_territory.cpp, test_territory_io.cpp).
#pragma once

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>

#include <unistd.h>

#include "sim/input_error.hpp"
#include "sim/territory.hpp"
#include "sim/territory_io.hpp"
#include <gtest/gtest.h>

namespace territory_test {

using sim::InputError;
using sim::Locality;
using sim::Road;
using sim::Rurality;
using sim::Territory;

inline Locality loc(std::string name, std::uint32_t pop, int sector = 0) {
  Locality l;
  l.name = std::move(name);
  l.population = pop;
  l.sector = sector;
  return l;
}

// A - B 10, B - C 10, A - C 30 (the detour via B is shorter), C - D 5.
inline Territory diamond() {
  return Territory("diamond", {loc("A", 100, 0), loc("B", 200, 1), loc("C", 300, 1), loc("D", 400, 2)},
                   {{0, 1, 10}, {1, 2, 10}, {0, 2, 30}, {2, 3, 5}}, "diamond.toml");
}

// Runs f, which must throw InputError; returns it for inspection.
template <class F>
inline InputError input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected sim::InputError";
  return InputError("", 0, 0, "none thrown");
}

inline bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// One folder per process, removed at exit, so that concurrent runs of the
// suite never read each other's files.
struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("passerelle-territory-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

inline std::filesystem::path write_temp(const std::string& stem, const std::string& ext, const std::string& text) {
  static const TempDir dir;
  const auto path = dir.path / (stem + ext);
  std::ofstream(path) << text;
  return path;
}

inline toml::table parse(const std::string& text) { return toml::parse(text, std::string_view("test.toml")); }

}  // namespace territory_test
