#include <doctest/doctest.h>

#include <algorithm>

#include <cmath>

#include "workloads/footprint.h"
#include "workloads/hf_config.h"
#include "workloads/trace_check.h"
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

TEST_CASE("trace: a prefill trace read back keeps its attention marked as over the prompt") {
  // No column holds Op::over_prompt; the reader sets it from the phase, as
  // the generator does, so a traced prefill is timed as a generated one.
  ModelSpec m = load_hf_config("workloads/models/llama-3.1-8b.json");
  for (Phase phase : {Phase::prefill, Phase::decode}) {
    Trace t = generate_trace(m, Precision{}, Mapping{}, Workload{phase, 1, phase == Phase::prefill ? 500 : 1, 100});
    Trace back = read_trace_text(write_trace(t, TraceFormat::csv), TraceFormat::csv, "t");
    REQUIRE(back.devices[0].ops.size() == t.devices[0].ops.size());
    int marked = 0;
    for (std::size_t i = 0; i < t.devices[0].ops.size(); ++i) {
      CHECK(back.devices[0].ops[i].over_prompt == t.devices[0].ops[i].over_prompt);
      marked += t.devices[0].ops[i].over_prompt ? 1 : 0;
    }
    CHECK(marked == (phase == Phase::prefill ? m.layers : 0));
  }
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

// Llama-3.1-8B decode of one token on one device, as CSV: a title and 11
// metadata lines, the header on line 13, the first op (the embedding) on 14:
//   0,0,0,0,1,-1,embedding,embedding,bf16,1,4096,0,1,0,8192,8192,0,0,,,,
std::string small_csv() {
  return write_trace(
      generate_trace(load_hf_config("workloads/models/llama-3.1-8b.json"), Precision{}, Mapping{}, Workload{}),
      TraceFormat::csv);
}

// The text with one field of line `line_no` (1-based) replaced.
std::string with_field(std::string text, int line_no, int field, const std::string& value) {
  std::size_t start = 0;
  for (int l = 1; l < line_no; ++l) start = text.find('\n', start) + 1;
  for (int f = 0; f < field; ++f) start = text.find(',', start) + 1;
  const std::size_t end = text.find_first_of(",\n", start);
  return text.replace(start, end - start, value);
}

// All the errors of reading `text`, one line each; empty when it reads.
std::string read_errors(const std::string& text, TraceFormat format = TraceFormat::csv) {
  try {
    read_trace_text(text, format, "x.csv");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("trace: values beyond a column's physical limit are refused, values at it read") {
  const std::string csv = small_csv();
  // flops is field 13 (0-based) of line 14; the 13 fields before it,
  // "0,0,0,0,1,-1,embedding,embedding,bf16,1,4096,0,1," are 49 characters.
  CHECK(read_errors(with_field(csv, 14, 13, "1e21")) == "");
  CHECK(read_errors(with_field(csv, 14, 13, "1.000001e21")) ==
        "error: x.csv:14:50: flops: '1.000001e21' is beyond the physical limit of 1e21 FLOP per op (a zettaFLOP: over "
        "a day of the fastest chip)\n");
  CHECK(read_errors(with_field(csv, 14, 13, "1e40")).find("flops: '1e40' is beyond") != std::string::npos);
  CHECK(read_errors(with_field(csv, 14, 13, "inf")).find("flops: 'inf' is beyond") != std::string::npos);
  // Too large for a double: a limit too, not a syntax error.
  CHECK(read_errors(with_field(csv, 14, 13, "1e400")).find("flops: '1e400' is beyond") != std::string::npos);
  // Bytes (weight_bytes, field 14): a petabyte reads, twice that does not.
  CHECK(read_errors(with_field(csv, 14, 14, "1e15")) == "");
  CHECK(read_errors(with_field(csv, 14, 14, "2e15"))
            .find("weight_bytes: '2e15' is beyond the physical limit of 1e15 bytes per op") != std::string::npos);
  CHECK(read_errors(with_field(csv, 14, 16, "1e16")).find("kv_read_bytes: '1e16' is beyond") != std::string::npos);
  // Elements (m, field 9): 1e15 reads, one more does not; a count written as
  // a real or too long for 64 bits names the limit too.
  CHECK(read_errors(with_field(csv, 14, 9, "1000000000000000")) == "");
  CHECK(read_errors(with_field(csv, 14, 9, "1000000000000001"))
            .find("m: '1000000000000001' is beyond the physical limit of 1e15 elements") != std::string::npos);
  CHECK(read_errors(with_field(csv, 14, 9, "1e40")).find("m: '1e40' is beyond") != std::string::npos);
  CHECK(read_errors(with_field(csv, 14, 9, "99999999999999999999")).find("m: '99999999999999999999' is beyond") !=
        std::string::npos);
  CHECK(read_errors(with_field(csv, 14, 12, "1e16")).find("count: '1e16' is beyond") != std::string::npos);
  CHECK(read_errors(with_field(csv, 14, 4, "1e16")).find("sequences: '1e16' is beyond") != std::string::npos);
  // An integer column without a physical limit still says its range.
  CHECK(read_errors(with_field(csv, 14, 0, "99999999999"))
            .find("device: expected an integer from 0 to 2147483647, got '99999999999'") != std::string::npos);
  // JSON lines: the same columns, the same limits.
  std::string jsonl = write_trace(
      generate_trace(load_hf_config("workloads/models/llama-3.1-8b.json"), Precision{}, Mapping{}, Workload{}),
      TraceFormat::jsonl);
  jsonl.replace(jsonl.find("\"flops\":0"), 9, "\"flops\":1e40");
  CHECK(read_errors(jsonl, TraceFormat::jsonl).find("x.csv:2:1: flops: '1e+40' is beyond") != std::string::npos);
}

TEST_CASE("trace: a header error names the column expected and the one found") {
  const std::string csv = small_csv();
  const std::size_t header = csv.find("device,");
  const std::string whole =
      "error: x.csv:13:1: expected the header '" + csv.substr(header, csv.find('\n', header) - header) + "'\n";
  // flops is column 14; "device,stage,attn_rank,tp_rank,sequences,layer,name,
  // kind,dtype,m,n,k,count," before it is 75 characters.
  CHECK(read_errors(with_field(csv, 13, 13, "flop")) ==
        whole + "error: x.csv:13:76: column 14: expected 'flops', found 'flop'; did you mean 'flops'?\n");
  // A dropped column is one message at its place, not a mismatch in every
  // column after it. (Only the header lost it here, so the rows read.)
  std::string dropped = csv;
  dropped.replace(dropped.find("sequences,"), 10, "");
  CHECK(read_errors(dropped) == whole +
                                    "error: x.csv:13:32: column 5: expected 'sequences', found 'layer'; the header has "
                                    "no 'sequences' column\n");
  // Two columns swapped: each names where the other belongs.
  std::string swapped = csv;
  swapped.replace(swapped.find(",kind,dtype,"), 12, ",dtype,kind,");
  const std::string swap_errors = read_errors(swapped);
  CHECK(swap_errors.find("x.csv:13:53: column 8: expected 'kind', found 'dtype'; 'dtype' belongs in column 9") !=
        std::string::npos);
  CHECK(swap_errors.find("x.csv:13:59: column 9: expected 'dtype', found 'kind'; 'kind' belongs in column 8") !=
        std::string::npos);
  // An added column, at the end of the line.
  std::string added = csv;
  added.replace(added.find("comm_bytes\n"), 11, "comm_bytes,notes\n");
  CHECK(read_errors(added).find(
            "x.csv:13:180: column 23: expected the end of the line, found 'notes', which is not a trace column") !=
        std::string::npos);
}

TEST_CASE("trace: a file's errors stop at 20, then one line counts the rest") {
  // The metadata and header of a good trace, then 1,500 rows of one field
  // each: 1,500 errors, 20 shown and 1,480 counted.
  const std::string csv = small_csv();
  std::string text = csv.substr(0, csv.find('\n', csv.find("device,")) + 1);
  for (int i = 0; i < 1500; ++i) text += "0\n";
  try {
    read_trace_text(text, TraceFormat::csv, "x.csv");
    FAIL("expected an error");
  } catch (const InputError& e) {
    // The reader keeps the 20 it prints and counts the rest.
    const auto& errors = e.diagnostics().errors();
    REQUIRE(errors.size() == 20);
    CHECK(errors[0].str() == "error: x.csv:14:1: expected 22 fields, got 1");
    CHECK(errors[19].str() == "error: x.csv:33:1: expected 22 fields, got 1");
    const std::string printed = e.diagnostics().render();
    CHECK(std::count(printed.begin(), printed.end(), '\n') == 21);
    CHECK(printed.ends_with("error: x.csv: ... and 1,480 more errors in the same file\n"));
  }
  // A JSON-lines trace named .csv is one error, not one per row and field.
  const std::string jsonl = write_trace(
      generate_trace(load_hf_config("workloads/models/llama-3.1-8b.json"), Precision{}, Mapping{}, Workload{}),
      TraceFormat::jsonl);
  const std::string errors = read_errors(jsonl);
  CHECK(errors.find("error: x.csv:1:1: expected the header") == 0);
  CHECK(errors.find('\n') == errors.size() - 1);
  CHECK(errors.find("found a JSON object: a JSON-lines trace is read from a file named .jsonl") != std::string::npos);
  // And a CSV trace read as JSON lines.
  CHECK(read_errors(csv, TraceFormat::jsonl) ==
        "error: x.csv:1:1: expected a first line {\"format\": \"tokenfab-trace\", ...}, found '#' metadata: a CSV "
        "trace is read from a file named .csv\n");
}

TEST_CASE("trace: the checks against the model stop at 20 errors too") {
  // A Llama-3.1-70B trace passed off as the 8B's: every op of layers 33 to 80
  // (80 being the 70B's LM head) lies outside the 8B's -1..32.
  Trace t = generate_trace(load_hf_config("workloads/models/llama-3.1-70b.json"), Precision{}, Mapping{}, Workload{});
  t.model = "llama-3.1-8b";
  std::size_t outside = 0;
  for (const Op& op : t.devices[0].ops) outside += op.layer > 32 ? 1 : 0;
  REQUIRE(outside > 20);
  Diagnostics d;
  check_trace(t, load_hf_config("workloads/models/llama-3.1-8b.json"), "x.csv", d);
  // Every error is kept; the printing stops at 20 and counts the rest.
  REQUIRE(d.errors().size() == outside);
  CHECK(d.errors()[0].str() == "error: x.csv: device 0, input_norm: layer 33 is outside -1..32");
  const std::string printed = d.render();
  CHECK(std::count(printed.begin(), printed.end(), '\n') == 21);
  CHECK(printed.ends_with("error: x.csv: ... and " + std::to_string(outside - 20) + " more errors in the same file\n"));
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
