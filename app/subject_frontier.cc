#include "app/subject_frontier.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "app/pod_run.h"
#include "app/run_options.h"
#include "explore/mapping_search.h"
#include "explore/pod_estimate.h"

namespace tokenfab {

namespace {

// Searches at `own` (the run's context, first) and each other context.
template <class F>
void each_context(std::int64_t own, const std::vector<std::int64_t>& contexts, const F& search_at) {
  std::vector<std::int64_t> all = {own};
  for (std::int64_t c : contexts) {
    if (std::find(all.begin(), all.end(), c) == all.end()) all.push_back(c);
  }
  search_at(own);
  // At another context the model may not fit at all (its KV cache in an
  // LPU's SRAM): then it has no points there and serves no tier of it. Any
  // other problem showed at its own context already.
  for (std::size_t k = 1; k < all.size(); ++k) {
    try {
      search_at(all[k]);
    } catch (const InputError&) {
    }
  }
}

void add(std::vector<UnitPoint>& into, const std::vector<Point>& points, int chips, std::int64_t context) {
  for (const Point& p : points) into.push_back({p.summary.per_user, p.summary.per_device.value() * chips, 0, context});
}

}  // namespace

Subject system_subject(const LoadedRun& run, std::int64_t max_batch, const std::vector<std::int64_t>& contexts) {
  Subject out;
  out.gpu = run.config.system;
  out.name = fmt::format("{} ({})", out.gpu.name, run.model.name);
  out.context = run.config.workload.context;
  each_context(out.context, contexts, [&](std::int64_t c) {
    DecodeSearch search = decode_search(run, max_batch);
    search.context = c;
    const AnswerPoints a = answer_points(search, out.gpu, run.config.engine);
    add(out.bound, a.bound, out.gpu.chips, c);
    add(out.deployed, a.deployed, out.gpu.chips, c);
  });
  return out;
}

Subject load_subject(const ClaimSubject& s, const EngineConfig& deployed, std::int64_t max_batch, int max_systems,
                     ModelCache& models, const std::vector<std::int64_t>& contexts) {
  Subject out;
  out.id = s.id;
  if (s.pod.empty() && s.lpu_decode.empty()) {
    RunOverrides ov;
    ov.system = s.system;
    out = system_subject(bind_run(run_document(s.run, ov), {}, false, &models), max_batch, contexts);
    out.id = s.id;
    return out;
  }
  if (!s.lpu_decode.empty()) {
    // The LPU pool as one system decoding the whole model; an LPU has no
    // deployment term, so only the bound has points.
    const LoadedPod pod = load_pod_run(s.lpu_decode, {});
    out.gpu = ffn_system(pod.run.pod);
    out.name = fmt::format("{} decoding alone ({})", out.gpu.name, pod.model.name);
    out.context = pod.run.workload.context;
    each_context(out.context, contexts, [&](std::int64_t c) {
      const DecodeSearch search{pod.model, pod.run.precision, c, max_batch};
      add(out.bound, decode_points(search, out.gpu, hardware_bound(deployed)), out.gpu.chips, c);
    });
    return out;
  }
  const LoadedPod pod = load_pod_run(s.pod, {});
  const PodRun& r = pod.run;
  out.gpu = pool_with_role(r.pod, "attention").system;
  const PoolConfig& ffn = pool_with_role(r.pod, "ffn");
  out.lpx = ffn.system;
  out.lpx_systems = ffn.systems;
  out.name = fmt::format("{} ({})", r.pod.name, pod.model.name);
  out.context = r.workload.context;
  each_context(out.context, contexts, [&](std::int64_t c) {
    Workload w = r.workload;
    w.context = c;
    for (auto [engine, into] : {std::pair{hardware_bound(deployed), &out.bound}, std::pair{deployed, &out.deployed}}) {
      const PodInput in{r.pod, pod.model, r.precision, r.attention_mapping, r.ffn_mapping, w, engine};
      for (const PodPoint& p : pod_points(in, max_batch, max_systems)) {
        into->push_back({p.estimate.tokens_per_second_per_user, p.estimate.tokens_per_second.value(),
                         p.estimate.attention_systems, c});
      }
    }
  });
  return out;
}

std::vector<TierPoint> priced(const Subject& s, bool bound, const Market& m, const Knobs& k, bool every_context) {
  SystemConfig gpu = s.gpu;
  if (k.gpu_power) gpu.economics.all_in_power_per_chip = *k.gpu_power;
  if (k.gpu_price) gpu.economics.price = *k.gpu_price;
  std::optional<SystemConfig> lpx = s.lpx;
  if (lpx && k.lpx_power) lpx->economics.all_in_power_per_chip = *k.lpx_power;
  if (lpx && k.lpx_price) lpx->economics.price = *k.lpx_price;
  std::map<int, Unit> units;
  auto unit = [&](int systems) -> const Unit& {
    auto it = units.find(systems);
    if (it != units.end()) return it->second;
    const Unit u = lpx ? combined_unit(fmt::format("{} x {} + {} x {}", systems, gpu.name, s.lpx_systems, lpx->name),
                                       {{&gpu, systems}, {&*lpx, s.lpx_systems}}, m)
                       : system_unit(gpu, m);
    return units.emplace(systems, u).first->second;
  };
  std::vector<TierPoint> out;
  for (const UnitPoint& p : s.points(bound)) {
    if (!every_context && p.context != s.context) continue;
    const Unit& u = unit(p.attention_systems);
    out.push_back({p.per_user, p.tokens_per_s / u.power.value() * 1e6, u, p.context});
  }
  return out;
}

std::vector<TierPoint> frontier(std::vector<TierPoint> points) {
  std::sort(points.begin(), points.end(), [](const TierPoint& a, const TierPoint& b) {
    return a.per_user != b.per_user ? a.per_user > b.per_user : a.tokens_per_s_per_mw > b.tokens_per_s_per_mw;
  });
  std::vector<TierPoint> out;
  for (const TierPoint& p : points) {  // each that serves more per MW than every faster one
    if (!out.empty() && p.tokens_per_s_per_mw <= out.back().tokens_per_s_per_mw) continue;
    out.push_back(p);
  }
  return out;
}

}  // namespace tokenfab
