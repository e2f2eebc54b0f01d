#include "workloads/trace_gen.h"

#include <algorithm>
#include <cmath>

#include "workloads/batch.h"

namespace tokenfab {
namespace {

// FLOPs per element of the elementwise ops: RMSNorm squares, sums, scales by
// rsqrt and by the weight (4); RoPE rotates pairs (2 multiplies + 1 add per
// element); SiLU-gated product x*sigmoid(x)*y (exp, add, divide, 2 multiplies);
// softmax per score (subtract max, exp, sum, divide, compare).
constexpr double kNormFlopsPerElement = 4;
constexpr double kRopeFlopsPerElement = 3;
constexpr double kSwigluFlopsPerElement = 5;
constexpr double kSoftmaxFlopsPerScore = 5;

class DeviceBuilder {
 public:
  DeviceBuilder(const ModelSpec& model, const Precision& precision, const Mapping& map, const RankLoad& load,
                std::int64_t stage_tokens, DeviceTrace& out)
      : m_(model), p_(precision), map_(map), load_(load), out_(out) {
    tokens_ = load.tokens();
    stage_tokens_ = stage_tokens;
    for (const auto& g : load.groups)
      (g.phase == Phase::decode ? decode_tokens_ : prefill_tokens_) += g.count * g.tokens;
    heads_ = m_.heads / map_.tp;
    // About two dozen ops per layer: reserve once instead of moving records on growth.
    out_.ops.reserve(out_.ops.size() + static_cast<std::size_t>(m_.layers / map_.pp + 1) * 24);
    kv_heads_ = std::max<std::int64_t>(1, m_.kv_heads / map_.tp);
  }

  void build() {
    auto [first, last] = stage_layers(m_, map_.pp, out_.stage);
    head();
    for (std::int64_t layer = first; layer < last; ++layer) this->layer(layer);
    tail();
  }

  // Ops before the first layer of the stage (the embedding on stage 0).
  void head() {
    layer_ = -1;
    if (out_.stage == 0) embedding();
  }

  void layer(std::int64_t layer) {
    layer_ = static_cast<int>(layer);
    attention_block();
    const LayerSpec& spec = m_.layer_specs[static_cast<std::size_t>(layer)];
    if (spec.moe) {
      moe_block();
    } else {
      if (tokens_ > 0) norm("post_attention_norm", tokens_, m_.hidden);
      gated_ffn("mlp", tokens_, m_.intermediate / map_.tp, p_.weights);
      tp_all_reduce("mlp.all_reduce");
    }
  }

  // Ops after the last layer: the send to the next stage, or the LM head.
  void tail() {
    layer_ = static_cast<int>(stage_layers(m_, map_.pp, out_.stage).second);
    if (out_.stage + 1 < map_.pp) {
      collective("pp.send", CollectiveKind::send_recv, CollectiveGroup::pp, 2,
                 tokens_ * m_.hidden * bytes_per_element(p_.activations));
    } else {
      lm_head();
    }
  }

 private:
  Op& push(std::string name, OpKind kind, Dtype dtype) {
    Op op;
    op.layer = layer_;
    op.name = std::move(name);
    op.kind = kind;
    op.dtype = dtype;
    out_.ops.push_back(std::move(op));
    return out_.ops.back();
  }

  // `count` GEMMs of rows x k by k x n whose weights are read `weight_sets` times.
  void gemm(std::string name, double rows, std::int64_t k, std::int64_t n, Dtype weights, double weight_sets = 1,
            std::int64_t count = 1, OpKind kind = OpKind::gemm) {
    if (rows <= 0) return;
    Op& op = push(std::move(name), kind, p_.activations);
    op.m = static_cast<std::int64_t>(std::ceil(rows / count));
    op.k = k;
    op.n = n;
    op.count = count;
    op.flops = Flops(2.0 * rows * k * n);
    op.weight_bytes = Bytes(weight_sets * static_cast<double>(k) * n * bytes_per_element(weights));
    op.activation_bytes = Bytes(rows * (k * bytes_per_element(p_.activations) + n * kBf16Bytes));
  }

