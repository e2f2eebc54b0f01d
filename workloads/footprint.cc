#include "workloads/footprint.h"

#include <algorithm>

#include "workloads/trace_gen.h"

namespace tokenfab {

Footprint device_footprint(const ModelSpec& m, const Precision& p, const Mapping& map, const Workload& w, int device) {
  const RankLoad load = uniform_rank_load(w, map.attn_dp, map.coords(device).attn_rank);
  return device_footprint(m, p, map, load, w.batch * w.tokens, device);
}

Footprint device_footprint(const ModelSpec& m, const Precision& p, const Mapping& map, const RankLoad& load,
                           std::int64_t stage_tokens, int device) {
  const DeviceCoords at = map.coords(device);
  const int stage = at.stage, ep_rank = at.ep_rank;
  const auto [first, last] = stage_layers(m, map.pp, stage);
  const double tp = map.tp;
  const double h = static_cast<double>(m.hidden);
  const double attn_bytes = bytes_per_element(p.attention_weights);
  const double ffn_bytes = bytes_per_element(p.weights);

  // One layer's attention weights held by this device.
  const double attention = attention_weights(m).on_device(m, map.tp);

  Footprint f;
  double weights = 0, kv_elements = 0;
  const double kv_share =
      m.attention == AttentionKind::mla
          ? 1.0
          : std::max<double>(1.0, static_cast<double>(m.kv_heads) / tp) / static_cast<double>(m.kv_heads);
  // Cached tokens of the rank's sequences (each group's context and new
  // tokens), whole for every layer without a sliding window.
  const double per_token_layer = static_cast<double>(kv_elements_per_token_per_layer(m)) * kv_share;
  double kept_full = 0;  // in doubles, as a step's counts may be far beyond what fits a chip
  for (const auto& g : load.groups)
    kept_full += static_cast<double>(g.count) * static_cast<double>(g.context + g.tokens);
  for (std::int64_t l = first; l < last; ++l) {
    const LayerSpec& spec = m.layer_specs[static_cast<std::size_t>(l)];
    weights += attention * attn_bytes + 2 * h * kBf16Bytes;  // and the two norms
    if (spec.moe) {
      const MoeDims& e = *m.moe;
      const double local = static_cast<double>(local_experts(e, map, ep_rank));
      double expert = 3.0 * h * e.expert_intermediate;
      double expert_bias = e.expert_bias ? 2.0 * e.expert_intermediate + h : 0.0;
      weights += (local * (expert + expert_bias) / map.expert_tp() + e.shared_experts * expert / tp) * ffn_bytes;
      weights += static_cast<double>(e.routed_experts) * (h + 1) * kBf16Bytes;  // router weights and bias
    } else {
      weights += 3.0 * h * m.intermediate / tp * ffn_bytes;
    }
    if (spec.window <= 0) {
      kv_elements += kept_full * per_token_layer;
      continue;
    }
    double kept = 0;
    for (const auto& g : load.groups)
      kept += static_cast<double>(g.count) * static_cast<double>(std::min(g.context + g.tokens, spec.window));
    kv_elements += kept * per_token_layer;
  }
  const double vocab_share = static_cast<double>(m.vocab) * h / tp * bytes_per_element(p.embeddings);
  if (stage == 0) weights += vocab_share;
  // A tied LM head shares the embedding table only when both sit on one stage.
  const bool own_head = !m.tie_embeddings || map.pp > 1;
  if (stage == map.pp - 1) weights += (own_head ? vocab_share : 0.0) + h * kBf16Bytes;  // and the final norm
  f.weights = Bytes(weights);
  f.kv_cache = Bytes(kv_elements * bytes_per_element(p.kv_cache));

  const double tokens = static_cast<double>(load.tokens());
  // Queries and attention outputs of this device's heads, plus its keys and
  // values (for MLA, the latent and rope key every rank holds).
  const double kv_width = m.attention == AttentionKind::mla
                              ? static_cast<double>(kv_elements_per_token_per_layer(m))
                              : 2.0 * std::max<double>(1.0, static_cast<double>(m.kv_heads) / tp) * m.head_dim;
  double widest = tokens * (static_cast<double>(m.heads) / tp * (m.q_head_dim() + m.v_dim()) + kv_width);
  widest = std::max(widest, tokens * 2.0 * m.intermediate / tp);
  if (m.moe) {
    const MoeDims& e = *m.moe;
    const double local = static_cast<double>(local_experts(e, map, ep_rank));
    // The hot expert rank holds more rows' activations (Mapping::expert_imbalance).
    const double rows = expert_load(e, map, ep_rank) * static_cast<double>(stage_tokens) * e.experts_per_token * local /
                        e.routed_experts;
    widest = std::max(widest, rows * 2.0 * e.expert_intermediate / map.expert_tp());
  }
  f.activations = Bytes((tokens * 2.0 * h + widest) * kBf16Bytes);
  return f;
}

}  // namespace tokenfab
