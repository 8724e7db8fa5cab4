#include "sim/record_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

#include "sim/byte_codec.hpp"
#include "sim/input_error.hpp"

namespace sim {
namespace {

namespace fs = std::filesystem;
constexpr char kMagic[8] = {'P', 'S', 'R', 'L', 'O', 'G', '0', '1'};

[[noreturn]] void sys_fail(const fs::path& p, const std::string& what, int err) {
  throw RunError(p.string() + ": " + what + ": " + std::strerror(err));
}

// FNV-1a, 64 bits: enough to tell a torn or bit-rotted record from an
// intact one (a collision needs 2^-64 luck), and trivially portable.
std::uint64_t fnv1a(std::string_view a, std::string_view b) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::string_view s : {a, b})
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
  return h;
}

std::string frame(const std::string& payload) {
  ByteWriter len;
  len.u64(payload.size());
  ByteWriter sum;
  sum.u64(fnv1a(len.bytes(), payload));
  return len.bytes() + payload + sum.bytes();
}

void write_all(int fd, std::string_view data, const fs::path& p) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0 && errno == EINTR) continue;  // a signal (SIGINT) must not lose the record
    if (n < 0) sys_fail(p, "cannot write", errno);
    off += static_cast<std::size_t>(n);
  }
}

void sync_dir(const fs::path& file) {
  const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) sys_fail(dir, "cannot open directory to sync it", errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems cannot sync a directory (EINVAL): the rename stands.
  if (rc != 0 && err != EINVAL) sys_fail(dir, "cannot sync directory", err);
}

}  // namespace

LogContents read_log(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RunError(path.string() + ": cannot open for reading: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw RunError(path.string() + ": read error");
  const std::string data = ss.str();
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0)
    throw InputError(path.string(), 0, 0, "not a passerelle checkpoint or shard file (unknown format)");
  LogContents out;
  std::size_t pos = sizeof kMagic;
  bool have_header = false;
  while (data.size() - pos >= 16) {
    ByteReader r(std::string_view(data).substr(pos, 8), path.string());
    const std::uint64_t n = r.u64();
    if (n > data.size() - pos - 16) break;  // torn: the length runs past the end
    const std::string_view len(data.data() + pos, 8), payload(data.data() + pos + 8, n);
    ByteReader s(std::string_view(data).substr(pos + 8 + n, 8), path.string());
    if (s.u64() != fnv1a(len, payload)) break;  // torn or corrupt
    if (have_header) out.records.emplace_back(payload);
    else out.header = std::string(payload);
    have_header = true;
    pos += 16 + n;
  }
  if (!have_header) throw InputError(path.string(), 0, 0, "checkpoint or shard file without an intact header");
  out.valid_bytes = pos;
  out.torn = pos != data.size();
  return out;
}

bool is_log(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char b[sizeof kMagic] = {};
  return in.read(b, sizeof b) && std::memcmp(b, kMagic, sizeof kMagic) == 0;
}

fs::path unique_temp_path(const fs::path& target) {
  static std::atomic<std::uint64_t> counter{0};
  std::random_device rd;
  const std::uint64_t r = (static_cast<std::uint64_t>(rd()) << 32 | rd()) ^ counter.fetch_add(1);
  char buf[48];
  std::snprintf(buf, sizeof buf, ".tmp.%ld.%016llx", static_cast<long>(::getpid()), static_cast<unsigned long long>(r));
  return target.string() + buf;
}

void write_all_fd(int fd, std::string_view data, const fs::path& path) { write_all(fd, data, path); }

fs::path OutputLock::lock_path(const fs::path& output) { return output.string() + ".lock"; }

OutputLock OutputLock::acquire(const fs::path& output) {
  const fs::path p = lock_path(output);
  std::error_code ec;
  if (const fs::path parent = output.parent_path(); !parent.empty() && !fs::is_directory(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) throw InputError(output.string(), 0, 0, "cannot create directory " + parent.string() + ": " + ec.message());
  }
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      throw InputError(output.string(), 0, 0, "cannot write there (lock file " + p.string() + ": " + std::strerror(errno) + ")");
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK)
        throw InputError(output.string(), 0, 0,
                         "another process is writing this output (it holds " + p.string() +
                             "); wait for it to finish or choose another output");
      sys_fail(p, "cannot lock", err);
    }
    // The holder before us may have removed the file after we opened it:
    // the lock counts only if the name still names the file we locked.
    struct stat a {}, b {};
    if (::fstat(fd, &a) == 0 && ::stat(p.c_str(), &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
      return OutputLock(p, fd);
    ::close(fd);
  }
  throw RunError(p.string() + ": cannot take the lock (the lock file keeps changing)");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still held: a waiter re-checks the name
  ::close(fd_);
}

LogWriter LogWriter::create(const fs::path& path, const std::string& header) {
  const fs::path tmp = unique_temp_path(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) sys_fail(tmp, "cannot create", errno);
  const std::string data = std::string(kMagic, sizeof kMagic) + frame(header);
  try {
    write_all(fd, data, tmp);
    if (::fsync(fd) != 0) sys_fail(tmp, "cannot sync", errno);
    rename_durably(tmp, path);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  return LogWriter(path, fd, data.size());
}

LogWriter LogWriter::reopen(const fs::path& path, std::uint64_t valid_bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) sys_fail(path, "cannot open for appending", errno);
  if (::ftruncate(fd, static_cast<off_t>(valid_bytes)) != 0 || ::fsync(fd) != 0 ||
      ::lseek(fd, static_cast<off_t>(valid_bytes), SEEK_SET) < 0) {
    const int err = errno;
    ::close(fd);
    sys_fail(path, "cannot cut the torn tail", err);
  }
  return LogWriter(path, fd, valid_bytes);
}

LogWriter::LogWriter(LogWriter&& o) noexcept
    : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)), size_(o.size_) {}

LogWriter& LogWriter::operator=(LogWriter&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    size_ = o.size_;
  }
  return *this;
}

LogWriter::~LogWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void LogWriter::append(const std::string& payload) {
  if (fd_ < 0) throw RunError(path_.string() + ": log already closed");
  const std::string data = frame(payload);
  try {
    write_all(fd_, data, path_);
    // fdatasync: the size change is metadata that fdatasync does flush.
    if (::fdatasync(fd_) != 0) sys_fail(path_, "cannot sync", errno);
  } catch (...) {
    // Leave no partial record behind for the next append to follow.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0) (void)::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
    throw;
  }
  size_ += data.size();
}

void LogWriter::close() {
  if (fd_ < 0) return;
  const int fd = std::exchange(fd_, -1);
  const int rc = ::fsync(fd);
  const int err = errno;
  if (::close(fd) != 0 && rc == 0) sys_fail(path_, "cannot close", errno);
  if (rc != 0) sys_fail(path_, "cannot sync", err);
}

void rename_durably(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0)
    throw RunError(to.string() + ": cannot rename from " + from.string() + ": " + std::strerror(errno));
  sync_dir(to);
}

}  // namespace sim
