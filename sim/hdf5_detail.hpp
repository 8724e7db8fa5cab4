// Internals of the HDF5 reader and writer (hdf5_file.cpp, hdf5_reader.cpp):
// owned handles, error context, and the calls both sides share. Not part of
// the engine's interface: only those two files include it.
#pragma once
#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"

namespace sim::h5 {

static_assert(std::is_same_v<hid_t, std::int64_t>, "the header stores hid_t as std::int64_t");

namespace detail {

// Table fields are int64 or double: both 8 bytes, so field j sits at 8 * j.
constexpr std::size_t kField = 8;
static_assert(sizeof(std::int64_t) == kField && sizeof(double) == kField);

// We report errors ourselves (as RunError); HDF5 would otherwise print its
// whole error stack to stderr on every failed call, including probes.
inline void silence_hdf5() {
  static const bool done = [] { return H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0; }();
  (void)done;
}

// The most specific message on HDF5's error stack (e.g. "file signature not
// found"), which says more than the API-level one.
inline std::string hdf5_detail() {
  std::string out;
  auto first = [](unsigned n, const H5E_error2_t* e, void* data) -> herr_t {
    if (n == 0 && e->desc != nullptr) *static_cast<std::string*>(data) = e->desc;
    return 0;
  };
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first, &out);
  H5Eclear2(H5E_DEFAULT);
  return out;
}

// Owns one hid_t and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  Closer close_;
};

// A file plus its name, so that every failure can say which file it was.
struct Ctx {
  hid_t file;
  const std::filesystem::path& path;

  [[noreturn]] void fail(const std::string& what) const {
    const std::string detail = hdf5_detail();
    throw RunError(path.string() + ": " + what + (detail.empty() ? "" : " (" + detail + ")"));
  }
  Handle check(hid_t id, Handle::Closer close, const std::string& what) const {
    if (id < 0) fail(what);
    return Handle(id, close);
  }
  void check(herr_t rc, const std::string& what) const {
    if (rc < 0) fail(what);
  }
};

inline std::string q(const std::string& s) { return "'" + s + "'"; }
inline std::string absolute(const std::string& p) { return p.empty() || p[0] != '/' ? "/" + p : p; }

// H5Lexists fails (negative) rather than answering "no" when an intermediate
// group is missing or is a dataset; both mean "no" here.
inline bool link_exists(hid_t file, const std::string& path) {
  const std::string p = absolute(path);
  if (p.find_first_not_of('/') == std::string::npos) return true;  // the root
  const htri_t found = H5Lexists(file, p.c_str(), H5P_DEFAULT);
  H5Eclear2(H5E_DEFAULT);
  return found > 0;
}

inline Handle open_object(const Ctx& c, const std::string& path) {
  return c.check(H5Oopen(c.file, absolute(path).c_str(), H5P_DEFAULT), H5Oclose, "cannot open object " + q(path));
}

inline Handle intermediate_groups(const Ctx& c) {
  Handle lcpl = c.check(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "cannot create link properties");
  c.check(H5Pset_create_intermediate_group(lcpl.get(), 1), "cannot set intermediate group creation");
  return lcpl;
}

inline void make_group(const Ctx& c, const std::string& path) {
  if (link_exists(c.file, path)) {
    if (H5Iget_type(open_object(c, path).get()) != H5I_GROUP) c.fail(q(path) + " exists and is not a group");
    return;
  }
  c.check(H5Gcreate2(c.file, absolute(path).c_str(), intermediate_groups(c).get(), H5P_DEFAULT, H5P_DEFAULT),
          H5Gclose, "cannot create group " + q(path));
}

// size H5T_VARIABLE: variable-length. Ours are UTF-8 so that h5py gives str.
inline Handle string_type(const Ctx& c, std::size_t size, H5T_str_t pad, H5T_cset_t cset = H5T_CSET_UTF8) {
  Handle t = c.check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot copy string type");
  c.check(H5Tset_size(t.get(), size), "cannot set string size");
  c.check(H5Tset_cset(t.get(), cset), "cannot set string character set");
  c.check(H5Tset_strpad(t.get(), pad), "cannot set string padding");
  return t;
}

