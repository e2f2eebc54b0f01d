// Measured serving results and how tokenfab models each row at its own
// settings (configs/validation/measured.yaml): the InferenceX aggregated
// DeepSeek-R1 rows and the MLPerf Offline rows of
// configs/validation/measured/, split into a calibration half (which fitted
// parameters may use) and an evaluation half (which they may not) by
// configuration (configs/validation/split.yaml).
//
//   MeasuredSpec spec = load_measured_spec("configs/validation/measured.yaml", {});
//   std::vector<MeasuredRow> rows = load_measured_rows(spec);
//   RowResult r = model_row(spec, rows[0], spec.engine);   // r.modelled, r.error
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "explore/mapping_search.h"

namespace tokenfab {

// What the evaluation half is held to, decided before any comparison (issue 9):
// the median |error| of each metric, and the share of points beyond `point`.
struct ValidationTolerance {
  double median = 0.15;
  double point = 0.40;
  double outside_share = 0.10;
};

// A configuration or row the model is known to miss, printed as outside
// with its reason on every run.
struct KnownMiss {
  std::string key;  // a configuration key of split.yaml, or a row's key plus " @" concurrency
  std::string reason;
};

struct HardwareSystem {
  std::string hardware;    // as the measurement names it: "b200", "H200-SXM", "GB200"
  std::string generation;  // hopper, blackwell, blackwell_ultra
  std::string format;      // the number format NVIDIA's MLPerf submissions declare: fp8 or fp4
  SystemConfig system;
};

struct NamedPrecision {
  std::string name;
  Precision precision;
};

struct InferencexSpec {
  std::string file;
  std::string model;
  double length_factor = 0.9;             // mean request length over nominal
  std::int64_t prefill_chunk_tokens = 0;  // prompt tokens one prefill step takes at most
  // A row whose reported throughput is below this share of what its own
  // median TPOT implies at its concurrency, C (L_in + L_out) / (L_out TPOT)
  // per GPU, spent time outside steady decode that the steady-state model
  // cannot see: it is a known miss, whatever the model gives.
  double steady_share = 0.0;
};

struct BenchmarkSpec {
  std::string name;
  std::string model;
  std::int64_t input_tokens = 0;   // mean prompt length
  std::int64_t output_tokens = 0;  // mean output length when the row does not say
};

struct MlperfSpec {
  std::string file;
  std::vector<BenchmarkSpec> benchmarks;
};

// A deployment term fitted on the calibration half: the engine key, its
// source range [low, high] in `unit` ("us", "ms" or "" for a fraction).
struct FitParameter {
  std::string key;        // under engine., e.g. kernel_overhead
  std::string framework;  // empty: the shared engine; else that framework's own term
  double low = 0, high = 0;
  std::string unit;
};

// What one serving framework does differently from the shared engine: its
// entries in measured.yaml are merged over `engine:` (so a change to the
// shared engine reaches every framework that does not set the term itself).
struct FrameworkEngine {
  std::string name;  // as the rows name it: trt, sglang
  EngineConfig engine;
};

struct MeasuredSpec {
  std::string split;
  std::vector<FitParameter> fit;
  ValidationTolerance tolerance;
  std::vector<KnownMiss> known_misses;
  EngineConfig engine;  // the deployed engine; the bound is hardware_bound(engine)
  std::vector<FrameworkEngine> frameworks;
  std::vector<HardwareSystem> systems;
  std::vector<NamedPrecision> precisions;  // by format name
  InferencexSpec inferencex;
  MlperfSpec mlperf;
  // Filled by the loader: split.yaml's halves by configuration key.
  std::map<std::string, bool> calibration;  // key -> true: calibration, false: evaluation
};

enum class RowMetric { throughput_per_gpu, time_per_output_token };

struct MeasuredRow {
  std::string key;     // configuration, as in split.yaml
  std::string source;  // run URL or MLPerf result path
  std::string hardware;
  std::string framework;  // trt, sglang, vllm: whose engine serves the row
  std::string model;      // path
  std::string format;
  Mapping mapping;
  bool speculative = false;
  std::int64_t input_tokens = 0, output_tokens = 0;    // means, not nominal
  std::int64_t nominal_input = 0, nominal_output = 0;  // InferenceX's ISL and OSL
  std::optional<std::int64_t> concurrency;             // none: Offline (as many as the engine holds)
  int gpus = 1;                                        // what the per-GPU figures divide by
  double throughput_per_gpu = 0;                       // tokens/s: input + output (InferenceX), output (MLPerf)
  std::optional<double> tpot;                          // seconds, median
  std::optional<double> ttft;                          // seconds, median, where the row gives it
  // Set at load when the row's own figures disagree (InferencexSpec::steady_share).
  std::optional<KnownMiss> inconsistent;
};

// A measured CSV row's configuration key: inferencex/<hardware>/<framework>/
// <precision>/<isl>x<osl>/<spec_decoding>, as split.yaml names it.
std::string inferencex_key(const std::map<std::string, std::string>& cell);

MeasuredSpec load_measured_spec(const std::filesystem::path& file, const std::vector<std::string>& sets);
std::vector<MeasuredRow> load_measured_rows(const MeasuredSpec& spec);

// The model's answer for a row under `engine`.
struct RowResult {
  double throughput_per_gpu = 0;  // same counting as the row's
  std::optional<double> tpot;     // seconds
  Seconds decode_step, prefill_per_token;
  std::int64_t decode_batch = 0;
  Mapping mapping;
  Resource bound = Resource::memory;
  ResourceTimes breakdown;  // of the decode step
  bool fits = true;
};

// Steady state of an aggregated engine at the row's concurrency C (every
// request in flight, lengths at their means L_in, L_out): over one request's
// life the engine decodes L_out / g steps of the C sequences (g tokens per
// step: 1, or more with speculative decoding) at the mean context
// L_in + L_out / 2, and prefills the C prompts that replace the finished
// requests, so
//   cycle       = (L_out / g) * t_decode(C) + C * L_in * t_prefill_per_token
//   TPOT        = cycle / L_out                        (others' prefills stall a user's decode)
//   tokens/GPU  = C * (L_in + L_out) / cycle / GPUs    (InferenceX counts input and output)
// Offline rows (MLPerf): the best mapping on the row's GPUs at the largest
// batch the engine and memory allow, request by request:
//   output tokens/GPU = L_out / (L_out / decode rate + L_in / prefill rate)
RowResult model_row(const MeasuredSpec& spec, const MeasuredRow& row, const EngineConfig& engine);

// The deployed engine of a row's framework (the shared engine when the
// framework has no entries of its own); the bound is hardware_bound of it.
const EngineConfig& engine_for(const MeasuredSpec& spec, const MeasuredRow& row);
// The same by the framework's name; Dynamo's ("dynamo-sglang") runs the
// engine it names.
const EngineConfig& engine_named(const MeasuredSpec& spec, std::string framework);
// The precision of a measured number format (fp8, fp4). Throws InputError.
const Precision& precision_for(const MeasuredSpec& spec, const std::string& format);
// A config.json, read once per process (the tool is single-threaded and the
// files do not change during a run).
const ModelSpec& model_at(const std::string& path);

const HardwareSystem& system_for(const MeasuredSpec& spec, const std::string& hardware);

}  // namespace tokenfab

namespace tokenfab {

// model_row over many rows, each under its framework's engine (or that
// engine's hardware bound); rows with the same modelling inputs are modelled once.
std::vector<RowResult> model_rows(const MeasuredSpec& spec, const std::vector<MeasuredRow>& rows, bool bound);

}  // namespace tokenfab
