// The comparison of modelled rows with measured ones, half by half, metric by
// metric, generation by generation; and whether the evaluation half holds
// the tolerances decided before the comparison.
//
//   auto cmp = compare_rows(spec, rows, model_rows(spec, rows, spec.engine));
//   MetricStats s = metric_stats(cmp, spec.tolerance, {.calibration = false, .metric = RowMetric::throughput_per_gpu});
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "explore/measured.h"

namespace tokenfab {

// The median of `v` (the mean of the middle two for an even count; 0 when empty).
double median(std::vector<double> v);

struct RowComparison {
  const MeasuredRow* row = nullptr;
  RowResult model;
  double throughput_error = 0;       // modelled / measured - 1
  std::optional<double> tpot_error;  // modelled / measured - 1
  bool calibration = false;
  std::string generation;
  const KnownMiss* known_miss = nullptr;
};

// The known miss that names `row` (its configuration, or its configuration
// at its concurrency), or nullptr.
const KnownMiss* known_miss_for(const MeasuredSpec& spec, const MeasuredRow& row);

std::vector<RowComparison> compare_rows(const MeasuredSpec& spec, const std::vector<MeasuredRow>& rows,
                                        const std::vector<RowResult>& results);

struct RowFilter {
  std::optional<bool> calibration;  // none: both halves
  RowMetric metric = RowMetric::throughput_per_gpu;
  std::optional<std::string> generation;  // none: every generation
  std::optional<std::string> source;      // "inferencex" or "mlperf"; none: both
};

struct MetricStats {
  int points = 0;
  double median_abs = 0;  // median |error|
  double median = 0;      // signed median error
  double largest_abs = 0;
  int outside = 0;              // beyond the point tolerance
  int outside_unexplained = 0;  // of those, not known misses
};

MetricStats metric_stats(const std::vector<RowComparison>& rows, const ValidationTolerance& tol, const RowFilter& f);

// The evaluation half against the tolerances: one line per failed check, empty when all hold.
std::vector<std::string> tolerance_failures(const std::vector<RowComparison>& rows, const ValidationTolerance& tol);

// Median |log(modelled / measured)| over the calibration half, both metrics
// pooled: what a fit minimises (log, so that 2x over and 2x under weigh the same).
double calibration_loss(const std::vector<RowComparison>& rows);

// The printed report: per half, per metric, per generation and per source,
// the points, median and largest error and the points outside.
std::string measured_report(const std::vector<RowComparison>& rows, const ValidationTolerance& tol);

// Each known miss with how many of its rows are outside, and its reason.
std::string known_miss_report(const std::vector<RowComparison>& rows, const ValidationTolerance& tol);

}  // namespace tokenfab
