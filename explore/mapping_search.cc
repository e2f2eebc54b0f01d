#include "explore/mapping_search.h"

#include <fmt/format.h>

#include <algorithm>

namespace tokenfab {
namespace {

std::vector<int> powers_of_two_and(int limit, int extra) {
  std::vector<int> out;
  for (int v = 1; v <= limit; v *= 2) out.push_back(v);
  if (extra <= limit && std::find(out.begin(), out.end(), extra) == out.end()) out.push_back(extra);
  std::sort(out.begin(), out.end());
  return out;
}

// Pipeline depths worth trying: 1, 2, 4, 8; and on chips that hold weights
// in SRAM, where a model spans hundreds of chips, every depth that divides
// the layers evenly or fills the system at one of the tensor-parallel
// widths (576 chips at tp 64: 9 stages).
std::vector<int> pipeline_depths(const SystemConfig& system, const ModelSpec& model, const std::vector<int>& tp) {
  std::vector<int> out{1, 2, 4, 8};
  if (system.chip.kind == ChipKind::lpu) {
    const auto layers = static_cast<int>(model.layers);
    for (int d = 1; d <= layers; ++d) {
      if (layers % d == 0) out.push_back(d);
    }
    for (int t : tp) {
      if (system.chips % t == 0 && system.chips / t <= layers) out.push_back(system.chips / t);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

SearchSpace default_space(const SystemConfig& system, const ModelSpec& model, std::int64_t max_batch) {
  SearchSpace s;
  s.max_devices = system.chips;
  const int domain = system.scale_up.domain;
  for (int v : powers_of_two_and(std::min(domain, system.chips), domain)) {
    if (model.heads % v == 0) s.tp.push_back(v);
  }
  s.attn_dp = powers_of_two_and(system.chips, std::min(domain, system.chips));
  s.ep = model.moe ? powers_of_two_and(system.chips, std::min(domain, system.chips)) : std::vector<int>{1};
  s.pp = pipeline_depths(system, model, s.tp);
  for (std::int64_t b = 1; b <= max_batch; b *= 2) {
    s.batch.push_back(b);
    if (b > max_batch / 2) break;  // the next doubling would pass the limit (or overflow)
  }
  return s;
}

std::vector<Point> sweep(const SystemConfig& system, const ModelSpec& model, const Precision& precision,
                         const EngineConfig& engine, const Workload& shape, const SearchSpace& space) {
  std::vector<Point> out;
  const Bytes capacity = system.chip.weight_memory().capacity;
  // The model the steps run through (its draft layers, with drafting), once for the sweep.
  const ModelSpec stepped = drafting_model(model, engine);
  for (int pp : space.pp) {
    for (int tp : space.tp) {
      for (int attn_dp : space.attn_dp) {
        for (int ep : space.ep) {
          Mapping map{.tp = tp, .attn_dp = attn_dp, .ep = ep, .pp = pp, .expert_imbalance = engine.expert_imbalance};
          if (map.replica_devices() > space.max_devices) continue;
          Diagnostics diags;
          validate_mapping(map, model, diags, {});
          if (!diags.ok()) continue;
          for (std::int64_t batch : space.batch) {
            if (batch < attn_dp) continue;                             // an idle attention rank only adds devices
            if (engine.max_batch && batch > *engine.max_batch) break;  // the engine holds no more
            Workload w = shape;
            w.batch = batch;
            EstimateInput in{system, model, precision, map, w, nullptr, false, engine};
            // Memory first: the footprint grows with the batch, so stop at the first miss.
            if (!fits_memory(engine, stage_footprint(in, stepped, 0), capacity)) break;
            Estimate e = estimate(in);
            if (!e.fits) break;  // a later stage holds more than the first
            out.push_back({map, batch, summarize(e, system, map)});
          }
        }
      }
    }
  }
  return out;
}

nlohmann::ordered_json point_json(const Point& p, const SystemConfig& system) {
  nlohmann::ordered_json j = {{"mapping", p.mapping.str()}, {"tp", p.mapping.tp}, {"attn_dp", p.mapping.attn_dp},
                              {"ep", p.mapping.ep},         {"pp", p.mapping.pp}, {"batch", p.batch}};
  const auto summary = summary_json(p.summary, system);  // items() would dangle on a temporary
  for (const auto& [key, value] : summary.items()) j[key] = value;
  return j;
}

std::vector<Point> decode_points(const DecodeSearch& search, const SystemConfig& system, const EngineConfig& engine) {
  auto points = sweep(system, search.model, search.precision, engine, decode_shape(search.context),
                      default_space(system, search.model, search.max_batch));
  if (points.empty()) {
    throw InputError({system.name}, fmt::format("{} does not fit {} in any mapping of up to {} chips",
                                                search.model.name, system.name, system.chips));
  }
  return points;
}

const Point* most_per_device(const std::vector<Point>& points, TokensPerSecond user_speed) {
  const Point* best = nullptr;
  for (const auto& q : points) {
    if (q.summary.per_user < user_speed) continue;
    if (!best || q.summary.per_device > best->summary.per_device) best = &q;
  }
  return best;
}

AnswerPoints answer_points(const DecodeSearch& search, const SystemConfig& system, const EngineConfig& engine) {
  AnswerPoints out;
  out.bound = decode_points(search, system, hardware_bound(engine));
  if (has_deployment_terms(engine)) out.deployed = decode_points(search, system, engine);
  return out;
}

const Point& fastest(const std::vector<Point>& points) {
  return *std::max_element(points.begin(), points.end(), [](const Point& a, const Point& b) {
    if (a.summary.per_user != b.summary.per_user) {
      return a.summary.per_user < b.summary.per_user;
    }
    return a.summary.per_device < b.summary.per_device;
  });
}

std::vector<Point> pareto_front(const std::vector<Point>& points) {
  std::vector<Point> sorted = points;
  std::sort(sorted.begin(), sorted.end(), [](const Point& a, const Point& b) {
    if (a.summary.per_user != b.summary.per_user) {
      return a.summary.per_user > b.summary.per_user;
    }
    return a.summary.per_device > b.summary.per_device;
  });
  // Walking from the fastest per user down, keep each point that beats every
  // faster one on throughput.
  std::vector<Point> front;
  TokensPerSecond best(-1);
  for (const auto& p : sorted) {
    if (p.summary.per_device > best) {
      front.push_back(p);
      best = p.summary.per_device;
    }
  }
  std::reverse(front.begin(), front.end());
  return front;
}

}  // namespace tokenfab
