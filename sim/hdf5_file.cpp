// The HDF5 writer (hdf5_file.hpp); the reader is hdf5_reader.cpp.
#include "sim/hdf5_file.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>
#include <system_error>
#include <type_traits>

#include "sim/hdf5_detail.hpp"
#include "sim/record_log.hpp"

namespace sim::h5 {

using namespace detail;
namespace fs = std::filesystem;


// ---------------------------------------------------------------- Writer

Writer::Writer(fs::path final_path, bool overwrite)
    : final_path_(std::move(final_path)), temp_path_(unique_temp_path(final_path_)) {
  silence_hdf5();
  std::error_code ec;
  if (!overwrite && fs::exists(final_path_, ec)) throw RunError(final_path_.string() + " exists (use --force)");
  const fs::path parent = final_path_.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) throw RunError(parent.string() + ": cannot create directory: " + ec.message());
  }
  const Ctx c{-1, temp_path_};
  temp_fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (temp_fd_ < 0) throw RunError(temp_path_.string() + ": cannot create: " + std::strerror(errno));
  try {
    // In memory, no backing store: nothing HDF5 does can fail on the disk;
    // commit() writes the finished image. STRONG close: H5Fclose releases
    // everything at once.
    Handle fapl = c.check(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "cannot create file access properties");
    c.check(H5Pset_fapl_core(fapl.get(), std::size_t{16} << 20, false), "cannot select the in-memory driver");
    c.check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "cannot set file close degree");
    file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
    if (file_ < 0) c.fail("cannot create HDF5 file");
  } catch (...) {
    ::close(temp_fd_);
    ::unlink(temp_path_.c_str());
    throw;
  }
}

Writer::~Writer() {
  if (committed_) return;
  if (file_ >= 0) H5Fclose(file_);  // in memory: nothing to lose
  if (temp_fd_ >= 0) ::close(temp_fd_);
  ::unlink(temp_path_.c_str());  // best effort: a destructor must not throw
}

void Writer::require_open() const {
  if (committed_ || file_ < 0) throw RunError(final_path_.string() + ": HDF5 writer already committed or closed");
}

void Writer::create_group(const std::string& path) {
  require_open();
  make_group(Ctx{file_, temp_path_}, path);
}

// Scalars go through write_scalar_attribute, strings through
// write_string_attribute (scalar or 1-D); all may create the object as a group.
void Writer::set_attribute(const std::string& object, const std::string& name, const std::string& value) {
  require_open();
  const Ctx c{file_, temp_path_};
  write_string_attribute(c, attribute_target(c, object).get(), name, {value}, true);
}
void Writer::set_attribute(const std::string& object, const std::string& name, std::int64_t value) {
  require_open();
  write_scalar_attribute(Ctx{file_, temp_path_}, object, name, H5T_NATIVE_INT64, &value);
}
void Writer::set_attribute(const std::string& object, const std::string& name, double value) {
  require_open();
  write_scalar_attribute(Ctx{file_, temp_path_}, object, name, H5T_NATIVE_DOUBLE, &value);
}
void Writer::set_attribute(const std::string& object, const std::string& name, const std::vector<std::string>& values) {
  require_open();
  const Ctx c{file_, temp_path_};
  write_string_attribute(c, attribute_target(c, object).get(), name, values, false);
}

