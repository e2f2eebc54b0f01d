#include "workloads/model.h"

#include <algorithm>

namespace tokenfab {

std::int64_t ModelSpec::q_head_dim() const {
  return attention == AttentionKind::mla ? mla.qk_nope_head_dim + mla.qk_rope_head_dim : head_dim;
}

std::int64_t ModelSpec::v_dim() const { return attention == AttentionKind::mla ? mla.v_head_dim : head_dim; }

double ParamCounts::total() const {
  return embedding + lm_head + attention + dense_ffn + routed_experts + shared_experts + routers + norms;
}

double ParamCounts::active_with_embeddings() const {
  return embedding + lm_head + attention + dense_ffn + active_routed + shared_experts + routers + norms;
}

double ParamCounts::active_without_embedding() const { return active_with_embeddings() - embedding; }

namespace {

// A gated (SwiGLU) FFN of width `inter`: gate, up and down projections.
double gated_ffn_params(std::int64_t hidden, std::int64_t inter, bool bias) {
  double w = 3.0 * static_cast<double>(hidden) * inter;
  return bias ? w + 2.0 * inter + hidden : w;
}

}  // namespace

AttentionWeights attention_weights(const ModelSpec& m) {
  const double h = static_cast<double>(m.hidden);
  AttentionWeights w;
  if (m.attention == AttentionKind::mla) {
    const MlaDims& a = m.mla;
    const double qk = static_cast<double>(a.qk_nope_head_dim + a.qk_rope_head_dim);
    // Down-projections to the query and KV latents, with their norms, serve every head.
    w.replicated = h * (a.kv_lora_rank + a.qk_rope_head_dim) + a.kv_lora_rank;
    if (a.q_lora_rank > 0) w.replicated += h * a.q_lora_rank + a.q_lora_rank;
    w.per_head = (a.q_lora_rank > 0 ? static_cast<double>(a.q_lora_rank) : h) * m.heads * qk +
                 static_cast<double>(a.kv_lora_rank) * m.heads * (a.qk_nope_head_dim + a.v_head_dim) +
                 static_cast<double>(m.heads) * a.v_head_dim * h;
    return w;
  }
  const double q_out = static_cast<double>(m.heads * m.head_dim);
  const double kv_out = static_cast<double>(m.kv_heads * m.head_dim);
  w.per_head = 2.0 * h * q_out + (m.attention_bias ? q_out : 0.0) + (m.attention_sinks ? m.heads : 0.0);
  w.per_kv_head = 2.0 * h * kv_out + (m.attention_bias ? 2.0 * kv_out : 0.0);
  w.replicated = (m.attention_bias ? h : 0.0) + (m.qk_norm ? 2.0 * m.head_dim : 0.0);
  return w;
}

double AttentionWeights::on_device(const ModelSpec& m, int tp) const {
  // KV heads are replicated when there are fewer of them than tp ranks.
  const double kv_share = m.attention == AttentionKind::mla
                              ? 0.0
                              : std::max(1.0, static_cast<double>(m.kv_heads) / tp) / static_cast<double>(m.kv_heads);
  return replicated + per_head / tp + per_kv_head * kv_share;
}

ParamCounts count_params(const ModelSpec& m) {
  ParamCounts c;
  c.embedding = static_cast<double>(m.vocab) * m.hidden;
  c.lm_head = m.tie_embeddings ? 0.0 : c.embedding;
  c.norms = static_cast<double>(m.hidden);  // final norm
  for (const auto& layer : m.layer_specs) {
    c.attention += attention_weights(m).total();
    c.norms += 2.0 * m.hidden;
    if (!layer.moe) {
      c.dense_ffn += gated_ffn_params(m.hidden, m.intermediate, false);
      continue;
    }
    const MoeDims& e = *m.moe;
    double expert = gated_ffn_params(m.hidden, e.expert_intermediate, e.expert_bias);
    c.routed_experts += expert * e.routed_experts;
    c.active_routed += expert * e.experts_per_token;
    c.shared_experts += expert * e.shared_experts;
    // Router weights, plus a bias per expert (DeepSeek's correction bias, gpt-oss's linear bias).
    c.routers += static_cast<double>(e.routed_experts) * m.hidden + e.routed_experts;
  }
  return c;
}

Bytes ffn_weight_bytes(const ModelSpec& m, const Precision& p) {
  const ParamCounts c = count_params(m);
  return Bytes((c.dense_ffn + c.routed_experts + c.shared_experts) * bytes_per_element(p.weights) +
               c.routers * bytes_per_element(Dtype::bf16));
}

Bytes weight_bytes(const ModelSpec& m, const Precision& p) {
  const ParamCounts c = count_params(m);
  const double rest = (c.embedding + c.lm_head) * bytes_per_element(p.embeddings) +
                      c.attention * bytes_per_element(p.attention_weights) + c.norms * bytes_per_element(Dtype::bf16);
  return Bytes(rest) + ffn_weight_bytes(m, p);
}

std::int64_t kv_elements_per_token_per_layer(const ModelSpec& m) {
  if (m.attention == AttentionKind::mla) return m.mla.kv_lora_rank + m.mla.qk_rope_head_dim;
  return 2 * m.kv_heads * m.head_dim;
}

Bytes kv_cache_bytes(const ModelSpec& m, std::int64_t context, Dtype kv) {
  double elements = 0;
  for (const auto& layer : m.layer_specs) {
    std::int64_t kept = layer.window > 0 ? std::min(context, layer.window) : context;
    elements += static_cast<double>(kept) * kv_elements_per_token_per_layer(m);
  }
  return Bytes(elements * bytes_per_element(kv));
}

Bytes kv_bytes_per_token(const ModelSpec& m, Dtype kv) {
  double elements = 0;
  for (const auto& layer : m.layer_specs) {
    if (layer.window == 0) elements += static_cast<double>(kv_elements_per_token_per_layer(m));
  }
  return Bytes(elements * bytes_per_element(kv));
}

}  // namespace tokenfab
