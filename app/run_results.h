// What `tokenfab run` writes: results.json (schema in docs/results.md), its
// CSV flattenings (summary.csv: key,value; ops.csv: one row per timed op) and
// the terminal summary, answer first. Every number comes from the Estimate;
// nothing is computed twice or scraped from text.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/run_config.h"
#include "explore/summary.h"

namespace tokenfab {

inline constexpr const char* kToolVersion = "0.1.0";

// `engine` names the model that produced `e`: "analytical" or "systemc".
// `answer` names what `summary` is: "deployed" (the run's engine terms on) or
// "bound" (none); `bound`, when given, is written as `bound_summary`.
nlohmann::ordered_json results_json(const LoadedRun& run, const Estimate& e, const std::optional<Estimate>& bound,
                                    const std::string& command, const std::vector<std::string>& arguments,
                                    const std::string& engine);
std::string summary_csv(const nlohmann::ordered_json& results);
std::string ops_csv(const nlohmann::ordered_json& results);
// `bound`: the same step with the engine's deployment terms off, when the
// run's engine has any (else `e` is itself the bound).
std::string terminal_summary(const LoadedRun& run, const Estimate& e, const std::optional<Estimate>& bound);

// Writes results.json, summary.csv and ops.csv into `dir`, each atomically.
void write_results(const std::filesystem::path& dir, const nlohmann::ordered_json& results);

}  // namespace tokenfab
