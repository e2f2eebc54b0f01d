#include "explore/serving_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "core/config_loader.h"
#include "core/csv.h"
#include "explore/mapping_search.h"
#include "serving/disaggregated.h"
#include "serving/metrics.h"
#include "serving/replica_setup.h"
#include "workloads/hf_config.h"

namespace tokenfab {
namespace {

const Schema<FrontEnd>& front_end_schema() {
  static const Schema<FrontEnd> schema = [] {
    Schema<FrontEnd> s("the server's front end on one kind of system");
    s.add("hardware", &FrontEnd::hardware, "InferenceX's hardware name (h200, b200, ...)");
    s.add("request_overhead", &FrontEnd::request_overhead,
          "per request outside the engine's steps on this hardware (EngineConfig::request_overhead)")
        .at_least(Seconds(0));
    return s;
  }();
  return schema;
}

const Schema<ServingValidationSpec>& serving_validation_schema() {
  static const Schema<ServingValidationSpec> schema = [] {
    Schema<ServingValidationSpec> s("InferenceX rows served by the serving simulation");
    s.add("measured", &ServingValidationSpec::measured, "measured.yaml (engines, systems, precisions), relative");
    s.add("file", &ServingValidationSpec::file, "the disaggregated rows' CSV, relative to this file");
    s.add("model", &ServingValidationSpec::model, "config.json, relative to this file");
    s.add("requests_per_user", &ServingValidationSpec::requests_per_user, "requests sent per concurrent user")
        .positive();
    s.add("length_ratio", &ServingValidationSpec::length_ratio, "lengths uniform in [ratio, 1] x nominal")
        .at_least(0.0)
        .at_most(1.0);
    s.add("max_concurrency", &ServingValidationSpec::max_concurrency, "rows above are printed outside, not served")
        .at_least(std::int64_t{1});
    s.add("context_bucket", &ServingValidationSpec::context_bucket, "decodes timed at contexts rounded up to this")
        .at_least(std::int64_t{1});
    s.add("routing", &ServingValidationSpec::routing, "how the frontend picks a disaggregated row's workers")
        .default_value(Routing::round_robin);
    s.add("tolerance", &ServingValidationSpec::tolerance, "largest median |error| of each metric").at_least(0.0);
    s.add("server_file", &ServingValidationSpec::server_file, "MLPerf Server/Interactive rows' CSV, relative");
    s.add("server_requests", &ServingValidationSpec::server_requests, "Poisson requests per MLPerf row")
        .at_least(std::int64_t{100});
    s.list("recipes", &ServingValidationSpec::recipes, recipe_schema());
    s.list("front_ends", &ServingValidationSpec::front_ends, front_end_schema());
    return s;
  }();
  return schema;
}

// The mapping of a worker: SGLang's and TensorRT-LLM's "DP attention" is
// attention data parallel over the worker's GPUs, experts over ep (as the
// aggregated rows, explore/measured.cc).
Mapping worker_mapping(int tp, int ep, bool dp_attention) {
  return dp_attention ? Mapping{.tp = 1, .attn_dp = tp, .ep = ep} : Mapping{.tp = tp, .attn_dp = 1, .ep = ep};
}

}  // namespace

SchedulerLimits row_limits(const ServingValidationSpec& spec, const ServingRow& row, const Mapping& mapping,
                           const std::string& pool) {
  const RecipeRow r{row.framework,   row.hardware, row.format, row.speculative, row.isl, row.osl,
                    row.concurrency, mapping,      pool};
  const int drafts = row.speculative ? engine_named(spec.spec, row.framework).speculative.draft_tokens : 0;
  return apply_recipes(
      spec.recipes, {.max_batch = std::nullopt, .token_budget = spec.spec.inferencex.prefill_chunk_tokens}, r, drafts);
}

ServingValidationSpec load_serving_validation(const std::string& file, const std::vector<std::string>& sets) {
  ConfigNode resolved;
  ServingValidationSpec s = load_config(file, serving_validation_schema(), sets, nullptr, &resolved);
  s.measured = path_beside(resolved.find("measured"), s.measured);
  s.file = path_beside(resolved.find("file"), s.file);
  s.model = path_beside(resolved.find("model"), s.model);
  s.server_file = path_beside(resolved.find("server_file"), s.server_file);
  s.spec = load_measured_spec(s.measured, {});
  // A front end for hardware no row runs on would apply to nothing: a typo.
  for (std::size_t i = 0; i < s.front_ends.size(); ++i) {
    const std::string& hardware = s.front_ends[i].hardware;
    if (std::none_of(s.spec.systems.begin(), s.spec.systems.end(),
                     [&](const HardwareSystem& h) { return h.hardware == hardware; }))
      throw InputError({fmt::format("front_ends.{}.hardware", i)},
                       fmt::format("{}: '{}' is no hardware of {}'s systems", file, hardware, s.measured));
  }
  return s;
}

std::vector<ServingRow> serving_rows(const ServingValidationSpec& spec) {
  const std::string& file = spec.file;
  std::vector<ServingRow> out;
  constexpr double kMost = 1 << 20;
  auto count = [&](const CsvRow& r, const char* column) {
    const double v = csv_number(file, r, column, "measured");
    if (!(v >= 1 && v <= kMost))
      throw InputError({"measured"}, fmt::format("{}:{}: column '{}' holds '{}', expected a number from 1 to {}", file,
                                                 r.line, column, r.cell.at(column), kMost));
    return static_cast<int>(v);
  };
  for (const CsvRow& r : read_csv_file(file,
                                       {"hardware",
                                        "framework",
                                        "precision",
                                        "spec_decoding",
                                        "prefill_workers",
                                        "prefill_tp",
                                        "prefill_ep",
                                        "prefill_dp_attention",
                                        "prefill_gpus",
                                        "decode_workers",
                                        "decode_tp",
                                        "decode_ep",
                                        "decode_dp_attention",
                                        "decode_gpus",
                                        "num_gpus",
                                        "isl",
                                        "osl",
                                        "concurrency",
                                        "ttft_median_ms",
                                        "tpot_median_ms",
                                        "tok_s_per_gpu",
                                        "run_url",
                                        "prefill_max_batch",
                                        "decode_max_batch",
                                        "prefill_token_budget"},
                                       "measured")) {
    const auto& c = r.cell;
    ServingRow row;
    row.key = inferencex_key(c);
    row.source = c.at("run_url");
    row.hardware = c.at("hardware");
    row.framework = c.at("framework");
    row.format = c.at("precision");
    row.speculative = c.at("spec_decoding") == "mtp";
    row.half = "evaluation";
    row.isl = count(r, "isl");
    row.osl = count(r, "osl");
    row.concurrency = count(r, "concurrency");
    row.gpus = count(r, "num_gpus");
    row.ttft = csv_number(file, r, "ttft_median_ms", "measured") * 1e-3;
    row.tpot = csv_number(file, r, "tpot_median_ms", "measured") * 1e-3;
    row.throughput_per_gpu = csv_number(file, r, "tok_s_per_gpu", "measured");
    if (!c.at("prefill_max_batch").empty()) row.prefill_max_batch = count(r, "prefill_max_batch");
    if (!c.at("decode_max_batch").empty()) row.decode_max_batch = count(r, "decode_max_batch");
    if (!c.at("prefill_token_budget").empty()) row.prefill_token_budget = count(r, "prefill_token_budget");
    if (c.at("prefill_workers").empty() || c.at("decode_workers").empty()) {
      row.unusable = "the row does not give its workers' parallelism";
    } else {
      for (const char* side : {"prefill", "decode"}) {
        const std::string p = side;
        const int workers = count(r, (p + "_workers").c_str()), tp = count(r, (p + "_tp").c_str());
        const int gpus = count(r, (p + "_gpus").c_str());
        PoolShape shape{workers, worker_mapping(tp, count(r, (p + "_ep").c_str()), c.at(p + "_dp_attention") == "yes")};
        if (gpus != workers * tp && row.unusable.empty())
          row.unusable = fmt::format("its {} parallelism (tp {}) does not cover its {} GPUs over {} workers", side, tp,
                                     gpus, workers);
        (p == "prefill" ? row.prefill : row.decode) = shape;
      }
    }
    out.push_back(std::move(row));
  }
  // The aggregated rows, as the steady-state validation reads them.
  for (const MeasuredRow& m : load_measured_rows(spec.spec)) {
    if (!m.concurrency || !m.key.starts_with("inferencex/")) continue;
    ServingRow row;
    row.key = m.key;
    row.source = m.source;
    row.hardware = m.hardware;
    row.framework = m.framework;
    row.format = m.format;
    row.speculative = m.speculative;
    row.disaggregated = false;
    const auto half = spec.spec.calibration.find(m.key);
    row.half = half != spec.spec.calibration.end() && half->second ? "calibration" : "evaluation";
    row.decode = PoolShape{1, m.mapping};
    row.isl = m.nominal_input;
    row.osl = m.nominal_output;
    row.concurrency = *m.concurrency;
    row.gpus = m.gpus;
    row.ttft = m.ttft.value_or(0);
    row.tpot = m.tpot.value_or(0);
    row.throughput_per_gpu = m.throughput_per_gpu;
    if (!m.ttft) row.unusable = "the row gives no TTFT";
    out.push_back(std::move(row));
  }
  return out;
}

Seconds front_end_for(const ServingValidationSpec& spec, const ServingRow& row, const ServingTerms& terms,
                      Seconds engine) {
  if (auto it = terms.front_end_of.find(row.hardware); it != terms.front_end_of.end()) return it->second;
  if (terms.front_end) return *terms.front_end;
  for (const FrontEnd& f : spec.front_ends) {
    if (f.hardware == row.hardware) return f.request_overhead;
  }
  return engine;
}

ServedRow serve_row(const ServingValidationSpec& spec, const ServingRow& row, const ServingTerms& terms) {
  ServedRow out;
  if (!row.unusable.empty()) {
    out.outside = row.unusable;
    out.outside_kind = row.disaggregated && row.prefill ? "the row's parallelism does not cover its GPUs"
                                                        : "the row does not give its workers' parallelism or its TTFT";
    return out;
  }
  if (row.concurrency > spec.max_concurrency) {
    out.outside = fmt::format("concurrency {} is above the {} served here (the run's steps grow with it)",
                              row.concurrency, spec.max_concurrency);
    out.outside_kind =
        fmt::format("concurrency above {}: not served (a run's steps grow with it)", spec.max_concurrency);
    return out;
  }
  const SystemConfig& system = system_for(spec.spec, row.hardware).system;
  for (const auto* side : {&row.prefill, &row.decode}) {
    if (!side->has_value()) continue;
    const PoolShape* p = &**side;
    if (p->mapping.replica_devices() > system.chips) {
      out.outside = fmt::format(
          "a worker of {} GPUs spans {} systems of {} ({} over the scale-out network is not "
          "modelled)",
          p->mapping.replica_devices(), system.name, system.chips, p->mapping.label());
      out.outside_kind = "a worker spans several systems (tensor parallel over the scale-out network is not modelled)";
      return out;
    }
  }
  const ModelSpec& model = model_at(spec.model);
  const Precision& precision = precision_for(spec.spec, row.format);
  EngineConfig engine = engine_named(spec.spec, row.framework);
  if (!row.speculative) engine.speculative = {};
  engine.request_overhead = front_end_for(spec, row, terms, engine.request_overhead);
  if (terms.prefill_attention) engine.prefill_attention = *terms.prefill_attention;
  const ClosedLoop load{row.concurrency,
                        std::max<std::int64_t>(row.concurrency, std::llround(spec.requests_per_user *
                                                                             static_cast<double>(row.concurrency))),
                        nominal_lengths(row.isl, spec.length_ratio), nominal_lengths(row.osl, spec.length_ratio), 1};
  try {
    if (!row.disaggregated) {
      const ReplicaSetup one(system, model, precision, row.decode->mapping, engine,
                             row_limits(spec, row, row.decode->mapping, "both"));
      AnalyticalStepModel steps(one.config(spec.context_bucket));
      const ServingRun run = simulate(steps, one.scheduler, load);
      const ServingMetrics m = serving_metrics(run, {}, row.gpus, one.scheduler.kv_blocks);
      out.served = true;
      out.ttft = m.ttft.p50.value();
      out.tpot = m.tpot.p50.value();
      out.throughput_per_gpu = m.tokens_per_second_per_device;
      out.steps = std::ssize(run.steps);
      return out;
    }
    SchedulerLimits prefill_limits = row_limits(spec, row, row.prefill->mapping, "prefill");
    if (row.prefill_max_batch) prefill_limits.max_batch = *row.prefill_max_batch;
    if (row.prefill_token_budget) prefill_limits.token_budget = *row.prefill_token_budget;
    const ReplicaSetup pre(system, model, precision, row.prefill->mapping, engine, prefill_limits);
    SchedulerLimits decode_limits = row_limits(spec, row, row.decode->mapping, "decode");
    if (row.decode_max_batch) decode_limits.max_batch = *row.decode_max_batch;
    const ReplicaSetup dec(system, model, precision, row.decode->mapping, engine, decode_limits);
    AnalyticalStepModel prefill_steps(pre.config(spec.context_bucket)), decode_steps(dec.config(spec.context_bucket));
    const int prefill_devices = row.prefill->mapping.replica_devices();
    const int decode_devices = row.decode->mapping.replica_devices();
    const int both = row.prefill->workers * prefill_devices + row.decode->workers * decode_devices;
    // NVLink when both pools share one scale-up domain, else the NICs.
    const bool nvlink = both <= system.scale_up.domain;
    if (!nvlink && !system.chip.scale_out) {
      out.outside = system.name + " has no scale-out link for the KV cache";
      out.outside_kind = out.outside;
      return out;
    }
    const LinkConfig& link = nvlink ? system.chip.scale_up : *system.chip.scale_out;
    constexpr std::int64_t kProbe = 4096;
    const KvLink kv{Seconds(0), link.latency, link.sustained_bandwidth() * static_cast<double>(prefill_devices),
                    link.sustained_bandwidth() * static_cast<double>(decode_devices),
                    kv_cache_bytes(model, kProbe, precision.kv_cache) / static_cast<double>(kProbe)};
    const ServingRun run = simulate_disaggregated(
        {std::vector<StepModel*>(static_cast<std::size_t>(row.prefill->workers), &prefill_steps), pre.scheduler},
        {std::vector<StepModel*>(static_cast<std::size_t>(row.decode->workers), &decode_steps), dec.scheduler}, kv,
        load, spec.routing, FirstToken::decode);
    const ServingMetrics m = serving_metrics(run, {}, row.gpus, dec.scheduler.kv_blocks, 1);
    out.served = true;
    out.ttft = m.ttft.p50.value();
    out.tpot = m.tpot.p50.value();
    out.throughput_per_gpu = m.tokens_per_second_per_device;
    out.kv_path = nvlink ? "nvlink" : "nic";
    out.steps = std::ssize(run.steps);
  } catch (const InputError& e) {
    out.outside = e.what();
    out.outside_kind = "the model does not fit (weights and a step's activations leave no KV cache)";
  }
  return out;
}

std::vector<ServerRow> server_rows(const ServingValidationSpec& spec) {
  const std::string& file = spec.server_file;
  std::vector<ServerRow> out;
  for (const CsvRow& r : read_csv_file(file,
                                       {"round", "scenario", "accelerator_short", "total_accelerators", "benchmark",
                                        "samples_per_s", "tokens_per_sample_observed", "ttft_limit_ms", "tpot_limit_ms",
                                        "ttft_p99_ms", "tpot_p99_ms", "software_framework", "source_path"},
                                       "measured")) {
    const auto& c = r.cell;
    auto number = [&](const char* column) { return csv_number(file, r, column, "measured"); };
    ServerRow row;
    row.benchmark = c.at("benchmark");
    row.scenario = c.at("scenario");
    row.hardware = c.at("accelerator_short");
    row.key = fmt::format("mlperf/{}/{}/{}/{}", row.hardware, c.at("round"), row.benchmark, row.scenario);
    row.source = c.at("source_path");
    row.framework = c.at("software_framework").starts_with("TensorRT") ? "trt" : "";
    const double gpus = number("total_accelerators");
    if (!(gpus >= 1 && gpus <= 1 << 20))
      throw InputError({"measured"}, fmt::format("{}:{}: total_accelerators out of range", file, r.line));
    row.gpus = static_cast<int>(gpus);
    row.samples_per_s = number("samples_per_s");
    const BenchmarkSpec* bench = nullptr;
    for (const auto& b : spec.spec.mlperf.benchmarks) {
      if (b.name == row.benchmark) bench = &b;
    }
    if (!bench)
      throw InputError({"measured"}, fmt::format("{}:{}: benchmark '{}' is not described in measured.yaml", file,
                                                 r.line, row.benchmark));
    row.input = bench->input_tokens;
    row.output = c.at("tokens_per_sample_observed").empty()
                     ? bench->output_tokens
                     : std::max<std::int64_t>(1, std::llround(number("tokens_per_sample_observed")));
    row.ttft_limit = number("ttft_limit_ms") * 1e-3;
    row.tpot_limit = number("tpot_limit_ms") * 1e-3;
    row.ttft_p99 = number("ttft_p99_ms") * 1e-3;
    row.tpot_p99 = number("tpot_p99_ms") * 1e-3;
    out.push_back(std::move(row));
  }
  return out;
}

ServedServerRow serve_server_row(const ServingValidationSpec& spec, const ServerRow& row) {
  ServedServerRow out;
  const HardwareSystem& hw = system_for(spec.spec, row.hardware);
  std::string model_path;
  for (const auto& b : spec.spec.mlperf.benchmarks) {
    if (b.name == row.benchmark) model_path = b.model;
  }
  const ModelSpec& model = model_at(model_path);
  const Precision& precision = precision_for(spec.spec, hw.format);
  EngineConfig engine = engine_named(spec.spec, row.framework);
  engine.speculative = {};
  engine.request_overhead = Seconds(0);  // LoadGen calls the engine: no server front end
  try {
    // The decode mapping with the most tokens per GPU at the middle of the
    // output, as the Offline rows choose it, without pipeline stages: a
    // serving step passes one batch through every stage in turn (the loop
    // does not overlap micro-batches), so a pipeline would time as its sum.
    SearchSpace space = default_space(hw.system, model, engine.max_batch.value_or(4096));
    space.pp = {1};
    space.max_devices = std::min(row.gpus, hw.system.chips);
    const auto points = sweep(hw.system, model, precision, engine, decode_shape(row.input + row.output / 2), space);
    const Point* best = most_per_device(points);
    if (!best) {
      out.outside = "no mapping of the model fits the submitted GPUs";
      return out;
    }
    out.mapping = best->mapping;
    out.replicas = std::max(1, row.gpus / out.mapping.replica_devices());
    const ReplicaSetup setup(hw.system, model, precision, out.mapping, engine,
                             {.max_batch = std::nullopt, .token_budget = spec.spec.inferencex.prefill_chunk_tokens});
    AnalyticalStepModel steps(setup.config(spec.context_bucket));
    const OpenLoop load{poisson_requests({.rate = row.samples_per_s,
                                          .count = spec.server_requests,
                                          .input = {row.input, row.input},
                                          .output = {row.output, row.output},
                                          .seed = 1})};
    const ServingRun run = simulate(std::vector<StepModel*>(static_cast<std::size_t>(out.replicas), &steps),
                                    setup.scheduler, load, Routing::least_loaded);
    const ServingMetrics m = serving_metrics(run, {}, row.gpus, setup.scheduler.kv_blocks);
    out.served = true;
    out.ttft_p99 = m.ttft.p99.value();
    out.tpot_p99 = m.tpot.p99.value();
    // The floor under a TTFT: one prompt alone, a chunk a step.
    for (std::int64_t done = 0; done < row.input;) {
      const std::int64_t chunk = std::min(row.input - done, setup.scheduler.token_budget);
      out.prompt_alone += steps.time_step({.sequences = {{Phase::prefill, chunk, done}}}).time.value();
      done += chunk;
    }
  } catch (const InputError& e) {
    out.outside = e.what();
  }
  return out;
}

}  // namespace tokenfab
