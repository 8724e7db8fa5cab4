// Specification of declare-once parameters (sim/params.hpp) over a small
// test struct: defaults, typed TOML overrides with file:line errors, "did
// you mean", programmatic overrides and the effective-value listing.
#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/input_error.hpp"
#include "sim/params.hpp"

namespace {

using sim::InputError;

enum class Mode { Fast, Careful };

struct TestParams {
  double share = -1;
  int visits = -1;
  bool enabled = false;
  Mode mode = Mode::Careful;
  std::string code;
  std::array<double, 3> rates{};
};

const sim::ParamTable<TestParams>& table() {
  static const auto t = [] {
    sim::ParamTable<TestParams> p;
    p.real("gp.share", [](TestParams& x) -> auto& { return x.share; }, 0.5, 0.0, 1.0,
           {"", "share of patients seen by a GP", "field: survey 2021"})
        .integer("gp.visits", [](TestParams& x) -> auto& { return x.visits; }, 3, 0, 20,
                 {"visits/year", "GP visits per year", "assumed"})
        .boolean("enabled", [](TestParams& x) -> auto& { return x.enabled; }, true,
                 {"", "switch", "assumed"})
        .choice("mode", [](TestParams& x) -> auto& { return x.mode; }, Mode::Fast,
                {{"fast", Mode::Fast}, {"careful", Mode::Careful}}, {"", "how", "assumed"})
        .text(
            "code", [](TestParams& x) -> auto& { return x.code; }, "abc",
            [](const std::string& s) {
              for (char c : s)
                if (c < 'a' || c > 'z') return std::string("only lower-case letters");
              return s.empty() ? std::string("must not be empty") : std::string();
            },
            "lower-case letters", {"", "a code", "assumed"})
        .per_label("rates", [](TestParams& x) -> auto& { return x.rates; },
                   std::array<double, 3>{0.1, 0.2, 0.3},
                   std::array<const char*, 3>{"health", "housing", "income"}, 0.0, 1.0,
                   {"1/day", "rate per need", "assumed"});
    return p;
  }();
  return t;
}

// Applies the [parameters] table of `doc` to the defaults.
TestParams apply(const std::string& doc) {
  const toml::table root = toml::parse(doc, std::string_view{"exp.toml"});
  TestParams p = table().defaults();
  const toml::table* params = root["parameters"].as_table();
  if (!params) throw std::runtime_error("test document lacks [parameters]");
  table().apply(p, *params, "exp.toml");
  return p;
}

// Applies `doc`, which must fail with InputError; returns it.
InputError apply_error(const std::string& doc) {
  try {
    apply(doc);
  } catch (const InputError& e) {
    return e;
  }
  ADD_FAILURE() << "no InputError for:\n" << doc;
  return InputError("", 0, 0, "");
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(Params, DefaultsComeFromTheDeclarations) {
  const TestParams p = table().defaults();
  EXPECT_DOUBLE_EQ(p.share, 0.5);
  EXPECT_EQ(p.visits, 3);
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(p.mode, Mode::Fast);
  EXPECT_EQ(p.code, "abc");
  EXPECT_EQ(p.rates, (std::array<double, 3>{0.1, 0.2, 0.3}));
  EXPECT_EQ(table().names(), (std::vector<std::string>{"gp.share", "gp.visits", "enabled", "mode",
                                                       "code", "rates"}));
  EXPECT_TRUE(table().contains("gp.share"));
  EXPECT_FALSE(table().contains("gp"));
}

TEST(Params, NestedTablesGiveDottedNames) {
  const TestParams p = apply(
      "[parameters]\nenabled = false\nmode = \"careful\"\ncode = \"xyz\"\n"
      "[parameters.gp]\nshare = 0.3\nvisits = 12\n");
  EXPECT_DOUBLE_EQ(p.share, 0.3);
  EXPECT_EQ(p.visits, 12);
  EXPECT_FALSE(p.enabled);
  EXPECT_EQ(p.mode, Mode::Careful);
  EXPECT_EQ(p.code, "xyz");
  EXPECT_EQ(p.rates, (std::array<double, 3>{0.1, 0.2, 0.3}));  // untouched
}

TEST(Params, QuotedAndBareDottedKeys) {
  EXPECT_DOUBLE_EQ(apply("[parameters]\n\"gp.share\" = 0.3\n").share, 0.3);
  EXPECT_DOUBLE_EQ(apply("[parameters]\ngp.share = 0.7\n").share, 0.7);
  // An integer is accepted where a real is expected.
  EXPECT_DOUBLE_EQ(apply("[parameters]\n\"gp.share\" = 1\n").share, 1.0);
  // Range bounds are inclusive.
  EXPECT_EQ(apply("[parameters.gp]\nvisits = 20\n").visits, 20);
  EXPECT_EQ(apply("[parameters.gp]\nvisits = 0\n").visits, 0);
}

TEST(Params, OutOfRangeReportsTheOffendingLine) {
  const auto e = apply_error("[parameters]\nenabled = true\n\n[parameters.gp]\nshare = 1.5\n");
  EXPECT_EQ(e.line(), 5);
  EXPECT_GT(e.column(), 0);
  EXPECT_EQ(e.file(), "exp.toml");
  EXPECT_TRUE(contains(e.message(), "gp.share")) << e.message();
  EXPECT_TRUE(contains(std::string(e.what()), "exp.toml:5")) << e.what();
  EXPECT_EQ(apply_error("[parameters]\n\"gp.visits\" = 21\n").line(), 2);
  EXPECT_EQ(apply_error("[parameters]\n\"gp.visits\" = -1\n").line(), 2);
  EXPECT_EQ(apply_error("[parameters]\nrates = [0.1, 2.0, 0.3]\n").line(), 2);
}

TEST(Params, WrongTypeIsAnInputError) {
  EXPECT_TRUE(contains(apply_error("[parameters.gp]\nshare = \"high\"\n").message(), "gp.share"));
  apply_error("[parameters.gp]\nvisits = 2.5\n");  // integers only
  apply_error("[parameters]\nenabled = 1\n");
  apply_error("[parameters]\nenabled = \"true\"\n");
  apply_error("[parameters]\nmode = 1\n");
  apply_error("[parameters]\ncode = 5\n");
  apply_error("[parameters]\nrates = 0.5\n");
  apply_error("[parameters]\nrates = [0.1, \"x\", 0.3]\n");
  const auto bad_choice = apply_error("[parameters]\nmode = \"slow\"\n");
  EXPECT_TRUE(contains(bad_choice.message(), "fast | careful")) << bad_choice.message();
  const auto bad_text = apply_error("[parameters]\ncode = \"ABC\"\n");
  EXPECT_TRUE(contains(bad_text.message(), "only lower-case letters")) << bad_text.message();
}

TEST(Params, UnknownKeySuggestsTheNearestName) {
  const auto e = apply_error("[parameters.gp]\nshar = 0.3\n");
  EXPECT_TRUE(contains(e.message(), "did you mean 'gp.share'")) << e.message();
  EXPECT_EQ(e.line(), 2);
  const auto quoted = apply_error("[parameters]\n\"gp.shares\" = 0.3\n");
  EXPECT_TRUE(contains(quoted.message(), "did you mean 'gp.share'")) << quoted.message();
}

TEST(Params, UnknownKeyFarFromAnyNameListsTheValidKeys) {
  const auto e = apply_error("[parameters]\nzzzzqqqq = 1\n");
  EXPECT_TRUE(contains(e.message(), "zzzzqqqq")) << e.message();
  EXPECT_FALSE(contains(e.message(), "did you mean")) << e.message();
  for (const auto& name : table().names()) EXPECT_TRUE(contains(e.message(), name)) << e.message();
  // A table that is no parameter's prefix is unknown too.
  apply_error("[parameters.nurse]\nshare = 0.3\n");
}

TEST(Params, PerLabelByArray) {
  EXPECT_EQ(apply("[parameters]\nrates = [0.4, 0.5, 0.6]\n").rates,
            (std::array<double, 3>{0.4, 0.5, 0.6}));
  const auto e = apply_error("[parameters]\nrates = [0.4, 0.5]\n");
  EXPECT_TRUE(contains(e.message(), "expected 3")) << e.message();
  apply_error("[parameters]\nrates = [0.4, 0.5, 0.6, 0.7]\n");
}

TEST(Params, PerLabelByPartialTable) {
  EXPECT_EQ(apply("[parameters]\nrates = { housing = 0.9 }\n").rates,
            (std::array<double, 3>{0.1, 0.9, 0.3}));
  EXPECT_EQ(apply("[parameters.rates]\nincome = 0.05\nhealth = 0\n").rates,
            (std::array<double, 3>{0.0, 0.2, 0.05}));
  const auto e = apply_error("[parameters]\nrates = { houssing = 0.9 }\n");
  EXPECT_TRUE(contains(e.message(), "houssing")) << e.message();
  EXPECT_TRUE(contains(e.message(), "housing")) << e.message();
  apply_error("[parameters]\nrates = { transport = 0.9 }\n");
  apply_error("[parameters]\nrates = { housing = 1.5 }\n");
}

TEST(Params, SetAndGetNumber) {
  const auto& t = table();
  TestParams p = t.defaults();
  t.set_number(p, "gp.share", 0.25);
  EXPECT_DOUBLE_EQ(p.share, 0.25);
  EXPECT_EQ(t.get_number(p, "gp.share"), 0.25);
  t.set_number(p, "gp.visits", 7);
  EXPECT_EQ(p.visits, 7);
  EXPECT_EQ(t.get_number(p, "gp.visits"), 7.0);
  t.set_number(p, "enabled", 0);
  EXPECT_FALSE(p.enabled);
  EXPECT_EQ(t.get_number(p, "enabled"), 0.0);
  t.set_number(p, "mode", 1);
  EXPECT_EQ(p.mode, Mode::Careful);
  EXPECT_EQ(t.get_number(p, "mode"), 1.0);
  t.set_number(p, "rates.income", 0.7);
  EXPECT_EQ(p.rates, (std::array<double, 3>{0.1, 0.2, 0.7}));

  EXPECT_THROW(t.set_number(p, "gp.share", 1.5), InputError);
  EXPECT_THROW(t.set_number(p, "gp.visits", 2.5), InputError);
  EXPECT_THROW(t.set_number(p, "mode", 2), InputError);
  EXPECT_THROW(t.set_number(p, "rates.income", -0.1), InputError);
  EXPECT_THROW(t.set_number(p, "rates.transport", 0.1), InputError);
  EXPECT_THROW(t.set_number(p, "code", 1), InputError);  // not numeric
  try {
    t.set_number(p, "gp.shar", 0.1);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_TRUE(contains(e.message(), "did you mean 'gp.share'")) << e.message();
  }
  // Failed overrides leave the values alone.
  EXPECT_DOUBLE_EQ(p.share, 0.25);
  EXPECT_EQ(p.visits, 7);
  EXPECT_DOUBLE_EQ(p.rates[2], 0.7);

  EXPECT_FALSE(t.get_number(p, "code").has_value());
  EXPECT_FALSE(t.get_number(p, "rates").has_value());
  EXPECT_FALSE(t.get_number(p, "nothing").has_value());
}

TEST(Params, ValuesShowTheEffectiveValues) {
  const TestParams p = apply(
      "[parameters]\nmode = \"careful\"\nrates = { housing = 0.9 }\n[parameters.gp]\nshare = 0.3\n");
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(table().values(p), (Pairs{{"gp.share", "0.3"},
                                      {"gp.visits", "3"},
                                      {"enabled", "true"},
                                      {"mode", "careful"},
                                      {"code", "abc"},
                                      {"rates", "[0.1, 0.9, 0.3]"}}));
}

TEST(Params, InfosCarryTheDeclaration) {
  const auto infos = table().infos();
  ASSERT_EQ(infos.size(), 6u);
  EXPECT_EQ(infos[0].name, "gp.share");
  EXPECT_EQ(infos[0].type, "real");
  EXPECT_EQ(infos[0].default_text, "0.5");
  EXPECT_EQ(infos[0].range_text, "[0, 1]");
  EXPECT_EQ(infos[0].description, "share of patients seen by a GP");
  EXPECT_EQ(infos[0].source, "field: survey 2021");
  EXPECT_EQ(infos[1].type, "integer");
  EXPECT_EQ(infos[1].unit, "visits/year");
  EXPECT_EQ(infos[1].range_text, "[0, 20]");
  EXPECT_EQ(infos[2].type, "boolean");
  EXPECT_EQ(infos[2].default_text, "true");
  EXPECT_EQ(infos[3].type, "choice");
  EXPECT_EQ(infos[3].default_text, "fast");
  EXPECT_EQ(infos[3].range_text, "fast | careful");
  EXPECT_EQ(infos[4].type, "text");
  EXPECT_EQ(infos[4].range_text, "lower-case letters");
  EXPECT_EQ(infos[5].type, "real[3]");
  EXPECT_EQ(infos[5].default_text, "[0.1, 0.2, 0.3]");
  EXPECT_EQ(infos[5].unit, "1/day");
  EXPECT_EQ(infos[5].source, "assumed");
}

TEST(Params, DeclarationMistakesAreLogicErrors) {
  sim::ParamTable<TestParams> t;
  auto share = [](TestParams& x) -> auto& { return x.share; };
  t.real("a", share, 0.5, 0, 1, {"", "a", "assumed"});
  EXPECT_THROW(t.real("a", share, 0.5, 0, 1, {"", "again", "assumed"}), std::logic_error);
  EXPECT_THROW(t.boolean("b", [](TestParams& x) -> auto& { return x.enabled; }, true,
                         {"", "no source", ""}),
               std::logic_error);
  EXPECT_EQ(t.names(), (std::vector<std::string>{"a"}));
}

TEST(Params, EditDistance) {
  EXPECT_EQ(sim::edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(sim::edit_distance("", "abc"), 3u);
  EXPECT_EQ(sim::edit_distance("abc", ""), 3u);
  EXPECT_EQ(sim::edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(sim::edit_distance("share", "shar"), 1u);
  EXPECT_EQ(sim::edit_distance("ab", "ba"), 2u);
  EXPECT_EQ(sim::edit_distance("flaw", "lawn"), sim::edit_distance("lawn", "flaw"));
}

TEST(Params, Nearest) {
  const std::vector<std::string> names = {"gp.engaged_share", "gp.visits", "rates"};
  EXPECT_EQ(sim::nearest("engaged_shar", names), "gp.engaged_share");  // last component
  EXPECT_EQ(sim::nearest("gp.visit", names), "gp.visits");
  EXPECT_EQ(sim::nearest("rats", names), "rates");
  EXPECT_FALSE(sim::nearest("completely_different", names).has_value());
  EXPECT_FALSE(sim::nearest("x", {}).has_value());
}

}  // namespace
