// libFuzzer target: a territory preset (TOML) turned into a setting by
// models::setting_from_toml. TOML syntax errors are toml++'s and become
// InputError in models::load_setting, so they are skipped here; after a
// successful parse only sim::InputError may escape.
#include <toml++/toml.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "models/setting.hpp"
#include "sim/input_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  toml::table doc;
  try {
    doc = toml::parse(std::string_view(reinterpret_cast<const char*>(data), size), std::string("fuzz.toml"));
  } catch (const toml::parse_error&) {
    return 0;
  }
  try {
    (void)models::setting_from_toml(doc, "fuzz.toml", 1.0);
  } catch (const sim::InputError&) {
  }
  return 0;
}
