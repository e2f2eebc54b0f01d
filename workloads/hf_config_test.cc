// config.json values must be of JSON's right kind (issue 13): a count written
// as a string, a fraction or a boolean is refused with its file, line, key,
// what was expected and what was found.
#include "workloads/hf_config.h"

#include <doctest/doctest.h>

#include <string>

namespace tokenfab {
namespace {

// A tiny llama config.json whose line 2 is ` "<key>": <value>,`; the value
// therefore starts at column 1 (space) + 2 quotes + key length + ": " 2 + 1,
// that is at 6 + the key's length.
// Returns every error, one line each.
std::string errors_for(const std::string& key, const std::string& value, ModelSpec* out = nullptr) {
  std::string text = "{\"model_type\": \"llama\",\n \"" + key + "\": " + value + ",\n";
  for (const char* k : {"hidden_size", "num_hidden_layers", "num_attention_heads", "vocab_size", "intermediate_size"}) {
    if (key != k) text += " \"" + std::string(k) + "\": 64,\n";
  }
  text += " \"tie_word_embeddings\": false}\n";
  Diagnostics d;
  ModelSpec m = read_hf_config(parse_config_text(text, "m.json", d), "m", d);
  if (out) *out = m;
  return d.render();
}

TEST_CASE("hf config: a count must be a JSON integer, not a string, fraction or boolean") {
  // Value column: 6 + len("hidden_size") 11 = 17.
  CHECK(errors_for("hidden_size", "\"8192\"") ==
        "error: m.json:2:17: hidden_size: expected an integer, got the string \"8192\"\n");
  CHECK(errors_for("hidden_size", "8192.5") ==
        "error: m.json:2:17: hidden_size: expected an integer, got the number 8192.5\n");
  // Integer-valued but written as a float: Python's json gives a float, which no layer takes as a size.
  CHECK(errors_for("hidden_size", "8192.0") ==
        "error: m.json:2:17: hidden_size: expected an integer, got the number 8192.0\n");
  CHECK(errors_for("hidden_size", "8.192e3") ==
        "error: m.json:2:17: hidden_size: expected an integer, got the number 8.192e3\n");
  CHECK(errors_for("hidden_size", "true") ==
        "error: m.json:2:17: hidden_size: expected an integer, got the boolean true\n");
  CHECK(errors_for("hidden_size", "[8192]") == "error: m.json:2:17: hidden_size: expected an integer, got an array\n");
  CHECK(errors_for("hidden_size", "{\"value\": 8192}") ==
        "error: m.json:2:17: hidden_size: expected an integer, got an object\n");
  // A null required key is reported where it stands, not as missing.
  CHECK(errors_for("hidden_size", "null") == "error: m.json:2:17: hidden_size: expected an integer, got null\n");
}

TEST_CASE("hf config: a count below its minimum or beyond 64 bits is refused with the text as written") {
  // Value column: 6 + len("vocab_size") 10 = 16.
  CHECK(errors_for("vocab_size", "-1") ==
        "error: m.json:2:16: vocab_size: expected an integer from 1 to 16777216, got -1\n");
  CHECK(errors_for("vocab_size", "0") ==
        "error: m.json:2:16: vocab_size: expected an integer from 1 to 16777216, got 0\n");
  CHECK(errors_for("vocab_size", "99999999999999999999") ==
        "error: m.json:2:16: vocab_size: expected an integer from 1 to 16777216, got 99999999999999999999\n");
  // A key the family does not read is ignored whatever it holds (llama reads no rope fields).
  CHECK(errors_for("rope_theta", "\"big\"").empty());
}

TEST_CASE("hf config: optional keys are typed too; null is an absent optional key") {
  // Value column: 6 + len("num_key_value_heads") 19 = 25.
  CHECK(errors_for("num_key_value_heads", "\"8\"") ==
        "error: m.json:2:25: num_key_value_heads: expected an integer, got the string \"8\"\n");
  // Column: 6 + len("head_dim") 8 = 14.
  CHECK(errors_for("head_dim", "16.5") == "error: m.json:2:14: head_dim: expected an integer, got the number 16.5\n");
  ModelSpec m;
  CHECK(errors_for("head_dim", "null", &m).empty());
  CHECK(m.head_dim == 1);  // hidden_size / num_attention_heads = 64 / 64, as when the key is absent
  // Column: 6 + len("attention_bias") 14 = 20.
  CHECK(errors_for("attention_bias", "\"true\"") ==
        "error: m.json:2:20: attention_bias: expected true or false, got the string \"true\"\n");
  CHECK(errors_for("attention_bias", "1") ==
        "error: m.json:2:20: attention_bias: expected true or false, got the number 1\n");
}

TEST_CASE("hf config: model_type and quant_method must be strings") {
  Diagnostics d;
  read_hf_config(parse_config_text("{\"model_type\": 3}", "t.json", d), "t", d);
  // `{"model_type": ` is 15 characters, so the 3 is at column 16.
  CHECK(d.render().find("t.json:1:16: model_type: expected a string, got the number 3") != std::string::npos);
  // The object opens at 6 + len("quantization_config") 19 = 25; its value at
  // 25 + len("{\"quant_method\": ") 17 = 42.
  CHECK(errors_for("quantization_config", "{\"quant_method\": 8}") ==
        "error: m.json:2:42: quantization_config.quant_method: expected a string, got the number 8\n");
  CHECK(errors_for("quantization_config", "\"fp8\"") ==
        "error: m.json:2:25: quantization_config: expected an object, got the string \"fp8\"\n");
}

TEST_CASE("hf config: MoE counts and layer lists are typed; 8 of 8.5 experts is not compared") {
  Diagnostics d;
  const std::string qwen_moe =
      "{\"model_type\": \"qwen3_moe\", \"hidden_size\": 64, \"num_hidden_layers\": 4, \"num_attention_heads\": 4,\n"
      " \"vocab_size\": 10, \"intermediate_size\": 64, \"num_experts\": 8,\n"
      " \"num_experts_per_tok\": 8.5,\n"
      " \"mlp_only_layers\": [0, \"1\", 4]}";
  read_hf_config(parse_config_text(qwen_moe, "q.json", d), "q", d);
  // Only the type errors: the fraction is not also "more than the routed experts". Columns:
  // 6 + len("num_experts_per_tok") 19 = 25; the list opens at 6 + len("mlp_only_layers") 15 = 21,
  // its second item at 21 + len("[0, ") 4 = 25 and its third at 25 + len("\"1\", ") 5 = 30.
  CHECK(d.render() ==
        "error: q.json:3:25: num_experts_per_tok: expected an integer, got the number 8.5\n"
        "error: q.json:4:25: mlp_only_layers.1: expected an integer, got the string \"1\"\n"
        "error: q.json:4:30: mlp_only_layers.2: expected an integer from 0 to 3, got 4\n");
}

TEST_CASE("hf config: gpt-oss layer types must be the two attention kinds, as strings") {
  Diagnostics d;
  const std::string oss =
      "{\"model_type\": \"gpt_oss\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"num_attention_heads\": 4,\n"
      " \"vocab_size\": 10, \"intermediate_size\": 64, \"num_local_experts\": 4, \"num_experts_per_tok\": 2,\n"
      " \"sliding_window\": \"128\", \"layer_types\": [\"sliding_attention\", 1]}";
  read_hf_config(parse_config_text(oss, "o.json", d), "o", d);
  // sliding_window's value: 6 + len("sliding_window") 14 = 20; layer_types.1 follows
  // `"128", "layer_types": ["sliding_attention", ` (44 characters) at 20 + 44 = 64.
  CHECK(d.render() ==
        "error: o.json:3:20: sliding_window: expected an integer, got the string \"128\"\n"
        "error: o.json:3:64: layer_types.1: expected \"sliding_attention\" or \"full_attention\", got the number 1\n");
}

}  // namespace
}  // namespace tokenfab
