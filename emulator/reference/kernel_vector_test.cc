#include "emulator/reference/kernel_vector.h"

#include <doctest/doctest.h>

namespace tokenfab::lpu {
namespace {

// Every standalone kernel on both kernel-test presets: no schedule errors,
// the predicted cycles, above the dependency-chain and dataflow bounds, and
// within the tolerance kernel_vector.h states.
TEST_CASE("kernels: RMSNorm, softmax, RoPE, SwiGLU and decode attention match Eigen") {
  for (const char* preset : {"small", "tsp_v1"}) {
    const LpuParams p = load_lpu_params(std::string("configs/lpu/") + preset + ".yaml");
    for (const std::string& name : vector_kernel_names()) {
      CAPTURE(preset);
      CAPTURE(name);
      const VectorKernelCheck c = run_vector_kernel(p, name);
      REQUIRE_MESSAGE(c.run.errors.empty(), c.run.errors.front().str());
      CHECK(c.run.cycles == c.expected_cycles);
      CHECK(c.chain_bound <= c.run.cycles);
      CHECK(c.run.dataflow_bound <= c.run.cycles);
      CHECK(c.outputs == p.vector_bytes());
      CHECK(c.max_reference > 0);
      CHECK(c.max_error <= c.tolerance);
      MESSAGE(std::string(preset) << " " << name << ": " << c.run.cycles << " cycles, chain bound " << c.chain_bound
                                  << ", max error " << c.max_error << " (tolerance " << c.tolerance << ")");
    }
  }
  CHECK_THROWS_AS(run_vector_kernel(load_lpu_params("configs/lpu/small.yaml"), "layernorm"), std::invalid_argument);
}

}  // namespace
}  // namespace tokenfab::lpu
