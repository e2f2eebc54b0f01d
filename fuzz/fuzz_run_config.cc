// libFuzzer target: run documents (configs/runs/) through load_run, as
// `tokenfab run` and `tokenfab trace` read them: run_schema() (system,
// workload, mapping, precision, engine), the model's config.json the
// document names, the run's sense checks and the mapping's validation.
//
// app/run_config.h belongs to tokenfab::app, which links SystemC; this
// target compiles app/run_config.cc and app/run_sense.cc itself (see
// fuzz/CMakeLists.txt) so that nothing here needs SystemC.
//
// The input is written into a copy of configs/runs/ (input_file.h), so
// seeds' `system: {base: ../systems/...}` and `model: ../../workloads/...`
// resolve to the shipped files. InputError is the documented rejection.
#include <cstddef>
#include <cstdint>

#include "app/run_config.h"
#include "fuzz/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/runs", "input.yaml");
  try {
    (void)tokenfab::load_run(input.write(data, size), tokenfab::RunOverrides{});
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
