#include "emulator/kernels/kernel_attention.h"

#include <doctest/doctest.h>

#include <string>

#include "emulator/reference/attention_check.h"

namespace tokenfab::lpu {
namespace {

LpuParams preset(const char* name) { return load_lpu_params(std::string("configs/lpu/") + name + ".yaml"); }

// Runs the kernel with real values and holds it to the reference and its
// cycles to the scheduler's prediction. Outputs agree to FP32 rounding (the
// sums over positions run in another order, attention_check.h): within 1e-5
// of the largest output.
AttentionKernel run(const LpuParams& p, const AttentionShape& shape) {
  const AttentionData data = attention_data(shape, 5);
  const AttentionKernel kernel = decode_attention(p, data);
  const AttentionCheck c = check_attention(p, data, kernel, Mode::functional);
  REQUIRE_MESSAGE(c.run.errors.empty(), c.run.errors.front().str());
  CHECK(c.run.cycles == kernel.expected_cycles);
  CHECK(kernel.chain_bound <= c.run.cycles);
  CHECK(kernel.install_bound <= c.run.cycles);
  CHECK(c.run.dataflow_bound <= c.run.cycles);
  CHECK(c.outputs == static_cast<std::int64_t>(shape.heads) * shape.value_dim);
  CHECK(c.max_output > 0);
  CHECK(c.max_error <= 1e-5 * c.max_output);
  return kernel;
}

// On small (16 lanes): 3 KV heads of 6 lanes are 18 key lanes, 2 tiles, the
// second KV head straddling them, so its queries take a product on each;
// 6 query heads, 2 per KV head; 45 positions are 3 tiles, the last with 3
// masked; values 5 wide, 15 lanes in one tile.
TEST_CASE("kernels: GQA decode attention over ragged tiles matches Eigen") {
  run(preset("small"), {.heads = 6, .kv_heads = 3, .key_dim = 6, .value_dim = 5, .context = 45});
}

// Llama-3.1-70B on one chip of eight (tensor parallel): 8 query heads on
// one KV head of 128, over 1,000 positions (4 tiles, 280 masked).
TEST_CASE("kernels: Llama-3.1-70B's decode attention per chip matches Eigen on tsp-v1") {
  const AttentionKernel k =
      run(preset("tsp_v1"), {.heads = 8, .kv_heads = 1, .key_dim = 128, .value_dim = 128, .context = 1000});
  // 4 position tiles, each a K^T tile and a V tile of 320 x 320 INT8
  // (102,400 B, zero-padded) at 10,240 B a cycle: 8 x 10 = 80 cycles.
  CHECK(k.install_bound == 80);
}

// DeepSeek-R1's absorbed MLA per chip: 16 query heads against one latent of
// 512 + 64 lanes (2 key tiles), values the latent's first 512 (2 tiles).
TEST_CASE("kernels: MLA decode attention on the latent cache matches Eigen on tsp-v1") {
  const AttentionKernel k = run(
      preset("tsp_v1"), {.heads = 16, .kv_heads = 1, .key_dim = 576, .value_dim = 512, .context = 700, .latent = true});
  // 3 position tiles x (2 key + 2 value tiles) x 10 cycles.
  CHECK(k.install_bound == 120);
}

// Timing-only moves no payloads: a longer context takes the cycles the
// scheduler predicted, and they do not depend on the values.
TEST_CASE("kernels: a long decode attention runs timing-only in its predicted cycles") {
  const LpuParams p = preset("lp30");
  const AttentionShape shape{.heads = 8, .kv_heads = 1, .key_dim = 128, .value_dim = 128, .context = 4096};
  const AttentionKernel real = decode_attention(p, attention_data(shape, 5));
  const AttentionKernel zeros = decode_attention(p, attention_data(shape, 0, true));
  CHECK(real.expected_cycles == zeros.expected_cycles);
  const AttentionCheck c = check_attention(p, attention_data(shape, 0, true), zeros, Mode::timing_only);
  REQUIRE(c.run.errors.empty());
  CHECK(c.run.cycles == zeros.expected_cycles);
}

// The cycles docs/emulator.md quotes against the SRAM roofline (the cache's
// bytes at the install rate: Llama 2 x 128 B a position, 2,048 positions
// = 51 cycles on tsp-v1, 26 on lp30). Timing only: cycles do not depend on
// the values.
TEST_CASE("kernels: decode attention cycles as docs/emulator.md quotes them") {
  auto cycles = [](const char* name, const AttentionShape& shape) {
    return decode_attention(preset(name), attention_data(shape, 0, true)).expected_cycles;
  };
  const AttentionShape llama{.heads = 8, .kv_heads = 1, .key_dim = 128, .value_dim = 128, .context = 2048};
  const AttentionShape mla{
      .heads = 16, .kv_heads = 1, .key_dim = 576, .value_dim = 512, .context = 2048, .latent = true};
  CHECK(cycles("tsp_v1", llama) == 1232);
  CHECK(cycles("lp30", llama) == 1027);
  CHECK(cycles("tsp_v1", mla) == 1752);
  CHECK(cycles("lp30", mla) == 1304);
  AttentionShape longer = llama;
  longer.context = 8192;
  CHECK(cycles("tsp_v1", longer) == 1999);
  CHECK(cycles("lp30", longer) == 1548);
  longer = mla;
  longer.context = 8192;
  CHECK(cycles("tsp_v1", longer) == 3574);
  CHECK(cycles("lp30", longer) == 2500);
}

}  // namespace
}  // namespace tokenfab::lpu
