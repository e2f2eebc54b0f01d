// `tokenfab validate`: the model against published measurements
// (configs/validation/published.yaml, figures from
// shared/reference/hardware.md §2), each with its stated tolerance.
//
// Published serving figures count GPU time spent on prefill too, so each
// point is modelled as a whole request: the best decode throughput per chip
// at or above the point's per-user speed (from the same sweep as `pareto`),
// plus the best prefill throughput per chip for its prompt length, combined
// per request:
//   chip-seconds per request = output_tokens / decode rate + input_tokens / prefill rate
//   total tokens per chip    = (input + output) / chip-seconds     (InferenceX tput_per_gpu)
//   output tokens per chip   = output / chip-seconds                (MLPerf tokens/s)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/run_config.h"

namespace tokenfab {

enum class ValidationMetric { total_tokens_per_chip, output_tokens_per_chip };
// estimate: |error| <= tolerance. upper_bound: the model may only overestimate,
// by at most the tolerance (a hardware bound over a software-limited measurement).
enum class ValidationKind { estimate, upper_bound };

struct PublishedPoint {
  std::string id;
  std::string source;
  std::string explanation;  // why the model may differ, shown in the report
  SystemConfig system;
  std::string model;
  Precision precision;
  EngineConfig engine;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  ValidationMetric metric = ValidationMetric::total_tokens_per_chip;
  std::optional<TokensPerSecond> at_user_speed;  // none: the highest throughput at any speed
  TokensPerSecond published;                     // per chip
  double tolerance = 0;                          // relative
  ValidationKind kind = ValidationKind::estimate;
};

struct ValidationResult {
  const PublishedPoint* point = nullptr;
  double decode_per_chip = 0;  // tok/s per chip of the decode point used
  double decode_user = 0;      // its tok/s per user
  std::string decode_mapping;
  std::int64_t decode_batch = 0;
  double prefill_per_chip = 0;  // prompt tok/s per chip
  double modelled = 0;
  double error = 0;  // modelled / published - 1
  bool within = false;
};

struct ValidationSet {
  std::vector<PublishedPoint> points;
};

ValidationSet load_validation(const std::filesystem::path& file, const std::vector<std::string>& sets);
std::vector<ValidationResult> validate(const ValidationSet& set);
std::string validation_report(const std::vector<ValidationResult>& results);
std::string validation_csv(const std::vector<ValidationResult>& results);

}  // namespace tokenfab
