// Runs a generated kernel on a functional chip with deterministic data and
// compares every output with Eigen: the check the kernel tests and
// `tokenfab emulate --kernel` share.
#pragma once

#include <cstdint>

#include "emulator/chip/chip.h"
#include "emulator/kernels/kernel_allreduce.h"
#include "emulator/kernels/kernel_gemv.h"
#include "emulator/kernels/kernel_layer.h"
#include "emulator/kernels/kernel_matmul.h"
namespace tokenfab::lpu {

struct KernelCheck {
  RunResult run;
  std::vector<RunResult> chips;  // every chip's run, in chip order (for timelines)
  std::int64_t outputs = 0;      // values compared
  std::int64_t mismatches = 0;   // outputs that differ from the reference (INT32: exactly)
  double max_error = 0;          // largest |emulated - reference| over the outputs
};

// INT8 weights W (dim x tiles*dim) and activation x, laid out as `layout`
// says; compares the INT32 results with Eigen's x^T W.
// With `record_issues`, each run keeps every issue (for a timeline).
// Timing only: the same program, no values written, moved or checked.
KernelCheck check_gemv(const LpuParams& p, const GemvLayout& layout, const GemvKernel& kernel, int tiles,
                       bool record_issues = false, Mode mode = Mode::functional);

// A different INT8 vector on each of `chips` chips; compares the vector each
// chip writes with the wrapped INT8 sum of all of them, lane by lane. `run`
// is the first chip with schedule errors, or chip 0's.
KernelCheck check_all_reduce(const LpuParams& p, const AllReduceLayout& layout, const AllReduceKernel& kernel,
                             int chips, bool record_issues = false);

// Runs a generated matrix product (functional or timing-only) and, when
// functional, compares every INT32 output with Eigen's X W exactly.
KernelCheck check_matmul(const LpuParams& p, const MatmulData& data, const MatmulKernel& kernel, Mode mode,
                         bool record_issues = false);

// Runs a generated layer on its preloaded data and compares with
// layer_reference: the appended cache row exactly (INT8), the output within
// `max_error` of the reference, lane by lane.
struct LayerCheck {
  RunResult run;
  std::vector<RunResult> chips;  // every chip's run, in chip order
  std::int64_t outputs = 0;
  std::int64_t output_exact = 0;      // output lanes equal to the reference
  double max_error = 0;               // largest |emulated - reference| over the output lanes
  double max_output = 0;              // largest |reference| (for scale)
  std::int64_t cache_elements = 0;    // appended K and V elements compared
  std::int64_t cache_mismatches = 0;  // of them, those that differ
};
// With `record_issues`, run.issues holds every issue (for a timeline).
LayerCheck check_layer(const LpuParams& p, const LayerData& data, const LayerKernel& kernel,
                       bool record_issues = false);
// A layer split over a fully connected node, one kernel per chip
// (decode_layer(p, data, N, i)): every chip's output against the reference,
// and each chip's share of the appended cache row. `run` is the first chip
// with schedule errors, or chip 0's.
LayerCheck check_layer(const LpuParams& p, const LayerData& data, const std::vector<LayerKernel>& kernels,
                       bool record_issues = false);

}  // namespace tokenfab::lpu
