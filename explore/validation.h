// The model against published measurements (configs/validation/published.yaml,
// figures from shared/reference/hardware.md §2), each with its stated
// tolerance.
//
// Published serving figures count GPU time spent on prefill too, so each
// point is modelled as a whole request: the best decode throughput per chip
// at or above the point's per-user speed (from the same sweep as the Pareto
// search), plus the best prefill throughput per chip for its prompt length,
// combined per request:
//   chip-seconds per request = output_tokens / decode rate + input_tokens / prefill rate
//   total tokens per chip    = (input + output) / chip-seconds     (InferenceX tput_per_gpu)
//   output tokens per chip   = output / chip-seconds                (MLPerf tokens/s)
//
// A point may also state the publisher's economics at the same operating
// point: tokens/s per MW of all-in power (checked as the modelled tokens per
// chip over the system's all-in power per chip, within the point's
// tolerance) and $ per Mtok (the modelled tokens per chip costed with the
// set's market, economics/tco.h, within `cost_tolerance`).
//
//   ValidationSet set = load_validation("configs/validation/published.yaml", {});
//   for (const ValidationResult& r : validate(set)) r.error, r.within
//
// Plain computation: `tokenfab validate` (app/) prints and writes it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "economics/tco.h"
#include "explore/mapping_search.h"

namespace tokenfab {

enum class ValidationMetric { total_tokens_per_chip, output_tokens_per_chip };
// estimate: |error| <= tolerance. upper_bound: the model may only overestimate,
// by at most the tolerance (a hardware bound over a software-limited measurement).
enum class ValidationKind { estimate, upper_bound };

template <>
struct EnumNames<ValidationMetric> {
  static constexpr std::array<std::pair<ValidationMetric, std::string_view>, 2> table{
      {{ValidationMetric::total_tokens_per_chip, "total_tokens_per_chip"},
       {ValidationMetric::output_tokens_per_chip, "output_tokens_per_chip"}}};
};

template <>
struct EnumNames<ValidationKind> {
  static constexpr std::array<std::pair<ValidationKind, std::string_view>, 2> table{
      {{ValidationKind::estimate, "estimate"}, {ValidationKind::upper_bound, "upper_bound"}}};
};

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
  std::string known_miss;  // non-empty: the mechanism that puts the point outside, printed every run
  std::optional<TokensPerJoule> published_per_watt;  // tokens/s per watt of all-in power
  std::optional<DollarsPerToken> published_cost;     // the publisher's $ per token
  double cost_tolerance = 0;
};

struct ValidationResult {
  const PublishedPoint* point = nullptr;
  std::optional<Point> decode;   // the decode point used; none when nothing reaches the speed
  std::optional<Point> prefill;  // the most prompt tokens per chip; none when nothing fits
  TokensPerSecond modelled;      // per chip
  double error = 0;              // modelled / published - 1
  bool within = false;
  // The economics, where the point states them: modelled / published - 1.
  std::optional<double> per_watt_error, cost_error;
  std::string cost_note;  // why the cost was not checked
  bool economics_within() const;
  // Within on every figure, or a known miss.
  bool accepted() const { return (within && economics_within()) || !point->known_miss.empty(); }
};

struct ValidationSet {
  std::vector<PublishedPoint> points;
  std::string market;                   // file: the market costs are checked with
  std::optional<Market> market_config;  // read from it at load
};

// Model paths are resolved against the file that names them.
ValidationSet load_validation(const std::filesystem::path& file, const std::vector<std::string>& sets);
std::vector<ValidationResult> validate(const ValidationSet& set);

// The best points for whole requests of `input` prompt and `output` generated
// tokens: the decode point with the most throughput per chip at or above
// `user_speed` (at the middle of the generation's context, batches up to
// `max_batch`) and the prefill point with the most prompt tokens per chip,
// each on replicas of at most `max_devices` chips; none where nothing fits.
// A published point and an MLPerf Offline row are both modelled from them.
struct RequestPoints {
  std::optional<Point> decode, prefill;
};
RequestPoints best_request_points(const SystemConfig& system, const ModelSpec& model, const Precision& precision,
                                  const EngineConfig& engine, std::int64_t input, std::int64_t output,
                                  std::int64_t max_batch, int max_devices, TokensPerSecond user_speed = {});

// The prefill point with the most prompt tokens per chip for prompts of
// `input` tokens, on replicas of at most `max_devices` chips; none where
// nothing fits.
std::optional<Point> best_prefill_point(const SystemConfig& system, const ModelSpec& model, const Precision& precision,
                                        const EngineConfig& engine, std::int64_t input, int max_devices);

// Tokens per chip-second of requests served at those rates: `counted` tokens
// (input + output, or output) over output / decode + input / prefill.
TokensPerSecond tokens_per_chip_second(std::int64_t input, std::int64_t output, std::int64_t counted,
                                       TokensPerSecond decode_per_chip, TokensPerSecond prefill_per_chip);

// The parts of one point's check, each testable alone:
// the tokens per chip-second of the request the point describes (the formula
// above), and whether `error` is within the point's tolerance of its kind.
TokensPerSecond request_tokens_per_chip(const PublishedPoint& p, TokensPerSecond decode_per_chip,
                                        TokensPerSecond prefill_per_chip);
bool within_tolerance(const PublishedPoint& p, double error);

}  // namespace tokenfab
