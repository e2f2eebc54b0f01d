// `tokenfab validate`: prints and writes the comparison of explore/validation.h
// with published measurements.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "app/command.h"
#include "app/validate_lpu.h"
#include "app/validate_measured.h"
#include "app/validate_serving.h"
#include "core/atomic_file.h"
#include "explore/validation.h"

namespace tokenfab {
namespace {

std::string validation_report(const std::vector<ValidationResult>& results) {
  std::string out = fmt::format("{:<18} {:>10} {:>10} {:>8} {:>6}  {}\n", "point", "published", "model", "error",
                                "within", "decode point used (tok/s/user, mapping, batch); prefill tok/s/chip");
  std::size_t ok = 0;
  for (const auto& r : results) {
    ok += r.within ? 1 : 0;
    const Point decode = r.decode.value_or(Point{}), prefill = r.prefill.value_or(Point{});
    out += fmt::format("{:<18} {:>10.0f} {:>10.0f} {:>+7.0f}% {:>6}  {:.0f} tok/s/user, {}, batch {}; prefill {:.0f}\n",
                       r.point->id, r.point->published.value(), r.modelled.value(), 100 * r.error,
                       r.within ? fmt::format("{}{:.0f}%", r.point->kind == ValidationKind::upper_bound ? "+" : "±",
                                              100 * r.point->tolerance)
                       : r.point->known_miss.empty() ? "NO"
                                                     : "miss",
                       decode.summary.per_user.value(), r.decode ? decode.mapping.str() : "", decode.batch,
                       prefill.summary.per_device.value());
  }
  out += fmt::format("{} of {} points within their tolerance\n", ok, results.size());
  // The economics at the same points, where the publisher stated them.
  std::string economics;
  for (const auto& r : results) {
    const PublishedPoint& p = *r.point;
    if (!p.published_per_watt && !p.published_cost) continue;
    economics += fmt::format("{:<18}", p.id);
    if (r.per_watt_error) {
      economics += fmt::format(" {:>9.3g} {:>9.3g} {:>+6.0f}% {:>5}", p.published_per_watt->value() * 1e6,
                               (p.published_per_watt->value() * (1 + *r.per_watt_error)) * 1e6, 100 * *r.per_watt_error,
                               within_tolerance(p, *r.per_watt_error) ? fmt::format("±{:.0f}%", 100 * p.tolerance)
                               : p.known_miss.empty()                 ? "NO"
                                                                      : "miss");
    } else {
      economics += fmt::format(" {:>9} {:>9} {:>7} {:>5}", "-", "-", "", "");
    }
    if (r.cost_error) {
      economics +=
          fmt::format(" {:>8.3f} {:>8.3f} {:>+6.0f}% {:>5}", p.published_cost->value() * 1e6,
                      p.published_cost->value() * (1 + *r.cost_error) * 1e6, 100 * *r.cost_error,
                      std::fabs(*r.cost_error) <= p.cost_tolerance ? fmt::format("±{:.0f}%", 100 * p.cost_tolerance)
                      : p.known_miss.empty()                       ? "NO"
                                                                   : "miss");
    } else if (p.published_cost) {
      economics += fmt::format(" {:>8.3f} cost not checked: {}", p.published_cost->value() * 1e6, r.cost_note);
    }
    economics += "\n";
  }
  if (!economics.empty()) {
    out += fmt::format("economics at the same points:\n{:<18} {:>9} {:>9} {:>7} {:>5} {:>8} {:>8} {:>7} {:>5}\n",
                       "point", "tok/s/MW", "model", "error", "within", "$/Mtok", "model", "error", "within") +
           economics;
  }
  for (const auto& r : results) {
    if (!r.within && !r.point->known_miss.empty())
      out += fmt::format("  outside, known miss: {}: {}\n", r.point->id, r.point->known_miss);
  }
  return out;
}

// validation.json: a row per published point with the decode and prefill
// points it was modelled from, each with its summary; validation.csv
// flattens the rows.
nlohmann::ordered_json validation_json(const std::vector<ValidationResult>& results) {
  nlohmann::ordered_json j;
  j["format"] = "tokenfab-validation";
  j["schema_version"] = 1;
  j["points"] = nlohmann::ordered_json::array();
  for (const auto& r : results) {
    const PublishedPoint& p = *r.point;
    nlohmann::ordered_json row = {{"id", p.id},
                                  {"system", p.system.name},
                                  {"model", std::filesystem::path(p.model).stem().string()},
                                  {"metric", std::string(enum_name(p.metric))},
                                  {"published", p.published.value()},
                                  {"modelled", r.modelled.value()},
                                  {"error", r.error},
                                  {"tolerance", p.tolerance},
                                  {"within", r.within}};
    if (r.per_watt_error) {
      row["published_tokens_per_s_per_mw"] = p.published_per_watt->value() * 1e6;
      row["per_mw_error"] = *r.per_watt_error;
    }
    if (r.cost_error) {
      row["published_dollars_per_mtok"] = p.published_cost->value() * 1e6;
      row["cost_error"] = *r.cost_error;
      row["cost_tolerance"] = p.cost_tolerance;
    }
    if (r.decode) row["decode"] = point_json(*r.decode, p.system);
    if (r.prefill) row["prefill"] = point_json(*r.prefill, p.system);
    j["points"].push_back(std::move(row));
  }
  return j;
}

struct Options {
  std::string file = "configs/validation/published.yaml";
  std::vector<std::string> sets;
  std::string out = "out/validation";
  bool strict = false;
  bool fit = false;
  MeasuredOptions measured;
  std::string serving;  // the serving validation's file: run it instead
  std::string lpu;      // the LPU validation's file: run it instead
  std::vector<std::string> lpu_run_sets;
  bool rows = false;
};

int run_validation(const Options& o) {
  if (!o.serving.empty()) {
    const int beyond = run_serving_validation({o.serving, o.sets, o.out, o.measured.rows, o.fit});
    return o.strict && beyond > 0 ? 1 : 0;
  }
  if (!o.lpu.empty()) {
    const int failures = run_lpu_validation({o.lpu, o.sets, o.lpu_run_sets, o.out, o.fit});
    return o.strict && failures > 0 ? 1 : 0;
  }
  if (o.fit) {
    fit_measured(o.measured);
    return 0;
  }
  // Every input is read before anything is written: a bad measured file
  // leaves no partial output behind.
  std::optional<MeasuredInput> measured_in;
  if (!o.measured.file.empty()) measured_in = load_measured(o.measured);
  ValidationSet set = load_validation(o.file, o.sets);
  auto results = validate(set);
  const auto json = validation_json(results);
  write_file_atomically(std::filesystem::path(o.out) / "validation.json", json.dump(1) + "\n");
  write_file_atomically(std::filesystem::path(o.out) / "validation.csv", rows_csv(json["points"]));
  std::cout << validation_report(results) << "  wrote " << o.out << "/validation.json, validation.csv\n";
  bool all = std::all_of(results.begin(), results.end(), [](const auto& r) { return r.accepted(); });
  MeasuredOptions measured = o.measured;
  measured.out = o.out;
  if (measured_in && !run_measured_validation(measured, *measured_in).empty()) all = false;
  return o.strict && !all ? 1 : 0;
}

}  // namespace

Command validate_command() {
  auto o = std::make_shared<Options>();
  return {"validate", "compare the model with published measurements",
          [o](CLI::App& cmd) {
            cmd.add_option("file", o->file, "published points (YAML)")->capture_default_str();
            cmd.add_option("--set", o->sets, "override key.path=value, e.g. points.0.tolerance=0.2");
            require_output_path(cmd.add_option("--out", o->out, "output directory")->capture_default_str());
            cmd.add_flag("--strict", o->strict, "exit with 1 when a point is outside its tolerance");
            cmd.add_option("--measured", o->measured.file, "measured rows and how to model them (YAML); '' skips them")
                ->capture_default_str();
            cmd.add_option("--measured-set", o->measured.sets,
                           "override in the measured file, e.g. engine.step_overhead=2 ms");
            cmd.add_flag("--rows", o->measured.rows, "print every measured row");
            cmd.add_option("--market", o->measured.market,
                           "market the measured rows' $/Mtok is checked with (YAML); '' skips the check")
                ->capture_default_str();
            cmd.add_option("--leave-out", o->measured.leave_out,
                           "with --fit: a generation (e.g. blackwell_ultra) left out of the fit");
            auto* serving =
                cmd.add_option("--serving", o->serving,
                               "serve the InferenceX disaggregated rows of this file (configs/validation/serving.yaml) "
                               "through the serving simulation instead; --set applies to it");
            auto* lpu =
                cmd.add_option("--lpu", o->lpu,
                               "compare compiled LPU deployments' per-user speeds (configs/validation/lpu.yaml) "
                               "instead; with --fit, fit the LPU engine's term; --set applies to that file")
                    ->excludes(serving);
            cmd.add_option("--run-set", o->lpu_run_sets,
                           "with --lpu: override in every run, the fit's included, e.g. mapping.pp=8")
                ->needs(lpu);
            cmd.add_flag("--fit", o->fit,
                         "fit the measured file's `fit` parameters on the calibration half and print them");
          },
          [o](const Invocation&) { return run_validation(*o); }};
}

}  // namespace tokenfab
