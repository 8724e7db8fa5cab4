// HDF5 files over their life: the temporary name until commit, overwriting,
// foreign and corrupt files, checksums and compression, handle leaks.
#include "hdf5_helpers.hpp"

using namespace hdf5_test;

TEST(Hdf5File, TempFileUntilCommit) {
  TempDir dir;
  const fs::path file = dir / "out.h5";
  Writer w(file, false);
  EXPECT_EQ(w.final_path(), file);
  // Unique per writer (pid + random): two writers never share it.
  EXPECT_EQ(w.temp_path().string().rfind((dir / "out.h5.tmp.").string(), 0), 0u) << w.temp_path();
  w.write_strings("/s", {"a"});
  EXPECT_TRUE(fs::exists(w.temp_path()));
  EXPECT_FALSE(fs::exists(file));
  w.commit();
  EXPECT_TRUE(w.committed());
  EXPECT_TRUE(fs::exists(file));
  EXPECT_FALSE(fs::exists(w.temp_path()));
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
  for (const auto& e : fs::directory_iterator(file.parent_path())) ADD_FAILURE() << "left behind: " << e.path();
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

// A reader given a file that is not HDF5 is given invalid input (exit 2).
TEST(Hdf5File, ReaderRejectsMissingAndForeignFiles) {
  TempDir dir;
  EXPECT_THROW(Reader(dir / "missing.h5"), sim::InputError);
  const fs::path text = dir / "notes.h5";
  std::ofstream(text) << "this is not HDF5\n";
  try {
    Reader r(text);
    FAIL() << "expected InputError";
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find(text.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(Reader{dir / "."}, sim::InputError);  // a directory
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
