// `tokenfab validate --serving`: the InferenceX rows served by the serving
// simulation (explore/serving_rows.h), against their TTFT, TPOT and
// throughput per GPU.
#pragma once

#include <string>
#include <vector>

namespace tokenfab {

struct ServingValidationOptions {
  std::string file;  // configs/validation/serving.yaml
  std::vector<std::string> sets;
  std::string out;
  bool rows = false;  // print every row
  bool fit = false;   // fit the engine's request_overhead instead (below)
};

// Prints the report and writes serving.csv; the number of metrics whose
// median |error| on the evaluation rows is beyond the tolerance.
//
// With `fit`: the front end's time per request (EngineConfig::
// request_overhead), from the calibration half's aggregated rows at a
// concurrency of at most 8, where a request hardly queues: the median over
// them of the measured TTFT less the simulated one without it. Printed, for
// measured.yaml and configs/engines/deployed.yaml (status: fitted).
int run_serving_validation(const ServingValidationOptions& o);

}  // namespace tokenfab
