#include "workloads/hf_config.h"

#include <algorithm>

#include "core/value_codec.h"

namespace tokenfab {
namespace {

// Reads typed keys from one JSON object, reporting into diags.
class Reader {
 public:
  Reader(const ConfigNode& root, Diagnostics& diags) : root_(root), ctx_{diags, nullptr, "", ""} {}

  std::int64_t integer(const char* key, std::int64_t min = 1) {
    const ConfigNode* n = root_.find(key);
    if (!n || n->is_null()) {
      ctx_.diags.error(root_.loc, "", std::string("missing required key '") + key + "'");
      return 0;
    }
    return checked(*n, key, min);
  }
  std::int64_t integer_or(const char* key, std::int64_t fallback, std::int64_t min = 0) {
    const ConfigNode* n = root_.find(key);
    if (!n || n->is_null()) return fallback;
    return checked(*n, key, min);
  }
  // Every size a transformer config holds is far below this; larger values
  // are typos that would otherwise exhaust memory.
  static constexpr std::int64_t kLargest = std::int64_t{1} << 24;
  bool boolean_or(const char* key, bool fallback) {
    const ConfigNode* n = root_.find(key);
    if (!n || n->is_null()) return fallback;
    return Codec<bool>::read(*n, key, ctx_).value_or(fallback);
  }
  std::string text_or(const char* key, std::string fallback) {
    const ConfigNode* n = root_.find(key);
    if (!n || n->is_null()) return fallback;
    return Codec<std::string>::read(*n, key, ctx_).value_or(fallback);
  }
  const ConfigNode* node(const char* key) const { return root_.find(key); }
  Diagnostics& diags() { return ctx_.diags; }
  const ConfigNode& root() const { return root_; }

 private:
  std::int64_t checked(const ConfigNode& n, const char* key, std::int64_t min) {
    auto v = Codec<std::int64_t>::read(n, key, ctx_);
    if (!v) return 0;
    if (*v < min || *v > kLargest) {
      ctx_.diags.error(n.loc, key,
                       "expected an integer from " + std::to_string(min) + " to " + std::to_string(kLargest) +
                           ", got " + std::to_string(*v));
      return min;
    }
    return *v;
  }