  void elementwise(std::string name, OpKind kind, double elements, double flops_per_element, double reads_per_element,
                   double weight_elements = 0) {
    if (elements <= 0) return;
    Op& op = push(std::move(name), kind, Dtype::bf16);
    op.m = static_cast<std::int64_t>(elements);
    op.flops = Flops(elements * flops_per_element);
    op.activation_bytes = Bytes(elements * (reads_per_element + 1) * kBf16Bytes);
    op.weight_bytes = Bytes(weight_elements * kBf16Bytes);
  }

  void norm(std::string name, double rows, std::int64_t width) {
    elementwise(std::move(name), OpKind::norm, rows * width, kNormFlopsPerElement, 1, static_cast<double>(width));
  }

  void collective(std::string name, CollectiveKind kind, CollectiveGroup group, int size, double bytes,
                  double inbound_weight = 1.0) {
    if (size <= 1) return;
    Op& op = push(std::move(name), OpKind::collective, p_.activations);
    op.collective = Collective{kind, group, size, Bytes(bytes), inbound_weight};
  }

  void tp_all_reduce(std::string name) {
    collective(std::move(name), CollectiveKind::all_reduce, CollectiveGroup::tp, map_.tp,
               tokens_ * m_.hidden * kBf16Bytes);
  }

  void embedding() {
    if (tokens_ <= 0) return;
    Op& op = push("embedding", OpKind::embedding, p_.embeddings);
    op.m = tokens_;
    op.n = m_.hidden;
    // A row lookup: only the rows of this step's tokens are read.
    op.weight_bytes = Bytes(static_cast<double>(tokens_) * m_.hidden * bytes_per_element(p_.embeddings) / map_.tp);
    op.activation_bytes = Bytes(static_cast<double>(tokens_) * m_.hidden * kBf16Bytes);
    tp_all_reduce("embedding.all_reduce");
  }

  // Query-key pairs one sequence of `g` scores in this step, with an optional window.
  static double scored_pairs(const SequenceGroup& g, std::int64_t window) {
    double pairs = 0;
    for (std::int64_t i = 1; i <= g.tokens; ++i) {
      std::int64_t visible = g.context + i;
      pairs += static_cast<double>(window > 0 ? std::min(visible, window) : visible);
    }
    return pairs;
  }
  // Cached tokens a sequence reads from HBM: the whole cache, once per step
  // (the step's new tokens' K/V are written and stay on chip for their own scores).
  static double cached_tokens_read(const SequenceGroup& g, std::int64_t window) {
    return static_cast<double>(window > 0 ? std::min(g.context, window) : g.context);
  }

  // One attention kernel over the sequences of `phase` (variable lengths in
  // one launch, as FlashAttention's varlen and FlashMLA kernels run them).
  void attention_op(std::string name, Phase phase, double score_dim, double value_dim, double kv_elements_per_token) {
    const std::int64_t window = m_.layer_specs[static_cast<std::size_t>(layer_)].window;
    const std::int64_t tokens = phase == Phase::decode ? decode_tokens_ : prefill_tokens_;
    double pairs = 0, cached = 0;
    std::int64_t longest = 0;
    for (const auto& g : load_.groups) {
      if (g.phase != phase) continue;
      pairs += scored_pairs(g, window) * g.count;
      cached += g.count * cached_tokens_read(g, window);
      longest = std::max(longest, static_cast<std::int64_t>(cached_tokens_read(g, window)) + g.tokens);
    }
    Op& op = push(std::move(name), OpKind::attention, p_.kv_cache);
    op.over_prompt = phase == Phase::prefill;
    op.m = tokens;
    op.n = longest;
    op.k = static_cast<std::int64_t>(score_dim);
    op.count = heads_;
    op.flops = Flops(pairs * heads_ * (2.0 * (score_dim + value_dim) + kSoftmaxFlopsPerScore));
    double kv_bytes = bytes_per_element(p_.kv_cache);
    op.kv_read = Bytes(cached * kv_elements_per_token * kv_bytes);
    op.kv_write = Bytes(static_cast<double>(tokens) * kv_elements_per_token * kv_bytes);
    op.activation_bytes = Bytes(static_cast<double>(tokens) * heads_ * (score_dim + value_dim) * kBf16Bytes);
  }

