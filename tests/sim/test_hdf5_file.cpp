// Tests for the generic HDF5 layer. Some checks bypass sim::h5 and use the
// HDF5 C API directly, so that a wrong writer cannot hide behind a reader
// that makes the same mistake.
#include "hdf5_helpers.hpp"

using namespace hdf5_test;

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
