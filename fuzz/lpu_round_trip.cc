#include "fuzz/lpu_round_trip.h"

#include <cstdio>
#include <cstdlib>

#include "emulator/isa/assembler.h"
#include "emulator/isa/program_binary.h"

namespace tokenfab::fuzz {

namespace {

[[noreturn]] void round_trip_failed(const char* what, const lpu::Program& program, const char* detail) {
  std::fprintf(stderr, "LPU round trip: %s\n%s\nprogram:\n%s\n", what, detail, lpu::disassemble(program).c_str());
  std::abort();
}

}  // namespace

void check_lpu_round_trip(const lpu::Program& program, const lpu::LpuParams& params) {
  const std::string text = lpu::disassemble(program);
  try {
    if (!(lpu::assemble(text, "disassembled.s", params) == program)) {
      round_trip_failed("assemble(disassemble(p)) != p", program, "");
    }
  } catch (const InputError& e) {
    round_trip_failed("the disassembly does not assemble", program, e.what());
  }
  try {
    if (!(lpu::decode(lpu::encode(program), "encoded.bin", params) == program)) {
      round_trip_failed("decode(encode(p)) != p", program, "");
    }
  } catch (const InputError& e) {
    round_trip_failed("the encoding does not decode", program, e.what());
  }
}

}  // namespace tokenfab::fuzz