  const ConfigNode& root_;
  BindContext ctx_;
};

constexpr std::array kGqaDense = {"llama", "mistral", "qwen2", "qwen3"};
constexpr std::array kGqaMoe = {"mixtral", "qwen3_moe"};
constexpr std::array kMla = {"deepseek_v3", "kimi_k2"};

template <std::size_t N>
bool one_of(const std::string& s, const std::array<const char*, N>& names) {
  return std::any_of(names.begin(), names.end(), [&](const char* n) { return s == n; });
}

void read_gqa(Reader& r, ModelSpec& m) {
  m.kv_heads = r.integer_or("num_key_value_heads", m.heads, 1);
  m.head_dim = r.integer_or("head_dim", m.heads > 0 ? m.hidden / m.heads : 0, 1);
  m.attention_bias = r.boolean_or("attention_bias", false);
  if (m.kv_heads > 0 && m.heads % m.kv_heads != 0) {
    r.diags().error(r.node("num_key_value_heads")->loc, "num_key_value_heads",
                    "must divide num_attention_heads (" + std::to_string(m.heads) + ")");
  }
}

void read_mla(Reader& r, ModelSpec& m) {
  m.attention = AttentionKind::mla;
  m.kv_heads = m.heads;
  m.mla.q_lora_rank = r.integer_or("q_lora_rank", 0, 0);
  m.mla.kv_lora_rank = r.integer("kv_lora_rank");
  m.mla.qk_nope_head_dim = r.integer("qk_nope_head_dim");
  m.mla.qk_rope_head_dim = r.integer("qk_rope_head_dim");
  m.mla.v_head_dim = r.integer("v_head_dim");
  m.head_dim = m.mla.qk_nope_head_dim + m.mla.qk_rope_head_dim;
  m.mtp_layers = r.integer_or("num_nextn_predict_layers", 0);
}

// Which layers are MoE, by each family's own rule (as in transformers):
// DeepSeek-V3/Kimi: i >= first_k_dense_replace and i % moe_layer_freq == 0;
// Qwen-MoE: (i + 1) % decoder_sparse_step == 0 unless i is in mlp_only_layers;
// Mixtral and gpt-oss: every layer.
void mark_moe_layers(Reader& r, ModelSpec& m, bool deepseek_rule) {
  const std::int64_t first_dense = r.integer_or("first_k_dense_replace", 0);
  const std::int64_t freq = r.integer_or("moe_layer_freq", 1, 1);
  const std::int64_t step = r.integer_or("decoder_sparse_step", 1, 1);
  // A period below 1 is an error already reported; it would divide by zero below.
  if (!r.diags().ok() || freq < 1 || step < 1) return;
  std::vector<std::int64_t> dense_only;
  if (const ConfigNode* n = r.node("mlp_only_layers"); n && n->is_sequence()) {
    BindContext ctx{r.diags(), nullptr, "", ""};
    for (const auto& item : n->items) {
      if (auto v = Codec<std::int64_t>::read(item, "mlp_only_layers", ctx)) dense_only.push_back(*v);
    }
  }
  for (std::int64_t i = 0; i < m.layers; ++i) {
    const bool moe =
        deepseek_rule ? i >= first_dense && i % freq == 0
                      : (i + 1) % step == 0 && std::find(dense_only.begin(), dense_only.end(), i) == dense_only.end();
    m.layer_specs[static_cast<std::size_t>(i)].moe = moe;
  }
}

void read_sliding(Reader& r, ModelSpec& m) {
  const ConfigNode* types = r.node("layer_types");
  if (!types || types->is_null()) return;
  if (!types->is_sequence() || static_cast<std::int64_t>(types->items.size()) != m.layers) {
    r.diags().error(types->loc, "layer_types", "expected a list of " + std::to_string(m.layers) + " layer types");
    return;
  }
  std::int64_t window = r.integer("sliding_window");
  for (std::size_t i = 0; i < types->items.size(); ++i) {
    const ConfigNode& t = types->items[i];
    if (t.scalar == "sliding_attention") {
      m.layer_specs[i].window = window;
    } else if (t.scalar != "full_attention") {
      r.diags().error(t.loc, "layer_types", "expected sliding_attention or full_attention, got " + t.kind_name());
    }
  }
}

Dtype native_format(Reader& r) {
  const ConfigNode* q = r.node("quantization_config");
  if (!q || !q->is_map()) return Dtype::bf16;
  const ConfigNode* method = q->find("quant_method");
  if (!method) return Dtype::bf16;
  if (method->scalar == "fp8") return Dtype::fp8;
  if (method->scalar == "mxfp4") return Dtype::mxfp4;
  return Dtype::bf16;
}

}  // namespace

ModelSpec read_hf_config(const ConfigNode& root, const std::string& name, Diagnostics& diags) {
  ModelSpec m;
  m.name = name;
  if (!root.is_map()) {
    diags.error(root.loc, "", "expected a JSON object (a Hugging Face config.json), got " + root.kind_name());
    return m;
  }
  Reader r(root, diags);
  m.model_type = r.text_or("model_type", "");
  bool dense = one_of(m.model_type, kGqaDense), gqa_moe = one_of(m.model_type, kGqaMoe);
  bool mla = one_of(m.model_type, kMla), gpt_oss = m.model_type == "gpt_oss";
  if (!dense && !gqa_moe && !mla && !gpt_oss) {
    const ConfigNode* t = root.find("model_type");
    diags.error(t ? t->loc : root.loc, "model_type",
                "unsupported model_type '" + m.model_type +
                    "' (supported: llama, mistral, qwen2, qwen3, mixtral, qwen3_moe, deepseek_v3, kimi_k2, gpt_oss)");
    return m;
  }
  m.hidden = r.integer("hidden_size");
  m.layers = r.integer("num_hidden_layers");
  m.heads = r.integer("num_attention_heads");
  m.vocab = r.integer("vocab_size");
  m.intermediate = r.integer("intermediate_size");
  m.tie_embeddings = r.boolean_or("tie_word_embeddings", false);
  m.native_weights = native_format(r);
  if (!diags.ok()) return m;
  m.layer_specs.assign(static_cast<std::size_t>(m.layers), LayerSpec{});
  if (mla) {
    read_mla(r, m);
  } else {
    read_gqa(r, m);
  }
  m.qk_norm = m.model_type == "qwen3" || m.model_type == "qwen3_moe";
  if (gpt_oss) {
    m.attention_sinks = true;
    read_sliding(r, m);
  }
  if (gqa_moe || mla || gpt_oss) {
    MoeDims e;
    // Each family names its expert count differently.
    e.routed_experts = r.integer(mla                           ? "n_routed_experts"
                                 : m.model_type == "qwen3_moe" ? "num_experts"
                                                               : "num_local_experts");
    e.experts_per_token = r.integer("num_experts_per_tok");
    e.shared_experts = r.integer_or("n_shared_experts", 0);
    e.expert_intermediate = r.integer_or("moe_intermediate_size", m.intermediate, 1);
    e.expert_bias = gpt_oss;
    if (e.experts_per_token > e.routed_experts) {
      diags.error(r.node("num_experts_per_tok")->loc, "num_experts_per_tok",
                  "cannot exceed the number of routed experts (" + std::to_string(e.routed_experts) + ")");
    }
    m.moe = e;
    mark_moe_layers(r, m, mla);
  }
  return m;
}

ModelSpec load_hf_config(const std::filesystem::path& file) {
  Diagnostics diags;
  ConfigNode root = load_plain_file(file, diags);
  ModelSpec m;
  if (diags.ok()) m = read_hf_config(root, file.stem().string(), diags);
  diags.throw_if_any();
  return m;
}

}  // namespace tokenfab
