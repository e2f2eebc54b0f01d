// Chrome/Perfetto trace-event JSON of an emulated run: one track per
// instruction queue, one slice per issued instruction (a cycle long, named
// by its opcode, with its source line), timed at the chip's clock.
#pragma once

#include <string>

#include "emulator/chip.h"

namespace tokenfab {

// Writes atomically; throws on failure.
void write_emulator_timeline(const std::string& file, const lpu::RunResult& run, const lpu::LpuParams& params);

}  // namespace tokenfab
