// `tokenfab validate --lpu`: published per-user decode speeds of compiled
// LPU deployments against the hardware bound and the LPU deployment engine
// (configs/engines/groq_2024.yaml), each point a run file.
//
//   points:
//     - {id: llama2-7b, run: ../runs/llama2_7b_groq_v1.yaml, published: 750 tok/s, role: calibration, ...}
//   fit: {key: kernel_overhead, low: 0 us, high: 100 us}
//
// With `fit`: the engine term `fit.key` at which the median log error of the
// calibration points' deployed speed is zero (bisection over its range; the
// speed falls as the term grows), printed beside the value the runs' engine
// holds, and every point is modelled with the fitted value.
#pragma once

#include <string>
#include <vector>

namespace tokenfab {

struct LpuValidationOptions {
  std::string file;                   // configs/validation/lpu.yaml
  std::vector<std::string> sets;      // in the validation file
  std::vector<std::string> run_sets;  // in every run, the fit's included (a sensitivity)
  std::string out;
  bool fit = false;
};

// Prints the report and writes lpu.csv. The number of failures: evaluation
// points outside their tolerance and not known misses, and, with `fit`, a
// fitted value more than 1% from the one the engine holds.
int run_lpu_validation(const LpuValidationOptions& o);

}  // namespace tokenfab