// Replaces any attribute of the same name (HDF5 cannot overwrite in place
// when the type or shape changes).
inline void write_attribute(const Ctx& c, hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data) {
  const std::string what = "attribute " + q(name);
  const htri_t had = H5Aexists(obj, name.c_str());
  c.check(had, "cannot look up " + what);
  if (had > 0) c.check(H5Adelete(obj, name.c_str()), "cannot replace " + what);
  Handle a = c.check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                     "cannot create " + what);
  if (data != nullptr) c.check(H5Awrite(a.get(), type, data), "cannot write " + what);  // null: no elements
}

// Scalar (one value) or 1-D array of variable-length UTF-8 strings.
inline void write_string_attribute(const Ctx& c, hid_t obj, const std::string& name, const std::vector<std::string>& values,
                            bool scalar) {
  std::vector<const char*> ptrs;
  for (const std::string& v : values) ptrs.push_back(v.c_str());
  const hsize_t n = values.size();
  Handle space = c.check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose,
                         "cannot create dataspace for attribute " + q(name));
  write_attribute(c, obj, name, string_type(c, H5T_VARIABLE, H5T_STR_NULLTERM).get(), space.get(), ptrs.empty() ? nullptr : ptrs.data());
}

// The group or dataset an attribute goes on; a missing one becomes a group.
inline Handle attribute_target(const Ctx& c, const std::string& object) {
  if (!link_exists(c.file, object)) make_group(c, object);
  return open_object(c, object);
}

inline void write_scalar_attribute(const Ctx& c, const std::string& object, const std::string& name, hid_t type,
                            const void* value) {
  Handle space = c.check(H5Screate(H5S_SCALAR), H5Sclose, "cannot create dataspace");
  write_attribute(c, attribute_target(c, object).get(), name, type, space.get(), value);
}

inline bool can_encode(H5Z_filter_t f) {
  unsigned info = 0;
  return H5Zfilter_avail(f) > 0 && H5Zget_filter_info(f, &info) >= 0 && (info & H5Z_FILTER_CONFIG_ENCODE_ENABLED);
}

// Creates and fills a dataset (data may be null when there are no elements:
// HDF5 rejects a null buffer even for an empty selection). Extents are
// unlimited so that 0 is allowed, which requires chunking; chunk sides are
// >= 1 and chunks about 64 KiB. Filters: shuffle + deflate when the library
// can encode them, then Fletcher32 last so that it checksums the stored bytes.
inline Handle write_dataset(const Ctx& c, const std::string& path, hid_t type, std::vector<hsize_t> dims, bool shuffle,
                     const void* data) {
  const std::string what = "dataset " + q(path);
  if (link_exists(c.file, path)) c.fail(what + " already exists");
  std::vector<hsize_t> max(dims.size(), H5S_UNLIMITED), chunk(dims.size());
  Handle space = c.check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max.data()), H5Sclose,
                         "cannot create dataspace for " + what);
  hsize_t room = std::max<hsize_t>(1, (hsize_t{1} << 16) / std::max<std::size_t>(1, H5Tget_size(type)));
  for (std::size_t i = dims.size(); i-- > 0;) {  // innermost dimension first
    chunk[i] = std::clamp<hsize_t>(dims[i], 1, std::max<hsize_t>(1, room));
    room /= chunk[i];
  }
  Handle dcpl = c.check(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "cannot create dataset properties");
  c.check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "cannot set chunking");
  if (can_encode(H5Z_FILTER_DEFLATE)) {
    if (shuffle && can_encode(H5Z_FILTER_SHUFFLE)) c.check(H5Pset_shuffle(dcpl.get()), "cannot set shuffle");
    c.check(H5Pset_deflate(dcpl.get(), 4), "cannot set deflate");
  }
  c.check(H5Pset_fletcher32(dcpl.get()), "cannot set Fletcher32");
  Handle ds = c.check(H5Dcreate2(c.file, absolute(path).c_str(), type, space.get(), intermediate_groups(c).get(),
                                 dcpl.get(), H5P_DEFAULT),
                      H5Dclose, "cannot create " + what);
  if (data != nullptr) c.check(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "cannot write " + what);
  return ds;
}

struct Dataset {
  Handle ds, type, space;
  H5T_class_t cls;
  std::vector<hsize_t> dims;
};

