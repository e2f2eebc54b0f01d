// The emulator presets the system model's LPU ops are costed on, loaded once
// per process and shared by the matrix and attention costs (emulated_mxm.h,
// emulated_attention.h); a sweep re-binds configs thousands of times. For
// hw_timing's own sources: the emulator's types stay out of its public headers.
#pragma once

#include <string>

#include "emulator/isa/chip_params.h"

namespace tokenfab {

// A configs/lpu/ preset with its changes ("key=value;key=value"), loaded
// once; the reference stays valid for the process.
const lpu::LpuParams& emulator_preset(const std::string& preset, const std::string& changes);

}  // namespace tokenfab