  void attention_block() {
    if (tokens_ <= 0) return;
    norm("input_norm", tokens_, m_.hidden);
    if (m_.attention == AttentionKind::mla) {
      mla();
    } else {
      gqa();
    }
    tp_all_reduce("attn.all_reduce");
  }

  void gqa() {
    const std::int64_t hd = m_.head_dim;
    gemm("attn.qkv_proj", tokens_, m_.hidden, (heads_ + 2 * kv_heads_) * hd, p_.attention_weights);
    if (m_.qk_norm) norm("attn.qk_norm", tokens_ * (heads_ + kv_heads_), hd);
    elementwise("attn.rope", OpKind::rope, static_cast<double>(tokens_) * (heads_ + kv_heads_) * hd,
                kRopeFlopsPerElement, 1);
    for (Phase phase : phases()) {
      attention_op("attn.attention", phase, static_cast<double>(hd), static_cast<double>(hd), 2.0 * kv_heads_ * hd);
    }
    gemm("attn.o_proj", tokens_, heads_ * hd, m_.hidden, p_.attention_weights);
  }

  void mla() {
    const MlaDims& a = m_.mla;
    const std::int64_t qk = a.qk_nope_head_dim + a.qk_rope_head_dim;
    if (a.q_lora_rank > 0) {
      gemm("attn.q_a_proj", tokens_, m_.hidden, a.q_lora_rank, p_.attention_weights);
      norm("attn.q_a_norm", tokens_, a.q_lora_rank);
      gemm("attn.q_b_proj", tokens_, a.q_lora_rank, heads_ * qk, p_.attention_weights);
    } else {
      gemm("attn.q_proj", tokens_, m_.hidden, heads_ * qk, p_.attention_weights);
    }
    gemm("attn.kv_a_proj", tokens_, m_.hidden, a.kv_lora_rank + a.qk_rope_head_dim, p_.attention_weights);
    norm("attn.kv_a_norm", tokens_, a.kv_lora_rank);
    elementwise("attn.rope", OpKind::rope, static_cast<double>(tokens_) * (heads_ + 1) * a.qk_rope_head_dim,
                kRopeFlopsPerElement, 1);
    const double latent = static_cast<double>(a.kv_lora_rank + a.qk_rope_head_dim);
    if (decode_tokens_ > 0) {
      // Absorbed: queries move into the latent space, attention runs over the
      // cached latent directly, and values come back out per head.
      const double rows = static_cast<double>(decode_tokens_) * heads_;
      gemm("attn.w_uk", rows, a.qk_nope_head_dim, a.kv_lora_rank, p_.attention_weights, static_cast<double>(heads_),
           heads_, OpKind::grouped_gemm);
      attention_op("attn.attention", Phase::decode, latent, static_cast<double>(a.kv_lora_rank), latent);
      gemm("attn.w_uv", rows, a.kv_lora_rank, a.v_head_dim, p_.attention_weights, static_cast<double>(heads_), heads_,
           OpKind::grouped_gemm);
    }
    if (prefill_tokens_ > 0) {
      // Expanded: keys and values of every visible token are rebuilt per head.
      double rows = 0;
      for (const auto& g : load_.groups) {
        if (g.phase == Phase::prefill) rows += static_cast<double>(g.count) * (g.context + g.tokens);
      }
      gemm("attn.kv_b_proj", rows, a.kv_lora_rank, heads_ * (a.qk_nope_head_dim + a.v_head_dim), p_.attention_weights);
      attention_op("attn.attention", Phase::prefill, static_cast<double>(qk), static_cast<double>(a.v_head_dim),
                   latent);
    }
    gemm("attn.o_proj", tokens_, heads_ * a.v_head_dim, m_.hidden, p_.attention_weights);
  }

