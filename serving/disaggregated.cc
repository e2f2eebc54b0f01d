#include "serving/disaggregated.h"

#include <algorithm>
#include <map>
#include <utility>

#include "core/diagnostics.h"
#include "hw/common/port_server.h"
#include "serving/replica.h"

namespace tokenfab {
using namespace serving_detail;
namespace {

std::vector<Replica> replicas_of(const Pool& pool, ServingRun& run, Role role, int index) {
  std::vector<Replica> out;
  out.reserve(pool.steps.size());
  for (std::size_t i = 0; i < pool.steps.size(); ++i)
    out.emplace_back(*pool.steps[i], pool.scheduler, run, static_cast<int>(i), role, index);
  return out;
}

std::vector<std::int64_t> loads_of(const std::vector<Replica>& replicas) {
  std::vector<std::int64_t> loads;
  loads.reserve(replicas.size());
  for (const auto& r : replicas) loads.push_back(r.outstanding());
  return loads;
}

}  // namespace

ServingRun simulate_disaggregated(const Pool& prefill, const Pool& decode, const KvLink& link, const RequestLoad& load,
                                  Routing routing, FirstToken first_token) {
  if (prefill.steps.empty() || decode.steps.empty())
    throw InputError({"pools"}, "expected at least one prefill and one decode replica");
  if (!(link.sending.value() > 0) || !(link.taking.value() > 0) || link.per_token.value() < 0)
    throw InputError({"kv_transfer"}, "expected positive port bandwidths on both sides of the KV transfer");
  check_scheduler(prefill.scheduler);
  check_scheduler(decode.scheduler);
  ServingRun run;
  Arrivals arrivals(load);
  std::vector<Replica> pre = replicas_of(prefill, run, Role::prefill, 0);
  std::vector<Replica> dec = replicas_of(decode, run, Role::decode, 1);
  std::vector<PortServer> sender(pre.size()), receiver(dec.size());
  std::vector<std::int64_t> inbound(dec.size(), 0);
  // Caches on their way, by arrival (and the order they left, on a tie).
  std::map<std::pair<double, std::int64_t>, std::pair<std::size_t, std::size_t>> flights;
  std::int64_t sent = 0;
  std::size_t prefill_turn = 0, decode_turn = 0;

  auto send_cache = [&](std::size_t record, std::size_t from, Seconds ready) {
    std::vector<std::int64_t> loads = loads_of(dec);
    for (std::size_t i = 0; i < dec.size(); ++i) loads[i] += inbound[i];
    // The decode pool holds no prefixes: a KV-aware router balances its load.
    const std::size_t to = route(routing == Routing::kv_aware ? Routing::least_loaded : routing, loads, decode_turn);
    RequestRecord& rec = run.requests[record];
    Seconds start;
    const Seconds landed =
        cut_through(sender[from], link.sending, receiver[to], link.taking, link.latency, ready + link.overhead,
                    link.per_token * static_cast<double>(rec.request.input_tokens), &start);
    rec.decode_replica = static_cast<int>(to);
    ++inbound[to];
    flights.emplace(std::make_pair(landed.value(), sent++), std::make_pair(record, to));
  };

  while (true) {
    Replica* next = nullptr;
    bool next_prefills = false;
    for (auto& r : pre) {
      if (r.busy() && (!next || r.clock() < next->clock())) next = &r, next_prefills = true;
    }
    for (auto& r : dec) {
      if (r.busy() && (!next || r.clock() < next->clock())) next = &r, next_prefills = false;
    }
    const Seconds front_end = prefill.scheduler.request_overhead;  // before a request reaches a queue
    const bool arriving = !arrivals.empty() && (!next || arrivals.front().arrival + front_end <= next->clock());
    const bool landing = !flights.empty() && (!next || Seconds(flights.begin()->first.first) <= next->clock()) &&
                         (!arriving || Seconds(flights.begin()->first.first) < arrivals.front().arrival + front_end);
    if (landing) {
      const auto [record, to] = flights.begin()->second;
      const Seconds at(flights.begin()->first.first);
      flights.erase(flights.begin());
      --inbound[to];
      run.requests[record].kv_arrived = at;
      dec[to].accept(record, at);
      continue;
    }
    if (arriving) {
      const Request r = arrivals.pop();
      check_fits(r, r.input_tokens, prefill.scheduler, "prefill pool");
      check_fits(r, r.input_tokens + r.output_tokens + decode.scheduler.draft_tokens, decode.scheduler, "decode pool");
      RequestRecord record;
      record.request = r;
      run.requests.push_back(record);
      std::vector<std::int64_t> matched;
      if (routing == Routing::kv_aware) {
        for (const auto& replica : pre) matched.push_back(replica.cached_blocks(r));
      }
      const std::size_t to = route(routing, loads_of(pre), prefill_turn, matched);
      run.requests.back().replica = static_cast<int>(to);
      run.requests.back().queued = r.arrival + front_end;
      pre[to].accept(run.requests.size() - 1, r.arrival + front_end);
      continue;
    }
    if (!next) break;
    for (int done = next->step(); done > 0; --done) arrivals.finished(next->clock());
    if (next_prefills) {
      const auto from = static_cast<std::size_t>(next - pre.data());
      for (const std::size_t record : next->handed_off()) send_cache(record, from, next->clock());
    }
  }
  if (first_token == FirstToken::decode) {
    for (RequestRecord& r : run.requests) {
      if (r.decode_streamed >= Seconds(0)) r.first_token = r.decode_streamed;
    }
  }
  return run;
}

}  // namespace tokenfab