void Writer::write_table(const std::string& path, const Table& table) {
  require_open();
  const Ctx c{file_, temp_path_};
  const std::string what = "table " + q(path);
  const std::size_t ncols = table.columns.size(), nrows = table.rows();
  if (ncols == 0) c.fail(what + " has no columns");  // HDF5 has no empty compound type
  std::set<std::string> seen;
  for (const Column& col : table.columns) {
    if (col.name.empty() || !seen.insert(col.name).second) c.fail(what + ": empty or repeated column name " + q(col.name));
    if (col.values.size() != nrows)
      c.fail(what + ": column " + q(col.name) + " has " + std::to_string(col.values.size()) + " rows, not " +
             std::to_string(nrows));
  }
  Handle type = c.check(H5Tcreate(H5T_COMPOUND, kField * ncols), H5Tclose, "cannot create type of " + what);
  std::vector<unsigned char> buf(nrows * ncols * kField);
  for (std::size_t j = 0; j < ncols; ++j) {
    const Column& col = table.columns[j];
    c.check(H5Tinsert(type.get(), col.name.c_str(), j * kField, col.is_integer ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE),
            "cannot add field " + q(col.name) + " to " + what);
    for (std::size_t i = 0; i < nrows; ++i) {
      unsigned char* dst = buf.data() + (i * ncols + j) * kField;
      const double v = col.values[i];
      if (!col.is_integer) {
        std::memcpy(dst, &v, kField);
        continue;
      }
      // Refuse rather than silently truncate; NaN fails the range test too.
      if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0) || v != std::trunc(v))
        c.fail(what + ": integer column " + q(col.name) + " row " + std::to_string(i) + " holds " + std::to_string(v));
      const auto iv = static_cast<std::int64_t>(v);
      std::memcpy(dst, &iv, kField);
    }
  }
  Handle ds = write_dataset(c, path, type.get(), {nrows}, true, nrows > 0 ? buf.data() : nullptr);
  std::vector<std::string> names, units;
  for (const Column& col : table.columns) {
    names.push_back(col.name);
    units.push_back(col.units);
  }
  write_string_attribute(c, ds.get(), "fields", names, false);
  write_string_attribute(c, ds.get(), "units", units, false);
}

void Writer::write_matrix(const std::string& path, std::size_t rows, std::size_t cols, const std::vector<double>& data,
                          const std::string& units) {
  require_open();
  const Ctx c{file_, temp_path_};
  if ((cols != 0 && rows > data.max_size() / cols) || data.size() != rows * cols)
    c.fail("matrix " + q(path) + ": " + std::to_string(data.size()) + " values for " + std::to_string(rows) + " x " +
           std::to_string(cols));
  Handle ds = write_dataset(c, path, H5T_NATIVE_DOUBLE, {rows, cols}, true, data.empty() ? nullptr : data.data());
  write_string_attribute(c, ds.get(), "units", {units}, true);
}

void Writer::write_strings(const std::string& path, const std::vector<std::string>& values) {
  require_open();
  const Ctx c{file_, temp_path_};
  // Fixed-length (padded to the longest, at least 1 byte): HDF5 refuses
  // Fletcher32 on variable-length data, and readers cope with both.
  std::size_t width = 1;
  for (const std::string& v : values) width = std::max(width, v.size());
  std::vector<char> buf(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) std::memcpy(buf.data() + i * width, values[i].data(), values[i].size());
  write_dataset(c, path, string_type(c, width, H5T_STR_NULLPAD).get(), {values.size()}, false, buf.empty() ? nullptr : buf.data());
}

void Writer::commit() {
  require_open();
  const Ctx c{file_, temp_path_};
  c.check(H5Fflush(file_, H5F_SCOPE_GLOBAL), "cannot flush file");
  const ssize_t size = H5Fget_file_image(file_, nullptr, 0);
  if (size < 0) c.fail("cannot get the file image");
  std::string image(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(file_, image.data(), image.size()) != size) c.fail("cannot get the file image");
  // In memory: a failed close loses nothing on disk, and the handle is
  // gone either way (never closed twice, never left for the library's exit).
  const herr_t closed = H5Fclose(std::exchange(file_, -1));
  if (closed < 0) c.fail("cannot close file");
  // The disk's errors (ENOSPC, EFBIG, EIO) are plain errno here; the
  // destructor removes the temporary file.
  write_all_fd(temp_fd_, image, temp_path_);
  if (::fsync(temp_fd_) != 0) throw RunError(temp_path_.string() + ": cannot sync: " + std::strerror(errno));
  if (::close(std::exchange(temp_fd_, -1)) != 0)
    throw RunError(temp_path_.string() + ": cannot close: " + std::strerror(errno));
  rename_durably(temp_path_, final_path_);
  committed_ = true;
}

}  // namespace sim::h5
