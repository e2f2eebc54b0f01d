// `tokenfab serve`: a serving simulation of one replica of the run's mapping
// (serving/simulator.h): requests from a closed-loop client or a Poisson
// source, continuous batching with chunked prefill over a paged KV cache, each
// step timed by the analytical or SystemC step model; prints and writes
// TTFT, TPOT and end-to-end latency at p50/p90/p99, throughput and goodput.
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>
#include <memory>

#include "app/command.h"
#include "app/deployment.h"
#include "app/run_options.h"
#include "core/atomic_file.h"
#include "hw/rack/systemc_step_model.h"
#include "serving/goodput.h"
#include "serving/metrics.h"
#include "serving/replica_setup.h"
#include "serving/request_trace.h"
#include "serving/serving_timeline.h"
#include "serving/simulator.h"

namespace tokenfab {
namespace {

struct Options {
  RunOptions run;
  std::string engine = "analytical";
  std::int64_t concurrency = 0;  // closed loop when positive
  double rate = 0;               // Poisson requests per second otherwise
  double burstiness = 1;         // coefficient of variation of the gaps (1: Poisson; above: gamma bursts)
  std::string trace;             // or a request trace replayed
  double speedup = 1;            // the trace's arrivals this many times faster
  std::int64_t requests = 0;     // 0: ten per concurrent user (InferenceX), or 1,000 at a rate
  std::int64_t input_tokens = 1024, output_tokens = 1024;
  double length_ratio = 0.8;  // lengths uniform in [ratio, 1] x nominal (InferenceX's random_range_ratio)
  std::uint64_t seed = 1;
  std::int64_t max_batch = 0;  // 0: the engine's, else 256
  std::int64_t token_budget = 8192;
  std::int64_t block_tokens = 16;
  std::int64_t batch_wait_steps = 0;  // delayed batching (TensorRT-LLM batch_wait_timeout_iters)
  double batch_wait_tokens_ratio = 0;
  std::int64_t receive_interval = 1;        // SGLang's --scheduler-recv-interval
  std::int64_t balance_timeout_steps = 0;   // TensorRT-LLM's attention-DP balance timeout_iters
  std::int64_t balance_batching_steps = 0;  // and its batching_wait_iters
  double ttft_slo = 0, tpot_slo = 0;        // seconds; 0: no limit
  bool bound = false;                       // the hardware bound's engine instead of the run's
  std::string timeline;                     // Perfetto timeline of a window of the run
  int replicas = 1;                         // of the run's mapping, behind one router
  std::string routing = "round_robin";
  bool prefix_caching = false;        // replicas keep prefilled prompts' blocks (a trace with block hashes)
  std::vector<double> window;         // its start and end, seconds (default: the first 10 s)
  std::vector<std::string> compare;   // deployments served the same stream after the first
  std::int64_t context_bucket = 256;  // decodes timed at contexts rounded up to this (1: exact)
  double goodput = 0;                 // with --compare: search each one's goodput at this attainment
};

// Whether the command line sets a run file's replicas or scheduler limits,
// which a deployment file sets for each of its pools.
bool sets_run_limits(const Options& o) {
  return o.replicas != 1 || o.max_batch > 0 || o.batch_wait_steps > 0 || o.receive_interval != 1 ||
         o.balance_timeout_steps > 0 || o.balance_batching_steps > 0;
}

nlohmann::ordered_json percentiles_json(const Percentiles& p) {
  return {{"p50", p.p50.value()}, {"p90", p.p90.value()}, {"p99", p.p99.value()}, {"mean", p.mean.value()}};
}

std::string requests_csv(const ServingRun& run) {
  std::string out = "id,arrival_s,input_tokens,output_tokens,admitted_s,first_token_s,finished_s,preemptions\n";
  for (const auto& r : run.requests) {
    out += fmt::format("{},{:.9g},{},{},{:.9g},{:.9g},{:.9g},{}\n", r.request.id, r.request.arrival.value(),
                       r.request.input_tokens, r.request.output_tokens, r.admitted.value(), r.first_token.value(),
                       r.finished.value(), r.preemptions);
  }
  return out;
}

RequestLoad request_load(const Options& o, const std::optional<RequestTrace>& trace) {
  const LengthRange in = nominal_lengths(o.input_tokens, o.length_ratio),
                    out = nominal_lengths(o.output_tokens, o.length_ratio);
  if (trace) return OpenLoop{trace->requests};
  if (o.concurrency > 0)
    return ClosedLoop{o.concurrency, o.requests > 0 ? o.requests : 10 * o.concurrency, in, out, o.seed};
  return OpenLoop{poisson_requests({o.rate, o.requests > 0 ? o.requests : 1000, in, out, o.seed, o.burstiness})};
}

nlohmann::ordered_json scheduler_json(const Scheduler& s) {
  return {{"max_batch", s.max_batch},
          {"batch_wait_steps", s.batch_wait_steps},
          {"batch_wait_tokens_ratio", s.batch_wait_tokens_ratio},
          {"receive_interval", s.receive_interval},
          {"balance_timeout_steps", s.balance_timeout_steps},
          {"balance_batching_steps", s.balance_batching_steps},
          {"token_budget", s.token_budget},
          {"block_tokens", s.block_tokens},
          {"kv_blocks", s.kv_blocks}};
}

std::string scheduler_line(const Scheduler& s) {
  std::string out = fmt::format(
      "up to {} sequences, {} new tokens a step on each of {} attention ranks, KV cache {} blocks of {} tokens",
      s.max_batch, s.token_budget, s.ranks, s.kv_blocks, s.block_tokens);
  // The admission settings an engine runs with, where they are on.
  if (s.batch_wait_steps > 0) out += fmt::format("; new prompts held up to {} steps", s.batch_wait_steps);
  if (s.receive_interval > 1) out += fmt::format("; new requests seen every {} decode steps", s.receive_interval);
  if (s.balance_timeout_steps > 0)
    out += fmt::format("; attention-DP balance up to {} steps (+{} for company)", s.balance_timeout_steps,
                       s.balance_batching_steps);
  return out;
}

// What every serving run writes and prints after its own header lines.
struct Served {
  ServingRun run;
  nlohmann::ordered_json json;      // the run's own fields
  std::vector<std::string> header;  // lines after the first
  int devices = 0;
  std::int64_t kv_blocks = 0;
  int kv_pool = 0;
  std::string answer;
  const SystemConfig* timeline_system = nullptr;
};

int report(const Options& o, const Invocation& invocation, const std::optional<RequestTrace>& trace, Served& s) {
  const Slo slo{Seconds(o.ttft_slo > 0 ? o.ttft_slo : 1e300), Seconds(o.tpot_slo > 0 ? o.tpot_slo : 1e300)};
  const ServingMetrics m = serving_metrics(s.run, slo, s.devices, s.kv_blocks, s.kv_pool);
  nlohmann::ordered_json j;
  j["command"] = "serve";
  j["arguments"] = invocation.arguments;
  for (const auto& [key, value] : s.json.items()) j[key] = value;
  j["answer"] = s.answer;
  if (trace) {
    j["load"] = {{"trace", o.trace}, {"speedup", o.speedup}, {"skipped_failed_requests", trace->skipped}};
  } else if (o.concurrency > 0) {
    j["load"] = {{"closed_loop_concurrency", o.concurrency}};
  } else {
    j["load"] = {{"poisson_rate_per_s", o.rate}, {"gap_cv", o.burstiness}};
  }
  j["requests"] = m.requests;
  j["ttft_s"] = percentiles_json(m.ttft);
  j["tpot_s"] = percentiles_json(m.tpot);
  j["e2e_s"] = percentiles_json(m.e2e);
  j["queueing_s"] = percentiles_json(m.queueing);
  if (s.run.requests.size() > 0 && s.kv_pool > 0) {
    j["kv_transfer_s"] = percentiles_json(m.kv_transfer);
    j["decode_wait_s"] = percentiles_json(m.decode_wait);
  }
  j["span_s"] = m.span.value();
  j["requests_per_s"] = m.requests_per_second;
  j["output_tokens_per_s"] = m.output_tokens_per_second;
  j["devices"] = s.devices;
  j["tokens_per_s_per_device"] = m.tokens_per_second_per_device;
  j["slo"] = {
      {"ttft_s", o.ttft_slo}, {"tpot_s", o.tpot_slo}, {"attainment", m.slo_attainment}, {"goodput_per_s", m.goodput}};
  j["preemptions"] = m.preemptions;
  j["mean_decode_batch"] = m.mean_decode_batch;
  j["peak_kv_share"] = m.peak_kv_share;
  j["prefix_reuse"] = m.prefix_reuse;
  j["steps"] = s.run.steps.size();
  write_file_atomically(std::filesystem::path(o.run.out) / "serving.json", j.dump(2) + "\n");
  write_file_atomically(std::filesystem::path(o.run.out) / "requests.csv", requests_csv(s.run));
  if (!o.timeline.empty()) {
    const double from = o.window.empty() ? 0.0 : o.window[0], to = o.window.empty() ? 10.0 : o.window[1];
    if (!(to > from)) throw InputError({"window"}, "expected a window's start before its end");
    serving_timeline(s.run, *s.timeline_system, Seconds(from), Seconds(to)).write(o.timeline);
  }
  if (o.run.quiet) return 0;
  auto ms = [](Seconds t) { return 1e3 * t.value(); };
  for (const auto& line : s.header) std::cout << line << "\n";
  std::cout << fmt::format("  TTFT   p50 {:.1f} ms  p90 {:.1f} ms  p99 {:.1f} ms\n", ms(m.ttft.p50), ms(m.ttft.p90),
                           ms(m.ttft.p99));
  std::cout << fmt::format("  TPOT   p50 {:.2f} ms  p90 {:.2f} ms  p99 {:.2f} ms ({:.0f} tok/s per user at p50)\n",
                           ms(m.tpot.p50), ms(m.tpot.p90), ms(m.tpot.p99), 1.0 / m.tpot.p50.value());
  if (s.kv_pool > 0) {
    std::cout << fmt::format(
        "  KV transfer p50 {:.2f} ms  p99 {:.2f} ms; wait for the decode pool p50 {:.1f} ms  p99 {:.1f} ms\n",
        ms(m.kv_transfer.p50), ms(m.kv_transfer.p99), ms(m.decode_wait.p50), ms(m.decode_wait.p99));
  }
  std::cout << fmt::format("  E2E    p50 {:.2f} s  p90 {:.2f} s  p99 {:.2f} s; queueing p50 {:.1f} ms\n",
                           m.e2e.p50.value(), m.e2e.p90.value(), m.e2e.p99.value(), ms(m.queueing.p50));
  std::cout << fmt::format(
      "  throughput: {:.2f} requests/s, {:.0f} output tok/s, {:.0f} tok/s per device ({} devices)\n",
      m.requests_per_second, m.output_tokens_per_second, m.tokens_per_second_per_device, s.devices);
  std::cout << fmt::format("  decode batch {:.1f} on average; KV cache at most {:.0f}% full; {} preemptions\n",
                           m.mean_decode_batch, 100 * m.peak_kv_share, m.preemptions);
  if (o.prefix_caching)
    std::cout << fmt::format("  prefix cache: {:.1f}% of prompt tokens reused\n", 100 * m.prefix_reuse);
  if (o.ttft_slo > 0 || o.tpot_slo > 0) {
    std::cout << fmt::format(
        "  SLO (TTFT <= {:.0f} ms, TPOT <= {:.1f} ms): {:.1f}% of requests, goodput {:.2f} requests/s\n",
        1e3 * o.ttft_slo, 1e3 * o.tpot_slo, 100 * m.slo_attainment, m.goodput);
  }
  std::cout << "  wrote " << o.run.out << "/serving.json, requests.csv" << (o.timeline.empty() ? "" : ", " + o.timeline)
            << "\n";
  return 0;
}

Routing routing_of(const Options& o) {
  if (o.routing == "kv_aware") return Routing::kv_aware;
  return o.routing == "least_loaded" ? Routing::least_loaded : Routing::round_robin;
}

// Tokens per prefix block when --prefix-caching asks for a cache, else 0.
std::int64_t prefix_blocks_of(const Options& o, const std::optional<RequestTrace>& trace) {
  if (!o.prefix_caching) return 0;
  if (!trace || trace->prefix_block_tokens == 0)
    throw InputError({"prefix-caching"},
                     "--prefix-caching needs a --trace whose requests carry prefix block hashes (Mooncake's hash_ids)");
  return trace->prefix_block_tokens;
}

// A deployment file: its pools, as the file sets them.
int serve_deployment(const Options& o, const Invocation& invocation, const std::optional<RequestTrace>& trace) {
  if (o.engine != "analytical")
    throw InputError({"engine"},
                     "a deployment's pools are timed by the analytical step model (SystemC elaborates "
                     "one replica per process; serve a run file with --engine systemc)");
  if (sets_run_limits(o))
    throw InputError({"replicas"},
                     "a deployment sets its replicas and batch limits in its file (change them with --set)");
  const LoadedDeployment loaded = load_deployment(o.run.run_file, o.run.sets);
  const Deployment& d = loaded.deployment;
  const DeploymentRun built(loaded, o.bound);
  Served s;
  s.run = built.simulate(request_load(o, trace), routing_of(o), prefix_blocks_of(o, trace));
  s.devices = built.devices();
  s.kv_pool = built.kv_pool();
  s.kv_blocks = built.pools().back().scheduler.kv_blocks;
  s.timeline_system = &built.pools().back().pool->system;
  s.answer = o.bound || !has_deployment_terms(d.engine) ? "hardware bound" : "deployed estimate";
  s.json["deployment"] = d.name;
  s.json["style"] = std::string(enum_name(d.style));
  s.json["model"] = loaded.model.name;
  s.json["routing"] = o.routing;
  nlohmann::ordered_json pools = nlohmann::ordered_json::array();
  s.header.push_back(fmt::format("{} ({}): {} on {}, {} requests, {} steps", d.name, enum_name(d.style),
                                 loaded.model.name, d.pod.name, s.run.requests.size(), s.run.steps.size()));
  s.header.push_back(
      fmt::format("  {}: GPU pools with {}; LPU pools with no deployment terms", s.answer,
                  s.answer == "hardware bound" ? "every deployment term off" : "the deployment's engine terms"));
  for (const BuiltPool& p : built.pools()) {
    nlohmann::ordered_json pj{{"role", p.label},
                              {"pool", p.pool->name},
                              {"system", p.pool->system.name},
                              {"mapping", p.mapping.str()},
                              {"replicas", p.replicas},
                              {"devices", p.devices},
                              {"engine", p.deployed ? "deployed estimate"
                                         : p.lpu    ? "hardware bound (LPU)"
                                                    : "hardware bound"}};
    pj["scheduler"] = scheduler_json(p.scheduler);
    pools.push_back(pj);
    const std::string ffn =
        p.devices > p.replicas * p.mapping.replica_devices()
            ? fmt::format(" with {} LPUs for the FFN", p.devices - p.replicas * p.mapping.replica_devices())
            : "";
    s.header.push_back(fmt::format("  {}: {} x {} on {}{} ({} devices); {}", p.label, p.replicas, p.mapping.label(),
                                   p.pool->system.name, ffn, p.devices, scheduler_line(p.scheduler)));
  }
  s.json["pools"] = pools;
  if (built.pools().size() > 1) {
    const KvLink& k = built.kv_link();
    s.json["kv_transfer"] = {{"overhead_s", k.overhead.value()},
                             {"latency_s", k.latency.value()},
                             {"sending_bytes_per_s", k.sending.value()},
                             {"taking_bytes_per_s", k.taking.value()},
                             {"bytes_per_token", k.per_token.value()}};
    s.header.push_back(fmt::format("  KV transfer over {}: {:.1f} kB a token, {} fixed, ports {} out and {} in",
                                   d.pod.interconnect.name, k.per_token.value() / 1e3,
                                   to_string(k.overhead + k.latency), to_string(k.sending), to_string(k.taking)));
  }
  return report(o, invocation, trace, s);
}

std::string load_text(const Options& o) {
  if (!o.trace.empty()) return fmt::format("the trace {} ({}x)", o.trace, o.speedup);
  const std::string lengths =
      fmt::format("prompts of {} and outputs of {} tokens (x{}-1)", o.input_tokens, o.output_tokens, o.length_ratio);
  if (o.concurrency > 0)
    return fmt::format("a closed loop of {} users, {} requests, {}", o.concurrency,
                       o.requests > 0 ? o.requests : 10 * o.concurrency, lengths);
  return fmt::format("{} arrivals at {}/s, {} requests, {}",
                     o.burstiness == 1 ? std::string("Poisson") : fmt::format("gamma (cv {})", o.burstiness), o.rate,
                     o.requests > 0 ? o.requests : 1000, lengths);
}

// Several deployments, one request stream: each one's latencies, throughput
// and SLO attainment, and its latencies over the first one's.
int serve_comparison(const Options& o, const Invocation& invocation, const std::optional<RequestTrace>& trace) {
  if (o.engine != "analytical" || sets_run_limits(o))
    throw InputError({"compare"}, "--compare serves deployment files, whose pools set their own replicas and limits");
  std::vector<std::string> files{o.run.run_file};
  files.insert(files.end(), o.compare.begin(), o.compare.end());
  const Slo slo{Seconds(o.ttft_slo > 0 ? o.ttft_slo : 1e300), Seconds(o.tpot_slo > 0 ? o.tpot_slo : 1e300)};
  if (o.goodput > 0 && (!(o.rate > 0) || (o.ttft_slo <= 0 && o.tpot_slo <= 0)))
    throw InputError({"goodput"}, "--goodput searches the Poisson --rate, starting there, under --ttft-slo/--tpot-slo");
  struct Row {
    std::string name, style;
    int devices = 0;
    ServingMetrics m;
    double goodput = 0;  // requests/s
  };
  std::vector<Row> rows;
  nlohmann::ordered_json j;
  j["command"] = "serve";
  j["arguments"] = invocation.arguments;
  j["load"] = load_text(o);
  j["answer"] = o.bound ? "hardware bound" : "deployed estimate (GPU pools; LPU pools at their bound)";
  j["deployments"] = nlohmann::ordered_json::array();
  for (const auto& file : files) {
    if (!is_deployment(file)) throw InputError({"compare"}, file + ": not a deployment file (it has no `style:`)");
    const LoadedDeployment loaded = load_deployment(file, o.run.sets);
    const DeploymentRun built(loaded, o.bound);
    const ServingRun run = built.simulate(request_load(o, trace), routing_of(o), prefix_blocks_of(o, trace));
    auto metrics_of = [&](const ServingRun& r) {
      return serving_metrics(r, slo, built.devices(), built.pools().back().scheduler.kv_blocks, built.kv_pool());
    };
    Row row{loaded.deployment.name, std::string(enum_name(loaded.deployment.style)), built.devices(), metrics_of(run)};
    if (o.goodput > 0) {
      row.goodput = goodput_rate(
          [&](double rate) {
            Options at = o;
            at.rate = rate;
            return metrics_of(built.simulate(request_load(at, trace), routing_of(o), prefix_blocks_of(o, trace)))
                .slo_attainment;
          },
          o.goodput, o.rate);
    }
    j["deployments"].push_back({{"file", file},
                                {"name", row.name},
                                {"style", row.style},
                                {"devices", row.devices},
                                {"ttft_s", percentiles_json(row.m.ttft)},
                                {"tpot_s", percentiles_json(row.m.tpot)},
                                {"e2e_s", percentiles_json(row.m.e2e)},
                                {"tokens_per_s_per_device", row.m.tokens_per_second_per_device},
                                {"slo_attainment", row.m.slo_attainment},
                                {"goodput_requests_per_s", row.goodput}});
    rows.push_back(std::move(row));
  }
  write_file_atomically(std::filesystem::path(o.run.out) / "serving_compare.json", j.dump(2) + "\n");
  if (o.run.quiet) return 0;
  auto ms = [](Seconds t) { return 1e3 * t.value(); };
  std::cout << fmt::format("{} on each deployment, {}:\n", load_text(o), j["answer"].get<std::string>());
  std::cout << fmt::format("  {:<48} {:>7} {:>17} {:>15} {:>15} {:>9} {:>5}\n", "deployment", "devices",
                           "TTFT p50/p99 ms", "TPOT p50/p99 ms", "E2E p50/p99 s", "tok/s/dev", "SLO");
  for (const Row& r : rows) {
    std::cout << fmt::format(
        "  {:<48} {:>7} {:>8.1f}/{:<8.1f} {:>7.2f}/{:<7.2f} {:>7.2f}/{:<7.2f} {:>9.0f} {:>4.0f}%\n", r.name, r.devices,
        ms(r.m.ttft.p50), ms(r.m.ttft.p99), ms(r.m.tpot.p50), ms(r.m.tpot.p99), r.m.e2e.p50.value(),
        r.m.e2e.p99.value(), r.m.tokens_per_second_per_device, 100 * r.m.slo_attainment);
  }
  const ServingMetrics& base = rows.front().m;
  std::cout << fmt::format("  against {} (p50; E2E also p99):\n", rows.front().name);
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const ServingMetrics& m = rows[i].m;
    std::cout << fmt::format("  {:<48} TTFT {:.2f}  TPOT {:.2f}  E2E {:.2f} (p99 {:.2f})\n", rows[i].name,
                             m.ttft.p50 / base.ttft.p50, m.tpot.p50 / base.tpot.p50, m.e2e.p50 / base.e2e.p50,
                             m.e2e.p99 / base.e2e.p99);
  }
  if (o.ttft_slo > 0 || o.tpot_slo > 0)
    std::cout << fmt::format("  SLO: TTFT <= {:.0f} ms and TPOT <= {:.1f} ms\n", 1e3 * o.ttft_slo, 1e3 * o.tpot_slo);
  if (o.goodput > 0) {
    std::cout << fmt::format("  goodput, the highest Poisson rate with at least {:.0f}% of requests within the SLO:\n",
                             100 * o.goodput);
    const double first = rows.front().goodput / rows.front().devices;
    for (const Row& r : rows) {
      const double per = r.goodput / r.devices;
      std::cout << fmt::format("  {:<48} {:>8.2f} requests/s, {:.3f} per device ({:.2f}x the first)\n", r.name,
                               r.goodput, per, per / first);
    }
  }
  std::cout << "  wrote " << o.run.out << "/serving_compare.json\n";
  return 0;
}

int serve(const Options& o, const Invocation& invocation) {
  if (o.concurrency <= 0 && !(o.rate > 0) && o.trace.empty())
    throw InputError({"serve"}, "give a closed-loop --concurrency, a Poisson --rate or a --trace");
  std::optional<RequestTrace> trace;
  if (!o.trace.empty()) {
    trace = read_request_trace(o.trace);
    scale_arrivals(trace->requests, o.speedup);
  }
  if (!o.compare.empty()) return serve_comparison(o, invocation, trace);
  if (is_deployment(o.run.run_file)) return serve_deployment(o, invocation, trace);
  LoadedRun run = load(o.run);
  const RunConfig& c = run.config;
  const EngineConfig engine = o.bound ? hardware_bound(c.engine) : c.engine;
  const ReplicaSetup setup(c.system, run.model, c.precision, c.mapping, engine,
                           {.max_batch = o.max_batch > 0 ? std::optional(o.max_batch) : std::nullopt,
                            .token_budget = o.token_budget,
                            .block_tokens = o.block_tokens,
                            .batch_wait_steps = o.batch_wait_steps,
                            .batch_wait_tokens_ratio = o.batch_wait_tokens_ratio,
                            .receive_interval = o.receive_interval,
                            .balance_timeout_steps = o.balance_timeout_steps,
                            .balance_batching_steps = o.balance_batching_steps});
  Scheduler scheduler = setup.scheduler;
  scheduler.prefix_block_tokens = prefix_blocks_of(o, trace);
  const StepModelConfig config = setup.config(o.context_bucket);
  std::unique_ptr<StepModel> steps;
  if (o.engine == "systemc") {
    steps = std::make_unique<SystemCStepModel>(config);
  } else {
    steps = std::make_unique<AnalyticalStepModel>(config);
  }
  Served s;
  // One step model serves every replica: each step is timed on its own.
  s.run = simulate(std::vector<StepModel*>(static_cast<std::size_t>(o.replicas), steps.get()), scheduler,
                   request_load(o, trace), routing_of(o));
  s.devices = c.mapping.replica_devices() * o.replicas;
  s.kv_blocks = scheduler.kv_blocks;
  s.timeline_system = &c.system;
  s.answer = o.bound || !has_deployment_terms(c.engine) ? "hardware bound" : "deployed estimate";
  s.json["system"] = c.system.name;
  s.json["model"] = run.model.name;
  s.json["mapping"] = c.mapping.str();
  s.json["engine"] = o.engine;
  s.json["replicas"] = o.replicas;
  s.json["routing"] = o.routing;
  s.json["scheduler"] = scheduler_json(scheduler);
  s.header.push_back(fmt::format("{} on {} ({}{}), {} step model: {} requests, {} steps", run.model.name, c.system.name,
                                 c.mapping.str(),
                                 o.replicas > 1 ? fmt::format("; {} replicas, {}", o.replicas, o.routing) : "",
                                 o.engine, s.run.requests.size(), s.run.steps.size()));
  s.header.push_back(fmt::format("  {}: {}", s.answer,
                                 s.answer == "hardware bound" ? "the run's engine with every deployment term off"
                                                              : "the run's engine terms (kernel efficiencies, "
                                                                "overheads, memory share)"));
  if (scheduler.draft_tokens > 0) {
    s.header.push_back(fmt::format(
        "  speculative decoding: {} draft token{} verified a step, each kept with p = {:.2f}: {:.2f} tokens a step",
        scheduler.draft_tokens, scheduler.draft_tokens == 1 ? "" : "s", engine.speculative.acceptance,
        scheduler.tokens_per_step));
  }
  s.header.push_back("  scheduler: " + scheduler_line(scheduler));
  return report(o, invocation, trace, s);
}

}  // namespace

