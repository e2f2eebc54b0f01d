// libFuzzer target: LPU assembly text (emulator/examples/*.s) through
// lpu::assemble, the reader of `tokenfab assemble` and `tokenfab emulate`.
// The program is read against the preset its `.arch` line names
// (lpu_presets.h). InputError is the documented rejection; an accepted
// program must survive disassembly and encoding (lpu_round_trip.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "emulator/isa/assembler.h"
#include "fuzz/lpu_presets.h"
#include "fuzz/lpu_round_trip.h"

namespace {

// The word after the first ".arch", or "" (then tsp-v1, and the assembler
// reports the mismatch or the missing line itself).
std::string arch_of(const std::string& text) {
  const std::size_t at = text.find(".arch");
  if (at == std::string::npos) return {};
  const std::size_t from = text.find_first_not_of(" \t", at + 5);
  if (from == std::string::npos) return {};
  return text.substr(from, text.find_first_of(" \t\r\n#", from) - from);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const tokenfab::lpu::LpuParams& params = tokenfab::fuzz::lpu_preset(arch_of(text));
  tokenfab::lpu::Program program;
  try {
    program = tokenfab::lpu::assemble(text, "input.s", params);
  } catch (const tokenfab::InputError&) {
    return 0;  // rejected with its diagnostics: what bad input should get
  }
  tokenfab::fuzz::check_lpu_round_trip(program, params);
  return 0;
}
