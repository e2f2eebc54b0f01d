// libFuzzer target: LPU binary images (`tokenfab assemble --out x.bin`)
// through lpu::decode, the reader of `tokenfab disassemble`. The image is
// read against the preset its arch string names (lpu_presets.h). InputError
// is the documented rejection; an accepted program must survive disassembly
// and encoding (lpu_round_trip.h).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "emulator/isa/program_binary.h"
#include "fuzz/lpu_presets.h"
#include "fuzz/lpu_round_trip.h"

namespace {

// The arch string after the 8-byte magic: u16 little-endian length, bytes.
std::string arch_of(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 10) return {};
  const std::size_t n = bytes[8] | (static_cast<std::size_t>(bytes[9]) << 8);
  if (bytes.size() < 10 + n) return {};
  return std::string(bytes.begin() + 10, bytes.begin() + 10 + static_cast<std::ptrdiff_t>(n));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  const tokenfab::lpu::LpuParams& params = tokenfab::fuzz::lpu_preset(arch_of(bytes));
  tokenfab::lpu::Program program;
  try {
    program = tokenfab::lpu::decode(bytes, "input.bin", params);
  } catch (const tokenfab::InputError&) {
    return 0;  // rejected with its diagnostics: what bad input should get
  }
  tokenfab::fuzz::check_lpu_round_trip(program, params);
  return 0;
}
