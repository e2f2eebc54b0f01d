// results.json of one `tokenfab emulate` run: what ran (the chip preset, and
// the kernel with its shape options or the program file), its cycles and
// their time at the clock, the instructions issued, every lower bound the run
// has (issue, dataflow, and the kernel's own: weight install, dependency
// chain, hop), use per unit, and the check against the reference. The golden
// cases under tests/golden/ compare these fields; the terminal prints the
// same numbers.
//
//   EmulateResults r(file, {{"kernel", "gemv"}}, check.run);
//   r.bounds = {{"install", kernel.install_bound}};
//   write_emulate_results("out", r, params);   // out/results.json, atomically
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/chip/chip.h"

namespace tokenfab {

// How a run compares with its reference; absent for timing-only runs.
struct EmulateCheck {
  EmulateCheck(std::int64_t compared, std::int64_t equal, double largest_error)
      : outputs(compared), exact(equal), max_error(largest_error) {}
  std::int64_t outputs = 0;                                    // values compared
  std::int64_t exact = 0;                                      // of them, equal to the reference
  double max_error = 0;                                        // largest |emulated - reference|
  std::optional<double> tolerance;                             // absolute; none: every output must be exact
  std::optional<std::pair<std::int64_t, std::int64_t>> cache;  // appended K/V elements: exact, compared
};

struct EmulateResults {
  EmulateResults(std::string preset_file, nlohmann::ordered_json what_ran, const lpu::RunResult& result)
      : chip_file(std::move(preset_file)), subject(std::move(what_ran)), run(&result) {}
  std::string chip_file;
  nlohmann::ordered_json subject;       // {"kernel": name, shape options...} or {"program": file}
  const lpu::RunResult* run = nullptr;  // chip 0's (or the first failing chip's) run
  int chips = 1;
  std::vector<std::pair<std::string, std::int64_t>> bounds;  // beyond the run's dataflow bound, in cycles
  std::optional<EmulateCheck> check;
  std::vector<std::pair<std::string, std::int64_t>> stages;  // the layer's milestones: cycle each is done
};

// Queues a unit has on this chip (0 for the ICU, whose issues are not spread over queues).
int unit_queues(lpu::Unit unit, const lpu::LpuParams& p);

nlohmann::ordered_json emulate_results_json(const EmulateResults& r, const lpu::LpuParams& p);
// Writes dir/results.json atomically; nothing when dir is empty.
void write_emulate_results(const std::string& dir, const EmulateResults& r, const lpu::LpuParams& p);

}  // namespace tokenfab
