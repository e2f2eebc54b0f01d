// `tokenfab serve`: a serving simulation of one replica of the run's mapping
// (serving/simulator.h): requests from a closed-loop client or a Poisson
// source, continuous batching with chunked prefill over a paged KV cache, each
// step timed by the analytical or SystemC step model; prints and writes
// TTFT, TPOT and end-to-end latency at p50/p90/p99, throughput and goodput.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <memory>

#include "app/deployment.h"
#include "app/serve_options.h"
#include "hw/rack/systemc_step_model.h"

namespace tokenfab {
namespace {

int serve(const ServeOptions& o, const Invocation& invocation) {
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
  const ReplicaSetup setup(c.system, run.model, c.precision, c.mapping, engine, o.limits);
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
  auto o = std::make_shared<ServeOptions>();
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
        cmd.add_option_function<std::int64_t>(
               "--max-batch", [o](std::int64_t n) { o->limits.max_batch = n; },
               "running sequences (default: the engine's max_batch, else 256)")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--token-budget", o->limits.token_budget, "new tokens per step (chunked prefill)")
            ->check(CLI::PositiveNumber);
        cmd.add_flag_function(
            "--whole-prompts", [o](std::int64_t) { o->limits.chunked_prefill = false; },
            "a prompt goes into a step whole or waits, no chunked prefill (TensorRT-LLM's default)");
        cmd.add_flag_function(
            "--overlap", [o](std::int64_t) { o->limits.overlap = true; },
            "the engine forms a step while the last one runs, so a new request waits one step more (SGLang's and "
            "TensorRT-LLM's overlap scheduler)");
        cmd.add_option(
               "--batch-wait-steps", o->limits.batch_wait_steps,
               "hold new prompts back this many steps while decodes run (TensorRT-LLM batch_wait_timeout_iters)")
            ->check(CLI::NonNegativeNumber);
        cmd.add_option("--batch-wait-tokens-ratio", o->limits.batch_wait_tokens_ratio,
                       "or until the step's tokens reach this share of the budget (batch_wait_max_tokens_ratio)")
            ->check(CLI::Range(0.0, 1.0));
        cmd.add_option("--receive-interval", o->limits.receive_interval,
                       "decode steps between the engine's looks for new requests (SGLang --scheduler-recv-interval)")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--balance-timeout-steps", o->limits.balance_timeout_steps,
                       "attention-DP balance: prompts wait until every rank has one, at most this many steps "
                       "(TensorRT-LLM attention_dp_config timeout_iters)")
            ->check(CLI::NonNegativeNumber);
        cmd.add_option("--balance-batching-steps", o->limits.balance_batching_steps,
                       "with --balance-timeout-steps: once every rank has a prompt, wait at most this many steps "
                       "more for company (TensorRT-LLM attention_dp_config batching_wait_iters)")
            ->check(CLI::NonNegativeNumber);
        cmd.add_option("--block-tokens", o->limits.block_tokens, "tokens per KV-cache block")
            ->check(CLI::PositiveNumber);
        cmd.add_option("--ttft-slo", o->ttft_slo, "time-to-first-token limit, seconds")->check(CLI::NonNegativeNumber);
        require_output_path(
            cmd.add_option("--timeline", o->timeline, "Perfetto timeline of the steps and requests in --window"));
        cmd.add_option("--window", o->window, "the timeline's start and end, seconds (default: 0 10)")->expected(2);
        cmd.add_option("--replicas", o->replicas, "replicas of the run's mapping behind one router")
            ->check(CLI::Range(1, 4096));
        cmd.add_option("--routing", o->routing,
                       "round_robin, least_loaded (fewest running and waiting) or kv_aware (most of the prompt's "
                       "prefix cached, then least loaded)")
            ->check(CLI::IsMember(enum_names<Routing>()));
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
