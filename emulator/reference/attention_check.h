// The Eigen reference of decode attention over a long context
// (kernels/kernel_attention.h) and the check that runs the kernel on a chip
// against it. The reference computes every piece as the kernel does: exact
// INT32 scores, FP32 scaling, the maximum as max(0, max s) (the kernel's
// zero-filled shift trees), e = exp(s - (M - ln 127)), INT8 weights
// round(e), exact INT32 mixes, and the FP32 normalisation at the end; only the order of the
// FP32 sum over positions differs (tiles then a shift tree, against index
// order here), so outputs agree to rounding, not bit for bit.
//
//   AttentionCheck c = check_attention(params, data, decode_attention(params, data), Mode::functional);
#pragma once

#include <Eigen/Core>
#include <cstdint>

#include "emulator/chip/chip.h"
#include "emulator/kernels/kernel_attention.h"

namespace tokenfab::lpu {

// heads x value_dim: each head's output.
Eigen::MatrixXf attention_reference(const AttentionData& data);

struct AttentionCheck {
  RunResult run;
  std::int64_t outputs = 0;
  double max_error = 0;   // largest |emulated - reference|
  double max_output = 0;  // largest |reference| (for scale)
};
// Runs the kernel (functional or timing-only); when functional, compares
// every head's value lanes with attention_reference.
AttentionCheck check_attention(const LpuParams& p, const AttentionData& data, const AttentionKernel& kernel, Mode mode);

}  // namespace tokenfab::lpu
