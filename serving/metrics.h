// What users and operators see of a serving run: latencies per request at
// their percentiles, throughput, and how many requests met their SLOs.
//
//   ServingMetrics m = serving_metrics(run, {.ttft = Seconds(2), .tpot = Seconds(0.05)}, /*devices=*/8);
//   m.ttft.p99, m.tpot.p50, m.output_tokens_per_second, m.slo_attainment, m.goodput
//
// Per request (economics-serving.md 3.1): TTFT = first token - arrival (queue
// and prefill); TPOT = (finish - first token) / (output tokens - 1), for
// requests of two or more output tokens; E2E = finish - arrival. Percentiles
// by nearest rank over the requests. Throughput counts every token of the
// finished requests over the span from the first arrival to the last finish.
// SLO attainment: the share of requests with TTFT and TPOT both within their
// limits; goodput: those requests per second (DistServe).
#pragma once

#include <cstdint>
#include <vector>

#include "serving/simulator.h"

namespace tokenfab {

struct Percentiles {
  Seconds p50, p90, p99, mean;
};

// Nearest rank: the smallest value with at least p of the values at or below it.
Percentiles percentiles(std::vector<double> values);

struct Slo {
  Seconds ttft{1e300};
  Seconds tpot{1e300};
};

struct ServingMetrics {
  std::int64_t requests = 0;
  Percentiles ttft, tpot, e2e, queueing;  // queueing: admitted - queued (the front end's time left out)
  // Disaggregated runs (over requests that moved): the cache's transfer
  // (kv_arrived - prefilled) and the wait for the decode pool's batch and
  // cache (decode_admitted - kv_arrived); both are inside TPOT.
  Percentiles kv_transfer, decode_wait;
  Seconds span;  // first arrival to last finish
  double requests_per_second = 0;
  double input_tokens_per_second = 0, output_tokens_per_second = 0;
  double tokens_per_second_per_device = 0;  // input and output
  double slo_attainment = 0;                // share of requests within both limits
  double goodput = 0;                       // requests per second within both limits
  std::int64_t preemptions = 0;
  double mean_decode_batch = 0;  // sequences decoding per step, averaged over steps
  double peak_kv_share = 0;      // most KV blocks in use at a step's start, over all
  double prefix_reuse = 0;       // share of prompt tokens a prefix cache held
};

// `kv_blocks`: of each replica of pool `kv_pool` (StepRecord::pool), whose
// steps the decode batch and KV figures are taken over.
ServingMetrics serving_metrics(const ServingRun& run, const Slo& slo, int devices, std::int64_t kv_blocks,
                               int kv_pool = 0);

}  // namespace tokenfab
