// Declare-once parameters. A model lists each parameter exactly once — name,
// field, default, range, unit, description, source — and gets from that one
// declaration: the defaults, typed overrides from TOML with file:line errors,
// "did you mean" for unknown keys, the effective values for the results file
// and the generated parameter table. The engine knows no parameter names.
#pragma once
#include <toml++/toml.h>

#include <array>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "sim/input_error.hpp"

namespace sim {

// Edit distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `word`, if close enough to be a plausible typo.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);
// "unknown key 'x'; did you mean 'y'?" or "...; valid keys: a, b, c".
std::string unknown_key_message(std::string_view what, std::string_view key,
                                const std::vector<std::string>& valid);
// file:line:column of a TOML node.
InputError toml_error(const std::string& file, const toml::node& node, const std::string& message);
// Throws for the first key of `t` not in `valid`, with "did you mean".
void check_keys(const toml::table& t, const std::string& file, const std::string& what,
                const std::vector<std::string>& valid);

// The one reader of TOML numbers (experiments, presets, territory and
// parameter files). toml++ keeps integers as int64 and answers value<double>()
// with an empty optional for one that a double cannot hold exactly (beyond
// +-2^53): every numeric field goes through these two, which refuse what
// they cannot represent exactly, with file:line:column.
inline constexpr std::int64_t kMaxExactInteger = std::int64_t{1} << 53;
// A number (integer or float) in [lo, hi]; an integer must be within +-2^53.
double read_real(const toml::node& n, const std::string& file, const std::string& what, double lo, double hi);
// An integer in [lo, hi]; floats (even 3.0) are refused.
std::int64_t read_integer(const toml::node& n, const std::string& file, const std::string& what,
                          std::int64_t lo, std::int64_t hi);

struct ParamInfo {
  std::string name;
  std::string type;         // "real", "integer", "boolean", "choice", "text", "real[labels]"
  std::string default_text;
  std::string range_text;
  std::string unit;
  std::string description;
  std::string source;       // "field: …" or "assumed"
};

template <class P>
class ParamTable {
 public:
  struct Meta {
    std::string unit;
    std::string description;
    std::string source;
  };

