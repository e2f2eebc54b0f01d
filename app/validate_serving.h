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
  bool fit = false;   // fit the engine's request_overhead and prefill_attention instead (below)
};

// Prints the report and writes serving.csv; the number of metrics whose
// median |error| on the evaluation rows is beyond the tolerance.
//
// With `fit`: two terms from the calibration half's aggregated rows at a
// concurrency of at most 8, where a request hardly queues, printed for
// configs/engines/deployed.yaml (status: fitted):
// - the front end's time per request (EngineConfig::request_overhead), from
//   the rows of 1k prompts, whose prefill is a few tens of ms: the value at
//   which the median over them of the measured TTFT less the simulated one
//   is zero, by bisection over 0-0.5 s;
// - prefill attention's share of the dense rate (EngineConfig::
//   prefill_attention), from the rows of longer prompts: the share at which
//   the median of their measured TTFT less the simulated one is zero, by
//   bisection over its source range 0.2-1.
// Each is fitted with the other's last value, twice over.
int run_serving_validation(const ServingValidationOptions& o);

}  // namespace tokenfab
