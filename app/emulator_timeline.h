// Chrome/Perfetto trace-event JSON of an emulated run: a process per chip,
// one track per instruction queue, one slice per issued instruction (a
// cycle long, named by its opcode, with its source line), timed at the
// chip's clock. Runs need their issues recorded (Chip::record_issues).
#pragma once

#include <string>
#include <vector>

#include "emulator/chip/chip.h"

namespace tokenfab {

// Writes atomically; throws on failure.
void write_emulator_timeline(const std::string& file, const std::vector<lpu::RunResult>& chips,
                             const lpu::LpuParams& params);
inline void write_emulator_timeline(const std::string& file, const lpu::RunResult& run, const lpu::LpuParams& params) {
  write_emulator_timeline(file, std::vector<lpu::RunResult>{run}, params);
}

}  // namespace tokenfab
