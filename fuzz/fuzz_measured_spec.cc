// libFuzzer target: measured-data specs (configs/validation/measured.yaml)
// through load_measured_spec, as `tokenfab validate --measured` loads them:
// the split file, the shared engine with its base:, each framework's engine
// over it, the systems, precisions and the data files' paths. The input is
// written beside the shipped configs/validation/ (see input_file.h).
// InputError is the documented rejection; any other exception, crash, hang
// or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "explore/measured.h"
#include "fuzz/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/validation", "input.yaml");
  try {
    (void)tokenfab::load_measured_spec(input.write(data, size), {});
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
