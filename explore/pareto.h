// The throughput-interactivity frontier of a model on a system: every
// mapping and batch that fits memory is a point (decode tokens/s per user
// against tokens/s per chip); the frontier is its upper-right envelope.
//
//   ParetoResult p = find_pareto(decode_points(search, system, engine));
//   p.front (by rising tok/s/user), p.on_front[i] for p.points[i]
//
// Plain computation: `tokenfab pareto` (app/) prints and writes it.
#pragma once

#include <vector>

#include "explore/mapping_search.h"

namespace tokenfab {

struct ParetoResult {
  std::vector<Point> points;
  std::vector<Point> front;
  std::vector<bool> on_front;  // one per point
};

ParetoResult find_pareto(std::vector<Point> points);

}  // namespace tokenfab
