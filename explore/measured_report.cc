#include "explore/measured_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace tokenfab {
namespace {

std::optional<double> error_of(const RowComparison& r, RowMetric m) {
  return m == RowMetric::throughput_per_gpu ? std::optional<double>(r.throughput_error) : r.tpot_error;
}

std::string source_of(const MeasuredRow& row) { return row.key.substr(0, row.key.find('/')); }

}  // namespace

const KnownMiss* known_miss_for(const MeasuredSpec& spec, const MeasuredRow& row) {
  if (row.inconsistent) return &*row.inconsistent;
  const std::string with_c = row.concurrency ? fmt::format("{} @{}", row.key, *row.concurrency) : row.key;
  for (const auto& m : spec.known_misses) {
    if (m.key == row.key || m.key == with_c) return &m;
  }
  return nullptr;
}

std::vector<RowComparison> compare_rows(const MeasuredSpec& spec, const std::vector<MeasuredRow>& rows,
                                        const std::vector<RowResult>& results) {
  std::vector<RowComparison> out;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const MeasuredRow& row = rows[i];
    RowComparison c;
    c.row = &row;
    c.model = results[i];
    c.throughput_error = results[i].fits ? results[i].throughput_per_gpu / row.throughput_per_gpu - 1.0 : -1.0;
    if (row.tpot && results[i].tpot) c.tpot_error = *results[i].tpot / *row.tpot - 1.0;
    c.calibration = spec.calibration.at(row.key);
    c.generation = system_for(spec, row.hardware).generation;
    c.known_miss = known_miss_for(spec, row);
    out.push_back(std::move(c));
  }
  return out;
}

MetricStats metric_stats(const std::vector<RowComparison>& rows, const ValidationTolerance& tol, const RowFilter& f) {
  MetricStats s;
  std::vector<double> abs, signed_errors;
  for (const auto& r : rows) {
    if (f.calibration && r.calibration != *f.calibration) continue;
    if (f.generation && r.generation != *f.generation) continue;
    if (f.source && source_of(*r.row) != *f.source) continue;
    const auto e = error_of(r, f.metric);
    if (!e) continue;
    ++s.points;
    abs.push_back(std::fabs(*e));
    signed_errors.push_back(*e);
    s.largest_abs = std::max(s.largest_abs, std::fabs(*e));
    if (std::fabs(*e) > tol.point) {
      ++s.outside;
      if (!r.known_miss) ++s.outside_unexplained;
    }
  }
  s.median_abs = median(abs);
  s.median = median(signed_errors);
  return s;
}

std::vector<std::string> tolerance_failures(const std::vector<RowComparison>& rows, const ValidationTolerance& tol) {
  std::vector<std::string> out;
  for (RowMetric m : {RowMetric::throughput_per_gpu, RowMetric::time_per_output_token}) {
    const char* name = m == RowMetric::throughput_per_gpu ? "throughput per GPU" : "time per output token";
    RowFilter evaluation;
    evaluation.calibration = false;
    evaluation.metric = m;
    const MetricStats s = metric_stats(rows, tol, evaluation);
    if (s.median_abs > tol.median)
      out.push_back(fmt::format("evaluation {}: median |error| {:.1f}% above {:.0f}%", name, 100 * s.median_abs,
                                100 * tol.median));
    if (s.points > 0 && s.outside > tol.outside_share * s.points)
      out.push_back(fmt::format("evaluation {}: {} of {} points beyond ±{:.0f}%, more than {:.0f}%", name, s.outside,
                                s.points, 100 * tol.point, 100 * tol.outside_share));
    if (s.outside_unexplained > 0)
      out.push_back(fmt::format("evaluation {}: {} points beyond ±{:.0f}% are not known misses", name,
                                s.outside_unexplained, 100 * tol.point));
  }
  return out;
}

double calibration_loss(const std::vector<RowComparison>& rows) {
  std::vector<double> v;
  for (const auto& r : rows) {
    if (!r.calibration) continue;
    v.push_back(std::fabs(std::log1p(std::max(r.throughput_error, -0.999))));
    if (r.tpot_error) v.push_back(std::fabs(std::log1p(std::max(*r.tpot_error, -0.999))));
  }
  return median(v);
}

std::string measured_report(const std::vector<RowComparison>& rows, const ValidationTolerance& tol) {
  std::set<std::string> generations;
  for (const auto& r : rows) generations.insert(r.generation);
  std::string out = fmt::format("{:<12} {:<24} {:<16} {:>6} {:>9} {:>8} {:>9} {:>8}\n", "half", "metric", "subset",
                                "points", "median|e|", "median", "largest", "outside");
  auto line = [&](const char* half, std::optional<bool> cal, RowMetric m, const std::string& subset,
                  std::optional<std::string> gen, std::optional<std::string> src) {
    const MetricStats s = metric_stats(rows, tol, {cal, m, std::move(gen), std::move(src)});
    if (s.points == 0) return;
    out += fmt::format("{:<12} {:<24} {:<16} {:>6} {:>8.1f}% {:>+7.1f}% {:>8.0f}% {:>8}\n", half,
                       m == RowMetric::throughput_per_gpu ? "throughput per GPU" : "time per output token", subset,
                       s.points, 100 * s.median_abs, 100 * s.median, 100 * s.largest_abs, s.outside);
  };
  for (auto [half, cal] : {std::pair{"calibration", true}, std::pair{"evaluation", false}}) {
    for (RowMetric m : {RowMetric::throughput_per_gpu, RowMetric::time_per_output_token}) {
      line(half, cal, m, "all", std::nullopt, std::nullopt);
      for (const char* src : {"inferencex", "mlperf"}) line(half, cal, m, src, std::nullopt, src);
      for (const auto& g : generations) line(half, cal, m, g, g, std::nullopt);
    }
  }
  return out;
}

std::string known_miss_report(const std::vector<RowComparison>& rows, const ValidationTolerance& tol) {
  std::string out;
  std::map<const KnownMiss*, std::pair<int, int>> misses;  // outside, points
  for (const auto& r : rows) {
    if (!r.known_miss) continue;
    auto& [outside, points] = misses[r.known_miss];
    ++points;
    const bool beyond =
        std::fabs(r.throughput_error) > tol.point || (r.tpot_error && std::fabs(*r.tpot_error) > tol.point);
    outside += beyond ? 1 : 0;
  }
  std::vector<std::pair<const KnownMiss*, std::pair<int, int>>> listed(misses.begin(), misses.end());
  // By key, then reason: rows of one key can carry misses of their own.
  std::sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first->key, a.first->reason, a.second) < std::tie(b.first->key, b.first->reason, b.second);
  });
  for (const auto& [miss, counts] : listed)
    out += fmt::format("known miss {} ({} of {} rows outside): {}\n", miss->key, counts.first, counts.second,
                       miss->reason);
  return out;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace tokenfab