  // A real number in [lo, hi].
  template <class Access>
  ParamTable& real(std::string name, Access access, double def, double lo, double hi, Meta m) {
    Entry e = base(std::move(name), "real", fmt_num(def), range(lo, hi), std::move(m));
    e.set_default = [=](P& p) { access(p) = def; };
    e.apply = [=, n = e.name](P& p, const toml::node& node, const std::string& file) {
      access(p) = read_number(node, file, n, lo, hi, false);
    };
    e.set_number = [=, n = e.name](P& p, double v) {
      check_number(v, n, lo, hi, false);
      access(p) = v;
    };
    e.show = [=](const P& p) { return fmt_num(access(mut(p))); };
    e.number = [=](const P& p) { return access(mut(p)); };
    return add(std::move(e));
  }
  // An integer in [lo, hi].
  template <class Access>
  ParamTable& integer(std::string name, Access access, long def, long lo, long hi, Meta m) {
    Entry e = base(std::move(name), "integer", std::to_string(def),
                   range(static_cast<double>(lo), static_cast<double>(hi)), std::move(m));
    using V = std::remove_reference_t<decltype(access(std::declval<P&>()))>;
    e.set_default = [=](P& p) { access(p) = static_cast<V>(def); };
    e.apply = [=, n = e.name](P& p, const toml::node& node, const std::string& file) {
      access(p) = static_cast<V>(read_number(node, file, n, static_cast<double>(lo),
                                             static_cast<double>(hi), true));
    };
    e.set_number = [=, n = e.name](P& p, double v) {
      check_number(v, n, static_cast<double>(lo), static_cast<double>(hi), true);
      access(p) = static_cast<V>(v);
    };
    e.show = [=](const P& p) { return std::to_string(static_cast<long>(access(mut(p)))); };
    e.number = [=](const P& p) { return static_cast<double>(access(mut(p))); };
    return add(std::move(e));
  }
  template <class Access>
  ParamTable& boolean(std::string name, Access access, bool def, Meta m) {
    Entry e = base(std::move(name), "boolean", def ? "true" : "false", "true/false", std::move(m));
    e.set_default = [=](P& p) { access(p) = def; };
    e.apply = [=, n = e.name](P& p, const toml::node& node, const std::string& file) {
      auto v = node.value<bool>();
      if (!node.is_boolean() || !v) throw toml_error(file, node, n + ": expected true or false");
      access(p) = *v;
    };
    e.set_number = [=](P& p, double v) { access(p) = v != 0.0; };
    e.show = [=](const P& p) { return std::string(access(mut(p)) ? "true" : "false"); };
    e.number = [=](const P& p) { return access(mut(p)) ? 1.0 : 0.0; };
    return add(std::move(e));
  }
  // One of a fixed set of names, mapped to an enum value.
  template <class Access, class E>
  ParamTable& choice(std::string name, Access access, E def,
                     std::vector<std::pair<std::string, E>> options, Meta m) {
    std::string def_text, all;
    for (const auto& [k, v] : options) {
      if (v == def) def_text = k;
      all += (all.empty() ? "" : " | ") + k;
    }
    Entry e = base(std::move(name), "choice", def_text, all, std::move(m));
    e.set_default = [=](P& p) { access(p) = def; };
    e.apply = [=, n = e.name](P& p, const toml::node& node, const std::string& file) {
      auto s = node.value<std::string>();
      if (!node.is_string() || !s) throw toml_error(file, node, n + ": expected one of " + all);
      for (const auto& [k, v] : options)
        if (k == *s) {
          access(p) = v;
          return;
        }
      throw toml_error(file, node, n + ": '" + *s + "' is not one of " + all);
    };
    e.set_number = [=, n = e.name](P& p, double v) {
      auto i = static_cast<std::size_t>(v);
      if (v < 0 || i >= options.size()) throw InputError("", 0, 0, n + ": choice index out of range");
      access(p) = options[i].second;
    };
    e.show = [=](const P& p) {
      for (const auto& [k, v] : options)
        if (v == access(mut(p))) return k;
      return std::string("?");
    };
    e.number = [=](const P& p) {
      for (std::size_t i = 0; i < options.size(); ++i)
        if (options[i].second == access(mut(p))) return static_cast<double>(i);
      return -1.0;
    };
    return add(std::move(e));
  }
  // Free text checked by a validator that returns an error message or "".
  template <class Access>
  ParamTable& text(std::string name, Access access, std::string def,
                   std::function<std::string(const std::string&)> validate, std::string format,
                   Meta m) {
    Entry e = base(std::move(name), "text", def, std::move(format), std::move(m));
    e.set_default = [=](P& p) { access(p) = def; };
    e.apply = [=, n = e.name](P& p, const toml::node& node, const std::string& file) {
      auto s = node.value<std::string>();
      if (!node.is_string() || !s) throw toml_error(file, node, n + ": expected a string");
      if (auto err = validate(*s); !err.empty()) throw toml_error(file, node, n + ": " + err);
      access(p) = *s;
    };
    e.show = [=](const P& p) { return access(mut(p)); };
    return add(std::move(e));
  }
  // A list of strings (e.g. locality names), checked by a validator that
  // returns an error message or "".
  template <class Access>
  ParamTable& strings(std::string name, Access access, std::vector<std::string> def,
                      std::function<std::string(const std::vector<std::string>&)> validate,
                      std::string format, Meta m) {
    std::string def_text = "[";
    for (std::size_t i = 0; i < def.size(); ++i) def_text += (i ? ", " : "") + def[i];
    def_text += "]";
    Entry e = base(std::move(name), "strings", def_text, std::move(format), std::move(m));
    e.set_default = [=](P& p) { access(p) = def; };
    e.apply = [=, n = e.name](P& p, const toml::node& node, const std::string& file) {
      std::vector<std::string> out;
      if (auto s = node.value<std::string>(); node.is_string() && s) {
        out.push_back(*s);
      } else if (auto arr = node.as_array()) {
        for (const auto& el : *arr) {
          auto v = el.value<std::string>();
          if (!el.is_string() || !v) throw toml_error(file, el, n + ": expected strings");
          out.push_back(*v);
        }
      } else {
        throw toml_error(file, node, n + ": expected a string or an array of strings");
      }
      if (validate)
        if (auto err = validate(out); !err.empty()) throw toml_error(file, node, n + ": " + err);
      access(p) = std::move(out);
    };
    e.show = [=](const P& p) {
      std::string s = "[";
      const auto& v = access(mut(p));
      for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
      return s + "]";
    };
    return add(std::move(e));
  }
  // One real per label (e.g. per need type). TOML: an array of N numbers, or
  // a table {label = value} overriding some of them.
  template <class Access, std::size_t N>
  ParamTable& per_label(std::string name, Access access, std::array<double, N> def,
                        const std::array<const char*, N>& labels, double lo, double hi, Meta m) {
    std::string def_text;
    for (std::size_t i = 0; i < N; ++i) def_text += (i ? ", " : "") + fmt_num(def[i]);
    std::vector<std::string> lab(labels.begin(), labels.end());
    Entry e = base(std::move(name), "real[" + std::to_string(N) + "]", "[" + def_text + "]",
                   range(lo, hi), std::move(m));
    e.set_default = [=](P& p) { access(p) = def; };
    e.apply = [=, n = e.name](P& p, const toml::node& node, const std::string& file) {
      auto& arr_out = access(p);
      if (auto arr = node.as_array()) {
        if (arr->size() != N)
          throw toml_error(file, node, n + ": expected " + std::to_string(N) + " numbers, got " +
                                           std::to_string(arr->size()));
        for (std::size_t i = 0; i < N; ++i)
          arr_out[i] = read_number(*arr->get(i), file, n + "[" + std::to_string(i) + "]", lo, hi,
                                   false);
      } else if (auto tab = node.as_table()) {
        for (auto&& [k, v] : *tab) {
          std::size_t idx = N;
          for (std::size_t i = 0; i < N; ++i)
            if (k.str() == lab[i]) idx = i;
          if (idx == N) throw toml_error(file, v, unknown_key_message(n, k.str(), lab));
          arr_out[idx] = read_number(v, file, n + "." + std::string(k.str()), lo, hi, false);
        }
      } else {
        throw toml_error(file, node,
                         n + ": expected an array of " + std::to_string(N) + " numbers or a table by label");
      }
    };
    e.show = [=](const P& p) {
      std::string s = "[";
      for (std::size_t i = 0; i < N; ++i) s += (i ? ", " : "") + fmt_num(access(mut(p))[i]);
      return s + "]";
    };
    e.labels = lab;
    e.set_label = [=, n = e.name](P& p, std::size_t i, double v) {
      check_number(v, n, lo, hi, false);
      access(p)[i] = v;
    };
    return add(std::move(e));
  }

