// Level 2: one step of a model replica simulated in SystemC. Builds a GPU
// module per device of the replica (each with its HBM and compute engine on
// TLM sockets) and a collective engine over the scale-up and scale-out
// fabrics, runs every device's op trace, and reports the step the way the
// analytical estimate does, so that the two can be compared line by line.
//
//   Estimate e = simulate_step(input);   // once per process: SystemC elaborates once
//
// Devices with identical traces (same stage, sequences and expert share)
// share one op list, and identical attention groups one simulation.
#pragma once

#include <filesystem>
#include <optional>

#include "hw/analytical/estimate.h"

namespace tokenfab {

struct SimulationOptions {
  // Chrome/Perfetto trace-event JSON of the step, a process per GPU and a
  // lane per resource; empty for none.
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

}  // namespace tokenfab
