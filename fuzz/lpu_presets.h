// The LPU presets of configs/lpu/, loaded once, for the assembler and binary
// fuzzers: a program names its preset (`.arch tiny`, or the arch string of a
// binary image) and is read against that preset, so seeds written for any
// shipped chip assemble instead of stopping at "the program is for 'tiny'
// but the chip is 'tsp-v1'".
#pragma once

#include <string_view>

#include "emulator/isa/chip_params.h"

namespace tokenfab::fuzz {

// The preset called `arch`; tsp-v1 (the CLI's default chip) for any other name.
const lpu::LpuParams& lpu_preset(std::string_view arch);

}  // namespace tokenfab::fuzz
