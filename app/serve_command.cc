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
#include "app/run_options.h"
#include "core/atomic_file.h"
#include "hw/rack/systemc_step_model.h"
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
  double ttft_slo = 0, tpot_slo = 0;  // seconds; 0: no limit
  bool bound = false;                 // the hardware bound's engine instead of the run's
  std::string timeline;               // Perfetto timeline of a window of the run
  int replicas = 1;                   // of the run's mapping, behind one router
  std::string routing = "round_robin";
  std::vector<double> window;  // its start and end, seconds (default: the first 10 s)
};

LengthRange lengths(std::int64_t nominal, double ratio) {
  return {std::max<std::int64_t>(1, std::llround(ratio * static_cast<double>(nominal))), nominal};
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

int serve(const Options& o, const Invocation& invocation) {
  if (o.concurrency <= 0 && !(o.rate > 0) && o.trace.empty())
    throw InputError({"serve"}, "give a closed-loop --concurrency, a Poisson --rate or a --trace");
  std::optional<RequestTrace> trace;
  if (!o.trace.empty()) {
    trace = read_request_trace(o.trace);
    scale_arrivals(trace->requests, o.speedup);
  }
  LoadedRun run = load(o.run);
  const RunConfig& c = run.config;
  const EngineConfig engine = o.bound ? hardware_bound(c.engine) : c.engine;
  const ReplicaSetup setup(c.system, run.model, c.precision, c.mapping, engine,
                           {.max_batch = o.max_batch > 0 ? std::optional(o.max_batch) : std::nullopt,
                            .token_budget = o.token_budget,
                            .block_tokens = o.block_tokens,
                            .batch_wait_steps = o.batch_wait_steps,
                            .batch_wait_tokens_ratio = o.batch_wait_tokens_ratio});
  const Scheduler& scheduler = setup.scheduler;
  const StepModelConfig config = setup.config();
  const int drafts = scheduler.draft_tokens;
  const LengthRange in = lengths(o.input_tokens, o.length_ratio), out = lengths(o.output_tokens, o.length_ratio);
  RequestLoad load;
  if (trace) {
    load = OpenLoop{trace->requests};
  } else if (o.concurrency > 0) {
    load = ClosedLoop{o.concurrency, o.requests > 0 ? o.requests : 10 * o.concurrency, in, out, o.seed};
  } else {
    load = OpenLoop{poisson_requests({o.rate, o.requests > 0 ? o.requests : 1000, in, out, o.seed})};
  }
  std::unique_ptr<StepModel> steps;
  if (o.engine == "systemc") {
    steps = std::make_unique<SystemCStepModel>(config);
  } else {
    steps = std::make_unique<AnalyticalStepModel>(config);
  }
  // One step model serves every replica: each step is timed on its own.
  const ServingRun served =
      simulate(std::vector<StepModel*>(static_cast<std::size_t>(o.replicas), steps.get()), scheduler, load,
               o.routing == "least_loaded" ? Routing::least_loaded : Routing::round_robin);
  const Slo slo{Seconds(o.ttft_slo > 0 ? o.ttft_slo : 1e300), Seconds(o.tpot_slo > 0 ? o.tpot_slo : 1e300)};
  const int devices = c.mapping.replica_devices() * o.replicas;
  const ServingMetrics m = serving_metrics(served, slo, devices, scheduler.kv_blocks);

  nlohmann::ordered_json j;
  j["command"] = "serve";
  j["arguments"] = invocation.arguments;
  j["system"] = c.system.name;
  j["model"] = run.model.name;
  j["mapping"] = c.mapping.str();
  j["engine"] = o.engine;
  j["replicas"] = o.replicas;
  j["routing"] = o.routing;
  j["answer"] = o.bound || !has_deployment_terms(c.engine) ? "hardware bound" : "deployed estimate";
  if (trace) {
    j["load"] = {{"trace", o.trace}, {"speedup", o.speedup}, {"skipped_failed_requests", trace->skipped}};
  } else if (o.concurrency > 0) {
    j["load"] = {{"closed_loop_concurrency", o.concurrency}};
  } else {
    j["load"] = {{"poisson_rate_per_s", o.rate}};
  }
  j["scheduler"] = {{"max_batch", scheduler.max_batch},
                    {"batch_wait_steps", scheduler.batch_wait_steps},
                    {"batch_wait_tokens_ratio", scheduler.batch_wait_tokens_ratio},
                    {"token_budget", scheduler.token_budget},
                    {"block_tokens", scheduler.block_tokens},
                    {"kv_blocks", scheduler.kv_blocks}};
  j["requests"] = m.requests;
  j["ttft_s"] = percentiles_json(m.ttft);
  j["tpot_s"] = percentiles_json(m.tpot);
  j["e2e_s"] = percentiles_json(m.e2e);
  j["queueing_s"] = percentiles_json(m.queueing);
  j["span_s"] = m.span.value();
  j["requests_per_s"] = m.requests_per_second;
  j["output_tokens_per_s"] = m.output_tokens_per_second;
  j["tokens_per_s_per_device"] = m.tokens_per_second_per_device;
  j["slo"] = {
      {"ttft_s", o.ttft_slo}, {"tpot_s", o.tpot_slo}, {"attainment", m.slo_attainment}, {"goodput_per_s", m.goodput}};
  j["preemptions"] = m.preemptions;
  j["mean_decode_batch"] = m.mean_decode_batch;
  j["peak_kv_share"] = m.peak_kv_share;
  j["steps"] = served.steps.size();
  write_file_atomically(std::filesystem::path(o.run.out) / "serving.json", j.dump(2) + "\n");
  write_file_atomically(std::filesystem::path(o.run.out) / "requests.csv", requests_csv(served));
  if (!o.timeline.empty()) {
    const double from = o.window.empty() ? 0.0 : o.window[0], to = o.window.empty() ? 10.0 : o.window[1];
    if (!(to > from)) throw InputError({"window"}, "expected a window's start before its end");
    serving_timeline(served, c.system, Seconds(from), Seconds(to)).write(o.timeline);
  }
  if (o.run.quiet) return 0;
  auto ms = [](Seconds s) { return 1e3 * s.value(); };
  std::cout << fmt::format("{} on {} ({}{}), {} step model: {} requests, {} steps\n", run.model.name, c.system.name,
                           c.mapping.str(),
                           o.replicas > 1 ? fmt::format("; {} replicas, {}", o.replicas, o.routing) : "", o.engine,
                           m.requests, served.steps.size());
  std::cout << fmt::format("  {}: {}\n", j["answer"].get<std::string>(),
                           o.bound || !has_deployment_terms(c.engine)
                               ? "the run's engine with every deployment term off"
                               : "the run's engine terms (kernel efficiencies, overheads, memory share)");
  if (drafts > 0) {
    std::cout << fmt::format(
        "  speculative decoding: {} draft token{} verified a step, each kept with p = {:.2f}: {:.2f} tokens a step\n",
        drafts, drafts == 1 ? "" : "s", engine.speculative.acceptance, scheduler.tokens_per_step);
  }
  std::cout << fmt::format(
      "  scheduler: up to {} sequences, {} new tokens a step on each of {} attention ranks, KV cache {} blocks of {} "
      "tokens\n",
      scheduler.max_batch, scheduler.token_budget, scheduler.ranks, scheduler.kv_blocks, scheduler.block_tokens);
  std::cout << fmt::format("  TTFT   p50 {:.1f} ms  p90 {:.1f} ms  p99 {:.1f} ms\n", ms(m.ttft.p50), ms(m.ttft.p90),
                           ms(m.ttft.p99));
  std::cout << fmt::format("  TPOT   p50 {:.2f} ms  p90 {:.2f} ms  p99 {:.2f} ms ({:.0f} tok/s per user at p50)\n",
                           ms(m.tpot.p50), ms(m.tpot.p90), ms(m.tpot.p99), 1.0 / m.tpot.p50.value());
  std::cout << fmt::format("  E2E    p50 {:.2f} s  p90 {:.2f} s  p99 {:.2f} s; queueing p50 {:.1f} ms\n",
                           m.e2e.p50.value(), m.e2e.p90.value(), m.e2e.p99.value(), ms(m.queueing.p50));
  std::cout << fmt::format("  throughput: {:.2f} requests/s, {:.0f} output tok/s, {:.0f} tok/s per device\n",
                           m.requests_per_second, m.output_tokens_per_second, m.tokens_per_second_per_device);
  std::cout << fmt::format("  decode batch {:.1f} on average; KV cache at most {:.0f}% full; {} preemptions\n",
                           m.mean_decode_batch, 100 * m.peak_kv_share, m.preemptions);
  if (o.ttft_slo > 0 || o.tpot_slo > 0) {
    std::cout << fmt::format(
        "  SLO (TTFT <= {:.0f} ms, TPOT <= {:.1f} ms): {:.1f}% of requests, goodput {:.2f} requests/s\n",
        1e3 * o.ttft_slo, 1e3 * o.tpot_slo, 100 * m.slo_attainment, m.goodput);
  }
  std::cout << "  wrote " << o.run.out << "/serving.json, requests.csv" << (o.timeline.empty() ? "" : ", " + o.timeline)
            << "\n";
  return 0;
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
        cmd.add_option("--block-tokens", o->block_tokens, "tokens per KV-cache block")->check(CLI::PositiveNumber);
        cmd.add_option("--ttft-slo", o->ttft_slo, "time-to-first-token limit, seconds")->check(CLI::NonNegativeNumber);
        require_output_path(
            cmd.add_option("--timeline", o->timeline, "Perfetto timeline of the steps and requests in --window"));
        cmd.add_option("--window", o->window, "the timeline's start and end, seconds (default: 0 10)")->expected(2);
        cmd.add_option("--replicas", o->replicas, "replicas of the run's mapping behind one router")
            ->check(CLI::Range(1, 4096));
        cmd.add_option("--routing", o->routing, "round_robin or least_loaded (fewest running and waiting)")
            ->check(CLI::IsMember({"round_robin", "least_loaded"}));
        cmd.add_flag("--bound", o->bound, "time steps with the hardware bound (every deployment term off)");
        cmd.add_option("--tpot-slo", o->tpot_slo, "time-per-output-token limit, seconds")
            ->check(CLI::NonNegativeNumber);
      },
      [o](const Invocation& invocation) { return serve(*o, invocation); }};
}

}  // namespace tokenfab
