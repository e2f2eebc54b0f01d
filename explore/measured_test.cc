#include "explore/measured_report.h"

#include <doctest/doctest.h>

#include <algorithm>

namespace tokenfab {
namespace {

// The shipped spec and rows: the model is checked against its own formulas.
const MeasuredSpec& shipped() {
  static const MeasuredSpec spec = load_measured_spec("configs/validation/measured.yaml", {});
  return spec;
}

const MeasuredRow& first_row(const std::vector<MeasuredRow>& rows, const std::string& key, std::int64_t c) {
  for (const auto& r : rows) {
    if (r.key == key && r.concurrency == c) return r;
  }
  FAIL("no row " << key << " @" << c);
  return rows.front();
}

TEST_CASE("measured rows: every configuration is in one half, and the halves are not empty") {
  const auto rows = load_measured_rows(shipped());
  CHECK(rows.size() == 824);  // 638 InferenceX + 186 MLPerf
  int calibration = 0, evaluation = 0;
  for (const auto& r : rows) (shipped().calibration.at(r.key) ? calibration : evaluation) += 1;
  CHECK(calibration > 300);
  CHECK(evaluation > 300);
}

TEST_CASE("measured rows: an aggregated row follows the steady-state cycle") {
  // B200 SGLang FP8 1k/1k at concurrency 16, TP8: L_in = L_out = 0.9 x 1024 = 922.
  // cycle = L_out / g x t_decode + C x L_in x t_prefill_per_token, g = 1 without MTP;
  // TPOT = cycle / L_out; tokens per GPU = C (L_in + L_out) / cycle / 8.
  const auto rows = load_measured_rows(shipped());
  const MeasuredRow& row = first_row(rows, "inferencex/b200/sglang/fp8/1024x1024/none", 16);
  CHECK(row.input_tokens == 922);
  CHECK(row.output_tokens == 922);
  const RowResult r = model_row(shipped(), row, shipped().engine);
  const double cycle = 922.0 * r.decode_step.value() + 16.0 * 922.0 * r.prefill_per_token.value();
  CHECK(*r.tpot == doctest::Approx(cycle / 922.0).epsilon(1e-12));
  CHECK(r.throughput_per_gpu == doctest::Approx(16.0 * 1844.0 / cycle / 8.0).epsilon(1e-12));
  // The bound has no deployment term, so it is faster on the same row.
  const RowResult b = model_row(shipped(), row, hardware_bound(shipped().engine));
  CHECK(*b.tpot < *r.tpot);
}

TEST_CASE("measured rows: MTP rows gain 1 + a tokens per step, other rows one") {
  // With one draft kept with probability a, a step of t gives each user 1 + a
  // tokens, so the decode part of the cycle is L_out / (1 + a) steps.
  const auto rows = load_measured_rows(shipped());
  const MeasuredRow& row = first_row(rows, "inferencex/b200/sglang/fp8/1024x1024/mtp", 4);
  const RowResult r = model_row(shipped(), row, shipped().engine);
  const double a = shipped().engine.speculative.acceptance;
  const double cycle = 922.0 / (1.0 + a) * r.decode_step.value() + 4.0 * 922.0 * r.prefill_per_token.value();
  CHECK(*r.tpot == doctest::Approx(cycle / 922.0).epsilon(1e-12));
}

TEST_CASE("measured rows: a framework's own terms go over the shared engine's") {
  const auto rows = load_measured_rows(shipped());
  const MeasuredRow& sglang = first_row(rows, "inferencex/b200/sglang/fp8/1024x1024/none", 16);
  const MeasuredRow& trt = first_row(rows, "inferencex/b200/trt/fp8/1024x1024/none", 16);
  CHECK(sglang.framework == "sglang");
  CHECK(trt.framework == "trt");
  const EngineConfig& shared = shipped().engine;
  // SGLang sets its MoE terms and keeps the shared kernel overhead; TensorRT-LLM
  // drafts three tokens and keeps the shared MoE terms.
  CHECK(engine_for(shipped(), sglang).kernel_overhead == shared.kernel_overhead);
  CHECK(engine_for(shipped(), sglang).kernel_efficiency.grouped_gemm != shared.kernel_efficiency.grouped_gemm);
  CHECK(engine_for(shipped(), trt).kernel_efficiency.grouped_gemm == shared.kernel_efficiency.grouped_gemm);
  CHECK(engine_for(shipped(), trt).speculative.draft_tokens == 3);
  // MLPerf names the stack: "TensorRT 10.14, ..." is trt.
  const auto mlperf = std::find_if(rows.begin(), rows.end(), [](const MeasuredRow& r) { return !r.concurrency; });
  REQUIRE(mlperf != rows.end());
  CHECK(mlperf->framework == "trt");
  // A shared term set on the command line reaches a framework that does not
  // set it; a framework's own setting wins over the shared one.
  const MeasuredSpec set = load_measured_spec(
      "configs/validation/measured.yaml", {"engine.kernel_overhead=7 us", "engine.kernel_efficiency.grouped_gemm=0.4",
                                           "frameworks.1.engine.kernel_efficiency.grouped_gemm=0.5"});
  CHECK(engine_for(set, sglang).kernel_overhead.value() == doctest::Approx(7e-6));
  CHECK(engine_for(set, sglang).kernel_efficiency.grouped_gemm == 0.5);
  CHECK(engine_for(set, trt).kernel_efficiency.grouped_gemm == 0.4);
}

TEST_CASE("measured rows: three drafts give 1 + a + a^2 + a^3 tokens per step") {
  // TensorRT-LLM's MTP rows draft three tokens, each kept with probability a
  // when the ones before it were: g = 1 + a + a^2 + a^3 tokens per step.
  const auto rows = load_measured_rows(shipped());
  const MeasuredRow& row = first_row(rows, "inferencex/b200/trt/fp4/1024x8192/mtp", 4);
  const EngineConfig& engine = engine_for(shipped(), row);
  const RowResult r = model_row(shipped(), row, engine);
  const double a = engine.speculative.acceptance;
  const double g = 1 + a + a * a + a * a * a;
  const double cycle =
      row.output_tokens / g * r.decode_step.value() + 4.0 * row.input_tokens * r.prefill_per_token.value();
  CHECK(*r.tpot == doctest::Approx(cycle / row.output_tokens).epsilon(1e-12));
}

TEST_CASE("measured rows: a row whose throughput contradicts its own TPOT is a known miss") {
  // B200 SGLang FP4 8k/1k at 4 requests, TP4 (2025-11-10): L_in = 7,373,
  // L_out = 922, TPOT 11.6549 ms. Its TPOT implies
  //   4 x (7,373 + 922) / (922 x 0.0116549 s) / 4 GPUs = 772 tok/s per GPU,
  // and it reports 456.7: 0.59 of it, below steady_share (0.8).
  const auto rows = load_measured_rows(shipped());
  const MeasuredRow* flagged = nullptr;
  for (const auto& r : rows) {
    if (r.key == "inferencex/b200/sglang/fp4/8192x1024/none" && r.concurrency == 4 && r.mapping.tp == 4) flagged = &r;
  }
  REQUIRE(flagged != nullptr);
  REQUIRE(flagged->inconsistent);
  CHECK(flagged->inconsistent->key == "inferencex/b200/sglang/fp4/8192x1024/none @4");
  CHECK(flagged->inconsistent->reason.find("0.59 of the 772") != std::string::npos);
  CHECK(known_miss_for(shipped(), *flagged) == &*flagged->inconsistent);
  // A row that agrees with itself (0.9-1.0) carries no such miss.
  CHECK_FALSE(first_row(rows, "inferencex/b200/sglang/fp8/1024x1024/none", 16).inconsistent);
}

RowComparison compared(double throughput_error, std::optional<double> tpot_error, bool calibration,
                       const KnownMiss* miss = nullptr) {
  static const MeasuredRow row = [] {
    MeasuredRow r;
    r.key = "inferencex/x";
    return r;
  }();
  RowComparison c;
  c.row = &row;
  c.throughput_error = throughput_error;
  c.tpot_error = tpot_error;
  c.calibration = calibration;
  c.generation = "g";
  c.known_miss = miss;
  return c;
}

TEST_CASE("measured report: medians, points outside, and known misses against the tolerances") {
  const ValidationTolerance tol;  // 15% median, 40% per point, 10% outside
  const KnownMiss miss{"inferencex/x", "because"};
  std::vector<RowComparison> rows;
  // Evaluation: |errors| 0.05, 0.10, 0.12, 0.50 (known miss); median of |e| = 0.11.
  for (double e : {0.05, -0.10, 0.12}) rows.push_back(compared(e, e, false));
  rows.push_back(compared(0.50, 0.0, false, &miss));
  rows.push_back(compared(3.0, 3.0, true));  // calibration: never checked
  RowFilter f;
  f.calibration = false;
  const MetricStats s = metric_stats(rows, tol, f);
  CHECK(s.points == 4);
  CHECK(s.median_abs == doctest::Approx(0.11));
  CHECK(s.outside == 1);
  CHECK(s.outside_unexplained == 0);
  // One outside in four is more than one in ten.
  const auto failures = tolerance_failures(rows, tol);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find("1 of 4 points beyond") != std::string::npos);
  // Without the known miss the same point is unexplained too.
  rows[3].known_miss = nullptr;
  CHECK(tolerance_failures(rows, tol).size() == 2);
}

}  // namespace
}  // namespace tokenfab
