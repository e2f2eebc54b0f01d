// A sweep in YAML (configs/sweeps/): a base run file, the command each point
// runs, and axes over any dotted key of the run, combined into points.
//
//   run: ../runs/default.yaml          # relative to this file
//   command: ceiling                   # run | ceiling
//   engine: analytical                 # analytical | systemc (run only)
//   combine: grid                      # grid (every combination) | zip (the i-th of each)
//   axes:
//     - key: system.chip.hbm.bandwidth
//       range: {from: 8 TB/s, to: 32 TB/s, count: 4}        # or step:; scale: linear | log
//     - key: system.scale_up.switch_hops
//       values: [1, 2, 3]
//     - key: system                     # whole files (system or model)
//       files: [../systems/gb200_nvl72.yaml, ../systems/vr_nvl72.yaml]
//   filters:                            # all must hold; any key of the run
//     - {key: system.chip.hbm.bandwidth, op: "<=", value: 24 TB/s}
//     - {key: system.chips, op: ">=", value: 72}   # a key no axis sets: the point's resolved value
//   metrics: [bound.tokens_per_s_per_user, bound.bound]      # dotted result keys; empty: all
//   max_batch: 256                      # ceiling: the largest batch searched
//
// Instead of combining, `samples: {method: random | latin_hypercube, count:
// N, seed: S}` draws N points from the axes' ranges (from, to, scale only):
// independent uniform draws, or a Latin hypercube (each axis cut into N
// equal strata, one draw in each, the strata in a random order per axis);
// log ranges draw uniformly in the logarithm, integer ranges round. The
// same seed gives the same points on every machine.
//
// Ranges with units step in the unit's base form (a value of "8 TB/s" is
// written "8e+12 B/s"); a range of integers without units gives integers.
// Log ranges take `count`. Every point keeps where each of its values was
// written, so an error names the spec's line and the point's index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/diagnostics.h"

namespace tokenfab {

struct AxisValue {
  std::string text;  // a --set value, or a file path (resolved) for system and model
  Location loc;
};

struct SweepAxis {
  std::string key;
  Location loc;
  bool files = false;  // whole system or model files
  std::vector<AxisValue> values;
};

struct SweepFilter {
  std::string key, op, value;
  Location loc;
  bool on_axis = false;  // applied by sweep_points; others on each point's resolved run
};

enum class SweepCommand { run, ceiling };

struct SweepSpec {
  std::filesystem::path file;
  std::filesystem::path run;  // resolved against the spec
  SweepCommand command = SweepCommand::run;
  bool systemc = false;
  bool zip = false;
  std::vector<SweepAxis> axes;
  std::vector<SweepFilter> filters;
  std::vector<std::string> metrics;
  std::int64_t max_batch = 256;
};

// Throws InputError with every problem, each at its file:line:col.
SweepSpec load_sweep_spec(const std::filesystem::path& file);

// One point: a value per axis, in axis order.
struct SweepPoint {
  int index = 0;  // among the points that pass the filters
  std::vector<const SweepAxis*> axes;
  std::vector<const AxisValue*> values;
  // "key=value" for every axis that is not a file, as --set takes it.
  std::vector<std::string> sets() const;
  // The file given for `key` ("system" or "model"), or empty.
  std::string file(const std::string& key) const;
  // "key=value, ..." for messages and the results.
  std::string label() const;
};

// Grid or zip of the axes, then the filters on axes; indices count the
// points kept. Throws InputError when a filter's value cannot be compared.
std::vector<SweepPoint> sweep_points(const SweepSpec& spec);

// Whether `value` (as written: "8 TB/s", "72") passes `f`. Throws
// InputError when it is not a number of the filter's kind.
bool filter_holds(const SweepFilter& f, const std::string& value, const Location& where);

}  // namespace tokenfab
