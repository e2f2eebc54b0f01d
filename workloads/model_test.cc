#include "workloads/hf_config.h"

#include <doctest/doctest.h>

#include <cmath>

namespace tokenfab {
namespace {

ModelSpec load(const char* name) { return load_hf_config(std::string("workloads/models/") + name + ".json"); }

// Relative error of a count against a published figure.
double off(double ours, double published) { return std::fabs(ours / published - 1.0); }

TEST_CASE("models: parameter totals match published figures within 1%") {
  // Llama-2-70B: 68.98B (Meta model card "70B"; exact count from the weights).
  CHECK(off(count_params(load("llama-2-70b")).total(), 68.98e9) < 0.01);
  // Llama-3.1 model card: 8.03B, 70.6B, 405.9B... published as 8B/70B/405B; HF shows 8.03B/70.6B/406B.
  CHECK(off(count_params(load("llama-3.1-8b")).total(), 8.03e9) < 0.01);
  CHECK(off(count_params(load("llama-3.1-70b")).total(), 70.6e9) < 0.01);
  CHECK(off(count_params(load("llama-3.1-405b")).total(), 405.9e9) < 0.01);
  // DeepSeek-V3 report: 671B total, without the 14B multi-token-prediction module.
  CHECK(off(count_params(load("deepseek-r1")).total(), 671e9) < 0.01);
  // gpt-oss model card: 116.83B total.
  CHECK(off(count_params(load("gpt-oss-120b")).total(), 116.83e9) < 0.01);
  // Qwen3 report: 235B total.
  CHECK(off(count_params(load("qwen3-235b-a22b")).total(), 235e9) < 0.01);
  // Llama-2-7B: 6.74B (HF model card "7B"; exact count from the weights).
  CHECK(off(count_params(load("llama-2-7b")).total(), 6.74e9) < 0.01);
  // Mixtral-8x7B: 46.7B total (Mistral's announcement).
  CHECK(off(count_params(load("mixtral-8x7b")).total(), 46.7e9) < 0.01);
}

TEST_CASE("models: Kimi-K2 total is 1.3% under the tech report's 1.04T") {
  // The config gives 60 MoE layers of 384+1 experts of 3*7168*2048 weights
  // (1,016.6B) plus attention, one dense layer and embeddings: 1,026.4B. The
  // report's table says 1.04T (its model card says "1T"); 1.04T is what 61 MoE
  // layers would give, so we keep the config's count and a 1.5% tolerance.
  double total = count_params(load("kimi-k2")).total();
  CHECK(total == doctest::Approx(1026.41e9).epsilon(1e-4));
  CHECK(off(total, 1.04e12) < 0.015);
}

TEST_CASE("models: active parameters follow each vendor's convention") {
  // DeepSeek counts the embedding table: 37.55B against "37B" (two
  // significant figures; the 0.11B of router weights is what lifts it above
  // 37.5B). Tolerance 2%.
  CHECK(off(count_params(load("deepseek-r1")).active_with_embeddings(), 37e9) < 0.02);
  // Kimi-K2 report table: 32.6B activated.
  CHECK(off(count_params(load("kimi-k2")).active_with_embeddings(), 32.6e9) < 0.01);
  // OpenAI counts the unembedding but not the embedding lookup: 5.13B.
  CHECK(off(count_params(load("gpt-oss-120b")).active_without_embedding(), 5.13e9) < 0.01);
  // Qwen3-235B-A22B: 22B activated.
  CHECK(off(count_params(load("qwen3-235b-a22b")).active_with_embeddings(), 22e9) < 0.01);
  // Mixtral-8x7B: 12.9B used per token (Mistral's announcement, embeddings counted).
  CHECK(off(count_params(load("mixtral-8x7b")).active_with_embeddings(), 12.9e9) < 0.01);
}

TEST_CASE("models: architecture details are read from config.json") {
  ModelSpec r1 = load("deepseek-r1");
  CHECK(r1.attention == AttentionKind::mla);
  REQUIRE(r1.moe);
  CHECK(r1.moe->routed_experts == 256);
  CHECK(r1.moe->shared_experts == 1);
  CHECK(!r1.layer_specs[2].moe);
  CHECK(r1.layer_specs[3].moe);
  CHECK(r1.native_weights == Dtype::fp8);
  CHECK(r1.mtp_layers == 1);
  ModelSpec oss = load("gpt-oss-120b");
  CHECK(oss.layer_specs[0].window == 128);
  CHECK(oss.layer_specs[1].window == 0);
  CHECK(oss.native_weights == Dtype::mxfp4);
  CHECK(load("qwen3-235b-a22b").qk_norm);
}

TEST_CASE("models: KV cache bytes per token") {
  // MLA caches the 512-wide latent plus the 64-wide rope key: 61 * 576 = 35,136 values.
  CHECK(kv_bytes_per_token(load("deepseek-r1"), Dtype::bf16).value() == 61 * 576 * 2);
  // Llama-3.1-70B: 80 layers * 2 (K,V) * 8 KV heads * 128 = 163,840 values = 320 KiB in BF16.
  CHECK(kv_bytes_per_token(load("llama-3.1-70b"), Dtype::bf16).value() == 80 * 2 * 8 * 128 * 2);
  // gpt-oss: only the 18 full-attention layers grow with context; the 18
  // sliding layers keep 128 tokens. At 8192: (18*8192 + 18*128) * 2*8*64 values.
  CHECK(kv_cache_bytes(load("gpt-oss-120b"), 8192, Dtype::bf16).value() == (18.0 * 8192 + 18.0 * 128) * 2 * 8 * 64 * 2);
}

TEST_CASE("models: weight bytes per precision include block scales") {
  ModelSpec m = load("llama-3.1-8b");
  ParamCounts c = count_params(m);
  Precision bf16;
  CHECK(weight_bytes(m, bf16).value() == doctest::Approx(c.total() * 2));
  Precision fp4{Dtype::fp4, Dtype::fp4, Dtype::bf16, Dtype::fp8, Dtype::fp8};
  // NVFP4: 4.5 bits per weight (0.5 B + an FP8 scale per 16 values) on the
  // linear layers; embeddings, norms stay BF16.
  double expected = (c.embedding + c.lm_head) * 2 + (c.attention + c.dense_ffn) * 0.5625 + c.norms * 2;
  CHECK(weight_bytes(m, fp4).value() == doctest::Approx(expected));
}

TEST_CASE("models: bad config.json is reported with positions") {
  Diagnostics d;
  ConfigNode n = parse_config_text(
      "{\"model_type\": \"llama\", \"hidden_size\": \"big\", \"num_hidden_layers\": 0,\n"
      " \"num_attention_heads\": 8, \"vocab_size\": 10, \"intermediate_size\": 4}",
      "bad.json", d);
  read_hf_config(n, "bad", d);
  std::string all = d.render();
  CHECK(all.find("bad.json:1:40: hidden_size: expected an integer, got the string \"big\"") != std::string::npos);
  CHECK(all.find("num_hidden_layers: expected an integer from 1 to 16777216, got 0") != std::string::npos);
  Diagnostics u;
  read_hf_config(parse_config_text("{\"model_type\": \"mamba\"}", "u.json", u), "u", u);
  CHECK(u.render().find("unsupported model_type 'mamba'") != std::string::npos);
}

}  // namespace
}  // namespace tokenfab
