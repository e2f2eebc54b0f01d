// libFuzzer target: Hugging Face config.json files through load_hf_config
// (workloads/hf_config.h): strict JSON first (a .json name), then the keys the
// model needs, typed and range-checked. A model it accepts must then size
// itself: parameter counts and KV cache per token are computed from the
// parsed integers, so a count the parser let through that overflows them is
// a finding too (UBSan). InputError is the documented rejection.
#include <cstddef>
#include <cstdint>

#include "fuzz/input_file.h"
#include "workloads/hf_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The ".json" name turns on the strict JSON check, as for a shipped model.
  static tokenfab::fuzz::InputFile input("workloads/models", "input.json");
  try {
    const tokenfab::ModelSpec model = tokenfab::load_hf_config(input.write(data, size));
    (void)tokenfab::count_params(model).total();
    (void)tokenfab::kv_elements_per_token_per_layer(model);
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