  // Gate and up projections fused, SiLU-gated product, down projection.
  void gated_ffn(const std::string& name, double rows, std::int64_t width, Dtype weights, double weight_sets = 1,
                 std::int64_t count = 1) {
    if (rows <= 0 || width <= 0) return;
    OpKind kind = count > 1 ? OpKind::grouped_gemm : OpKind::gemm;
    gemm(name + ".gate_up_proj", rows, m_.hidden, 2 * width, weights, weight_sets, count, kind);
    elementwise(name + ".act", OpKind::activation, rows * width, kSwigluFlopsPerElement, 2);
    gemm(name + ".down_proj", rows, width, m_.hidden, weights, weight_sets, count, kind);
  }

  void moe_block() {
    const MoeDims& e = *m_.moe;
    const bool attention_dp = map_.attn_dp > 1;
    const int group = map_.stage_devices();
    if (tokens_ > 0) {
      norm("post_attention_norm", tokens_, m_.hidden);
      gemm("moe.router", tokens_, m_.hidden, e.routed_experts, Dtype::bf16, 1, 1, OpKind::router);
    }
    const double sent = static_cast<double>(tokens_) * e.experts_per_token * m_.hidden / map_.tp;
    // Under uneven routing (Mapping::expert_imbalance) the hot rank receives `load` times
    // its uniform share of every rank's dispatch, computes as many more rows
    // over the same weights, and sends them back in the combine.
    const int ep_rank = map_.coords(out_.device).ep_rank;
    const double load = expert_load(e, map_, ep_rank);
    if (attention_dp) {
      collective("moe.dispatch", CollectiveKind::all_to_all, CollectiveGroup::ep, group,
                 sent * bytes_per_element(p_.activations), load);
    }
    // This device's expert-parallel rank holds E/ep experts, one more on the
    // first E%ep ranks, and receives their share of the routed rows.
    const double local = static_cast<double>(local_experts(e, map_, ep_rank));
    const double rows = load * static_cast<double>(stage_tokens_) * e.experts_per_token * local / e.routed_experts;
    const double touched = touched_experts(e, map_, ep_rank, static_cast<double>(stage_tokens_));
    gated_ffn("moe.experts", rows, e.expert_intermediate / map_.expert_tp(), p_.weights, touched,
              std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(touched))));
    if (attention_dp) {
      collective("moe.combine", CollectiveKind::all_to_all, CollectiveGroup::ep, group, load * sent * kBf16Bytes);
    }
    if (e.shared_experts > 0) {
      gated_ffn("moe.shared", tokens_, e.shared_experts * e.expert_intermediate / map_.tp, p_.weights);
    }
    if (!attention_dp) {
      collective("moe.all_reduce", CollectiveKind::all_reduce, CollectiveGroup::tp, group,
                 tokens_ * m_.hidden * kBf16Bytes);
    } else {
      tp_all_reduce("moe.shared.all_reduce");
    }
  }

  void lm_head() {
    if (out_.sequences <= 0) return;
    // Only the last position of each prefilled sequence is sampled.
    double rows = 0;
    for (const auto& g : load_.groups) {
      rows += static_cast<double>(g.count) * (g.phase == Phase::decode ? g.tokens : 1);
    }
    norm("final_norm", rows, m_.hidden);
    gemm("lm_head", rows, m_.hidden, m_.vocab / map_.tp, p_.embeddings);
    collective("lm_head.all_gather", CollectiveKind::all_gather, CollectiveGroup::tp, map_.tp,
               rows * m_.vocab / map_.tp * kFp32Bytes);
    elementwise("sampling", OpKind::sampling, rows * m_.vocab, 2, 0);
  }

  const ModelSpec& m_;
  const Precision& p_;
  // The phases present, decode first: each runs its own attention kernel.
  std::vector<Phase> phases() const {
    std::vector<Phase> out;
    if (decode_tokens_ > 0) out.push_back(Phase::decode);
    if (prefill_tokens_ > 0) out.push_back(Phase::prefill);
    return out;
  }

