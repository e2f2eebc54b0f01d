#include "workloads/hf_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace tokenfab {
namespace {

// What a value is, in JSON's words, so "expected an integer" can say what it
// got. The tree comes from yaml-cpp, which keeps numbers and booleans as
// unquoted text and marks quoted scalars; a .json file has already passed a
// strict JSON parser, so its unquoted scalars are numbers, true and false.
enum class JsonKind { null, boolean, integer, number, string, object, array };

// JSON's number grammar (RFC 8259 section 6), without the leading-zero rule
// the strict parser has already enforced.
bool is_number_text(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t first = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > first;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

JsonKind json_kind(const ConfigNode& n) {
  switch (n.kind) {
    case ConfigNode::Kind::Null:
      return JsonKind::null;
    case ConfigNode::Kind::Map:
      return JsonKind::object;
    case ConfigNode::Kind::Sequence:
      return JsonKind::array;
    case ConfigNode::Kind::Scalar:
      break;
  }
  if (n.quoted) return JsonKind::string;
  if (n.scalar == "true" || n.scalar == "false") return JsonKind::boolean;
  // Python's json module, and so transformers, reads 8192.0 and 8.192e3 as
  // floats, which no layer accepts as a size; only integer literals count.
  const std::string_view digits = std::string_view(n.scalar).substr(n.scalar.starts_with('-') ? 1 : 0);
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) return JsonKind::integer;
  if (is_number_text(n.scalar)) return JsonKind::number;
  return JsonKind::string;  // a plain YAML word, when the file is not JSON
}

std::string describe(const ConfigNode& n) {
  switch (json_kind(n)) {
    case JsonKind::null:
      return "null";
    case JsonKind::boolean:
      return "the boolean " + n.scalar;
    case JsonKind::integer:
    case JsonKind::number:
      return "the number " + n.scalar;
    case JsonKind::string:
      return "the string \"" + n.scalar + "\"";
    case JsonKind::object:
      return "an object";
    case JsonKind::array:
      return "an array";
  }
  return "?";
}

// Reads typed keys from one JSON object, reporting into diags. Values are
// taken only as the JSON type they must be: "8192", true or 8192.5 for a
// count is an error, not a conversion (transformers would fail later on
// them, or worse, not). A null optional key is an absent one, as in
// transformers; a null required key is an error at its own line.
class Reader {
 public:
  Reader(const ConfigNode& root, Diagnostics& diags, std::string prefix = "")
      : root_(root), diags_(diags), prefix_(std::move(prefix)) {}

  std::int64_t integer(const char* key, std::int64_t min = 1) {
    const ConfigNode* n = root_.find(key);
    if (!n) {
      diags_.error(root_.loc, "", std::string("missing required key '") + prefix_ + key + "'");
      return 0;
    }
    return checked(*n, prefix_ + key, min);
  }
  std::int64_t integer_or(const char* key, std::int64_t fallback, std::int64_t min = 0) {
    const ConfigNode* n = root_.find(key);
    if (!n || n->is_null()) return fallback;
    return checked(*n, prefix_ + key, min);
  }
  // Every size a transformer config holds is far below this; larger values
  // are typos that would otherwise exhaust memory.
  static constexpr std::int64_t kLargest = std::int64_t{1} << 24;

