#include "app/validate_lpu.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>

#include "app/run_config.h"
#include "core/atomic_file.h"
#include "core/config_loader.h"
#include "explore/measured_report.h"
#include "hw/analytical/estimate.h"

namespace tokenfab {
namespace {

enum class PointRole { calibration, evaluation };

}  // namespace

template <>
struct EnumNames<PointRole> {
  static constexpr std::array<std::pair<PointRole, std::string_view>, 2> table{
      {{PointRole::calibration, "calibration"}, {PointRole::evaluation, "evaluation"}}};
};

namespace {

struct LpuPoint {
  std::string id;
  std::string run;  // run file, relative to the validation file
  TokensPerSecond published;
  std::string source;
  PointRole role = PointRole::evaluation;
  double tolerance = 0;    // relative, decided before the comparison (evaluation points)
  std::string known_miss;  // non-empty: the mechanism that puts it outside, printed every run
};

struct LpuFit {
  std::string key;  // engine key, e.g. kernel_overhead
  Seconds low, high;
};

struct LpuValidation {
  std::vector<LpuPoint> points;
  LpuFit fit;
};

const Schema<LpuPoint>& point_schema() {
  static const Schema<LpuPoint> schema = [] {
    Schema<LpuPoint> s("a published per-user decode speed of an LPU deployment");
    s.add("id", &LpuPoint::id, "short name");
    s.add("run", &LpuPoint::run, "run file of the deployment, relative to this file");
    s.add("published", &LpuPoint::published, "published tokens per second per user").positive();
    s.add("source", &LpuPoint::source, "where the figure was published");
    s.add("role", &LpuPoint::role, "calibration (the fit sees it) or evaluation (it never does)");
    s.add("tolerance", &LpuPoint::tolerance, "allowed relative error of an evaluation point")
        .default_value(0.0)
        .at_least(0.0);
    s.add("known_miss", &LpuPoint::known_miss, "why the point is outside, printed every run")
        .default_value(std::string());
    s.check([](const LpuPoint& p, Checker& k) {
      if (p.role == PointRole::evaluation && p.tolerance <= 0)
        k.fail("tolerance", "an evaluation point needs a tolerance above 0, decided before the comparison");
    });
    return s;
  }();
  return schema;
}

const Schema<LpuFit>& fit_schema() {
  static const Schema<LpuFit> schema = [] {
    Schema<LpuFit> s("the LPU engine term fitted on the calibration points");
    s.add("key", &LpuFit::key, "the engine term fitted: kernel_overhead (the time per op)");
    s.add("low", &LpuFit::low, "low end of the term's source range").at_least(Seconds(0));
    s.add("high", &LpuFit::high, "high end of the term's source range").positive();
    s.check([](const LpuFit& f, Checker& k) {
      if (f.key != "kernel_overhead")
        k.fail("key", "the LPU fit fits kernel_overhead, the engine's time per op; got '" + f.key + "'");
      if (f.high <= f.low) k.fail("high", "the range's high end must be above its low end");
    });
    return s;
  }();
  return schema;
}

const Schema<LpuValidation>& validation_schema() {
  static const Schema<LpuValidation> schema = [] {
    Schema<LpuValidation> s("published LPU deployment speeds");
    s.list("points", &LpuValidation::points, point_schema(), 1);
    s.section("fit", &LpuValidation::fit, fit_schema());
    return s;
  }();
  return schema;
}

struct LpuResult {
  const LpuPoint* point = nullptr;
  TokensPerSecond bound, deployed;
  std::string mapping;
  double error = 0;  // deployed / published - 1
  bool within = false;
};

// The point's run with `sets`, and the fitted term at `term` if given: an
// LPU decode whose engine was measured on its chip.
LoadedRun point_run(const LpuPoint& p, const std::filesystem::path& dir, const LpuFit& fit,
                    const std::optional<Seconds>& term, const std::vector<std::string>& sets) {
  RunOverrides overrides;
  overrides.sets = sets;
  if (term) overrides.sets.push_back(fmt::format("engine.{}={} us", fit.key, term->value() * 1e6));
  LoadedRun run = load_run((dir / p.run).lexically_normal(), overrides);
  const RunConfig& c = run.config;
  if (c.workload.phase != Phase::decode)
    throw InputError({p.run}, fmt::format("point '{}': an LPU point is a decode speed; the run is a prefill", p.id));
  if (c.system.chip.kind != ChipKind::lpu || !measured_for(c.engine, true, c.system.chip.name))
    throw InputError({p.run},
                     fmt::format("point '{}': the run needs an LPU system and an engine measured on its chip", p.id));
  return run;
}

// The term every run's own engine holds (the one --fit checks); the runs
// must agree on it.
Seconds held_term(const LpuValidation& v, const std::filesystem::path& dir, const std::vector<std::string>& sets) {
  std::optional<Seconds> first;
  for (const auto& p : v.points) {
    const Seconds own = point_run(p, dir, v.fit, std::nullopt, sets).config.engine.kernel_overhead;
    if (!first) first = own;
    if (own != *first)
      throw InputError({p.run}, fmt::format("point '{}': its engine's {} is {}, the first point's {}", p.id, v.fit.key,
                                            to_string(own), to_string(*first)));
  }
  return *first;
}

// One point's bound and deployed speed, the engine term at `term` if given.
LpuResult model_point(const LpuPoint& p, const std::filesystem::path& dir, const LpuFit& fit,
                      const std::optional<Seconds>& term, const std::vector<std::string>& sets) {
  const LoadedRun run = point_run(p, dir, fit, term, sets);
  const RunConfig& c = run.config;
  EstimateInput input{c.system, run.model, c.precision, c.mapping, c.workload, nullptr, false, c.engine};
  LpuResult r;
  r.point = &p;
  const Estimate deployed = estimate(input);
  if (!deployed.fits)
    throw InputError(
        {p.run}, fmt::format("point '{}': {} does not fit {} per chip on {} ({} needed)", p.id, run.model.name,
                             to_string(deployed.capacity), c.mapping.label(), to_string(deployed.footprint.total())));
  r.deployed = deployed.tokens_per_second_per_user;
  r.bound = estimate(bound_input(input)).tokens_per_second_per_user;
  r.mapping = c.mapping.label();
  r.error = r.deployed / p.published - 1.0;
  r.within = std::fabs(r.error) <= p.tolerance;
  return r;
}

std::vector<LpuResult> model_points(const LpuValidation& v, const std::filesystem::path& dir,
                                    const std::optional<Seconds>& term, const std::vector<std::string>& sets) {
  std::vector<LpuResult> out;
  for (const auto& p : v.points) out.push_back(model_point(p, dir, v.fit, term, sets));
  return out;
}

// The median over the calibration points of log(deployed / published), the
// term at `term`; only they are modelled.
double calibration_loss(const LpuValidation& v, const std::filesystem::path& dir, Seconds term,
                        const std::vector<std::string>& sets) {
  std::vector<double> logs;
  for (const auto& p : v.points) {
    if (p.role == PointRole::calibration)
      logs.push_back(std::log(model_point(p, dir, v.fit, term, sets).deployed / p.published));
  }
  if (logs.empty()) throw InputError({"points"}, "the fit needs at least one calibration point");
  return median(std::move(logs));
}

struct FittedTerm {
  Seconds value;
  bool at_range_end = false;  // the loss does not cross zero inside the range
};

FittedTerm fit_term(const LpuValidation& v, const std::filesystem::path& dir, const std::vector<std::string>& sets) {
  Seconds lo = v.fit.low, hi = v.fit.high;
  if (calibration_loss(v, dir, lo, sets) <= 0) return {lo, true};  // slower than published even at the low end
  if (calibration_loss(v, dir, hi, sets) >= 0) return {hi, true};
  // The loss falls as the term grows; 40 halvings narrow any range a
  // trillion-fold.
  for (int i = 0; i < 40; ++i) {
    const Seconds mid = 0.5 * (lo + hi);
    (calibration_loss(v, dir, mid, sets) > 0 ? lo : hi) = mid;
  }
  return {0.5 * (lo + hi), false};
}

std::string report(const std::vector<LpuResult>& results) {
  std::string out = fmt::format("{:<16} {:<11} {:>9} {:>9} {:>9} {:>7} {:>6}  {}\n", "point", "role", "published",
                                "bound", "deployed", "error", "within", "mapping");
  for (const auto& r : results) {
    const LpuPoint& p = *r.point;
    const std::string within = p.role == PointRole::calibration ? "fit"
                               : r.within                       ? fmt::format("±{:.0f}%", 100 * p.tolerance)
                               : p.known_miss.empty()           ? "NO"
                                                                : "miss";
    out += fmt::format("{:<16} {:<11} {:>9.0f} {:>9.0f} {:>9.0f} {:>+6.0f}% {:>6}  {}\n", p.id, enum_name(p.role),
                       p.published.value(), r.bound.value(), r.deployed.value(), 100 * r.error, within, r.mapping);
  }
  for (const auto& r : results) {
    if (r.point->role == PointRole::evaluation && !r.within && !r.point->known_miss.empty())
      out += fmt::format("  outside, known miss: {}: {}\n", r.point->id, r.point->known_miss);
  }
  return out;
}

std::string results_csv(const std::vector<LpuResult>& results) {
  std::string out = "id,role,published_tok_s_user,bound_tok_s_user,deployed_tok_s_user,error,tolerance,within\n";
  for (const auto& r : results) {
    const char* within = r.point->role == PointRole::calibration ? "fit" : r.within ? "true" : "false";
    out += fmt::format("{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{}\n", r.point->id, enum_name(r.point->role),
                       r.point->published.value(), r.bound.value(), r.deployed.value(), r.error, r.point->tolerance,
                       within);
  }
  return out;
}

}  // namespace

int run_lpu_validation(const LpuValidationOptions& o) {
  const LpuValidation v = load_config<LpuValidation>(o.file, validation_schema(), o.sets);
  const std::filesystem::path dir = std::filesystem::path(o.file).parent_path();
  int failures = 0;
  const Seconds held = held_term(v, dir, o.run_sets);
  std::optional<Seconds> term;  // the points' term: the engine's, or the one just fitted
  if (o.fit) {
    const FittedTerm fitted = fit_term(v, dir, o.run_sets);
    term = fitted.value;
    const bool same = std::fabs(held.value() - fitted.value.value()) <= 0.01 * fitted.value.value();
    std::cout << fmt::format(
        "fitted {} = {:.4g} us on the calibration points (range {:.4g}-{:.4g} us{}); the runs' engine holds {:.4g} "
        "us{}\n",
        v.fit.key, fitted.value.value() * 1e6, v.fit.low.value() * 1e6, v.fit.high.value() * 1e6,
        fitted.at_range_end ? ", stopped at an end: the calibration points are not matched" : "", held.value() * 1e6,
        same ? "" : ": update configs/engines/ to the fitted value");
    if (!same || fitted.at_range_end) ++failures;
  }
  const auto results = model_points(v, dir, term, o.run_sets);
  write_file_atomically(std::filesystem::path(o.out) / "lpu.csv", results_csv(results));
  std::cout << report(results) << "  wrote " << o.out << "/lpu.csv\n";
  for (const auto& r : results) {
    if (r.point->role == PointRole::evaluation && !r.within && r.point->known_miss.empty()) ++failures;
  }
  return failures;
}

}  // namespace tokenfab
