// InferenceX rows served by the serving simulation at their own settings
// (issue 14): the Dynamo prefill/decode disaggregated rows, each with its
// pools, concurrency and lengths, through serving/disaggregated.h, and the
// aggregated rows of measured.yaml through one replica (serving/simulator.h);
// TTFT, TPOT and throughput per GPU against the row's medians.
// configs/validation/serving.yaml says which rows and how:
//
//   ServingValidationSpec spec = load_serving_validation("configs/validation/serving.yaml", {});
//   for (const ServingRow& row : serving_rows(spec)) { ServedRow r = serve_row(spec, row); ... }
//
// A row is served as InferenceX's client runs it: a closed loop of
// `concurrency` users sending requests_per_user x concurrency requests,
// prompts and outputs uniform in [length_ratio, 1] x the nominal ISL and OSL.
// Its prefill pool: prefill_workers replicas of its parallelism, its decode
// pool likewise, each replica on the row's system with the framework's
// engine of measured.yaml (dynamo-sglang: sglang's; dynamo-trt: trt's). A
// prompt's KV cache crosses NVLink when both pools fit one scale-up domain
// (a GB200 NVL72), else the GPUs' NICs (HGX nodes over the scale-out
// network): a replica's ports are its GPUs' links together.
// Throughput counts every token of the run over its span, as InferenceX.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "explore/measured.h"
#include "explore/recipes.h"
#include "serving/replica_setup.h"
#include "serving/simulator.h"

namespace tokenfab {

// The server's front end (EngineConfig::request_overhead) on one kind of
// system: the host's CPU runs it (HTTP, tokenising, the first token's way
// back), and InferenceX runs each GPU on its own cluster.
struct FrontEnd {
  std::string hardware;  // InferenceX's hardware name (h200, b200, ...)
  Seconds request_overhead;
};

struct ServingValidationSpec {
  std::string measured;  // measured.yaml: engines, systems, precisions
  std::string file;      // the disaggregated rows' CSV
  std::string model;     // config.json
  double requests_per_user = 10;
  double length_ratio = 0.8;
  std::int64_t max_concurrency = 1024;     // rows above are printed outside, not served
  std::int64_t context_bucket = 256;       // StepModelConfig::context_bucket
  Routing routing = Routing::round_robin;  // how Dynamo's frontend picks a disaggregated row's workers
  double tolerance = 0.20;                 // median |error| of each metric
  std::string server_file;                 // MLPerf Server and Interactive rows' CSV
  std::int64_t server_requests = 1000;     // Poisson requests per MLPerf row
  std::vector<Recipe> recipes;             // the engines' scheduler settings, by row
  // Front ends by hardware, over the engine's request_overhead; a row of
  // other hardware keeps the engine's.
  std::vector<FrontEnd> front_ends;
  MeasuredSpec spec;  // measured.yaml, loaded
};

ServingValidationSpec load_serving_validation(const std::string& file, const std::vector<std::string>& sets);

struct PoolShape {
  int workers = 0;
  Mapping mapping;
};

struct ServingRow {
  std::string key;  // inferencex/<hardware>/<framework>/<precision>/<isl>x<osl>/<decoding>
  std::string source, hardware, framework, format;
  bool speculative = false;
  bool disaggregated = true;
  std::string half;  // calibration or evaluation (split.yaml; disaggregated rows: evaluation, no fit saw one)
  // Disaggregated: both pools; aggregated: `decode` is the one replica that
  // prefills and decodes. Absent: the row does not give them.
  std::optional<PoolShape> prefill, decode;
  std::string unusable;  // why the row's pools cannot be built, else empty
  // Requests one worker of each pool runs at most, as the file of the
  // row's recipe sets them (the CSV's prefill_max_batch and
  // decode_max_batch, configs/validation/measured/dynamo_recipes.csv);
  // absent: the engine's limit.
  std::optional<std::int64_t> prefill_max_batch, decode_max_batch;
  // The prefill pool's new tokens a step and attention rank from the same
  // recipe (the CSV's prefill_token_budget); absent: the shared budget.
  std::optional<std::int64_t> prefill_token_budget;
  std::int64_t isl = 0, osl = 0, concurrency = 0;
  int gpus = 0;
  double ttft = 0, tpot = 0, throughput_per_gpu = 0;  // measured: s, s, tok/s
};

struct ServingRow;
// The scheduler a row's engine runs with: the shared prefill budget, then
// every recipe that matches the row (a pool's workers by `mapping` and
// `pool`: both for an aggregated row, prefill or decode).
SchedulerLimits row_limits(const ServingValidationSpec& spec, const ServingRow& row, const Mapping& mapping,
                           const std::string& pool);

// The disaggregated rows, then the aggregated rows of measured.yaml's file.
std::vector<ServingRow> serving_rows(const ServingValidationSpec& spec);

struct ServedRow {
  bool served = false;
  std::string outside;       // why not served, this row's figures
  std::string outside_kind;  // the reason's kind, shared by rows alike
  double ttft = 0, tpot = 0, throughput_per_gpu = 0;
  std::string kv_path;  // "nvlink" or "nic"
  std::int64_t steps = 0;
};

// Engine terms a fit tries in place of the engine's own.
struct ServingTerms {
  std::optional<Seconds> front_end;         // EngineConfig::request_overhead, every row's
  std::optional<double> prefill_attention;  // EngineConfig::prefill_attention
  // Over front_end and the spec's front_ends: the rows of this hardware's.
  std::map<std::string, Seconds> front_end_of;
};
// The front end a row's requests pass: the terms', the spec's for its
// hardware, else the engine's.
Seconds front_end_for(const ServingValidationSpec& spec, const ServingRow& row, const ServingTerms& terms,
                      Seconds engine);
ServedRow serve_row(const ServingValidationSpec& spec, const ServingRow& row, const ServingTerms& terms = {});

// MLPerf Server and Interactive rows: LoadGen's Poisson queries at the
// published samples per second on the submitted GPUs, each of the
// benchmark's mean prompt (measured.yaml, assumed) and the row's observed
// output tokens. The submitter's mapping is not published: replicas of the
// decode mapping with the most tokens per GPU, as the Offline rows choose
// it, among those without pipeline stages (the serving loop does not
// overlap micro-batches), behind a least-loaded router, on the framework's
// engine with no front end (LoadGen calls the engine, no HTTP server) and
// no drafts (the rows do not say). Compared: the simulated p99 TTFT and TPOT
// with the measured ones and with the benchmark's limits.
struct ServerRow {
  std::string key;  // mlperf/<accelerator>/<round>/<benchmark>/<scenario>
  std::string source, hardware, benchmark, scenario, framework;
  int gpus = 0;
  double samples_per_s = 0;
  std::int64_t input = 0, output = 0;
  double ttft_limit = 0, tpot_limit = 0, ttft_p99 = 0, tpot_p99 = 0;  // seconds
};
std::vector<ServerRow> server_rows(const ServingValidationSpec& spec);

struct ServedServerRow {
  bool served = false;
  std::string outside;
  double ttft_p99 = 0, tpot_p99 = 0;  // seconds
  double prompt_alone = 0;            // seconds one prompt takes to prefill on an idle replica
  Mapping mapping;
  int replicas = 0;
};
ServedServerRow serve_server_row(const ServingValidationSpec& spec, const ServerRow& row);

}  // namespace tokenfab
