// libFuzzer target: LPU chip presets (configs/lpu/*.yaml) through
// load_lpu_params, which binds lpu_params_schema() and then checks the delay
// table against the opcode list. The input is written beside the shipped
// presets (input_file.h). InputError is the documented rejection; anything
// else escaping, a crash, hang or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "emulator/isa/chip_params.h"
#include "fuzz/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/lpu", "input.yaml");
  try {
    const auto params = tokenfab::lpu::load_lpu_params(input.write(data, size));
    // What the emulator derives first from a loaded preset.
    (void)params.sram_capacity();
    (void)params.c2c_cycles_per_vector();
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