  P defaults() const {
    P p{};
    for (const auto& e : entries_) e.set_default(p);
    return p;
  }
  bool contains(const std::string& name) const { return index_.count(name) > 0; }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
  }

  // Applies every key of `table` (nested tables give dotted names) to `p`.
  // `skip` names a top-level key the caller reads itself (e.g. "type").
  void apply(P& p, const toml::table& table, const std::string& file,
             const std::string& prefix = "", std::string_view skip = {}) const {
    for (auto&& [k, v] : table) {
      if (!skip.empty() && prefix.empty() && k.str() == skip) continue;
      const std::string full = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (auto it = index_.find(full); it != index_.end()) {
        entries_[it->second].apply(p, v, file);
      } else if (auto sub = v.as_table(); sub && has_prefix(full + ".")) {
        apply(p, *sub, file, full);
      } else {
        throw toml_error(file, v, unknown_key_message("parameter", full, names()));
      }
    }
  }
  // Programmatic override used by sweeps: "name" or "name.label" for per-label.
  void set_number(P& p, const std::string& name, double v) const {
    if (auto it = index_.find(name); it != index_.end() && entries_[it->second].set_number) {
      entries_[it->second].set_number(p, v);
      return;
    }
    if (auto dot = name.rfind('.'); dot != std::string::npos) {
      if (auto it = index_.find(name.substr(0, dot)); it != index_.end()) {
        const auto& e = entries_[it->second];
        for (std::size_t i = 0; i < e.labels.size(); ++i)
          if (e.labels[i] == name.substr(dot + 1)) {
            e.set_label(p, i, v);
            return;
          }
      }
    }
    throw InputError("", 0, 0, unknown_key_message("numeric parameter", name, names()));
  }
  std::optional<double> get_number(const P& p, const std::string& name) const {
    if (auto it = index_.find(name); it != index_.end() && entries_[it->second].number)
      return entries_[it->second].number(p);
    return std::nullopt;
  }
  // Name → value text for every parameter (for the results file).
  std::vector<std::pair<std::string, std::string>> values(const P& p) const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : entries_) out.emplace_back(e.name, e.show(p));
    return out;
  }
  std::vector<ParamInfo> infos() const {
    std::vector<ParamInfo> out;
    for (const auto& e : entries_) out.push_back(e.info);
    return out;
  }

 private:
  struct Entry {
    std::string name;
    ParamInfo info;
    std::function<void(P&)> set_default;
    std::function<void(P&, const toml::node&, const std::string&)> apply;
    std::function<void(P&, double)> set_number;
    std::function<std::string(const P&)> show;
    std::function<double(const P&)> number;
    std::vector<std::string> labels;
    std::function<void(P&, std::size_t, double)> set_label;
  };

  // Accessors are written once, for a mutable struct; reading goes through them too.
  static P& mut(const P& p) { return const_cast<P&>(p); }
  static std::string fmt_num(double v) {
    std::ostringstream s;
    s.precision(10);
    s << v;
    return s.str();
  }
  static std::string range(double lo, double hi) { return "[" + fmt_num(lo) + ", " + fmt_num(hi) + "]"; }
  static void check_number(double v, const std::string& n, double lo, double hi, bool integral) {
    if (!std::isfinite(v) || v < lo || v > hi || (integral && v != std::floor(v)))
      throw InputError("", 0, 0,
                       n + ": expected " + (integral ? "an integer" : "a number") + " in " +
                           range(lo, hi) + ", got " + fmt_num(v));
  }
  static double read_number(const toml::node& node, const std::string& file, const std::string& n,
                            double lo, double hi, bool integral) {
    if (integral)
      return static_cast<double>(read_integer(node, file, n, static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi)));
    return read_real(node, file, n, lo, hi);
  }
  Entry base(std::string name, std::string type, std::string def, std::string rng, Meta m) {
    Entry e;
    e.name = name;
    e.info = ParamInfo{std::move(name), std::move(type), std::move(def), std::move(rng),
                       std::move(m.unit), std::move(m.description), std::move(m.source)};
    return e;
  }
  ParamTable& add(Entry e) {
    if (index_.count(e.name)) throw std::logic_error("parameter declared twice: " + e.name);
    if (e.info.source.empty()) throw std::logic_error("parameter without a source: " + e.name);
    index_[e.name] = entries_.size();
    entries_.push_back(std::move(e));
    return *this;
  }
  bool has_prefix(const std::string& pre) const {
    auto it = index_.lower_bound(pre);
    return it != index_.end() && it->first.compare(0, pre.size(), pre) == 0;
  }

  std::vector<Entry> entries_;
  std::map<std::string, std::size_t> index_;
};

}  // namespace sim