Command serve_command() {
  auto o = std::make_shared<Options>();
  o->run.out = "out/serve";
  return {
      "serve", "simulate serving a request stream on one replica: latency percentiles, throughput, goodput",
      [o](CLI::App& cmd) {
        add_run_options(cmd, o->run, "output directory");
        cmd.add_option("--engine", o->engine, "step model: analytical or systemc")
            ->check(CLI::IsMember({"analytical", "systemc"}));
        cmd.add_option("--concurrency", o->concurrency, "closed loop: requests in flight (as InferenceX's client)");
        cmd.add_option("--rate", o->rate, "open loop: Poisson arrivals per second");
        cmd.add_option("--burstiness", o->burstiness,
                       "with --rate: coefficient of variation of the gaps between arrivals (1: Poisson; above 1: "
                       "gamma-distributed, in bursts)")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--trace", o->trace,
                       "replay a request trace: Azure or BurstGPT .csv, Mooncake .jsonl (workloads/requests/)");
        cmd.add_option("--speedup", o->speedup, "replay the trace's arrivals this many times faster")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--requests", o->requests, "requests sent (default: 10 per concurrent user, or 1,000)");
        cmd.add_option("--input-tokens", o->input_tokens, "nominal prompt length")->check(CLI::PositiveNumber);
        cmd.add_option("--output-tokens", o->output_tokens, "nominal output length")->check(CLI::PositiveNumber);
        cmd.add_option("--length-ratio", o->length_ratio, "lengths uniform in [ratio, 1] x nominal (InferenceX: 0.8)")
            ->check(CLI::Range(0.0, 1.0));
        cmd.add_option("--seed", o->seed, "request generator seed");
        cmd.add_option("--max-batch", o->max_batch, "running sequences (default: the engine's max_batch, else 256)");
        cmd.add_option("--token-budget", o->token_budget, "new tokens per step (chunked prefill)")
            ->check(CLI::PositiveNumber);
        cmd.add_option(
               "--batch-wait-steps", o->batch_wait_steps,
               "hold new prompts back this many steps while decodes run (TensorRT-LLM batch_wait_timeout_iters)")
            ->check(CLI::NonNegativeNumber);
        cmd.add_option("--batch-wait-tokens-ratio", o->batch_wait_tokens_ratio,
                       "or until the step's tokens reach this share of the budget (batch_wait_max_tokens_ratio)")
            ->check(CLI::Range(0.0, 1.0));
        cmd.add_option("--receive-interval", o->receive_interval,
                       "decode steps between the engine's looks for new requests (SGLang --scheduler-recv-interval)")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--balance-timeout-steps", o->balance_timeout_steps,
                       "attention-DP balance: prompts wait until every rank has one, at most this many steps "
                       "(TensorRT-LLM attention_dp_config timeout_iters)")
            ->check(CLI::NonNegativeNumber);
        cmd.add_option("--balance-batching-steps", o->balance_batching_steps,
                       "with --balance-timeout-steps: once every rank has a prompt, wait at most this many steps "
                       "more for company (TensorRT-LLM attention_dp_config batching_wait_iters)")
            ->check(CLI::NonNegativeNumber);
        cmd.add_option("--block-tokens", o->block_tokens, "tokens per KV-cache block")->check(CLI::PositiveNumber);
        cmd.add_option("--ttft-slo", o->ttft_slo, "time-to-first-token limit, seconds")->check(CLI::NonNegativeNumber);
        require_output_path(
            cmd.add_option("--timeline", o->timeline, "Perfetto timeline of the steps and requests in --window"));
        cmd.add_option("--window", o->window, "the timeline's start and end, seconds (default: 0 10)")->expected(2);
        cmd.add_option("--replicas", o->replicas, "replicas of the run's mapping behind one router")
            ->check(CLI::Range(1, 4096));
        cmd.add_option("--routing", o->routing,
                       "round_robin, least_loaded (fewest running and waiting) or kv_aware (most of the prompt's "
                       "prefix cached, then least loaded)")
            ->check(CLI::IsMember({"round_robin", "least_loaded", "kv_aware"}));
        cmd.add_flag("--prefix-caching", o->prefix_caching,
                     "replicas keep the blocks of the prompts they prefilled and skip a new prompt's cached prefix "
                     "(a trace with block hashes: Mooncake's hash_ids)");
        cmd.add_option("--context-bucket", o->context_bucket,
                       "run files: time decodes at contexts rounded up to a multiple of this (1: exact; "
                       "deployments set context_bucket in their file)")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--goodput", o->goodput,
                       "with --compare and --rate: each deployment's goodput, the highest rate with at least this "
                       "share of requests within the SLOs (DistServe: 0.9)")
            ->check(CLI::Range(0.0, 1.0));
        cmd.add_option("--compare", o->compare,
                       "more deployment files served the same request stream, in one table against the first");
        cmd.add_flag("--bound", o->bound, "time steps with the hardware bound (every deployment term off)");
        cmd.add_option("--tpot-slo", o->tpot_slo, "time-per-output-token limit, seconds")
            ->check(CLI::NonNegativeNumber);
      },
      [o](const Invocation& invocation) { return serve(*o, invocation); }};
}

}  // namespace tokenfab
