#include "sim/hdf5_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>
#include <system_error>
#include <type_traits>
#include <utility>

#include "sim/input_error.hpp"

namespace sim::h5 {

static_assert(std::is_same_v<hid_t, std::int64_t>, "the header stores hid_t as std::int64_t");

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

namespace {

// Table fields are int64 or double: both 8 bytes, so field j sits at 8 * j.
constexpr std::size_t kField = 8;
static_assert(sizeof(std::int64_t) == kField && sizeof(double) == kField);

// We report errors ourselves (as RunError); HDF5 would otherwise print its
// whole error stack to stderr on every failed call, including probes.
void silence_hdf5() {
  static const bool done = [] { return H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr) >= 0; }();
  (void)done;
}

// The most specific message on HDF5's error stack (e.g. "file signature not
// found"), which says more than the API-level one.
std::string hdf5_detail() {
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
  const fs::path& path;

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

std::string q(const std::string& s) { return "'" + s + "'"; }
std::string absolute(const std::string& p) { return p.empty() || p[0] != '/' ? "/" + p : p; }

// H5Lexists fails (negative) rather than answering "no" when an intermediate
// group is missing or is a dataset; both mean "no" here.
bool link_exists(hid_t file, const std::string& path) {
  const std::string p = absolute(path);
  if (p.find_first_not_of('/') == std::string::npos) return true;  // the root
  const htri_t found = H5Lexists(file, p.c_str(), H5P_DEFAULT);
  H5Eclear2(H5E_DEFAULT);
  return found > 0;
}

Handle open_object(const Ctx& c, const std::string& path) {
  return c.check(H5Oopen(c.file, absolute(path).c_str(), H5P_DEFAULT), H5Oclose, "cannot open object " + q(path));
}

Handle intermediate_groups(const Ctx& c) {
  Handle lcpl = c.check(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "cannot create link properties");
  c.check(H5Pset_create_intermediate_group(lcpl.get(), 1), "cannot set intermediate group creation");
  return lcpl;
}

void make_group(const Ctx& c, const std::string& path) {
  if (link_exists(c.file, path)) {
    if (H5Iget_type(open_object(c, path).get()) != H5I_GROUP) c.fail(q(path) + " exists and is not a group");
    return;
  }
  c.check(H5Gcreate2(c.file, absolute(path).c_str(), intermediate_groups(c).get(), H5P_DEFAULT, H5P_DEFAULT),
          H5Gclose, "cannot create group " + q(path));
}

// size H5T_VARIABLE: variable-length. Ours are UTF-8 so that h5py gives str.
Handle string_type(const Ctx& c, std::size_t size, H5T_str_t pad, H5T_cset_t cset = H5T_CSET_UTF8) {
  Handle t = c.check(H5Tcopy(H5T_C_S1), H5Tclose, "cannot copy string type");
  c.check(H5Tset_size(t.get(), size), "cannot set string size");
  c.check(H5Tset_cset(t.get(), cset), "cannot set string character set");
  c.check(H5Tset_strpad(t.get(), pad), "cannot set string padding");
  return t;
}

// Replaces any attribute of the same name (HDF5 cannot overwrite in place
// when the type or shape changes).
void write_attribute(const Ctx& c, hid_t obj, const std::string& name, hid_t type, hid_t space, const void* data) {
  const std::string what = "attribute " + q(name);
  const htri_t had = H5Aexists(obj, name.c_str());
  c.check(had, "cannot look up " + what);
  if (had > 0) c.check(H5Adelete(obj, name.c_str()), "cannot replace " + what);
  Handle a = c.check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                     "cannot create " + what);
  if (data != nullptr) c.check(H5Awrite(a.get(), type, data), "cannot write " + what);  // null: no elements
}

// Scalar (one value) or 1-D array of variable-length UTF-8 strings.
void write_string_attribute(const Ctx& c, hid_t obj, const std::string& name, const std::vector<std::string>& values,
                            bool scalar) {
  std::vector<const char*> ptrs;
  for (const std::string& v : values) ptrs.push_back(v.c_str());
  const hsize_t n = values.size();
  Handle space = c.check(scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, nullptr), H5Sclose,
                         "cannot create dataspace for attribute " + q(name));
  write_attribute(c, obj, name, string_type(c, H5T_VARIABLE, H5T_STR_NULLTERM).get(), space.get(), ptrs.empty() ? nullptr : ptrs.data());
}

