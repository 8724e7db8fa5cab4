// libFuzzer target: a GraphML territory read by sim::load_graphml (through a
// temporary file, as the loader takes a path). Only sim::InputError may
// escape.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "sim/input_error.hpp"
#include "sim/territory_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("passerelle-fuzz-" + std::to_string(::getpid()) + ".graphml");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    (void)sim::load_graphml(path);
  } catch (const sim::InputError&) {
  }
  return 0;
}
