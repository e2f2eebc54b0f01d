// libFuzzer target: published-point sets (configs/validation/published.yaml)
// through load_validation, as `tokenfab validate` loads them: the set schema,
// each point's system (with its base: chain) and its model path, and the
// market it names. The input is written beside the shipped
// configs/validation/ (see input_file.h) so that seeds' relative paths
// resolve. InputError is the documented rejection; any other exception,
// crash, hang or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "explore/validation.h"
#include "fuzz/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/validation", "input.yaml");
  try {
    (void)tokenfab::load_validation(input.write(data, size), {});
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
