#include <doctest/doctest.h>

#include <cmath>

#include "workloads/footprint.h"
#include "workloads/hf_config.h"
#include "workloads/trace_gen.h"
#include "workloads/trace_io.h"

namespace tokenfab {
namespace {

// Totals over every device of the replica, per kind of op.
struct Sums {
  double gemm_flops = 0, attention_flops = 0, weight_bytes = 0, kv_read = 0, kv_write = 0;
  std::int64_t all_to_all_per_device = 0;
};

Sums sum(const Trace& t) {
  Sums s;
  for (const auto& d : t.devices) {
    std::int64_t a2a = 0;
    for (const auto& op : d.ops) {
      if (op.kind == OpKind::gemm || op.kind == OpKind::grouped_gemm || op.kind == OpKind::router) {
        s.gemm_flops += op.flops.value();
      }
      if (op.kind == OpKind::attention) s.attention_flops += op.flops.value();
      s.weight_bytes += op.weight_bytes.value();
      s.kv_read += op.kv_read.value();
      s.kv_write += op.kv_write.value();
      if (op.collective && op.collective->kind == CollectiveKind::all_to_all) ++a2a;
    }
    s.all_to_all_per_device = std::max(s.all_to_all_per_device, a2a);
  }
  return s;
}

TEST_CASE("trace: DeepSeek-R1 decode, batch 64, context 8192, EP 72 matches hand formulas") {
  ModelSpec m = load_hf_config("workloads/models/deepseek-r1.json");
  Precision p{Dtype::fp4, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  Mapping map{.tp = 1, .attn_dp = 72, .ep = 72};
  const double B = 64, L = 8192;
  Trace t = generate_trace(m, p, map, Workload{Phase::decode, 64, 1, 8192});
  REQUIRE(t.devices.size() == 72);
  Sums s = sum(t);

  // Matmul weights one token multiplies, per layer, in the absorbed MLA form:
  // q_a 7168x1536, q_b 1536x(128*192), kv_a 7168x576, W_UK 128 heads x 128x512,
  // W_UV 128 x 512x128, o 128*128 x 7168.
  const double attn =
      7168.0 * 1536 + 1536.0 * 128 * 192 + 7168.0 * 576 + 128.0 * 128 * 512 + 128.0 * 512 * 128 + 128.0 * 128 * 7168;
  const double dense_ffn = 3.0 * 7168 * 18432;
  const double expert = 3.0 * 7168 * 2048;
  const double router = 7168.0 * 256;
  const double lm_head = 7168.0 * 129280;
  const double per_token = 61 * attn + 3 * dense_ffn + 58 * (9 * expert + router) + lm_head;
  CHECK(s.gemm_flops / B == doctest::Approx(2 * per_token).epsilon(1e-9));

  // Attention over the latent: each token scores L+1 positions in 128 heads
  // with a 576-wide key and 512-wide value, 2 FLOPs per MAC, 5 per softmax score.
  CHECK(s.attention_flops / B == doctest::Approx(61 * 128 * (L + 1) * (2.0 * (576 + 512) + 5)).epsilon(1e-9));

  // The KV cache of the L cached tokens is read once, 576 FP8 values (with the
  // FP8 block-scale allowance) per token per layer; the new token's is written.
  const double fp8 = 1 + 4.0 / 16384;
  CHECK(s.kv_read / B == doctest::Approx(L * 61 * 576 * fp8).epsilon(1e-9));
  CHECK(s.kv_write / B == doctest::Approx(61 * 576 * fp8).epsilon(1e-9));

  // Weights read: every one of the 64 busy attention ranks reads all attention
  // and dense-FFN weights (FP8 attention, FP4 FFN); experts are read once each
  // when touched: 256 * (1 - (1 - 8/256)^64) of them per MoE layer, plus the
  // shared expert on each busy rank; the embedding rows of 64 tokens; one
  // LM head per rank that samples.
  const double fp4 = 0.5 + 1.0 / 16;
  const double attn_weights = 61 * attn * fp8;
  const double touched = 256 * (1 - std::pow(1 - 8.0 / 256, 64));
  const double expected_weights = B * (attn_weights + 3 * dense_ffn * fp4 + 58 * (expert * fp4 + router * 2) +
                                       lm_head * 2 + 7168 * 2 /* embedding row */) +
                                  58 * touched * expert * fp4;
  double norms = 0;  // norm weights, BF16: per layer 2*7168 + q_a 1536 + kv_a 512, final 7168
  norms = B * (61 * (2 * 7168 + 1536 + 512) + 7168) * 2.0;
  CHECK(s.weight_bytes == doctest::Approx(expected_weights + norms).epsilon(1e-9));

  // Two all-to-alls (dispatch and combine) in each of the 58 MoE layers.
  CHECK(s.all_to_all_per_device == 116);
}

TEST_CASE("trace: tensor parallel Llama-3.1-70B all-reduces twice per layer") {
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-70b.json");
  Trace t = generate_trace(m, Precision{}, Mapping{.tp = 8}, Workload{Phase::decode, 16, 1, 4096});
  REQUIRE(t.devices.size() == 8);
  std::int64_t all_reduce = 0;
  for (const auto& op : t.devices[3].ops) {
    if (op.collective && op.collective->kind == CollectiveKind::all_reduce) {
      ++all_reduce;
      // 16 tokens x 8192 hidden in BF16.
      if (op.layer >= 0) CHECK(op.collective->bytes.value() == 16 * 8192 * 2);
    }
  }
  CHECK(all_reduce == 80 * 2 + 1 /* vocab-parallel embedding */);
  // Each rank holds 1/8 of every linear layer: 70.55B total minus 2 x 1.05B embedding tables.
  ParamCounts c = count_params(m);
  double per_rank_linear = (c.attention + c.dense_ffn) / 8 + c.lm_head / 8;
  OpTotals tot = totals(t.devices[3].ops);
  double norms_and_rows = (80 * 2 * 8192 + 8192) * 2.0 + 16 * 8192 * 2.0 / 8;
  CHECK(tot.weight_bytes.value() == doctest::Approx(per_rank_linear * 2 + norms_and_rows).epsilon(1e-9));
}

TEST_CASE("trace: prefill attention is causal") {
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  Trace t = generate_trace(m, Precision{}, Mapping{}, Workload{Phase::prefill, 1, 1000, 0});
  double attention = 0;
  for (const auto& op : t.devices[0].ops) {
    if (op.kind == OpKind::attention) attention += op.flops.value();
  }
  // Token i scores i positions: 1000*1001/2 pairs, 32 heads, 128+128 dims.
  CHECK(attention == doctest::Approx(32.0 * 500500 * (2 * 256 + 5) * 32));
}

TEST_CASE("trace: CSV and JSON lines round-trip exactly") {
  ModelSpec m = load_hf_config("workloads/models/gpt-oss-120b.json");
  Trace t = generate_trace(m, Precision{}, Mapping{.tp = 2, .attn_dp = 2, .ep = 4, .pp = 2},
                           Workload{Phase::decode, 5, 1, 300});
  for (TraceFormat f : {TraceFormat::csv, TraceFormat::jsonl}) {
    std::string text = write_trace(t, f);
    Trace back = read_trace_text(text, f, "t");
    CHECK(write_trace(back, f) == text);
    REQUIRE(back.devices.size() == t.devices.size());
    CHECK(back.mapping.str() == t.mapping.str());
    CHECK(totals(back.devices[5].ops).flops.value() == totals(t.devices[5].ops).flops.value());
  }
}

TEST_CASE("trace: bad rows are reported with line and column") {
  std::string text = write_trace(
      generate_trace(load_hf_config("workloads/models/llama-3.1-8b.json"), Precision{}, Mapping{}, Workload{}),
      TraceFormat::csv);
  auto pos = text.find(",gemm,");
  text.replace(pos, 6, ",gemn,");
  try {
    read_trace_text(text, TraceFormat::csv, "x.csv");
    FAIL("expected an error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("kind: expected one of") != std::string::npos);
    CHECK(std::string(e.what()).find("did you mean 'gemm'?") != std::string::npos);
  }
}

TEST_CASE("mapping: errors name the constraint") {
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-70b.json");
  Diagnostics d;
  Mapping map = parse_mapping("tp=3,ep=2,foo=1", d, {"cli"});
  validate_mapping(map, m, d, {"cli"});
  std::string all = d.render();
  CHECK(all.find("unknown parallelism 'foo'") != std::string::npos);
  CHECK(all.find("tp=3 must divide the 64 attention heads") != std::string::npos);
}

TEST_CASE("trace: uneven expert routing makes expert rank 0 hot and keeps the routed rows") {
  // Qwen3-235B (128 experts, 8 per token) over attn_dp = ep = 8: 16 experts a
  // rank. 64 decodes route 64 * 8 = 512 rows, 64 per rank when uniform. At
  // expert_imbalance 1.5 rank 0 takes 96 and the others (128 - 1.5 * 16) /
  // (128 - 16) = 13/14 of 64 each: 96 + 7 * 64 * 13/14 = 512 still.
  ModelSpec m = load_hf_config("workloads/models/qwen3-235b-a22b.json");
  Precision p{Dtype::fp8, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::bf16};
  Mapping map{.attn_dp = 8, .ep = 8, .expert_imbalance = 1.5};
  const Workload w{Phase::decode, 64, 1, 1000};
  auto first = [](const DeviceTrace& d, const std::string& name) -> const Op& {
    for (const Op& op : d.ops) {
      if (op.name == name) return op;
    }
    throw std::logic_error(name);
  };
  double rows = 0;
  for (int d = 0; d < 8; ++d) {
    const DeviceTrace t = generate_device_trace(m, p, map, w, d);
    const double expected = d == 0 ? 96.0 : 64.0 * 13 / 14;
    const Op& up = first(t, "moe.experts.gate_up_proj");
    CHECK(up.flops.value() == doctest::Approx(2.0 * expected * 4096 * 2 * 1536));
    rows += up.flops.value() / (2.0 * 4096 * 2 * 1536);
    // Each rank dispatches its own 8 tokens x 8 experts; the hot one receives
    // 1.5 times an even share and sends 1.5 times the rows back.
    CHECK(first(t, "moe.dispatch").collective->bytes.value() == doctest::Approx(8.0 * 8 * 4096 * 2));
    CHECK(first(t, "moe.dispatch").collective->inbound_weight == doctest::Approx(d == 0 ? 1.5 : 13.0 / 14));
    CHECK(first(t, "moe.combine").collective->bytes.value() ==
          doctest::Approx((d == 0 ? 1.5 : 13.0 / 14) * 8 * 8 * 4096 * 2));
  }
  CHECK(rows == doctest::Approx(512));
  // The hottest rank can take at most every routed row: 128 / 16 = 8 times its share.
  Diagnostics d;
  map.expert_imbalance = 9;
  validate_mapping(map, m, d, {"cli"});
  CHECK(d.render().find("expert imbalance 9 exceeds 8") != std::string::npos);
}

}  // namespace
}  // namespace tokenfab

namespace tokenfab {
namespace {

TEST_CASE("footprint: one device holds the whole model; shards add back up") {
  ModelSpec m = load_hf_config("workloads/models/qwen3-235b-a22b.json");
  Precision p{Dtype::fp8, Dtype::fp8, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  Workload w{Phase::decode, 8, 1, 1000};
  double whole = weight_bytes(m, p).value();
  CHECK(device_footprint(m, p, Mapping{}, w, 0).weights.value() == doctest::Approx(whole).epsilon(1e-9));
  // Over EP 8 with attention-DP 8 the experts split 16 per device and the
  // rest (attention, routers, norms, embeddings) is replicated 8 times.
  Mapping wide{.attn_dp = 8, .ep = 8};
  ParamCounts c = count_params(m);
  // Router biases are part of c.routers; everything but routed experts is replicated.
  double replicated = whole - c.routed_experts * bytes_per_element(Dtype::fp8);
  double sum = 0;
  for (int d = 0; d < 8; ++d) sum += device_footprint(m, p, wide, w, d).weights.value();
  CHECK(sum == doctest::Approx(8 * replicated + c.routed_experts * bytes_per_element(Dtype::fp8)).epsilon(1e-9));
  // KV: 8 sequences of 1001 tokens, 94 layers, 2 x 4 KV heads x 128, FP8.
  CHECK(device_footprint(m, p, Mapping{}, w, 0).kv_cache.value() ==
        doctest::Approx(8.0 * 1001 * 94 * 2 * 4 * 128 * bytes_per_element(Dtype::fp8)));
}

TEST_CASE("footprint: activations of a prefill pass") {
  // Llama-3.1-8B, one prompt of 1000 tokens on one chip: the widest buffer is
  // the FFN's gate and up halves, 1000 x 2 x 14336, beside the residual stream
  // and its normalised copy, 1000 x 2 x 4096; all BF16.
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  Footprint f = device_footprint(m, Precision{}, Mapping{}, Workload{Phase::prefill, 1, 1000, 0}, 0);
  CHECK(f.activations.value() == doctest::Approx((1000.0 * 2 * 4096 + 1000.0 * 2 * 14336) * 2));
}

TEST_CASE("trace: the busiest expert rank reads whole experts, and the ranks' total stays E p") {
  // DeepSeek-R1 (256 experts, 8 per token) over ep = 64: 4 experts a rank.
  // One routed token touches each expert with p = 8/256 = 1/32, so the mean
  // rank touches 4/32 = 0.125 experts. Rank 0 is timed as the busiest, the
  // expected maximum of 64 Binomial(4, 1/32) counts:
  //   P(X = 0) = (31/32)^4 = 0.88074, P(X <= 1) = P0 + 4 p (31/32)^3 = 0.99438,
  //   P(X <= 2) = P(X <= 1) + 6 p^2 (31/32)^2 = 0.99988, P(X <= 3) = 1 - p^4;
  //   E[max] = sum over x = 1..4 of 1 - F(x - 1)^64
  //          = (1 - 0.88074^64) + (1 - 0.99438^64) + (1 - 0.99988^64) + (1 - (1 - p^4)^64)
  //          = 0.99971 + 0.30270 + 0.00760 + 0.00006 = 1.3101.
  ModelSpec m = load_hf_config("workloads/models/deepseek-r1.json");
  const MoeDims& e = *m.moe;
  const Mapping map{.tp = 64, .ep = 64};
  const double p = 1.0 / 32;
  const double f0 = std::pow(1 - p, 4), f1 = f0 + 4 * p * std::pow(1 - p, 3), f2 = f1 + 6 * p * p * std::pow(1 - p, 2),
               f3 = 1 - std::pow(p, 4);
  const double busiest = 4 - std::pow(f0, 64) - std::pow(f1, 64) - std::pow(f2, 64) - std::pow(f3, 64);
  CHECK(busiest == doctest::Approx(1.3101).epsilon(1e-4));
  CHECK(touched_experts(e, map, 0, 1.0) == doctest::Approx(busiest).epsilon(1e-12));
  // The other 63 ranks share the rest of the expected 256 p = 8 experts.
  CHECK(touched_experts(e, map, 1, 1.0) == doctest::Approx((8 - busiest) / 63).epsilon(1e-12));
  double total = 0;
  for (int r = 0; r < 64; ++r) total += touched_experts(e, map, r, 1.0);
  CHECK(total == doctest::Approx(8.0).epsilon(1e-12));
  // Without expert parallelism there is one rank: the mean, 256 p = 8.
  CHECK(touched_experts(e, Mapping{.tp = 8}, 0, 1.0) == doctest::Approx(8.0).epsilon(1e-12));
  // With many tokens every expert is touched and every rank reads all of its own.
  CHECK(touched_experts(e, map, 0, 4096.0) == doctest::Approx(4.0).epsilon(1e-9));
  CHECK(touched_experts(e, map, 5, 4096.0) == doctest::Approx(4.0).epsilon(1e-9));
}

}  // namespace
}  // namespace tokenfab
