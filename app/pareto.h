// `tokenfab pareto`: the throughput-interactivity frontier of a model on a
// system. Every mapping and batch that fits memory is a point (decode
// tokens/s per user against tokens/s per chip and per all-in MW); the
// frontier is the upper-right envelope. pareto.csv holds every point with a
// `frontier` flag; scripts/plot_pareto.py draws one or several of them.
#pragma once

#include <string>

#include "app/run_config.h"
#include "hw/analytical/mapping_search.h"

namespace tokenfab {

struct ParetoResult {
  std::vector<Point> points;
  std::vector<Point> front;
};

ParetoResult find_pareto(const LoadedRun& run, std::int64_t max_batch);
std::string pareto_csv(const LoadedRun& run, const ParetoResult& p);
std::string pareto_report(const LoadedRun& run, const ParetoResult& p);

}  // namespace tokenfab
