#include "app/run_options.h"

#include <CLI/CLI.hpp>

#include <memory>

namespace tokenfab {

void add_run_options(CLI::App& cmd, RunOptions& o, const char* out_help) {
  cmd.add_option("run_file", o.run_file, "run description (YAML)")->capture_default_str();
  cmd.add_option("--system", o.system, "system YAML replacing the run file's system");
  cmd.add_option("--model", o.model, "Hugging Face config.json replacing the run file's model");
  cmd.add_option("--set", o.sets, "override key.path=value (repeatable), e.g. workload.batch=128");
  require_output_path(cmd.add_option("--out", o.out, out_help)->capture_default_str());
  cmd.add_flag("--quiet", o.quiet, "print nothing on success");
}

void add_max_batch(CLI::App& cmd, std::int64_t& max_batch) {
  cmd.add_option("--max-batch", max_batch, "largest batch per replica tried")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
}

LoadedRun load(const RunOptions& o) {
  RunOverrides overrides;
  if (!o.system.empty()) overrides.system = o.system;
  if (!o.model.empty()) overrides.model = o.model;
  overrides.sets = o.sets;
  overrides.check_mapping = o.trace_in.empty() && !o.searches_mapping;
  return load_run(o.run_file, overrides);
}

Command search_command(std::string name, std::string description, std::string out, std::int64_t max_batch,
                       std::function<int(const SearchOptions&)> run) {
  auto o = std::make_shared<SearchOptions>();
  o->run.out = std::move(out);
  o->run.searches_mapping = true;
  o->max_batch = max_batch;
  return {std::move(name), std::move(description),
          [o](CLI::App& cmd) {
            add_run_options(cmd, o->run, "output directory");
            add_max_batch(cmd, o->max_batch);
          },
          [o, run = std::move(run)](const Invocation&) { return run(*o); }};
}

DecodeSearch decode_search(const LoadedRun& run, std::int64_t max_batch) {
  const RunConfig& c = run.config;
  if (c.workload.phase != Phase::decode) {
    throw InputError({"workload.phase"}, "the search covers decode steps; the run's workload.phase is prefill");
  }
  return {run.model, c.precision, c.workload.context, max_batch};
}

std::string no_deployed_answer(const std::string& what, const SystemConfig& system, const EngineConfig& engine) {
  const bool lpu = system.chip.kind == ChipKind::lpu;
  if (measured_for(engine, lpu, system.chip.name)) {
    return "  " + what + ": none (the run's engine has no deployment terms; see configs/engines/)\n";
  }
  const std::string measured = engine.measured_chip.empty()
                                   ? (engine.measured_on == EngineChips::lpu ? "LPUs" : "GPU serving frameworks")
                                   : engine.measured_chip;
  std::string out = "  " + what + ": none (the run's engine was measured on " + measured + ", not on " +
                    system.chip.name + ": its terms do not apply";
  if (lpu) out += "; configs/engines/groq_2024.yaml holds Groq v1's 2024 term: docs/lpu.md";
  return out + ")\n";
}

}  // namespace tokenfab
