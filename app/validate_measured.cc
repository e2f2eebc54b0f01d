#include "app/validate_measured.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>

#include "core/atomic_file.h"
#include "core/config_loader.h"
#include "explore/measured_report.h"

namespace tokenfab {
namespace {

nlohmann::ordered_json row_json(const RowComparison& c, const char* engine, const SystemConfig& system) {
  const MeasuredRow& r = *c.row;
  nlohmann::ordered_json j = {{"engine", engine},
                              {"configuration", r.key},
                              {"half", c.calibration ? "calibration" : "evaluation"},
                              {"generation", c.generation},
                              {"mapping", r.mapping.str()},
                              {"concurrency", r.concurrency.value_or(0)},
                              {"gpus", r.gpus},
                              {"input_tokens", r.input_tokens},
                              {"output_tokens", r.output_tokens},
                              {"throughput_per_gpu_measured", r.throughput_per_gpu},
                              {"throughput_per_gpu_modelled", c.model.throughput_per_gpu},
                              {"throughput_error", c.throughput_error},
                              {"tpot_measured_s", r.tpot ? nlohmann::ordered_json(*r.tpot) : nullptr},
                              {"tpot_modelled_s", c.model.tpot ? nlohmann::ordered_json(*c.model.tpot) : nullptr},
                              {"tpot_error", c.tpot_error ? nlohmann::ordered_json(*c.tpot_error) : nullptr},
                              {"decode_step_s", c.model.decode_step.value()},
                              {"decode_batch", c.model.decode_batch},
                              {"model_mapping", c.model.mapping.str()},
                              {"bound", resource_key(c.model.bound, system)},
                              {"known_miss", c.known_miss ? c.known_miss->reason : ""},
                              {"source", r.source}};
  return j;
}

}  // namespace

MeasuredInput load_measured(const MeasuredOptions& o) {
  MeasuredInput in{load_measured_spec(o.file, o.sets), {}, std::nullopt};
  in.rows = load_measured_rows(in.spec);
  if (!o.market.empty()) in.market = load_config(o.market, market_schema());
  return in;
}

namespace {

// The evaluation half's InferenceX rows on systems with a price and a
// published TCO: $/Mtok costed with `market` on the modelled throughput,
// against InferenceX's own convention (its TCO per GPU-hour over the
// measured throughput). Held to a median |error| of 30%, decided before
// the comparison: the throughput's median 15% and the TCO's 25%
// (economics/tco_test.cc) taken as independent, sqrt(0.15^2 + 0.25^2).
// Tokens/s per MW needs no line of its own: the systems' all-in power per
// GPU is InferenceX's, so its error is the throughput's.
std::string cost_check(const MeasuredSpec& spec, const std::vector<RowComparison>& cmp, const Market& market,
                       std::vector<std::string>& failures) {
  const double tolerance = 0.30;
  std::map<std::string, std::vector<double>> by_system;
  std::vector<double> all;
  for (const RowComparison& c : cmp) {
    if (c.calibration || c.row->key.rfind("inferencex", 0) != 0 || !c.model.fits) continue;
    const SystemConfig& system = system_for(spec, c.row->hardware).system;
    if (!system.economics.price || !system.economics.tco_per_chip) continue;
    const DollarsPerToken ours =
        cost_per_token(tco_per_chip(system, market), TokensPerSecond(c.model.throughput_per_gpu), 1.0);
    const DollarsPerToken theirs = *system.economics.tco_per_chip / TokensPerSecond(c.row->throughput_per_gpu);
    const double error = ours / theirs - 1.0;
    by_system[system.name].push_back(error);
    all.push_back(std::fabs(error));
  }
  if (all.empty()) return "";
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  const double m = median(all);
  std::string out = fmt::format(
      "$/Mtok of the evaluation half's InferenceX rows ({} market on the model, InferenceX's TCO on the "
      "measurement): median |error| {:.1f}% (tolerance {:.0f}%) over {} rows;",
      market.name, 100 * m, 100 * tolerance, all.size());
  for (const auto& [name, errors] : by_system)
    out += fmt::format(" {} median {:+.0f}% ({} rows);", name, 100 * median(errors), errors.size());
  out.back() = '\n';
  if (m > tolerance)
    failures.push_back(fmt::format("$/Mtok median |error| {:.1f}% > {:.0f}%", 100 * m, 100 * tolerance));
  return out;
}

}  // namespace

std::vector<std::string> run_measured_validation(const MeasuredOptions& o, const MeasuredInput& in) {
  const MeasuredSpec& spec = in.spec;
  const std::vector<MeasuredRow>& rows = in.rows;
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  std::vector<std::string> failures;
  for (const bool bound : {true, false}) {
    const auto results = model_rows(spec, rows, bound);
    const auto cmp = compare_rows(spec, rows, results);
    const char* name = bound ? "bound" : "deployed";
    std::cout << fmt::format("\n{} rows modelled at their own settings, {} ({}):\n", rows.size(), name,
                             bound
                                 ? "what the hardware allows: no deployment term"
                                 : "what today's software is expected to deliver: " + o.file + " engine, by framework");
    std::cout << measured_report(cmp, spec.tolerance);
    for (const auto& c : cmp) {
      const SystemConfig& system = system_for(spec, c.row->hardware).system;
      if (o.rows && !bound)
        std::cout << fmt::format("  {} @{} {}: tput {:.0f} vs {:.0f} ({:+.0f}%), tpot {:.2f} vs {:.2f} ms ({:+.0f}%)\n",
                                 c.row->key, c.row->concurrency.value_or(0), c.row->mapping.label(),
                                 c.model.throughput_per_gpu, c.row->throughput_per_gpu, 100 * c.throughput_error,
                                 1e3 * c.model.tpot.value_or(0), 1e3 * c.row->tpot.value_or(0),
                                 100 * c.tpot_error.value_or(0));
      all.push_back(row_json(c, name, system));
    }
    if (bound) continue;
    failures = tolerance_failures(cmp, spec.tolerance);
    if (in.market) std::cout << cost_check(spec, cmp, *in.market, failures);
    std::cout << known_miss_report(cmp, spec.tolerance)
              << fmt::format("calibration loss (median |log error|, both metrics, known misses included): {:.4f}\n",
                             calibration_loss(cmp));
  }
  for (const auto& f : failures) std::cout << "  outside tolerance: " << f << "\n";
  if (!o.out.empty()) {
    write_file_atomically(std::filesystem::path(o.out) / "measured.json", all.dump(1) + "\n");
    write_file_atomically(std::filesystem::path(o.out) / "measured.csv", rows_csv(all));
  }
  return failures;
}

}  // namespace tokenfab

