// The engine's generic HDF5 layer: tables (compound datasets), matrices,
// string lists and attributes, written to a temporary file that only becomes
// visible under its final name on commit(). It knows nothing of the domain.
// Failures throw sim::RunError naming the file and what failed.
//
// hdf5.h stays out of this header on purpose: hid_t is a 64-bit integer since
// HDF5 1.10 (checked by a static_assert in the .cpp), so callers need no HDF5
// include paths. The HDF5 library used here is not thread-safe: use one
// Writer/Reader at a time per process.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sim::h5 {

// One column of an in-memory table. Integer columns are held as doubles for a
// uniform interface; they must hold whole numbers (exact up to 2^53).
struct Column {
  std::string name;
  bool is_integer = false;
  std::string units;
  std::vector<double> values;
};

struct Table {
  std::vector<Column> columns;
  // Length of the first column, 0 if there are none. All columns must have
  // the same length; write_table() checks it.
  std::size_t rows() const;
  // The reference is invalidated by the next add().
  Column& add(std::string name, bool is_integer, std::string units);
  const Column* find(std::string_view name) const;  // nullptr if absent
};

class Writer {
 public:
  // Creates a temporary file "<final_path>.tmp.<pid>.<random>" (unique: two
  // writers never share it) and the parent directories of final_path.
  // Throws RunError if final_path exists and !overwrite; with overwrite an
  // existing final_path stays untouched until commit(). HDF5 builds the file
  // in memory (core driver); commit() writes the image with plain write(2),
  // so a full disk is an ordinary error, never a half-closed HDF5 file.
  Writer(std::filesystem::path final_path, bool overwrite);
  // Without commit(): closes and removes the temporary file. Never throws.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Attributes on the group or dataset at an absolute path ("/" is the root;
  // a missing object is created as a group, with its parents). An existing
  // attribute of the same name is replaced. Strings are variable-length UTF-8
  // (h5py reads them as str) and must not contain NUL bytes.
  void set_attribute(const std::string& object, const std::string& name, const std::string& value);
  void set_attribute(const std::string& object, const std::string& name, std::int64_t value);
  void set_attribute(const std::string& object, const std::string& name, double value);
  void set_attribute(const std::string& object, const std::string& name,
                     const std::vector<std::string>& values);
  // Creates the group and its parents; fine if it already is a group.
  void create_group(const std::string& path);

  // The datasets below must not exist yet; their parent groups are created.
  // All are chunked, Fletcher32-checksummed and, where the library has it,
  // shuffled and deflated (level 4).
  //
  // Compound dataset, one record per row, fields in column order: integer
  // columns as native int64, float columns as native double. String-array
  // attributes "fields" and "units" are aligned with the fields.
  void write_table(const std::string& path, const Table& table);
  // 2-D float64 dataset (rows x cols, data row-major), string attribute "units".
  void write_matrix(const std::string& path, std::size_t rows, std::size_t cols,
                    const std::vector<double>& data, const std::string& units);
  // 1-D dataset of fixed-length UTF-8 strings, NUL-padded to the longest
  // (HDF5 allows no Fletcher32 on variable-length data). h5py reads it as
  // bytes; use .asstr() for str.
  void write_strings(const std::string& path, const std::vector<std::string>& values);

  // Flushes, closes and renames the temporary file onto final_path (atomic on
  // POSIX). Afterwards every other member function throws RunError.
  void commit();
  bool committed() const { return committed_; }

  const std::filesystem::path& final_path() const { return final_path_; }
  std::filesystem::path temp_path() const { return temp_path_; }

 private:
  void require_open() const;
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::int64_t file_ = -1;  // hid_t
  int temp_fd_ = -1;        // the temporary file, reserved until commit
  bool committed_ = false;
};

class Reader {
 public:
  // Throws RunError if the file is missing, unreadable or not HDF5.
  explicit Reader(const std::filesystem::path& path);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Whether every link along the path exists; false (not an error) when an
  // intermediate component is missing or is not a group. "/" always exists.
  bool exists(const std::string& path) const;
  // Names of the links in a group, sorted by name.
  std::vector<std::string> children(const std::string& group) const;

  // Inverse of write_table: is_integer from the field class, units from the
  // "units" attribute when it is aligned with the fields (else left empty).
  Table read_table(const std::string& path) const;
  // A 2-D numeric dataset as row-major doubles.
  std::vector<double> read_matrix(const std::string& path, std::size_t& rows,
                                  std::size_t& cols) const;
  // A 1-D dataset of variable- or fixed-length strings.
  std::vector<std::string> read_strings(const std::string& path) const;

  // Scalar attributes. attribute_int requires an integer attribute;
  // attribute_double accepts integer or float ones.
  std::string attribute_string(const std::string& object, const std::string& name) const;
  std::int64_t attribute_int(const std::string& object, const std::string& name) const;
  double attribute_double(const std::string& object, const std::string& name) const;
  std::vector<std::string> attribute_strings(const std::string& object,
                                             const std::string& name) const;
  bool has_attribute(const std::string& object, const std::string& name) const;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::int64_t file_ = -1;  // hid_t
};

}  // namespace sim::h5
