// What InferenceX's launch scripts set for each engine's scheduler, as
// entries of configs/validation/serving.yaml `recipes:`, each with the
// script and commit it was read from; the serving validation
// (explore/serving_rows.h) gives each row the scheduler its recipe sets:
//
//   SchedulerLimits l = apply_recipes(spec.recipes, base, RecipeRow{...}, drafts);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/schema.h"
#include "serving/replica_setup.h"
#include "workloads/mapping.h"

namespace tokenfab {

// What an InferenceX recipe's launch script sets for its engine's scheduler
// (serving.yaml `recipes:`, each entry with its source): an entry applies to
// every row it matches, and later entries over earlier ones. A match field
// left out matches any row.
struct Recipe {
  // Match.
  std::vector<std::string> framework, hardware, precision;
  std::vector<std::string> pool;  // both (colocated), prefill, decode
  std::optional<bool> speculative, dp_attention;
  std::optional<std::int64_t> gpus_per_worker, isl, osl, min_concurrency, max_concurrency;
  // Settings (serving/simulator.h's Scheduler); absent: as before.
  std::optional<std::int64_t> receive_interval, max_batch, token_budget, batch_wait_steps, balance_timeout_steps,
      balance_batching_steps;
  std::optional<double> batch_wait_tokens_ratio;
  // The step's token budget is at least a whole prompt and each running
  // request's decode tokens (1 + its drafts), rounded up to 64 (InferenceX's
  // TensorRT-LLM scripts set max_num_tokens so: no prompt is chunked).
  std::optional<bool> budget_fits_prompt;
  // The batch limit is the row's concurrency, split evenly over the
  // attention ranks (rounded down) as a limit per rank, and the budget above
  // counts a rank's limit, not the concurrency (InferenceX's TensorRT-LLM MTP
  // scripts: MAX_BATCH_SIZE = CONC / TP under attention DP, else CONC).
  std::optional<bool> max_batch_is_concurrency;
  // Scheduler::chunked_prefill: false, a prompt goes into a step whole.
  std::optional<bool> chunked_prefill;
  // Scheduler::prefill_apart: a step with prompts carries only them.
  std::optional<bool> prefill_apart;
  // Scheduler::overlap: it polls at a step's start, not its end.
  std::optional<bool> overlap;
};

// Rejects contradictory entries (a concurrency range that matches nothing, a
// balance or a batch wait without its steps) with their location.
const Schema<Recipe>& recipe_schema();

// What a recipe matches a row by: its measured settings and a pool's workers.
struct RecipeRow {
  std::string framework, hardware, format;
  bool speculative = false;
  std::int64_t isl = 0, osl = 0, concurrency = 0;
  Mapping mapping;
  std::string pool = "both";  // the workers' pool: both (colocated), prefill or decode
};

// `base` with every matching entry's settings, later entries over earlier;
// `drafts`: the engine's draft tokens a decode verifies (for
// budget_fits_prompt).
SchedulerLimits apply_recipes(const std::vector<Recipe>& recipes, SchedulerLimits base, const RecipeRow& row,
                              int drafts);

}  // namespace tokenfab
