// Runs a generated kernel on a functional chip with deterministic data and
// compares every output with Eigen: the check the kernel tests and
// `tokenfab emulate --kernel` share.
#pragma once

#include <cstdint>

#include "emulator/chip.h"
#include "emulator/kernel_gemv.h"

namespace tokenfab::lpu {

struct KernelCheck {
  RunResult run;
  std::int64_t outputs = 0;     // values compared
  std::int64_t mismatches = 0;  // outputs that differ from the reference (INT32: exactly)
};

// INT8 weights W (dim x tiles*dim) and activation x, laid out as `layout`
// says; compares the INT32 results with Eigen's x^T W.
KernelCheck check_gemv(const LpuParams& p, const GemvLayout& layout, const GemvKernel& kernel, int tiles);

}  // namespace tokenfab::lpu
