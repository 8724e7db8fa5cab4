// Issue 16, the engine's side: numbers that do not fit, structure too deep
// or repeated, faults while writing, two writers of one output.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/params.hpp"
#include "sim/record_log.hpp"
#include "sim/territory_io.hpp"

namespace fs = std::filesystem;
using sim::InputError;

namespace {

fs::path fresh_dir() {
  std::string tmpl = (fs::temp_directory_path() / "passerelle_hard_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

struct Dir {
  fs::path p = fresh_dir();
  ~Dir() {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
  fs::path operator/(const std::string& n) const { return p / n; }
};

toml::table parse(const std::string& text) { return toml::parse(text, std::string("t.toml")); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

}  // namespace

// ------------------------------------------------------------ numbers

TEST(Hardening, IntegersBeyondTwoToThe53AreRefusedAsReals) {
  for (const char* v : {"9007199254740993", "-9223372036854775808", "9223372036854775807"}) {
    const auto t = parse(std::string("x = ") + v);
    const std::string e = error_of([&] { sim::read_real(*t.get("x"), "t.toml", "x", -1e300, 1e300); });
    EXPECT_NE(e.find("t.toml:1:5: x: "), std::string::npos) << e;
    EXPECT_NE(e.find("exactly"), std::string::npos) << e;
  }
  const auto ok = parse("x = 9007199254740992\ny = 2.5");
  EXPECT_EQ(sim::read_real(*ok.get("x"), "t.toml", "x", 0, 1e300), 9007199254740992.0);
  EXPECT_EQ(sim::read_real(*ok.get("y"), "t.toml", "y", 0, 3), 2.5);
}

TEST(Hardening, IntegersAreComparedAsIntegers) {
  const auto t = parse("a = -9223372036854775808\nb = 9223372036854775807\nc = 3.0\nd = 100000");
  EXPECT_NE(error_of([&] { sim::read_integer(*t.get("a"), "t.toml", "a", 1, 100000); }).find("t.toml:1:5: a: -9223372036854775808 is outside [1, 100000]"),
            std::string::npos);
  EXPECT_NE(error_of([&] { sim::read_integer(*t.get("b"), "t.toml", "b", 1, 100000); }).find("t.toml:2:5: b: 9223372036854775807 is outside"),
            std::string::npos);
  EXPECT_NE(error_of([&] { sim::read_integer(*t.get("c"), "t.toml", "c", 1, 10); }).find("expected an integer"),
            std::string::npos);
  EXPECT_EQ(sim::read_integer(*t.get("d"), "t.toml", "d", 1, 100000), 100000);
}

TEST(Hardening, TomlTerritoryNumbersBeyondTwoToThe53AreRefused) {
  Dir d;
  std::ofstream(d / "t.toml") << "[[locality]]\nname = \"a\"\npopulation = 100\nrurality = \"urban\"\n"
                                 "sector = 0\nx_km = 9007199254740993\n";
  const std::string e = error_of([&] { sim::load_territory_toml(d / "t.toml"); });
  EXPECT_NE(e.find("t.toml:6:8: x_km: expected"), std::string::npos) << e;
}

// ------------------------------------------------------------ GraphML

namespace {
std::string graphml(const std::string& nodes) {
  return R"(<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
<key id="n" for="node" attr.name="name" attr.type="string"/>
<key id="p" for="node" attr.name="population" attr.type="long"/>
<key id="r" for="node" attr.name="rurality" attr.type="string"/>
<key id="s" for="node" attr.name="sector" attr.type="int"/>
<key id="m" for="edge" attr.name="minutes" attr.type="double"/>
<graph edgedefault="undirected">
)" + nodes + "</graph></graphml>\n";
}
std::string node(const std::string& id, const std::string& name, const std::string& pop) {
  return "<node id=\"" + id + "\"><data key=\"n\">" + name + "</data><data key=\"p\">" + pop +
         "</data><data key=\"r\">urban</data><data key=\"s\">0</data></node>\n";
}
}  // namespace

TEST(Hardening, DeeplyNestedGraphmlIsRefusedBeforeParsing) {
  Dir d;
  std::string deep = graphml(node("a", "A", "100"));
  std::string nest;
  for (int i = 0; i < 22000; ++i) nest += "<x>";
  deep.insert(deep.find("</graph>"), nest);
  std::ofstream(d / "deep.graphml") << deep;
  const std::string e = error_of([&] { sim::load_graphml(d / "deep.graphml"); });
  EXPECT_NE(e.find("nested more than 64 deep"), std::string::npos) << e;
  EXPECT_NE(e.find("deep.graphml:10"), std::string::npos) << e;
  // Comments, CDATA, '>' inside attribute values and self-closing tags do
  // not count as nesting.
  sim::check_xml_depth("<a x='>'><b/><!-- <c><c><c> --><![CDATA[<d><d>]]></a>", "f", 1);
  EXPECT_THROW(sim::check_xml_depth("<a><b></b></a>", "f", 1), InputError);
}

TEST(Hardening, DuplicateGraphmlNodeIdsAreRefused) {
  Dir d;
  std::ofstream(d / "dup.graphml") << graphml(node("a", "A", "100") + node("a", "B", "200"));
  const std::string e = error_of([&] { sim::load_graphml(d / "dup.graphml"); });
  EXPECT_NE(e.find("duplicate node id 'a'"), std::string::npos) << e;
}

TEST(Hardening, GraphmlIntegersBeyondTwoToThe53AreRefused) {
  Dir d;
  std::ofstream(d / "big.graphml") << graphml(node("a", "A", "9223372036854775807"));
  const std::string e = error_of([&] { sim::load_graphml(d / "big.graphml"); });
  EXPECT_NE(e.find("population"), std::string::npos) << e;
}

// ------------------------------------------------------------ writing

TEST(Hardening, WriterTempNamesAreUniquePerWriter) {
  Dir d;
  sim::h5::Writer a(d / "out.h5", false), b(d / "out.h5", false);
  EXPECT_NE(a.temp_path(), b.temp_path());
  EXPECT_EQ(a.temp_path().string().rfind((d / "out.h5.tmp.").string(), 0), 0u) << a.temp_path();
  EXPECT_NE(sim::unique_temp_path(d / "x"), sim::unique_temp_path(d / "x"));
}

// A file-size limit stands in for a full disk (EFBIG like ENOSPC): the
// commit fails with a message and the process goes on (was: the message,
// then a segfault in H5F__close_cb at exit).
TEST(Hardening, AFullDiskAtCommitIsAnErrorNotACrash) {
  Dir d;
  const fs::path out = d / "out.h5";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    signal(SIGXFSZ, SIG_IGN);
    rlimit lim{64 * 1024, 64 * 1024};
    setrlimit(RLIMIT_FSIZE, &lim);
    int code = 4;
    try {
      sim::h5::Writer w(out, false);
      std::mt19937_64 rng(1);
      std::vector<double> v(200000);
      for (double& x : v) x = static_cast<double>(rng());
      w.write_matrix("/m", 1000, 200, v, "");
      w.commit();
    } catch (const sim::RunError& e) {
      code = std::string(e.what()).find("cannot write") != std::string::npos ? 3 : 5;
    }
    _exit(code);  // also runs no atexit: HDF5's own exit path is tested below
  }
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st)) << "signal " << (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  EXPECT_EQ(WEXITSTATUS(st), 3);
  EXPECT_FALSE(fs::exists(out));
  for (const auto& e : fs::directory_iterator(d.p)) ADD_FAILURE() << "left behind: " << e.path();
}

TEST(Hardening, AFullDiskAtCommitThenANormalExitDoesNotCrash) {
  Dir d;
  const fs::path out = d / "out.h5";
  auto body = [&] {
    signal(SIGXFSZ, SIG_IGN);
    rlimit lim{64 * 1024, 64 * 1024};
    setrlimit(RLIMIT_FSIZE, &lim);
    try {
      sim::h5::Writer w(out, false);
      std::mt19937_64 rng(2);
      std::vector<double> v(200000);
      for (double& x : v) x = static_cast<double>(rng());
      w.write_matrix("/m", 1000, 200, v, "");
      w.commit();
    } catch (const sim::RunError&) {
      std::exit(3);  // atexit handlers, HDF5's library shutdown included
    }
    std::exit(4);
  };
  EXPECT_EXIT(body(), ::testing::ExitedWithCode(3), "");
}

TEST(Hardening, OutputLockRefusesASecondHolderAndIsRemoved) {
  Dir d;
  const fs::path out = d / "out.h5";
  {
    auto lock = sim::OutputLock::acquire(out);
    EXPECT_TRUE(fs::exists(sim::OutputLock::lock_path(out)));
    const std::string e = error_of([&] { sim::OutputLock::acquire(out); });
    EXPECT_NE(e.find("another process is writing"), std::string::npos) << e;
    // Another process fails the same way.
    const pid_t pid = fork();
    if (pid == 0) {
      try {
        sim::OutputLock::acquire(out);
      } catch (const InputError&) {
        _exit(2);
      }
      _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 2);
  }
  EXPECT_FALSE(fs::exists(sim::OutputLock::lock_path(out)));
  // A lock file that a killed process left (nobody holds it) is no obstacle.
  std::ofstream(sim::OutputLock::lock_path(out)) << "";
  auto again = sim::OutputLock::acquire(out);
}
