#include "emulator/kernel_layer.h"

#include <doctest/doctest.h>

#include "emulator/kernel_check.h"
#include "emulator/program_bound.h"

namespace tokenfab::lpu {
namespace {

LayerCheck run_layer(const char* preset, int heads, int ffn_tiles, int context) {
  const LpuParams p = load_lpu_params(std::string("configs/lpu/") + preset + ".yaml");
  const LayerData data = make_layer_data(p.mxm_dim, heads, ffn_tiles * p.mxm_dim, context, 7);
  const LayerKernel k = decode_layer(p, data);
  LayerCheck c = check_layer(p, data, k);
  REQUIRE_MESSAGE(c.run.errors.empty(), c.run.errors.front().str());
  CHECK(c.run.cycles == k.expected_cycles);
  CHECK(k.chain_bound <= c.run.cycles);
  CHECK(c.run.dataflow_bound <= c.run.cycles);
  CHECK(k.install_bound <= c.run.cycles);
  CHECK(issue_bound(k.program).cycles <= c.run.cycles);
  MESSAGE(std::string(preset) << ": " << c.run.cycles << " cycles, chain bound " << k.chain_bound << ", install bound "
                              << k.install_bound << ", max error " << c.max_error << " of " << c.max_output);
  CHECK(c.cache_mismatches == 0);
  return c;
}

TEST_CASE("kernels: a decode layer on the small preset matches Eigen") {
  const LayerCheck c = run_layer("small", 2, 2, 11);
  CHECK(c.max_error <= 1e-2 * c.max_output);
}

TEST_CASE("kernels: a decode layer on tsp-v1 matches Eigen") {
  const LayerCheck c = run_layer("tsp_v1", 5, 2, 255);
  CHECK(c.max_error <= 1e-2 * c.max_output);
}

}  // namespace
}  // namespace tokenfab::lpu
