#include "explore/pareto.h"

#include <algorithm>

namespace tokenfab {

ParetoResult find_pareto(std::vector<Point> points) {
  ParetoResult r;
  r.points = std::move(points);
  r.front = pareto_front(r.points);
  // A mapping and a batch name one point of a sweep.
  for (const auto& q : r.points) {
    r.on_front.push_back(std::any_of(r.front.begin(), r.front.end(), [&](const Point& f) {
      return f.batch == q.batch && f.mapping.str() == q.mapping.str();
    }));
  }
  return r;
}

}  // namespace tokenfab
