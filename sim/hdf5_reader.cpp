// The HDF5 reader and tables (hdf5_file.hpp); the writer is hdf5_file.cpp.
#include "sim/hdf5_file.hpp"

#include <hdf5.h>

#include <cmath>
#include <set>
#include <system_error>
#include <type_traits>

#include "sim/hdf5_detail.hpp"

namespace sim::h5 {

using namespace detail;
namespace fs = std::filesystem;

std::size_t Table::rows() const { return columns.empty() ? 0 : columns.front().values.size(); }

Column& Table::add(std::string name, bool is_integer, std::string units) {
  return columns.emplace_back(Column{std::move(name), is_integer, std::move(units), {}});
}

const Column* Table::find(std::string_view name) const {
  for (const Column& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

// ---------------------------------------------------------------- Reader

Reader::Reader(const fs::path& path) : path_(path) {
  silence_hdf5();
  std::error_code ec;
  // A reader given a missing or non-HDF5 file is invalid input (exit 2).
  if (!fs::is_regular_file(path_, ec)) throw InputError(path_.string(), 0, 0, "no such file");
  file_ = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_ < 0) throw InputError(path_.string(), 0, 0, "not an HDF5 file (cannot open it as one)");
}

Reader::~Reader() {
  if (file_ >= 0) H5Fclose(file_);
}

bool Reader::exists(const std::string& path) const { return link_exists(file_, path); }

std::vector<std::string> Reader::children(const std::string& group) const {
  const Ctx c{file_, path_};
  const std::string what = "group " + q(group);
  Handle g = c.check(H5Gopen2(file_, absolute(group).c_str(), H5P_DEFAULT), H5Gclose, "cannot open " + what);
  H5G_info_t info{};
  c.check(H5Gget_info(g.get(), &info), "cannot inspect " + what);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    auto name_at = [&](char* buf, std::size_t size) {
      const ssize_t len = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, buf, size, H5P_DEFAULT);
      if (len < 0) c.fail("cannot list " + what);
      return static_cast<std::size_t>(len);
    };
    std::string name(name_at(nullptr, 0) + 1, '\0');
    name.resize(name_at(name.data(), name.size()));
    out.push_back(std::move(name));
  }
  std::sort(out.begin(), out.end());  // the name index already is, but cheaply made certain
  return out;
}

Table Reader::read_table(const std::string& path) const {
  const Ctx c{file_, path_};
  const std::string what = "table " + q(path);
  const Dataset d = open_dataset(c, path, what);
  const int nmembers = d.cls == H5T_COMPOUND ? H5Tget_nmembers(d.type.get()) : -1;
  if (d.dims.size() != 1 || nmembers <= 0) c.fail(what + " is not a 1-D compound dataset");
  const auto ncols = static_cast<unsigned>(nmembers);
  const auto nrows = static_cast<std::size_t>(d.dims[0]);
  // Read through a memory type of int64/double fields, matched by name, so
  // that narrower numeric fields (from other writers) load too.
  Handle mtype = c.check(H5Tcreate(H5T_COMPOUND, kField * ncols), H5Tclose, "cannot create type of " + what);
  Table table;
  for (unsigned j = 0; j < ncols; ++j) {
    char* raw = H5Tget_member_name(d.type.get(), j);
    if (raw == nullptr) c.fail("cannot get field names of " + what);
    std::string name = raw;
    H5free_memory(raw);
    const H5T_class_t cls = H5Tget_member_class(d.type.get(), j);
    if (cls != H5T_INTEGER && cls != H5T_FLOAT) c.fail(what + ": field " + q(name) + " is not numeric");
    c.check(H5Tinsert(mtype.get(), name.c_str(), j * kField, cls == H5T_INTEGER ? H5T_NATIVE_INT64 : H5T_NATIVE_DOUBLE),
            "cannot add field " + q(name));
    table.add(std::move(name), cls == H5T_INTEGER, "").values.resize(nrows);
  }
  std::vector<unsigned char> buf(nrows * ncols * kField);
  if (nrows > 0)
    c.check(H5Dread(d.ds.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), "cannot read " + what);
  for (std::size_t i = 0; i < nrows; ++i) {
    for (std::size_t j = 0; j < ncols; ++j) {
      const unsigned char* src = buf.data() + (i * ncols + j) * kField;
      Column& col = table.columns[j];
      std::int64_t iv = 0;
      if (col.is_integer) std::memcpy(&iv, src, kField);
      if (col.is_integer) col.values[i] = static_cast<double>(iv);
      else std::memcpy(&col.values[i], src, kField);
    }
  }
  if (has_attribute(path, "units")) {
    const std::vector<std::string> units = attribute_strings(path, "units");
    if (units.size() == ncols)
      for (std::size_t j = 0; j < ncols; ++j) table.columns[j].units = units[j];
  }
  return table;
}

std::vector<double> Reader::read_matrix(const std::string& path, std::size_t& rows, std::size_t& cols) const {
  const Ctx c{file_, path_};
  const std::string what = "matrix " + q(path);
  const Dataset d = open_dataset(c, path, what);
  if ((d.cls != H5T_FLOAT && d.cls != H5T_INTEGER) || d.dims.size() != 2) c.fail(what + " is not a 2-D numeric dataset");
  std::vector<double> out(static_cast<std::size_t>(d.dims[0] * d.dims[1]));
  if (!out.empty())
    c.check(H5Dread(d.ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "cannot read " + what);
  rows = static_cast<std::size_t>(d.dims[0]);
  cols = static_cast<std::size_t>(d.dims[1]);
  return out;
}

std::vector<std::string> Reader::read_strings(const std::string& path) const {
  const Ctx c{file_, path_};
  const std::string what = "string dataset " + q(path);
  const Dataset d = open_dataset(c, path, what);
  if (d.dims.size() != 1) c.fail(what + " is not 1-D");
  return read_string_data(c, d.ds.get(), false, what);
}

std::string Reader::attribute_string(const std::string& object, const std::string& name) const {
  std::vector<std::string> v = attribute_strings(object, name);
  if (v.size() != 1) Ctx{file_, path_}.fail("attribute " + q(name) + " of " + q(object) + " is not a single string");
  return std::move(v.front());
}

std::int64_t Reader::attribute_int(const std::string& object, const std::string& name) const {
  return read_scalar_attribute<std::int64_t>(Ctx{file_, path_}, object, name, H5T_NATIVE_INT64, true);
}

double Reader::attribute_double(const std::string& object, const std::string& name) const {
  return read_scalar_attribute<double>(Ctx{file_, path_}, object, name, H5T_NATIVE_DOUBLE, false);
}

std::vector<std::string> Reader::attribute_strings(const std::string& object, const std::string& name) const {
  const Ctx c{file_, path_};
  const std::string what = "attribute " + q(name) + " of " + q(object);
  return read_string_data(c, open_attribute(c, object, name, what).get(), true, what);
}

bool Reader::has_attribute(const std::string& object, const std::string& name) const {
  if (!exists(object)) return false;
  const Ctx c{file_, path_};
  const htri_t has = H5Aexists_by_name(file_, absolute(object).c_str(), name.c_str(), H5P_DEFAULT);
  c.check(has, "cannot look up attribute " + q(name) + " of " + q(object));
  return has > 0;
}

}  // namespace sim::h5
