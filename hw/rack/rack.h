// Level 2: one step of a model replica simulated in SystemC, reported the
// way the analytical estimate reports it, so that the two compare line by
// line. Devices with identical traces (same stage, rank load and expert
// share) share one op list, and identical attention groups one simulation
// (device_classes.h).
//
//   Estimate e = simulate_step(input);   // once per process: SystemC elaborates once
//
// For many steps in one process, with a new batch each, see
// systemc_step_model.h.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include "core/trace_events.h"
#include "hw/analytical/estimate.h"
#include "hw/common/device_classes.h"
#include "hw/rack/replica.h"
#include "workloads/batch.h"

namespace tokenfab {

struct SimulationOptions {
  // Chrome/Perfetto trace-event JSON of the step, a process per device and a
  // track per resource; empty for none.
  std::optional<std::filesystem::path> timeline;
  // Simulate one attention group per set of identical groups (same stage,
  // same sequences and expert shares, position by position) and let it stand
  // for the others at stage-wide collectives. Exact for generated traces:
  // such groups see the same ports, payloads and timings. Off: every device
  // is simulated (for checking the sharing, and always for imported traces).
  bool share_identical_groups = true;
};

// The whole replica's ops are simulated; `stages` carry, for each pipeline
// stage, the device that finished last (the critical one) and its timings.
// Must be called at most once per process.
Estimate simulate_step(const EstimateInput& in, const SimulationOptions& options = {});

// After a step of `replica` that began at `begin` with `load`: per stage, the
// device that finished last, its timings relative to `begin`, and the pass
// they make. `footprint(stage)` gives a stage's fullest footprint.
PassTiming collect_pass(const ReplicaModule& replica, Seconds begin, const StepLoad& load,
                        const std::function<Footprint(int stage)>& footprint);

// The step's timeline: a process per simulated device, a track per resource,
// each op drawn as one slice per resource it is charged to (launch before its
// kernel, sync before its transfer), so every term of the breakdown shows.
void write_timeline(const std::filesystem::path& file, const ReplicaModule& replica, Seconds begin,
                    const SystemConfig& system);
// The same into `events`, each device's process id offset by `pid_offset`
// (a pod draws both pools in one timeline).
void add_timeline(TraceEvents& events, const ReplicaModule& replica, Seconds begin, const SystemConfig& system,
                  int pid_offset);

// A step's op lists for the simulated devices of a replica: one list per
// distinct trace (device_classes.h), shared by the devices that run it, and
// each device's representative (`share` false: every device stands for itself;
// an imported trace is never shared). Collectives are checked to have a fabric.
struct ReplicaOps {
  StepLoad load;
  ModelSpec model;  // what the step runs through (step_model)
  std::vector<TraceKey> keys;
  std::vector<int> representative, simulated;
  std::map<TraceKey, std::vector<Op>> shared;
  std::vector<const std::vector<Op>*> ops;  // per device of the replica; nullptr when stood for
};
ReplicaOps replica_ops(const EstimateInput& in, bool share);

}  // namespace tokenfab