inline Dataset open_dataset(const Ctx& c, const std::string& path, const std::string& what) {
  Handle ds = c.check(H5Dopen2(c.file, absolute(path).c_str(), H5P_DEFAULT), H5Dclose, "cannot open " + what);
  Handle type = c.check(H5Dget_type(ds.get()), H5Tclose, "cannot get type of " + what);
  Handle space = c.check(H5Dget_space(ds.get()), H5Sclose, "cannot get dataspace of " + what);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) c.fail("cannot get rank of " + what);
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  c.check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "cannot get size of " + what);
  const H5T_class_t cls = H5Tget_class(type.get());
  return Dataset{std::move(ds), std::move(type), std::move(space), cls, std::move(dims)};
}

inline Handle open_attribute(const Ctx& c, const std::string& object, const std::string& name, const std::string& what) {
  return c.check(H5Aopen_by_name(c.file, absolute(object).c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose, "cannot open " + what);
}

// All strings of an attribute (is_attr) or dataset, variable- or fixed-length
// (the latter for files from other writers).
inline std::vector<std::string> read_string_data(const Ctx& c, hid_t id, bool is_attr, const std::string& what) {
  Handle ftype = c.check(is_attr ? H5Aget_type(id) : H5Dget_type(id), H5Tclose, "cannot get type of " + what);
  if (H5Tget_class(ftype.get()) != H5T_STRING) c.fail(what + " does not hold strings");
  Handle space = c.check(is_attr ? H5Aget_space(id) : H5Dget_space(id), H5Sclose, "cannot get dataspace of " + what);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0) c.fail("cannot count elements of " + what);
  std::vector<std::string> out(static_cast<std::size_t>(n));
  if (n == 0) return out;
  const htri_t vlen = H5Tis_variable_str(ftype.get());
  c.check(vlen, "cannot inspect string type of " + what);
  const std::size_t size = H5Tget_size(ftype.get());
  const H5T_str_t pad = H5Tget_strpad(ftype.get());
  Handle mtype = string_type(c, vlen > 0 ? H5T_VARIABLE : size, pad, H5Tget_cset(ftype.get()));
  auto read = [&](void* buf) {
    c.check(is_attr ? H5Aread(id, mtype.get(), buf) : H5Dread(id, mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buf),
            "cannot read " + what);
  };
  if (vlen > 0) {
    std::vector<char*> ptrs(out.size(), nullptr);
    read(ptrs.data());
    for (std::size_t i = 0; i < out.size(); ++i)
      if (ptrs[i] != nullptr) out[i] = ptrs[i];
#if H5_VERSION_GE(1, 12, 0)  // 1.10 headers may declare H5Treclaim without the library having it
    H5Treclaim(mtype.get(), space.get(), H5P_DEFAULT, ptrs.data());  // frees the library's copies
#else
    H5Dvlen_reclaim(mtype.get(), space.get(), H5P_DEFAULT, ptrs.data());
#endif
  } else {
    std::vector<char> buf(out.size() * size);
    read(buf.data());
    for (std::size_t i = 0; i < out.size(); ++i) {
      const char* s = buf.data() + i * size;
      out[i].assign(s, strnlen(s, size));
      if (pad == H5T_STR_SPACEPAD) out[i].erase(out[i].find_last_not_of(' ') + 1);
    }
  }
  return out;
}

template <typename T>
T read_scalar_attribute(const Ctx& c, const std::string& object, const std::string& name, hid_t mtype,
                        bool integer_only) {
  const std::string what = "attribute " + q(name) + " of " + q(object);
  Handle a = open_attribute(c, object, name, what);
  Handle ftype = c.check(H5Aget_type(a.get()), H5Tclose, "cannot get type of " + what);
  const H5T_class_t cls = H5Tget_class(ftype.get());
  if (cls != H5T_INTEGER && (integer_only || cls != H5T_FLOAT))
    c.fail(what + (integer_only ? " is not an integer" : " is not a number"));
  Handle space = c.check(H5Aget_space(a.get()), H5Sclose, "cannot get dataspace of " + what);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) c.fail(what + " is not a single value");
  T value{};
  c.check(H5Aread(a.get(), mtype, &value), "cannot read " + what);
  return value;
}

}  // namespace detail

}  // namespace sim::h5
