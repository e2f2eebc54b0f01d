// Runs a sweep's points and appends each finished one to the journal: in
// this process one after another, or each in a forked child from a pool of
// `workers` (SystemC elaborates once per process, so a SystemC point needs
// its own; the parent must have built no SystemC object). A child sends its
// entry back through a pipe; one that dies without an entry is recorded as
// a failed point with its signal or exit status, and the sweep goes on.
//
//   run_points(todo, evaluate, journal, {.workers = 2, .fork = true, .progress = bar});
#pragma once

#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "sweep/sweep_journal.h"
#include "sweep/sweep_spec.h"

namespace tokenfab {

// A point's journal entry: index, key, params, and its metrics or its error.
// Must not throw (errors are entries).
using PointEvaluator = std::function<nlohmann::ordered_json(const SweepPoint&)>;
// The entry of a point whose process ended without one.
using LostPoint = std::function<nlohmann::ordered_json(const SweepPoint&, const std::string& why)>;

struct RunnerOptions {
  int workers = 1;
  bool fork = false;
  std::function<void(std::size_t finished, std::size_t total)> progress;
};

void run_points(const std::vector<const SweepPoint*>& todo, const PointEvaluator& evaluate, const LostPoint& lost,
                SweepJournal& journal, const RunnerOptions& options);

}  // namespace tokenfab
