// The append-only record log (sim/record_log.hpp): records come back as
// written; a torn or corrupt tail is dropped and cut off on reopening; a
// file that is not a log is an input error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "sim/input_error.hpp"
#include "sim/record_log.hpp"

namespace fs = std::filesystem;

namespace {

fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("passerelle-log-" + name + "-" + std::to_string(::getpid()));
}

}  // namespace

TEST(RecordLog, RecordsComeBackAsWritten) {
  const auto p = temp("basic");
  {
    auto w = sim::LogWriter::create(p, "header");
    w.append("one");
    w.append(std::string("t\0wo", 4));
    w.append("");
    w.close();
  }
  const auto c = sim::read_log(p);
  EXPECT_EQ(c.header, "header");
  ASSERT_EQ(c.records.size(), 3u);
  EXPECT_EQ(c.records[1], std::string("t\0wo", 4));
  EXPECT_EQ(c.records[2], "");
  EXPECT_FALSE(c.torn);
  EXPECT_EQ(c.valid_bytes, fs::file_size(p));
  EXPECT_TRUE(sim::is_log(p));
  EXPECT_FALSE(fs::exists(p.string() + ".tmp"));
  fs::remove(p);
}

TEST(RecordLog, ATornTailIsDroppedAndCutOffOnReopening) {
  const auto p = temp("torn");
  {
    auto w = sim::LogWriter::create(p, "h");
    w.append("first");
    w.append("second record");
  }
  fs::resize_file(p, fs::file_size(p) - 3);  // as if killed mid-write
  auto c = sim::read_log(p);
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_TRUE(c.torn);
  {
    auto w = sim::LogWriter::reopen(p, c.valid_bytes);
    w.append("third");
  }
  c = sim::read_log(p);
  ASSERT_EQ(c.records.size(), 2u);
  EXPECT_EQ(c.records[1], "third");
  EXPECT_FALSE(c.torn);
  fs::remove(p);
}

TEST(RecordLog, ACorruptRecordEndsTheLog) {
  const auto p = temp("corrupt");
  {
    auto w = sim::LogWriter::create(p, "h");
    w.append("aaaa");
    w.append("bbbb");
  }
  {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-12, std::ios::end);  // a byte of the last payload
    f.put('X');
  }
  const auto c = sim::read_log(p);
  ASSERT_EQ(c.records.size(), 1u);
  EXPECT_TRUE(c.torn);
  fs::remove(p);
}

TEST(RecordLog, AFileThatIsNotALogIsAnInputError) {
  const auto p = temp("foreign");
  std::ofstream(p) << "hello, world";
  EXPECT_THROW(sim::read_log(p), sim::InputError);
  EXPECT_FALSE(sim::is_log(p));
  fs::remove(p);
  EXPECT_THROW(sim::read_log(p), sim::RunError);
  EXPECT_THROW(sim::LogWriter::create(temp("no-such-dir") / "x", "h"), sim::RunError);
}
