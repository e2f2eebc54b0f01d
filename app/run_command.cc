// `tokenfab run`: one prefill or decode step on the analytical or the SystemC
// engine, written as results.json (app/run_results.h) and summarised.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <iostream>
#include <memory>

#include "app/command.h"
#include "app/run_options.h"
#include "app/run_results.h"
#include "hw/rack/rack.h"
#include "workloads/trace_check.h"
#include "workloads/trace_io.h"

namespace tokenfab {
namespace {

struct Options {
  RunOptions run;
  std::string engine = "analytical";
  std::string timeline;
  bool all_devices = false;
};

void check_options(const Options& o) {
  if (!o.timeline.empty() && o.engine != "systemc") {
    throw InputError({"--timeline"}, "a timeline comes from the SystemC engine: add --engine systemc");
  }
  if (o.run.trace_in.empty()) return;
  for (const auto& set : o.run.sets) {
    for (const char* taken : {"mapping.", "workload.", "precision."}) {
      if (set.rfind(taken, 0) == 0) {
        throw InputError({"--set '" + set + "'"},
                         "with --trace the mapping, workload and precision come from the trace");
      }
    }
  }
}

int run(const Options& o, const Invocation& invocation) {
  check_options(o);
  LoadedRun run = load(o.run);
  Trace imported;
  if (!o.run.trace_in.empty()) {
    imported = read_trace_file(o.run.trace_in);
    Diagnostics diags;
    // A trace of a drafting run carries the draft layers after the model's own.
    check_trace(imported, drafting_model(run.model, run.config.engine), o.run.trace_in, diags);
    diags.throw_if_any();
    // A trace carries its own mapping, sizes and formats.
    run.config.mapping = imported.mapping;
    run.config.workload = imported.workload;
    run.config.precision = imported.precision;
  }
  const RunConfig& c = run.config;
  EstimateInput input{c.system,  run.model,  c.precision,
                      c.mapping, c.workload, o.run.trace_in.empty() ? nullptr : &imported,
                      true,      c.engine};
  SimulationOptions sim;
  if (!o.timeline.empty()) sim.timeline = o.timeline;
  sim.share_identical_groups = !o.all_devices;
  Estimate e = o.engine == "systemc" ? simulate_step(input, sim) : estimate(input);
  std::optional<Estimate> bound;
  if (has_deployment_terms(c.engine)) {
    // The analytical engine gives the bound on either engine: a process
    // elaborates one SystemC model, and it times the deployed step.
    bound = estimate(bound_input(input));
  }
  if (!e.fits) {
    // The fewest chips that could hold one copy of the weights alone: a
    // floor for any placement (KV cache, activations and replicated layers
    // only add to it).
    const Bytes weights = weight_bytes(run.model, c.precision);
    const auto floor_chips = static_cast<std::int64_t>(std::ceil(weights.value() / e.capacity.value()));
    throw InputError(
        {o.run.run_file},
        fmt::format("{} does not fit {} per chip: {} weights + {} KV cache + {} activations = {}, over by {}; its {} "
                    "of weights need at least {} such chips in any placement (this one uses {})",
                    run.model.name, to_string(e.capacity), to_string(e.footprint.weights),
                    to_string(e.footprint.kv_cache), to_string(e.footprint.activations), to_string(e.footprint.total()),
                    to_string(e.footprint.total() - e.capacity), to_string(weights), floor_chips,
                    c.mapping.replica_devices()));
  }
  write_results(o.run.out, results_json(run, e, bound, "run", invocation.arguments, o.engine));
  if (!o.run.quiet) {
    std::cout << terminal_summary(run, e, bound) << "  wrote " << o.run.out << "/results.json, summary.csv, ops.csv\n";
  }
  return 0;
}

}  // namespace

Command run_command() {
  auto o = std::make_shared<Options>();
  o->run.out = "out/run";
  return {"run", "estimate one prefill or decode step and write results.json",
          [o](CLI::App& cmd) {
            add_run_options(cmd, o->run, "output directory");
            cmd.add_option("--trace", o->run.trace_in,
                           "time this trace file (CSV or JSON lines) instead of generating one");
            cmd.add_option("--engine", o->engine,
                           "analytical (roofline + latency terms) or systemc (transaction level)")
                ->capture_default_str()
                ->check(CLI::IsMember({"analytical", "systemc"}));
            cmd.add_option("--timeline", o->timeline, "Chrome/Perfetto trace of the step (systemc engine)");
            cmd.add_flag("--all-devices", o->all_devices,
                         "systemc engine: simulate every device, not one attention group per identical set");
          },
          [o](const Invocation& invocation) { return run(*o, invocation); }};
}

}  // namespace tokenfab
