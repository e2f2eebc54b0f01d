// libFuzzer target: serving-engine documents (configs/engines/) through
// engine_schema(), as the CLI loads them (load_config: read, resolve base:,
// bind, validate). The input is written to a file beside the shipped
// configs/engines/ (see input_file.h) so that seeds' relative base: paths
// resolve. InputError is the documented rejection; any other exception, crash,
// hang or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "core/config_loader.h"
#include "fuzz/input_file.h"
#include "serving/engine_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/engines", "input.yaml");
  try {
    (void)tokenfab::load_config(input.write(data, size), tokenfab::engine_schema());
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
