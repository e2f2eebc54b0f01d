// Searches parallel mappings and batch sizes of a model on a system with the
// analytical estimate: every candidate that fits memory and the system's chip
// count, timed on the fast path (a few microseconds each).
//
//   SearchSpace space = default_space(system, model, 256);
//   std::vector<Point> points = sweep(system, model, precision, context, space);
//   const Point& best = fastest(points);   // the per-user speed ceiling
//   auto front = pareto_front(points);     // throughput vs interactivity
//
// The searches built on it (explore/ceiling.h, explore/pareto.h,
// explore/validation.h) share decode_points().
#pragma once

#include <vector>

#include "explore/summary.h"

namespace tokenfab {

struct SearchSpace {
  std::vector<int> tp, attn_dp, ep, pp;
  std::vector<std::int64_t> batch;
  int max_devices = 1;  // a replica may use at most this many chips
};

// Powers of two (and the scale-up domain size) that divide the model's heads,
// experts and widths, up to the system's chips; batches 1, 2, 4 ... max_batch.
SearchSpace default_space(const SystemConfig& system, const ModelSpec& model, std::int64_t max_batch);

struct Point {
  Mapping mapping;
  std::int64_t batch = 0;
  Summary summary;
};

// A point as the searches write it: its mapping (as text and by degree), its
// batch, then the summary's fields.
nlohmann::ordered_json point_json(const Point& p, const SystemConfig& system);

// Every valid candidate of a step shaped like `shape` (phase, new tokens per
// sequence, context; the batch comes from the space), in a fixed order.
std::vector<Point> sweep(const SystemConfig& system, const ModelSpec& model, const Precision& precision,
                         const EngineConfig& engine, const Workload& shape, const SearchSpace& space);
// A decode step of one new token per sequence at `context`.
inline Workload decode_shape(std::int64_t context) { return {Phase::decode, 1, 1, context}; }

// A decode search: one model at one context on a system, batches up to
// `max_batch` per replica.
struct DecodeSearch {
  const ModelSpec& model;
  Precision precision;
  std::int64_t context = 0;
  std::int64_t max_batch = 1;
};

// Every decode point of the search on `system` with `engine`, through sweep()
// over default_space(). Throws InputError when no mapping fits.
std::vector<Point> decode_points(const DecodeSearch& search, const SystemConfig& system, const EngineConfig& engine);

// The most throughput per device among points at or above `user_speed` per
// user (any point by default, prefill points included); nullptr when none is
// that fast.
const Point* most_per_device(const std::vector<Point>& points, TokensPerSecond user_speed = {});

// Both answers' points of a search: the hardware bound's (the engine's
// terms off) and, when the engine has deployment terms, the deployed
// estimate's (empty otherwise).
struct AnswerPoints {
  std::vector<Point> bound, deployed;
};
AnswerPoints answer_points(const DecodeSearch& search, const SystemConfig& system, const EngineConfig& engine);

// The fastest per user; ties go to more throughput per device. Requires a
// non-empty sweep.
const Point& fastest(const std::vector<Point>& points);

// Points not beaten on both tok/s/user and tok/s/device, by rising tok/s/user.
std::vector<Point> pareto_front(const std::vector<Point>& points);

}  // namespace tokenfab