  // An integer from min to max; min (safe to divide by) after an error.
  std::int64_t checked(const ConfigNode& n, const std::string& path, std::int64_t min, std::int64_t max = kLargest) {
    if (json_kind(n) != JsonKind::integer) {
      diags_.error(n.loc, path, "expected an integer, got " + describe(n));
      return min;
    }
    std::int64_t v = 0;
    const std::string& s = n.scalar;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    // Beyond 64 bits (ec set) is out of range too; the text shows it as written.
    if (ec != std::errc() || end != s.data() + s.size() || v < min || v > max) {
      diags_.error(n.loc, path,
                   "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) + ", got " + s);
      return min;
    }
    return v;
  }
  bool boolean_or(const char* key, bool fallback) {
    const ConfigNode* n = root_.find(key);
    if (!n || n->is_null()) return fallback;
    if (json_kind(*n) == JsonKind::boolean) return n->scalar == "true";
    diags_.error(n->loc, prefix_ + key, "expected true or false, got " + describe(*n));
    return fallback;
  }
  std::string text_or(const char* key, std::string fallback) {
    const ConfigNode* n = root_.find(key);
    if (!n || n->is_null()) return fallback;
    if (json_kind(*n) == JsonKind::string) return n->scalar;
    diags_.error(n->loc, prefix_ + key, "expected a string, got " + describe(*n));
    return fallback;
  }
  const ConfigNode* node(const char* key) const { return root_.find(key); }
  Diagnostics& diags() { return diags_; }

 private:
  const ConfigNode& root_;
  Diagnostics& diags_;
  std::string prefix_;  // "quantization_config." inside that object
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
  std::vector<std::int64_t> dense_only;
  if (const ConfigNode* n = r.node("mlp_only_layers"); n && !n->is_null()) {
    if (!n->is_sequence()) r.diags().error(n->loc, "mlp_only_layers", "expected an array, got " + describe(*n));
    for (std::size_t i = 0; i < n->items.size(); ++i) {
      dense_only.push_back(r.checked(n->items[i], "mlp_only_layers." + std::to_string(i), 0, m.layers - 1));
    }
  }
  // Layers are marked only from a clean config (a refused period reads as 1).
  if (!r.diags().ok()) return;
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
    r.diags().error(types->loc, "layer_types",
                    "expected an array of " + std::to_string(m.layers) + " layer types, got " + describe(*types) +
                        (types->is_sequence() ? " of " + std::to_string(types->items.size()) : ""));
    return;
  }
  std::int64_t window = r.integer("sliding_window");
  for (std::size_t i = 0; i < types->items.size(); ++i) {
    const ConfigNode& t = types->items[i];
    const bool text = json_kind(t) == JsonKind::string;
    if (text && t.scalar == "sliding_attention") {
      m.layer_specs[i].window = window;
    } else if (!text || t.scalar != "full_attention") {
      r.diags().error(t.loc, "layer_types." + std::to_string(i),
                      "expected \"sliding_attention\" or \"full_attention\", got " + describe(t));
    }
  }
}

Dtype native_format(Reader& r) {
  const ConfigNode* q = r.node("quantization_config");
  if (!q || q->is_null()) return Dtype::bf16;
  if (!q->is_map()) {
    r.diags().error(q->loc, "quantization_config", "expected an object, got " + describe(*q));
    return Dtype::bf16;
  }
  const std::string method = Reader(*q, r.diags(), "quantization_config.").text_or("quant_method", "");
  if (method == "fp8") return Dtype::fp8;
  if (method == "mxfp4") return Dtype::mxfp4;
  return Dtype::bf16;
}

}  // namespace

ModelSpec read_hf_config(const ConfigNode& root, const std::string& name, Diagnostics& diags) {
  ModelSpec m;
  m.name = name;
  if (!root.is_map()) {
    diags.error(root.loc, "", "expected a JSON object (a Hugging Face config.json), got " + describe(root));
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
  // The context it was trained for: a run beyond it is refused unless asked
  // for (workload.extrapolate); 0 when the file does not say.
  m.max_positions = r.integer_or("max_position_embeddings", 0);
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
    const std::size_t errors_before = diags.errors().size();
    e.routed_experts = r.integer(mla                           ? "n_routed_experts"
                                 : m.model_type == "qwen3_moe" ? "num_experts"
                                                               : "num_local_experts");
    e.experts_per_token = r.integer("num_experts_per_tok");
    e.shared_experts = r.integer_or("n_shared_experts", 0);
    e.expert_intermediate = r.integer_or("moe_intermediate_size", m.intermediate, 1);
    e.expert_bias = gpt_oss;
    // Only counts read cleanly are compared: a refused one stands in as its minimum.
    if (diags.errors().size() == errors_before && e.experts_per_token > e.routed_experts) {
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
