#include "hw/compute/emulated_attention.h"

#include <doctest/doctest.h>

#include <cmath>

#include "core/config_loader.h"
#include "emulator/isa/chip_params.h"
#include "emulator/kernels/kernel_attention.h"
#include "hw/chip/chip_config.h"
#include "hw/common/op_timing.h"
#include "hw/compute/compute_timing.h"
#include "hw/compute/emulated_mxm.h"
#include "workloads/hf_config.h"
#include "workloads/trace_gen.h"

namespace tokenfab {
namespace {

const char* kPreset = "configs/lpu/tsp_v1.yaml";

std::int64_t scheduled(int heads, int kv_heads, int key_dim, int value_dim, int context) {
  static const lpu::LpuParams p = lpu::load_lpu_params(kPreset);
  const lpu::AttentionShape shape{
      .heads = heads, .kv_heads = kv_heads, .key_dim = key_dim, .value_dim = value_dim, .context = context};
  return lpu::decode_attention(p, lpu::attention_data(shape, 0, true)).expected_cycles;
}

// The first attention op of device 0's trace.
Op attention_op(const char* model, int tp, const Workload& w, Dtype kv_cache) {
  Precision precision;
  precision.kv_cache = kv_cache;
  const Trace t =
      generate_trace(load_hf_config(std::string("workloads/models/") + model), precision, Mapping{.tp = tp}, w);
  for (const Op& op : t.devices.front().ops)
    if (op.kind == OpKind::attention) return op;
  FAIL("no attention op");
  return {};
}

TEST_CASE("emulated attention: the kernel's shape comes from the op's fields") {
  // Llama-3.1-70B at TP8: 64 / 8 = 8 query heads, 8 / 8 = 1 KV head of 128;
  // 3 sequences at context 4000, each query over its 4,000 cached tokens
  // and its own.
  const auto gqa =
      decode_attention_shape(attention_op("llama-3.1-70b.json", 8, {Phase::decode, 3, 1, 4000}, Dtype::int8));
  CHECK(gqa == DecodeAttentionShape{
                   .queries = 3, .heads = 8, .kv_heads = 1, .key_dim = 128, .value_dim = 128, .context = 4001});
  // DeepSeek-R1 absorbed, 128 / 8 = 16 heads on the 512 + 64 latent.
  const auto mla = decode_attention_shape(attention_op("deepseek-r1.json", 8, {Phase::decode, 2, 1, 1000}, Dtype::fp8));
  CHECK(
      mla ==
      DecodeAttentionShape{
          .queries = 2, .heads = 16, .kv_heads = 1, .key_dim = 576, .value_dim = 512, .latent = true, .context = 1001});
  // Prefill (many queries a sequence) and a BF16 cache are not this kernel's.
  CHECK_FALSE(decode_attention_shape(attention_op("llama-3.1-70b.json", 8, {Phase::prefill, 1, 500, 0}, Dtype::int8)));
  CHECK_FALSE(decode_attention_shape(attention_op("llama-3.1-70b.json", 8, {Phase::decode, 1, 1, 4000}, Dtype::bf16)));
}

TEST_CASE("emulated attention: buckets are exact, contexts between them within 5%") {
  // 1,280 positions are 4 tiles, a bucket: the scheduler's own cycles; so
  // are 1,000 (4 tiles, padded).
  CHECK(attention_cycles(kPreset, "", 8, 1, 128, 128, 1280) == scheduled(8, 1, 128, 128, 1280));
  CHECK(attention_cycles(kPreset, "", 8, 1, 128, 128, 1000) == scheduled(8, 1, 128, 128, 1280));
  // 3, 6 and 12 tiles lie between buckets; 26 (8,192 positions) is beyond
  // the last, on the line through 8 and 16 tiles.
  for (const int context : {960, 1920, 3840, 8192}) {
    const double exact = static_cast<double>(scheduled(8, 1, 128, 128, context));
    const double ruled = static_cast<double>(attention_cycles(kPreset, "", 8, 1, 128, 128, context));
    CAPTURE(context);
    CAPTURE(exact);
    CAPTURE(ruled);
    CHECK(std::fabs(ruled / exact - 1.0) < 0.05);
  }
}

TEST_CASE("emulated attention: heads beyond 16 on a chip within 5% of the scheduler's cycles") {
  // One shared KV head (MLA-like, 128 wide) and GQA with 8 query heads a KV
  // head, at 48 and 64 heads on the line through 16 and 32, over one and
  // two tiles of positions.
  struct Shape {
    int heads, kv_heads, context;
  };
  for (const Shape s : {Shape{48, 1, 320}, Shape{64, 8, 320}, Shape{48, 6, 640}}) {
    const double exact = static_cast<double>(scheduled(s.heads, s.kv_heads, 128, 128, s.context));
    const double ruled = static_cast<double>(attention_cycles(kPreset, "", s.heads, s.kv_heads, 128, 128, s.context));
    CAPTURE(s.heads);
    CAPTURE(s.kv_heads);
    CAPTURE(s.context);
    CAPTURE(exact);
    CAPTURE(ruled);
    CHECK(std::fabs(ruled / exact - 1.0) < 0.05);
  }
  // At 16 heads the rule is the scheduler's own count.
  CHECK(attention_cycles(kPreset, "", 16, 1, 128, 128, 320) == scheduled(16, 1, 128, 128, 320));
}

TEST_CASE("emulated attention: an LPU's decode attention is timed by its emulator, the cache read inside") {
  // Groq v1 (tsp-v1 at 900 MHz), Llama-3.1-70B at TP8, 2 sequences at
  // context 1,279: each query attends 1,280 positions, a bucket, so the op
  // takes 2 x the scheduler's cycles; its memory charge leaves out the
  // cached keys and values the kernel reads, and keeps the appended ones.
  const ChipConfig chip = load_config("configs/chips/groq_lpu_v1.yaml", chip_schema());
  const Op op = attention_op("llama-3.1-70b.json", 8, {Phase::decode, 2, 1, 1279}, Dtype::int8);
  REQUIRE(emulated(chip.compute, op));
  const double cycles = 2.0 * static_cast<double>(scheduled(8, 1, 128, 128, 1280));
  CHECK(compute_time(chip.compute, op).value() == doctest::Approx(cycles / 900e6).epsilon(1e-12));
  CHECK(kernel_bytes(chip.compute, op).value() == doctest::Approx((memory_bytes(op) - op.kv_read).value()));
  CHECK(op.kv_read.value() > 0);
  // A GPU keeps the roofline and the whole memory charge.
  const ChipConfig gpu = load_config("configs/chips/b200_gb200.yaml", chip_schema());
  CHECK_FALSE(emulated(gpu.compute, op));
  CHECK(kernel_bytes(gpu.compute, op).value() == doctest::Approx(memory_bytes(op).value()));
}

}  // namespace
}  // namespace tokenfab