namespace tokenfab {
namespace {

// A fit parameter as a --measured-set: the shared engine's term, or the
// named framework's (frameworks.<index>.engine.<key>).
std::string assignment(const MeasuredSpec& spec, const FitParameter& p, double v) {
  std::string where = "engine";
  if (!p.framework.empty()) {
    const auto it = std::find_if(spec.frameworks.begin(), spec.frameworks.end(),
                                 [&](const FrameworkEngine& f) { return f.name == p.framework; });
    if (it == spec.frameworks.end())
      throw InputError({"fit"}, "fit parameter " + p.key + ": framework '" + p.framework + "' is not in frameworks");
    where = fmt::format("frameworks.{}.engine", it - spec.frameworks.begin());
  }
  return fmt::format("{}.{}={:.6g}{}{}", where, p.key, v, p.unit.empty() ? "" : " ", p.unit);
}

// The calibration loss with the parameters at `values`.
double loss_at(const MeasuredOptions& o, const MeasuredSpec& base, const std::vector<double>& values) {
  std::vector<std::string> sets = o.sets;
  for (std::size_t i = 0; i < base.fit.size(); ++i) sets.push_back(assignment(base, base.fit[i], values[i]));
  const MeasuredSpec spec = load_measured_spec(o.file, sets);
  std::vector<MeasuredRow> rows;
  for (auto& r : load_measured_rows(spec)) {
    // Known misses have a mechanism outside the model: they do not steer the fit.
    if (spec.calibration.at(r.key) && system_for(spec, r.hardware).generation != o.leave_out &&
        !known_miss_for(spec, r))
      rows.push_back(std::move(r));
  }
  return calibration_loss(compare_rows(spec, rows, model_rows(spec, rows, false)));
}

// Where a coordinate search starts: the parameter's value in the spec as
// it stands (the last fit), or the low end of its range where none is
// written. Starting from the last fit, the search can only keep or lower
// its loss (a coordinate search from the low ends can stop in a worse
// valley: the loss is flat along sums of terms, docs/validation.md).
double start_value(const ConfigNode& tree, const std::string& assignment_text, const FitParameter& p) {
  const std::string path = assignment_text.substr(0, assignment_text.find('='));
  const ConfigNode* node = &tree;
  for (std::size_t pos = 0; node;) {
    const std::size_t dot = path.find('.', pos);
    const std::string key = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (node->is_sequence()) {
      const std::size_t i = std::stoul(key);
      node = i < node->items.size() ? &node->items[i] : nullptr;
    } else {
      node = node->is_map() ? node->find(key) : nullptr;
    }
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  if (node && node->is_map()) node = node->find("value");
  if (!node || !node->is_scalar()) return p.low;
  const auto parsed = parse_quantity(node->scalar);
  const auto* q = std::get_if<ParsedQuantity>(&parsed);
  if (!q) return p.low;
  const double scale = p.unit == "us" ? 1e6 : p.unit == "ms" ? 1e3 : 1.0;
  return std::clamp(q->value_si * scale, p.low, p.high);
}

}  // namespace

void fit_measured(const MeasuredOptions& o) {
  const MeasuredSpec spec = load_measured_spec(o.file, o.sets);
  const auto& params = spec.fit;
  if (params.empty()) throw InputError({"fit"}, o.file + ": no fit parameters are listed");
  Diagnostics diags;
  const ConfigNode tree = load_resolved_tree(o.file, o.sets, diags);
  diags.throw_if_any();
  std::vector<double> values, low, high;
  for (const auto& p : params) {
    // A fit without a generation starts from the low ends: the spec's values
    // were fitted with that generation's rows.
    values.push_back(o.leave_out.empty() ? start_value(tree, assignment(spec, p, p.low), p) : p.low);
    low.push_back(p.low);
    high.push_back(p.high);
  }
  double best = loss_at(o, spec, values);
  std::cout << fmt::format("calibration loss at the starting values (the spec's, or the low ends): {:.4f}\n", best);
  // Four rounds over the coordinates, each a 9-point grid: the first two
  // over the whole source range (a later coordinate can move an earlier
  // one's optimum), the last two over a range shrinking around the best value.
  for (int round = 0; round < 4; ++round) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const double lo = low[i], hi = high[i];
      for (int g = 0; g <= 8; ++g) {
        std::vector<double> trial = values;
        trial[i] = lo + (hi - lo) * g / 8.0;
        const double l = loss_at(o, spec, trial);
        if (l < best) {
          best = l;
          values = trial;
        }
      }
      if (round >= 1) {
        const double span = (hi - lo) / 4.0;
        low[i] = std::max(params[i].low, values[i] - span);
        high[i] = std::min(params[i].high, values[i] + span);
      }
      std::cout << fmt::format("round {} {}: loss {:.4f}\n", round + 1, assignment(spec, params[i], values[i]), best);
    }
  }
  std::cout << "fitted on the calibration half" << (o.leave_out.empty() ? "" : " without " + o.leave_out) << ":\n";
  for (std::size_t i = 0; i < params.size(); ++i) std::cout << "  " << assignment(spec, params[i], values[i]) << "\n";
}

}  // namespace tokenfab
