#include "app/serve_options.h"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "core/atomic_file.h"
#include "serving/serving_timeline.h"

namespace tokenfab {

bool sets_run_limits(const ServeOptions& o) {
  // CLI11 leaves an option it was not given at the struct's default, so a
  // limit away from it was set on the command line (one set to its default
  // changes nothing, and passes).
  return o.replicas != 1 || o.limits != SchedulerLimits{};
}

nlohmann::ordered_json percentiles_json(const Percentiles& p) {
  return {{"p50", p.p50.value()}, {"p90", p.p90.value()}, {"p99", p.p99.value()}, {"mean", p.mean.value()}};
}

namespace {

std::string requests_csv(const ServingRun& run) {
  std::string out = "id,arrival_s,input_tokens,output_tokens,admitted_s,first_token_s,finished_s,preemptions\n";
  for (const auto& r : run.requests) {
    out += fmt::format("{},{:.9g},{},{},{:.9g},{:.9g},{:.9g},{}\n", r.request.id, r.request.arrival.value(),
                       r.request.input_tokens, r.request.output_tokens, r.admitted.value(), r.first_token.value(),
                       r.finished.value(), r.preemptions);
  }
  return out;
}

}  // namespace

RequestLoad request_load(const ServeOptions& o, const std::optional<RequestTrace>& trace) {
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
          {"chunked_prefill", s.chunked_prefill},
          {"prefill_apart", s.prefill_apart},
          {"overlap", s.overlap},
          {"block_tokens", s.block_tokens},
          {"kv_blocks", s.kv_blocks}};
}

std::string scheduler_line(const Scheduler& s) {
  std::string out = fmt::format(
      "up to {} sequences, {} new tokens a step on each of {} attention ranks, KV cache {} blocks of {} tokens",
      s.max_batch, s.token_budget, s.ranks, s.kv_blocks, s.block_tokens);
  // The admission settings an engine runs with, where they are on.
  if (!s.chunked_prefill) out += "; prompts whole, not chunked";
  if (s.prefill_apart) out += "; prompts apart from the decodes";
  if (s.overlap) out += "; overlap scheduler (a request seen a step later)";
  if (s.batch_wait_steps > 0) out += fmt::format("; new prompts held up to {} steps", s.batch_wait_steps);
  if (s.receive_interval > 1) out += fmt::format("; new requests seen every {} decode steps", s.receive_interval);
  if (s.balance_timeout_steps > 0)
    out += fmt::format("; attention-DP balance up to {} steps (+{} for company)", s.balance_timeout_steps,
                       s.balance_batching_steps);
  return out;
}

Routing routing_of(const ServeOptions& o) {
  // --routing is checked against the same names when parsed.
  return enum_from_name<Routing>(o.routing).value_or(Routing::round_robin);
}

std::int64_t prefix_blocks_of(const ServeOptions& o, const std::optional<RequestTrace>& trace) {
  if (!o.prefix_caching) return 0;
  if (!trace || trace->prefix_block_tokens == 0)
    throw InputError({"prefix-caching"},
                     "--prefix-caching needs a --trace whose requests carry prefix block hashes (Mooncake's hash_ids)");
  return trace->prefix_block_tokens;
}

std::string load_text(const ServeOptions& o) {
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

int report(const ServeOptions& o, const Invocation& invocation, const std::optional<RequestTrace>& trace, Served& s) {
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

}  // namespace tokenfab
