// `tokenfab ceiling`: prints and writes the ceiling search of
// explore/ceiling.h for a run's model, system and context.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/run_config.h"
#include "explore/ceiling.h"

namespace tokenfab {

// The decode search of the run: its model, precision and context. Throws
// InputError when the run is not a decode.
DecodeSearch decode_search(const LoadedRun& run, std::int64_t max_batch);
std::string ceiling_report(const LoadedRun& run, const CeilingResult& c);
nlohmann::ordered_json ceiling_json(const LoadedRun& run, const CeilingResult& c);
nlohmann::ordered_json point_json(const Point& p, const SystemConfig& system);

}  // namespace tokenfab
