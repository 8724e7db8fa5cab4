// Shared by the HDF5 file tests (test_hdf5_file.cpp, test_hdf5_lifecycle.cpp).
#pragma once
#include "sim/hdf5_file.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "sim/input_error.hpp"

namespace fs = std::filesystem;
using sim::RunError;
using sim::h5::Reader;
using sim::h5::Table;
using sim::h5::Writer;

namespace hdf5_test {

// A fresh directory per test (mkdtemp: unique even across parallel runs),
// removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "passerelle_h5_XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

// Owns a raw HDF5 id, so that a failing ASSERT leaks nothing.
struct Raw {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Raw() {
    if (id >= 0) close(id);
  }
  operator hid_t() const { return id; }
};

inline Table sample_table() {
  Table t;
  auto& id = t.add("id", true, "");
  id.values = {0, -7, 9007199254740992.0 /* 2^53 */, 42};
  auto& w = t.add("wait", false, "min");
  w.values = {1.5, -0.25, 1e300, std::numeric_limits<double>::quiet_NaN()};
  auto& n = t.add("count", true, "patients");
  n.values = {3, 2, 1, 0};
  return t;
}

// Filter ids of a dataset, read with the raw C API.
inline std::vector<H5Z_filter_t> raw_filters(const fs::path& file, const char* dataset) {
  std::vector<H5Z_filter_t> out;
  Raw f{H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  EXPECT_GE(f.id, 0);
  Raw d{H5Dopen2(f, dataset, H5P_DEFAULT), H5Dclose};
  EXPECT_GE(d.id, 0);
  Raw p{H5Dget_create_plist(d), H5Pclose};
  EXPECT_EQ(H5Pget_layout(p), H5D_CHUNKED);
  for (int i = 0, n = H5Pget_nfilters(p); i < n; ++i) {
    unsigned flags = 0, config = 0;
    std::size_t nelmts = 0;
    out.push_back(H5Pget_filter2(p, static_cast<unsigned>(i), &flags, &nelmts, nullptr, 0, nullptr, &config));
  }
  return out;
}

inline bool contains(const std::vector<H5Z_filter_t>& v, H5Z_filter_t f) {
  return std::find(v.begin(), v.end(), f) != v.end();
}

}  // namespace hdf5_test
