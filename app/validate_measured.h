// The measured-row half of `tokenfab validate`: each InferenceX and MLPerf row
// at its own settings, for the hardware bound and the deployed engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "economics/tco.h"
#include "explore/measured.h"

namespace tokenfab {

struct MeasuredOptions {
  std::string file = "configs/validation/measured.yaml";
  std::vector<std::string> sets;
  std::string out;
  bool rows = false;      // print every row, not only the summary
  std::string leave_out;  // fit: leave this generation's rows out of the calibration half
  // The market the InferenceX rows' cost per token is checked with, against
  // InferenceX's own (its TCO per GPU-hour, the system's tco_per_chip).
  std::string market = "configs/economics/hyperscaler.yaml";
};

// The spec and rows `o` names, read (and checked) before anything is written.
struct MeasuredInput {
  MeasuredSpec spec;
  std::vector<MeasuredRow> rows;
  std::optional<Market> market;
};
MeasuredInput load_measured(const MeasuredOptions& o);

// Prints the report, writes measured.json and measured.csv into `o.out`;
// returns the failed tolerance checks of the deployed engine's evaluation half.
std::vector<std::string> run_measured_validation(const MeasuredOptions& o, const MeasuredInput& in);

}  // namespace tokenfab

namespace tokenfab {

// Fits the spec's `fit` parameters on the calibration half, known misses
// left out (coordinate
// search over each source range, minimising calibration_loss) and prints the
// values with the loss before and after; the evaluation half is not read.
void fit_measured(const MeasuredOptions& o);

}  // namespace tokenfab
