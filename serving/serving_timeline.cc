#include "serving/serving_timeline.h"

#include <fmt/format.h>

#include <string>

namespace tokenfab {

TraceEvents serving_timeline(const ServingRun& run, const SystemConfig& system, Seconds from, Seconds to) {
  TraceEvents t;
  t.process(0, "engine");
  t.track(0, 0, "steps");
  for (const auto& s : run.steps) {
    if (s.start + s.time < from || s.start >= to) continue;
    t.slice({.pid = 0,
             .tid = 0,
             .name = fmt::format("{} decodes + {} prefill tokens", s.decodes, s.prefill_tokens),
             .category = resource_key(s.bound, system),
             .start = s.start,
             .duration = s.time,
             .args = {{"waiting", s.waiting}, {"kv_blocks_used", s.kv_blocks_used}}});
  }
  t.process(1, "requests");
  for (const auto& r : run.requests) {
    const Request& q = r.request;
    if (q.arrival < from || q.arrival >= to) continue;
    const int tid = static_cast<int>(q.id) + 1;
    t.track(1, tid, fmt::format("request {} ({} + {} tokens)", q.id, q.input_tokens, q.output_tokens));
    const nlohmann::json args = {
        {"input_tokens", q.input_tokens}, {"output_tokens", q.output_tokens}, {"preemptions", r.preemptions}};
    t.slice({1, tid, "queued", "queue", q.arrival, r.admitted - q.arrival, args});
    t.slice({1, tid, "prefill", "prefill", r.admitted, r.first_token - r.admitted, args});
    t.slice({1, tid, "decode", "decode", r.first_token, r.finished - r.first_token, args});
  }
  return t;
}

}  // namespace tokenfab
