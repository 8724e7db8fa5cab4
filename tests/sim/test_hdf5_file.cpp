// Tests for the generic HDF5 layer. Some checks bypass sim::h5 and use the
// HDF5 C API directly, so that a wrong writer cannot hide behind a reader
// that makes the same mistake.
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

namespace {

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

Table sample_table() {
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
std::vector<H5Z_filter_t> raw_filters(const fs::path& file, const char* dataset) {
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

bool contains(const std::vector<H5Z_filter_t>& v, H5Z_filter_t f) {
  return std::find(v.begin(), v.end(), f) != v.end();
}

}  // namespace

TEST(Hdf5File, TableHelpers) {
  Table t;
  EXPECT_EQ(t.rows(), 0u);
  t.add("a", true, "u").values = {1, 2, 3};
  t.add("b", false, "").values = {4, 5, 6};
  EXPECT_EQ(t.rows(), 3u);
  ASSERT_NE(t.find("b"), nullptr);
  EXPECT_FALSE(t.find("b")->is_integer);
  EXPECT_EQ(t.find("a")->units, "u");
  EXPECT_EQ(t.find("c"), nullptr);
}

TEST(Hdf5File, TableRoundTrip) {
  TempDir dir;
  const fs::path file = dir / "t.h5";
  {
    Writer w(file, false);
    w.write_table("/results/visits", sample_table());
    w.commit();
  }
  Reader r(file);
  const Table t = r.read_table("/results/visits");
  ASSERT_EQ(t.columns.size(), 3u);
  ASSERT_EQ(t.rows(), 4u);
  EXPECT_EQ(t.columns[0].name, "id");
  EXPECT_TRUE(t.columns[0].is_integer);
  EXPECT_EQ(t.columns[0].units, "");
  EXPECT_EQ(t.columns[0].values, (std::vector<double>{0, -7, 9007199254740992.0, 42}));
  EXPECT_EQ(t.columns[1].name, "wait");
  EXPECT_FALSE(t.columns[1].is_integer);
  EXPECT_EQ(t.columns[1].units, "min");
  EXPECT_EQ(t.columns[1].values[0], 1.5);
  EXPECT_EQ(t.columns[1].values[1], -0.25);
  EXPECT_EQ(t.columns[1].values[2], 1e300);
  EXPECT_TRUE(std::isnan(t.columns[1].values[3]));
  EXPECT_EQ(t.columns[2].units, "patients");
  EXPECT_TRUE(t.columns[2].is_integer);
  EXPECT_EQ(r.attribute_strings("/results/visits", "fields"), (std::vector<std::string>{"id", "wait", "count"}));
  EXPECT_EQ(r.attribute_strings("/results/visits", "units"), (std::vector<std::string>{"", "min", "patients"}));

  // The stored record type: int64 and double fields, in column order.
  Raw f{H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  Raw d{H5Dopen2(f, "/results/visits", H5P_DEFAULT), H5Dclose};
  Raw type{H5Dget_type(d), H5Tclose};
  ASSERT_EQ(H5Tget_class(type), H5T_COMPOUND);
  ASSERT_EQ(H5Tget_nmembers(type), 3);
  const H5T_class_t classes[] = {H5T_INTEGER, H5T_FLOAT, H5T_INTEGER};
  for (unsigned i = 0; i < 3; ++i) {
    Raw m{H5Tget_member_type(type, i), H5Tclose};
    EXPECT_EQ(H5Tget_class(m), classes[i]) << i;
    EXPECT_EQ(H5Tget_size(m), 8u) << i;
    if (classes[i] == H5T_INTEGER) {
      EXPECT_EQ(H5Tget_sign(m), H5T_SGN_2);
    }
  }
  Raw mem_ids{H5Tcreate(H5T_COMPOUND, 8), H5Tclose};
  H5Tinsert(mem_ids, "id", 0, H5T_NATIVE_INT64);
  std::int64_t ids[4] = {};
  EXPECT_GE(H5Dread(d, mem_ids, H5S_ALL, H5S_ALL, H5P_DEFAULT, ids), 0);
  EXPECT_EQ(ids[1], -7);
  EXPECT_EQ(ids[2], std::int64_t{1} << 53);
}

TEST(Hdf5File, ZeroRowTable) {
  TempDir dir;
  const fs::path file = dir / "t.h5";
  Table empty;
  empty.add("n", true, "people");
  empty.add("x", false, "km");
  {
    Writer w(file, false);
    w.write_table("/empty", empty);
    w.commit();
  }
  Reader r(file);
  const Table t = r.read_table("/empty");
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.rows(), 0u);
  EXPECT_TRUE(t.columns[0].is_integer);
  EXPECT_EQ(t.columns[1].units, "km");
  EXPECT_TRUE(contains(raw_filters(file, "/empty"), H5Z_FILTER_FLETCHER32));
}

TEST(Hdf5File, MatrixRoundTrip) {
  TempDir dir;
  const fs::path file = dir / "m.h5";
  std::vector<double> data;
  for (int i = 0; i < 12; ++i) data.push_back(i * 1.25 - 3);
  {
    Writer w(file, false);
    w.write_matrix("/m", 3, 4, data, "minutes");
    w.write_matrix("/none", 0, 5, {}, "");
    w.write_matrix("/nothing", 0, 0, {}, "x");
    w.commit();
  }
  Reader r(file);
  std::size_t rows = 99, cols = 99;
  EXPECT_EQ(r.read_matrix("/m", rows, cols), data);
  EXPECT_EQ(rows, 3u);
  EXPECT_EQ(cols, 4u);
  EXPECT_EQ(r.attribute_string("/m", "units"), "minutes");
  EXPECT_TRUE(r.read_matrix("/none", rows, cols).empty());
  EXPECT_EQ(rows, 0u);
  EXPECT_EQ(cols, 5u);
  EXPECT_TRUE(r.read_matrix("/nothing", rows, cols).empty());
  EXPECT_EQ(cols, 0u);

  // Row-major, checked element by element through the raw API.
  Raw f{H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
  Raw d{H5Dopen2(f, "/m", H5P_DEFAULT), H5Dclose};
  Raw s{H5Dget_space(d), H5Sclose};
  hsize_t dims[2] = {};
  ASSERT_EQ(H5Sget_simple_extent_ndims(s), 2);
  H5Sget_simple_extent_dims(s, dims, nullptr);
  EXPECT_EQ(dims[0], 3u);
  EXPECT_EQ(dims[1], 4u);
  double raw[3][4] = {};
  ASSERT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw), 0);
  EXPECT_EQ(raw[1][2], data[1 * 4 + 2]);
  EXPECT_EQ(raw[2][3], data[11]);
}

TEST(Hdf5File, StringsRoundTrip) {
  TempDir dir;
  const fs::path file = dir / "s.h5";
  const std::vector<std::string> names = {"Cabinet Dupont", "", "Hôpital – Nord", "x"};
  {
    Writer w(file, false);
    w.write_strings("/names", names);
    w.write_strings("/a/b/none", {});
    w.commit();
  }
  Reader r(file);
  EXPECT_EQ(r.read_strings("/names"), names);
  EXPECT_TRUE(r.read_strings("/a/b/none").empty());
  EXPECT_THROW(r.read_strings("/missing"), RunError);
  EXPECT_THROW(r.read_table("/names"), RunError);  // not a compound dataset
}

TEST(Hdf5File, AttributesRoundTrip) {
  TempDir dir;
  const fs::path file = dir / "a.h5";
  {
    Writer w(file, false);
    w.set_attribute("/", "title", std::string("Passerelle – run"));
    w.set_attribute("/", "seed", std::int64_t{-9223372036854775807 - 1});
    w.set_attribute("/", "scale", 0.1);
    w.set_attribute("/deep/group", "tags", std::vector<std::string>{"a", "", "ç"});
    w.set_attribute("/deep/group", "none", std::vector<std::string>{});
    w.write_matrix("/deep/m", 1, 1, {2.0}, "u");
    w.set_attribute("/deep/m", "count", std::int64_t{7});  // on a dataset
    w.set_attribute("/", "replaced", std::int64_t{1});
    w.set_attribute("/", "replaced", std::string("now a string"));
    w.commit();
  }
  Reader r(file);
  EXPECT_EQ(r.attribute_string("/", "title"), "Passerelle – run");
  EXPECT_EQ(r.attribute_int("/", "seed"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(r.attribute_double("/", "scale"), 0.1);
  EXPECT_EQ(r.attribute_double("/deep/m", "count"), 7.0);  // integers read as double too
  EXPECT_EQ(r.attribute_int("/deep/m", "count"), 7);
  EXPECT_EQ(r.attribute_strings("/deep/group", "tags"), (std::vector<std::string>{"a", "", "ç"}));
  EXPECT_TRUE(r.attribute_strings("/deep/group", "none").empty());
  EXPECT_EQ(r.attribute_string("/", "replaced"), "now a string");
  EXPECT_TRUE(r.has_attribute("/", "seed"));
  EXPECT_FALSE(r.has_attribute("/", "nope"));
  EXPECT_FALSE(r.has_attribute("/no/such/object", "seed"));
  EXPECT_THROW(r.attribute_int("/", "scale"), RunError);   // a double is not an integer
  EXPECT_THROW(r.attribute_int("/", "title"), RunError);   // nor is a string
  EXPECT_THROW(r.attribute_string("/", "seed"), RunError);
  EXPECT_THROW(r.attribute_string("/deep/group", "tags"), RunError);  // three strings, not one
  EXPECT_THROW(r.attribute_double("/", "missing"), RunError);
  EXPECT_THROW(r.attribute_string("/nowhere", "title"), RunError);
}

TEST(Hdf5File, GroupsAndExists) {
  TempDir dir;
  const fs::path file = dir / "g.h5";
  {
    Writer w(file, false);
    w.create_group("/runs/r1/zeta");
    w.create_group("/runs/r1/zeta");  // idempotent
    w.create_group("runs/r1/alpha");  // relative means from the root
    w.write_strings("/runs/r1/mid", {"x"});
    EXPECT_THROW(w.create_group("/runs/r1/mid"), RunError);  // a dataset is there
    EXPECT_THROW(w.write_strings("/runs/r1/mid", {"y"}), RunError);  // exists already
    w.commit();
  }
  Reader r(file);
  EXPECT_TRUE(r.exists("/"));
  EXPECT_TRUE(r.exists("/runs"));
  EXPECT_TRUE(r.exists("/runs/r1/zeta"));
  EXPECT_TRUE(r.exists("/runs/r1/mid"));
  EXPECT_FALSE(r.exists("/runs/r2"));
  EXPECT_FALSE(r.exists("/nope/deeper/still"));  // missing intermediate: false, no throw
  EXPECT_FALSE(r.exists("/runs/r1/mid/below"));  // through a dataset
  EXPECT_EQ(r.children("/runs/r1"), (std::vector<std::string>{"alpha", "mid", "zeta"}));
  EXPECT_EQ(r.children("/"), (std::vector<std::string>{"runs"}));
  EXPECT_TRUE(r.children("/runs/r1/zeta").empty());
  EXPECT_THROW(r.children("/missing"), RunError);
}

TEST(Hdf5File, TempFileUntilCommit) {
  TempDir dir;
  const fs::path file = dir / "out.h5";
  Writer w(file, false);
  EXPECT_EQ(w.final_path(), file);
  EXPECT_EQ(w.temp_path(), dir / "out.h5.tmp");
  w.write_strings("/s", {"a"});
  EXPECT_TRUE(fs::exists(w.temp_path()));
  EXPECT_FALSE(fs::exists(file));
  w.commit();
  EXPECT_TRUE(w.committed());
  EXPECT_TRUE(fs::exists(file));
  EXPECT_FALSE(fs::exists(dir / "out.h5.tmp"));
  EXPECT_EQ(Reader(file).read_strings("/s"), std::vector<std::string>{"a"});
  EXPECT_THROW(w.write_strings("/t", {"b"}), RunError);  // inert after commit
  EXPECT_THROW(w.commit(), RunError);
}

TEST(Hdf5File, DestructorWithoutCommitRemovesTemp) {
  TempDir dir;
  const fs::path file = dir / "out.h5";
  {
    Writer w(file, false);
    w.write_matrix("/m", 2, 2, {1, 2, 3, 4}, "");
    ASSERT_TRUE(fs::exists(w.temp_path()));
  }
  EXPECT_FALSE(fs::exists(dir / "out.h5.tmp"));
  EXPECT_FALSE(fs::exists(file));
}

TEST(Hdf5File, ExistingFileNeedsOverwrite) {
  TempDir dir;
  const fs::path file = dir / "out.h5";
  {
    Writer w(file, false);
    w.set_attribute("/", "version", std::int64_t{1});
    w.commit();
  }
  try {
    Writer w(file, false);
    FAIL() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "out.h5.tmp"));
  EXPECT_EQ(Reader(file).attribute_int("/", "version"), 1);
  {
    Writer w(file, true);
    w.set_attribute("/", "version", std::int64_t{2});
    // The old file stays intact until the new one is committed.
    EXPECT_EQ(Reader(file).attribute_int("/", "version"), 1);
    w.commit();
  }
  EXPECT_EQ(Reader(file).attribute_int("/", "version"), 2);
  {
    Writer w(file, true);  // abandoned: the old file survives
  }
  EXPECT_EQ(Reader(file).attribute_int("/", "version"), 2);
}

TEST(Hdf5File, CreatesParentDirectories) {
  TempDir dir;
  const fs::path file = dir / "a/b/c/out.h5";
  Writer w(file, false);
  w.write_strings("/s", {});
  w.commit();
  EXPECT_TRUE(fs::is_regular_file(file));
}

TEST(Hdf5File, ReaderRejectsMissingAndForeignFiles) {
  TempDir dir;
  EXPECT_THROW(Reader(dir / "missing.h5"), RunError);
  const fs::path text = dir / "notes.h5";
  std::ofstream(text) << "this is not HDF5\n";
  try {
    Reader r(text);
    FAIL() << "expected RunError";
  } catch (const RunError& e) {
    EXPECT_NE(std::string(e.what()).find(text.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(Reader{dir / "."}, RunError);  // a directory
}

TEST(Hdf5File, RejectsInconsistentInput) {
  TempDir dir;
  Writer w(dir / "bad.h5", false);
  EXPECT_THROW(w.write_matrix("/m", 2, 3, {1, 2, 3}, ""), RunError);
  Table ragged;
  ragged.add("a", true, "").values = {1, 2};
  ragged.add("b", false, "").values = {1};
  EXPECT_THROW(w.write_table("/ragged", ragged), RunError);
  Table fractional;
  fractional.add("a", true, "").values = {1.5};
  EXPECT_THROW(w.write_table("/fractional", fractional), RunError);
  Table nan;
  nan.add("a", true, "").values = {std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(w.write_table("/nan", nan), RunError);
  Table twice;
  twice.add("a", true, "").values = {1};
  twice.add("a", false, "").values = {2};
  EXPECT_THROW(w.write_table("/twice", twice), RunError);
  EXPECT_THROW(w.write_table("/none", Table{}), RunError);
  w.commit();
  Reader r(dir / "bad.h5");
  EXPECT_TRUE(r.children("/").empty());  // nothing half-written
}

TEST(Hdf5File, DatasetsAreChecksummedAndCompressed) {
  TempDir dir;
  const fs::path file = dir / "f.h5";
  {
    Writer w(file, false);
    w.write_table("/t", sample_table());
    w.write_matrix("/m", 2, 3, {1, 2, 3, 4, 5, 6}, "");
    w.write_strings("/s", {"a", "b"});
    w.commit();
  }
  const bool deflate = H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0;
  for (const char* name : {"/t", "/m", "/s"}) {
    const std::vector<H5Z_filter_t> raw = raw_filters(file, name);
    ASSERT_FALSE(raw.empty()) << name;
    EXPECT_EQ(raw.back(), H5Z_FILTER_FLETCHER32) << name;  // last: checksums the stored bytes
    EXPECT_EQ(contains(raw, H5Z_FILTER_DEFLATE), deflate) << name;
  }
  EXPECT_EQ(contains(raw_filters(file, "/m"), H5Z_FILTER_SHUFFLE), deflate);
}

// Fletcher32 is not just declared: a flipped byte in a chunk makes the read
// fail with RunError instead of returning wrong numbers.
TEST(Hdf5File, CorruptChunkIsDetected) {
  TempDir dir;
  const fs::path file = dir / "c.h5";
  std::vector<double> data(64);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<double>(i) * 0.5;
  {
    Writer w(file, false);
    w.write_matrix("/m", 8, 8, data, "");
    w.commit();
  }
  haddr_t addr = 0;
  hsize_t size = 0;
  {
    Raw f{H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
    Raw d{H5Dopen2(f, "/m", H5P_DEFAULT), H5Dclose};
    Raw s{H5Dget_space(d), H5Sclose};
    hsize_t offset[2] = {};
    unsigned mask = 0;
    EXPECT_GE(H5Dget_chunk_info(d, s, 0, offset, &mask, &addr, &size), 0);
  }
  ASSERT_GT(size, 4u);
  {
    std::fstream io(file, std::ios::in | std::ios::out | std::ios::binary);
    io.seekg(static_cast<std::streamoff>(addr + size / 2));
    const char byte = static_cast<char>(io.get() ^ 0x5a);
    io.seekp(static_cast<std::streamoff>(addr + size / 2));
    io.put(byte);
  }
  Reader r(file);
  std::size_t rows = 0, cols = 0;
  EXPECT_THROW(r.read_matrix("/m", rows, cols), RunError);
}

// Every HDF5 handle is closed, on success and when an error is thrown midway.
TEST(Hdf5File, NoHandlesLeak) {
  TempDir dir;
  const fs::path file = dir / "l.h5";
  const unsigned objects = H5F_OBJ_DATASET | H5F_OBJ_GROUP | H5F_OBJ_DATATYPE | H5F_OBJ_ATTR;
  const ssize_t before_all = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  {
    Writer w(file, false);
    w.write_table("/t", sample_table());
    w.write_strings("/s", {"a"});
    w.set_attribute("/s", "n", std::int64_t{1});
    EXPECT_THROW(w.write_strings("/s", {"b"}), RunError);
    EXPECT_THROW(w.create_group("/s"), RunError);
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, objects), 0);
    w.commit();
  }
  {
    Reader r(file);
    std::size_t rows = 0, cols = 0;
    EXPECT_EQ(r.read_table("/t").rows(), 4u);
    EXPECT_THROW(r.read_matrix("/t", rows, cols), RunError);  // fails after opening the dataset
    EXPECT_THROW(r.read_strings("/t"), RunError);
    EXPECT_THROW(r.attribute_int("/s", "missing"), RunError);
    EXPECT_THROW(r.attribute_string("/s", "n"), RunError);
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, objects), 0);
    EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), before_all + 1);  // just the file
  }
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), before_all);
}
