// libFuzzer target: sweep specs (configs/sweeps/) through load_sweep_spec and
// then sweep_points, which combines the axes (grid or zip) and applies the
// filters on axes; both document InputError. The input is written into a copy
// of configs/sweeps/ (input_file.h), so `run: ../runs/default.yaml` and axis
// `files:` resolve to the shipped files. Any other exception, crash, hang or
// sanitizer report (an out-of-memory from a huge grid included) is a finding.
#include <cstddef>
#include <cstdint>

#include "fuzz/input_file.h"
#include "sweep/sweep_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/sweeps", "input.yaml");
  try {
    const tokenfab::SweepSpec spec = tokenfab::load_sweep_spec(input.write(data, size));
    for (const auto& point : tokenfab::sweep_points(spec)) {
      (void)point.sets();
      (void)point.label();
    }
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
