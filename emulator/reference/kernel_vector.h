// The kernel library's standalone kernels on one vector (d = the chip's
// lanes): RMSNorm, softmax, RoPE, SwiGLU and decode attention over an INT8
// KV cache, each generated from KernelOps on deterministic data, run on a
// functional chip and compared with its Eigen reference (layer_data.h), to
// the tolerance stated here:
//   rmsnorm    1e-5 of the largest output (lane sums in tree order, rsqrt)
//   softmax    1e-6 absolute (probabilities; tree-order sums)
//   rope       exact (the same FP32 operations in the same order)
//   swiglu     1e-6 of the largest output (Eigen's vectorised and scalar
//              exp may differ in the last bit)
//   attention  1% of the largest output (a probability rounding the other
//              way moves one INT8 step; see kernel_layer.h)
#pragma once

#include <string>
#include <vector>

#include "emulator/chip/chip.h"
#include "emulator/isa/program_bound.h"

namespace tokenfab::lpu {

struct VectorKernelCheck {
  std::string name, shape;  // e.g. "attention", "5 heads of 64 over 255 positions"
  RunResult run;
  std::int64_t expected_cycles = 0;
  std::int64_t chain_bound = 0;
  IssueBound issue;
  std::int64_t outputs = 0;
  std::int64_t exact = 0;    // outputs equal to the reference
  double max_error = 0;      // largest |emulated - reference|
  double max_reference = 0;  // largest |reference|
  double tolerance = 0;      // absolute, from the rule above
  bool within() const { return run.errors.empty() && max_error <= tolerance; }
};

const std::vector<std::string>& vector_kernel_names();
// Throws std::invalid_argument for a name not in vector_kernel_names().
// With `record_issues`, run keeps every issue (for a timeline).
VectorKernelCheck run_vector_kernel(const LpuParams& p, const std::string& name, bool record_issues = false);

}  // namespace tokenfab::lpu
