// What a run may not ask for, refused before anything runs (exit 2, with
// where it was asked), and what it may ask for only with a word said:
//   refused  decode with more than one new token per step (drafted tokens
//            are the engine's: engine.speculative adds them to the step);
//            a context beyond the model's max_position_embeddings, unless
//            workload.extrapolate says it is meant;
//            a mapping whose devices (tp x attn_dp x pp x dp) exceed the
//            system's chips;
//            a number format the chip has no unit for in its compute
//            (activations anywhere; any format on an LPU, whose compiled
//            datapath has no software widening);
//   noted    weights (or KV cache) in a format a GPU has no unit for: held
//            in that format and widened to the activations' format in the
//            kernels (weight-only quantisation).
//
//   std::vector<std::string> notes = check_run_sense(run, true);
#pragma once

#include <string>
#include <vector>

#include "app/run_config.h"

namespace tokenfab {

// Throws InputError naming every refusal; returns the notes. The mapping
// is checked only when `check_mapping` (searches choose their own).
std::vector<std::string> check_run_sense(const LoadedRun& run, bool check_mapping);

}  // namespace tokenfab
