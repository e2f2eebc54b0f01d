#include "serving/simulator.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/diagnostics.h"
#include "serving/replica.h"

namespace tokenfab {
using namespace serving_detail;

ServingRun simulate(const std::vector<StepModel*>& steps, const Scheduler& s, const RequestLoad& load,
                    Routing routing) {
  if (steps.empty()) throw InputError({"replicas"}, "expected at least one replica");
  check_scheduler(s);
  ServingRun run;
  Arrivals arrivals(load);
  std::vector<Replica> replicas;
  replicas.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i)
    replicas.emplace_back(*steps[i], s, run, static_cast<int>(i), Role::both, 0);
  std::size_t turn = 0;  // round robin's next replica
  while (true) {
    // The busy replica whose clock is earliest steps next, after every
    // request that arrived by then is routed.
    Replica* next = nullptr;
    for (auto& r : replicas) {
      if (r.busy() && (!next || r.clock() < next->clock())) next = &r;
    }
    if (!arrivals.empty() && (!next || arrivals.front().arrival + s.request_overhead <= next->clock())) {
      const Request r = arrivals.pop();
      // Its prompt and every token it generates stay cached to its end, and
      // a verify step writes its drafts too before they are kept or dropped.
      check_fits(r, r.input_tokens + r.output_tokens + s.draft_tokens, s, "replica");
      RequestRecord record;
      record.request = r;
      run.requests.push_back(record);
      std::vector<std::int64_t> loads, matched;
      for (const auto& replica : replicas) {
        loads.push_back(replica.outstanding());
        if (routing == Routing::kv_aware) matched.push_back(replica.cached_blocks(r));
      }
      const std::size_t to = route(routing, loads, turn, matched);
      run.requests.back().replica = static_cast<int>(to);
      run.requests.back().queued = r.arrival + s.request_overhead;
      replicas[to].accept(run.requests.size() - 1, r.arrival + s.request_overhead);
      continue;
    }
    if (!next) break;
    for (int done = next->step(); done > 0; --done) arrivals.finished(next->clock());
  }
  return run;
}

ServingRun simulate(StepModel& steps, const Scheduler& s, const RequestLoad& load) {
  return simulate(std::vector<StepModel*>{&steps}, s, load, Routing::round_robin);
}

}  // namespace tokenfab
