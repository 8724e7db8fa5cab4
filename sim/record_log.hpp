// An append-only file of checksummed records, for keeping work as it
// completes: each append() is written and fdatasync'd before it returns, so
// a crash (SIGKILL, power loss) loses at most the record being written, and
// a reader keeps every record before the first torn or corrupt one.
//
// Layout: the 8-byte magic "PSRLOG01", then records, each
//   u64 length | payload (length bytes) | u64 FNV-1a-64 of (length, payload)
// integers little-endian. The first record is the header: what the log
// belongs to (the caller's business). The engine gives bytes no meaning.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sim {

struct LogContents {
  std::string header;
  std::vector<std::string> records;  // after the header, in file order
  std::uint64_t valid_bytes = 0;     // the prefix of the file holding whole, intact records
  bool torn = false;                 // bytes follow valid_bytes (an interrupted append)
};

// Reads a whole log. Throws InputError when the file is not a log (wrong
// magic, no intact header) and RunError when it cannot be read.
LogContents read_log(const std::filesystem::path& path);

// Whether the file starts with the log magic (false when unreadable).
bool is_log(const std::filesystem::path& path);

class LogWriter {
 public:
  // Creates a log holding only `header`, durably: written to "<path>.tmp",
  // synced, renamed onto path, directory synced. Replaces an existing file.
  // Throws RunError naming the path and the system's reason.
  static LogWriter create(const std::filesystem::path& path, const std::string& header);
  // Opens an existing log for appending after its first valid_bytes (as
  // read_log reported them), cutting off a torn tail.
  static LogWriter reopen(const std::filesystem::path& path, std::uint64_t valid_bytes);

  LogWriter(LogWriter&& o) noexcept;
  LogWriter& operator=(LogWriter&& o) noexcept;
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;
  ~LogWriter();

  // Appends one record; on return it is on disk. On failure (disk full,
  // I/O error) the file is cut back to its previous length where possible
  // and RunError is thrown.
  void append(const std::string& payload);
  // Syncs and closes; further appends throw. The destructor closes quietly.
  void close();
  const std::filesystem::path& path() const { return path_; }

 private:
  LogWriter(std::filesystem::path path, int fd, std::uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  std::filesystem::path path_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

// A temporary name beside `target`, unique to this process and call:
// "<target>.tmp.<pid>.<random hex>" (two writers never share one).
std::filesystem::path unique_temp_path(const std::filesystem::path& target);

// Writes all of `data` to `fd` (retrying EINTR); throws RunError naming
// `path` and the system's reason (ENOSPC, EFBIG, EIO...).
void write_all_fd(int fd, std::string_view data, const std::filesystem::path& path);

// An exclusive lock on "<output>.lock" (flock), held for a whole write of
// `output` so that two processes never write the same output at once. The
// lock file is removed on release. acquire() does not wait: when another
// process holds the lock it throws InputError naming the output.
class OutputLock {
 public:
  static OutputLock acquire(const std::filesystem::path& output);
  OutputLock(OutputLock&& o) noexcept : path_(std::move(o.path_)), fd_(std::exchange(o.fd_, -1)) {}
  OutputLock& operator=(OutputLock&&) = delete;
  OutputLock(const OutputLock&) = delete;
  ~OutputLock();
  static std::filesystem::path lock_path(const std::filesystem::path& output);

 private:
  OutputLock(std::filesystem::path p, int fd) : path_(std::move(p)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_ = -1;
};

// rename(2) followed by an fsync of the target's directory, so the new name
// survives a crash. Throws RunError.
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace sim
