// The runners behind `tokenfab emulate --kernel`, one per kernel family,
// each generating its kernel on the chip, running it, checking it and
// reporting it; listed in the registry of emulate_kernels.cc. Internal to app/.
#pragma once

#include <vector>

#include "app/emulate_kernels.h"
#include "emulator/chip/chip.h"

namespace tokenfab {

// Writes the timeline of a kernel's run(s) when one was asked for.
void write_kernel_timeline(const std::string& file, const std::vector<lpu::RunResult>& chips, const lpu::LpuParams& p);

int run_gemv(const lpu::LpuParams& p, const KernelOptions& o);
int run_matmul_kernel(const lpu::LpuParams& p, const KernelOptions& o);
int run_all_reduce(const lpu::LpuParams& p, const KernelOptions& o);
int run_layer(const lpu::LpuParams& p, const KernelOptions& o);
// A standalone vector kernel (kernel_vector.h), named by o.kernel.
int run_vector(const lpu::LpuParams& p, const KernelOptions& o);

}  // namespace tokenfab