// The group or dataset an attribute goes on; a missing one becomes a group.
Handle attribute_target(const Ctx& c, const std::string& object) {
  if (!link_exists(c.file, object)) make_group(c, object);
  return open_object(c, object);
}

void write_scalar_attribute(const Ctx& c, const std::string& object, const std::string& name, hid_t type,
                            const void* value) {
  Handle space = c.check(H5Screate(H5S_SCALAR), H5Sclose, "cannot create dataspace");
  write_attribute(c, attribute_target(c, object).get(), name, type, space.get(), value);
}

bool can_encode(H5Z_filter_t f) {
  unsigned info = 0;
  return H5Zfilter_avail(f) > 0 && H5Zget_filter_info(f, &info) >= 0 && (info & H5Z_FILTER_CONFIG_ENCODE_ENABLED);
}

// Creates and fills a dataset (data may be null when there are no elements:
// HDF5 rejects a null buffer even for an empty selection). Extents are
// unlimited so that 0 is allowed, which requires chunking; chunk sides are
// >= 1 and chunks about 64 KiB. Filters: shuffle + deflate when the library
// can encode them, then Fletcher32 last so that it checksums the stored bytes.
Handle write_dataset(const Ctx& c, const std::string& path, hid_t type, std::vector<hsize_t> dims, bool shuffle,
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

Dataset open_dataset(const Ctx& c, const std::string& path, const std::string& what) {
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

Handle open_attribute(const Ctx& c, const std::string& object, const std::string& name, const std::string& what) {
  return c.check(H5Aopen_by_name(c.file, absolute(object).c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT),
                 H5Aclose, "cannot open " + what);
}

// All strings of an attribute (is_attr) or dataset, variable- or fixed-length
// (the latter for files from other writers).
std::vector<std::string> read_string_data(const Ctx& c, hid_t id, bool is_attr, const std::string& what) {
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

}  // namespace

// ---------------------------------------------------------------- Writer

Writer::Writer(fs::path final_path, bool overwrite)
    : final_path_(std::move(final_path)), temp_path_(final_path_.string() + ".tmp") {
  silence_hdf5();
  std::error_code ec;
  if (!overwrite && fs::exists(final_path_, ec)) throw RunError(final_path_.string() + " exists (use --force)");
  const fs::path parent = final_path_.parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) throw RunError(parent.string() + ": cannot create directory: " + ec.message());
  }
  const Ctx c{-1, temp_path_};
  // STRONG close: H5Fclose in commit() really writes and closes the file
  // before the rename, rather than waiting for stray object handles.
  Handle fapl = c.check(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "cannot create file access properties");
  c.check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "cannot set file close degree");
  file_ = H5Fcreate(temp_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get());
  if (file_ < 0) c.fail("cannot create HDF5 file");
}

Writer::~Writer() {
  if (committed_) return;
  if (file_ >= 0) H5Fclose(file_);
  std::error_code ec;
  fs::remove(temp_path_, ec);  // best effort: a destructor must not throw
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
  c.check(H5Fclose(std::exchange(file_, -1)), "cannot close file");  // closed or lost either way
  std::error_code ec;
  fs::rename(temp_path_, final_path_, ec);
  if (ec) throw RunError(final_path_.string() + ": cannot rename from " + temp_path_.string() + ": " + ec.message());
  committed_ = true;
}

// ---------------------------------------------------------------- Reader

Reader::Reader(const fs::path& path) : path_(path) {
  silence_hdf5();
  std::error_code ec;
  if (!fs::is_regular_file(path_, ec)) throw RunError(path_.string() + ": no such file");
  const Ctx c{-1, path_};
  file_ = H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file_ < 0) c.fail("cannot open as HDF5 file");
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
