// The LPU program fuzzers' check beyond "no crash": assembler.h and
// program_binary.h promise that the disassembly assembles back to the same
// program and that decode(encode(p)) == p. A program either reader accepts
// must pass both; a failure prints which and aborts: a finding.
#pragma once

#include "emulator/isa/program.h"

namespace tokenfab::fuzz {

void check_lpu_round_trip(const lpu::Program& program, const lpu::LpuParams& params);

}  // namespace tokenfab::fuzz