  const Mapping& map_;
  const RankLoad& load_;
  DeviceTrace& out_;
  int layer_ = -1;
  std::int64_t decode_tokens_ = 0, prefill_tokens_ = 0;
  std::int64_t tokens_ = 0;        // tokens through this device's attention
  std::int64_t stage_tokens_ = 0;  // tokens through the whole stage
  std::int64_t heads_ = 0;
  std::int64_t kv_heads_ = 0;
};

}  // namespace

std::pair<std::int64_t, std::int64_t> stage_layers(const ModelSpec& model, int pp, int stage) {
  std::int64_t base = model.layers / pp, extra = model.layers % pp;
  std::int64_t first = stage * base + std::min<std::int64_t>(stage, extra);
  return {first, first + base + (stage < extra ? 1 : 0)};
}

std::int64_t sequences_of_rank(std::int64_t batch, int attn_dp, int rank) {
  return batch / attn_dp + (rank < batch % attn_dp ? 1 : 0);
}

namespace {
DeviceTrace device_header(const Mapping& mapping, const RankLoad& load, int device) {
  DeviceTrace out;
  out.device = device;
  const DeviceCoords at = mapping.coords(device);
  out.tp_rank = at.tp_rank;
  out.attn_rank = at.attn_rank;
  out.stage = at.stage;
  out.sequences = load.sequences();
  return out;
}
}  // namespace

DeviceTrace generate_device_trace(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                                  const RankLoad& load, std::int64_t stage_tokens, int device) {
  DeviceTrace out = device_header(mapping, load, device);
  DeviceBuilder(model, precision, mapping, load, stage_tokens, out).build();
  return out;
}

DeviceTrace generate_device_trace(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                                  const Workload& workload, int device) {
  const RankLoad load = uniform_rank_load(workload, mapping.attn_dp, mapping.coords(device).attn_rank);
  return generate_device_trace(model, precision, mapping, load, workload.batch * workload.tokens, device);
}

CompactDeviceTrace generate_compact_device_trace(const ModelSpec& model, const Precision& precision,
                                                 const Mapping& mapping, const Workload& workload, int device) {
  const RankLoad load = uniform_rank_load(workload, mapping.attn_dp, mapping.coords(device).attn_rank);
  return generate_compact_device_trace(model, precision, mapping, load, workload.batch * workload.tokens, device);
}

CompactDeviceTrace generate_compact_device_trace(const ModelSpec& model, const Precision& precision,
                                                 const Mapping& mapping, const RankLoad& load,
                                                 std::int64_t stage_tokens, int device) {
  CompactDeviceTrace c;
  c.device = device_header(mapping, load, device);
  DeviceTrace& scratch = c.device;
  DeviceBuilder builder(model, precision, mapping, load, stage_tokens, scratch);
  builder.head();
  c.head = std::move(scratch.ops);
  scratch.ops.clear();
  auto [first, last] = stage_layers(model, mapping.pp, scratch.stage);
  for (std::int64_t l = first; l < last; ++l) {
    const LayerSpec& spec = model.layer_specs[static_cast<std::size_t>(l)];
    auto same = [&](const LayerGroup& g) {
      const LayerSpec& other = model.layer_specs[static_cast<std::size_t>(g.first_layer)];
      return other.moe == spec.moe && other.window == spec.window;
    };
    if (auto it = std::find_if(c.groups.begin(), c.groups.end(), same); it != c.groups.end()) {
      ++it->count;
      continue;
    }
    builder.layer(l);
    c.groups.push_back({l, 1, std::move(scratch.ops)});
    scratch.ops.clear();
  }
  builder.tail();
  c.tail = std::move(scratch.ops);
  scratch.ops.clear();
  return c;
}

Trace generate_trace(const ModelSpec& model, const Precision& precision, const Mapping& mapping,
                     const Workload& workload) {
  Trace t{model.name, workload, mapping, precision, {}};
  for (int d = 0; d < mapping.replica_devices(); ++d) {
    t.devices.push_back(generate_device_trace(model, precision, mapping, workload, d));
  }
  return t;
}

}  // namespace tokenfab
