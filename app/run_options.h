// The options every command that reads a run document shares (run, trace,
// ceiling, pareto): the run file, replacements of its system and model,
// `--set` overrides, the output and --quiet.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/command.h"
#include "app/run_config.h"
#include "explore/mapping_search.h"

namespace CLI {
class App;
}

namespace tokenfab {

// The line a command prints in place of its deployed answer when the run's
// engine has no deployment terms: `what` is "deployed estimate" or "deployed ceiling".
std::string no_deployed_answer(const std::string& what, const SystemConfig& system, const EngineConfig& engine);

struct RunOptions {
  std::string run_file = "configs/runs/default.yaml";
  std::string system, model;
  std::vector<std::string> sets;
  std::string out;
  std::string trace_in;  // run only: time this trace instead of generating one
  bool quiet = false;
  // A search (ceiling, pareto) picks its own mappings: the run file's need
  // not suit the model or system it is given (a MoE layout on a dense model).
  bool searches_mapping = false;
};

// A search over a run's decode points (ceiling, pareto): the run options
// and the largest batch tried.
struct SearchOptions {
  RunOptions run;
  std::int64_t max_batch = 1;
};
Command search_command(std::string name, std::string description, std::string out, std::int64_t max_batch,
                       std::function<int(const SearchOptions&)> run);

void add_run_options(CLI::App& cmd, RunOptions& o, const char* out_help);
void add_max_batch(CLI::App& cmd, std::int64_t& max_batch);

// The run document with the options applied. Throws InputError.
LoadedRun load(const RunOptions& o);

// The decode search of the run: its model, precision and context. Throws
// InputError when the run is not a decode.
DecodeSearch decode_search(const LoadedRun& run, std::int64_t max_batch);

}  // namespace tokenfab
