// Text form of LPU programs: an assembler with file:line:col errors and a
// disassembler whose output assembles back to the same program.
//
//   .arch tsp-v1
//   .queue MEM.E.12
//       read a=0x000 s=E3        # comments run to the end of the line
//       repeat n=319 d=1 astride=1
//       nop n=57
//   .queue VXM.3
//       add in=E3,E4 out=W5 type=f32
//   .queue MXM.E.0
//       lw s=E0..E7 plane=0 buf=1
//
// Each instruction is a mnemonic and key=value operands. Streams are E0..E31
// (eastward) and W0..W31, in lists (E3,E4) or ranges (E0..E7); integers are
// decimal or 0x hex; element types are i8 i16 i32 f8 f16 bf16 f32. A
// mnemonic must belong to its queue's unit (nop, repeat, sync and notify go
// anywhere); required operands must be present and unknown ones are errors.
#pragma once

#include <string>

#include "emulator/isa/program.h"

namespace tokenfab::lpu {

// Throws InputError listing every problem.
Program assemble(const std::string& text, const std::string& file, const LpuParams& params);
std::string disassemble(const Program& program);

}  // namespace tokenfab::lpu
