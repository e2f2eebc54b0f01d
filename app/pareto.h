// `tokenfab pareto`: prints and writes the frontier of explore/pareto.h for a
// run's model, system and context. pareto.csv holds every point with a
// `frontier` flag; scripts/plot_pareto.py draws one or several of them.
#pragma once

#include <string>

#include "app/run_config.h"
#include "explore/pareto.h"

namespace tokenfab {

std::string pareto_csv(const LoadedRun& run, const ParetoResult& p);
std::string pareto_report(const LoadedRun& run, const ParetoResult& p);

}  // namespace tokenfab
