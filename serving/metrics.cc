#include "serving/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tokenfab {

Percentiles percentiles(std::vector<double> values) {
  if (values.empty()) return {};
  std::sort(values.begin(), values.end());
  auto rank = [&](double p) {
    const auto n = static_cast<double>(values.size());
    const auto k = static_cast<std::size_t>(std::max(1.0, std::ceil(p * n)));
    return Seconds(values[k - 1]);
  };
  const double sum = std::accumulate(values.begin(), values.end(), 0.0);
  return {rank(0.5), rank(0.9), rank(0.99), Seconds(sum / static_cast<double>(values.size()))};
}

ServingMetrics serving_metrics(const ServingRun& run, const Slo& slo, int devices, std::int64_t kv_blocks,
                               int kv_pool) {
  ServingMetrics m;
  std::vector<double> ttft, tpot, e2e, queueing, transfer, wait;
  double first = 1e300, last = 0, input = 0, output = 0, within = 0, reused = 0;
  for (const auto& r : run.requests) {
    const double arrival = r.request.arrival.value();
    const double ft = (r.first_token - r.request.arrival).value();
    const double total = (r.finished - r.request.arrival).value();
    ttft.push_back(ft);
    e2e.push_back(total);
    queueing.push_back((r.admitted - r.queued).value());
    if (r.kv_arrived >= Seconds(0)) {
      transfer.push_back((r.kv_arrived - r.prefilled).value());
      wait.push_back((r.decode_admitted - r.kv_arrived).value());
    }
    const bool has_tpot = r.request.output_tokens > 1;
    const double per_token =
        has_tpot ? (r.finished - r.first_token).value() / static_cast<double>(r.request.output_tokens - 1) : 0.0;
    if (has_tpot) tpot.push_back(per_token);
    if (ft <= slo.ttft.value() && per_token <= slo.tpot.value()) within += 1;
    first = std::min(first, arrival);
    last = std::max(last, r.finished.value());
    input += static_cast<double>(r.request.input_tokens);
    reused += static_cast<double>(r.reused_tokens);
    output += static_cast<double>(r.request.output_tokens);
  }
  m.requests = std::ssize(run.requests);
  m.ttft = percentiles(ttft);
  m.tpot = percentiles(tpot);
  m.e2e = percentiles(e2e);
  m.queueing = percentiles(queueing);
  m.kv_transfer = percentiles(transfer);
  m.decode_wait = percentiles(wait);
  m.preemptions = run.preemptions;
  if (m.requests == 0) return m;
  m.span = Seconds(last - first);
  const double span = std::max(m.span.value(), 1e-30);
  m.requests_per_second = static_cast<double>(m.requests) / span;
  m.input_tokens_per_second = input / span;
  m.output_tokens_per_second = output / span;
  m.tokens_per_second_per_device = (input + output) / span / std::max(devices, 1);
  m.slo_attainment = within / static_cast<double>(m.requests);
  m.prefix_reuse = reused / input;
  m.goodput = within / span;
  double decodes = 0, peak = 0, steps = 0;
  for (const auto& s : run.steps) {
    if (s.pool != kv_pool) continue;
    steps += 1;
    decodes += static_cast<double>(s.decodes);
    peak = std::max(peak, static_cast<double>(s.kv_blocks_used));
  }
  if (steps > 0) m.mean_decode_batch = decodes / steps;
  m.peak_kv_share = peak / static_cast<double>(std::max<std::int64_t>(kv_blocks, 1));
  return m;
}

}  // namespace tokenfab
