// libFuzzer target: data-center documents
// (configs/economics/datacenter_1gw.yaml) through datacenter_schema(), as the
// CLI loads them (load_config: read, resolve base:, bind, validate). The input
// is written to a file beside the shipped configs/economics/ (see input_file.h)
// so that seeds' relative base: paths resolve. InputError is the documented
// rejection; any other exception, crash, hang or sanitizer report is a finding.
#include <cstddef>
#include <cstdint>

#include "core/config_loader.h"
#include "economics/datacenter.h"
#include "fuzz/input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static tokenfab::fuzz::InputFile input("configs/economics", "input.yaml");
  try {
    (void)tokenfab::load_config(input.write(data, size), tokenfab::datacenter_schema());
  } catch (const tokenfab::InputError&) {
    // Rejected with its diagnostics: what bad input should get.
  }
  return 0;
}
