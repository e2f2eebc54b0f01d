// A transformer decoder as the hardware sees it: shapes, not weights.
//
// Built from a Hugging Face config.json (see hf_config.h); covers dense GQA
// models (Llama, Qwen), multi-head latent attention (DeepSeek-V3, Kimi-K2),
// mixtures of experts with shared experts and leading dense layers, and
// alternating sliding-window attention (gpt-oss).
//
//   ModelSpec m = load_hf_config("workloads/models/deepseek-r1.json");
//   ParamCounts p = count_params(m);   // p.total() ~ 671e9, p.active_with_embeddings() ~ 37.4e9
//   Bytes kv = kv_cache_bytes(m, 8192, Dtype::fp8);  // one sequence at context 8192
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/units.h"
#include "workloads/precision.h"

namespace tokenfab {

enum class AttentionKind { gqa, mla };

// Multi-head latent attention (DeepSeek-V2/V3): K and V are rebuilt from a
// compressed latent of kv_lora_rank values plus a shared RoPE key.
struct MlaDims {
  std::int64_t q_lora_rank = 0;  // 0: queries projected directly from the hidden state
  std::int64_t kv_lora_rank = 0;
  std::int64_t qk_nope_head_dim = 0;
  std::int64_t qk_rope_head_dim = 0;
  std::int64_t v_head_dim = 0;
};

struct MoeDims {
  std::int64_t routed_experts = 0;
  std::int64_t experts_per_token = 0;
  std::int64_t shared_experts = 0;
  std::int64_t expert_intermediate = 0;  // per routed (and shared) expert
  bool expert_bias = false;              // gpt-oss experts carry biases
  bool fused_gate_up = false;            // informational; weights are counted the same
};

struct LayerSpec {
  bool moe = false;
  std::int64_t window = 0;  // 0: full attention; otherwise sliding-window length
};

struct ModelSpec {
  std::string name;
  std::string model_type;
  std::int64_t hidden = 0;
  std::int64_t layers = 0;
  std::int64_t heads = 0;
  std::int64_t kv_heads = 0;
  std::int64_t head_dim = 0;
  std::int64_t vocab = 0;
  std::int64_t intermediate = 0;  // dense FFN width
  bool tie_embeddings = false;
  bool attention_bias = false;
  bool qk_norm = false;          // per-head RMSNorm of q and k (Qwen3)
  bool attention_sinks = false;  // one learned logit per head (gpt-oss)
  std::int64_t max_positions = 0;  // max_position_embeddings: the context it was trained for; 0: not stated
  std::int64_t mtp_layers = 0;   // multi-token-prediction modules, not part of the main model
  AttentionKind attention = AttentionKind::gqa;
  MlaDims mla;
  std::optional<MoeDims> moe;
  std::vector<LayerSpec> layer_specs;  // one per layer
  Dtype native_weights = Dtype::bf16;  // the published checkpoint's format

  std::int64_t q_head_dim() const;  // query/key width per head
  std::int64_t v_dim() const;       // value width per head
};

// One layer's attention weights by how tensor parallelism splits them.
struct AttentionWeights {
  double per_head = 0;     // split over tp by query heads (q/o projections, MLA up-projections)
  double per_kv_head = 0;  // split over tp by KV heads (GQA k/v projections)
  double replicated = 0;   // on every rank (MLA down-projections and norms, qk norms, o bias)
  double total() const { return per_head + per_kv_head + replicated; }
  // Weights one of `tp` ranks holds.
  double on_device(const ModelSpec& m, int tp) const;
};
AttentionWeights attention_weights(const ModelSpec& m);

// Parameters by part; each is a count of weights (and biases).
struct ParamCounts {
  double embedding = 0;
  double lm_head = 0;
  double attention = 0;       // all layers
  double dense_ffn = 0;       // all dense layers
  double routed_experts = 0;  // all experts of all MoE layers
  double shared_experts = 0;
  double routers = 0;
  double norms = 0;
  double active_routed = 0;  // routed-expert weights one token touches

  double total() const;
  // Weights one token's forward pass touches, counting the embedding table
  // (DeepSeek's and Moonshot's convention for "activated parameters").
  double active_with_embeddings() const;
  // The same without the input embedding, which is a row lookup (OpenAI's
  // convention for gpt-oss "active parameters").
  double active_without_embedding() const;
};

ParamCounts count_params(const ModelSpec& m);

// Bytes of weights stored under a precision (block scales included).
Bytes weight_bytes(const ModelSpec& m, const Precision& p);
// The part of them the FFN side holds: dense FFNs, routed and shared
// experts, routers.
Bytes ffn_weight_bytes(const ModelSpec& m, const Precision& p);

// KV-cache bytes of one sequence that has seen `context` tokens; sliding
// window layers keep at most their window.
Bytes kv_cache_bytes(const ModelSpec& m, std::int64_t context, Dtype kv);
// KV bytes one new token adds to a full-attention layer, summed over layers.
Bytes kv_bytes_per_token(const ModelSpec& m, Dtype kv);
// KV elements per token per layer (K and V, or the MLA latent plus rope key).
std::int64_t kv_elements_per_token_per_layer(const ModelSpec& m);

}  // namespace tokenfab
